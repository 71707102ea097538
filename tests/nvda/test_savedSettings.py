"""A value NVDA refuses in nvda.ini costs only itself: the plugin loads, the setting has its default
(logged once), the settings panel is offered and shows the default, and saving there repairs it.

NVDA validates a config value when it is READ (the config fake does the same): a hand edit of
nvda.ini, a downgrade after a preset was added or a later release narrowing a range leaves a value
that raises configobj's validate errors from `config.conf["visionDescriber"][key]`.
"""

import dataclasses

import pytest
import wx
import wxHelpers
from visionDescriberCore.settings import Settings

SECTION = "visionDescriber"

#: One bad value of each kind, as a hand edit leaves it in nvda.ini: (setting, text, NVDA's error).
BAD_VALUES = [
	pytest.param("readTimeout", "601", "VdtValueTooBigError", id="tooBig"),
	pytest.param("connectTimeout", "0", "VdtValueTooSmallError", id="tooSmall"),
	pytest.param("preset", "poem", "VdtValueError", id="unknownOption"),
	pytest.param("streamSpeech", "maybe", "VdtTypeError", id="wrongType"),
]


def writeNvdaIni(**values):
	"""What NVDA loaded from nvda.ini before the add-on started (values as text, unchecked)."""
	import config

	config.conf.profiles[0][SECTION] = {name: str(value) for name, value in values.items()}


def warnings() -> list[str]:
	import logHandler

	return [message for message in logHandler.testing.messages("WARNING") if "nvda.ini" in message]


@pytest.mark.parametrize(("name", "text", "error"), BAD_VALUES)
def test_aBadValueFallsBackToItsDefaultAndThePluginLoads(nvdaFakes, name, text, error):
	writeNvdaIni(**{name: text, "model": "llava"})
	import config
	import visionDescriber
	from gui.settingsDialogs import NVDASettingsDialog

	with pytest.raises(Exception) as raised:  # NVDA refuses the value when it is read
		config.conf[SECTION][name]
	assert type(raised.value).__name__ == error

	plugin = visionDescriber.GlobalPlugin()
	try:
		assert plugin.getSettings() == Settings(model="llava")  # the good value is kept
		for _read in range(5):
			plugin.getSettings()
		[warning] = warnings()  # once, not at every read
		assert name in warning and error in warning and text not in warning
		assert NVDASettingsDialog.categoryClasses[-1] is visionDescriber.settingsPanel.VisionDescriberPanel
	finally:
		plugin.terminate()


@pytest.mark.display
@pytest.mark.parametrize(("name", "text", "error"), BAD_VALUES)
def test_thePanelShowsTheDefaultAndSavingRepairsNvdaIni(nvdaGui, name, text, error):
	writeNvdaIni(**{name: text})
	import config
	import visionDescriber
	from gui.settingsDialogs import NVDASettingsDialog

	plugin = visionDescriber.GlobalPlugin()
	try:
		panelClass = visionDescriber.settingsPanel.VisionDescriberPanel
		nvdaGui.mainFrame.popupSettingsDialog(NVDASettingsDialog, panelClass)
		[dialog] = [w for w in wx.GetTopLevelWindows() if isinstance(w, NVDASettingsDialog) and w]
		panel = dialog.currentCategory
		assert panel.settingsFromControls() == Settings()
		panel.modelField.SetValue("llava")
		dialog.ProcessEvent(wx.CommandEvent(wx.wxEVT_BUTTON, wx.ID_OK))
		assert wxHelpers.waitFor(lambda: not dialog)
		default = getattr(Settings(), name)
		assert config.conf[SECTION][name] == default  # read without an error again
		assert config.conf.profiles[0][SECTION][name] == default  # what NVDA writes to nvda.ini
		assert config.conf[SECTION]["model"] == "llava"
		assert plugin.getSettings() == dataclasses.replace(Settings(), model="llava")
	finally:
		plugin.terminate()


def test_aBadValueIsLoggedAgainOnlyWhenItChanges(nvdaFakes):
	writeNvdaIni(readTimeout="601")
	import config
	import visionDescriber

	plugin = visionDescriber.GlobalPlugin()
	try:
		plugin.getSettings()
		config.conf[SECTION]["readTimeout"] = 300  # good again (the settings panel saved it)
		assert plugin.getSettings().readTimeout == 300
		config.conf.profiles[0][SECTION]["readTimeout"] = "9999"  # edited by hand once more
		config.conf._handleProfileSwitch()  # as NVDA does when it reloads its configuration
		assert plugin.getSettings().readTimeout == 120
		assert len(warnings()) == 2
	finally:
		plugin.terminate()


def test_thePanelIsRegisteredOnlyOnceThePluginHasStarted(nvdaFakes, monkeypatch):
	"""NVDA never calls terminate() on a plugin whose __init__ raised: a panel registered before the
	failure would stay in NVDA's settings with nothing behind it."""
	import visionDescriber
	from gui.settingsDialogs import NVDASettingsDialog

	def broken(plugin):
		raise RuntimeError("the command layer could not start")

	monkeypatch.setattr(visionDescriber.commandLayer, "CommandLayer", broken)
	with pytest.raises(RuntimeError):
		visionDescriber.GlobalPlugin()
	assert visionDescriber.settingsPanel.VisionDescriberPanel not in NVDASettingsDialog.categoryClasses
