"""The follow-up dialog's "Speak a question" button: a question asked aloud about the conversation
shown, through the plugin's `VoiceInput` (the same listening as the A command: NVDA's speech quiet
meanwhile, the rising and falling tones, Escape throws the recording away).

Pressed, it listens; pressed again while listening, it stops and keeps what was said. The words
are then sent exactly as a typed question is (`FollowUpController.send`), after "You asked: ..."
(setting `speakTranscript`); with the setting `voiceFillQuestion` they go into the question field
instead, with the focus, to be corrected and sent with Enter. Escape or Stop while recording or
transcribing throws the question away ("Cancelled"), without closing the dialog; closing the dialog
throws it away quietly. A failure (no microphone, nothing heard, the speech-to-text server) is said
and shown in the status. The status says "Listening..." meanwhile (for braille and for the eye).

Main thread only; imports neither wx nor gui (tests drive the controller without a window).
"""

from typing import TYPE_CHECKING

import addonHandler
from visionDescriberCore.errors import Cancelled, VisionDescriberError

from ..voiceInput import transcriptSentence

if TYPE_CHECKING:
	from .controller import FollowUpController

addonHandler.initTranslation()


def listeningText() -> str:
	# Translators: The follow-up dialog's status while it listens for a spoken question.
	return _("Listening. Speak your question; press Speak a question again to stop, Escape to cancel.")


def editText() -> str:
	# Translators: The follow-up dialog's status when a spoken question was put in the question field.
	return _("Correct the question if needed, then press Enter.")


class SpokenQuestions:
	"""The button's part of one dialog's controller."""

	def __init__(self, controller: "FollowUpController"):
		self._controller = controller
		#: The question this dialog started, while it is being recorded or transcribed.
		self._current: _SpokenQuestion | None = None

	def speak(self) -> None:
		controller = self._controller
		voice = controller.voice
		if voice is None:
			# Translators: Spoken when the follow-up dialog cannot listen for a spoken question.
			controller.speechOutput.say(_("Spoken questions are not available."))
			return
		if self._current is not None and voice.listening:
			voice.stop()
			return
		if voice.busy or controller.busy():
			controller.sayStillAnswering()
			return
		question = _SpokenQuestion(self)
		if not voice.listen(question, onRefused=question.refused):
			controller.sayStillAnswering()
			return
		self._current = question
		controller.view.showStatus(listeningText())

	def cancel(self) -> bool:
		"""Throws away the question this dialog started, if it is still being recorded or transcribed,
		and says so. False when there was none."""
		question, self._current = self._current, None
		voice = self._controller.voice
		if question is None or voice is None or not voice.cancel():
			return False
		self._controller.speechOutput.say(Cancelled().sentence)
		self._controller.view.showStatus(self._controller.readyStatus())
		return True

	def forget(self) -> None:
		"""The window is closing: the question is thrown away, quietly."""
		question, self._current = self._current, None
		voice = self._controller.voice
		if question is not None and voice is not None:
			voice.cancel()

	# --- What the question's listener hears -----------------------------------------------------------

	def heard(self, question: "_SpokenQuestion", text: str) -> None:
		if question is not self._current:
			return
		self._current = None
		controller = self._controller
		settings = controller.voice.getSettings()
		if settings.voiceFillQuestion:
			controller.view.setQuestion(text)
			controller.view.focusQuestion()
			controller.view.showStatus(editText())
			if settings.speakTranscript:
				controller.speechOutput.say(text)
			return
		if settings.speakTranscript:
			controller.speechOutput.say(transcriptSentence(text))
		controller.send(text)

	def cancelled(self, question: "_SpokenQuestion") -> None:
		"""Thrown away from elsewhere (Escape taken by the plugin, the cancel key, a locked screen)."""
		if question is self._current:
			self._current = None
			self._controller.view.showStatus(self._controller.readyStatus())

	def failed(self, question: "_SpokenQuestion", error: VisionDescriberError | None) -> None:
		"""error None: the worker was taken before listening could start."""
		if question is not self._current:
			return
		self._current = None
		controller = self._controller
		if error is None:
			controller.sayStillAnswering()
			controller.view.showStatus(controller.readyStatus())
			return
		controller.speechOutput.error(error)
		controller.view.showStatus(error.sentence)


class _SpokenQuestion:
	"""The VoiceInput listener of one question; ignored once the dialog has moved on."""

	def __init__(self, owner: SpokenQuestions):
		self._owner = owner

	def onTranscript(self, text: str) -> None:
		self._owner.heard(self, text)

	def onError(self, error: VisionDescriberError) -> None:
		self._owner.failed(self, error)

	def onCancelled(self) -> None:
		self._owner.cancelled(self)

	def refused(self) -> None:
		self._owner.failed(self, None)
