import re

import pytest
from visionDescriberCore import i18n
from visionDescriberCore.conversation import prompts
from visionDescriberCore.conversation.prompts import (
	PRESETS,
	buildDescribePrompt,
	buildSystemPrompt,
	languageInstruction,
	languageName,
	objectContext,
	presetDisplayNames,
	presetInstruction,
)


def test_system_prompt_is_written_for_a_listener():
	text = buildSystemPrompt().lower()
	for expectation in ("blind", "screen reader", "exactly as written", "unsure", "no markdown tables"):
		assert expectation in text
	assert "answer in" not in text


@pytest.mark.parametrize(
	("fields", "sentence"),
	[
		(("chart1", "graphic", "Excel"), "This is a graphic labelled 'chart1' in Excel."),
		(("chart1", "GRAPHIC", None), "This is a graphic labelled 'chart1'."),
		((None, "Role.EDITABLETEXT", "Notepad"), "This is an edit field in Notepad."),
		(("Play", None, "Spotify"), "This is an item labelled 'Play' in Spotify."),
		((None, "image", ""), "This is an image."),
		(("", "", "Firefox"), "This was captured in Firefox."),
		((None, None, None), ""),
		(("  ", " ", ""), ""),
		(("two\n  lines", "BUTTON", "App"), "This is a button labelled 'two lines' in App."),
	],
)
def test_object_context_leaves_out_what_is_unknown(fields, sentence):
	assert objectContext(*fields) == sentence


def test_a_very_long_label_is_trimmed():
	sentence = objectContext("word " * 200, "graphic", "Edge")
	label = re.search(r"'(.*)'", sentence).group(1)
	assert len(label) <= prompts.MAX_LABEL_CHARS + 1
	assert label.endswith("…")


@pytest.mark.parametrize(
	("code", "name"),
	[
		("de", "German"),
		("de_DE", "German"),
		("de-AT", "German"),
		("pt_BR", "Brazilian Portuguese"),
		("zh_TW", "Traditional Chinese"),
		("nb_NO", "Norwegian Bokmål"),
		("xx_YY", "xx_YY"),
		("", ""),
	],
)
def test_language_names(code, name):
	assert languageName(code) == name


def test_language_instruction():
	assert languageInstruction("de").startswith("Answer in German")
	assert languageInstruction("fr_FR").startswith("Answer in French")
	assert "original language" in languageInstruction("ja")
	assert languageInstruction("tlh").startswith("Answer in the language with the code 'tlh'")
	assert languageInstruction("auto") == ""
	assert languageInstruction("") == ""


def test_describe_prompt_composes_context_preset_and_language_in_that_order():
	context = objectContext("chart1", "graphic", "Excel")
	prompt = buildDescribePrompt("brief", "", context, "de")
	assert prompt.startswith(context + " ")
	assert PRESETS["brief"].instruction in prompt
	assert prompt.endswith(languageInstruction("de"))
	assert buildSystemPrompt("de").endswith(languageInstruction("de"))


def test_describe_prompt_without_context_or_language_is_just_the_request():
	assert buildDescribePrompt("readText") == PRESETS["readText"].instruction


def test_custom_prompt_is_used_only_by_the_custom_preset():
	assert presetInstruction("custom", "  What colour is the car?  ") == "What colour is the car?"
	assert presetInstruction("custom", "   ") == PRESETS["standard"].instruction
	assert presetInstruction("brief", "What colour is the car?") == PRESETS["brief"].instruction
	assert presetInstruction("noSuchPreset") == PRESETS["standard"].instruction


def test_every_preset_has_a_translated_display_name_and_a_request():
	names = presetDisplayNames()
	assert set(names) == set(PRESETS)
	for presetId, preset in PRESETS.items():
		assert preset.id == presetId
		assert names[presetId]
		assert preset.instruction or presetId == "custom"
	i18n.setTranslator(lambda message: "Kurz" if message == "Brief" else message)
	try:
		assert PRESETS["brief"].displayName == "Kurz"
	finally:
		i18n.setTranslator(str)
	assert PRESETS["brief"].displayName == "Brief"


def test_prompts_sent_to_the_model_stay_english_when_nvda_is_translated():
	i18n.setTranslator(lambda message: "ÜBERSETZT")
	try:
		assert "ÜBERSETZT" not in buildDescribePrompt("detailed", "", "", "de")
		assert "ÜBERSETZT" not in buildSystemPrompt("de")
	finally:
		i18n.setTranslator(str)
