"""How Vision Describer sounds and reads: answers spoken phrase by phrase and shown in braille as they
arrive, errors as plain sentences, soft progress tones while the model has not said anything yet.

Everything here runs on NVDA's main thread (the core posts to it). The describe commands and the
follow-up dialog share one SpeechOutput, so both sound the same. Each answer gets an `AnswerOutput`
(`startAnswer()`): its phrases, its braille message (brailleOutput.py) and its end.

The user stops speech, NVDA does the rest. NVDA cancels speech itself: every key press (Control
included, and panning the braille display), a window coming to the foreground (closing the
follow-up dialog). `speech.extensions.pre_speechCanceled` tells us before every cancel. A cancel
after an answer's first words is the user silencing it: the rest of that answer is not spoken
(it still arrives, for repeat, show and the dialog), and its braille message is not pushed back
once NVDA took it down. The next answer speaks normally. A cancel the add-on makes for itself
(`cancelOwn`, a voice question starting; `cancelAndSay`, a newer report) is not the user's and
silences nothing; neither is the cancel NVDA makes inside `speak` when speech was paused.

Heard to its end: each phrase goes to the synthesizer with a `CallbackCommand` after it, which NVDA
runs on the main thread when speech gets there. `AnswerOutput.whenHeard(callback)` calls back once
the whole answer has arrived and its last phrase has been spoken, or as soon as that can never
happen: speech off, beeps or on demand, nothing to speak, or a cancel dropped what was queued.

Speech modes (`speech.getState().speechMode`): talk speaks everything. On demand speaks only while a
script marked `speakOnDemand` runs, so the immediate answers of the commands are heard (the command
table marks them) but an answer arriving later is not; beeps and off speak nothing (NVDA beeps for
each phrase in beeps mode). So nothing ends in silence without a sign: an answer complete but not
heard (by mode, or because the user silenced it) plays `READY_TONE` (R speaks it, braille shows it),
an error not heard plays `ERROR_TONE` (braille shows its sentence, R speaks it).
"""

import contextlib
from collections.abc import Callable, Iterator

import core
import queueHandler
import scriptHandler
import speech
import tones
import ui
from logHandler import log
from speech.commands import CallbackCommand
from visionDescriberCore.errors import VisionDescriberError
from visionDescriberCore.settings import Settings

from .brailleOutput import BrailleAnswer

#: A short rising tone: the request has gone out.
SENT_TONE = (660, 40)
#: A soft low tone repeated while waiting for the first words.
WAITING_TONE = (330, 30)
WAITING_INTERVAL_MS = 1500
#: A high tone: an answer is complete that was not spoken (speech mode, or the user silenced it).
READY_TONE = (1046, 60)
#: A low tone: an error whose sentence could not be spoken (braille shows it).
ERROR_TONE = (180, 150)


def speechIsHeardNow() -> bool:
	"""Whether what is spoken now reaches the user (speech mode, and on demand the running script)."""
	mode = speech.getState().speechMode
	if mode == speech.SpeechMode.talk:
		return True
	if mode == speech.SpeechMode.onDemand:
		script = scriptHandler.getCurrentScript()
		return bool(script and getattr(script, "speakOnDemand", False))
	return False


class SpeechOutput:
	def __init__(self, getSettings: Callable[[], Settings]):
		self._getSettings = getSettings
		self._waitingTimer = None
		self._waiting = False
		#: Above 0 while the add-on itself cancels or speaks (that cancel is not the user's).
		self._ownCancels = 0
		#: Answers a cancel concerns: the one streaming, and complete ones not yet heard to the end.
		self._answers: list[AnswerOutput] = []
		speech.extensions.pre_speechCanceled.register(self._onSpeechCanceled)

	def terminate(self) -> None:
		"""NVDA is leaving: no more tones, callbacks or held braille."""
		speech.extensions.pre_speechCanceled.unregister(self._onSpeechCanceled)
		self.stopWaiting()
		for answer in list(self._answers):
			answer.release()

	# --- Answers ------------------------------------------------------------------------------------

	def startAnswer(self) -> "AnswerOutput":
		"""A new answer; one still streaming is given up (its braille times out as usual)."""
		for answer in list(self._answers):
			if not answer.complete:
				answer.release()
		answer = AnswerOutput(self)
		self._answers.append(answer)
		return answer

	def _forget(self, answer: "AnswerOutput") -> None:
		if answer in self._answers:
			self._answers.remove(answer)

	def _onSpeechCanceled(self) -> None:
		byUser = self._ownCancels == 0
		for answer in list(self._answers):
			answer.speechCanceled(byUser)

	@contextlib.contextmanager
	def _ownSpeech(self) -> Iterator[None]:
		self._ownCancels += 1
		try:
			yield
		finally:
			self._ownCancels -= 1

	def _speak(self, sequence: list) -> None:
		with self._ownSpeech():
			speech.speak(sequence)

	# --- Messages -----------------------------------------------------------------------------------

	def say(self, text: str, signal: tuple[int, int] | None = None) -> bool:
		"""Speaks and brailles text (never empty text: NVDA would say "blank"). signal: a tone played
		instead when speech cannot be heard now. True when it was heard."""
		if not text or text.isspace():
			return False
		heard = speechIsHeardNow()
		with self._ownSpeech():
			ui.message(text)
		if not heard and signal is not None:
			tones.beep(*signal)
		return heard

	def cancelAndSay(self, text: str) -> None:
		"""Cuts off what is being spoken to say text now (a newer report).
		Not the user's cancel: a streaming answer is not silenced by it."""
		self.cancelOwn()
		self.say(text)

	def cancelOwn(self) -> None:
		"""Cuts off what is being spoken because the add-on needs quiet (a voice question starts
		listening, a newer watch report follows). Not the user's cancel: a streaming answer is not silenced by it."""
		with self._ownSpeech():
			speech.cancelSpeech()

	def error(self, error: VisionDescriberError) -> bool:
		"""Says the error's sentence (the error tone when it cannot be heard); True when heard."""
		self.stopWaiting()
		# The detail (status, trimmed body, never a key) is for the log; the sentence is for the user.
		log.debug(f"Vision Describer: {type(error).__name__}: {error.detail}")
		return self.say(error.sentence, signal=ERROR_TONE)

	def silence(self) -> None:
		"""The user stopped an answer: ends the waiting and cuts off whatever is being spoken."""
		self.stopWaiting()
		speech.cancelSpeech()

	# --- Progress tones -----------------------------------------------------------------------------

	@property
	def waiting(self) -> bool:
		"""True from the request going out until the first words, an error or the end."""
		return self._waiting

	def requestSent(self) -> None:
		self._waiting = True
		if self._getSettings().progressTones:
			tones.beep(*SENT_TONE)
			self._scheduleWaitingTone()

	def startWaiting(self) -> None:
		"""Waiting for something other than the model (a spoken question being turned into words):
		the soft waiting tones only, until `stopWaiting` or the next request."""
		self.stopWaiting()
		self._waiting = True
		if self._getSettings().progressTones:
			self._scheduleWaitingTone()

	def stopWaiting(self) -> None:
		self._waiting = False
		if self._waitingTimer is not None:
			self._waitingTimer.Stop()
			self._waitingTimer = None

	def _scheduleWaitingTone(self) -> None:
		self._waitingTimer = core.callLater(WAITING_INTERVAL_MS, self._waitingTick)

	def _waitingTick(self) -> None:
		self._waitingTimer = None
		if not self._waiting:
			return
		tones.beep(*WAITING_TONE)
		self._scheduleWaitingTone()


class AnswerOutput:
	"""One answer as it streams: `phrase` for each, `finish` at the end, `whenHeard` for what waits
	until the user has heard it. Made by `SpeechOutput.startAnswer()`."""

	def __init__(self, output: SpeechOutput):
		self._output = output
		#: The plain text so far, phrases joined by spaces (what braille shows).
		self.text = ""
		#: The user cut it off: the rest is not spoken.
		self.silenced = False
		#: Some of it was not heard because of the speech mode.
		self.unheard = False
		self.complete = False
		#: Phrases queued with a callback not yet reached; a cancel drops them all (a new generation).
		self._queued = 0
		self._generation = 0
		self._whenHeard: list[Callable[[], None]] = []
		self._braille = BrailleAnswer()

	def phrase(self, text: str) -> None:
		self._output.stopWaiting()
		text = text.strip()
		if not text or self.complete:
			return
		self.text = f"{self.text} {text}" if self.text else text
		self._braille.show(self.text, complete=False, mayPopUp=not self.silenced)
		if self.silenced:
			return
		if speechIsHeardNow():
			self._queued += 1
			generation = self._generation
			self._output._speak(
				[text, CallbackCommand(lambda: self._reached(generation), name="phraseHeard")]
			)
		else:
			self.unheard = True
			self._output._speak([text])  # NVDA beeps for it in beeps mode; off and on demand drop it

	def finish(self) -> None:
		"""Everything has arrived: braille follows NVDA's message timeout again; a tone if it was not
		heard."""
		if self.complete:
			return
		self.complete = True
		self._output.stopWaiting()
		self._braille.show(self.text, complete=True, mayPopUp=not self.silenced)
		if self.text and (self.silenced or self.unheard):
			tones.beep(*READY_TONE)
		self._settle()

	def whenHeard(self, callback: Callable[[], None]) -> None:
		"""callback() once the answer is complete and heard to its end, or as soon as it never will be."""
		self._whenHeard.append(callback)
		self._settle()

	def release(self) -> None:
		"""The answer ends here (replaced, failed, stopped, NVDA leaving): nothing waits for it."""
		self._whenHeard.clear()
		self._braille.release()
		self._output._forget(self)

	def speechCanceled(self, byUser: bool) -> None:
		"""NVDA is about to cancel speech: queued phrases will never be reached."""
		if self._queued:
			self._queued = 0
			self._generation += 1
		if byUser and self.text and not self.complete:
			self.silenced = True
		if self.complete:
			# Not from inside NVDA's cancelSpeech: what waits may open a window.
			queueHandler.queueFunction(queueHandler.eventQueue, self._settle)

	def _reached(self, generation: int) -> None:
		if generation == self._generation and self._queued:
			self._queued -= 1
			self._settle()

	def _settle(self) -> None:
		if not self.complete or self._queued:
			return
		waiting, self._whenHeard = self._whenHeard, []
		self._output._forget(self)
		for callback in waiting:
			callback()
