"""What a watch needs from the describe pipeline, and what it tells its listener.

The watch folder sits below `jobs` and `describing` (imports only go down), so it names what it uses
instead of importing it: a `Runner` (the describer's `JobRunner`: one worker, single flight, reports
posted to the main thread) and a `Pipeline` that adds how pictures are prepared and how an answer
is streamed. `Describer.pipeline(settings)` hands out its own runner and client, so a watch request
and a describe can never run at once and share one open connection; the command-line tool builds
a `Pipeline` from its own client.
"""

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any, Protocol

from ..cancellation import CancelToken
from ..conversation.conversation import Conversation
from ..imaging.preparation import ImagePolicy, prepareImage
from ..imaging.sizing import PicturePlan
from ..media import PreparedImage


class Runner(Protocol):
	"""The part of `jobs.JobRunner` a watch uses."""

	@property
	def busy(self) -> bool: ...

	def submit(self, job: Callable[[CancelToken], None]) -> bool: ...

	def post(self, fn: Callable[[], None]) -> None: ...

	def postWhenDone(self, fn: Callable[[], None]) -> None: ...

	def whenFree(self, fn: Callable[[], None]) -> None: ...


def sharedPolicy(policy: ImagePolicy, pictures: int) -> ImagePolicy:
	"""A policy that gives each of `pictures` pictures a share of one picture's pixels and bytes."""
	if pictures <= 1:
		return policy
	scale = pictures**-0.5
	shortSide = policy.maxShortSide
	return replace(
		policy,
		maxLongSide=max(64, math.floor(policy.maxLongSide * scale)),
		maxShortSide=max(64, math.floor(shortSide * scale)) if shortSide else shortSide,
		byteBudget=max(1, policy.byteBudget // pictures),
	)


@dataclass(frozen=True)
class Pipeline:
	runner: Runner
	#: How a picture is scaled and encoded when `picturePlan` is not given (and for the CLI's sizes).
	policy: ImagePolicy
	#: Worker: the answer's text deltas for a request (reasoning left out).
	streamAnswer: Callable[[Conversation, CancelToken], Iterator[str]]
	#: The system message (with the answer's language).
	systemPrompt: str = ""
	#: Worker: how pictures are sized for the model (`imaging.sizing`), learned as a describe learns
	#: it, so a watch compares and sends pictures the way a describe sends them.
	picturePlan: Callable[[CancelToken], PicturePlan] | None = None

	def prepare(self, image: Any, token: CancelToken, pictures: int = 1) -> PreparedImage:
		"""Worker: image scaled and encoded as a describe sends it; with several pictures in one
		request, each gets a share of one picture's pixels and bytes."""
		plan = None
		if self.picturePlan is not None:
			plan = self.picturePlan(token)
			token.raiseIfCancelled()
		return preparePicture(image, plan, self.policy, pictures)


def preparePicture(
	image: Any, plan: PicturePlan | None, policy: ImagePolicy, pictures: int = 1
) -> PreparedImage:
	"""image sized by plan (or by policy without one), each of `pictures` at a share of one picture:
	the long side shrinks by the square root, still within what the model's family uses."""
	if plan is None:
		return prepareImage(image, sharedPolicy(policy, pictures))
	size = plan.sizeFor(image.width, image.height)
	if pictures > 1:
		longSide = max(64, math.floor(max(size) * pictures**-0.5))
		size = replace(plan, maxSide=min(plan.maxSide or longSide, longSide)).sizeFor(
			image.width, image.height
		)
	return prepareImage(image, sharedPolicy(plan.fallbackPolicy, pictures), size=size)


class WatchListener(Protocol):
	"""A watch's reports, always on the main thread.

	For each request: onRequestSent, onPhrase for each phrase, then onReport with the whole answer
	as spoken (markdown removed), or with "" when the model said nothing important changed (then
	nothing was spoken). onStopped comes once, last; nothing follows it.
	"""

	def onWatchStarted(self, sentence: str) -> None: ...

	def onRequestSent(self) -> None: ...

	def onPhrase(self, text: str, interrupt: bool) -> None:
		"""interrupt: the first phrase of a change while "interrupt older report" is on, so whatever
		is still being said of an older report should be cut off first (never for the first look,
		which follows the start sentence)."""

	def onReport(self, text: str) -> None: ...

	def onStopped(self, reason: str, sentence: str) -> None:
		"""sentence is "" when nothing should be said (StopReason.TERMINATED)."""
