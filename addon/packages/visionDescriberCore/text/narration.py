"""Drives speech from a stream of text deltas, on the worker thread.

`narrate(textDeltas, post=..., onPhrase=...)` reads the model's answer delta by delta. With
streamSpeech on, each complete phrase (see `phrases.PhraseSplitter`) is stripped of markdown and
posted to the main thread as soon as it is complete, so the first words are heard while the model is
still writing; with it off, the whole answer is posted once at the end. It returns the full raw text
(markdown included) for the conversation, and posts `onFinished(fullText)` when the answer is done.

The caller adapts its stream to plain text deltas: reasoning ("thinking") deltas must be left out,
they are not the answer. Each delta is cleaned as it arrives (`cleaning.TextCleaner`: no control
characters, no U+FFFD), so the phrases and the returned text never carry what a synthesizer, a
braille display or the clipboard cannot take.

Nothing is spoken after a cancel: each posted call checks the token when it runs on the main thread,
so even phrases already on their way are dropped once `cancel()` has been called there.
If the stream fails part way (say it was cut short), what arrived is still spoken, then the error is
raised for the job runner to report.
"""

from collections.abc import Callable, Iterable

from ..cancellation import CancelToken
from ..errors import Cancelled
from .cleaning import TextCleaner
from .markdownStripping import MarkdownStripper
from .phrases import PhraseSplitter

Post = Callable[[Callable[[], None]], None]


class Narrator:
	"""Incremental form of `narrate`: feed(delta) for each delta, then finish()."""

	def __init__(
		self,
		post: Post,
		onPhrase: Callable[[str], None],
		onFinished: Callable[[str], None] | None = None,
		streamSpeech: bool = True,
		splitter: PhraseSplitter | None = None,
		token: CancelToken | None = None,
	):
		self._post = post
		self._onPhrase = onPhrase
		self._onFinished = onFinished
		self.streamSpeech = streamSpeech
		self._splitter = splitter or PhraseSplitter()
		self._splitter.reset()
		self._stripper = MarkdownStripper()
		self._cleaner = TextCleaner()
		self._token = token or CancelToken()
		self._parts: list[str] = []
		self._finished = False

	@property
	def text(self) -> str:
		"""The raw answer received so far (markdown kept, unspeakable characters removed)."""
		return "".join(self._parts)

	def feed(self, delta: str) -> None:
		self._token.raiseIfCancelled()
		delta = self._cleaner.clean(delta)
		if not delta:
			return
		self._parts.append(delta)
		if self.streamSpeech:
			self._say(self._splitter.feed(delta))

	def finish(self) -> str:
		"""The answer is complete: speaks what is left, posts onFinished, returns the raw text."""
		self._token.raiseIfCancelled()
		self.speakRest()
		text = self.text
		if self._onFinished is not None:
			onFinished, token = self._onFinished, self._token
			self._post(lambda: None if token.cancelled else onFinished(text))
		return text

	def speakRest(self) -> None:
		"""Speaks whatever has not been spoken yet (once)."""
		if self._finished:
			return
		self._finished = True
		if self.streamSpeech:
			self._say(self._splitter.flush())
		else:
			self._say([self.text])

	def _say(self, phrases: list[str]) -> None:
		onPhrase, token = self._onPhrase, self._token
		for phrase in phrases:
			spoken = self._stripper.clean(phrase)
			if spoken:
				self._post(lambda spoken=spoken: None if token.cancelled else onPhrase(spoken))


def narrate(
	textDeltas: Iterable[str],
	*,
	post: Post,
	onPhrase: Callable[[str], None],
	onFinished: Callable[[str], None] | None = None,
	streamSpeech: bool = True,
	splitter: PhraseSplitter | None = None,
	token: CancelToken | None = None,
) -> str:
	"""Speaks an answer as it streams; returns its full raw text. Runs on the worker thread."""
	token = token or CancelToken()
	narrator = Narrator(post, onPhrase, onFinished, streamSpeech, splitter, token)
	try:
		for delta in textDeltas:
			narrator.feed(delta)
	except Cancelled:
		raise
	except Exception:
		if not token.cancelled:
			narrator.speakRest()
		raise
	return narrator.finish()
