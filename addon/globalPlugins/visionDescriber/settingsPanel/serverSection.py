"""The panel's Server group: provider, address, Azure API version, model, and the list of models the
server offers.

Choosing another provider moves an address or model still at the old provider's default along (and
keeps one the user typed); the key status follows the new server (a look in the credential store,
in the background). Nothing here goes out on the network unless the user asks: opening the panel or
arrowing through the providers asks no server (arrowing past OpenAI must not send the OpenAI key
there, nor make a locally configured user wait for, or hear, a failure from a server they never
chose). The model list is asked for when the user presses Refresh, or leaves the address field
after typing a new address; a list that belonged to another server is cleared. The request runs in
the background (`BackgroundCalls`, kind "models") with the key the key section would use; a newer
request, or the panel closing, drops an older answer. Refresh speaks how many models were found;
leaving the address field fills the list quietly and speaks only a failure. Choosing a model from
the list fills the model field, which stays free text.

Main thread, apart from the `work` function handed to the background call.
"""

from collections.abc import Sequence
from dataclasses import replace

import addonHandler
import ui
import wx
from visionDescriberCore.settings import PROVIDERS, Settings

from .fieldControls import ChoiceField, FieldControl, Section, TextField, fillRow
from .keySection import KeySection
from .serverAccess import addressProblem

addonHandler.initTranslation()


def providerNames() -> dict[str, str]:
	return {
		# Translators: a provider in Vision Describer settings: the Ollama server.
		"ollama": _("Ollama"),
		# Translators: a provider in Vision Describer settings.
		"openai": _("OpenAI"),
		# Translators: a provider in Vision Describer settings: any server with OpenAI's chat API.
		"openaiCompatible": _("OpenAI-compatible (LM Studio, vLLM, OpenRouter, others)"),
		# Translators: a provider in Vision Describer settings.
		"azure": _("Azure OpenAI"),
	}


def modelLabel(model) -> str:
	"""A model as the list shows it: name, note, and whether it can see pictures."""
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


class ServerSection(Section):
	def __init__(self, panel):
		super().__init__(panel)
		self._shownProvider: str | None = None
		self._modelsFor: tuple | None = None  # the (provider, address) the model list is for
		self._modelNames: list[str | None] = []
		#: The address field's text when the user entered it: leaving it changed asks the server.
		self._addressOnEntry = ""

	def title(self) -> str:
		# Translators: a group in Vision Describer settings: where the vision model runs.
		return _("Server")

	def fieldTable(self) -> Sequence[FieldControl]:
		names = providerNames()
		return (
			ChoiceField(
				"provider",
				"providerChoice",
				# Translators: a label in Vision Describer settings.
				_("&Provider:"),
				lambda settings: [(provider, names[provider]) for provider in PROVIDERS],
				onChange=self.onProviderChanged,
			),
			# Translators: a label in Vision Describer settings, e.g. http://127.0.0.1:11434.
			TextField("baseUrl", "baseUrlField", _("Server add&ress:"), wide=True),
			TextField(
				"azureApiVersion",
				"azureVersionField",
				# Translators: a label in Vision Describer settings, e.g. 2024-10-21.
				_("Azure API &version:"),
				enabledWhen=lambda settings: settings.provider == "azure",
			),
			# Translators: a label in Vision Describer settings (on Azure: the deployment name).
			TextField("model", "modelField", _("&Model:"), wide=True),
		)

	def build(self, helper, settings: Settings) -> None:
		group, box = self.makeGroup(helper)
		self.createFields(group, box, settings)
		panel = self.panel
		panel.baseUrlField.Bind(wx.EVT_SET_FOCUS, self.onServerFieldEntered)
		panel.baseUrlField.Bind(wx.EVT_KILL_FOCUS, self.onServerFieldLeft)
		panel.modelsChoice = group.addLabeledControl(
			# Translators: a label in Vision Describer settings: models the server offers; choosing
			# one fills in the model field.
			_("Models &found on the server:"),
			wx.Choice,
		)
		fillRow(panel, group, panel.modelsChoice)  # a long model name must not widen the panel
		panel.modelsChoice.Bind(wx.EVT_CHOICE, self.onModelChosen)
		# Translators: a button in Vision Describer settings.
		panel.refreshButton = group.addItem(wx.Button(box, label=_("Refres&h the model list")))
		panel.refreshButton.Bind(wx.EVT_BUTTON, self.onRefreshModels)

	def show(self, settings: Settings) -> None:
		super().show(settings)
		self._shownProvider = settings.provider
		self._addressOnEntry = self.panel.baseUrlField.GetValue()

	def start(self) -> None:
		"""The panel opened: the key status from the credential store; no server is asked."""
		self.panel.section(KeySection).lookUp()
		self._showModelsNotAsked()

	# --- Provider and address -----------------------------------------------------------------------

	def onProviderChanged(self, event) -> None:
		panel = self.panel
		current = panel.settingsFromControls()
		if current.provider == self._shownProvider:
			return
		# withProvider moves an address or model still at the old provider's default (or blank) along
		# and keeps one the user typed.
		moved = replace(current, provider=self._shownProvider).withProvider(current.provider)
		panel.baseUrlField.SetValue(moved.baseUrl)
		panel.modelField.SetValue(moved.model)
		self._addressOnEntry = moved.baseUrl
		self._shownProvider = current.provider
		panel.updateEnabled()
		self._serverChanged(askServer=False)  # passing over a provider sends nothing anywhere

	def onServerFieldEntered(self, event) -> None:
		event.Skip()
		self._addressOnEntry = self.panel.baseUrlField.GetValue()

	def onServerFieldLeft(self, event) -> None:
		event.Skip()
		typed = self.panel.baseUrlField.GetValue()
		changed, self._addressOnEntry = typed != self._addressOnEntry, typed
		self._serverChanged(askServer=changed)

	def _serverChanged(self, askServer: bool) -> None:
		settings = self.panel.settingsFromControls()
		self.panel.section(KeySection).followServer(settings)
		if (settings.provider, settings.baseUrl) == self._modelsFor:
			return
		if askServer:
			self._refreshModels(speakSuccess=False)
		else:
			self._showModelsNotAsked()  # the list shown was another server's

	# --- Model list ---------------------------------------------------------------------------------

	def onRefreshModels(self, event) -> None:
		self._refreshModels(speakSuccess=True)

	def _refreshModels(self, speakSuccess: bool) -> None:
		panel = self.panel
		services = panel.services
		settings = panel.settingsFromControls()
		if services is None:
			# Translators: shown in the model list when the add-on cannot ask servers.
			self._showModels([], [_("The model list is not available.")])
			return
		urlProblem = addressProblem(settings)
		self._modelsFor = (settings.provider, settings.baseUrl)
		if urlProblem is not None:
			panel.background.drop("models")
			# Translators: shown in the model list when the server address is not valid.
			self._showModels([], [_("Enter a valid server address to list its models.")])
			if speakSuccess:
				ui.message(urlProblem.sentence)
			return
		# Translators: shown in the model list while the server is asked.
		self._showModels([], [_("Asking the server for its models…")])
		panel.section(KeySection).callServer(
			"models",
			"listing models",
			services.listModels,
			settings,
			lambda models, key: self._onModelsListed(models, speakSuccess),
			self._onListingFailed,
		)

	def _showModelsNotAsked(self) -> None:
		self.panel.background.drop("models")
		self._modelsFor = None
		if self.panel.services is None:
			# Translators: shown in the model list when the add-on cannot ask servers.
			self._showModels([], [_("The model list is not available.")])
		else:
			# Translators: shown in the model list until the user asks the server for its models.
			self._showModels([], [_("Press Refresh to ask the server for its models.")])

	def _onListingFailed(self) -> None:
		# Translators: shown in the model list when the server could not be asked.
		self._showModels([], [_("Could not get the list of models.")])

	def _onModelsListed(self, models: list, speakSuccess: bool) -> None:
		order = {True: 0, None: 1, False: 2}
		models = sorted(models, key=lambda model: order.get(model.vision, 1))
		if not models:
			# Translators: shown in the model list when the server offers no model.
			self._showModels([], [_("The server offers no models.")])
		else:
			self._showModels([model.name for model in models], [modelLabel(model) for model in models])
		if speakSuccess:
			ui.message(self._modelsFoundSentence(models))

	@staticmethod
	def _modelsFoundSentence(models: list) -> str:
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
		return f"{found} {canSee}"

	def _showModels(self, names: list[str], labels: list[str]) -> None:
		"""Fills the list: models (names and their labels), or one line saying why there are none."""
		panel = self.panel
		self._modelNames = list(names) if names else [None] * len(labels)
		panel.modelsChoice.SetItems(labels)
		current = panel.modelField.GetValue().strip()
		if not names:
			panel.modelsChoice.SetSelection(0)
		elif current in self._modelNames:
			panel.modelsChoice.SetSelection(self._modelNames.index(current))
		else:
			panel.modelsChoice.SetSelection(wx.NOT_FOUND)

	def onModelChosen(self, event) -> None:
		index = self.panel.modelsChoice.GetSelection()
		if 0 <= index < len(self._modelNames) and self._modelNames[index]:
			self.panel.modelField.SetValue(self._modelNames[index])
