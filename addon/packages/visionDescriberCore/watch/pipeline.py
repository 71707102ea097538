"""What a watch needs from the describe pipeline, and what it tells its listener.

The watch folder sits below `jobs` and `describing` (imports only go down), so it names what it uses
instead of importing it: a `Runner` (the describer's `JobRunner`: one worker, single flight, reports
posted to the main thread) and a `Pipeline` that adds how pictures are prepared and how an answer
is streamed. `Describer.pipeline(settings)` hands out its own runner and client, so a watch request
and a describe can never run at once and share one open connection; the command-line tool builds
a `Pipeline` from its own client.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from ..cancellation import CancelToken
from ..conversation.conversation import Conversation
from ..imaging.preparation import ImagePolicy


class Runner(Protocol):
	"""The part of `jobs.JobRunner` a watch uses."""

	@property
	def busy(self) -> bool: ...

	def submit(self, job: Callable[[CancelToken], None]) -> bool: ...

	def post(self, fn: Callable[[], None]) -> None: ...

	def postWhenDone(self, fn: Callable[[], None]) -> None: ...

	def whenFree(self, fn: Callable[[], None]) -> None: ...


@dataclass(frozen=True)
class Pipeline:
	runner: Runner
	#: How a picture is scaled and encoded for the chosen provider.
	policy: ImagePolicy
	#: Worker: the answer's text deltas for a request (reasoning left out).
	streamAnswer: Callable[[Conversation, CancelToken], Iterator[str]]
	#: The system message (with the answer's language).
	systemPrompt: str = ""


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
