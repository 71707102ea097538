"""How Vision Describer sounds: phrases spoken as they arrive, errors as plain sentences, and soft
progress tones while the model has not said anything yet.

Everything here runs on NVDA's main thread (the core posts to it). The describe commands and the
follow-up dialog share one SpeechOutput, so both sound the same.
"""

from collections.abc import Callable

import core
import speech
import tones
import ui
from logHandler import log
from visionDescriberCore.errors import VisionDescriberError
from visionDescriberCore.settings import Settings

#: A short rising tone: the request has gone out.
SENT_TONE = (660, 40)
#: A soft low tone repeated while waiting for the first words.
WAITING_TONE = (330, 30)
WAITING_INTERVAL_MS = 1500


class SpeechOutput:
	def __init__(self, getSettings: Callable[[], Settings]):
		self._getSettings = getSettings
		self._waitingTimer = None
		self._waiting = False

	@property
	def waiting(self) -> bool:
		"""True from the request going out until the first words, an error or the end."""
		return self._waiting

	def requestSent(self) -> None:
		self._waiting = True
		if self._getSettings().progressTones:
			tones.beep(*SENT_TONE)
			self._scheduleWaitingTone()

	def phrase(self, text: str) -> None:
		self.stopWaiting()
		ui.message(text)

	def error(self, error: VisionDescriberError) -> None:
		self.stopWaiting()
		# The detail (status, trimmed body, never a key) is for the log; the sentence is for the user.
		log.debug(f"Vision Describer: {type(error).__name__}: {error.detail}")
		ui.message(error.sentence)

	def say(self, text: str) -> None:
		ui.message(text)

	def silence(self) -> None:
		"""Ends the waiting and cuts off whatever is being spoken (the user stopped an answer)."""
		self.stopWaiting()
		speech.cancelSpeech()

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
