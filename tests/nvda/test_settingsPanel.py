"""Vision Describer's settings panel, opened in (the fake of) NVDA's settings dialog on real wx.

Keys go to a real keyring backend (keyrings.alt's plaintext file, in the test's own folder). Server
calls are injected callables that record which thread ran them; none of them touches the network.
"""

import dataclasses
import re
import sys
import threading

import pytest
import wx
import wxHelpers
from keyring.errors import PasswordSetError
from keyrings.alt.file import PlaintextKeyring
from visionDescriberCore.apiKeys import SERVICE_NAME, KeyStore, endpointIdFor
from visionDescriberCore.errors import ModelNotFound, ServerUnreachable
from visionDescriberCore.settings import CONFIG_SPEC, DEFAULT_BASE_URLS, Settings

pytestmark = pytest.mark.display

SECRET = "sk-proj-PANEL-SECRET-0123456789abcdef"
OTHER_SECRET = "sk-proj-REPLACED-fedcba9876543210"
SECTION = "visionDescriber"
OLLAMA_ENDPOINT = endpointIdFor("ollama", DEFAULT_BASE_URLS["ollama"])
OPENAI_ENDPOINT = endpointIdFor("openai", DEFAULT_BASE_URLS["openai"])
#: Access keys of NVDA's settings dialog itself: Apply, Categories, OK.
NVDA_DIALOG_ACCESS_KEYS = {"a", "c", "o"}


@dataclasses.dataclass
class Model:
	name: str
	vision: bool | None
	note: str = ""


class FailingFileKeyring(PlaintextKeyring):
	"""A real file backend whose writes fail, with the key in the error, as careless backends do."""

	def set_password(self, service, username, password):
		raise PasswordSetError(f"disk full while storing {password}")


def makeBackend(cls, folder):
	backend = cls()
	backend.file_path = str(folder / "keyring_pass.cfg")
	return backend


@pytest.fixture
def keyBackend(tmp_path):
	return makeBackend(PlaintextKeyring, tmp_path)


@pytest.fixture
def panelModule(nvdaGui, keyBackend):
	from visionDescriber import settingsPanel

	settingsPanel.registerConfigSpec()
	settingsPanel.VisionDescriberPanel.keyStore = KeyStore(backend=keyBackend)
	yield settingsPanel
	workers = [t for t in threading.enumerate() if t.name.startswith(settingsPanel.THREAD_PREFIX)]
	for worker in workers:
		worker.join(timeout=5)
	assert not [worker for worker in workers if worker.is_alive()], "a settings worker is still running"
	wxHelpers.processEvents()


class Services:
	"""Injected server calls that record their arguments and the thread they ran on."""

	def __init__(self, models=(), lines=(), modelError=None, checkError=None):
		self.models = list(models)
		self.lines = list(lines)
		self.modelError = modelError
		self.checkError = checkError
		self.calls: list[tuple[str, Settings, str | None, threading.Thread]] = []
		self.release = threading.Event()
		self.release.set()

	def listModels(self, settings, apiKey):
		self.calls.append(("listModels", settings, apiKey, threading.current_thread()))
		self.release.wait(5)
		if self.modelError:
			raise self.modelError
		return self.models

	def checkConnection(self, settings, apiKey):
		self.calls.append(("checkConnection", settings, apiKey, threading.current_thread()))
		self.release.wait(5)
		if self.checkError:
			raise self.checkError
		return self.lines

	def asPanelServices(self, module):
		return module.PanelServices(listModels=self.listModels, checkConnection=self.checkConnection)


# --- Driving the panel like a user -----------------------------------------------------------------


def openPanel(gui, module, services=None, wait=True):
	"""Opens NVDA's settings dialog on Vision Describer's category, as NVDA's menu does, and waits
	for the background lookups the panel starts (unless told not to)."""
	from gui.settingsDialogs import NVDASettingsDialog

	if isinstance(services, Services):
		services = services.asPanelServices(module)
	module.register(services)
	gui.mainFrame.popupSettingsDialog(NVDASettingsDialog, module.VisionDescriberPanel)
	[dialog] = [w for w in wx.GetTopLevelWindows() if isinstance(w, NVDASettingsDialog) and w]
	panel = dialog.currentCategory
	assert isinstance(panel, module.VisionDescriberPanel)
	if wait:
		assert wxHelpers.waitFor(lambda: settled(panel))
	return dialog, panel


def joinWorkers(module):
	for worker in [t for t in threading.enumerate() if t.name.startswith(module.THREAD_PREFIX)]:
		worker.join(timeout=5)
	wxHelpers.processEvents()


def settled(panel) -> bool:
	keyDone = "Looking for" not in panel.keyStatusField.GetValue()
	modelsDone = "Asking the server" not in panel.modelsChoice.GetString(0)
	return keyDone and modelsDone


def pressDialogButton(dialog, buttonId):
	event = wx.CommandEvent(wx.wxEVT_BUTTON, buttonId)
	event.SetEventObject(dialog)
	dialog.ProcessEvent(event)
	wxHelpers.processEvents()


def click(button):
	event = wx.CommandEvent(wx.wxEVT_BUTTON, button.GetId())
	event.SetEventObject(button)
	button.GetEventHandler().ProcessEvent(event)
	wxHelpers.processEvents()


def choose(choice, index):
	choice.SetSelection(index)
	event = wx.CommandEvent(wx.wxEVT_CHOICE, choice.GetId())
	event.SetInt(index)
	event.SetEventObject(choice)
	choice.GetEventHandler().ProcessEvent(event)
	wxHelpers.processEvents()


def chooseText(choice, text):
	choose(choice, choice.GetStrings().index(text))


def tick(checkBox, value=True):
	checkBox.SetValue(value)
	event = wx.CommandEvent(wx.wxEVT_CHECKBOX, checkBox.GetId())
	event.SetInt(int(value))
	event.SetEventObject(checkBox)
	checkBox.GetEventHandler().ProcessEvent(event)
	wxHelpers.processEvents()


def leaveField(field):
	field.GetEventHandler().ProcessEvent(wx.FocusEvent(wx.wxEVT_KILL_FOCUS, field.GetId()))
	wxHelpers.processEvents()


def pressOk(dialog):
	pressDialogButton(dialog, wx.ID_OK)


def closed(dialog) -> bool:
	return wxHelpers.waitFor(lambda: not dialog)


def savedSection() -> dict:
	"""What NVDA would write to nvda.ini for the add-on (the base profile's section)."""
	import config

	return dict(config.conf.profiles[0].get(SECTION, {}))


def everythingNvdaKept() -> str:
	"""nvda.ini, the log, speech, braille and ui messages, as one text to search for secrets."""
	import braille
	import config
	import logHandler
	import speech
	import ui

	return "\n".join(
		[
			b"\n".join(config.conf.profiles[0].write()).decode("utf-8"),
			logHandler.testing.text(),
			*speech.testing.spoken(),
			*braille.testing.messages,
			*ui.testing.messages,
		]
	)


def messageBoxes() -> list[dict]:
	from gui import message

	return message.testing.shown


def answerNextMessageBox():
	from gui import message

	message.testing.answers.append(wx.OK)


def spoken() -> list[str]:
	import ui

	return ui.testing.messages


def inputControls(panel) -> list[wx.Window]:
	"""The panel's controls a user can reach with tab, in tab (creation) order."""
	found = []

	def walk(window):
		for child in window.GetChildren():
			if isinstance(child, wx.TextCtrl | wx.Choice | wx.SpinCtrl | wx.CheckBox | wx.Button):
				found.append(child)
			walk(child)

	walk(panel)
	return found


def accessKey(label: str) -> str | None:
	match = re.search(r"&([^&])", label.replace("&&", ""))
	return match.group(1).lower() if match else None


# --- Registration ----------------------------------------------------------------------------------


def test_thePluginRegistersTheSpecAndThePanelAndRemovesThePanelAgain(nvdaFakes):
	import config
	import visionDescriber
	from gui.settingsDialogs import NVDASettingsDialog

	assert dict(config.conf.spec[SECTION]) == CONFIG_SPEC
	assert config.conf[SECTION]["readTimeout"] == 120  # defaults come from the spec
	plugin = visionDescriber.GlobalPlugin()
	panelClass = visionDescriber.settingsPanel.VisionDescriberPanel
	assert NVDASettingsDialog.categoryClasses[-1] is panelClass
	assert panelClass.title == "Vision Describer"
	plugin.terminate()
	assert panelClass not in NVDASettingsDialog.categoryClasses
	assert panelClass.services is None


def test_onASecureScreenThePanelIsNotOffered(nvdaFakes):
	import globalVars
	import visionDescriber
	from gui.settingsDialogs import NVDASettingsDialog

	globalVars.appArgs.secure = True
	try:
		plugin = visionDescriber.GlobalPlugin()
		assert visionDescriber.settingsPanel.VisionDescriberPanel not in NVDASettingsDialog.categoryClasses
		plugin.terminate()
	finally:
		globalVars.appArgs.secure = False


# --- Layout ----------------------------------------------------------------------------------------


def test_everyControlIsLabelledAndAccessKeysAreUnique(nvdaGui, panelModule):
	dialog, panel = openPanel(nvdaGui, panelModule)
	controls = inputControls(panel)
	assert len(controls) >= 25
	keys = []
	for control in controls:
		if isinstance(control, wx.CheckBox | wx.Button):
			label = control.GetLabel()
		else:
			siblings = list(control.GetParent().GetChildren())
			before = siblings[siblings.index(control) - 1]
			assert isinstance(before, wx.StaticText), f"{type(control).__name__} has no label before it"
			label = before.GetLabel()
		assert label.replace("&", "").strip(), f"{type(control).__name__} has an empty label"
		keys.append(accessKey(label))
	used = [key for key in keys if key]
	assert len(used) == len(set(used)), f"access keys clash: {sorted(used)}"
	assert not set(used) & NVDA_DIALOG_ACCESS_KEYS
	# No combo box anywhere: NVDA's guiHelper cannot label one.
	assert not [control for control in controls if isinstance(control, wx.ComboBox)]
	# Tab order follows the screen from top to bottom.
	tops = [control.GetScreenRect().top for control in controls]
	assert tops == sorted(tops)


def test_theKeyFieldHidesWhatIsTypedAndTheStatusIsReadOnly(nvdaGui, panelModule):
	dialog, panel = openPanel(nvdaGui, panelModule)
	assert panel.newKeyField.GetWindowStyleFlag() & wx.TE_PASSWORD
	assert not panel.keyStatusField.IsEditable()
	assert panel.keyStatusField.GetValue() == "No key is stored for this server."
	assert not panel.deleteKeyButton.IsEnabled()


# --- For low vision: wide enough to read, and inside NVDA's dialog -------------------------------------

#: Values the fields must show whole: addresses and model names as users have them.
LONG_VALUES = {
	"baseUrlField": [
		*DEFAULT_BASE_URLS.values(),
		"https://contoso-vision-eastus.openai.azure.com",
		"https://openrouter.ai/api/v1",
		"http://192.168.178.20:11434",
	],
	"modelField": ["qwen/qwen2.5-vl-72b-instruct", "llama3.2-vision:11b-instruct-q4_K_M", "gpt-4.1-mini"],
}
#: Every sentence the stored key field can show.
KEY_STATUSES = [
	"Looking for a stored key…",
	"A key is stored for this server.",
	"No key is stored for this server.",
	"The credential store could not be read.",
	"Enter a valid server address to see whether a key is stored.",
]
#: Room a text field keeps around its text (borders and padding), in pixels.
FIELD_PADDING = 10
#: What Windows' vertical scroll bar takes from the container (wxGTK's scroll bars float over it).
SCROLL_BAR = 17


def showsWhole(field, text) -> bool:
	return field.GetTextExtent(text).width + FIELD_PADDING <= field.GetClientSize().width


def test_theAddressModelAndKeyFieldsShowTheirValuesWhole(nvdaGui, panelModule):
	dialog, panel = openPanel(nvdaGui, panelModule)
	for attribute, values in LONG_VALUES.items():
		field = getattr(panel, attribute)
		for value in values:
			assert showsWhole(field, value), (attribute, value, field.GetClientSize().width)
	for status in KEY_STATUSES:
		assert showsWhole(panel.keyStatusField, status), status
	assert showsWhole(panel.newKeyField, "•" * 28)  # a pasted key can be checked for length at a glance
	assert showsWhole(panel.modelsChoice, "llama3.2 – text only, cannot describe pictures")
	prompt = panel.customPromptField
	assert prompt.GetClientSize().height >= 4 * prompt.GetCharHeight()  # four lines of the user's prompt
	assert showsWhole(prompt, "Read every number on the chart, then the legend.")


def test_thePanelFitsNvdasDialogWidthAndScrollsToEveryControl(nvdaGui, panelModule):
	dialog, panel = openPanel(nvdaGui, panelModule)
	container = dialog.container
	visible = container.GetClientSize()
	assert tuple(dialog.GetSize()) == dialog.INITIAL_SIZE  # as NVDA opens it
	# No sideways scrolling, even with Windows' scroll bar taking its share.
	assert container.GetVirtualSize().width <= visible.width
	border = 2 * 10  # the dialog's border around a category
	assert panel.GetBestSize().width + border + SCROLL_BAR <= visible.width
	assert container.GetVirtualSize().height > visible.height  # it scrolls up and down instead
	from visionDescriber.settingsPanel.fieldControls import ROW_WIDTH

	rowWidth = panel.scaleSize(ROW_WIDTH)  # each row within what the panel promises
	for group in panel.settingsSizer.GetChildren():
		if isinstance(group.GetSizer(), wx.StaticBoxSizer):
			for row in group.GetSizer().GetChildren():
				assert row.GetMinSize().width <= rowWidth, row.GetWindow() and row.GetWindow().GetLabel()
	area = container.GetScreenRect()
	for control in inputControls(panel):
		# What the container does when Tab brings a control the focus (wxGTK sends no focus event
		# to the container for a choice or a button, so the test asks it directly).
		container.ScrollChildIntoView(control)
		wxHelpers.processEvents()
		assert area.Contains(control.GetScreenRect()), (
			f"{type(control).__name__} at {control.GetScreenRect()}"
		)


# --- Load, save, validation -------------------------------------------------------------------------


def test_thePanelShowsTheSavedSettings(nvdaGui, panelModule):
	import config

	saved = {
		"provider": "openaiCompatible",
		"baseUrl": "http://127.0.0.1:8080/v1",
		"model": "qwen2.5-vl-7b",
		"preset": "custom",
		"customPrompt": "Read the chart's numbers.",
		"responseLanguage": "de",
		"maxImageSide": 1200,
		"pictureDetail": "detailed",
		"streamSpeech": False,
		"openDialogAfterDescribe": True,
		"readTimeout": 300,
		"maxTokens": 0,
	}
	for name, value in saved.items():
		config.conf[SECTION][name] = value
	dialog, panel = openPanel(nvdaGui, panelModule)
	assert panel.settingsFromControls() == dataclasses.replace(Settings(), **saved)
	assert panel.providerChoice.GetStringSelection().startswith("OpenAI-compatible (")
	assert panel.languageChoice.GetStringSelection() == "German (de)"
	assert not panel.languageCodeField.IsEnabled()
	assert panel.imageSizeChoice.GetStringSelection() == "1200 pixels on the longest side"
	assert not panel.keepLoadedCheck.IsEnabled()
	assert panel.overFullscreenCheck.IsEnabled()  # because the follow-up dialog opens


PICTURE_DETAIL_NOTE = (
	"Detailed reads small text better; on a computer without a graphics card it can add tens of seconds."
)


def test_pictureDetailOffersThreeLevelsWithWhatDetailedCosts(nvdaGui, panelModule):
	dialog, panel = openPanel(nvdaGui, panelModule)
	choice = panel.pictureDetailChoice
	assert choice.GetStrings() == [
		"Fast (about 300 image tokens)",
		"Balanced (about 1,000 image tokens)",
		"Detailed (all the model can use)",
	]
	assert choice.GetStringSelection() == "Balanced (about 1,000 image tokens)"
	siblings = list(choice.GetParent().GetChildren())
	note = siblings[siblings.index(choice) + 1]  # right below the list, wrapped to the panel's width
	assert isinstance(note, wx.StaticText) and " ".join(note.GetLabel().split()) == PICTURE_DETAIL_NOTE
	assert panel.imageSizeChoice.GetString(0) == "Automatic (follows picture detail)"
	assert not hasattr(panel, "imageDetailChoice")
	chooseText(choice, "Detailed (all the model can use)")
	pressOk(dialog)
	assert messageBoxes() == []
	assert savedSection() == {"pictureDetail": "detailed"}


def test_aLanguageNotInTheListIsShownAsATypedCode(nvdaGui, panelModule):
	import config

	config.conf[SECTION]["responseLanguage"] = "gsw"
	dialog, panel = openPanel(nvdaGui, panelModule)
	assert panel.languageChoice.GetStringSelection() == "Other (type a language code)"
	assert panel.languageCodeField.IsEnabled() and panel.languageCodeField.GetValue() == "gsw"
	assert panel.languageChoice.GetString(0) == "NVDA's language (English)"


def test_changesAreSavedThroughConfigAndShownWhenTheDialogOpensAgain(nvdaGui, panelModule):
	import config

	dialog, panel = openPanel(nvdaGui, panelModule)
	panel.modelField.SetValue("  llava:13b ")
	chooseText(panel.presetChoice, "Detailed")
	chooseText(panel.languageChoice, "Brazilian Portuguese (pt_BR)")
	chooseText(panel.imageSizeChoice, "1568 pixels on the longest side")
	tick(panel.progressTonesCheck, False)
	tick(panel.keepLoadedCheck, True)
	tick(panel.warmUpCheck, True)
	panel.connectTimeoutSpin.SetValue(3)
	panel.readTimeoutSpin.SetValue(240)
	pressOk(dialog)
	assert messageBoxes() == []
	assert closed(dialog)
	expected = {
		"model": "llava:13b",
		"preset": "detailed",
		"responseLanguage": "pt_BR",
		"maxImageSide": 1568,
		"progressTones": False,
		"keepModelLoaded": True,
		"warmUpOnStart": True,
		"connectTimeout": 3,
		"readTimeout": 240,
	}
	assert savedSection() == expected  # only what changed lands in nvda.ini
	assert {name: config.conf[SECTION][name] for name in expected} == expected
	dialog, panel = openPanel(nvdaGui, panelModule)
	assert panel.settingsFromControls() == dataclasses.replace(Settings(), **expected)


def test_theWatchingGroupSavesItsSettingsAndSaysWhatAPaidServiceCosts(nvdaGui, panelModule):
	from visionDescriber.settingsPanel.fieldControls import ROW_WIDTH

	dialog, panel = openPanel(nvdaGui, panelModule)
	assert panel.watchTargetChoice.GetStrings() == [
		"The window in the foreground",
		"The navigator object",
		"The monitor",
	]
	assert panel.watchIntervalSpin.GetMin() == 250 and panel.watchIntervalSpin.GetMax() == 10000
	note = panel.watchCostNote
	assert "paid like one description" in note.GetLabel().replace("\n", " ")
	assert note.GetParent() is panel.watchStopCheck.GetParent()  # in the Watching group, under its fields
	assert note.GetSize().width <= panel.scaleSize(ROW_WIDTH)
	chooseText(panel.watchTargetChoice, "The monitor")
	panel.watchIntervalSpin.SetValue(500)
	tick(panel.watchStopCheck, False)
	panel.watchMaxRequestsSpin.SetValue(3)
	pressOk(dialog)
	assert messageBoxes() == []
	assert savedSection() == {
		"watchTarget": "monitor",
		"watchIntervalMs": 500,
		"watchStopWhenTargetLeavesForeground": False,
		"watchMaxRequestsPerMinute": 3,
	}


def fieldsWithoutControl(shown, settingsClass, notShown) -> list[str]:
	"""Fields of settingsClass that no section shows and NOT_SHOWN does not list."""
	return sorted({spec.name for spec in dataclasses.fields(settingsClass)} - set(shown) - set(notShown))


def test_everySettingHasAControlUnlessListedAsNotShown(nvdaGui, panelModule):
	dialog, panel = openPanel(nvdaGui, panelModule)
	shown = panel.shownFields
	assert fieldsWithoutControl(shown, Settings, panelModule.NOT_SHOWN) == []
	names = {spec.name for spec in dataclasses.fields(Settings)}
	assert names >= panelModule.NOT_SHOWN  # no stale entry
	assert not set(shown) & panelModule.NOT_SHOWN  # nothing both shown and hidden
	bound = [item.field for section in panel.sections for item in section.fields]
	assert len(bound) == len(set(bound)), "a field is bound twice"
	for item in shown.values():
		assert getattr(panel, item.attribute) is item.control

	# The check catches a new field that no section shows and nobody listed as not shown.
	@dataclasses.dataclass(frozen=True)
	class Grown(Settings):
		speakTimestamps: bool = False

	assert fieldsWithoutControl(shown, Grown, panelModule.NOT_SHOWN) == ["speakTimestamps"]
	assert fieldsWithoutControl(shown, Grown, panelModule.NOT_SHOWN | {"speakTimestamps"}) == []


#: Saved text for string settings that need a particular shape; any other string gets SAMPLE_TEXT.
STRING_SAMPLES = {
	"baseUrl": "https://vision.example.com/v1",
	"azureApiVersion": "2025-04-01-preview",
	"responseLanguage": "gsw",
	"sttBaseUrl": "https://speech.example.com/v1",
	"sttLanguage": "pt",
}
SAMPLE_TEXT = "Count the buttons."


def notDefault(spec) -> object:
	"""A valid value for a Settings field that differs from its default."""
	meta = spec.metadata
	if meta["kind"] == "boolean":
		return not spec.default
	if meta["kind"] == "integer":
		return meta["max"] if spec.default != meta["max"] else meta["min"]
	if meta["kind"] == "option":
		return next(choice for choice in reversed(meta["choices"]) if choice != spec.default)
	return STRING_SAMPLES.get(spec.name, SAMPLE_TEXT)


def test_everyShownSettingGoesFromConfigToItsControlAndBack(nvdaGui, panelModule):
	"""Load and save come from the field tables: each shown field, saved with a value other than its
	default, is shown and read back unchanged; the others keep their saved values."""
	import config

	saved = {spec.name: notDefault(spec) for spec in dataclasses.fields(Settings)}
	for name, value in saved.items():
		config.conf[SECTION][name] = value
	dialog, panel = openPanel(nvdaGui, panelModule)
	assert panel.settingsFromControls() == Settings(**saved)


def test_typedTextIsCleanedBeforeItIsSaved(nvdaGui, panelModule):
	dialog, panel = openPanel(nvdaGui, panelModule)
	panel.baseUrlField.SetValue(" 192.168.1.20:11434 ")
	chooseText(panel.languageChoice, "Other (type a language code)")
	panel.languageCodeField.SetValue(" sr_Latn ")
	pressOk(dialog)
	assert messageBoxes() == []
	assert savedSection() == {"baseUrl": "http://192.168.1.20:11434", "responseLanguage": "sr_Latn"}


def keyInto(control, keyCode, controlDown=False):
	"""A key pressed in control, as wx first offers it (EVT_CHAR_HOOK, from the control up to the
	dialog, where NVDA's settings dialog turns Enter into OK)."""
	event = wx.KeyEvent(wx.wxEVT_CHAR_HOOK)
	event.SetKeyCode(keyCode)
	event.SetControlDown(controlDown)
	event.SetEventObject(control)
	event.ResumePropagation(wx.EVENT_PROPAGATE_MAX)
	control.GetEventHandler().ProcessEvent(event)
	wxHelpers.processEvents()
	return event


@pytest.mark.parametrize("enter", [wx.WXK_RETURN, wx.WXK_NUMPAD_ENTER], ids=["enter", "numpadEnter"])
def test_enterInYourOwnPromptMakesANewLineAndControlEnterPressesOk(nvdaGui, panelModule, enter):
	dialog, panel = openPanel(nvdaGui, panelModule)
	chooseText(panel.presetChoice, "My own prompt")
	panel.customPromptField.SetValue("Read the chart.")
	event = keyInto(panel.customPromptField, enter)
	assert event.IsNextEventAllowed()  # wx gives the key to the field: a new line
	assert dialog and savedSection() == {}  # and NVDA's dialog did not press OK
	keyInto(panel.customPromptField, enter, controlDown=True)
	assert closed(dialog)
	assert savedSection() == {"preset": "custom", "customPrompt": "Read the chart."}


def test_enterInAOneLineFieldStillPressesOk(nvdaGui, panelModule):
	dialog, panel = openPanel(nvdaGui, panelModule)
	panel.modelField.SetValue("llava")
	event = keyInto(panel.modelField, wx.WXK_RETURN)
	assert not event.IsNextEventAllowed()
	assert closed(dialog)
	assert savedSection() == {"model": "llava"}


def test_timeoutsCannotLeaveTheSpecsRange(nvdaGui, panelModule):
	import config

	dialog, panel = openPanel(nvdaGui, panelModule)
	panel.readTimeoutSpin.SetValue(9999)
	panel.connectTimeoutSpin.SetValue(0)
	assert panel.readTimeoutSpin.GetValue() == 600
	assert panel.connectTimeoutSpin.GetValue() == 1
	pressOk(dialog)
	assert (config.conf[SECTION]["readTimeout"], config.conf[SECTION]["connectTimeout"]) == (600, 1)


@pytest.mark.parametrize(
	("change", "sentence", "option", "field"),
	[
		(
			lambda panel: panel.baseUrlField.SetValue("ftp://files.example.com"),
			"The server address must start with http:// or https://.",
			"Server address",
			"baseUrlField",
		),
		(
			lambda panel: panel.baseUrlField.SetValue("https://me:hunter2@api.example.com/v1"),
			"Leave the user name and password out of the server address. Put a key in the API key field.",
			"Server address",
			"baseUrlField",
		),
		(
			lambda panel: panel.baseUrlField.SetValue("http://[::1"),
			"The server address is not valid. Write it like http://127.0.0.1:11434.",
			"Server address",
			"baseUrlField",
		),
		(
			lambda panel: panel.baseUrlField.SetValue("http://127.0.0.1:99999"),
			"The port in the server address is not valid.",
			"Server address",
			"baseUrlField",
		),
		(
			lambda panel: panel.baseUrlField.SetValue("http://127.0.0.1:abc"),
			"The port in the server address is not valid.",
			"Server address",
			"baseUrlField",
		),
		(
			lambda panel: chooseText(panel.presetChoice, "My own prompt"),
			"Write your own prompt, or choose another preset.",
			"Your own prompt",
			"customPromptField",
		),
		(
			lambda panel: (
				chooseText(panel.languageChoice, "Other (type a language code)"),
				panel.languageCodeField.SetValue("Klingon!"),
			),
			"Enter a language code such as de or pt_BR, or choose a language from the list.",
			"Other language code",
			"languageCodeField",
		),
		(
			lambda panel: chooseText(panel.providerChoice, "Azure OpenAI"),
			"Enter the address of your Azure OpenAI resource, such as https://NAME.openai.azure.com.",
			"Server address",
			"baseUrlField",
		),
	],
	ids=[
		"notHttp",
		"passwordInAddress",
		"brokenIpv6",
		"portTooLarge",
		"portNotANumber",
		"emptyOwnPrompt",
		"badLanguageCode",
		"azureWithoutAddress",
	],
)
def test_invalidInputIsRefusedWithAPlainSentenceAndNothingIsSaved(
	nvdaGui, panelModule, change, sentence, option, field
):
	import config

	dialog, panel = openPanel(nvdaGui, panelModule)
	panel.modelField.SetValue("llava")  # a valid change that must not be saved either
	change(panel)
	answerNextMessageBox()
	pressOk(dialog)
	[shown] = messageBoxes()
	assert shown["message"] == f'{sentence}\n\nCategory: "Vision Describer"\nOption: "{option}"'
	assert shown["caption"] == "Invalid configuration"
	assert dialog, "the dialog must stay open"
	# The user lands on the field at fault.
	assert wxHelpers.waitFor(lambda: wx.Window.FindFocus() is getattr(panel, field))
	assert savedSection() == {}
	assert config.conf[SECTION]["model"] == "gemma3"
	pressDialogButton(dialog, wx.ID_CANCEL)
	assert closed(dialog)


def test_azureNeedsItsDeploymentAndApiVersion(nvdaGui, panelModule):
	dialog, panel = openPanel(nvdaGui, panelModule)
	chooseText(panel.providerChoice, "Azure OpenAI")
	assert panel.azureVersionField.IsEnabled()
	assert (panel.baseUrlField.GetValue(), panel.modelField.GetValue()) == ("", "")
	panel.baseUrlField.SetValue("https://mine.openai.azure.com")
	panel.azureVersionField.SetValue("latest")
	answerNextMessageBox()
	pressOk(dialog)
	assert "Enter the name of your Azure OpenAI deployment" in messageBoxes()[-1]["message"]
	panel.modelField.SetValue("vision-prod")
	answerNextMessageBox()
	pressOk(dialog)
	assert "Enter the Azure API version as a date" in messageBoxes()[-1]["message"]
	panel.azureVersionField.SetValue("2025-04-01-preview")
	pressOk(dialog)
	assert closed(dialog)
	assert savedSection() == {
		"provider": "azure",
		"baseUrl": "https://mine.openai.azure.com",
		"model": "vision-prod",
		"azureApiVersion": "2025-04-01-preview",
	}


def test_changingProviderMovesDefaultsButKeepsWhatTheUserTyped(nvdaGui, panelModule):
	dialog, panel = openPanel(nvdaGui, panelModule)
	chooseText(panel.providerChoice, "OpenAI")
	assert panel.baseUrlField.GetValue() == "https://api.openai.com/v1"
	assert panel.modelField.GetValue() == "gpt-4.1-mini"
	assert not panel.warmUpCheck.IsEnabled()
	panel.baseUrlField.SetValue("https://openrouter.ai/api/v1")
	panel.modelField.SetValue("qwen/qwen2.5-vl-72b-instruct")
	chooseText(panel.providerChoice, "OpenAI-compatible (LM Studio, vLLM, OpenRouter, others)")
	assert panel.baseUrlField.GetValue() == "https://openrouter.ai/api/v1"
	assert panel.modelField.GetValue() == "qwen/qwen2.5-vl-72b-instruct"
	chooseText(panel.providerChoice, "Ollama")
	assert panel.keepLoadedCheck.IsEnabled()


# --- API keys --------------------------------------------------------------------------------------


def test_aTypedKeyIsStoredForItsServerReplacedAndDeleted(nvdaGui, panelModule, keyBackend):
	dialog, panel = openPanel(nvdaGui, panelModule)
	chooseText(panel.providerChoice, "OpenAI")
	panel.newKeyField.SetValue(f"  {SECRET}\n")
	pressOk(dialog)
	assert closed(dialog)
	joinWorkers(panelModule)  # the key is saved in the background; its outcome is spoken all the same
	assert keyBackend.get_password(SERVICE_NAME, OPENAI_ENDPOINT) == SECRET
	assert keyBackend.get_password(SERVICE_NAME, OLLAMA_ENDPOINT) is None
	assert spoken()[-1] == "The API key is saved in Windows Credential Manager."

	dialog, panel = openPanel(nvdaGui, panelModule)
	assert panel.keyStatusField.GetValue() == "A key is stored for this server."
	assert panel.newKeyField.GetValue() == ""  # a stored key is never shown
	assert panel.deleteKeyButton.IsEnabled()
	panel.newKeyField.SetValue(OTHER_SECRET)
	pressDialogButton(dialog, wx.ID_APPLY)
	assert wxHelpers.waitFor(lambda: panel.newKeyField.GetValue() == "")
	assert keyBackend.get_password(SERVICE_NAME, OPENAI_ENDPOINT) == OTHER_SECRET
	assert panel.keyStatusField.GetValue() == "A key is stored for this server."

	click(panel.deleteKeyButton)
	assert wxHelpers.waitFor(lambda: spoken()[-1] == "The stored API key was deleted.")
	assert keyBackend.get_password(SERVICE_NAME, OPENAI_ENDPOINT) is None
	assert panel.keyStatusField.GetValue() == "No key is stored for this server."
	assert not panel.deleteKeyButton.IsEnabled()
	text = everythingNvdaKept()
	assert SECRET not in text and OTHER_SECRET not in text


def test_theKeyStatusFollowsTheServerAddress(nvdaGui, panelModule, keyBackend):
	keyBackend.set_password(SERVICE_NAME, OLLAMA_ENDPOINT, SECRET)
	dialog, panel = openPanel(nvdaGui, panelModule)
	assert panel.keyStatusField.GetValue() == "A key is stored for this server."
	panel.baseUrlField.SetValue("http://127.0.0.1:11435")
	leaveField(panel.baseUrlField)
	assert wxHelpers.waitFor(lambda: panel.keyStatusField.GetValue() == "No key is stored for this server.")
	panel.baseUrlField.SetValue("not an address")
	leaveField(panel.baseUrlField)
	assert panel.keyStatusField.GetValue() == "Enter a valid server address to see whether a key is stored."
	assert not panel.deleteKeyButton.IsEnabled()


def test_aKeyStoreFailureIsSpokenAndTheOtherSettingsAreStillSaved(nvdaGui, panelModule, tmp_path):
	import logHandler

	panelModule.VisionDescriberPanel.keyStore = KeyStore(backend=makeBackend(FailingFileKeyring, tmp_path))
	dialog, panel = openPanel(nvdaGui, panelModule)
	panel.modelField.SetValue("llava")
	panel.newKeyField.SetValue(SECRET)
	pressOk(dialog)
	assert closed(dialog)
	joinWorkers(panelModule)
	assert savedSection() == {"model": "llava"}
	assert spoken()[-1] == (
		"The API key could not be saved in Windows Credential Manager. Details are in the NVDA log."
	)
	assert "saving the key failed" in logHandler.testing.text()
	assert SECRET not in everythingNvdaKept()


class UnreadableFileKeyring(PlaintextKeyring):
	def get_password(self, service, username):
		raise OSError(13, "Permission denied")


def test_anUnreadableKeyStoreShowsInTheStatusUnspokenAndSavingStillWorks(nvdaGui, panelModule, tmp_path):
	import logHandler

	panelModule.VisionDescriberPanel.keyStore = KeyStore(backend=makeBackend(UnreadableFileKeyring, tmp_path))
	dialog, panel = openPanel(nvdaGui, panelModule)
	assert panel.keyStatusField.GetValue() == "The credential store could not be read."
	assert spoken() == []  # opening the settings interrupts nobody; the status and the log say it
	assert "reading the credential store failed" in logHandler.testing.text()
	assert not panel.deleteKeyButton.IsEnabled()
	panel.modelField.SetValue("llava")
	pressOk(dialog)
	assert closed(dialog)
	assert savedSection() == {"model": "llava"}


def test_aKeyIsNotSentUnencryptedToAnotherComputerUnlessAllowed(nvdaGui, panelModule, keyBackend):
	dialog, panel = openPanel(nvdaGui, panelModule)
	panel.baseUrlField.SetValue("http://192.168.1.20:11434")
	panel.newKeyField.SetValue(SECRET)
	answerNextMessageBox()
	pressOk(dialog)
	[shown] = messageBoxes()
	assert shown["message"].startswith("The API key would travel unencrypted over http to another computer.")
	assert 'Option: "Allow sending the API key unencrypted (http) to another computer"' in shown["message"]
	assert savedSection() == {} and not keyBackend.get_password(
		SERVICE_NAME, "ollama:http://192.168.1.20:11434"
	)
	tick(panel.allowUnencryptedCheck)
	pressOk(dialog)
	assert closed(dialog)
	assert keyBackend.get_password(SERVICE_NAME, "ollama:http://192.168.1.20:11434") == SECRET
	assert savedSection() == {"baseUrl": "http://192.168.1.20:11434", "allowUnencryptedRemote": True}


def test_aStoredKeyCountsTooButNoKeyNeedsNoPermission(nvdaGui, panelModule, keyBackend):
	remote = "http://192.168.1.20:11434"
	dialog, panel = openPanel(nvdaGui, panelModule)
	panel.baseUrlField.SetValue(remote)
	pressOk(dialog)  # no key: plain http to a local-network Ollama is fine
	assert closed(dialog) and messageBoxes() == []
	keyBackend.set_password(SERVICE_NAME, endpointIdFor("ollama", remote), SECRET)
	dialog, panel = openPanel(nvdaGui, panelModule)
	panel.modelField.SetValue("llava")
	answerNextMessageBox()
	pressOk(dialog)
	assert "unencrypted" in messageBoxes()[-1]["message"]
	assert dialog


# --- Nothing goes out, and nothing is said, unless the user asks ------------------------------------


class RecordingKeyring(PlaintextKeyring):
	"""A real file backend that notes every use and the thread it came from."""

	def __init__(self):
		super().__init__()
		self.uses: list[tuple[str, threading.Thread]] = []

	def get_password(self, service, username):
		self.uses.append(("get", threading.current_thread()))
		return super().get_password(service, username)

	def set_password(self, service, username, password):
		self.uses.append(("set", threading.current_thread()))
		super().set_password(service, username, password)

	def delete_password(self, service, username):
		self.uses.append(("delete", threading.current_thread()))
		super().delete_password(service, username)


def test_openingTheSettingsAndArrowingThroughProvidersAsksNoServerAndSaysNothing(
	nvdaGui, panelModule, keyBackend
):
	keyBackend.set_password(SERVICE_NAME, OPENAI_ENDPOINT, SECRET)
	services = Services(modelError=ServerUnreachable("http://127.0.0.1:11434", "ollama"))
	dialog, panel = openPanel(nvdaGui, panelModule, services)
	for index in [1, 2, 3, 0, 1]:  # down and up the Provider list, past OpenAI with its stored key
		choose(panel.providerChoice, index)
		joinWorkers(panelModule)
	assert wxHelpers.waitFor(lambda: settled(panel))
	assert panel.keyStatusField.GetValue() == "A key is stored for this server."  # OpenAI's, looked up
	assert services.calls == []  # no server asked, so the OpenAI key went nowhere
	assert spoken() == []
	assert panel.modelsChoice.GetStrings() == ["Press Refresh to ask the server for its models."]


def test_leavingTheAddressFieldAsksTheServerOnlyAfterTheAddressWasChanged(nvdaGui, panelModule):
	services = Services(models=[Model("llava", True)])
	dialog, panel = openPanel(nvdaGui, panelModule, services)
	leaveField(panel.baseUrlField)  # tabbed through without typing
	joinWorkers(panelModule)
	assert services.calls == []
	panel.baseUrlField.SetValue("http://127.0.0.1:11500")
	leaveField(panel.baseUrlField)
	assert wxHelpers.waitFor(lambda: services.calls and settled(panel))
	assert [call[1].baseUrl for call in services.calls] == ["http://127.0.0.1:11500"]
	assert panel.modelsChoice.GetStrings() == ["llava – sees images"]
	assert spoken() == []  # a list that arrives is shown quietly
	leaveField(panel.baseUrlField)
	joinWorkers(panelModule)
	assert len(services.calls) == 1
	services.modelError = ServerUnreachable("http://127.0.0.1:11600", "ollama")
	panel.baseUrlField.SetValue("http://127.0.0.1:11600")
	leaveField(panel.baseUrlField)
	assert wxHelpers.waitFor(lambda: spoken())  # the address the user typed does not answer: said
	assert spoken() == [ServerUnreachable("http://127.0.0.1:11600", "ollama").sentence]


def test_theCredentialStoreIsNeverUsedOnNvdasMainThread(nvdaGui, panelModule, tmp_path):
	backend = makeBackend(RecordingKeyring, tmp_path)
	backend.set_password(SERVICE_NAME, endpointIdFor("ollama", "http://192.168.1.20:11434"), SECRET)
	backend.uses.clear()
	panelModule.VisionDescriberPanel.keyStore = KeyStore(backend=backend)
	services = Services(models=[Model("gpt-4.1-mini", True)], lines=["Connected."])
	dialog, panel = openPanel(nvdaGui, panelModule, services)  # looks the key up
	chooseText(panel.providerChoice, "OpenAI")  # and again
	click(panel.refreshButton)  # the stored key for the call
	click(panel.testButton)
	assert wxHelpers.waitFor(lambda: "Connected." in spoken())
	panel.newKeyField.SetValue(OTHER_SECRET)
	pressDialogButton(dialog, wx.ID_APPLY)  # saves the typed key
	assert wxHelpers.waitFor(lambda: panel.deleteKeyButton.IsEnabled())
	click(panel.deleteKeyButton)
	assert wxHelpers.waitFor(lambda: spoken()[-1] == "The stored API key was deleted.")
	chooseText(panel.providerChoice, "Ollama")
	panel.baseUrlField.SetValue("http://192.168.1.20:11434")
	leaveField(panel.baseUrlField)
	assert wxHelpers.waitFor(lambda: panel.keyStatusField.GetValue() == "A key is stored for this server.")
	answerNextMessageBox()
	pressOk(dialog)  # refused: that stored key would travel unencrypted
	assert "unencrypted" in messageBoxes()[-1]["message"]
	joinWorkers(panelModule)
	assert {use for use, _thread in backend.uses} == {"get", "set", "delete"}
	assert [use for use, thread in backend.uses if thread is threading.main_thread()] == []


# --- Model list ------------------------------------------------------------------------------------


def test_theModelListIsFilledInTheBackgroundAndFillsTheModelField(nvdaGui, panelModule, keyBackend):
	keyBackend.set_password(SERVICE_NAME, OLLAMA_ENDPOINT, SECRET)
	services = Services(
		models=[
			Model("llama3.2", False),
			Model("mystery", None),
			Model("llava", True, "7B"),
			Model("gemma3", True),
		]
	)
	dialog, panel = openPanel(nvdaGui, panelModule, services)
	assert services.calls == []  # opening the settings asks no server
	assert panel.modelsChoice.GetStrings() == ["Press Refresh to ask the server for its models."]
	click(panel.refreshButton)
	assert wxHelpers.waitFor(lambda: len(spoken()) == 1)
	[(name, settings, key, thread)] = services.calls
	assert name == "listModels" and thread is not threading.main_thread()
	assert settings.baseUrl == "http://127.0.0.1:11434" and key == SECRET
	assert panel.modelsChoice.GetStrings() == [
		"llava (7B) – sees images",
		"gemma3 – sees images",
		"mystery",
		"llama3.2 – text only, cannot describe pictures",
	]
	assert panel.modelsChoice.GetStringSelection() == "gemma3 – sees images"  # the current model
	assert spoken() == ["4 models found. 2 of them can see images."]
	choose(panel.modelsChoice, 0)
	assert panel.modelField.GetValue() == "llava"
	assert SECRET not in everythingNvdaKept()


def test_aTypedKeyIsUsedForTheListOfTheProviderChosen(nvdaGui, panelModule):
	services = Services(models=[Model("gpt-4.1-mini", True)])
	dialog, panel = openPanel(nvdaGui, panelModule, services)
	panel.newKeyField.SetValue(SECRET)
	chooseText(panel.providerChoice, "OpenAI")
	click(panel.refreshButton)
	assert wxHelpers.waitFor(lambda: len(services.calls) == 1 and settled(panel))
	name, settings, key, _thread = services.calls[-1]
	assert (settings.provider, settings.baseUrl, key) == ("openai", "https://api.openai.com/v1", SECRET)
	assert panel.modelsChoice.GetStrings() == ["gpt-4.1-mini – sees images"]


def test_aFailingListIsSpokenAsItsSentence(nvdaGui, panelModule):
	services = Services(modelError=ServerUnreachable("http://127.0.0.1:11434", "ollama"))
	dialog, panel = openPanel(nvdaGui, panelModule, services)
	click(panel.refreshButton)
	assert wxHelpers.waitFor(lambda: spoken())
	assert spoken() == [
		"Ollama is not running at http://127.0.0.1:11434. Start Ollama, or check the address in settings."
	]
	assert panel.modelsChoice.GetStrings() == ["Could not get the list of models."]
	assert panel.modelField.GetValue() == "gemma3"  # free text still works


def test_anUnexpectedFailureIsLoggedWithoutTheKeyAndSpokenPlainly(nvdaGui, panelModule, keyBackend):
	import logHandler

	keyBackend.set_password(SERVICE_NAME, OLLAMA_ENDPOINT, SECRET)
	services = Services(modelError=RuntimeError(f"bad header Authorization: Bearer {SECRET}"))
	dialog, panel = openPanel(nvdaGui, panelModule, services)
	click(panel.refreshButton)
	assert wxHelpers.waitFor(lambda: spoken())
	assert spoken() == ["Something went wrong. Details are in the NVDA log."]
	log = logHandler.testing.text()
	assert "RuntimeError: bad header Authorization: Bearer [redacted]" in log
	assert "Traceback" in log
	assert SECRET not in everythingNvdaKept()


def test_aKeyIsNotHandedToAListerOverPlainHttpUnlessAllowed(nvdaGui, panelModule, keyBackend):
	import config

	remote = "http://192.168.1.20:11434"
	config.conf[SECTION]["baseUrl"] = remote
	keyBackend.set_password(SERVICE_NAME, endpointIdFor("ollama", remote), SECRET)
	services = Services(models=[Model("llava", True)])
	dialog, panel = openPanel(nvdaGui, panelModule, services)
	click(panel.refreshButton)
	assert wxHelpers.waitFor(lambda: spoken())
	assert services.calls == []
	assert spoken()[0].startswith("The API key would travel unencrypted over http to another computer.")
	tick(panel.allowUnencryptedCheck)
	click(panel.refreshButton)
	assert wxHelpers.waitFor(lambda: services.calls and settled(panel))
	assert services.calls[-1][2] == SECRET


@pytest.mark.parametrize("failing", [False, True], ids=["answer", "failure"])
@pytest.mark.parametrize("closeWith", [wx.ID_OK, wx.ID_CANCEL], ids=["ok", "cancel"])
def test_aSlowAnswerArrivingAfterThePanelClosedIsIgnored(
	nvdaGui, panelModule, monkeypatch, failing, closeWith
):
	# wx reports an exception in a posted call through sys.excepthook and carries on.
	uncaught = []
	monkeypatch.setattr(sys, "excepthook", lambda *info: uncaught.append(info))
	services = Services(
		models=[Model("llava", True)],
		modelError=ServerUnreachable("http://127.0.0.1:11434") if failing else None,
	)
	services.release.clear()
	dialog, panel = openPanel(nvdaGui, panelModule, services)
	click(panel.refreshButton)
	assert wxHelpers.waitFor(lambda: services.calls)
	assert panel.modelsChoice.GetStrings() == ["Asking the server for its models…"]
	pressDialogButton(dialog, closeWith)
	assert closed(dialog)
	assert not panel  # destroyed
	services.release.set()
	joinWorkers(panelModule)
	assert uncaught == []
	assert spoken() == []


def test_aNewerRequestWinsOverAnOlderOneThatAnswersLater(nvdaGui, panelModule):
	gates = {"http://127.0.0.1:11434": threading.Event(), "http://127.0.0.1:11500": threading.Event()}
	asked = []

	def listModels(settings, apiKey):
		asked.append(settings.baseUrl)
		gates[settings.baseUrl].wait(5)
		return [Model(f"at {settings.baseUrl}", True)]

	services = panelModule.PanelServices(listModels=listModels, checkConnection=lambda settings, key: [])
	dialog, panel = openPanel(nvdaGui, panelModule, services)
	click(panel.refreshButton)
	assert wxHelpers.waitFor(lambda: asked)
	panel.baseUrlField.SetValue("http://127.0.0.1:11500")
	leaveField(panel.baseUrlField)
	assert wxHelpers.waitFor(lambda: len(asked) == 2)
	gates["http://127.0.0.1:11500"].set()
	assert wxHelpers.waitFor(lambda: settled(panel))
	gates["http://127.0.0.1:11434"].set()  # the old answer arrives last
	joinWorkers(panelModule)
	assert panel.modelsChoice.GetStrings() == ["at http://127.0.0.1:11500 – sees images"]


# --- Connection test -------------------------------------------------------------------------------


def test_theConnectionTestRunsInTheBackgroundAndSpeaksItsReport(nvdaGui, panelModule, keyBackend):
	keyBackend.set_password(SERVICE_NAME, OLLAMA_ENDPOINT, SECRET)
	services = Services(
		lines=["Connected to http://127.0.0.1:11434; Ollama 0.33.", "gemma3 can see images.", "  "],
	)
	dialog, panel = openPanel(nvdaGui, panelModule, services)
	services.release.clear()
	click(panel.testButton)
	assert spoken() == ["Testing the connection to http://127.0.0.1:11434…"]
	click(panel.testButton)
	assert spoken()[-1] == "Still testing the connection."
	services.release.set()
	assert wxHelpers.waitFor(lambda: len(spoken()) == 3)
	assert spoken()[-1] == "Connected to http://127.0.0.1:11434; Ollama 0.33. gemma3 can see images."
	name, settings, key, thread = services.calls[-1]
	assert name == "checkConnection" and thread is not threading.main_thread() and key == SECRET
	assert SECRET not in everythingNvdaKept()


def test_theConnectionTestSpeaksTheErrorSentenceAndTestsWhatThePanelShows(nvdaGui, panelModule):
	services = Services(
		checkError=ModelNotFound("llava:34b", "ollama", detail="404 model 'llava:34b' not found")
	)
	dialog, panel = openPanel(nvdaGui, panelModule, services)
	panel.modelField.SetValue("llava:34b")  # not saved yet: the test uses it all the same
	click(panel.testButton)
	assert wxHelpers.waitFor(lambda: len(spoken()) == 2)
	assert spoken()[-1] == ModelNotFound("llava:34b", "ollama").sentence
	assert services.calls[-1][1].model == "llava:34b"
	click(panel.testButton)  # the failed test is over: a new one starts
	assert wxHelpers.waitFor(lambda: len(spoken()) == 4)


@pytest.mark.parametrize(
	("address", "sentence"),
	[
		("ftp://127.0.0.1", "The server address must start with http:// or https://."),
		("http://[::1", "The server address is not valid. Write it like http://127.0.0.1:11434."),
		("http://127.0.0.1:99999", "The port in the server address is not valid."),
		("http://127.0.0.1:abc", "The port in the server address is not valid."),
	],
)
def test_theConnectionTestRefusesAnInvalidAddressWithoutCallingTheServer(
	nvdaGui, panelModule, address, sentence
):
	services = Services()
	dialog, panel = openPanel(nvdaGui, panelModule, services)
	calls = len(services.calls)
	panel.baseUrlField.SetValue("ollama")
	panel.baseUrlField.SetValue(address)
	click(panel.testButton)
	assert spoken() == [sentence]
	assert len(services.calls) == calls


def test_withoutServicesTheButtonsSaySo(nvdaGui, panelModule):
	dialog, panel = openPanel(nvdaGui, panelModule)
	assert panel.modelsChoice.GetStrings() == ["The model list is not available."]
	click(panel.testButton)
	assert spoken() == ["The connection test is not available."]


# --- The key leaves no trace -----------------------------------------------------------------------


def test_theKeyNeverReachesConfigLogOrSpeech(nvdaGui, panelModule, keyBackend, tmp_path):
	"""Everything a user does with a key, with servers whose errors even quote it; then a scan."""
	import config

	services = Services(
		models=[Model("gpt-4.1-mini", True)],
		lines=[f"Connected with key {SECRET}"],  # a careless report line
	)
	dialog, panel = openPanel(nvdaGui, panelModule, services)
	chooseText(panel.providerChoice, "OpenAI")
	panel.newKeyField.SetValue(SECRET)
	click(panel.refreshButton)
	assert wxHelpers.waitFor(lambda: settled(panel) and len(services.calls) >= 1)
	click(panel.testButton)
	assert wxHelpers.waitFor(lambda: spoken() and spoken()[-1].startswith("Connected"))
	services.checkError = RuntimeError(f"proxy said: key {SECRET} rejected")
	click(panel.testButton)
	assert wxHelpers.waitFor(lambda: spoken()[-1] == "Something went wrong. Details are in the NVDA log.")
	pressDialogButton(dialog, wx.ID_APPLY)
	joinWorkers(panelModule)
	assert keyBackend.get_password(SERVICE_NAME, OPENAI_ENDPOINT) == SECRET
	click(panel.deleteKeyButton)
	joinWorkers(panelModule)
	panelModule.VisionDescriberPanel.keyStore = KeyStore(backend=makeBackend(FailingFileKeyring, tmp_path))
	panel.newKeyField.SetValue(SECRET)
	pressOk(dialog)
	assert closed(dialog)
	joinWorkers(panelModule)
	assert config.conf[SECTION]["provider"] == "openai"
	kept = everythingNvdaKept()
	assert "Connected with key [redacted]" in kept
	assert SECRET not in kept
	assert SECRET[-12:] not in kept
	assert "key" not in "".join(savedSection()).lower()
