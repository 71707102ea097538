"""The settings panel's Voice questions group, in (the fake of) NVDA's settings dialog on real wx:
the speech-to-text server's fields and its key, stored per endpoint in a real keyring backend
(keyrings.alt's plaintext file in the test's folder), looked up and written off NVDA's main thread;
what a spoken question does. The helpers and fixtures are test_settingsPanel.py's."""

# ruff: noqa: F811 - the tests take test_settingsPanel's fixtures as parameters

import threading

import pytest
import wx
import wxHelpers
from test_settingsPanel import (  # noqa: F401 - fixtures, used by name
	OTHER_SECRET,
	SECRET,
	SECTION,
	FailingFileKeyring,
	RecordingKeyring,
	answerNextMessageBox,
	chooseText,
	click,
	closed,
	everythingNvdaKept,
	joinWorkers,
	keyBackend,
	leaveField,
	makeBackend,
	messageBoxes,
	openPanel,
	panelModule,
	pressDialogButton,
	pressOk,
	savedSection,
	spoken,
	tick,
)
from visionDescriberCore.apiKeys import SERVICE_NAME, KeyStore, endpointIdFor, transcriptionEndpointId
from visionDescriberCore.clients.transcription import DEFAULT_TRANSCRIPTION_URL
from visionDescriberCore.settings import Settings

pytestmark = pytest.mark.display

LOCAL_STT = transcriptionEndpointId(DEFAULT_TRANSCRIPTION_URL)
OPENAI_STT = transcriptionEndpointId("https://api.openai.com/v1")


def statusOf(panel) -> str:
	return panel.sttKeyStatusField.GetValue()


def waitForStatus(panel, text: str) -> None:
	assert wxHelpers.waitFor(lambda: statusOf(panel) == text), statusOf(panel)


def test_theGroupShowsTheSavedVoiceSettingsAndSavesWhatChanged(nvdaGui, panelModule):
	import config

	config.conf[SECTION]["sttModel"] = "gpt-4o-mini-transcribe"
	config.conf[SECTION]["voiceTarget"] = "screen"
	dialog, panel = openPanel(nvdaGui, panelModule)
	assert panel.sttBaseUrlField.GetValue() == DEFAULT_TRANSCRIPTION_URL
	assert panel.sttModelField.GetValue() == "gpt-4o-mini-transcribe"
	assert panel.voiceTargetChoice.GetStringSelection() == "The whole screen"
	assert panel.voiceTargetChoice.GetStrings() == [
		"The navigator object",
		"The window in the foreground",
		"The whole screen",
	]
	assert panel.speakTranscriptCheck.GetValue() and not panel.voiceNewPictureCheck.GetValue()
	assert (panel.maxRecordingSpin.GetMin(), panel.maxRecordingSpin.GetMax()) == (5, 120)

	panel.sttBaseUrlField.SetValue(" api.example.org/v1 ")
	panel.sttLanguageField.SetValue("pt")
	tick(panel.speakTranscriptCheck, False)
	tick(panel.voiceNewPictureCheck)
	chooseText(panel.voiceTargetChoice, "The window in the foreground")
	tick(panel.voiceFillQuestionCheck)
	panel.maxRecordingSpin.SetValue(45)
	pressOk(dialog)
	assert closed(dialog) and messageBoxes() == []
	assert savedSection() == {
		"sttModel": "gpt-4o-mini-transcribe",
		"sttBaseUrl": "http://api.example.org/v1",  # typed without a scheme
		"sttLanguage": "pt",
		"speakTranscript": False,
		"voiceNewPicture": True,
		"voiceTarget": "foreground",
		"voiceFillQuestion": True,
		"maxRecordingSeconds": 45,
	}


@pytest.mark.parametrize(
	("field", "value", "sentence"),
	[
		(
			"sttBaseUrlField",
			"",
			"Enter the speech-to-text server's address, such as http://127.0.0.1:8000/v1.",
		),
		(
			"sttLanguageField",
			"Portuguese",
			"Enter the language of your spoken questions as a code such as pt",
		),
	],
)
def test_anAddressOrLanguageThatCannotWorkIsRefusedOnItsField(nvdaGui, panelModule, field, value, sentence):
	dialog, panel = openPanel(nvdaGui, panelModule)
	getattr(panel, field).SetValue(value)
	answerNextMessageBox()
	pressOk(dialog)
	[shown] = messageBoxes()
	assert shown["message"].startswith(sentence)
	assert dialog and savedSection() == {}
	assert wx.Window.FindFocus() is getattr(panel, field)


def test_aTypedKeyIsStoredForTheSpeechToTextServerOnlyAndDeleted(nvdaGui, panelModule, keyBackend):
	dialog, panel = openPanel(nvdaGui, panelModule)
	waitForStatus(panel, "No key is stored (a server on this computer needs none).")
	assert not panel.sttDeleteKeyButton.IsEnabled()
	panel.sttBaseUrlField.SetValue("https://api.openai.com/v1")
	panel.sttNewKeyField.SetValue(f" {SECRET}\n")
	pressOk(dialog)
	assert closed(dialog)
	joinWorkers(panelModule)  # saved in the background; its outcome is spoken all the same
	assert keyBackend.get_password(SERVICE_NAME, OPENAI_STT) == SECRET
	assert keyBackend.get_password(SERVICE_NAME, endpointIdFor("openai", "https://api.openai.com/v1")) is None
	assert spoken()[-1] == "The speech-to-text key is saved in Windows Credential Manager."

	dialog, panel = openPanel(nvdaGui, panelModule)
	waitForStatus(panel, "A key is stored for this speech-to-text server.")
	assert panel.sttNewKeyField.GetValue() == ""  # never shown
	panel.sttNewKeyField.SetValue(OTHER_SECRET)
	pressDialogButton(dialog, wx.ID_APPLY)
	assert wxHelpers.waitFor(lambda: panel.sttNewKeyField.GetValue() == "")
	assert keyBackend.get_password(SERVICE_NAME, OPENAI_STT) == OTHER_SECRET
	click(panel.sttDeleteKeyButton)
	assert wxHelpers.waitFor(lambda: spoken()[-1] == "The speech-to-text key was deleted.")
	assert keyBackend.get_password(SERVICE_NAME, OPENAI_STT) is None
	waitForStatus(panel, "No key is stored (a server on this computer needs none).")
	assert not panel.sttDeleteKeyButton.IsEnabled()
	text = everythingNvdaKept()
	assert SECRET not in text and OTHER_SECRET not in text
	assert "key" not in "".join(savedSection()).lower()


def test_theStatusSaysWhenTheVisionKeyServesTheSameServer(nvdaGui, panelModule, keyBackend):
	keyBackend.set_password(SERVICE_NAME, endpointIdFor("openai", "https://api.openai.com/v1"), SECRET)
	dialog, panel = openPanel(nvdaGui, panelModule)
	chooseText(panel.providerChoice, "OpenAI")
	panel.sttBaseUrlField.SetValue("https://api.openai.com/v1")
	leaveField(panel.sttBaseUrlField)  # a changed address is looked up once the user leaves it
	waitForStatus(panel, "The vision server's key is used (the same server).")
	assert not panel.sttDeleteKeyButton.IsEnabled()  # not this server's own key to delete
	panel.sttBaseUrlField.SetValue("https://api.groq.com/openai/v1")
	leaveField(panel.sttBaseUrlField)
	waitForStatus(panel, "No key is stored (a server on this computer needs none).")
	panel.sttBaseUrlField.SetValue("not an address")
	leaveField(panel.sttBaseUrlField)
	assert statusOf(panel) == "Enter a valid speech-to-text address to see whether a key is stored."


def test_aKeyIsNotSentUnencryptedToAnotherComputerUnlessAllowed(nvdaGui, panelModule, keyBackend):
	remote = "http://192.168.1.30:8000/v1"
	dialog, panel = openPanel(nvdaGui, panelModule)
	panel.sttBaseUrlField.SetValue(remote)
	pressOk(dialog)  # no key: plain http to a speech-to-text server on the network is fine
	assert closed(dialog) and messageBoxes() == []
	dialog, panel = openPanel(nvdaGui, panelModule)
	panel.sttNewKeyField.SetValue(SECRET)
	answerNextMessageBox()
	pressOk(dialog)
	[shown] = messageBoxes()
	assert shown["message"].startswith("The API key would travel unencrypted over http to another computer.")
	assert wx.Window.FindFocus() is panel.allowUnencryptedCheck
	assert keyBackend.get_password(SERVICE_NAME, transcriptionEndpointId(remote)) is None
	tick(panel.allowUnencryptedCheck)
	pressOk(dialog)
	assert closed(dialog)
	joinWorkers(panelModule)
	assert keyBackend.get_password(SERVICE_NAME, transcriptionEndpointId(remote)) == SECRET


def test_theCredentialStoreIsNeverUsedOnNvdasMainThread(nvdaGui, panelModule, tmp_path):
	backend = makeBackend(RecordingKeyring, tmp_path)
	backend.set_password(SERVICE_NAME, LOCAL_STT, SECRET)
	backend.uses.clear()
	panelModule.VisionDescriberPanel.keyStore = KeyStore(backend=backend)
	dialog, panel = openPanel(nvdaGui, panelModule)
	waitForStatus(panel, "A key is stored for this speech-to-text server.")
	click(panel.sttDeleteKeyButton)
	assert wxHelpers.waitFor(lambda: "The speech-to-text key was deleted." in spoken())
	panel.sttNewKeyField.SetValue(OTHER_SECRET)
	pressOk(dialog)
	assert closed(dialog)
	joinWorkers(panelModule)
	assert {use for use, _thread in backend.uses} == {"get", "set", "delete"}
	assert [use for use, thread in backend.uses if thread is threading.main_thread()] == []


def test_thePluginSendsTheStoredSpeechToTextKey(nvdaGui, panelModule, keyBackend):
	"""What the panel stores is what the plugin's transcription request carries (worker thread)."""
	import visionDescriber

	keyBackend.set_password(SERVICE_NAME, OPENAI_STT, SECRET)
	plugin = visionDescriber.GlobalPlugin()
	try:
		plugin.keyStore = KeyStore(backend=keyBackend)
		settings = Settings(sttBaseUrl="https://api.openai.com/v1")
		assert plugin._getTranscriptionKey(settings) == SECRET
		assert plugin._getTranscriptionKey(Settings()) is None  # the local server has none
	finally:
		plugin.terminate()


def test_aSpeechToTextKeyTheStoreCannotSaveIsSpokenAndTheOtherSettingsAreStillSaved(
	nvdaGui, panelModule, tmp_path
):
	import logHandler

	panelModule.VisionDescriberPanel.keyStore = KeyStore(backend=makeBackend(FailingFileKeyring, tmp_path))
	dialog, panel = openPanel(nvdaGui, panelModule)
	panel.sttBaseUrlField.SetValue("https://api.openai.com/v1")
	panel.sttNewKeyField.SetValue(SECRET)
	pressOk(dialog)
	assert closed(dialog)
	joinWorkers(panelModule)
	assert savedSection().get("sttBaseUrl") == "https://api.openai.com/v1"
	assert "could not be saved in Windows Credential Manager" in spoken()[-1]
	assert "saving the key failed" in logHandler.testing.text()
	assert SECRET not in everythingNvdaKept()
