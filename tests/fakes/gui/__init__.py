"""Fake of NVDA's gui package: the main frame (a real, hidden wx.Frame) and its submodules.

`gui.mainFrame` is None until `gui.initialize()` (which needs a wx.App), as in NVDA before start-up.
`testing.popups` records "prePopup"/"postPopup" in order, so a test can check that a dialog was
shown the way NVDA expects.
"""

import wx

from . import guiHelper, message, settingsDialogs
from .message import messageBox


class testing:
	"""Test-only namespace of this fake (see tests/fakes/README.md)."""

	popups: list[str] = []


mainFrame = None


class MainFrame(wx.Frame):
	def __init__(self):
		super().__init__(None, wx.ID_ANY, "NVDA", size=(1, 1), style=wx.FRAME_NO_TASKBAR)
		self.prevFocus = None

	def prePopup(self):
		import api

		testing.popups.append("prePopup")
		self.prevFocus = api.getFocusObject()

	def postPopup(self):
		testing.popups.append("postPopup")
		self.prevFocus = None

	def popupSettingsDialog(self, dialog, *args, **kwargs):
		self.prePopup()
		try:
			dialog(self, *args, **kwargs).Show()
		finally:
			self.postPopup()


def initialize():
	global mainFrame
	if mainFrame:
		raise RuntimeError("GUI already initialized")
	mainFrame = MainFrame()
	wx.GetApp().SetTopWindow(mainFrame)


def terminate():
	global mainFrame
	if mainFrame:
		mainFrame.Destroy()
	mainFrame = None


def runScriptModalDialog(dialog, callback=None):
	def run():
		mainFrame.prePopup()
		result = dialog.ShowModal()
		mainFrame.postPopup()
		if callback:
			callback(result)
		dialog.Destroy()

	wx.CallAfter(run)


__all__ = ["guiHelper", "message", "messageBox", "settingsDialogs"]
