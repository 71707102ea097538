"""The follow-up dialog: ask more about the same picture, in a conversation kept while NVDA runs.

`showFollowUpDialog(describer, session, speechOutput)` opens it (or focuses the one already open)
on a session; None means the describer's last one. The dialog is plain wx, built for NVDA users:

- Conversation history: a read-only multi-line text, every turn labelled ("You:", "Vision
  Describer:"), reviewed with the caret. Alt+L moves the caret to the newest answer.
- Question: a standard multi-line text field, so Windows voice typing (Windows+H) works in it. Enter
  sends, Shift+Enter starts a new line, and the field keeps the focus after sending.
- Send, Stop, New image, Copy answer, Save conversation, Close; Escape stops an answer that is on its
  way, otherwise closes the dialog. Recent conversations switches between the last conversations.

Answers stream into the history and are spoken phrase by phrase through the same SpeechOutput as a
describe. An error is shown in the history as its plain sentence and spoken, and the question goes
back into the field to try again. Closing the dialog does not stop an answer; it is kept and shown
when the dialog opens again. Everything here runs on NVDA's main thread; the describer calls the
listener there too. Only a saved file is written on another thread, so the main thread never waits
on the disk.
"""

import os
import threading
import time
from collections.abc import Callable

import addonHandler
import api
import gui
import speech
import wx
from gui import guiHelper
from logHandler import log
from visionDescriberCore.conversation.transcript import (
	ANSWER_BLOCK,
	ERROR_BLOCK,
	STOPPED_BLOCK,
	USER_BLOCK,
	Block,
	Note,
	asMarkdown,
	asPlainText,
	conversationBlocks,
	isMarkdownPath,
	pictureIntro,
	renderBlocks,
)
from visionDescriberCore.describing import Describer, Session
from visionDescriberCore.errors import VisionDescriberError

from .speechOutput import SpeechOutput

addonHandler.initTranslation()

#: Alt plus this letter moves the caret to the newest answer in the history.
LATEST_ANSWER_KEY = "L"
#: How much of a conversation's first answer names it in the recent conversations list.
RECENT_LABEL_CHARS = 60

#: The dialog that is open, if any (there is only ever one).
_dialog: "FollowUpDialog | None" = None
#: What outlives the dialog while NVDA runs.
_memory: "_Memory | None" = None


def showFollowUpDialog(describer: Describer, session: Session | None, speechOutput: SpeechOutput) -> None:
	"""Opens the dialog on session (None: the last conversation), or focuses the open one.
	Call on the main thread. With no conversation at all, says so and opens nothing."""
	global _dialog, _memory
	if _memory is None or _memory.describer is not describer:
		closeFollowUpDialog()
		_memory = _Memory(describer)
	memory = _memory
	if session is None:
		session = memory.sessionToShow()
	if session is None:
		# Translators: Spoken when the follow-up dialog is asked for before anything was described.
		speechOutput.say(_("No description yet. Describe something first."))
		return
	memory.offeredLast = describer.lastSession
	dialog = _liveDialog()
	if dialog is None:
		dialog = _dialog = FollowUpDialog(gui.mainFrame, describer, speechOutput, memory, session)
	elif dialog.session is not session:
		dialog.showSession(session)
	else:
		dialog.refreshRecent()
	gui.mainFrame.prePopup()
	try:
		dialog.Show()
		dialog.Raise()
		if not dialog.containsFocus():
			dialog.question.SetFocus()
	finally:
		gui.mainFrame.postPopup()


def closeFollowUpDialog() -> None:
	"""Closes the dialog and forgets its notes; the plugin calls this when it terminates."""
	global _dialog, _memory
	dialog = _liveDialog()
	_dialog = None
	if dialog is not None:
		dialog.Destroy()
	if _memory is not None and _memory.exchange is not None:
		_memory.exchange.detach()
	_memory = None


def followUpDialog() -> "FollowUpDialog | None":
	"""The open dialog, if any."""
	return _liveDialog()


def _liveDialog() -> "FollowUpDialog | None":
	# A destroyed wx window is false.
	return _dialog if _dialog else None


class _Memory:
	"""Notes shown in each conversation's history, the conversation shown last, the answer on its way."""

	def __init__(self, describer: Describer):
		self.describer = describer
		self._notes: list[tuple[Session, list[Note]]] = []
		self.shown: Session | None = None
		#: The describer's last session when the dialog was last opened by the plugin.
		self.offeredLast: Session | None = None
		self.exchange: _Exchange | None = None

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


class _Exchange:
	"""One question (or new picture) on its way; the describer's Listener, called on the main thread.

	It speaks through SpeechOutput whether or not the dialog is open, and updates the dialog when it
	is, so closing the dialog never loses an answer.
	"""

	def __init__(
		self, memory: _Memory, session: Session, question: str, shownQuestion: str, speechOutput: SpeechOutput
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

	@property
	def active(self) -> bool:
		return not (self.stopped or self.finished)

	# --- Listener ---------------------------------------------------------------------------------

	def onRequestSent(self) -> None:
		if self.active:
			self.speechOutput.requestSent()

	def onPhrase(self, text: str) -> None:
		if not self.active:
			return
		self.speechOutput.phrase(text)
		self.phrases.append(text)
		dialog = _liveDialog()
		if dialog is not None:
			dialog.onExchangePhrase(self, text)

	def onAnswer(self, session: Session, text: str) -> None:
		wasActive = self.active
		self.finished = True
		self._release()
		if wasActive:
			self.speechOutput.stopWaiting()
		dialog = _liveDialog()
		if dialog is not None:
			# Even after a stop that came too late, the conversation now holds the answer: show it.
			dialog.onExchangeEnded(self, None)

	def onError(self, error: VisionDescriberError, session: Session | None) -> None:
		if not self.active:
			return
		self.finished = True
		self._release()
		self.speechOutput.error(error)
		# A stream cut short has already put the question and what arrived into the conversation.
		turns = len(self.session.conversation.turns)
		question = "" if turns > self.turnsBefore else self.shownQuestion
		self.memory.addNote(self.session, Note(ERROR_BLOCK, turns, question, error.sentence))
		dialog = _liveDialog()
		if dialog is not None:
			dialog.onExchangeEnded(self, error)

	# --- Stopping ---------------------------------------------------------------------------------

	def stop(self) -> None:
		"""Cancels the answer at once and silences what was being spoken."""
		if not self.active:
			return
		self.stopped = True
		self._release()
		self.memory.describer.cancel()
		self.speechOutput.stopWaiting()
		speech.cancelSpeech()
		# Translators: Spoken when the user stops an answer in the follow-up dialog.
		self.speechOutput.say(_("Stopped."))
		turns = len(self.session.conversation.turns)
		self.memory.addNote(self.session, Note(STOPPED_BLOCK, turns, self.shownQuestion))

	def detach(self) -> None:
		"""Ignores whatever still arrives (the plugin is terminating)."""
		self.stopped = True
		self._release()
		self.speechOutput.stopWaiting()

	def _release(self) -> None:
		if self.memory.exchange is self:
			self.memory.exchange = None


def askForSavePath(parent: wx.Window, defaultName: str) -> str | None:
	"""Asks where to save; the path (with .txt or .md added when the name has no extension) or None."""
	# Translators: File types offered when saving a conversation.
	wildcard = _("Text file (*.txt)|*.txt|Markdown file (*.md)|*.md")
	with wx.FileDialog(
		parent,
		# Translators: The title of the file dialog for saving a conversation.
		_("Save conversation"),
		defaultFile=defaultName,
		wildcard=wildcard,
		style=wx.FD_SAVE | wx.FD_OVERWRITE_PROMPT,
	) as fileDialog:
		if fileDialog.ShowModal() != wx.ID_OK:
			return None
		path = fileDialog.GetPath()
		if not os.path.splitext(path)[1]:
			path += ".md" if fileDialog.GetFilterIndex() == 1 else ".txt"
		return path


def defaultFileName(session: Session) -> str:
	stamp = time.strftime("%Y-%m-%d %H-%M", time.localtime(session.createdAt))
	# Translators: The suggested file name for a saved conversation (no extension).
	return _("Vision Describer conversation {time}").format(time=stamp) + ".txt"


def writeConversation(path: str, content: str, report: Callable[[str], None]) -> None:
	"""Writes UTF-8 text; calls report(sentence) with what to say (on the calling thread)."""
	name = os.path.basename(path)
	try:
		with open(path, "w", encoding="utf-8") as file:
			file.write(content)
	except OSError as error:
		log.warning(f"Vision Describer could not save a conversation: {type(error).__name__}: {error}")
		if isinstance(error, PermissionError):
			# Translators: Why a conversation could not be saved.
			reason = _("Windows did not allow writing there")
		elif isinstance(error, FileNotFoundError):
			# Translators: Why a conversation could not be saved.
			reason = _("that folder does not exist")
		else:
			# Translators: Why a conversation could not be saved.
			reason = _("the file could not be written")
		report(
			# Translators: Spoken when saving a conversation failed, e.g. "Could not save chat.txt:
			# that folder does not exist. Choose another folder or name."
			_("Could not save {name}: {reason}. Choose another folder or name.").format(
				name=name, reason=reason
			)
		)
		return
	# Translators: Spoken when a conversation was saved, e.g. "Saved chat.txt."
	report(_("Saved {name}.").format(name=name))


def recentLabel(session: Session) -> str:
	"""How a conversation is named in the recent conversations list."""
	firstAnswer = next((turn.text for turn in session.conversation.turns if turn.role == "assistant"), "")
	words = " ".join(firstAnswer.split())
	if len(words) > RECENT_LABEL_CHARS:
		words = words[:RECENT_LABEL_CHARS].rsplit(" ", 1)[0] + "…"
	return f"{session.title}: {words}" if words else session.title


def positionOf(control: wx.TextCtrl, index: int) -> int:
	"""The control's position for a character index of its value. Windows counts a line break as two
	positions in some edit controls and a character outside the BMP as two; searching with GetRange
	gives the right position on every platform."""
	low, high = 0, control.GetLastPosition()
	while low < high:
		middle = (low + high) // 2
		if len(control.GetRange(0, middle)) < index:
			low = middle + 1
		else:
			high = middle
	return low


class FollowUpDialog(wx.Dialog):
	"""The dialog itself; open it with showFollowUpDialog so there is only one."""

	def __init__(
		self,
		parent: wx.Window,
		describer: Describer,
		speechOutput: SpeechOutput,
		memory: _Memory,
		session: Session,
	):
		super().__init__(
			parent, title=self._titleFor(session), style=wx.DEFAULT_DIALOG_STYLE | wx.RESIZE_BORDER
		)
		self.describer = describer
		self.speechOutput = speechOutput
		self.memory = memory
		self.session = session
		#: Asks where to save (parent, suggested name) -> path or None; tests replace it.
		self.chooseSavePath: Callable[[wx.Window, str], str | None] = askForSavePath
		#: The thread writing the last saved file (None before the first save).
		self.saveThread: threading.Thread | None = None
		self._recent: list[Session] = []
		self._recentLabels: list[str] = []
		self._latestAnswerIndex: int | None = None
		self._build()
		self.Bind(wx.EVT_CHAR_HOOK, self.onCharHook)
		self.Bind(wx.EVT_CLOSE, self.onClose)
		self.Bind(wx.EVT_ACTIVATE, self.onActivate)
		self.showSession(session)

	# --- Layout -----------------------------------------------------------------------------------

	def _build(self) -> None:
		# Children are created in tab order: each label just before the control it names (so Windows
		# and NVDA take it as the control's name), then the buttons from the most used to Close.
		border = guiHelper.BORDER_FOR_DIALOGS
		main = wx.BoxSizer(wx.VERTICAL)
		content = wx.BoxSizer(wx.VERTICAL)
		self.recent = self._labelled(
			content,
			# Translators: Label of the list of recent conversations in the follow-up dialog.
			_("&Recent conversations:"),
			lambda: wx.Choice(self),
		)
		self.history = self._labelled(
			content,
			# Translators: Label of the conversation history in the follow-up dialog.
			_("Conversation &history:"),
			lambda: wx.TextCtrl(
				self,
				style=wx.TE_MULTILINE | wx.TE_READONLY | wx.TE_RICH2,
				size=self.FromDIP(wx.Size(600, 300)),
			),
			proportion=1,
		)
		self.status = self._labelled(
			content,
			# Translators: Label of the status field in the follow-up dialog (e.g. "Answering...").
			_("Stat&us:"),
			lambda: wx.TextCtrl(self, style=wx.TE_READONLY),
		)
		self.question = self._labelled(
			content,
			# Translators: Label of the field where the user types a follow-up question.
			_("&Question:"),
			lambda: wx.TextCtrl(self, style=wx.TE_MULTILINE, size=self.FromDIP(wx.Size(600, 70))),
		)
		buttons = guiHelper.ButtonHelper(wx.HORIZONTAL)
		# Translators: Sends the question (Enter in the question field does the same).
		self.sendButton = buttons.addButton(self, label=_("&Send"))
		# Translators: Stops the answer that is on its way (Escape does the same).
		self.stopButton = buttons.addButton(self, label=_("S&top"))
		# Translators: Takes a new picture of the same target into this conversation.
		self.newImageButton = buttons.addButton(self, label=_("New &image"))
		# Translators: Copies the newest answer to the clipboard.
		self.copyButton = buttons.addButton(self, label=_("Copy &answer"))
		# Translators: Saves the conversation to a text or markdown file.
		self.saveButton = buttons.addButton(self, label=_("Sa&ve conversation..."))
		# Translators: Closes the follow-up dialog.
		self.closeButton = buttons.addButton(self, id=wx.ID_CLOSE, label=_("&Close"))
		self.recent.Bind(wx.EVT_CHOICE, self.onRecentChoice)
		self.sendButton.Bind(wx.EVT_BUTTON, lambda event: self.send())
		self.stopButton.Bind(wx.EVT_BUTTON, lambda event: self.stop())
		self.newImageButton.Bind(wx.EVT_BUTTON, lambda event: self.newImage())
		self.copyButton.Bind(wx.EVT_BUTTON, lambda event: self.copyAnswer())
		self.saveButton.Bind(wx.EVT_BUTTON, lambda event: self.save())
		self.closeButton.Bind(wx.EVT_BUTTON, lambda event: self.Close())
		content.AddSpacer(guiHelper.SPACE_BETWEEN_VERTICAL_DIALOG_ITEMS)
		content.Add(buttons.sizer)
		main.Add(content, proportion=1, flag=wx.EXPAND | wx.ALL, border=border)
		self.SetSizerAndFit(main)
		self.SetMinSize(self.GetSize())

	def _labelled(self, sizer: wx.Sizer, label: str, makeControl: Callable[[], wx.Window], proportion=0):
		if sizer.GetItemCount():
			sizer.AddSpacer(guiHelper.SPACE_BETWEEN_VERTICAL_DIALOG_ITEMS)
		sizer.Add(wx.StaticText(self, label=label))
		sizer.AddSpacer(guiHelper.SPACE_BETWEEN_ASSOCIATED_CONTROL_VERTICAL)
		control = makeControl()
		sizer.Add(control, proportion=proportion, flag=wx.EXPAND)
		return control

	@staticmethod
	def _titleFor(session: Session) -> str:
		# Translators: The follow-up dialog's title, e.g. "Vision Describer conversation: 14:03 navigator object".
		return _("Vision Describer conversation: {title}").format(title=session.title)

	# --- Showing a conversation -------------------------------------------------------------------

	def showSession(self, session: Session) -> None:
		self.session = session
		self.memory.shown = session
		self.SetTitle(self._titleFor(session))
		self.refreshRecent()
		self._renderHistory()
		if self._exchangeHere() is not None:
			self._setStatus(_answeringText())
		else:
			self._setStatus(_readyText())

	def refreshRecent(self) -> None:
		sessions = list(reversed(self.describer.sessions))
		if not any(kept is self.session for kept in sessions):
			sessions.insert(0, self.session)
		labels = [recentLabel(kept) for kept in sessions]
		if labels != self._recentLabels or any(
			a is not b for a, b in zip(sessions, self._recent, strict=False)
		):
			self._recent = sessions
			self._recentLabels = labels
			self.recent.Set(labels)
		index = next(i for i, kept in enumerate(self._recent) if kept is self.session)
		if self.recent.GetSelection() != index:
			self.recent.SetSelection(index)

	def _exchangeHere(self) -> "_Exchange | None":
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
		text, self._latestAnswerIndex = renderBlocks(blocks)
		history = self.history
		if self._historyFocused():
			# The user is reading: keep their caret where it was.
			start, end = history.GetSelection()
			history.ChangeValue(text)
			last = history.GetLastPosition()
			history.SetSelection(min(start, last), min(end, last))
		else:
			history.ChangeValue(text)
			self._caretToLatestAnswer()

	def _appendToHistory(self, text: str) -> None:
		history = self.history
		if self._historyFocused():
			start, end = history.GetSelection()
			history.AppendText(text)
			history.SetSelection(start, end)
		else:
			history.AppendText(text)

	def _historyFocused(self) -> bool:
		return wx.Window.FindFocus() is self.history

	def _caretToLatestAnswer(self) -> int:
		index = self._latestAnswerIndex
		position = self.history.GetLastPosition() if index is None else positionOf(self.history, index)
		self.history.SetInsertionPoint(position)
		self.history.ShowPosition(position)
		return position

	def _setStatus(self, text: str) -> None:
		self.status.ChangeValue(text)

	def containsFocus(self) -> bool:
		focus = wx.Window.FindFocus()
		return focus is not None and (focus is self or self.IsDescendant(focus))

	# --- Commands ---------------------------------------------------------------------------------

	def send(self) -> None:
		"""Sends the question in the field about this conversation's picture."""
		question = self.question.GetValue().strip()
		if not question:
			# Translators: Spoken when Send is pressed with an empty question field.
			self.speechOutput.say(_("Type a question first."))
			self.question.SetFocus()
			return
		exchange = _Exchange(self.memory, self.session, question, question, self.speechOutput)
		if self._busy() or not self.describer.ask(self.session, question, exchange):
			self._sayStillAnswering()
			return
		self._started(exchange)

	def newImage(self) -> None:
		"""Takes a new picture of the same target into this conversation, with the question if any."""
		question = self.question.GetValue().strip()
		intro = pictureIntro(self.session.source.label)
		exchange = _Exchange(
			self.memory,
			self.session,
			question,
			f"{intro} {question}" if question else intro,
			self.speechOutput,
		)
		if self._busy() or not self.describer.addImage(self.session, exchange, question or None):
			self._sayStillAnswering()
			return
		self._started(exchange)

	def stop(self) -> None:
		exchange = self.memory.exchange
		if exchange is None or not exchange.active:
			# Translators: Spoken when Stop is pressed but no answer is on its way.
			self.speechOutput.say(_("Nothing to stop."))
			return
		exchange.stop()
		self._ended(exchange, unanswered=True)
		# Translators: The follow-up dialog's status after the user stopped an answer.
		self._setStatus(_("Stopped."))

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
		session = self.session
		if not session.conversation.turns:
			# Translators: Spoken when Save conversation is pressed before anything was answered.
			self.speechOutput.say(_("There is nothing to save yet."))
			return
		path = self.chooseSavePath(self, defaultFileName(session))
		if not path:
			return
		write = asMarkdown if isMarkdownPath(path) else asPlainText
		content = write(
			session.conversation.turns,
			session.title,
			session.createdAt,
			session.source.label,
			session.source.context,
		)
		say = self.speechOutput.say

		def report(sentence: str) -> None:
			wx.CallAfter(say, sentence)

		self.saveThread = threading.Thread(
			target=writeConversation,
			args=(path, content, report),
			name="visionDescriber.saveConversation",
			daemon=True,
		)
		self.saveThread.start()

	def focusLatestAnswer(self) -> None:
		"""Puts the caret at the start of the newest answer in the history (Alt+L)."""
		if self._latestAnswerIndex is None:
			# Translators: Spoken when Alt+L is pressed in the follow-up dialog before any answer.
			self.speechOutput.say(_("No answer yet."))
			return
		wasFocused = self._historyFocused()
		self.history.SetFocus()
		self._caretToLatestAnswer()
		if wasFocused:
			# Moving the caret in a field that already has the focus is not announced: say the line.
			text = self.history.GetValue()[self._latestAnswerIndex :]
			self.speechOutput.say(text.split("\n", 1)[0])

	# --- The answer on its way --------------------------------------------------------------------

	def _busy(self) -> bool:
		return self.memory.exchange is not None or self.describer.busy

	def _sayStillAnswering(self) -> None:
		# Translators: Spoken when a question is sent while an answer is still on its way.
		self.speechOutput.say(_("Still answering..."))

	def _started(self, exchange: _Exchange) -> None:
		self.memory.exchange = exchange
		# The field is emptied for the next question and keeps the focus (it goes back on failure).
		self.question.ChangeValue("")
		self._setStatus(_answeringText())
		self.speechOutput.say(_answeringText())
		self._renderHistory()

	def onExchangePhrase(self, exchange: _Exchange, text: str) -> None:
		if exchange.session is self.session:
			self._appendToHistory(" " + text)

	def onExchangeEnded(self, exchange: _Exchange, error: VisionDescriberError | None) -> None:
		self._ended(exchange, unanswered=error is not None)
		if error is not None:
			self._setStatus(error.sentence)
		elif exchange.session is self.session:
			self._setStatus(_readyText())

	def _ended(self, exchange: _Exchange, unanswered: bool) -> None:
		self.refreshRecent()
		if exchange.session is not self.session:
			return
		self._renderHistory()
		if unanswered:
			self._restoreQuestion(exchange.question)

	def _restoreQuestion(self, question: str) -> None:
		"""Puts a question that got no answer back into the field, unless the user typed a new one."""
		if question and not self.question.GetValue().strip():
			self.question.ChangeValue(question)
			self.question.SetInsertionPointEnd()

	# --- Events -----------------------------------------------------------------------------------

	def onCharHook(self, event: wx.KeyEvent) -> None:
		key = event.GetKeyCode()
		modifiers = event.GetModifiers()
		if key == wx.WXK_ESCAPE and modifiers == wx.MOD_NONE:
			self.onEscape()
			return
		isEnter = key in (wx.WXK_RETURN, wx.WXK_NUMPAD_ENTER)
		if isEnter and modifiers in (wx.MOD_NONE, wx.MOD_CONTROL) and self._keyTarget(event) is self.question:
			self.send()
			return
		if key == ord(LATEST_ANSWER_KEY) and modifiers == wx.MOD_ALT:
			self.focusLatestAnswer()
			return
		# Shift+Enter in the question field goes on to the field: a new line.
		event.Skip()

	@staticmethod
	def _keyTarget(event: wx.KeyEvent) -> wx.Window | None:
		target = event.GetEventObject()
		if isinstance(target, wx.Window) and not isinstance(target, wx.TopLevelWindow):
			return target
		return wx.Window.FindFocus()

	def onEscape(self) -> None:
		"""Escape stops an answer on its way; otherwise it closes the dialog."""
		exchange = self.memory.exchange
		if exchange is not None and exchange.active:
			self.stop()
		else:
			self.Close()

	def onRecentChoice(self, event: wx.CommandEvent) -> None:
		index = self.recent.GetSelection()
		if 0 <= index < len(self._recent) and self._recent[index] is not self.session:
			self.showSession(self._recent[index])

	def onActivate(self, event: wx.ActivateEvent) -> None:
		# A describe from the plugin may have added a conversation while the dialog was in the back.
		if event.GetActive():
			self.refreshRecent()
		event.Skip()

	def onClose(self, event: wx.CloseEvent) -> None:
		global _dialog
		if _dialog is self:
			_dialog = None
		self.Destroy()


def _answeringText() -> str:
	# Translators: The follow-up dialog's status (and what it says) while waiting for an answer.
	return _("Answering...")


def _readyText() -> str:
	# Translators: The follow-up dialog's status when it waits for a question.
	return _("Type a question and press Enter.")


__all__ = [
	"LATEST_ANSWER_KEY",
	"FollowUpDialog",
	"askForSavePath",
	"closeFollowUpDialog",
	"followUpDialog",
	"showFollowUpDialog",
]
