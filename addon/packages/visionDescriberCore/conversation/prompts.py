"""What the model is asked: a system prompt written for blind screen-reader users, describe presets,
what NVDA knows about the object, and the language of the answer.

The prompts sent to the model are English on purpose, whatever NVDA's language: vision models follow
English instructions most reliably, and small local models often ignore or mistranslate instructions
in other languages. The answer's language is set by one explicit sentence ("Answer in German.")
added to the system prompt and again at the end of the request, where small models heed it best.
Only the preset names a user sees in the settings panel are translated (through `_`).
"""

from dataclasses import dataclass

from ..i18n import _

SYSTEM_PROMPT = (
	"You describe images for a blind person who uses a screen reader. Your answer is read aloud by a "
	"speech synthesizer as you write it, so write plain sentences: no markdown tables, no headings, no "
	"bold or italics, no emoji, and short lists only when they help. "
	"Start with what matters most: what kind of thing this is and its main content or purpose. "
	"Read visible text exactly as written, in quotation marks, and say where it is when that helps. "
	"Do not translate text you read from the image. "
	"If you are unsure of something, say so briefly instead of guessing; never invent details. "
	"Do not comment on style, colours, lighting or aesthetics unless they carry meaning, such as a "
	"red error message, a highlighted or selected item, or the series of a chart. "
	"Do not begin with 'The image shows' or 'This image'; go straight to the content. "
	"You may be told what the screen reader knows about the object, such as its label and the "
	"application; use it as a hint, but trust what you see. Be concise."
)


@dataclass(frozen=True)
class Preset:
	id: str
	instruction: str

	@property
	def displayName(self) -> str:
		return presetDisplayNames()[self.id]


DEFAULT_PRESET = "standard"
CUSTOM_PRESET = "custom"

PRESETS: dict[str, Preset] = {
	preset.id: preset
	for preset in (
		Preset(
			"standard",
			"Describe this image. Start with one sentence saying what it is, then give the important "
			"details, then any text that matters.",
		),
		Preset(
			"brief",
			"In one or two sentences, say what this image is and what matters most in it.",
		),
		Preset(
			"detailed",
			"Describe this image thoroughly. Give an overview first, then go through each part from top "
			"to bottom and left to right: positions, all visible text, controls and their states, people, "
			"objects and anything unusual. Use short paragraphs.",
		),
		Preset(
			"readText",
			"Read all text visible in this image exactly as written, in reading order, one line or item "
			"per line. Do not summarize, and describe the layout only where it is needed to understand the "
			"text. Say 'unreadable' for any word you cannot make out.",
		),
		Preset(
			"gameScreen",
			"This is a screenshot of a video game. First say anything that needs the player's attention "
			"or action now, such as a prompt, a dialogue choice, a danger or low health. Then describe the "
			"scene: where the player is, characters, enemies and items and where they are. Read on-screen "
			"information such as health, score, ammunition, objectives, menus, subtitles and dialogue "
			"exactly as written.",
		),
		Preset(
			CUSTOM_PRESET,
			"",  # the user's own prompt from settings
		),
	)
}


def presetDisplayNames() -> dict[str, str]:
	"""Preset names for the settings panel, translated now (not at import)."""
	return {
		# Translators: a describe preset: the usual description.
		"standard": _("Standard description"),
		# Translators: a describe preset: one or two sentences.
		"brief": _("Brief"),
		# Translators: a describe preset: a thorough description.
		"detailed": _("Detailed"),
		# Translators: a describe preset: read all visible text exactly.
		"readText": _("Read the text"),
		# Translators: a describe preset for screenshots of video games.
		"gameScreen": _("Game screen"),
		# Translators: a describe preset: the prompt the user wrote in settings.
		"custom": _("My own prompt"),
	}


# --- What NVDA knows about the object --------------------------------------------------------------

# NVDA role identifiers (controlTypes.Role member names) as English words for the prompt. NVDA's own
# role labels are translated into the user's language, so pass `role.name` rather than the label.
ROLE_WORDS = {
	"EDITABLETEXT": "edit field",
	"STATICTEXT": "text",
	"CHECKBOX": "check box",
	"RADIOBUTTON": "radio button",
	"MENUITEM": "menu item",
	"MENUBAR": "menu bar",
	"POPUPMENU": "menu",
	"COMBOBOX": "combo box",
	"LISTITEM": "list item",
	"TREEVIEW": "tree view",
	"TREEVIEWITEM": "tree view item",
	"TABCONTROL": "tab control",
	"PROGRESSBAR": "progress bar",
	"SCROLLBAR": "scroll bar",
	"STATUSBAR": "status bar",
	"TABLECELL": "table cell",
	"TABLEROW": "table row",
	"TOOLBAR": "toolbar",
	"TITLEBAR": "title bar",
	"DROPDOWNBUTTON": "drop-down button",
	"TOGGLEBUTTON": "toggle button",
	"SPLITBUTTON": "split button",
	"MENUBUTTON": "menu button",
	"HELPBALLOON": "help balloon",
	"TOOLTIP": "tooltip",
	"IMAGEMAP": "image map",
	"EMBEDDEDOBJECT": "embedded object",
	"DESKTOPICON": "desktop icon",
	"PROPERTYPAGE": "property page",
	"UNKNOWN": "",
}

MAX_LABEL_CHARS = 200


def roleWord(role: str | None) -> str:
	"""'GRAPHIC' or 'Role.GRAPHIC' -> 'graphic'; words that are already words are kept."""
	if not role:
		return ""
	role = " ".join(role.split())
	identifier = role.removeprefix("Role.")
	if identifier.isupper() and " " not in identifier:
		return ROLE_WORDS.get(identifier, identifier.lower())
	return role


def objectContext(name: str | None, role: str | None, appName: str | None) -> str:
	"""One English sentence with what NVDA knows, e.g. "This is a graphic labelled 'chart1' in Excel."

	Empty fields are left out; "" when nothing is known. The label is trimmed so a long web-page
	text does not crowd out the request.
	"""
	name = " ".join((name or "").split())
	if len(name) > MAX_LABEL_CHARS:
		name = name[:MAX_LABEL_CHARS].rstrip() + "…"
	role = roleWord(role)
	appName = " ".join((appName or "").split())
	if not (name or role or appName):
		return ""
	if not (name or role):
		return f"This was captured in {appName}."
	noun = role or "item"
	sentence = f"This is {_article(noun)} {noun}"
	if name:
		sentence += f" labelled '{name}'"
	if appName:
		sentence += f" in {appName}"
	return sentence + "."


def _article(noun: str) -> str:
	return "an" if noun[:1].lower() in "aeiou" else "a"


# --- Language of the answer ------------------------------------------------------------------------

LANGUAGE_NAMES = {
	"af": "Afrikaans",
	"am": "Amharic",
	"an": "Aragonese",
	"ar": "Arabic",
	"as": "Assamese",
	"bg": "Bulgarian",
	"bn": "Bengali",
	"ca": "Catalan",
	"ckb": "Central Kurdish",
	"cs": "Czech",
	"cy": "Welsh",
	"da": "Danish",
	"de": "German",
	"el": "Greek",
	"en": "English",
	"eo": "Esperanto",
	"es": "Spanish",
	"et": "Estonian",
	"eu": "Basque",
	"fa": "Persian",
	"fi": "Finnish",
	"fr": "French",
	"ga": "Irish",
	"gl": "Galician",
	"gu": "Gujarati",
	"he": "Hebrew",
	"hi": "Hindi",
	"hr": "Croatian",
	"hu": "Hungarian",
	"hy": "Armenian",
	"id": "Indonesian",
	"is": "Icelandic",
	"it": "Italian",
	"ja": "Japanese",
	"ka": "Georgian",
	"kk": "Kazakh",
	"km": "Khmer",
	"kn": "Kannada",
	"ko": "Korean",
	"ky": "Kyrgyz",
	"lt": "Lithuanian",
	"lv": "Latvian",
	"mk": "Macedonian",
	"ml": "Malayalam",
	"mn": "Mongolian",
	"mr": "Marathi",
	"ms": "Malay",
	"my": "Burmese",
	"nb": "Norwegian Bokmål",
	"ne": "Nepali",
	"nl": "Dutch",
	"nn": "Norwegian Nynorsk",
	"no": "Norwegian",
	"pa": "Punjabi",
	"pl": "Polish",
	"pt": "Portuguese",
	"ro": "Romanian",
	"ru": "Russian",
	"sk": "Slovak",
	"sl": "Slovenian",
	"so": "Somali",
	"sq": "Albanian",
	"sr": "Serbian",
	"sv": "Swedish",
	"sw": "Swahili",
	"ta": "Tamil",
	"te": "Telugu",
	"th": "Thai",
	"tr": "Turkish",
	"uk": "Ukrainian",
	"ur": "Urdu",
	"uz": "Uzbek",
	"vi": "Vietnamese",
	"zh": "Chinese",
}

# Regional variants where the written language differs enough to say so.
REGIONAL_LANGUAGE_NAMES = {
	"pt_br": "Brazilian Portuguese",
	"pt_pt": "European Portuguese",
	"zh_cn": "Simplified Chinese",
	"zh_sg": "Simplified Chinese",
	"zh_hans": "Simplified Chinese",
	"zh_tw": "Traditional Chinese",
	"zh_hk": "Traditional Chinese (Hong Kong)",
	"zh_hant": "Traditional Chinese",
	"sr_latn": "Serbian in Latin script",
}


def languageName(languageCode: str) -> str:
	"""'de', 'de_DE' or 'de-AT' -> 'German'; an unknown code is returned as given ("" for none)."""
	return _knownLanguageName(languageCode) or (languageCode or "").strip()


def _knownLanguageName(languageCode: str) -> str:
	code = (languageCode or "").strip().replace("-", "_").lower()
	return REGIONAL_LANGUAGE_NAMES.get(code) or LANGUAGE_NAMES.get(code.split("_")[0], "")


def languageInstruction(languageCode: str) -> str:
	"""'de' -> 'Answer in German, but quote text from the image in its original language.'

	An unknown code is named as a code. "" and "auto" give "": resolve "auto" to NVDA's language
	before calling this.
	"""
	code = (languageCode or "").strip()
	if not code or code.lower() == "auto":
		return ""
	language = _knownLanguageName(code) or f"the language with the code '{code}'"
	return f"Answer in {language}, but quote text from the image in its original language."


# --- Composing the request -------------------------------------------------------------------------


def buildSystemPrompt(language: str = "") -> str:
	"""The system message: guidance for a blind listener, plus the answer's language."""
	return _join(SYSTEM_PROMPT, languageInstruction(language))


def presetInstruction(preset: str, customPrompt: str = "") -> str:
	"""The request text of a preset; the custom preset uses customPrompt (the standard one if blank).
	An unknown preset id (say from an older version's config) falls back to the standard one."""
	if preset == CUSTOM_PRESET and customPrompt.strip():
		return customPrompt.strip()
	found = PRESETS.get(preset)
	if found is None or not found.instruction:
		found = PRESETS[DEFAULT_PRESET]
	return found.instruction


def buildDescribePrompt(preset: str, customPrompt: str = "", context: str = "", language: str = "") -> str:
	"""The user message sent with the image: object context, the preset's request, the language."""
	return _join(context, presetInstruction(preset, customPrompt), languageInstruction(language))


def _join(*parts: str) -> str:
	return " ".join(part.strip() for part in parts if part and part.strip())
