"""The panel's Descriptions group: what the model is asked (preset, own prompt), in which language
it answers, whether it hears what NVDA knows about the object, thinking, and the answer's length.

The answer language is one setting shown by two controls: a list (NVDA's language first, then every
language `prompts` knows by name, then "Other") and a field for any other code, enabled only while
"Other" is chosen. A saved code that is not in the list is shown as "Other" with the code typed in.

Main thread only (wx).
"""

from collections.abc import Sequence

import addonHandler
import languageHandler
import wx
from visionDescriberCore.conversation import prompts
from visionDescriberCore.settings import Settings

from .fieldControls import (
	CheckField,
	ChoiceField,
	FieldControl,
	NumberField,
	Refusal,
	Section,
	TextField,
	plainLabel,
)

addonHandler.initTranslation()

#: Regional variants offered as answer languages beside every language in prompts.LANGUAGE_NAMES.
REGIONAL_LANGUAGES = ("pt_BR", "pt_PT", "zh_CN", "zh_TW")
#: The answer-language entry that lets the user type any code.
OTHER_LANGUAGE = "other"


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


def sameLanguage(first: str, second: str) -> bool:
	return first.replace("-", "_").casefold() == second.replace("-", "_").casefold()


class LanguageField(FieldControl):
	"""The answer language: a list of languages, and a field for a code the list does not have."""

	def __init__(self, field: str, attribute: str, label: str, codeAttribute: str, codeLabel: str):
		super().__init__(field, attribute, label)
		self.codeAttribute = codeAttribute
		self.codeLabel = codeLabel
		self._languages: list[tuple[str, str]] = []
		self.codeField: wx.TextCtrl | None = None

	def makeControl(self, panel, group, box, settings):
		self._languages = languageChoices()
		choice = group.addLabeledControl(
			self.label, wx.Choice, choices=[name for _code, name in self._languages]
		)
		self.bindChange(panel, choice, wx.EVT_CHOICE)
		self.codeField = group.addLabeledControl(self.codeLabel, wx.TextCtrl)
		setattr(panel, self.codeAttribute, self.codeField)
		return choice

	def show(self, settings: Settings) -> None:
		code = getattr(settings, self.field).strip() or "auto"
		codes = [known for known, _name in self._languages]
		index = next((i for i, known in enumerate(codes) if sameLanguage(known, code)), None)
		if index is None or codes[index] == OTHER_LANGUAGE:
			index = codes.index(OTHER_LANGUAGE)
			self.codeField.SetValue(code)
		self.control.SetSelection(index)

	def read(self) -> str:
		return self.codeField.GetValue() if self._otherChosen() else self._chosenCode()

	def updateEnabled(self, settings: Settings) -> None:
		self.codeField.Enable(self._otherChosen())

	def refusal(self, sentence: str) -> Refusal:
		if self.codeField.IsEnabled():
			return Refusal(sentence, plainLabel(self.codeLabel), self.codeField)
		return super().refusal(sentence)

	def _chosenCode(self) -> str:
		return self._languages[self.control.GetSelection()][0]

	def _otherChosen(self) -> bool:
		return self._chosenCode() == OTHER_LANGUAGE


class DescriptionsSection(Section):
	def title(self) -> str:
		# Translators: a group in Vision Describer settings: what the model is asked.
		return _("Descriptions")

	def fieldTable(self) -> Sequence[FieldControl]:
		presetNames = prompts.presetDisplayNames()
		return (
			ChoiceField(
				"preset",
				"presetChoice",
				# Translators: a label in Vision Describer settings: what kind of description to ask for.
				_("Description pre&set:"),
				lambda settings: [(preset, presetNames[preset]) for preset in prompts.PRESETS],
			),
			TextField(
				"customPrompt",
				"customPromptField",
				# Translators: a label in Vision Describer settings: the request the "My own prompt"
				# preset sends.
				_("&Your own prompt:"),
				style=wx.TE_MULTILINE,
			),
			LanguageField(
				"responseLanguage",
				"languageChoice",
				# Translators: a label in Vision Describer settings: the language of the descriptions.
				_("Answer &language:"),
				"languageCodeField",
				# Translators: a label in Vision Describer settings, e.g. de or pt_BR.
				_("Other language co&de:"),
			),
			CheckField(
				"sendObjectContext",
				"objectContextCheck",
				# Translators: a check box in Vision Describer settings.
				_("Tell the model the o&bject's label, role and application"),
			),
			CheckField(
				"allowReasoning",
				"reasoningCheck",
				# Translators: a check box in Vision Describer settings.
				_("Let reasoning models think before answering (slower)"),
			),
			NumberField(
				"maxTokens",
				"maxTokensSpin",
				# Translators: a label in Vision Describer settings; tokens are parts of words.
				_("Longest answer in tokens (0: the server decides):"),
			),
		)
