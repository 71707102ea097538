"""Every non-secret setting, typed, and the NVDA config spec it maps to.

The NVDA layer registers `CONFIG_SPEC` as `config.conf.spec["visionDescriber"]`, reads the section
value by value into `Settings.fromConfig(...)` (NVDA raises when it reads a value its spec refuses;
see the plugin's savedSettings.py) and writes back `settings.toConfig()`.
Each field is declared once, with its type, default and limits; the configobj validator strings are
generated from that declaration, so the spec and the dataclass cannot drift apart.

There is no API key here on purpose: keys live only in the credential store (see `apiKeys`).
"""

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from .clients.endpoint import DEFAULT_BASE_URLS, addressProblem, hostOf, isLoopbackHost
from .clients.endpoint import PROVIDERS as CLIENT_PROVIDERS
from .clients.transcription import DEFAULT_TRANSCRIPTION_MODEL, DEFAULT_TRANSCRIPTION_URL
from .conversation.prompts import CUSTOM_PRESET, DEFAULT_PRESET, PRESETS
from .errors import InvalidAddress
from .i18n import _
from .imaging.sizing import PICTURE_DETAILS, levelFromLegacyDetail
from .watch.options import WatchOptions, chargedBy

log = logging.getLogger("visionDescriber")

# Providers and their default addresses have one home, next to the clients that use them.
PROVIDERS = CLIENT_PROVIDERS
# Picture detail (PICTURE_DETAILS) has one home too: `imaging.sizing`, beside what it decides.
#: The setting picture detail replaced ("Image detail (OpenAI)"): read from an old nvda.ini, never written.
LEGACY_IMAGE_DETAIL_KEY = "imageDetail"
#: What "watch" looks at: the foreground window, the navigator object's area, or its monitor.
WATCH_TARGETS = ("foreground", "navigator", "monitor")
#: What a spoken question looks at when it takes a picture of its own.
VOICE_TARGETS = ("navigator", "foreground", "screen")

DEFAULT_MODELS = {
	"ollama": "gemma3",
	"openai": "gpt-4.1-mini",
	"openaiCompatible": "",
	# On Azure the model is the user's deployment name.
	"azure": "",
}

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def _option(default: str, choices: tuple[str, ...], doc: str) -> Any:
	return field(default=default, metadata={"kind": "option", "choices": choices, "doc": doc})


def _string(default: str, doc: str) -> Any:
	return field(default=default, metadata={"kind": "string", "doc": doc})


def _integer(default: int, minimum: int, maximum: int, doc: str) -> Any:
	return field(default=default, metadata={"kind": "integer", "min": minimum, "max": maximum, "doc": doc})


def _boolean(default: bool, doc: str) -> Any:
	return field(default=default, metadata={"kind": "boolean", "doc": doc})


@dataclass(frozen=True)
class Settings:
	# --- Where the model runs
	provider: str = _option("ollama", PROVIDERS, "ollama (native API), openai, openaiCompatible or azure")
	baseUrl: str = _string(DEFAULT_BASE_URLS["ollama"], "server address, e.g. http://127.0.0.1:11434")
	model: str = _string(DEFAULT_MODELS["ollama"], "model name as the server knows it (Azure: deployment)")
	azureApiVersion: str = _string(
		"2024-10-21", "Azure OpenAI api-version (not used with the /openai/v1 address)"
	)
	allowUnencryptedRemote: bool = _boolean(
		False, "allow sending an API key over plain http to a host that is not this computer"
	)
	# --- What is asked
	preset: str = _option(DEFAULT_PRESET, tuple(PRESETS), "describe preset id (see prompts.PRESETS)")
	customPrompt: str = _string("", "the user's own request, used by the custom preset")
	responseLanguage: str = _string("auto", 'language code for answers; "auto" means NVDA\'s language')
	sendObjectContext: bool = _boolean(True, "tell the model the object's label, role and application")
	allowReasoning: bool = _boolean(False, "let reasoning models think before answering (slower)")
	maxTokens: int = _integer(1500, 0, 32768, "longest answer in tokens; 0 leaves it to the server")
	# --- The image
	pictureDetail: str = _option(
		"balanced",
		PICTURE_DETAILS,
		"fast (about 300 image tokens), balanced (about 1,000) or detailed (the most the model uses)",
	)
	maxImageSide: int = _integer(0, 0, 8192, "longest image side in pixels; 0 follows picture detail")
	tinyTargetSize: int = _integer(48, 0, 1024, "objects smaller than this (pixels) get a margin")
	tinyTargetMargin: int = _integer(24, 0, 500, "margin in pixels added around tiny objects")
	# --- Speech and feedback
	streamSpeech: bool = _boolean(True, "speak phrases as they arrive instead of the whole answer")
	progressTones: bool = _boolean(True, "soft tones while waiting for the model")
	openDialogAfterDescribe: bool = _boolean(False, "open the follow-up dialog after each description")
	allowDialogOverFullscreen: bool = _boolean(False, "open that dialog even over a full-screen app")
	# --- Performance
	keepModelLoaded: bool = _boolean(False, "ask Ollama to keep the model in memory")
	warmUpOnStart: bool = _boolean(False, "load the model when NVDA starts")
	connectTimeout: int = _integer(10, 1, 120, "seconds to wait for a connection")
	readTimeout: int = _integer(120, 5, 600, "seconds to wait for the first words (covers model load)")
	# --- History
	recentConversations: int = _integer(10, 0, 50, "conversations kept in memory for review")
	resultCacheSize: int = _integer(20, 0, 200, "answers kept for identical requests; 0 turns it off")
	# --- Watching for changes (watch/)
	watchIntervalMs: int = _integer(1000, 250, 10000, "milliseconds between two looks at the watched target")
	watchTarget: str = _option(
		WATCH_TARGETS[0], WATCH_TARGETS, "what G watches: foreground, navigator or monitor"
	)
	watchStopWhenTargetLeavesForeground: bool = _boolean(
		True, "stop watching when the watched window is no longer in the foreground"
	)
	watchInterruptOlderReport: bool = _boolean(True, "a new change cuts off the rest of an older one")
	watchTimeLimitMinutes: int = _integer(30, 1, 240, "watching stops after this many minutes")
	watchMaxRequestsPerMinute: int = _integer(
		6, 1, 60, "most watch requests a minute to a service that may charge for them"
	)
	# --- Spoken questions: speech to text (its own endpoint, local by default) and what is asked
	sttBaseUrl: str = _string(
		DEFAULT_TRANSCRIPTION_URL, "speech-to-text server, OpenAI-compatible, address with /v1 (speaches)"
	)
	sttModel: str = _string(DEFAULT_TRANSCRIPTION_MODEL, "speech-to-text model as the server knows it")
	sttLanguage: str = _string("", "language of spoken questions (e.g. pt); blank means NVDA's language")
	speakTranscript: bool = _boolean(True, 'say "You asked: ..." before the answer')
	voiceNewPicture: bool = _boolean(False, "take a new picture for each spoken question")
	voiceTarget: str = _option(
		"navigator",
		VOICE_TARGETS,
		"what a spoken question's own picture shows: navigator, foreground or screen",
	)
	voiceFillQuestion: bool = _boolean(
		False, "follow-up dialog: put a spoken question in the question field instead of sending it"
	)
	maxRecordingSeconds: int = _integer(30, 5, 120, "longest spoken question in seconds")

	@classmethod
	def fromConfig(cls, section: Mapping, onInvalid: Callable[[str], None] | None = None) -> "Settings":
		"""Reads a config section (or a plain mapping); missing, unknown or invalid values fall back
		to their defaults. `onInvalid(name)` hears of each invalid one; by default it is logged."""
		values = {}
		for spec in fields(cls):
			if spec.name not in section:
				continue
			raw = section[spec.name]
			value = _coerce(spec, raw)
			if value is None:
				if onInvalid is None:
					log.warning("Setting %s has an invalid value; using its default", spec.name)
				else:
					onInvalid(spec.name)
				continue
			values[spec.name] = value
		legacy = _legacyPictureDetail(section)
		if legacy is not None:
			values["pictureDetail"] = legacy
		return cls(**values)

	def toConfig(self) -> dict[str, Any]:
		"""Plain values for `config.conf["visionDescriber"]`."""
		return asdict(self)

	def withProvider(self, provider: str) -> "Settings":
		"""Switches provider; an address or model still at the old provider's default (or blank)
		follows to the new provider's default, one the user typed is kept."""
		if provider not in PROVIDERS:
			raise ValueError(f"unknown provider {provider!r}")
		changes: dict[str, Any] = {"provider": provider}
		if self.baseUrl.strip() in ("", DEFAULT_BASE_URLS[self.provider]):
			changes["baseUrl"] = DEFAULT_BASE_URLS[provider]
		if self.model.strip() in ("", DEFAULT_MODELS[self.provider]):
			changes["model"] = DEFAULT_MODELS[provider]
		return replace(self, **changes)

	def effectiveLanguage(self, nvdaLanguage: str) -> str:
		"""The answer's language code: the setting, or NVDA's language when it is "auto"."""
		language = self.responseLanguage.strip()
		return nvdaLanguage if not language or language.lower() == "auto" else language

	def cleaned(self) -> "Settings":
		"""The same settings as a user means them: text fields without surrounding spaces, a blank
		language as "auto", and "http://" before an address typed without a scheme
		("192.168.1.20:11434")."""
		return replace(
			self,
			baseUrl=_withScheme(self.baseUrl.strip()),
			model=self.model.strip(),
			customPrompt=self.customPrompt.strip(),
			responseLanguage=self.responseLanguage.strip() or "auto",
			azureApiVersion=self.azureApiVersion.strip(),
			sttBaseUrl=_withScheme(self.sttBaseUrl.strip()),
			sttModel=self.sttModel.strip(),
			sttLanguage=self.sttLanguage.strip(),
		)

	def problems(self) -> list["Problem"]:
		"""What keeps these settings from working, one plain sentence per setting, in field order.
		An empty list means they can be saved. Call it on `cleaned()` settings."""
		found = [problem for spec in fields(self) if (problem := _fieldProblem(self, spec)) is not None]
		order = {spec.name: index for index, spec in enumerate(fields(self))}
		return sorted(found, key=lambda problem: order[problem.field])

	def watchOptions(self, nvdaLanguage: str = "en") -> WatchOptions:
		"""How a watch behaves with these settings. The request cap applies to a service that may
		charge for each request (see watch/options.py); a local server is not capped."""
		charged = chargedBy(self.provider, self.baseUrl)
		return WatchOptions(
			intervalSeconds=self.watchIntervalMs / 1000,
			timeLimitSeconds=self.watchTimeLimitMinutes * 60,
			maxRequestsPerMinute=self.watchMaxRequestsPerMinute if charged else 0,
			chargedBy=charged,
			interruptOlderReport=self.watchInterruptOlderReport,
			streamSpeech=self.streamSpeech,
			language=self.effectiveLanguage(nvdaLanguage),
			provider=self.provider,
			model=self.model,
		)

	@property
	def keyTravelsUnencrypted(self) -> bool:
		"""True when a key sent to this address would cross the network as plain text: an http
		address whose host is not this computer."""
		return keyTravelsUnencrypted(self.baseUrl)


def _isSet(section: Mapping, name: str) -> bool:
	"""Whether the user's configuration holds name, not just the spec's default. NVDA's sections
	answer `in` with the default too, so they are asked with isSet; a validated configobj section
	lists the defaults it filled in; a plain mapping holds only what is set."""
	isSet = getattr(section, "isSet", None)
	if callable(isSet):
		return bool(isSet(name))
	return name in section and name not in (getattr(section, "defaults", None) or ())


def _legacyPictureDetail(section: Mapping) -> str | None:
	"""Picture detail from an older version's "Image detail (OpenAI)" (low = fast, auto = balanced,
	high = detailed), when the configuration has that and no picture detail of its own."""
	if _isSet(section, "pictureDetail") or not _isSet(section, LEGACY_IMAGE_DETAIL_KEY):
		return None
	try:
		raw = str(section[LEGACY_IMAGE_DETAIL_KEY])
	except Exception:
		return None
	level = levelFromLegacyDetail(raw)
	log.info("Read the old image detail %r as picture detail %s", raw, level)
	return level


@dataclass(frozen=True)
class Problem:
	field: str  # the Settings field at fault
	sentence: str  # what to do, for the user


_LANGUAGE_CODE = re.compile(r"^[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*$")
_AZURE_API_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}(?:-preview)?$")


def _fieldProblem(settings: Settings, spec) -> Problem | None:
	name = spec.name
	value = getattr(settings, name)
	meta = spec.metadata
	sentence = None
	if meta["kind"] == "integer" and (
		isinstance(value, bool) or not isinstance(value, int) or not meta["min"] <= value <= meta["max"]
	):
		# Translators: a setting's number is out of range; {minimum} and {maximum} are whole numbers.
		sentence = _("Enter a number from {minimum} to {maximum}.").format(
			minimum=meta["min"], maximum=meta["max"]
		)
	elif meta["kind"] == "option" and value not in meta["choices"]:
		# Translators: said when settings cannot be saved: a value is not among the choices.
		sentence = _("Choose one of the offered values.")
	elif name == "baseUrl":
		sentence = _baseUrlProblem(value, settings.provider)
	elif name == "model" and settings.provider == "azure" and not value.strip():
		# Translators: said when settings cannot be saved; a deployment is a model set up on Azure.
		sentence = _("Enter the name of your Azure OpenAI deployment as the model.")
	elif name == "azureApiVersion" and settings.provider == "azure" and not _AZURE_API_VERSION.match(value):
		# Translators: said when settings cannot be saved.
		sentence = _("Enter the Azure API version as a date, such as 2024-10-21.")
	elif name == "customPrompt" and settings.preset == CUSTOM_PRESET and not value.strip():
		# Translators: said when settings cannot be saved; a preset is a kind of description.
		sentence = _("Write your own prompt, or choose another preset.")
	elif name == "responseLanguage" and value != "auto" and not _LANGUAGE_CODE.match(value):
		# Translators: said when settings cannot be saved; de and pt_BR are language codes.
		sentence = _("Enter a language code such as de or pt_BR, or choose a language from the list.")
	elif name in ("sttBaseUrl", "sttLanguage"):
		sentence = _speechToTextProblem(name, value)
	return Problem(name, sentence) if sentence else None


def _withScheme(url: str) -> str:
	return "http://" + url if url and "://" not in url else url


def _speechToTextProblem(name: str, value: str) -> str | None:
	if name == "sttLanguage":
		if value and not _LANGUAGE_CODE.match(value):
			# Translators: said when settings cannot be saved; pt is a language code.
			return _("Enter the language of your spoken questions as a code such as pt, or leave it blank.")
		return None
	if not value.strip():
		# Translators: said when settings cannot be saved; {url} is an address.
		return _("Enter the speech-to-text server's address, such as {url}.").format(
			url=DEFAULT_TRANSCRIPTION_URL
		)
	return _baseUrlProblem(value, "openaiCompatible")


def _baseUrlProblem(url: str, provider: str) -> str | None:
	url = url.strip()
	if not url:
		if provider == "azure":
			return _(
				# Translators: said when settings cannot be saved; keep the address as it is.
				"Enter the address of your Azure OpenAI resource, such as https://NAME.openai.azure.com."
			)
		# Translators: said when settings cannot be saved; {url} is an address.
		return _("Enter the server's address, such as {url}.").format(
			url=DEFAULT_BASE_URLS.get(provider) or DEFAULT_BASE_URLS["ollama"]
		)
	problem = addressProblem(url)
	# The same check the clients and the command-line tool make, with the same sentences.
	return InvalidAddress(problem).sentence if problem else None


def keyTravelsUnencrypted(baseUrl: str) -> bool:
	"""True for an http address whose host is not this computer."""
	baseUrl = (baseUrl or "").strip()
	return baseUrl.lower().startswith("http://") and not isLoopbackHost(hostOf(baseUrl))


def _coerce(spec, raw: Any) -> Any:
	"""The field's value from raw config data, or None when it is invalid."""
	kind = spec.metadata["kind"]
	if kind == "boolean":
		if isinstance(raw, bool):
			return raw
		text = str(raw).strip().lower()
		return True if text in _TRUE else False if text in _FALSE else None
	if kind == "integer":
		if isinstance(raw, bool):
			return None
		try:
			value = int(str(raw).strip()) if not isinstance(raw, int) else raw
		except ValueError:
			return None
		return value if spec.metadata["min"] <= value <= spec.metadata["max"] else None
	if kind == "option":
		return raw if raw in spec.metadata["choices"] else None
	if isinstance(raw, (list, tuple)):
		# configobj reads an unquoted comma as a list; NVDA's spec is list_values=False, but be safe.
		return ", ".join(str(item) for item in raw)
	return str(raw)


def _validatorString(spec) -> str:
	meta = spec.metadata
	kind = meta["kind"]
	if kind == "option":
		choices = ", ".join(_quote(choice) for choice in meta["choices"])
		return f"option({choices}, default={_quote(spec.default)})"
	if kind == "integer":
		return f"integer(min={meta['min']}, max={meta['max']}, default={spec.default})"
	if kind == "boolean":
		return f"boolean(default={spec.default})"
	return f"string(default={_quote(spec.default)})"


def _quote(text: str) -> str:
	if '"' in text:
		raise ValueError("a default must not contain a double quote")
	return f'"{text}"'


CONFIG_SPEC: dict[str, str] = {spec.name: _validatorString(spec) for spec in fields(Settings)}
