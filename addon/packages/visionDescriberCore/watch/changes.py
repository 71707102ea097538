""" "What changed?": the same target again, and what is different since the last description.

`askWhatChanged` runs on the describer's runner like a describe and reports through the describer's
`Listener` (onRequestSent, onPhrase, onAnswer, onError), so the NVDA layer speaks it as it speaks a
description. On the worker:

	grab the session's target -> blank guard -> prepare it as the last picture was prepared
	-> practically identical to the last picture? say so at once, no request
	-> the model takes several images: both pictures in one request, each prepared at half the
	   pixels (`sharedPolicy`), so the pair costs about what one picture costs;
	   otherwise: the new picture, with what was said about the earlier one as text
	-> stream through the MarkerGate ("nothing important changed" is said as a sentence)
	-> main thread: the turn joins the session (the new picture is now its latest), onAnswer

Both pictures are compared as they were (or would be) sent: scaled and encoded the same way, then
decoded. Encoding is deterministic, so an unchanged screen gives the same bytes, and a caret or a
clock digit stays below the change threshold (`changeDetection.practicallyIdentical`).
"""

import functools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PIL import Image

from ..cancellation import CancelToken
from ..clients.endpoint import AZURE, OPENAI
from ..conversation.conversation import Conversation
from ..errors import Cancelled, VisionDescriberError
from ..i18n import _
from ..imaging.blankDetection import checkNotBlank
from ..media import PreparedImage
from ..text.narration import narrate
from .changeDetection import decodePrepared, frameOf, practicallyIdentical
from .markerGate import MarkerGate, removeMarker
from .watchPrompts import comparePrompt

log = logging.getLogger("visionDescriber")

# Ollama families whose chat templates and projectors take several images in one message. Until the
# picture-size work knows families from /api/show, the model's name decides; anything unknown gets
# the text variant, which every vision model handles. llama3.2-vision takes one image per message,
# and llava, bakllava, moondream and granite3.2-vision are trained on one picture at a time.
SEVERAL_IMAGE_FAMILIES = (
	"qwen2.5vl",
	"qwen2.5-vl",
	"qwen2-vl",
	"qwen3-vl",
	"qwen3vl",
	"gemma3",
	"gemma4",
	"mistral-small3",
	"mistral-small-3",
	"minicpm-v",
	"llama4",
	"gpt-4o",
	"gpt-4.1",
	"gpt-5",
)
ONE_IMAGE_FAMILIES = ("gemma3:1b", "gemma3-1b")


def takesSeveralImages(provider: str, model: str) -> bool:
	"""Whether both pictures can go in one request."""
	if provider in (OPENAI, AZURE):
		return True
	name = re.split(r"[/]", (model or "").strip().lower())[-1]
	if any(name.startswith(family) for family in ONE_IMAGE_FAMILIES):
		return False
	return any(name.startswith(family) for family in SEVERAL_IMAGE_FAMILIES)


@dataclass(frozen=True)
class Comparison:
	identical: bool
	after: PreparedImage | None = None  # the picture now, as it is sent
	before: PreparedImage | None = None  # the earlier picture, re-prepared, when both are sent
	#: The picture now at a whole picture's size: what the conversation keeps, so the next "what
	#: changed?" and follow-up questions see it as a describe would have sent it.
	kept: PreparedImage | None = None


def compare(
	before: PreparedImage,
	afterImage: Image.Image,
	prepare: Callable[[Image.Image, int], PreparedImage],
	severalImages: bool,
) -> Comparison:
	"""Worker: are the pictures practically identical, and if not, what is sent. prepare(image,
	pictures) scales and encodes as a describe does, each of `pictures` at a share of one picture."""
	afterAlone = prepare(afterImage, 1)
	earlier = decodePrepared(before)
	# The earlier picture may have been sent smaller (as one of two pictures, or for another model):
	# compare at its size, so only a change on the screen counts, never a change of size.
	now = decodePrepared(afterAlone)
	if now.size != earlier.size:
		now = now.resize(earlier.size, Image.Resampling.BILINEAR)
	if practicallyIdentical(frameOf(earlier), frameOf(now)):
		return Comparison(True)
	if not severalImages:
		return Comparison(False, afterAlone, kept=afterAlone)
	return Comparison(False, prepare(afterImage, 2), prepare(earlier, 2), kept=afterAlone)


def compareRequest(systemPrompt: str, said: str, comparison: Comparison, language: str = "") -> Conversation:
	"""The request for a comparison that found a difference."""
	request = Conversation(systemPrompt)
	earlier = (comparison.before,) if comparison.before is not None else ()
	request.addUserTurn(comparePrompt(said, bool(earlier), language), comparison.after, earlier)
	return request


def nothingChangedSentence() -> str:
	# Translators: Said at once, without asking the model, when the screen looks the same as when it
	# was last described.
	return _("Nothing has changed since the last description.")


def nothingImportantSentence() -> str:
	# Translators: Said when the model found no change that matters since the last description.
	return _("Nothing important changed.")


class NothingToCompare(VisionDescriberError):
	@property
	def sentence(self) -> str:
		# Translators: Said for "what changed?" before anything on the screen has been described.
		return _("Describe something on the screen first; then this says what changed since.")


def askWhatChanged(pipeline: Any, session: Any, listener: Any, options: Any) -> bool:
	"""Main thread. session: the describer's last `Session` (its target is captured again).
	listener: a describer `Listener`. options: `WatchOptions` (provider, model, language, speech).
	False when the worker is busy (nothing started); every other outcome reaches the listener."""
	runner = pipeline.runner
	before = session.conversation.lastImage if session is not None else None
	if before is None or not session.source.isScreenCapture:
		error = NothingToCompare("no screen picture described yet")
		runner.post(lambda: listener.onError(error, session))
		return True
	said = session.lastAnswer
	severalImages = takesSeveralImages(options.provider, options.model)

	def job(token: CancelToken) -> None:
		image = session.source.grab()
		token.raiseIfCancelled()
		checkNotBlank(image)
		comparison = compare(
			before, image, lambda picture, pictures: pipeline.prepare(picture, token, pictures), severalImages
		)
		token.raiseIfCancelled()
		if comparison.identical:
			sentence = nothingChangedSentence()
			runner.post(lambda: None if token.cancelled else listener.onPhrase(sentence))
			runner.postWhenDone(lambda: None if token.cancelled else listener.onAnswer(session, sentence))
			return
		request = compareRequest(pipeline.systemPrompt, said, comparison, options.language)
		runner.post(lambda: None if token.cancelled else listener.onRequestSent())
		gate = MarkerGate()
		text = narrate(
			gate.filter(pipeline.streamAnswer(request, token)),
			post=runner.post,
			onPhrase=_withoutMarker(listener.onPhrase),
			streamSpeech=options.streamSpeech,
			token=token,
		)
		if gate.isMarker:
			text = nothingImportantSentence()
			runner.post(lambda: None if token.cancelled else listener.onPhrase(text))
		turn = request.turns[-1]
		remember = functools.partial(_remember, session, turn, comparison.kept, text, listener)
		runner.postWhenDone(lambda: None if token.cancelled else remember())

	return runner.submit(functools.partial(_guarded, job, runner, listener, session))


def _withoutMarker(onPhrase: Callable[[str], None]) -> Callable[[str], None]:
	def speak(text: str) -> None:
		text = removeMarker(text)
		if text:
			onPhrase(text)

	return speak


def _remember(session: Any, turn: Any, kept: PreparedImage, text: str, listener: Any) -> None:
	"""Main thread: the new picture and the answer join the session, so follow-ups see them."""
	session.conversation.addUserTurn(turn.text, kept, turn.earlierImages)
	session.conversation.addAssistantTurn(text)
	listener.onAnswer(session, text)


def _guarded(
	job: Callable[[CancelToken], None], runner: Any, listener: Any, session: Any, token: CancelToken
) -> None:
	try:
		job(token)
	except Cancelled:
		return
	except VisionDescriberError as error:
		if not token.cancelled:
			log.warning("What changed: %s: %s", type(error).__name__, error.detail)
			runner.postWhenDone(lambda error=error: listener.onError(error, session))
	except Exception as error:
		if not token.cancelled:
			log.exception("What changed failed unexpectedly")
			report = VisionDescriberError(f"{type(error).__name__} (traceback in the log)")
			runner.postWhenDone(lambda: listener.onError(report, session))
