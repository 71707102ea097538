"""Vision Describer's category in NVDA's settings dialog: the sections in order, and loading,
reading, validating and saving every setting from the sections' field tables.

Every non-secret setting is read from and written to `config.conf["visionDescriber"]` through
`..savedSettings` (a value nvda.ini holds that NVDA refuses is shown as its default, and saving
writes over it). The panel knows no setting by
name: each section declares its fields (see `fieldControls`), and the panel shows the saved
`Settings` through them, reads them back (`settingsFromControls`), refuses what
`Settings.problems()` reports with focus on the field at fault, and writes what changed. Settings no
section shows are listed in `NOT_SHOWN` and keep their saved values.

The API key is not a setting: the key section shows whether a key is stored and saves a typed one
in the credential store; it never reaches config.conf, the log or spoken text.

Everything here runs on NVDA's main thread. Sections that ask a server or the credential store do it
through `self.background` (`BackgroundCalls`), whose answers come back on the main thread and are
dropped once the panel is gone.
"""

from dataclasses import replace
from typing import TypeVar

import addonHandler
from gui import guiHelper
from gui.settingsDialogs import NVDASettingsDialog, SettingsPanel
from visionDescriberCore.apiKeys import KeyStore
from visionDescriberCore.settings import Settings

from .. import savedSettings, screenState
from ..backgroundCalls import BackgroundCalls
from .connectionTest import ConnectionTestSection
from .descriptionsSection import DescriptionsSection
from .feedbackSection import FeedbackSection
from .fieldControls import FieldControl, Refusal, Section
from .imageSection import ImageSection
from .keySection import KeySection
from .loadingSection import LoadingSection
from .serverAccess import PanelServices
from .serverSection import ServerSection
from .voiceSection import VoiceSection
from .watchingSection import WatchingSection

addonHandler.initTranslation()

CONFIG_SECTION = savedSettings.CONFIG_SECTION
#: Names of the threads the panel starts, so they can be told apart (and waited for in tests).
THREAD_PREFIX = "visionDescriberSettings"

#: The panel's sections, top to bottom (tab order follows). A new section is one module and one
#: entry here.
SECTIONS: tuple[type[Section], ...] = (
	ServerSection,
	KeySection,
	ConnectionTestSection,
	DescriptionsSection,
	ImageSection,
	FeedbackSection,
	WatchingSection,
	VoiceSection,
	LoadingSection,
)

#: Settings the panel does not show; they keep their saved values. A new field of `Settings` needs a
#: record in a section's table or an entry here (tests/nvda/test_settingsPanel.py checks it).
NOT_SHOWN = frozenset(
	{
		# How much room a tiny object gets: tuned once, rarely a user's question.
		"tinyTargetSize",
		"tinyTargetMargin",
		# Memory sizes of the conversation history and the result cache.
		"recentConversations",
		"resultCacheSize",
	}
)

SectionT = TypeVar("SectionT", bound=Section)


# --- Registration ----------------------------------------------------------------------------------


registerConfigSpec = savedSettings.registerConfigSpec


def currentSettings() -> Settings:
	"""The saved settings, with defaults for anything missing or invalid."""
	return savedSettings.load()


def register(services: PanelServices | None = None) -> None:
	"""Adds the panel to NVDA's settings dialog, unless NVDA runs on a secure screen (NVDA does not
	open settings there, and nothing of the add-on should either)."""
	if screenState.isSecureScreen():
		return
	VisionDescriberPanel.services = services
	if VisionDescriberPanel not in NVDASettingsDialog.categoryClasses:
		NVDASettingsDialog.categoryClasses.append(VisionDescriberPanel)


def unregister() -> None:
	if VisionDescriberPanel in NVDASettingsDialog.categoryClasses:
		NVDASettingsDialog.categoryClasses.remove(VisionDescriberPanel)
	VisionDescriberPanel.services = None


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
		self.background = BackgroundCalls(self, THREAD_PREFIX)
		self.sections: list[Section] = [sectionClass(self) for sectionClass in SECTIONS]
		#: Every field the panel shows -> its record, from the sections' tables.
		self.shownFields: dict[str, FieldControl] = {
			item.field: item for section in self.sections for item in section.fields
		}
		helper = guiHelper.BoxSizerHelper(self, sizer=settingsSizer)
		for section in self.sections:
			section.build(helper, self._initial)
		self._showSettings(self._initial)
		for section in self.sections:
			section.start()

	def section(self, sectionClass: type[SectionT]) -> SectionT:
		"""The panel's section of this class (sections use it to ask each other)."""
		return next(section for section in self.sections if isinstance(section, sectionClass))

	# --- Settings <-> controls ----------------------------------------------------------------------

	def _showSettings(self, settings: Settings) -> None:
		for section in self.sections:
			section.show(settings)
		self.updateEnabled()

	def settingsFromControls(self) -> Settings:
		"""The settings as the panel shows them now, cleaned (not validated, not saved). Settings the
		panel has no control for keep their saved values."""
		shown = {name: item.read() for name, item in self.shownFields.items()}
		return replace(self._initial, **shown).cleaned()

	def updateEnabled(self) -> None:
		"""Enables each control whose setting applies to what the panel shows now."""
		settings = self.settingsFromControls()
		for section in self.sections:
			section.updateEnabled(settings)

	# --- Validation and saving ----------------------------------------------------------------------

	def isValid(self) -> bool:
		refusal = self._refusal(self.settingsFromControls())
		if refusal is not None:
			self._validationErrorMessageBox(refusal.sentence, refusal.label)
			refusal.control.SetFocus()
			return False
		return super().isValid()

	def _refusal(self, settings: Settings) -> Refusal | None:
		problems = settings.problems()
		if problems:
			problem = problems[0]
			return self.shownFields[problem.field].refusal(problem.sentence)
		return next(
			(refusal for section in self.sections if (refusal := section.refusal(settings)) is not None),
			None,
		)

	def onSave(self) -> None:
		settings = self.settingsFromControls()
		savedSettings.save(settings)  # what changed, and over what nvda.ini held that NVDA refuses
		self._initial = settings
		for section in self.sections:
			section.save(settings)

	def onDiscard(self) -> None:
		# Answers still on their way are dropped.
		self.background.dropAll()
		for section in self.sections:
			section.discard()
