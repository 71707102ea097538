"""What the follow-up dialog keeps while NVDA runs, and the answer on its way.

`ConversationMemory` outlives the dialog: the notes (errors and stops) shown in each conversation's
history, the conversation shown last, and the one `Exchange` in flight. The conversation itself
(`Session`) only changes when an answer arrives, so errors and stops are kept here beside it.

An `Exchange` is one question or new picture: the `Listener` the `Describer` calls on NVDA's main
thread. It speaks through the shared `SpeechOutput` (one `AnswerOutput` per exchange) whether or not
the dialog is open and tells the open dialog's controller (if any, asked each time through
`openController`) what happened, so closing the dialog never loses an answer. Stopped, it keeps
what was heard in a note beside the conversation. Nothing here imports wx.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

import addonHandler
from visionDescriberCore.conversation.transcript import ERROR_BLOCK, STOPPED_BLOCK, Note
from visionDescriberCore.describing import Describer, Session
from visionDescriberCore.errors import VisionDescriberError

from ..speechOutput import AnswerOutput, SpeechOutput

if TYPE_CHECKING:
	from .controller import FollowUpController

addonHandler.initTranslation()


class ConversationMemory:
	"""Notes shown in each conversation's history, the conversation shown last, the answer on its way."""

	def __init__(
		self,
		describer: Describer,
		openController: "Callable[[], FollowUpController | None]" = lambda: None,
	):
		self.describer = describer
		#: The controller of the dialog that is open, if any (asked each time: the dialog may close).
		self.openController = openController
		self._notes: list[tuple[Session, list[Note]]] = []
		self.shown: Session | None = None
		#: The describer's last session when the dialog was last opened by the plugin.
		self.offeredLast: Session | None = None
		self.exchange: Exchange | None = None

	def sessionToShow(self) -> Session | None:
		"""The conversation shown last, unless something new was described since."""
		last = self.describer.lastSession
		if self.shown is not None and last is self.offeredLast:
			return self.shown
		return last

	def notesFor(self, session: Session) -> list[Note]:
		for kept, notes in self._notes:
			if kept is session:
				return notes
		return []

	def addNote(self, session: Session, note: Note) -> None:
		for kept, notes in self._notes:
			if kept is session:
				notes.append(note)
				return
		self._notes.append((session, [note]))
		# Forget the notes of conversations the describer no longer keeps.
		keep = [*self.describer.sessions, self.shown, session]
		self._notes = [(kept, notes) for kept, notes in self._notes if any(kept is k for k in keep)]


class Exchange:
	"""One question (or new picture) on its way; the describer's Listener, called on the main thread."""

	def __init__(
		self,
		memory: ConversationMemory,
		session: Session,
		question: str,
		shownQuestion: str,
		speechOutput: SpeechOutput,
	):
		self.memory = memory
		self.session = session
		#: What the user typed (goes back into the field when the answer fails or is stopped).
		self.question = question
		#: How the request reads in the history until the answer arrives.
		self.shownQuestion = shownQuestion
		self.speechOutput = speechOutput
		self.turnsBefore = len(session.conversation.turns)
		self.phrases: list[str] = []
		self.stopped = False
		self.finished = False
		self._answer: AnswerOutput | None = None

	@property
	def active(self) -> bool:
		return not (self.stopped or self.finished)

	def answer(self) -> AnswerOutput:
		"""How this answer is spoken and brailled; started with the request."""
		if self._answer is None:
			self._answer = self.speechOutput.startAnswer()
		return self._answer

	# --- Listener ---------------------------------------------------------------------------------

	def onRequestSent(self) -> None:
		if self.active:
			self.answer()
			self.speechOutput.requestSent()

	def onPhrase(self, text: str) -> None:
		if not self.active:
			return
		self.answer().phrase(text)
		self.phrases.append(text)
		controller = self.memory.openController()
		if controller is not None:
			controller.onExchangePhrase(self, text)

	def onAnswer(self, session: Session, text: str) -> None:
		wasActive = self.active
		self.finished = True
		self._release()
		if wasActive:
			self.answer().finish()
		controller = self.memory.openController()
		if controller is not None:
			# Even after a stop that came too late, the conversation now holds the answer: show it.
			controller.onExchangeEnded(self, None)

	def onError(self, error: VisionDescriberError, session: Session | None) -> None:
		if not self.active:
			return
		self.finished = True
		self._release()
		if self._answer is not None:
			self._answer.release()
		self.speechOutput.error(error)
		# A stream cut short has already put the question and what arrived into the conversation.
		turns = len(self.session.conversation.turns)
		question = "" if turns > self.turnsBefore else self.shownQuestion
		self.memory.addNote(self.session, Note(ERROR_BLOCK, turns, question, error.sentence))
		controller = self.memory.openController()
		if controller is not None:
			controller.onExchangeEnded(self, error)

	# --- Stopping ---------------------------------------------------------------------------------

	def stop(self) -> None:
		"""Cancels the answer at once and silences what was being spoken; what was heard stays in
		the history, marked as stopped."""
		if not self.active:
			return
		self.stopped = True
		self._release()
		self.memory.describer.cancel()
		self.speechOutput.silence()
		if self._answer is not None:
			self._answer.release()
		# Translators: Spoken when the user stops an answer in the follow-up dialog.
		self.speechOutput.say(_("Stopped."))
		turns = len(self.session.conversation.turns)
		heard = " ".join(self.phrases)
		self.memory.addNote(self.session, Note(STOPPED_BLOCK, turns, self.shownQuestion, heard))

	def detach(self) -> None:
		"""Ignores whatever still arrives (the plugin is terminating)."""
		self.stopped = True
		self._release()
		self.speechOutput.stopWaiting()
		if self._answer is not None:
			self._answer.release()

	def _release(self) -> None:
		if self.memory.exchange is self:
			self.memory.exchange = None
