"""What the follow-up dialog decides, apart from the window that shows it.

The window (`window.FollowUpDialog`) forwards each event here with what it carries (the question
typed, the recent conversation chosen) and shows what it is told through `FollowUpView`; the
controller never reads a control, so the layout can change without touching it, and tests drive it
with a recording view and no window at all. It speaks only through the shared `SpeechOutput`.

It owns the conversation shown, the recent conversations list (newest first), the history text (a
copy of what the window shows, so Alt+L can say a line) and where the newest answer starts in it.
Each question or new picture becomes an `Exchange` kept in the `ConversationMemory`, so it outlives
the window. A spoken question ("Speak a question") is `spokenQuestions`' part; its words come back
here through `send` as a typed question would. Everything runs on NVDA's main thread, except
writing a saved file (see `saving`): its sentence comes back through `post` (wx.CallAfter in NVDA).
"""

import threading
from collections.abc import Callable
from typing import Protocol

import addonHandler
import api
from visionDescriberCore.conversation.transcript import (
	ANSWER_BLOCK,
	USER_BLOCK,
	Block,
	conversationBlocks,
	pictureIntro,
	plainAnswer,
	renderBlocks,
)
from visionDescriberCore.describing import Session
from visionDescriberCore.errors import VisionDescriberError

from ..speechOutput import SpeechOutput
from ..voiceInput import VoiceInput
from . import saving
from .conversations import ConversationMemory, Exchange
from .spokenQuestions import SpokenQuestions

addonHandler.initTranslation()

#: How much of a conversation's first answer names it in the recent conversations list.
RECENT_LABEL_CHARS = 60

Post = Callable[[Callable[[], None]], None]


class FollowUpView(Protocol):
	"""What the controller tells the window (and a test's recording view)."""

	def showTitle(self, title: str) -> None: ...

	def showRecent(self, labels: list[str]) -> None:
		"""Replaces the recent conversations list."""

	def selectRecent(self, index: int) -> None: ...

	def showHistory(self, text: str, latestAnswer: int | None) -> None:
		"""Replaces the history; the caret stays where the user reads, else goes to latestAnswer (a
		character index of text; None: the end)."""

	def appendToHistory(self, text: str) -> None: ...

	def showStatus(self, text: str) -> None: ...

	def questionText(self) -> str: ...

	def setQuestion(self, text: str) -> None:
		"""Puts text in the question field, caret at its end."""

	def focusQuestion(self) -> None: ...

	def historyHasFocus(self) -> bool: ...

	def focusHistoryAt(self, index: int) -> None:
		"""Focuses the history with the caret at character index, scrolled into view."""

	def askSavePath(self, defaultName: str) -> str | None: ...

	def close(self) -> None: ...


def recentLabel(session: Session) -> str:
	"""How a conversation is named in the recent conversations list: plain text, as NVDA reads it."""
	firstAnswer = next((turn.text for turn in session.conversation.turns if turn.role == "assistant"), "")
	words = " ".join(plainAnswer(firstAnswer).split())
	if len(words) > RECENT_LABEL_CHARS:
		words = words[:RECENT_LABEL_CHARS].rsplit(" ", 1)[0] + "…"
	return f"{session.title}: {words}" if words else session.title


def titleFor(session: Session) -> str:
	# Translators: The follow-up dialog's title, e.g. "Vision Describer conversation: 14:03 navigator object".
	return _("Vision Describer conversation: {title}").format(title=session.title)


def answeringText() -> str:
	# Translators: The follow-up dialog's status (and what it says) while waiting for an answer.
	return _("Answering...")


def readyText() -> str:
	# Translators: The follow-up dialog's status when it waits for a question.
	return _("Type a question and press Enter.")


class FollowUpController:
	"""The follow-up dialog's decisions; attach a view, then showSession."""

	def __init__(
		self,
		memory: ConversationMemory,
		speechOutput: SpeechOutput,
		post: Post,
		voice: VoiceInput | None = None,
	):
		self.memory = memory
		#: Spoken questions (the plugin's); None: the dialog offers none.
		self.voice = voice
		#: The Speak a question button's part.
		self.spoken = SpokenQuestions(self)
		self.describer = memory.describer
		self.speechOutput = speechOutput
		self._post = post
		self.view: FollowUpView | None = None
		self.session: Session | None = None
		#: The thread writing the last saved file (None before the first save).
		self.saveThread: threading.Thread | None = None
		self._recent: list[Session] = []
		self._recentLabels: list[str] = []
		self._historyText = ""
		self._latestAnswerIndex: int | None = None

	def attach(self, view: FollowUpView) -> None:
		self.view = view

	# --- Showing a conversation -------------------------------------------------------------------

	def showSession(self, session: Session) -> None:
		self.session = session
		self.memory.shown = session
		self.view.showTitle(titleFor(session))
		self.refreshRecent()
		self._renderHistory()
		self.view.showStatus(answeringText() if self._exchangeHere() is not None else readyText())

	def refreshRecent(self) -> None:
		"""Lists the describer's conversations, newest first (and the one shown, if it dropped out)."""
		sessions = list(reversed(self.describer.sessions))
		if not any(kept is self.session for kept in sessions):
			sessions.insert(0, self.session)
		labels = [recentLabel(kept) for kept in sessions]
		if labels != self._recentLabels or any(
			a is not b for a, b in zip(sessions, self._recent, strict=False)
		):
			self._recent = sessions
			self._recentLabels = labels
			self.view.showRecent(labels)
		self.view.selectRecent(next(i for i, kept in enumerate(self._recent) if kept is self.session))

	def chooseRecent(self, index: int) -> None:
		"""The user chose the recent conversation at index."""
		if 0 <= index < len(self._recent) and self._recent[index] is not self.session:
			self.showSession(self._recent[index])

	def _exchangeHere(self) -> Exchange | None:
		exchange = self.memory.exchange
		if exchange is not None and exchange.active and exchange.session is self.session:
			return exchange
		return None

	def _renderHistory(self) -> None:
		session = self.session
		blocks = conversationBlocks(
			session.conversation.turns,
			session.source.label,
			session.source.context,
			self.memory.notesFor(session),
		)
		exchange = self._exchangeHere()
		if exchange is not None:
			blocks += [
				Block(USER_BLOCK, exchange.shownQuestion),
				Block(ANSWER_BLOCK, " ".join(exchange.phrases)),
			]
		self._historyText, self._latestAnswerIndex = renderBlocks(blocks)
		self.view.showHistory(self._historyText, self._latestAnswerIndex)

	def _appendToHistory(self, text: str) -> None:
		self._historyText += text
		self.view.appendToHistory(text)

	# --- Commands ---------------------------------------------------------------------------------

	def send(self, question: str) -> None:
		"""Sends the question typed about this conversation's picture."""
		question = question.strip()
		if not question:
			# Translators: Spoken when Send is pressed with an empty question field.
			self.speechOutput.say(_("Type a question first."))
			self.view.focusQuestion()
			return
		exchange = Exchange(self.memory, self.session, question, question, self.speechOutput)
		if self.busy() or not self.describer.ask(self.session, question, exchange):
			self.sayStillAnswering()
			return
		self._started(exchange)

	def newImage(self, question: str) -> None:
		"""Takes a new picture of the same target into this conversation, with the question if any."""
		question = question.strip()
		intro = pictureIntro(self.session.source.label)
		shownQuestion = f"{intro} {question}" if question else intro
		exchange = Exchange(self.memory, self.session, question, shownQuestion, self.speechOutput)
		if self.busy() or not self.describer.addImage(self.session, exchange, question or None):
			self.sayStillAnswering()
			return
		self._started(exchange)

	def stop(self) -> None:
		if self.cancelSpokenQuestion():
			return
		exchange = self.memory.exchange
		if exchange is None or not exchange.active:
			# Translators: Spoken when Stop is pressed but no answer is on its way.
			self.speechOutput.say(_("Nothing to stop."))
			return
		exchange.stop()
		self._ended(exchange, unanswered=True)
		# Translators: The follow-up dialog's status after the user stopped an answer.
		self.view.showStatus(_("Stopped."))

	def escape(self) -> None:
		"""Escape throws away a spoken question being recorded or transcribed, stops an answer on its
		way, or else closes the dialog."""
		if self.cancelSpokenQuestion():
			return
		exchange = self.memory.exchange
		if exchange is not None and exchange.active:
			self.stop()
		else:
			self.view.close()

	def copyAnswer(self) -> None:
		blocks = conversationBlocks(self.session.conversation.turns)
		answers = [block.text for block in blocks if block.kind == ANSWER_BLOCK]
		if not answers or not answers[-1]:
			# Translators: Spoken when Copy answer is pressed before any answer arrived.
			self.speechOutput.say(_("There is no answer to copy yet."))
			return
		if api.copyToClip(answers[-1]):
			# Translators: Spoken when the newest answer was copied.
			self.speechOutput.say(_("Answer copied."))
		else:
			# Translators: Spoken when copying to the clipboard failed.
			self.speechOutput.say(_("Could not copy. Another program may be using the clipboard; try again."))

	def save(self) -> None:
		"""Asks where to save, then writes the conversation on another thread and says how it went."""
		session = self.session
		if not session.conversation.turns:
			# Translators: Spoken when Save conversation is pressed before anything was answered.
			self.speechOutput.say(_("There is nothing to save yet."))
			return
		path = self.view.askSavePath(saving.defaultFileName(session))
		if not path:
			return
		post, say = self._post, self.speechOutput.say

		def report(sentence: str) -> None:
			post(lambda: say(sentence))

		self.saveThread = saving.startWriting(path, saving.fileText(session, path), report)

	def focusLatestAnswer(self) -> None:
		"""Puts the caret at the start of the newest answer in the history (Alt+L)."""
		index = self._latestAnswerIndex
		if index is None:
			# Translators: Spoken when Alt+L is pressed in the follow-up dialog before any answer.
			self.speechOutput.say(_("No answer yet."))
			return
		wasFocused = self.view.historyHasFocus()
		self.view.focusHistoryAt(index)
		if wasFocused:
			# Moving the caret in a field that already has the focus is not announced: say the line.
			self.speechOutput.say(self._historyText[index:].split("\n", 1)[0])

	# --- Spoken questions (spokenQuestions.py) -----------------------------------------------------

	def speakQuestion(self) -> None:
		"""Speak a question: starts listening, or, pressed while listening, stops and keeps what was said."""
		self.spoken.speak()

	def cancelSpokenQuestion(self) -> bool:
		return self.spoken.cancel()

	def closing(self) -> None:
		"""The window is closing: a spoken question it started is thrown away, quietly."""
		self.spoken.forget()

	# --- The answer on its way --------------------------------------------------------------------

	@staticmethod
	def readyStatus() -> str:
		return readyText()

	def busy(self) -> bool:
		"""An answer is on its way, or the worker is busy."""
		return self.memory.exchange is not None or self.describer.busy

	def sayStillAnswering(self) -> None:
		# Translators: Spoken when a question is sent while an answer is still on its way.
		self.speechOutput.say(_("Still answering..."))

	def _started(self, exchange: Exchange) -> None:
		self.memory.exchange = exchange
		# The field is emptied for the next question and keeps the focus (it goes back on failure).
		self.view.setQuestion("")
		self.view.showStatus(answeringText())
		self.speechOutput.say(answeringText())
		self._renderHistory()

	def onExchangePhrase(self, exchange: Exchange, text: str) -> None:
		if exchange.session is self.session:
			self._appendToHistory(" " + text)

	def onExchangeEnded(self, exchange: Exchange, error: VisionDescriberError | None) -> None:
		self._ended(exchange, unanswered=error is not None)
		if error is not None:
			self.view.showStatus(error.sentence)
		elif exchange.session is self.session:
			self.view.showStatus(readyText())

	def _ended(self, exchange: Exchange, unanswered: bool) -> None:
		self.refreshRecent()
		if exchange.session is not self.session:
			return
		self._renderHistory()
		if unanswered:
			self._restoreQuestion(exchange.question)

	def _restoreQuestion(self, question: str) -> None:
		"""Puts a question that got no answer back into the field, unless the user typed a new one."""
		if question and not self.view.questionText().strip():
			self.view.setQuestion(question)
