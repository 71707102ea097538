"""The gui fakes on real wx: labelled controls and NVDA's settings dialog driving a panel.

These are the pieces the add-on's settings panel and follow-up dialog are built and tested with.
"""

import pytest
import wx
import wxHelpers

pytestmark = pytest.mark.display


def pressButton(window, buttonId):
	event = wx.CommandEvent(wx.wxEVT_BUTTON, buttonId)
	event.SetEventObject(window)
	window.ProcessEvent(event)
	wxHelpers.processEvents()


def test_addLabeledControlMakesARealLabelBeforeTheControl(nvdaGui):
	from gui import guiHelper

	frame = wx.Frame(nvdaGui.mainFrame, pos=(100, 100))
	helper = guiHelper.BoxSizerHelper(frame, orientation=wx.VERTICAL)
	field = helper.addLabeledControl("Server address:", wx.TextCtrl, value="http://127.0.0.1:11434")
	frame.SetSizerAndFit(helper.sizer)
	frame.Show()
	assert wxHelpers.waitFor(frame.IsShownOnScreen)
	[label] = [child for child in frame.GetChildren() if isinstance(child, wx.StaticText)]
	assert label.GetLabel() == "Server address:"
	assert isinstance(field, wx.TextCtrl) and field.GetValue() == "http://127.0.0.1:11434"
	assert label.GetScreenRect().right < field.GetScreenRect().left  # label first, on the same row
	field.Disable()
	assert not label.IsEnabled()
	field.Enable()
	assert label.IsEnabled()


def test_addLabeledControlRefusesControlsNvdaCannotLabel(nvdaGui):
	from gui import guiHelper

	frame = wx.Frame(nvdaGui.mainFrame)
	helper = guiHelper.BoxSizerHelper(frame, orientation=wx.VERTICAL)
	with pytest.raises(NotImplementedError):
		helper.addLabeledControl("Pick:", wx.ComboBox, choices=["a"])
	choice = helper.addLabeledControl("Provider:", wx.Choice, choices=["Ollama", "OpenAI"])
	assert choice.GetCount() == 2


def test_aSettingsPanelMustSaveAndMakeSettings(nvdaGui):
	from gui import settingsDialogs

	class Incomplete(settingsDialogs.SettingsPanel):
		title = "Incomplete"

		def makeSettings(self, sizer):
			pass

	with pytest.raises(TypeError):
		Incomplete(nvdaGui.mainFrame)


def makePanelClass(calls, valid=True):
	from gui import guiHelper, settingsDialogs

	class Panel(settingsDialogs.SettingsPanel):
		title = "Vision Describer"

		def makeSettings(self, sizer):
			calls.append("makeSettings")
			helper = guiHelper.BoxSizerHelper(self, sizer=sizer)
			self.timeout = helper.addLabeledControl("Timeout:", wx.SpinCtrl, min=1, max=600, initial=30)

		def isValid(self):
			calls.append("isValid")
			return valid

		def onSave(self):
			calls.append("onSave")

		def postSave(self):
			calls.append("postSave")

		def onDiscard(self):
			calls.append("onDiscard")

	return Panel


def test_okValidatesThenSavesEveryOpenedPanel(nvdaGui):
	from gui import settingsDialogs

	calls = []
	Panel = makePanelClass(calls)
	settingsDialogs.NVDASettingsDialog.categoryClasses.append(Panel)
	nvdaGui.mainFrame.popupSettingsDialog(settingsDialogs.NVDASettingsDialog, Panel)
	[dialog] = [w for w in wx.GetTopLevelWindows() if isinstance(w, settingsDialogs.NVDASettingsDialog)]
	assert isinstance(dialog.currentCategory, Panel)
	assert nvdaGui.testing.popups == ["prePopup", "postPopup"]
	pressButton(dialog, wx.ID_OK)
	assert calls == ["makeSettings", "isValid", "onSave", "postSave"]
	assert wxHelpers.waitFor(lambda: not dialog)


def test_anInvalidPanelKeepsTheDialogOpenAndSavesNothing(nvdaGui):
	from gui import settingsDialogs

	calls = []
	Panel = makePanelClass(calls, valid=False)
	settingsDialogs.NVDASettingsDialog.categoryClasses.append(Panel)
	dialog = settingsDialogs.NVDASettingsDialog(nvdaGui.mainFrame, initialCategory=Panel)
	pressButton(dialog, wx.ID_OK)
	assert calls == ["makeSettings", "isValid"]
	assert dialog  # still open
	pressButton(dialog, wx.ID_CANCEL)
	assert calls[-1] == "onDiscard"
	assert wxHelpers.waitFor(lambda: not dialog)


def test_aPanelNeverShownIsNeverCreatedOrSaved(nvdaGui):
	from gui import settingsDialogs

	calls = []
	Panel = makePanelClass(calls)
	settingsDialogs.NVDASettingsDialog.categoryClasses.append(Panel)
	dialog = settingsDialogs.NVDASettingsDialog(nvdaGui.mainFrame)
	assert isinstance(dialog.currentCategory, settingsDialogs.GeneralSettingsPanel)
	pressButton(dialog, wx.ID_OK)
	assert calls == []
	dialog = settingsDialogs.NVDASettingsDialog(nvdaGui.mainFrame)
	dialog._doCategoryChange(settingsDialogs.NVDASettingsDialog.categoryClasses.index(Panel))
	pressButton(dialog, wx.ID_CANCEL)
	assert calls == ["makeSettings", "onDiscard"]


def test_callLaterRunsOnRealTimers(nvdaGui):
	import core
	import queueHandler

	ran = []
	core.callLater(30, ran.append, "later")
	assert wxHelpers.waitFor(lambda: queueHandler.testing.pump() or ran, timeout=2)
	assert ran == ["later"]


def test_dialogDismissButtonsComeLast(nvdaGui):
	from gui import guiHelper

	dialog = wx.Dialog(nvdaGui.mainFrame, title="Ask about this picture")
	helper = guiHelper.BoxSizerHelper(dialog, orientation=wx.VERTICAL)
	question = helper.addLabeledControl("Question:", wx.TextCtrl)
	buttons = guiHelper.ButtonHelper(wx.HORIZONTAL)
	ask = buttons.addButton(dialog, label="&Ask")
	close = buttons.addButton(dialog, id=wx.ID_CLOSE, label="&Close")
	assert helper.addDialogDismissButtons(buttons, separated=True) is buttons
	with pytest.raises(AssertionError):
		helper.addItem(wx.CheckBox(dialog, label="Too late"))
	dialog.SetSizerAndFit(helper.sizer)
	dialog.Show()
	assert wxHelpers.waitFor(dialog.IsShownOnScreen)
	assert question.GetScreenRect().bottom < ask.GetScreenRect().top
	assert ask.GetScreenRect().right < close.GetScreenRect().left
	assert buttons.sizer.GetOrientation() == wx.HORIZONTAL


def test_aPanelExplainsARefusalInAnErrorMessageBoxLikeNvdas(nvdaGui):
	from gui import message

	calls = []
	panel = makePanelClass(calls)(nvdaGui.mainFrame)
	message.testing.answers.append(wx.OK)
	panel._validationErrorMessageBox("Enter a number from 5 to 600.", "Timeout")
	[shown] = message.testing.shown
	assert (
		shown["message"] == 'Enter a number from 5 to 600.\n\nCategory: "Vision Describer"\nOption: "Timeout"'
	)
	assert shown["caption"] == "Invalid configuration"
	assert shown["style"] == wx.OK | wx.ICON_ERROR and shown["parent"] is panel
	assert message.testing.answers == []
