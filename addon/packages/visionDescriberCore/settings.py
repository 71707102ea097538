"""Every non-secret setting, typed, and the NVDA config spec it maps to.

The NVDA layer registers `CONFIG_SPEC` as `config.conf.spec["visionDescriber"]`, reads the section
with `Settings.fromConfig(config.conf["visionDescriber"])` and writes back `settings.toConfig()`.
Each field is declared once, with its type, default and limits; the configobj validator strings are
generated from that declaration, so the spec and the dataclass cannot drift apart.

There is no API key here on purpose: keys live only in the credential store (see `apiKeys`).
"""

import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from .prompts import DEFAULT_PRESET, PRESETS

log = logging.getLogger("visionDescriber")

PROVIDERS = ("ollama", "openai", "openaiCompatible")
IMAGE_DETAILS = ("auto", "low", "high")

DEFAULT_BASE_URLS = {
	"ollama": "http://127.0.0.1:11434",
	"openai": "https://api.openai.com/v1",
	# LM Studio's default; llama.cpp's server uses port 8080. The user sets their own.
	"openaiCompatible": "http://127.0.0.1:1234/v1",
}
DEFAULT_MODELS = {
	"ollama": "gemma3",
	"openai": "gpt-4.1-mini",
	"openaiCompatible": "",
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
	provider: str = _option("ollama", PROVIDERS, "ollama (native API), openai, or openaiCompatible")
	baseUrl: str = _string(DEFAULT_BASE_URLS["ollama"], "server address, e.g. http://127.0.0.1:11434")
	model: str = _string(DEFAULT_MODELS["ollama"], "model name as the server knows it")
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
	maxImageSide: int = _integer(0, 0, 8192, "longest image side in pixels; 0 chooses by provider")
	imageDetail: str = _option("auto", IMAGE_DETAILS, "OpenAI image detail")
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

	@classmethod
	def fromConfig(cls, section: Mapping) -> "Settings":
		"""Reads a config section; missing, unknown or invalid values fall back to their defaults."""
		values = {}
		for spec in fields(cls):
			if spec.name not in section:
				continue
			raw = section[spec.name]
			value = _coerce(spec, raw)
			if value is None:
				log.warning("Setting %s has an invalid value; using its default", spec.name)
				continue
			values[spec.name] = value
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
