"""The small dialog that asks what to ask about a picture already captured.

It opens only after the capture, so it can never cover what is being described. It is modeless (NVDA
keeps running while it is open); `onDone(question)` is called once, on the main thread, with the
text typed when OK (or Enter) is pressed, or with None on Cancel, Escape, closing or `dismiss()`.
"""

from collections.abc import Callable

import addonHandler
import wx
from gui import guiHelper

addonHandler.initTranslation()


class QuestionDialog(wx.Dialog):
	def __init__(self, parent: wx.Window, title: str, onDone: Callable[[str | None], None]):
		super().__init__(parent, title=title)
		self._onDone = onDone
		self._done = False
		mainSizer = wx.BoxSizer(wx.VERTICAL)
		helper = guiHelper.BoxSizerHelper(self, orientation=wx.VERTICAL)
		self.questionField = helper.addLabeledControl(
			# Translators: The label of the field for a question about a captured picture.
			_("&Question:"),
			wx.TextCtrl,
			size=(420, -1),
		)
		helper.addDialogDismissButtons(wx.OK | wx.CANCEL, separated=True)
		mainSizer.Add(helper.sizer, border=guiHelper.BORDER_FOR_DIALOGS, flag=wx.ALL | wx.EXPAND)
		self.SetSizerAndFit(mainSizer)
		self.Bind(wx.EVT_BUTTON, self._onOk, id=wx.ID_OK)
		self.Bind(wx.EVT_BUTTON, self._onCancel, id=wx.ID_CANCEL)
		self.Bind(wx.EVT_CLOSE, self._onClose)
		self.FindWindowById(wx.ID_OK, self).SetDefault()
		self.CentreOnScreen()
		self.questionField.SetFocus()

	def _finish(self, question: str | None) -> None:
		if self._done:
			return
		self._done = True
		self.Hide()
		self.Destroy()
		self._onDone(question)

	def _onOk(self, event: wx.CommandEvent) -> None:
		self._finish(self.questionField.GetValue().strip())

	def _onCancel(self, event: wx.CommandEvent) -> None:
		self._finish(None)

	def _onClose(self, event: wx.CloseEvent) -> None:
		self._finish(None)

	def dismiss(self) -> None:
		"""Closes the dialog without asking (another replaces it, Windows was locked, the plugin is
		terminating); onDone(None) as for Cancel, so a watch waiting for the dialog goes on."""
		if not self._done:
			self._done = True
			self.Destroy()
			self._onDone(None)
