"""The follow-up dialog's window: its layout, its keys, and nothing it has to decide.

Plain wx, built for NVDA users. Every event goes to the `FollowUpController` with what it carries
(the question typed, the conversation chosen); the controller answers through the `FollowUpView`
methods below. Children are created in tab order, each label just before its control, so Windows
and NVDA take the label as the control's name. Keys are handled in one EVT_CHAR_HOOK: Enter (or
Ctrl+Enter) in the question field sends, Shift+Enter falls through to the field as a new line,
Escape stops or closes, Alt+L moves to the newest answer. Everything runs on NVDA's main thread.
"""

import os
import threading
from collections.abc import Callable

import addonHandler
import gui
import wx
from gui import guiHelper
from visionDescriberCore.describing import Session

from .controller import FollowUpController

addonHandler.initTranslation()

#: Alt plus this letter moves the caret to the newest answer in the history.
LATEST_ANSWER_KEY = "L"


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
	"""The window; open it through followUpDialog.showFollowUpDialog so there is only one."""

	def __init__(
		self,
		parent: wx.Window,
		controller: FollowUpController,
		session: Session,
		onClosed: Callable[["FollowUpDialog"], None],
	):
		super().__init__(parent, style=wx.DEFAULT_DIALOG_STYLE | wx.RESIZE_BORDER)
		self.controller = controller
		self._onClosed = onClosed
		#: Asks where to save (parent, suggested name) -> path or None; tests replace it.
		self.chooseSavePath: Callable[[wx.Window, str], str | None] = askForSavePath
		self._build()
		self.Bind(wx.EVT_CHAR_HOOK, self.onCharHook)
		self.Bind(wx.EVT_CLOSE, self.onClose)
		self.Bind(wx.EVT_ACTIVATE, self.onActivate)
		controller.attach(self)
		controller.showSession(session)

	@property
	def session(self) -> Session:
		return self.controller.session

	@property
	def saveThread(self) -> threading.Thread | None:
		"""The thread writing the last saved file (None before the first save)."""
		return self.controller.saveThread

	# --- Layout -----------------------------------------------------------------------------------

	def _build(self) -> None:
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
		content.AddSpacer(guiHelper.SPACE_BETWEEN_VERTICAL_DIALOG_ITEMS)
		content.Add(self._buildButtons())
		main.Add(content, proportion=1, flag=wx.EXPAND | wx.ALL, border=border)
		self.SetSizerAndFit(main)
		self.SetMinSize(self.GetSize())
		self.recent.Bind(wx.EVT_CHOICE, self.onRecentChoice)

	def _buildButtons(self) -> wx.Sizer:
		"""The buttons, from the most used to Close, each bound to what it forwards."""
		controller = self.controller
		buttons = guiHelper.ButtonHelper(wx.HORIZONTAL)
		# Translators: Sends the question (Enter in the question field does the same).
		self.sendButton = buttons.addButton(self, label=_("&Send"))
		# Translators: Listens for a question spoken into the microphone; pressed again, stops listening.
		self.speakButton = buttons.addButton(self, label=_("S&peak a question"))
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
		self.sendButton.Bind(wx.EVT_BUTTON, lambda event: controller.send(self.question.GetValue()))
		self.speakButton.Bind(wx.EVT_BUTTON, lambda event: controller.speakQuestion())
		self.stopButton.Bind(wx.EVT_BUTTON, lambda event: controller.stop())
		self.newImageButton.Bind(wx.EVT_BUTTON, lambda event: controller.newImage(self.question.GetValue()))
		self.copyButton.Bind(wx.EVT_BUTTON, lambda event: controller.copyAnswer())
		self.saveButton.Bind(wx.EVT_BUTTON, lambda event: controller.save())
		self.closeButton.Bind(wx.EVT_BUTTON, lambda event: self.Close())
		return buttons.sizer

	def _labelled(self, sizer: wx.Sizer, label: str, makeControl: Callable[[], wx.Window], proportion=0):
		if sizer.GetItemCount():
			sizer.AddSpacer(guiHelper.SPACE_BETWEEN_VERTICAL_DIALOG_ITEMS)
		sizer.Add(wx.StaticText(self, label=label))
		sizer.AddSpacer(guiHelper.SPACE_BETWEEN_ASSOCIATED_CONTROL_VERTICAL)
		control = makeControl()
		sizer.Add(control, proportion=proportion, flag=wx.EXPAND)
		return control

	def present(self) -> None:
		"""Shows the dialog in front (NVDA's popup protocol); the question gets the focus unless a
		control of the dialog already has it."""
		gui.mainFrame.prePopup()
		try:
			self.Show()
			self.Raise()
			if not self.containsFocus():
				self.question.SetFocus()
		finally:
			gui.mainFrame.postPopup()

	def containsFocus(self) -> bool:
		focus = wx.Window.FindFocus()
		return focus is not None and (focus is self or self.IsDescendant(focus))

	# --- FollowUpView: what the controller tells it -----------------------------------------------

	def showTitle(self, title: str) -> None:
		self.SetTitle(title)

	def showRecent(self, labels: list[str]) -> None:
		self.recent.Set(labels)

	def selectRecent(self, index: int) -> None:
		if self.recent.GetSelection() != index:
			self.recent.SetSelection(index)

	def showHistory(self, text: str, latestAnswer: int | None) -> None:
		history = self.history
		if self.historyHasFocus():
			# The user is reading: keep their caret where it was.
			start, end = history.GetSelection()
			history.ChangeValue(text)
			last = history.GetLastPosition()
			history.SetSelection(min(start, last), min(end, last))
		else:
			history.ChangeValue(text)
			self._caretTo(latestAnswer)

	def appendToHistory(self, text: str) -> None:
		history = self.history
		if self.historyHasFocus():
			start, end = history.GetSelection()
			history.AppendText(text)
			history.SetSelection(start, end)
		else:
			history.AppendText(text)

	def showStatus(self, text: str) -> None:
		self.status.ChangeValue(text)

	def questionText(self) -> str:
		return self.question.GetValue()

	def setQuestion(self, text: str) -> None:
		self.question.ChangeValue(text)
		self.question.SetInsertionPointEnd()

	def focusQuestion(self) -> None:
		self.question.SetFocus()

	def historyHasFocus(self) -> bool:
		return wx.Window.FindFocus() is self.history

	def focusHistoryAt(self, index: int) -> None:
		self.history.SetFocus()
		self._caretTo(index)

	def askSavePath(self, defaultName: str) -> str | None:
		return self.chooseSavePath(self, defaultName)

	def close(self) -> None:
		self.Close()

	def _caretTo(self, index: int | None) -> None:
		position = self.history.GetLastPosition() if index is None else positionOf(self.history, index)
		self.history.SetInsertionPoint(position)
		self.history.ShowPosition(position)

	# --- Events -----------------------------------------------------------------------------------

	def onCharHook(self, event: wx.KeyEvent) -> None:
		key = event.GetKeyCode()
		modifiers = event.GetModifiers()
		if key == wx.WXK_ESCAPE and modifiers == wx.MOD_NONE:
			self.controller.escape()
			return
		isEnter = key in (wx.WXK_RETURN, wx.WXK_NUMPAD_ENTER)
		if isEnter and modifiers in (wx.MOD_NONE, wx.MOD_CONTROL) and self._keyTarget(event) is self.question:
			self.controller.send(self.question.GetValue())
			return
		if key == ord(LATEST_ANSWER_KEY) and modifiers == wx.MOD_ALT:
			self.controller.focusLatestAnswer()
			return
		# Shift+Enter in the question field goes on to the field: a new line.
		event.Skip()

	@staticmethod
	def _keyTarget(event: wx.KeyEvent) -> wx.Window | None:
		target = event.GetEventObject()
		if isinstance(target, wx.Window) and not isinstance(target, wx.TopLevelWindow):
			return target
		return wx.Window.FindFocus()

	def onRecentChoice(self, event: wx.CommandEvent) -> None:
		self.controller.chooseRecent(self.recent.GetSelection())

	def onActivate(self, event: wx.ActivateEvent) -> None:
		# A describe from the plugin may have added a conversation while the dialog was in the back.
		if event.GetActive():
			self.controller.refreshRecent()
		event.Skip()

	def onClose(self, event: wx.CloseEvent) -> None:
		self.controller.closing()
		self._onClosed(self)
		self.Destroy()
