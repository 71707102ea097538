import dataclasses
import io
import re

import pytest
from configobj import ConfigObj
from validate import Validator
from visionDescriberCore.settings import (
	CONFIG_SPEC,
	DEFAULT_BASE_URLS,
	DEFAULT_MODELS,
	Settings,
	isLoopbackHost,
	keyTravelsUnencrypted,
)

SECTION = "visionDescriber"


def specObject() -> ConfigObj:
	"""The spec as NVDA builds it: a ConfigObj spec with our section assigned as a dict."""
	spec = ConfigObj(list_values=False, encoding="UTF-8", _inspec=True)
	spec[SECTION] = dict(CONFIG_SPEC)
	return spec


def loadConfig(text: str = "") -> tuple[ConfigObj, object]:
	conf = ConfigObj(io.StringIO(text), configspec=specObject(), encoding="UTF-8")
	result = conf.validate(Validator(), preserve_errors=True)
	return conf, result


def test_the_spec_validates_and_its_defaults_are_the_dataclass_defaults():
	conf, result = loadConfig()
	assert result is True
	assert Settings.fromConfig(conf[SECTION]) == Settings()
	assert dict(conf[SECTION]) == Settings().toConfig()


def test_spec_and_dataclass_list_the_same_settings():
	assert list(CONFIG_SPEC) == [spec.name for spec in dataclasses.fields(Settings)]
	assert CONFIG_SPEC["provider"] == (
		'option("ollama", "openai", "openaiCompatible", "azure", default="ollama")'
	)
	assert CONFIG_SPEC["azureApiVersion"] == 'string(default="2024-10-21")'
	assert CONFIG_SPEC["readTimeout"] == "integer(min=5, max=600, default=120)"
	assert CONFIG_SPEC["streamSpeech"] == "boolean(default=True)"
	assert CONFIG_SPEC["customPrompt"] == 'string(default="")'


def test_defaults_are_local_first():
	settings = Settings()
	assert settings.provider == "ollama"
	assert settings.baseUrl == "http://127.0.0.1:11434"
	assert DEFAULT_BASE_URLS["openai"] == "https://api.openai.com/v1"
	assert settings.responseLanguage == "auto"


def test_changed_settings_survive_a_write_and_a_read():
	changed = dataclasses.replace(
		Settings(),
		provider="openaiCompatible",
		baseUrl="http://192.168.1.20:8080/v1",
		model="qwen2.5-vl-7b",
		preset="custom",
		customPrompt='Say "what", then list;\n# not a comment, 100% sure',
		responseLanguage="pt_BR",
		maxImageSide=1024,
		pictureDetail="fast",
		streamSpeech=False,
		connectTimeout=3,
		readTimeout=300,
		maxTokens=0,
		recentConversations=0,
	)
	conf, result = loadConfig()
	assert result is True
	conf[SECTION].update(changed.toConfig())
	written = io.BytesIO()
	conf.write(written)
	reread, result = loadConfig(written.getvalue().decode("utf-8"))
	assert result is True
	assert Settings.fromConfig(reread[SECTION]) == changed


@pytest.mark.parametrize(
	("name", "bad"),
	[
		("provider", "gemini"),
		("pictureDetail", "ultra"),
		("preset", "poem"),
		("readTimeout", "9999"),
		("connectTimeout", "0"),
		("maxImageSide", "-1"),
		("streamSpeech", "maybe"),
		("recentConversations", "many"),
	],
)
def test_bad_values_are_rejected_by_the_spec_and_ignored_by_settings(name, bad):
	conf, result = loadConfig(f"[{SECTION}]\n{name} = {bad}\n")
	assert result is not True
	assert result[SECTION][name] is not True
	raw = {name: bad}
	assert getattr(Settings.fromConfig(raw), name) == getattr(Settings(), name)


@pytest.mark.parametrize(
	("old", "level"), [("low", "fast"), ("auto", "balanced"), ("high", "detailed"), ("ultra", "balanced")]
)
def test_the_old_openai_image_detail_in_nvda_ini_is_read_as_picture_detail(old, level):
	conf, result = loadConfig(f"[{SECTION}]\nimageDetail = {old}\nmodel = llava\n")
	assert result is True  # a key the spec no longer has is no error
	settings = Settings.fromConfig(conf[SECTION])
	assert (settings.pictureDetail, settings.model) == (level, "llava")
	assert Settings.fromConfig({"imageDetail": old}).pictureDetail == level
	assert "imageDetail" not in settings.toConfig() and "imageDetail" not in CONFIG_SPEC


def test_a_picture_detail_the_user_chose_wins_over_the_old_value_left_in_nvda_ini():
	conf, result = loadConfig(f"[{SECTION}]\nimageDetail = high\npictureDetail = fast\n")
	assert Settings.fromConfig(conf[SECTION]).pictureDetail == "fast"
	# Saved once (toConfig writes pictureDetail), the old value stays in the file but no longer counts.
	conf, result = loadConfig(f"[{SECTION}]\nimageDetail = low\n")
	conf[SECTION].update(dataclasses.replace(Settings(), pictureDetail="balanced").toConfig())
	written = io.BytesIO()
	conf.write(written)
	reread, result = loadConfig(written.getvalue().decode("utf-8"))
	assert Settings.fromConfig(reread[SECTION]).pictureDetail == "balanced"


def test_an_invalid_value_is_told_to_the_caller_instead_of_logged(caplog):
	heard = []
	settings = Settings.fromConfig({"readTimeout": "lots", "model": "llava"}, onInvalid=heard.append)
	assert (settings.readTimeout, settings.model) == (Settings().readTimeout, "llava")
	assert heard == ["readTimeout"]
	assert caplog.records == []
	Settings.fromConfig({"readTimeout": "lots"})
	assert "readTimeout" in caplog.text  # without a listener it is logged


def test_raw_strings_from_an_unvalidated_section_are_converted():
	settings = Settings.fromConfig(
		{"streamSpeech": "off", "progressTones": "yes", "readTimeout": "45", "provider": "openai"}
	)
	assert settings.streamSpeech is False
	assert settings.progressTones is True
	assert settings.readTimeout == 45
	assert settings.provider == "openai"


def test_there_is_no_key_field_anywhere():
	secretish = re.compile(r"key|secret|password|credential|bearer", re.IGNORECASE)
	names = [spec.name for spec in dataclasses.fields(Settings)]
	assert not [name for name in names if secretish.search(name)]
	assert not [name for name in CONFIG_SPEC if secretish.search(name)]
	# A key left in nvda.ini by hand (or an older add-on) is neither read nor written back.
	settings = Settings.fromConfig({"apiKey": "sk-secret", "model": "llava"})
	assert settings.model == "llava"
	assert "sk-secret" not in repr(settings)
	assert "apiKey" not in settings.toConfig()


def test_switching_provider_moves_defaults_and_keeps_what_the_user_typed():
	openai = Settings().withProvider("openai")
	assert (openai.baseUrl, openai.model) == (DEFAULT_BASE_URLS["openai"], DEFAULT_MODELS["openai"])
	back = openai.withProvider("ollama")
	assert back == Settings()
	custom = dataclasses.replace(Settings(), baseUrl="http://10.0.0.5:11434", model="llava:13b")
	moved = custom.withProvider("openaiCompatible")
	assert (moved.baseUrl, moved.model) == ("http://10.0.0.5:11434", "llava:13b")
	with pytest.raises(ValueError):
		Settings().withProvider("gemini")


def test_auto_language_follows_nvda():
	assert Settings().effectiveLanguage("de_DE") == "de_DE"
	assert dataclasses.replace(Settings(), responseLanguage="fr").effectiveLanguage("de_DE") == "fr"


# --- Azure ------------------------------------------------------------------------------------------


def test_azure_has_no_default_address_or_deployment_and_keeps_its_api_version():
	azure = Settings().withProvider("azure")
	assert (azure.provider, azure.baseUrl, azure.model) == ("azure", "", "")
	assert azure.azureApiVersion == "2024-10-21"
	typed = dataclasses.replace(azure, baseUrl="https://mine.openai.azure.com", model="gpt4o-prod")
	assert typed.withProvider("openai").baseUrl == "https://mine.openai.azure.com"
	# Blank fields follow the next provider's defaults.
	assert azure.withProvider("ollama") == Settings()
	conf, result = loadConfig(f"[{SECTION}]\nprovider = azure\nazureApiVersion = 2025-01-01-preview\n")
	assert result is True
	read = Settings.fromConfig(conf[SECTION])
	assert (read.provider, read.azureApiVersion) == ("azure", "2025-01-01-preview")


# --- Cleaning and validation ------------------------------------------------------------------------


def fieldsAtFault(settings: Settings) -> list[str]:
	return [problem.field for problem in settings.cleaned().problems()]


def test_defaults_and_every_provider_default_are_valid():
	assert Settings().problems() == []
	for provider in ("ollama", "openai", "openaiCompatible"):
		assert Settings().withProvider(provider).problems() == [], provider


def test_cleaning_trims_text_and_adds_a_missing_scheme():
	typed = dataclasses.replace(
		Settings(),
		baseUrl="  192.168.1.20:11434 ",
		model=" llava \t",
		customPrompt="\n Read the chart. \n",
		responseLanguage="  ",
		azureApiVersion=" 2024-10-21 ",
	)
	cleaned = typed.cleaned()
	assert cleaned.baseUrl == "http://192.168.1.20:11434"
	assert (cleaned.model, cleaned.customPrompt) == ("llava", "Read the chart.")
	assert (cleaned.responseLanguage, cleaned.azureApiVersion) == ("auto", "2024-10-21")
	assert dataclasses.replace(Settings(), baseUrl="https://x.example/v1").cleaned().baseUrl == (
		"https://x.example/v1"
	)


@pytest.mark.parametrize(
	("changes", "field", "words"),
	[
		({"baseUrl": ""}, "baseUrl", "http://127.0.0.1:11434"),
		({"baseUrl": "ftp://files.example.com"}, "baseUrl", "http:// or https://"),
		({"baseUrl": "file:///C:/models"}, "baseUrl", "http:// or https://"),
		({"baseUrl": "http://"}, "baseUrl", "not valid"),
		({"baseUrl": "http://my server:11434"}, "baseUrl", "not valid"),
		({"baseUrl": "http://127.0.0.1:99999"}, "baseUrl", "port"),
		({"baseUrl": "http://127.0.0.1:abc"}, "baseUrl", "port"),
		({"baseUrl": "https://me:sk-secret@api.example.com/v1"}, "baseUrl", "password out of"),
		({"baseUrl": "https://sk-secret@api.example.com/v1"}, "baseUrl", "password out of"),
		({"preset": "custom", "customPrompt": "   "}, "customPrompt", "own prompt"),
		({"responseLanguage": "German!"}, "responseLanguage", "language code"),
		({"responseLanguage": "d"}, "responseLanguage", "language code"),
		({"readTimeout": 601}, "readTimeout", "from 5 to 600"),
		({"connectTimeout": 0}, "connectTimeout", "from 1 to 120"),
		({"maxImageSide": True}, "maxImageSide", "from 0 to 8192"),
		({"provider": "gemini"}, "provider", "offered values"),
		({"provider": "azure", "baseUrl": ""}, "baseUrl", "Azure OpenAI resource"),
	],
)
def test_each_invalid_value_is_named_with_a_plain_sentence(changes, field, words):
	settings = dataclasses.replace(Settings(), **changes).cleaned()
	problems = settings.problems()
	assert [problem.field for problem in problems] == [field]
	assert words in problems[0].sentence
	assert problems[0].sentence.endswith(".")


def test_azure_needs_a_deployment_and_a_dated_api_version():
	azure = dataclasses.replace(
		Settings().withProvider("azure"), baseUrl="https://mine.openai.azure.com", model="vision-prod"
	)
	assert azure.problems() == []
	assert fieldsAtFault(dataclasses.replace(azure, model=" ")) == ["model"]
	assert fieldsAtFault(dataclasses.replace(azure, azureApiVersion="latest")) == ["azureApiVersion"]
	assert dataclasses.replace(azure, azureApiVersion="2025-04-01-preview").problems() == []
	# Only Azure uses those two.
	assert dataclasses.replace(Settings(), model="", azureApiVersion="latest").problems() == []


def test_good_language_codes_pass_and_several_problems_come_in_field_order():
	for code in ("auto", "de", "pt_BR", "zh-Hant", "sr_Latn", "ckb"):
		assert dataclasses.replace(Settings(), responseLanguage=code).problems() == [], code
	broken = dataclasses.replace(Settings(), readTimeout=1, responseLanguage="??", baseUrl="x://y")
	assert fieldsAtFault(broken) == ["baseUrl", "responseLanguage", "readTimeout"]


def test_a_key_travels_unencrypted_only_over_http_to_another_computer():
	assert keyTravelsUnencrypted("http://192.168.1.20:11434")
	assert keyTravelsUnencrypted("HTTP://example.com/v1")
	assert not keyTravelsUnencrypted("https://192.168.1.20:11434")
	for local in (
		"http://127.0.0.1:11434",
		"http://localhost:1234/v1",
		"http://[::1]:8080",
		"http://127.8.9.1",
	):
		assert not keyTravelsUnencrypted(local), local
	assert isLoopbackHost("LOCALHOST.") and isLoopbackHost("ollama.localhost")
	assert not isLoopbackHost("localhost.example.com") and not isLoopbackHost("")
	assert dataclasses.replace(Settings(), baseUrl="http://10.0.0.5:11434").keyTravelsUnencrypted
	assert not Settings().keyTravelsUnencrypted


def test_spoken_questions_are_transcribed_locally_by_default():
	settings = Settings()
	assert isLoopbackHost(re.match(r"https?://([^:/]+)", settings.sttBaseUrl).group(1))
	assert settings.sttBaseUrl == "http://127.0.0.1:8000/v1"  # speaches' port, OpenAI's path
	assert (settings.sttLanguage, settings.voiceTarget, settings.maxRecordingSeconds) == ("", "navigator", 30)
	assert settings.speakTranscript and not settings.voiceNewPicture and not settings.voiceFillQuestion


def test_voice_settings_survive_nvda_ini_and_their_problems_are_sentences():
	changed = dataclasses.replace(
		Settings(),
		sttBaseUrl="https://api.openai.com/v1",
		sttModel="gpt-4o-mini-transcribe",
		sttLanguage="pt",
		voiceTarget="screen",
		maxRecordingSeconds=60,
	)
	conf, _ = loadConfig()
	conf[SECTION].update(changed.toConfig())
	written = io.BytesIO()
	conf.write(written)
	reread, result = loadConfig(written.getvalue().decode("utf-8"))
	assert result is True and Settings.fromConfig(reread[SECTION]) == changed
	cleaned = dataclasses.replace(
		Settings(), sttBaseUrl=" 192.168.1.5:8000/v1 ", sttLanguage=" de "
	).cleaned()
	assert (cleaned.sttBaseUrl, cleaned.sttLanguage, cleaned.problems()) == (
		"http://192.168.1.5:8000/v1",
		"de",
		[],
	)
	problems = dataclasses.replace(
		Settings(), sttBaseUrl="", sttLanguage="Portuguese!", maxRecordingSeconds=2
	)
	assert [(p.field, p.sentence) for p in problems.problems()] == [
		("sttBaseUrl", "Enter the speech-to-text server's address, such as http://127.0.0.1:8000/v1."),
		(
			"sttLanguage",
			"Enter the language of your spoken questions as a code such as pt, or leave it blank.",
		),
		("maxRecordingSeconds", "Enter a number from 5 to 120."),
	]
	assert dataclasses.replace(Settings(), sttBaseUrl="ftp://x").problems()[0].field == "sttBaseUrl"
