"""Listening for a spoken question as NVDA users need it: quiet while they speak, tones around it,
and everything the add-on changed put back exactly afterwards.

`VoiceInput` is the NVDA layer's one road to the core's `VoiceQuestions` (recording and
transcription on the describer's single worker). The A command (voiceCommands.py) and the follow-up
dialog's "Speak a question" button both use it, so both sound and behave the same:

	voice.listen(listener) -> bool   # False: the worker is busy (nothing changed, nothing said)
	voice.listening / voice.busy     # a press while listening is stop(); Escape is cancel()
	voice.stop()                     # the second press: keep what was said
	voice.cancel()                   # Escape, the cancel key, a locked screen: thrown away, quiet now
	voice.terminate()                # NVDA exiting: cancel, and restore at once

`listener` hears, on the main thread, `onTranscript(text)` (the worker is free: ask now) or
`onError(error)`; a cancel is never reported as an error (whoever cancels says so, or nothing is
said on a locked screen), but a listener with `onCancelled()` hears of it (the dialog's status).

What changes while listening, and how it is put back (`QuietWhileListening`, the core's
`ListeningHooks`, whose after hook the core guarantees exactly once):
- NVDA's speech is cut off as the add-on's own cancel (`SpeechOutput.cancelOwn`, so an answer that
  is complete but still being read is not taken as silenced by the user) and kept quiet by a handler
  on `speech.extensions.filter_speechSequence` that empties every sequence: nothing NVDA, another
  add-on or this one says reaches the synthesizer, so nothing of it is recorded, and in beeps mode
  there is no beep either. The user's speech mode is never touched (a speech mode changed and put
  back could clash with the user pressing NVDA+S meanwhile). Putting it back is unregistering the
  handler: `restore()` is idempotent and runs from the after hook, or sooner from `cancel()` (so
  "Cancelled" can be heard) and `terminate()` (a posted call may never run when NVDA exits).
- The tones: a short rising pair as listening starts (the core drops the first 0.15 s of audio, and
  the pair is over well before, so the tone is not in the recording); a falling pair when the recording ended with something kept or
  nothing heard; none for a cancel or a failure (a sentence follows instead).
- Braille shows "Listening" while the tones play (NVDA's message timeout then applies).
- A watch in progress gives way before listening starts (`Watcher.giveWay`, its reports wait) and
  resumes once the spoken question has been handed on, or has ended without one.

While transcribing, the soft waiting tones of a description play (`SpeechOutput.startWaiting`).
Everything here runs on NVDA's main thread; the core posts to it.
"""

from collections.abc import Callable
from typing import Any, Protocol

import addonHandler
import core
import speech
import tones
from logHandler import log
from visionDescriberCore.errors import VisionDescriberError
from visionDescriberCore.settings import Settings
from visionDescriberCore.voice.listening import NOTHING_HEARD, RECORDED, ListeningHooks, Recording
from visionDescriberCore.voiceQuestions import VoiceQuestions

from . import brailleOutput
from .speechOutput import SpeechOutput

addonHandler.initTranslation()

#: Two short notes each, (hz, ms): up when listening starts, down when it stopped. The rising pair
#: is over within 75 ms, well inside the 150 ms the core drops at the start of a recording.
RISING_TONE = ((523, 30), (784, 45))
FALLING_TONE = ((784, 30), (523, 45))
#: Milliseconds from one note to the next (the first has ended by then: a beep cuts off another).
NOTE_GAP_MS = 30


def transcriptSentence(text: str) -> str:
	# Translators: Said before the answer to a spoken question: what was understood.
	return _("You asked: {question}").format(question=text)


def playNotes(notes: tuple[tuple[int, int], ...]) -> None:
	"""The first note now, the others after it (one beep cuts off another in NVDA)."""
	first, *rest = notes
	tones.beep(*first)
	for index, note in enumerate(rest, start=1):
		core.callLater(NOTE_GAP_MS * index, tones.beep, *note)


class SpokenQuestionListener(Protocol):
	"""Told on the main thread: onTranscript once the worker is free, or onError."""

	def onTranscript(self, text: str) -> None: ...

	def onError(self, error: VisionDescriberError) -> None: ...


def _quiet(speechSequence):
	"""filter_speechSequence while listening: nothing is spoken."""
	return []


class QuietWhileListening(ListeningHooks):
	"""The before and after hooks of one recording (main thread)."""

	def __init__(self, speechOutput: SpeechOutput):
		self._speech = speechOutput
		self._quieted = False

	def beforeRecording(self) -> None:
		self._speech.stopWaiting()
		self._speech.cancelOwn()
		speech.extensions.filter_speechSequence.register(_quiet)
		self._quieted = True
		playNotes(RISING_TONE)
		# Translators: Shown in braille while Vision Describer listens for a spoken question.
		brailleOutput.flash(_("Listening: ask your question"))

	def afterRecording(self, outcome: str) -> None:
		self.restore()
		if outcome in (RECORDED, NOTHING_HEARD):
			playNotes(FALLING_TONE)

	def restore(self) -> None:
		"""Speech as it was before listening (idempotent)."""
		if self._quieted:
			self._quieted = False
			speech.extensions.filter_speechSequence.unregister(_quiet)

	@property
	def quieted(self) -> bool:
		return self._quieted


class _Relay:
	"""The core's VoiceListener for one question: waiting tones while transcribing, then the
	caller's listener, then the watch may go on."""

	def __init__(self, voice: "VoiceInput", listener: SpokenQuestionListener):
		self._voice = voice
		self._listener = listener

	def onRecorded(self, recording: Recording) -> None:
		log.debug(f"Vision Describer: spoken question recorded, {recording!r}")
		self._voice.speech.startWaiting()

	def onTranscript(self, text: str) -> None:
		self._voice.speech.stopWaiting()
		try:
			self._listener.onTranscript(text)
		finally:
			self._voice.questionEnded()

	def onError(self, error: VisionDescriberError) -> None:
		self._voice.speech.stopWaiting()
		try:
			self._listener.onError(error)
		finally:
			self._voice.questionEnded()


class VoiceInput:
	"""Main thread only. `activeWatcher()` gives the watch in progress, if any (see the module).
	Imports neither wx nor gui: the follow-up dialog's controller uses it in tests without wx."""

	def __init__(
		self,
		questions: VoiceQuestions,
		speechOutput: SpeechOutput,
		getSettings: Callable[[], Settings],
		activeWatcher: Callable[[], Any] = lambda: None,
	):
		self.questions = questions
		self.speech = speechOutput
		#: The saved settings (what to do with the words: speakTranscript, voiceFillQuestion ...).
		self.getSettings = getSettings
		self._activeWatcher = activeWatcher
		self._hooks: QuietWhileListening | None = None
		#: The watch that gave way to this question, until it resumes.
		self._pausedWatch: Any = None
		#: Listening asked for, waiting for a watch's job to end (giveWay).
		self._starting = False
		#: The listener of the question being recorded or transcribed.
		self._listener: SpokenQuestionListener | None = None

	@property
	def listening(self) -> bool:
		"""Recording now (or about to, once a watch has given way): a press stops it."""
		return self._starting or self.questions.listening

	@property
	def busy(self) -> bool:
		"""Recording or transcribing."""
		return self._starting or self.questions.busy

	@property
	def quieted(self) -> bool:
		"""NVDA's speech is being kept quiet."""
		return self._hooks is not None and self._hooks.quieted

	def listen(self, listener: SpokenQuestionListener, onRefused: Callable[[], None] | None = None) -> bool:
		"""Starts listening. False when the worker is busy with something that is not a watch.
		While watching, the watch gives way first: listening then starts once its job has ended
		(`onRefused()` is called if the worker was taken meanwhile)."""
		if self.busy:
			return False
		self._listener = listener
		watcher = self._activeWatcher()
		if (
			watcher is not None
			and getattr(watcher, "active", False)
			and not getattr(watcher, "paused", False)
		):
			self._pausedWatch = watcher
			self._starting = True

			def start() -> None:
				if not self._starting:
					return  # cancelled meanwhile
				self._starting = False
				if not self._start(listener):
					self.questionEnded()
					if onRefused is not None:
						onRefused()

			watcher.giveWay(start)
			return True
		if not self._start(listener):
			self._listener = None
			return False
		return True

	def _start(self, listener: SpokenQuestionListener) -> bool:
		hooks = QuietWhileListening(self.speech)
		if not self.questions.listen(hooks, _Relay(self, listener)):
			return False
		self._hooks = hooks
		return True

	def stop(self) -> bool:
		"""The second press: keeps what was said. False when not listening."""
		if self._starting:
			return self.cancel()
		return self.questions.stop()

	def cancel(self) -> bool:
		"""Throws the recording away or stops its transcription, and gives NVDA its speech back now.
		False when there was nothing to cancel."""
		starting, self._starting = self._starting, False
		cancelled = self.questions.cancel() or starting
		self._restore()
		listener, self._listener = self._listener, None
		if cancelled:
			self.speech.stopWaiting()
			self.resumeWatch()
			onCancelled = getattr(listener, "onCancelled", None)
			if onCancelled is not None:
				try:
					onCancelled()
				except Exception:  # the cancel itself has happened; whoever cancelled still says so
					log.exception("Vision Describer: a spoken question's listener failed on cancel")
		return cancelled

	def terminate(self) -> None:
		"""NVDA is exiting: cancel, and put back what listening changed at once."""
		self._starting = False
		self._pausedWatch = None
		self.questions.terminate()
		self._restore()

	def questionEnded(self) -> None:
		"""The question was handed on (or failed): nothing more to cancel; the watch may go on."""
		self._listener = None
		self.resumeWatch()

	def resumeWatch(self) -> None:
		watcher, self._pausedWatch = self._pausedWatch, None
		if watcher is not None:
			watcher.resume()

	def _restore(self) -> None:
		if self._hooks is not None:
			self._hooks.restore()
