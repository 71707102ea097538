"""OpenAI chat completions (/v1/chat/completions, server-sent events) and the servers compatible with it.

Images travel as data URIs with a `detail`. `stream_options.include_usage` asks for the usage
chunk. The answer length goes in `max_completion_tokens` (newer OpenAI models reject
`max_tokens`); a server that only knows `max_tokens` says so with a 400 naming the parameter, and
the request is sent again once with `max_tokens` (remembered for this client). A rejected
`temperature` (reasoning models accept only the default) or `stream_options` is dropped the same way.

Keys: Bearer, only when one is configured. Azure's differences (its `api-key` header, deployment
addresses, `api-version`) are a subclass in `azure.py`; this class knows nothing of them.

Model lists: /v1/models carries no capability flags on OpenAI (a name rule fills in the well-known
families). OpenRouter puts input modalities in each entry. On this computer or the local network,
LM Studio (/api/v1/models `capabilities.vision`, /api/v0/models `type: vlm`), llama.cpp (/props
`modalities.vision`) and Ollama (/api/show) are asked as well.
"""

import ipaddress
import json
import logging
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit, urlunsplit

from ..cancellation import CancelToken
from ..conversation.conversation import ASSISTANT, USER, Conversation
from ..errors import Cancelled, ModelCannotSee, ModelNotChosen, UnexpectedResponse, VisionDescriberError
from ..i18n import _
from .base import CheckReport, ModelInfo, VisionClient
from .endpoint import OPENAI, displayUrl, isLoopbackHost
from .streaming import Event, SseChatParser
from .transport import HttpFailure

log = logging.getLogger("visionDescriber")

# Parameters a server may refuse, and what to do about it.
_MAX_COMPLETION_TOKENS = "max_completion_tokens"
_MAX_TOKENS = "max_tokens"
_TEMPERATURE = "temperature"
_STREAM_OPTIONS = "stream_options"
_OPTIONAL_PARAMETERS = (_MAX_COMPLETION_TOKENS, _MAX_TOKENS, _TEMPERATURE, _STREAM_OPTIONS)

_NOT_CHAT = (
	"embedding",
	"tts",
	"whisper",
	"dall-e",
	"davinci",
	"babbage",
	"moderation",
	"transcribe",
	"realtime",
	"audio",
	"search",
	"gpt-image",
	"sora",
	"computer-use",
)
_OPENAI_VISION_PREFIXES = (
	"gpt-4o",
	"chatgpt-4o",
	"gpt-4.1",
	"gpt-4.5",
	"gpt-5",
	"gpt-4-turbo",
	"gpt-4-vision",
	"o1",
	"o3",
	"o4",
)
_OPENAI_TEXT_ONLY = ("gpt-3.5", "o1-mini", "o3-mini", "o1-preview")


def openaiNameSaysVision(name: str) -> bool | None:
	"""OpenAI's /v1/models says nothing about images; the model families do."""
	lowered = name.lower()
	if any(part in lowered for part in _NOT_CHAT):
		return False
	if lowered.startswith(_OPENAI_TEXT_ONLY) or lowered in ("gpt-4", "gpt-4-0613", "gpt-4-0314"):
		return False
	if lowered.startswith(_OPENAI_VISION_PREFIXES):
		return True
	return None


def _visionFromEntry(entry: dict) -> bool | None:
	"""Capability fields some servers put in their /v1/models entries."""
	architecture = entry.get("architecture")
	for modalities in (
		entry.get("input_modalities"),
		architecture.get("input_modalities") if isinstance(architecture, dict) else None,
	):
		if isinstance(modalities, list):
			return "image" in modalities
	capabilities = entry.get("capabilities")
	if isinstance(capabilities, dict) and isinstance(capabilities.get("vision"), bool):
		return capabilities["vision"]
	if isinstance(capabilities, list) and capabilities:
		return "vision" in capabilities or "multimodal" in capabilities
	if entry.get("type") in ("vlm", "llm"):
		return entry["type"] == "vlm"
	return None


def _modelEntries(answer) -> Iterator[dict]:
	"""The entries of a /models answer, in the shapes servers use: `data` (OpenAI), `models`, a bare
	list, names as plain strings."""
	entries = None
	if isinstance(answer, dict):
		entries = answer.get("data") if isinstance(answer.get("data"), list) else answer.get("models")
	elif isinstance(answer, list):
		entries = answer
	if not isinstance(entries, list):
		raise UnexpectedResponse(detail=f"/models answered {str(answer)[:300]}")
	for entry in entries:
		if isinstance(entry, str):
			yield {"id": entry}
		elif isinstance(entry, dict):
			yield entry


def _isLocalHost(host: str | None) -> bool:
	if isLoopbackHost(host):
		return True
	try:
		return ipaddress.ip_address((host or "").strip("[]")).is_private
	except ValueError:
		return bool(host) and (host.endswith(".local") or "." not in host)


class OpenAIChatClient(VisionClient):
	provider = OPENAI

	def __init__(self, config):
		super().__init__(config)
		self.provider = config.provider
		self._tokenParameter = _MAX_COMPLETION_TOKENS
		self._refused: set[str] = set()

	# Addresses.

	def _chatUrl(self) -> tuple[str, dict | None]:
		"""Where the chat request goes, and the query parameters it needs."""
		return self.baseUrl + "/chat/completions", None

	def _serverRoot(self) -> str:
		"""The address without the API's path, where local servers keep their own endpoints."""
		parts = urlsplit(self.baseUrl)
		path = parts.path
		for suffix in ("/v1", "/api/v1", "/api/v0"):
			if path.endswith(suffix):
				path = path[: -len(suffix)]
				break
		return urlunsplit((parts.scheme, parts.netloc, path, "", ""))

	# Requests.

	def _messages(self, conversation: Conversation) -> list[dict]:
		messages: list[dict] = []
		if conversation.systemPrompt:
			messages.append({"role": "system", "content": conversation.systemPrompt})
		for turn in conversation.requestTurns():
			if turn.role == USER and turn.images:
				parts: list[dict] = [
					{
						"type": "image_url",
						"image_url": {"url": image.dataUri(), "detail": self.config.imageDetail or "auto"},
					}
					for image in turn.images
				]
				if turn.text:
					parts.append({"type": "text", "text": turn.text})
				messages.append({"role": USER, "content": parts})
			else:
				messages.append({"role": turn.role if turn.role == USER else ASSISTANT, "content": turn.text})
		return messages

	def _chatBody(self, conversation: Conversation, maxTokens: int | None) -> dict:
		body: dict = {
			"model": self._requireModel(),
			"messages": self._messages(conversation),
			"stream": True,
		}
		if _STREAM_OPTIONS not in self._refused:
			body[_STREAM_OPTIONS] = {"include_usage": True}
		if maxTokens:
			body[self._tokenParameter] = maxTokens
		if self.config.temperature is not None and _TEMPERATURE not in self._refused:
			body[_TEMPERATURE] = self.config.temperature
		return body

	def _refusedParameter(self, failure: HttpFailure, body: dict) -> str | None:
		if failure.status not in (400, 422):
			return None
		if failure.info.param in body and failure.info.param in _OPTIONAL_PARAMETERS:
			return failure.info.param
		haystack = (failure.info.message + " " + failure.text[:2000]).lower()
		if not any(
			word in haystack
			for word in (
				"unsupported",
				"unrecognized",
				"not supported",
				"unknown",
				"extra",
				"not permitted",
				"invalid",
			)
		):
			return None
		for parameter in _OPTIONAL_PARAMETERS:
			if parameter in body and parameter in haystack:
				return parameter
		return None

	def _adjust(self, body: dict, parameter: str) -> bool:
		"""Changes the body so the server accepts it; False when there is nothing left to try."""
		if parameter in self._refused:
			return False
		self._refused.add(parameter)
		if parameter in (_MAX_COMPLETION_TOKENS, _MAX_TOKENS):
			other = _MAX_TOKENS if parameter == _MAX_COMPLETION_TOKENS else _MAX_COMPLETION_TOKENS
			if other in self._refused:
				body.pop(parameter, None)
				return True
			body[other] = body.pop(parameter)
			self._tokenParameter = other
		else:
			body.pop(parameter, None)
		log.info("%s refused %s; sending the request again without it", self.displayUrl, parameter)
		return True

	def _stream(
		self, conversation: Conversation, cancelToken: CancelToken | None, maxTokens: int | None
	) -> Iterator[Event]:
		body = self._chatBody(conversation, maxTokens)
		url, params = self._chatUrl()
		for _attempt in range(len(_OPTIONAL_PARAMETERS) + 1):
			try:
				exchange = self._request(
					"POST",
					url,
					json=body,
					params=params,
					stream=True,
					cancelToken=cancelToken,
					picture=conversation.lastImage,
				)
				break
			except HttpFailure as failure:
				parameter = self._refusedParameter(failure, body)
				if parameter is None or not self._adjust(body, parameter):
					raise self._failures.fromStatus(failure) from None
		else:  # pragma: no cover - every parameter refused at most once
			raise UnexpectedResponse(detail="the server refused every variant of the request")
		yield from self._streamEvents(exchange, SseChatParser(), cancelToken)

	# Models.

	def listModels(self, cancelToken: CancelToken | None = None) -> list[ModelInfo]:
		answer = self._getJson("GET", self.baseUrl + "/models", cancelToken=cancelToken)
		models: dict[str, ModelInfo] = {}
		for entry in _modelEntries(answer):
			name = entry.get("id") or entry.get("name") or entry.get("model")
			if not isinstance(name, str) or not name:
				continue
			vision = _visionFromEntry(entry)
			if vision is None and self.provider == OPENAI:
				vision = openaiNameSaysVision(name)
			models[name] = ModelInfo(name, vision)
		if any(model.vision is None for model in models.values()) and _isLocalHost(
			urlsplit(self.baseUrl).hostname
		):
			self._askLocalServer(models, cancelToken)
		return sorted(models.values(), key=lambda model: model.name.lower())

	def _optionalJson(self, method: str, url: str, cancelToken: CancelToken | None, **kwargs):
		"""A best-effort question to a server-specific endpoint: None when it is not there."""
		try:
			exchange = self._requestOnce(method, url, cancelToken=cancelToken, readTimeout=10.0, **kwargs)
		except Cancelled:
			raise
		except (VisionDescriberError, HttpFailure) as error:
			log.debug("No answer from %s: %s", displayUrl(url), getattr(error, "detail", error))
			return None
		try:
			return json.loads(exchange.readAll(4 * 1024 * 1024))
		except Exception:
			if cancelToken is not None:
				cancelToken.raiseIfCancelled()
			return None
		finally:
			exchange.close()

	def _askLocalServer(self, models: dict[str, ModelInfo], cancelToken: CancelToken | None) -> None:
		"""LM Studio, llama.cpp and Ollama say more about their models on endpoints of their own."""
		root = self._serverRoot()

		def fill(name: str, vision: bool | None) -> None:
			if name in models and models[name].vision is None and vision is not None:
				models[name].vision = vision

		answer = self._optionalJson("GET", root + "/api/v1/models", cancelToken)  # LM Studio 0.4+
		if isinstance(answer, dict) and isinstance(answer.get("models"), list):
			for entry in answer["models"]:
				if isinstance(entry, dict) and isinstance(entry.get("key"), str):
					fill(entry["key"], _visionFromEntry(entry))
			return
		answer = self._optionalJson("GET", root + "/api/v0/models", cancelToken)  # LM Studio 0.3
		if isinstance(answer, dict) and isinstance(answer.get("data"), list):
			for entry in answer["data"]:
				if isinstance(entry, dict) and isinstance(entry.get("id"), str):
					fill(entry["id"], _visionFromEntry(entry))
			return
		answer = self._optionalJson("GET", root + "/props", cancelToken)  # llama.cpp
		if isinstance(answer, dict) and isinstance(answer.get("modalities"), dict):
			vision = answer["modalities"].get("vision")
			if isinstance(vision, bool) and len(models) == 1:
				fill(next(iter(models)), vision)
			return
		answer = self._optionalJson("GET", root + "/api/version", cancelToken)  # Ollama
		if isinstance(answer, dict) and isinstance(answer.get("version"), str):
			from .ollama import OllamaClient

			for name, model in models.items():
				if model.vision is not None:
					continue
				show = self._optionalJson("POST", root + "/api/show", cancelToken, json={"model": name})
				if isinstance(show, dict):
					fill(name, OllamaClient.visionFromShow(show))

	# Checking a connection.

	def check(
		self,
		cancelToken: CancelToken | None = None,
		onLine: Callable[[str], None] | None = None,
		probe: bool = True,
	) -> CheckReport:
		report = CheckReport(onLine=onLine)
		self._checkModel(report, cancelToken)
		if probe:
			report.say(self._probe(cancelToken))
			if report.vision is None:
				report.vision = True
		return report

	def _checkModel(self, report: CheckReport, cancelToken: CancelToken | None) -> None:
		"""Says what the server's model list tells about the configured model; raises when it cannot work."""
		say = report.say
		try:
			models: list[ModelInfo] | None = self.listModels(cancelToken)
		except UnexpectedResponse:
			models = None  # some servers have no model list; the test picture will tell
		if models is None:
			say(_("Connected to {url}; it does not list its models.").format(url=self.displayUrl))
		else:
			# Translators: {count} is a number of models.
			say(
				_("Connected to {url}; it offers {count} models.").format(
					url=self.displayUrl, count=len(models)
				)
			)
		model = self.config.model
		if not model:
			visionModels = [entry.name for entry in models or [] if entry.vision]
			if visionModels:
				say(_("Models that can see images: {models}.").format(models=", ".join(visionModels[:20])))
			raise ModelNotChosen()
		found = next(
			(entry for entry in models or [] if model in (entry.name, entry.name.removeprefix("models/"))),
			None,
		)
		if found is not None:
			self._sayListedModel(report, found)
		elif models:
			say(_("The model {model} is not in the server's list; trying it anyway.").format(model=model))

	def _sayListedModel(self, report: CheckReport, found: ModelInfo) -> None:
		model = self.config.model
		report.vision = found.vision
		if found.vision is False:
			raise ModelCannotSee(model, detail="the model list says it takes no images")
		if found.vision:
			report.say(_("The model {model} is offered and can see images.").format(model=model))
		else:
			report.say(
				_("The model {model} is offered; the server does not say whether it can see images.").format(
					model=model
				)
			)
