"""Vision Describer's category in NVDA's settings dialog.

Every non-secret setting is read from and written to `config.conf["visionDescriber"]`, whose spec is
`visionDescriberCore.settings.CONFIG_SPEC` (`registerConfigSpec()`). The API key is not a setting:
the panel shows only whether a key is stored for the server it names, saves a newly typed key in the
credential store through `KeyStore` (per endpoint, see `apiKeys.endpointIdFor`) and can delete it.
The key never reaches config.conf, the log or spoken text.

Nothing here talks to a server on NVDA's main thread. The model list and the connection test run
the callables in `VisionDescriberPanel.services` (see `PanelServices`) on a short-lived daemon
thread and post the result back with `wx.CallAfter`; a result that arrives after the panel is gone,
or after a newer request, is dropped. Looking up whether a key is stored runs on such a thread as
well (the first use of keyring imports it, which takes a moment).
"""

import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

import addonHandler
import config
import globalVars
import languageHandler
import ui
import wx
from gui import guiHelper
from gui.settingsDialogs import NVDASettingsDialog, SettingsPanel
from logHandler import log
from visionDescriberCore.apiKeys import KeyStore, endpointIdFor
from visionDescriberCore.conversation import prompts
from visionDescriberCore.errors import KeyStoreUnavailable, VisionDescriberError, redact
from visionDescriberCore.settings import CONFIG_SPEC, PROVIDERS, Settings

addonHandler.initTranslation()

CONFIG_SECTION = "visionDescriber"

#: Image sizes offered besides "Automatic" (0): the longest side in pixels.
IMAGE_SIZES = (768, 1024, 1568, 2048)
#: Regional variants offered as answer languages beside every language in prompts.LANGUAGE_NAMES.
REGIONAL_LANGUAGES = ("pt_BR", "pt_PT", "zh_CN", "zh_TW")
#: The answer-language entry that lets the user type any code.
OTHER_LANGUAGE = "other"
#: Names of the threads the panel starts, so they can be told apart (and waited for in tests).
THREAD_PREFIX = "visionDescriberSettings"


# --- What the plugin gives the panel --------------------------------------------------------------


class ModelEntry(Protocol):
	"""One model a server offers (visionDescriberCore.clients.ModelInfo has this shape)."""

	name: str
	vision: bool | None  # None: the server does not say


@dataclass(frozen=True)
class PanelServices:
	"""Server calls the panel makes, always on a worker thread, never on NVDA's main thread.

	Both get the settings as they are in the panel (not yet saved, already `cleaned()` and valid)
	and the API key to use: the one typed in the panel, else the one stored for that endpoint, else
	None. Both may take as long as the timeouts in those settings allow. They report failures by
	raising a `VisionDescriberError`, whose `.sentence` the panel speaks; anything else is logged
	(with the key removed) and reported as a general failure.
	"""

	#: The models the server offers; items have `.name` and `.vision` (see ModelEntry), and an
	#: optional `.note` (e.g. "7B") shown after the name.
	listModels: Callable[[Settings, str | None], Sequence[ModelEntry]]
	#: The same check as the command-line tool's `check`: the lines of its report, in order.
	checkConnection: Callable[[Settings, str | None], Sequence[str]]


# --- Registration ----------------------------------------------------------------------------------


def registerConfigSpec() -> None:
	"""Makes config.conf["visionDescriber"] validate against the add-on's spec (call it before anything
	reads that section)."""
	config.conf.spec[CONFIG_SECTION] = dict(CONFIG_SPEC)


def currentSettings() -> Settings:
	"""The saved settings, with defaults for anything missing or invalid."""
	return Settings.fromConfig(config.conf[CONFIG_SECTION])


def register(services: PanelServices | None = None) -> None:
	"""Adds the panel to NVDA's settings dialog, unless NVDA runs on a secure screen (NVDA does not
	open settings there, and nothing of the add-on should either)."""
	if globalVars.appArgs.secure:
		return
	VisionDescriberPanel.services = services
	if VisionDescriberPanel not in NVDASettingsDialog.categoryClasses:
		NVDASettingsDialog.categoryClasses.append(VisionDescriberPanel)


def unregister() -> None:
	if VisionDescriberPanel in NVDASettingsDialog.categoryClasses:
		NVDASettingsDialog.categoryClasses.remove(VisionDescriberPanel)
	VisionDescriberPanel.services = None


# --- Display names (built when the panel opens, so they are translated) ---------------------------


def providerNames() -> dict[str, str]:
	return {
		# Translators: a provider in Vision Describer settings: the Ollama server.
		"ollama": _("Ollama"),
		# Translators: a provider in Vision Describer settings.
		"openai": _("OpenAI"),
		# Translators: a provider in Vision Describer settings: any server with OpenAI's chat API.
		"openaiCompatible": _("OpenAI-compatible server (LM Studio, llama.cpp, vLLM, OpenRouter and others)"),
		# Translators: a provider in Vision Describer settings.
		"azure": _("Azure OpenAI"),
	}


def imageSizeName(pixels: int) -> str:
	if pixels == 0:
		# Translators: an image size in Vision Describer settings.
		return _("Automatic (the best size for the provider)")
	# Translators: an image size in Vision Describer settings; {pixels} is a whole number.
	return _("{pixels} pixels on the longest side").format(pixels=pixels)


def languageChoices() -> list[tuple[str, str]]:
	"""(code, display name) for the answer-language list: NVDA's language first, then every known
	language by name, then "Other"."""
	nvdaLanguage = languageHandler.getLanguage()
	languages = sorted(
		(
			(code, f"{prompts.languageName(code)} ({code})")
			for code in (*prompts.LANGUAGE_NAMES, *REGIONAL_LANGUAGES)
		),
		key=lambda item: item[1].casefold(),
	)
	return [
		# Translators: the answer language follows NVDA's; {language} is its name, e.g. English.
		("auto", _("NVDA's language ({language})").format(language=prompts.languageName(nvdaLanguage))),
		*languages,
		# Translators: in the answer-language list: the user types a language code instead.
		(OTHER_LANGUAGE, _("Other (type a language code)")),
	]


def _plainLabel(label: str) -> str:
	"""A control's label as NVDA's validation message names the option: no access key, no colon."""
	return label.replace("&", "").strip().rstrip(":")


def _speakableUrl(url: str) -> str:
	"""The address without user name, password, query or fragment."""
	parts = urlsplit(url)
	host = parts.hostname or ""
	if ":" in host:
		host = f"[{host}]"
	try:
		port = parts.port
	except ValueError:
		port = None
	netloc = f"{host}:{port}" if port else host
	return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _sameLanguage(first: str, second: str) -> bool:
	return first.replace("-", "_").casefold() == second.replace("-", "_").casefold()


class _UnencryptedKeyRefused(VisionDescriberError):
	"""The panel will not hand a key to a server call that would send it as plain text."""

	@property
	def sentence(self) -> str:
		return _unencryptedKeySentence()


def _unencryptedKeySentence() -> str:
	return _(
		# Translators: said when settings cannot be saved, or a server cannot be asked, because a key
		# would be sent unprotected.
		"The API key would travel unencrypted over http to another computer. Use an https address, "
		"or tick the box that allows unencrypted keys."
	)


# --- The panel -------------------------------------------------------------------------------------


class VisionDescriberPanel(SettingsPanel):
	# Translators: the title of Vision Describer's category in NVDA's settings dialog.
	title = _("Vision Describer")
	#: Server calls (set by the plugin through register()); None: no model list, no connection test.
	services: PanelServices | None = None
	#: Where API keys are kept (Windows Credential Manager through keyring).
	keyStore: KeyStore = KeyStore()

	def makeSettings(self, settingsSizer):
		self._initial = currentSettings()
		self._tickets: dict[str, int] = {}
		self._testing = False
		self._keyEndpoint: str | None = None  # the endpoint the key status describes
		self._shownProvider = self._initial.provider
		self._keyStored: bool | None = None
		self._modelsFor: tuple | None = None  # the (provider, address) the model list is for
		self._modelNames: list[str | None] = []
		self._labels: dict[str, str] = {}  # Settings field -> its control's label, for messages
		self._controls: dict[str, wx.Window] = {}
		helper = guiHelper.BoxSizerHelper(self, sizer=settingsSizer)
		self._makeServerGroup(helper)
		self._makeKeyGroup(helper)
		self.testButton = helper.addItem(
			# Translators: a button in Vision Describer settings; the result is spoken.
			wx.Button(self, label=_("&Test connection"))
		)
		self.testButton.Bind(wx.EVT_BUTTON, self.onTestConnection)
		self._makeDescriptionGroup(helper)
		self._makeImageGroup(helper)
		self._makeFeedbackGroup(helper)
		self._makePerformanceGroup(helper)
		self._showSettings(self._initial)
		self._lookUpKey()
		self._refreshModels(speakSuccess=False)

	# --- Building ---------------------------------------------------------------------------------

	def _group(self, helper, label: str):
		sizer = wx.StaticBoxSizer(wx.VERTICAL, self, label=label)
		group = guiHelper.BoxSizerHelper(self, sizer=sizer)
		helper.addItem(group)
		return group, sizer.GetStaticBox()

	def _labelled(self, group, field: str | None, label: str, controlClass, **kwargs):
		control = group.addLabeledControl(label, controlClass, **kwargs)
		if field:
			self._remember(field, control, label)
		return control

	def _checkBox(self, group, box, field: str, label: str) -> wx.CheckBox:
		control = group.addItem(wx.CheckBox(box, label=label))
		self._remember(field, control, label)
		return control

	def _remember(self, field: str, control: wx.Window, label: str) -> None:
		self._controls[field] = control
		self._labels[field] = _plainLabel(label)

	def _spin(self, group, field: str, label: str) -> wx.SpinCtrl:
		meta = next(spec.metadata for spec in fields(Settings) if spec.name == field)
		return self._labelled(group, field, label, wx.SpinCtrl, min=meta["min"], max=meta["max"])

	def _makeServerGroup(self, helper) -> None:
		# Translators: a group in Vision Describer settings: where the vision model runs.
		group, box = self._group(helper, _("Server"))
		names = providerNames()
		self.providerChoice = self._labelled(
			group,
			"provider",
			# Translators: a label in Vision Describer settings.
			_("&Provider:"),
			wx.Choice,
			choices=[names[provider] for provider in PROVIDERS],
		)
		self.providerChoice.Bind(wx.EVT_CHOICE, self.onProviderChanged)
		# Translators: a label in Vision Describer settings, e.g. http://127.0.0.1:11434.
		self.baseUrlField = self._labelled(group, "baseUrl", _("Server add&ress:"), wx.TextCtrl)
		self.baseUrlField.Bind(wx.EVT_KILL_FOCUS, self.onServerFieldLeft)
		self.azureVersionField = self._labelled(
			group,
			"azureApiVersion",
			# Translators: a label in Vision Describer settings, e.g. 2024-10-21.
			_("Azure API &version:"),
			wx.TextCtrl,
		)
		# Translators: a label in Vision Describer settings (on Azure: the deployment name).
		self.modelField = self._labelled(group, "model", _("&Model:"), wx.TextCtrl)
		# Translators: a label in Vision Describer settings: models the server offers; choosing
		# one fills in the model field.
		self.modelsChoice = self._labelled(group, None, _("Models &found on the server:"), wx.Choice)
		self.modelsChoice.Bind(wx.EVT_CHOICE, self.onModelChosen)
		# Translators: a button in Vision Describer settings.
		self.refreshButton = group.addItem(wx.Button(box, label=_("Refres&h the model list")))
		self.refreshButton.Bind(wx.EVT_BUTTON, self.onRefreshModels)

	def _makeKeyGroup(self, helper) -> None:
		# Translators: a group in Vision Describer settings.
		group, box = self._group(helper, _("API key"))
		self.keyStatusField = self._labelled(
			group,
			None,
			# Translators: a label in Vision Describer settings; the field says whether a key is stored.
			_("Stored key:"),
			wx.TextCtrl,
			style=wx.TE_READONLY,
		)
		self.newKeyField = self._labelled(
			group,
			None,
			# Translators: a label in Vision Describer settings; the field hides what is typed.
			_("New API &key (leave empty to keep the stored one):"),
			wx.TextCtrl,
			style=wx.TE_PASSWORD,
		)
		# Translators: a button in Vision Describer settings.
		self.deleteKeyButton = group.addItem(wx.Button(box, label=_("D&elete the stored key")))
		self.deleteKeyButton.Bind(wx.EVT_BUTTON, self.onDeleteKey)
		self.allowUnencryptedCheck = self._checkBox(
			group,
			box,
			"allowUnencryptedRemote",
			# Translators: a check box in Vision Describer settings.
			_("Allow sending the API key &unencrypted (http) to another computer"),
		)

	def _makeDescriptionGroup(self, helper) -> None:
		# Translators: a group in Vision Describer settings: what the model is asked.
		group, box = self._group(helper, _("Descriptions"))
		presetNames = prompts.presetDisplayNames()
		self._presetIds = list(prompts.PRESETS)
		self.presetChoice = self._labelled(
			group,
			"preset",
			# Translators: a label in Vision Describer settings: what kind of description to ask for.
			_("Description pre&set:"),
			wx.Choice,
			choices=[presetNames[preset] for preset in self._presetIds],
		)
		self.customPromptField = self._labelled(
			group,
			"customPrompt",
			# Translators: a label in Vision Describer settings; "My own prompt" is a preset's name.
			_('&Your own prompt (for the "My own prompt" preset):'),
			wx.TextCtrl,
			style=wx.TE_MULTILINE,
			size=(400, -1),
		)
		self._languages = languageChoices()
		self.languageChoice = self._labelled(
			group,
			"responseLanguage",
			# Translators: a label in Vision Describer settings: the language of the descriptions.
			_("Answer &language:"),
			wx.Choice,
			choices=[name for _code, name in self._languages],
		)
		self.languageChoice.Bind(wx.EVT_CHOICE, lambda event: self._updateEnabled())
		# Translators: a label in Vision Describer settings, e.g. de or pt_BR.
		codeLabel = _("Other language co&de:")
		self.languageCodeField = self._labelled(group, None, codeLabel, wx.TextCtrl)
		self._labels["responseLanguageCode"] = _plainLabel(codeLabel)
		self.objectContextCheck = self._checkBox(
			group,
			box,
			"sendObjectContext",
			# Translators: a check box in Vision Describer settings.
			_("Tell the model what NVDA knows about the o&bject (label, role, application)"),
		)
		self.reasoningCheck = self._checkBox(
			group,
			box,
			"allowReasoning",
			# Translators: a check box in Vision Describer settings.
			_("Let reasoning models think before answering (slower)"),
		)
		self.maxTokensSpin = self._spin(
			group,
			"maxTokens",
			# Translators: a label in Vision Describer settings; tokens are parts of words.
			_("Longest answer in tokens (0: the server decides):"),
		)

	def _makeImageGroup(self, helper) -> None:
		# Translators: a group in Vision Describer settings: how the picture is sent.
		group, box = self._group(helper, _("Image"))
		# Translators: a label in Vision Describer settings.
		self.imageSizeChoice = self._labelled(group, "maxImageSide", _("&Image size:"), wx.Choice)

	def _makeFeedbackGroup(self, helper) -> None:
		# Translators: a group in Vision Describer settings.
		group, box = self._group(helper, _("Speech and feedback"))
		self.streamSpeechCheck = self._checkBox(
			group,
			box,
			"streamSpeech",
			# Translators: a check box in Vision Describer settings.
			_("Speak the description as it is &written"),
		)
		self.progressTonesCheck = self._checkBox(
			group,
			box,
			"progressTones",
			# Translators: a check box in Vision Describer settings.
			_("Play progress to&nes while waiting"),
		)
		self.openDialogCheck = self._checkBox(
			group,
			box,
			"openDialogAfterDescribe",
			# Translators: a check box in Vision Describer settings.
			_("Open the follow-up dialo&g after each description"),
		)
		self.openDialogCheck.Bind(wx.EVT_CHECKBOX, lambda event: self._updateEnabled())
		self.overFullscreenCheck = self._checkBox(
			group,
			box,
			"allowDialogOverFullscreen",
			# Translators: a check box in Vision Describer settings.
			_("Open it even over full-screen applications"),
		)

	def _makePerformanceGroup(self, helper) -> None:
		# Translators: a group in Vision Describer settings.
		group, box = self._group(helper, _("Loading and timeouts"))
		self.keepLoadedCheck = self._checkBox(
			group,
			box,
			"keepModelLoaded",
			# Translators: a check box in Vision Describer settings.
			_("Keep the Ollama model loaded in memory"),
		)
		self.warmUpCheck = self._checkBox(
			group,
			box,
			"warmUpOnStart",
			# Translators: a check box in Vision Describer settings.
			_("Load the Ollama model when NVDA starts"),
		)
		# Translators: a label in Vision Describer settings.
		self.connectTimeoutSpin = self._spin(group, "connectTimeout", _("Seconds to wait for a connection:"))
		self.readTimeoutSpin = self._spin(
			group,
			"readTimeout",
			# Translators: a label in Vision Describer settings; the wait covers loading the model.
			_("Seconds to wait for the first words of an answer:"),
		)

	# --- Settings <-> controls ----------------------------------------------------------------------

	def _showSettings(self, settings: Settings) -> None:
		self._shownProvider = settings.provider
		self.providerChoice.SetSelection(PROVIDERS.index(settings.provider))
		self.baseUrlField.SetValue(settings.baseUrl)
		self.azureVersionField.SetValue(settings.azureApiVersion)
		self.modelField.SetValue(settings.model)
		self.allowUnencryptedCheck.SetValue(settings.allowUnencryptedRemote)
		self.presetChoice.SetSelection(self._presetIds.index(settings.preset))
		self.customPromptField.SetValue(settings.customPrompt)
		self._showLanguage(settings.responseLanguage)
		self.objectContextCheck.SetValue(settings.sendObjectContext)
		self.reasoningCheck.SetValue(settings.allowReasoning)
		self.maxTokensSpin.SetValue(settings.maxTokens)
		self._imageSizes = sorted({0, *IMAGE_SIZES, settings.maxImageSide})
		self.imageSizeChoice.SetItems([imageSizeName(pixels) for pixels in self._imageSizes])
		self.imageSizeChoice.SetSelection(self._imageSizes.index(settings.maxImageSide))
		self.streamSpeechCheck.SetValue(settings.streamSpeech)
		self.progressTonesCheck.SetValue(settings.progressTones)
		self.openDialogCheck.SetValue(settings.openDialogAfterDescribe)
		self.overFullscreenCheck.SetValue(settings.allowDialogOverFullscreen)
		self.keepLoadedCheck.SetValue(settings.keepModelLoaded)
		self.warmUpCheck.SetValue(settings.warmUpOnStart)
		self.connectTimeoutSpin.SetValue(settings.connectTimeout)
		self.readTimeoutSpin.SetValue(settings.readTimeout)
		self._updateEnabled()

	def _showLanguage(self, code: str) -> None:
		code = code.strip() or "auto"
		codes = [known for known, _name in self._languages]
		index = next((i for i, known in enumerate(codes) if _sameLanguage(known, code)), None)
		if index is None or codes[index] == OTHER_LANGUAGE:
			index = codes.index(OTHER_LANGUAGE)
			self.languageCodeField.SetValue(code)
		self.languageChoice.SetSelection(index)

	def _languageValue(self) -> str:
		code = self._languages[self.languageChoice.GetSelection()][0]
		return self.languageCodeField.GetValue() if code == OTHER_LANGUAGE else code

	def settingsFromControls(self) -> Settings:
		"""The settings as the panel shows them now, cleaned (not validated, not saved). Settings the
		panel has no control for keep their saved values."""
		return replace(
			self._initial,
			provider=PROVIDERS[self.providerChoice.GetSelection()],
			baseUrl=self.baseUrlField.GetValue(),
			azureApiVersion=self.azureVersionField.GetValue(),
			model=self.modelField.GetValue(),
			allowUnencryptedRemote=self.allowUnencryptedCheck.GetValue(),
			preset=self._presetIds[self.presetChoice.GetSelection()],
			customPrompt=self.customPromptField.GetValue(),
			responseLanguage=self._languageValue(),
			sendObjectContext=self.objectContextCheck.GetValue(),
			allowReasoning=self.reasoningCheck.GetValue(),
			maxTokens=self.maxTokensSpin.GetValue(),
			maxImageSide=self._imageSizes[self.imageSizeChoice.GetSelection()],
			streamSpeech=self.streamSpeechCheck.GetValue(),
			progressTones=self.progressTonesCheck.GetValue(),
			openDialogAfterDescribe=self.openDialogCheck.GetValue(),
			allowDialogOverFullscreen=self.overFullscreenCheck.GetValue(),
			keepModelLoaded=self.keepLoadedCheck.GetValue(),
			warmUpOnStart=self.warmUpCheck.GetValue(),
			connectTimeout=self.connectTimeoutSpin.GetValue(),
			readTimeout=self.readTimeoutSpin.GetValue(),
		).cleaned()

	def _updateEnabled(self) -> None:
		provider = PROVIDERS[self.providerChoice.GetSelection()]
		self.azureVersionField.Enable(provider == "azure")
		self.keepLoadedCheck.Enable(provider == "ollama")
		self.warmUpCheck.Enable(provider == "ollama")
		self.languageCodeField.Enable(
			self._languages[self.languageChoice.GetSelection()][0] == OTHER_LANGUAGE
		)
		self.overFullscreenCheck.Enable(self.openDialogCheck.GetValue())
		self.deleteKeyButton.Enable(bool(self._keyStored))

	# --- Provider and address -----------------------------------------------------------------------

	def onProviderChanged(self, event) -> None:
		current = self.settingsFromControls()
		if current.provider == self._shownProvider:
			return
		# withProvider moves an address or model still at the old provider's default (or blank) along
		# and keeps one the user typed.
		moved = replace(current, provider=self._shownProvider).withProvider(current.provider)
		self.baseUrlField.SetValue(moved.baseUrl)
		self.modelField.SetValue(moved.model)
		self._shownProvider = current.provider
		self._updateEnabled()
		self._serverChanged()

	def onServerFieldLeft(self, event) -> None:
		event.Skip()
		self._serverChanged()

	def _serverChanged(self) -> None:
		settings = self.settingsFromControls()
		if self._endpointId(settings) != self._keyEndpoint:
			self._lookUpKey()
		if (settings.provider, settings.baseUrl) != self._modelsFor:
			self._refreshModels(speakSuccess=False)

	@staticmethod
	def _endpointId(settings: Settings) -> str | None:
		"""The endpoint a key belongs to, or None while the address is not valid."""
		if any(problem.field in ("provider", "baseUrl") for problem in settings.problems()):
			return None
		try:
			return endpointIdFor(settings.provider, settings.baseUrl)
		except ValueError:
			return None

	# --- Background work ---------------------------------------------------------------------------

	def _runInBackground(self, kind: str, work: Callable[[], Any], onResult, onError) -> None:
		"""Runs work() on a daemon thread; onResult(result) or onError(error) then runs on the main
		thread, unless the panel is gone or a newer request of the same kind was made."""
		ticket = self._tickets.get(kind, 0) + 1
		self._tickets[kind] = ticket

		def deliver(callback, value) -> None:
			if not self or self._tickets.get(kind) != ticket:
				return
			callback(value)

		def run() -> None:
			try:
				result = work()
			except Exception as error:
				wx.CallAfter(deliver, onError, error)
			else:
				wx.CallAfter(deliver, onResult, result)

		threading.Thread(target=run, name=f"{THREAD_PREFIX}.{kind}", daemon=True).start()

	def _dropPending(self, kind: str) -> None:
		"""An answer still on its way for this kind of request will be ignored."""
		self._tickets[kind] = self._tickets.get(kind, 0) + 1

	def _keyFor(self, settings: Settings, typed: str) -> str | None:
		"""Worker thread: the key a server call would use (typed, else stored), refused when it would
		travel as plain text and the user did not allow that."""
		key = typed or self._storedKeyFor(settings)
		if key and settings.keyTravelsUnencrypted and not settings.allowUnencryptedRemote:
			raise _UnencryptedKeyRefused("a key over plain http to another computer was refused")
		return key

	def _storedKeyFor(self, settings: Settings) -> str | None:
		endpoint = self._endpointId(settings)
		return self.keyStore.get(endpoint) if endpoint else None

	def _reportFailure(self, action: str, error: BaseException, key: str | None = None) -> None:
		"""Speaks a failure's sentence; the log gets the details, never the key."""
		secrets = (key, self._typedKey)
		if isinstance(error, VisionDescriberError):
			log.info(
				"Vision Describer: %s failed: %s",
				action,
				redact(f"{type(error).__name__}: {error.detail}", *secrets),
			)
			ui.message(error.sentence)
			return
		details = redact("".join(traceback.format_exception(error)), *secrets)
		log.error("Vision Describer: %s failed:\n%s", action, details)
		ui.message(VisionDescriberError().sentence)

	# --- Stored key ---------------------------------------------------------------------------------

	def _lookUpKey(self) -> None:
		settings = self.settingsFromControls()
		endpoint = self._endpointId(settings)
		self._keyEndpoint = endpoint
		if endpoint is None:
			self._dropPending("key")
			# Translators: shown in settings instead of whether a key is stored.
			self._showKeyStatus(None, _("Enter a valid server address to see whether a key is stored."))
			return
		# Translators: shown while Vision Describer looks in the credential store.
		self._showKeyStatus(None, _("Looking for a stored key…"))
		self._runInBackground(
			"key",
			lambda: self.keyStore.has(endpoint),
			self._onKeyLookedUp,
			self._onKeyLookupFailed,
		)

	def _onKeyLookedUp(self, stored: bool) -> None:
		if stored:
			# Translators: whether an API key is stored for the server in settings.
			self._showKeyStatus(True, _("A key is stored for this server."))
		else:
			# Translators: whether an API key is stored for the server in settings.
			self._showKeyStatus(False, _("No key is stored for this server."))

	def _onKeyLookupFailed(self, error: BaseException) -> None:
		# Translators: whether an API key is stored for the server in settings.
		self._showKeyStatus(None, _("The credential store could not be read."))
		self._reportFailure("reading the credential store", error)

	def _showKeyStatus(self, stored: bool | None, text: str) -> None:
		self._keyStored = stored
		self.keyStatusField.SetValue(text)
		if not stored and self.deleteKeyButton.HasFocus():
			self.newKeyField.SetFocus()  # the button is about to be disabled
		self._updateEnabled()

	def onDeleteKey(self, event) -> None:
		endpoint = self._endpointId(self.settingsFromControls())
		if endpoint is None:
			return
		try:
			self.keyStore.delete(endpoint)
		except KeyStoreUnavailable as error:
			self._reportFailure("deleting the key", error)
			return
		self._keyEndpoint = endpoint
		self._dropPending("key")
		self._onKeyLookedUp(False)
		# Translators: spoken when the stored API key was deleted in settings.
		ui.message(_("The stored API key was deleted."))

	@property
	def _typedKey(self) -> str:
		return self.newKeyField.GetValue().strip()

	# --- Model list ---------------------------------------------------------------------------------

	def onRefreshModels(self, event) -> None:
		self._refreshModels(speakSuccess=True)

	def _refreshModels(self, speakSuccess: bool) -> None:
		services = self.services
		settings = self.settingsFromControls()
		if services is None:
			# Translators: shown in the model list when the add-on cannot ask servers.
			self._showModels([], [_("The model list is not available.")])
			return
		urlProblem = next((p for p in settings.problems() if p.field in ("provider", "baseUrl")), None)
		self._modelsFor = (settings.provider, settings.baseUrl)
		if urlProblem is not None:
			self._dropPending("models")
			# Translators: shown in the model list when the server address is not valid.
			self._showModels([], [_("Enter a valid server address to list its models.")])
			if speakSuccess:
				ui.message(urlProblem.sentence)
			return
		# Translators: shown in the model list while the server is asked.
		self._showModels([], [_("Asking the server for its models…")])
		typed = self._typedKey
		used: dict[str, str | None] = {}

		def work():
			used["key"] = self._keyFor(settings, typed)
			return list(services.listModels(settings, used["key"]))

		def onError(error: BaseException) -> None:
			# Translators: shown in the model list when the server could not be asked.
			self._showModels([], [_("Could not get the list of models.")])
			self._reportFailure("listing models", error, used.get("key"))

		self._runInBackground(
			"models", work, lambda models: self._onModelsListed(models, speakSuccess), onError
		)

	def _onModelsListed(self, models: list, speakSuccess: bool) -> None:
		order = {True: 0, None: 1, False: 2}
		models = sorted(models, key=lambda model: order.get(model.vision, 1))
		if not models:
			# Translators: shown in the model list when the server offers no model.
			self._showModels([], [_("The server offers no models.")])
		else:
			self._showModels([model.name for model in models], [self._modelLabel(model) for model in models])
		if speakSuccess:
			seeing = sum(1 for model in models if model.vision)
			found = ngettext(
				# Translators: spoken after refreshing the model list; {count} is a number.
				"{count} model found.",
				"{count} models found.",
				len(models),
			).format(count=len(models))
			canSee = ngettext(
				# Translators: spoken after the number of models found; {count} is a number.
				"{count} of them can see images.",
				"{count} of them can see images.",
				seeing,
			).format(count=seeing)
			ui.message(f"{found} {canSee}")

	@staticmethod
	def _modelLabel(model) -> str:
		label = model.name
		note = getattr(model, "note", "")
		if note:
			label += f" ({note})"
		if model.vision is True:
			# Translators: after a model's name in the model list: it can describe pictures.
			label += " – " + _("sees images")
		elif model.vision is False:
			# Translators: after a model's name in the model list: it cannot describe pictures.
			label += " – " + _("text only, cannot describe pictures")
		return label

	def _showModels(self, names: list[str], labels: list[str]) -> None:
		"""Fills the list: models (names and their labels), or one line saying why there are none."""
		self._modelNames = list(names) if names else [None] * len(labels)
		self.modelsChoice.SetItems(labels)
		current = self.modelField.GetValue().strip()
		if not names:
			self.modelsChoice.SetSelection(0)
		elif current in self._modelNames:
			self.modelsChoice.SetSelection(self._modelNames.index(current))
		else:
			self.modelsChoice.SetSelection(wx.NOT_FOUND)

	def onModelChosen(self, event) -> None:
		index = self.modelsChoice.GetSelection()
		if 0 <= index < len(self._modelNames) and self._modelNames[index]:
			self.modelField.SetValue(self._modelNames[index])

	# --- Connection test ----------------------------------------------------------------------------

	def onTestConnection(self, event) -> None:
		services = self.services
		if services is None:
			# Translators: spoken when the connection test cannot run.
			ui.message(_("The connection test is not available."))
			return
		if self._testing:
			# Translators: spoken when the connection test is pressed again while it runs.
			ui.message(_("Still testing the connection."))
			return
		settings = self.settingsFromControls()
		problems = settings.problems()
		if problems:
			ui.message(problems[0].sentence)
			return
		self._testing = True
		# Translators: spoken when the connection test starts; {url} is the server's address.
		ui.message(_("Testing the connection to {url}…").format(url=_speakableUrl(settings.baseUrl)))
		typed = self._typedKey
		used: dict[str, str | None] = {}

		def work():
			used["key"] = self._keyFor(settings, typed)
			return list(services.checkConnection(settings, used["key"]))

		def onResult(lines: list[str]) -> None:
			self._testing = False
			key = used.get("key")
			ui.message(" ".join(redact(line, key) for line in lines if line.strip()))

		def onError(error: BaseException) -> None:
			self._testing = False
			self._reportFailure("connection test", error, used.get("key"))

		self._runInBackground("test", work, onResult, onError)

	# --- Validation and saving ----------------------------------------------------------------------

	def isValid(self) -> bool:
		settings = self.settingsFromControls()
		problems = settings.problems()
		if problems:
			problem = problems[0]
			control = self._controls[problem.field]
			label = self._labels[problem.field]
			if problem.field == "responseLanguage" and self.languageCodeField.IsEnabled():
				control, label = self.languageCodeField, self._labels["responseLanguageCode"]
			return self._refuse(problem.sentence, label, control)
		if (
			settings.keyTravelsUnencrypted
			and not settings.allowUnencryptedRemote
			and self._keyWouldBeSent(settings)
		):
			return self._refuse(
				_unencryptedKeySentence(), self._labels["allowUnencryptedRemote"], self.allowUnencryptedCheck
			)
		return super().isValid()

	def _refuse(self, sentence: str, label: str, control: wx.Window) -> bool:
		self._validationErrorMessageBox(sentence, label)
		control.SetFocus()
		return False

	def _keyWouldBeSent(self, settings: Settings) -> bool:
		if self._typedKey:
			return True
		endpoint = self._endpointId(settings)
		try:
			return bool(endpoint) and self.keyStore.has(endpoint)
		except KeyStoreUnavailable:
			return False  # a key that cannot be read cannot be sent either

	def onSave(self) -> None:
		settings = self.settingsFromControls()
		section = config.conf[CONFIG_SECTION]
		for name, value in settings.toConfig().items():
			if section.get(name) != value:
				section[name] = value
		self._initial = settings
		self._saveTypedKey(settings)

	def _saveTypedKey(self, settings: Settings) -> None:
		key = self._typedKey
		if not key:
			return
		endpoint = endpointIdFor(settings.provider, settings.baseUrl)
		try:
			self.keyStore.set(endpoint, key)
		except KeyStoreUnavailable as error:
			# The other settings are saved already; only the key is lost, and the user hears why.
			self._reportFailure("saving the key", error, key)
			return
		self.newKeyField.SetValue("")
		self._keyEndpoint = endpoint
		self._dropPending("key")
		self._onKeyLookedUp(True)
		# Translators: spoken when settings are saved with a new API key.
		ui.message(_("The API key is saved in Windows Credential Manager."))

	def onDiscard(self) -> None:
		# Answers still on their way are dropped.
		self._tickets = {kind: ticket + 1 for kind, ticket in self._tickets.items()}
		self._testing = False
