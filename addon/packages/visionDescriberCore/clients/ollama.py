"""Ollama's native API: POST /api/chat streaming NDJSON.

Images are bare base64 strings (a `data:` prefix is rejected). `think: false` is sent unless the
user asked for thinking, so thinking models answer at once. `keep_alive` and `options`
(num_ctx, num_predict, temperature) come from the settings. A request with an empty `messages`
list loads the model and returns at once: `warmUp` uses it before the first describe. Capabilities
come from /api/show (`"vision"` since Ollama 0.6.4); older servers fall back to the model's
families (clip, mllama). `describeGeometry` reads the vision fields of /api/show and the server's
version, from which `imaging.modelFamilies` knows how large a picture the model uses.
"""

from collections.abc import Callable, Iterator

from ..cancellation import CancelToken
from ..conversation.conversation import Conversation
from ..errors import Cancelled, ModelCannotSee, ModelNotChosen, UnexpectedResponse, VisionDescriberError
from ..i18n import _
from ..imaging.modelFamilies import projectorNeedsLists
from .base import CheckReport, ModelInfo, VisionClient, log
from .endpoint import OLLAMA
from .streaming import Event, NdjsonChatParser

_VISION_FAMILIES = ("clip", "mllama")
#: Seconds to wait for /api/version and /api/show before a describe goes on with today's sizes.
GEOMETRY_TIMEOUT = 5.0


def _fields(section) -> dict:
	"""A model_info or projector_info section without its tokenizer (a vocabulary's worth of lists)."""
	if not isinstance(section, dict):
		return {}
	return {key: value for key, value in section.items() if not key.startswith("tokenizer.")}


class OllamaClient(VisionClient):
	provider = OLLAMA

	def _url(self, path: str) -> str:
		return self.baseUrl + path

	def _authHeaders(self) -> dict[str, str]:
		# Plain Ollama needs no key; one is sent only when configured (Ollama behind a proxy, or cloud).
		return super()._authHeaders()

	def _messages(self, conversation: Conversation) -> list[dict]:
		messages: list[dict] = []
		if conversation.systemPrompt:
			messages.append({"role": "system", "content": conversation.systemPrompt})
		for turn in conversation.requestTurns():
			message: dict = {"role": turn.role, "content": turn.text}
			if turn.images:
				message["images"] = [image.base64() for image in turn.images]  # bare base64, no data: prefix
			messages.append(message)
		return messages

	def _chatBody(self, conversation: Conversation, maxTokens: int | None) -> dict:
		config = self.config
		body: dict = {
			"model": self._requireModel(),
			"messages": self._messages(conversation),
			"stream": True,
			"think": bool(config.think),
		}
		if config.keepAlive is not None and config.keepAlive != "":
			body["keep_alive"] = config.keepAlive
		options: dict = {}
		if config.numCtx:
			options["num_ctx"] = config.numCtx
		if maxTokens:
			options["num_predict"] = maxTokens
		if config.temperature is not None:
			options["temperature"] = config.temperature
		if options:
			body["options"] = options
		return body

	def _stream(
		self, conversation: Conversation, cancelToken: CancelToken | None, maxTokens: int | None
	) -> Iterator[Event]:
		body = self._chatBody(conversation, maxTokens)
		exchange = self._send(
			"POST",
			self._url("/api/chat"),
			json=body,
			stream=True,
			cancelToken=cancelToken,
			picture=conversation.lastImage,
		)
		yield from self._streamEvents(exchange, NdjsonChatParser(), cancelToken)

	def warmUp(self, cancelToken: CancelToken | None = None) -> None:
		body: dict = {"model": self._requireModel(), "messages": [], "stream": False}
		if self.config.keepAlive is not None and self.config.keepAlive != "":
			body["keep_alive"] = self.config.keepAlive
		answer = self._getJson(
			"POST", self._url("/api/chat"), json=body, modelRequest=True, cancelToken=cancelToken
		)
		if not isinstance(answer, dict) or answer.get("error"):
			raise UnexpectedResponse(detail=self._redact(f"warm-up answered {str(answer)[:300]}"))

	def serverVersion(self, cancelToken: CancelToken | None = None) -> str:
		answer = self._getJson("GET", self._url("/api/version"), cancelToken=cancelToken)
		version = answer.get("version") if isinstance(answer, dict) else None
		if not isinstance(version, str):
			raise UnexpectedResponse(detail=f"/api/version answered {str(answer)[:300]}")
		return version

	def show(
		self,
		model: str,
		cancelToken: CancelToken | None = None,
		verbose: bool = False,
		readTimeout: float | None = None,
	) -> dict:
		body: dict = {"model": model, "verbose": True} if verbose else {"model": model}
		answer = self._getJson(
			"POST",
			self._url("/api/show"),
			json=body,
			modelRequest=True,
			cancelToken=cancelToken,
			readTimeout=readTimeout,
		)
		if not isinstance(answer, dict):
			raise UnexpectedResponse(detail=f"/api/show answered {str(answer)[:300]}")
		return answer

	def describeGeometry(self, cancelToken: CancelToken | None = None) -> dict:
		"""Worker: what the server does with pictures for the configured model, as plain data for
		`imaging.modelFamilies.geometryFromOllama`: the server's version and the vision fields of
		/api/show's model_info and projector_info. /api/show leaves lists out unless asked with
		verbose (which also sends the whole vocabulary), so a second, verbose request is made only when
		the projector has a tile list. Short read timeouts: this runs before a describe."""
		model = self._requireModel()
		version = self._getJson(
			"GET", self._url("/api/version"), cancelToken=cancelToken, readTimeout=GEOMETRY_TIMEOUT
		)
		info = self.show(model, cancelToken, readTimeout=GEOMETRY_TIMEOUT)
		if projectorNeedsLists(_fields(info.get("projector_info"))):
			info = self.show(model, cancelToken, verbose=True, readTimeout=GEOMETRY_TIMEOUT)
		return {
			"serverVersion": version.get("version") if isinstance(version, dict) else None,
			"modelInfo": _fields(info.get("model_info")),
			"projectorInfo": _fields(info.get("projector_info")),
		}

	@staticmethod
	def visionFromShow(info: dict) -> bool | None:
		capabilities = info.get("capabilities")
		if isinstance(capabilities, list):
			return "vision" in capabilities
		details = info.get("details")
		families = details.get("families") if isinstance(details, dict) else None
		if isinstance(families, list) and any(family in _VISION_FAMILIES for family in families):
			return True
		return None  # an Ollama older than 0.6.4 that does not say

	def listModels(self, cancelToken: CancelToken | None = None) -> list[ModelInfo]:
		answer = self._getJson("GET", self._url("/api/tags"), cancelToken=cancelToken)
		entries = answer.get("models") if isinstance(answer, dict) else None
		if not isinstance(entries, list):
			raise UnexpectedResponse(detail=f"/api/tags answered {str(answer)[:300]}")
		models: list[ModelInfo] = []
		for entry in entries:
			if not isinstance(entry, dict):
				continue
			name = entry.get("name") or entry.get("model")
			if not isinstance(name, str):
				continue
			details = entry.get("details") if isinstance(entry.get("details"), dict) else {}
			note = str(details.get("parameter_size") or "")
			try:
				vision = self.visionFromShow(self.show(name, cancelToken))
			except Cancelled:
				raise
			except VisionDescriberError as error:
				# One broken model must not hide the others.
				log.warning("Could not ask Ollama about %s: %s", name, error.detail)
				vision = None
			models.append(ModelInfo(name, vision, note))
		return sorted(models, key=lambda model: model.name.lower())

	def check(
		self,
		cancelToken: CancelToken | None = None,
		onLine: Callable[[str], None] | None = None,
		probe: bool = True,
	) -> CheckReport:
		report = CheckReport(onLine=onLine)
		say = report.say

		report.serverVersion = self.serverVersion(cancelToken)
		# Translators: {version} is like 0.12.6, {url} the server's address.
		say(
			_("Ollama {version} is running at {url}.").format(
				version=report.serverVersion, url=self.displayUrl
			)
		)
		if not self.config.model:
			visionModels = [model.name for model in self.listModels(cancelToken) if model.vision]
			if visionModels:
				say(
					_("Installed models that can see images: {models}.").format(
						models=", ".join(visionModels)
					)
				)
			else:
				say(_("No installed model can see images. Try: ollama pull gemma3"))
			raise ModelNotChosen()
		model = self.config.model
		report.vision = self.visionFromShow(self.show(model, cancelToken))
		if report.vision is False:
			raise ModelCannotSee(model, detail="/api/show lists no vision capability")
		if report.vision:
			say(_("The model {model} is installed and can see images.").format(model=model))
		else:
			say(
				_(
					"The model {model} is installed; this Ollama does not say whether it can see images."
				).format(model=model)
			)
		if probe:
			say(self._probe(cancelToken))
		return report
