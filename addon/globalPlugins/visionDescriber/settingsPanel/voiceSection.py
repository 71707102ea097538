"""The panel's Voice questions group: the speech-to-text server (address, model, spoken language and
its key), and what a spoken question does (say it back, take a new picture and of what, fill the
follow-up dialog's question field, the longest recording).

The speech-to-text server is an endpoint of its own, with its own key in the credential store
(`apiKeys.transcriptionEndpointId`), stored and looked up as the vision key is (keySection.py): never
on NVDA's main thread (the panel's `BackgroundCalls`, kind "sttKey"; a typed key is saved on
`keyWrites`, with no owner, so its outcome is spoken even after OK closed the dialog), never shown,
never in config.conf, the log or speech. The status says whether this server has a key, or whether
the vision server's key will be used (both at the same scheme, host and port:
`apiKeys.transcriptionKey`). It is looked up when the panel opens and when the user leaves the
address field after changing it; nothing is sent to the speech-to-text server from here.

A key would travel as plain text to an http address on another computer: the same permission as the
vision key ("Allow sending the API key unencrypted") is needed to save, or the panel refuses with
that box focused.

Address and language are checked by `Settings.problems()` (a refusal focuses the field). Main
thread, apart from the work handed to the background calls.
"""

from collections.abc import Sequence

import addonHandler
import ui
import wx
from visionDescriberCore.apiKeys import endpointIdFor, sameOrigin, transcriptionEndpointId
from visionDescriberCore.settings import VOICE_TARGETS, Settings, keyTravelsUnencrypted

from ..backgroundCalls import BackgroundCalls
from .fieldControls import (
	CheckField,
	ChoiceField,
	FieldControl,
	NumberField,
	Refusal,
	Section,
	TextField,
)
from .keySection import addKeyControls, saveTypedKey
from .serverAccess import logFailure, reportFailure, unencryptedKeySentence

addonHandler.initTranslation()

#: What the key status says, by what the lookup found.
OWN, VISION, NONE = "own", "vision", "none"


def voiceTargetNames() -> dict[str, str]:
	return {
		# Translators: what a spoken question's own picture shows (a setting).
		"navigator": _("The navigator object"),
		# Translators: what a spoken question's own picture shows (a setting).
		"foreground": _("The window in the foreground"),
		# Translators: what a spoken question's own picture shows (a setting).
		"screen": _("The whole screen"),
	}


def sttEndpointOf(settings: Settings) -> str | None:
	"""The speech-to-text endpoint a key belongs to, or None while its address is not valid."""
	if any(problem.field == "sttBaseUrl" for problem in settings.problems()):
		return None
	try:
		return transcriptionEndpointId(settings.sttBaseUrl)
	except ValueError:
		return None


def visionEndpointOf(settings: Settings) -> str | None:
	"""The vision endpoint, when its key would also be the speech-to-text server's."""
	if not sameOrigin(settings.sttBaseUrl, settings.baseUrl):
		return None
	try:
		return endpointIdFor(settings.provider, settings.baseUrl)
	except ValueError:
		return None


def lookUpKey(keyStore, endpoint: str, visionEndpoint: str | None) -> str:
	"""Worker thread: OWN, VISION or NONE."""
	if keyStore.has(endpoint):
		return OWN
	if visionEndpoint is not None and keyStore.has(visionEndpoint):
		return VISION
	return NONE


class VoiceSection(Section):
	def __init__(self, panel):
		super().__init__(panel)
		#: The endpoint the key status describes (None: not looked up, or the address is not valid).
		self.endpoint: str | None = None
		self._found: str | None = None  # OWN, VISION, NONE; None: not known
		self._addressOnEntry = ""
		#: Saving a key: no owner, so its outcome is spoken even after the dialog closed.
		self.keyWrites = BackgroundCalls(None, f"{panel.background.threadPrefix}.sttSave")

	def title(self) -> str:
		# Translators: a group in Vision Describer settings: questions asked aloud (speech to text).
		return _("Voice questions")

	def fieldTable(self) -> Sequence[FieldControl]:
		targets = voiceTargetNames()
		return (
			# Translators: a label in Vision Describer settings, e.g. http://127.0.0.1:8000/v1.
			TextField("sttBaseUrl", "sttBaseUrlField", _("Speech-to-te&xt address:"), wide=True),
			# Translators: a label in Vision Describer settings, e.g. Systran/faster-whisper-small.
			TextField("sttModel", "sttModelField", _("Speech-to-text model:"), wide=True),
			# Translators: a label in Vision Describer settings; a code such as pt, or nothing.
			TextField("sttLanguage", "sttLanguageField", _("Language of spoken &questions (blank: NVDA's):")),
			CheckField(
				"speakTranscript",
				"speakTranscriptCheck",
				# Translators: a check box in Vision Describer settings.
				_("Say what I asked before the answer"),
			),
			CheckField(
				"voiceNewPicture",
				"voiceNewPictureCheck",
				# Translators: a check box in Vision Describer settings.
				_("Take a new picture for each spoken question"),
			),
			ChoiceField(
				"voiceTarget",
				"voiceTargetChoice",
				# Translators: a label in Vision Describer settings: what a spoken question's picture shows.
				_("A new picture shows:"),
				lambda settings: [(target, targets[target]) for target in VOICE_TARGETS],
			),
			CheckField(
				"voiceFillQuestion",
				"voiceFillQuestionCheck",
				# Translators: a check box in Vision Describer settings (the follow-up dialog's field).
				_("Follow-up dialog: put the words in the question field"),
			),
			# Translators: a label in Vision Describer settings.
			NumberField("maxRecordingSeconds", "maxRecordingSpin", _("Longest recording (seconds):")),
		)

	def build(self, helper, settings: Settings) -> None:
		panel = self.panel
		group, box = self.makeGroup(helper)
		address, model, language, *rest = self.fields
		for item in (address, model, language):
			item.create(panel, group, box, settings)
		panel.sttKeyStatusField, panel.sttNewKeyField, panel.sttDeleteKeyButton = addKeyControls(
			panel,
			group,
			box,
			# Translators: a label in Vision Describer settings; the field says whether a key is stored.
			_("Speech-to-text key:"),
			# Translators: a label in Vision Describer settings; the field hides what is typed.
			_("New speech-to-text key:"),
			# Translators: a button in Vision Describer settings.
			_("Delete the speech-to-text key"),
			self.onDeleteKey,
		)
		for item in rest:
			item.create(panel, group, box, settings)
		panel.sttBaseUrlField.Bind(wx.EVT_SET_FOCUS, self.onAddressEntered)
		panel.sttBaseUrlField.Bind(wx.EVT_KILL_FOCUS, self.onAddressLeft)

	def show(self, settings: Settings) -> None:
		super().show(settings)
		self._addressOnEntry = self.panel.sttBaseUrlField.GetValue()

	def start(self) -> None:
		self.lookUp()

	def updateEnabled(self, settings: Settings) -> None:
		super().updateEnabled(settings)
		self.panel.sttDeleteKeyButton.Enable(self._found == OWN)

	@property
	def typedKey(self) -> str:
		return self.panel.sttNewKeyField.GetValue().strip()

	# --- The stored key --------------------------------------------------------------------------------

	def onAddressEntered(self, event) -> None:
		event.Skip()
		self._addressOnEntry = self.panel.sttBaseUrlField.GetValue()

	def onAddressLeft(self, event) -> None:
		event.Skip()
		typed = self.panel.sttBaseUrlField.GetValue()
		if typed != self._addressOnEntry:
			self._addressOnEntry = typed
			self.lookUp()

	def lookUp(self) -> None:
		panel = self.panel
		settings = panel.settingsFromControls()
		endpoint = self.endpoint = sttEndpointOf(settings)
		if endpoint is None:
			panel.background.drop("sttKey")
			# Translators: shown in settings instead of whether a speech-to-text key is stored.
			self._showStatus(None, _("Enter a valid speech-to-text address to see whether a key is stored."))
			return
		# Translators: shown while Vision Describer looks in the credential store.
		self._showStatus(None, _("Looking for a stored key…"))
		keyStore, vision = panel.keyStore, visionEndpointOf(settings)
		panel.background.run(
			"sttKey", lambda: lookUpKey(keyStore, endpoint, vision), self._onFound, self._onFailed
		)

	def _onFound(self, found: str) -> None:
		texts = {
			# Translators: whether a key is stored for the speech-to-text server in settings.
			OWN: _("A key is stored for this speech-to-text server."),
			# Translators: the speech-to-text server is the vision server too, and uses its key.
			VISION: _("The vision server's key is used (the same server)."),
			# Translators: whether a key is stored for the speech-to-text server in settings.
			NONE: _("No key is stored (a server on this computer needs none)."),
		}
		self._showStatus(found, texts[found])

	def _onFailed(self, error: BaseException) -> None:
		# Translators: whether a key is stored for the speech-to-text server in settings.
		self._showStatus(None, _("The credential store could not be read."))
		logFailure("reading the credential store", error, self.typedKey)  # shown, not spoken: unasked

	def _showStatus(self, found: str | None, text: str) -> None:
		panel = self.panel
		self._found = found
		panel.sttKeyStatusField.SetValue(text)
		if found != OWN and panel.sttDeleteKeyButton.HasFocus():
			panel.sttNewKeyField.SetFocus()  # the button is about to be disabled
		panel.sttDeleteKeyButton.Enable(found == OWN)

	def _settled(self, endpoint: str, found: str) -> None:
		self.endpoint = endpoint
		self.panel.background.drop("sttKey")
		self._onFound(found)

	def onDeleteKey(self, event) -> None:
		settings = self.panel.settingsFromControls()
		endpoint = sttEndpointOf(settings)
		if endpoint is None:
			return
		keyStore, vision = self.panel.keyStore, visionEndpointOf(settings)

		def delete() -> str:
			keyStore.delete(endpoint)
			return lookUpKey(keyStore, endpoint, vision)

		def deleted(found: str) -> None:
			self._settled(endpoint, found)
			# Translators: spoken when the stored speech-to-text key was deleted in settings.
			ui.message(_("The speech-to-text key was deleted."))

		self.panel.background.run(
			"sttKey", delete, deleted, lambda error: reportFailure("deleting the key", error, self.typedKey)
		)

	# --- Validation and saving ---------------------------------------------------------------------------

	def refusal(self, settings: Settings) -> Refusal | None:
		"""The same permission as the vision key for a key sent over plain http to another computer."""
		if (
			keyTravelsUnencrypted(settings.sttBaseUrl)
			and not settings.allowUnencryptedRemote
			and self._keyWouldBeSent(settings)
		):
			return self.panel.shownFields["allowUnencryptedRemote"].refusal(unencryptedKeySentence())
		return None

	def _keyWouldBeSent(self, settings: Settings) -> bool:
		if self.typedKey:
			return True
		return self._found in (OWN, VISION) and sttEndpointOf(settings) == self.endpoint

	def save(self, settings: Settings) -> None:
		key = self.typedKey
		if not key:
			return
		endpoint = transcriptionEndpointId(settings.sttBaseUrl)
		saveTypedKey(
			self,
			"sttKey",
			endpoint,
			key,
			self.panel.sttNewKeyField,
			lambda: self._settled(endpoint, OWN),
			# Translators: spoken when settings are saved with a new speech-to-text key.
			_("The speech-to-text key is saved in Windows Credential Manager."),
		)
