"""A fake OpenAI-compatible server: chat completions over SSE in the flavours met in the wild.

Flavours: "openai" (role chunk, content chunks, finish chunk, usage chunk with empty choices,
`[DONE]`), "openrouter" (`: OPENROUTER PROCESSING` comments, `delta.reasoning`, modalities in the
model list), "llamacpp" (`reasoning_content`, timings, /props with `modalities.vision`, 500 "image
input is not supported" without an mmproj), "lmstudio" (/api/v1/models with
`capabilities.vision`), "azure" (content-filter chunk with empty choices first, `api-key` header,
`api-version` required). Error bodies follow each server's real shape.
"""

import base64
import binascii
import json
from collections import deque

from .httpServer import RecordedRequest, Reply, ScriptedHttpServer

SSE = "text/event-stream"
DEFAULT_ANSWER = ["A small", " black square", " on a white", " background."]
DEFAULT_MODELS = {"gpt-4o-mini": True, "gpt-3.5-turbo": False, "o4-mini": True}
_IMAGE_TYPES = ("image/png", "image/jpeg", "image/jpg", "image/webp", "image/gif")


def sseEvent(obj) -> bytes:
	data = obj if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False)
	return b"data: " + data.encode("utf-8") + b"\n\n"


def _chunk(model: str, delta: dict, finish=None, flavour: str = "openai", **extra) -> dict:
	choice: dict = {"index": 0, "delta": delta, "finish_reason": finish}
	if flavour == "openai":
		choice["logprobs"] = None
	if flavour == "azure":
		choice["content_filter_results"] = {"hate": {"filtered": False, "severity": "safe"}}
	return {
		"id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
		"object": "chat.completion.chunk",
		"created": 1741569952,
		"model": model,
		"system_fingerprint": "fp_44709d6fcb",
		"choices": [choice],
		**extra,
	}


def sseLines(
	pieces=DEFAULT_ANSWER,
	reasoning=(),
	flavour: str = "openai",
	model: str = "gpt-4o-mini",
	finishReason: str | None = "stop",
	usage: bool = True,
	done: bool = True,
) -> list[bytes]:
	"""One SSE event per element, as the flavour's server sends them."""
	events: list[bytes] = []
	if flavour == "openrouter":
		events.append(b": OPENROUTER PROCESSING\n\n")
	if flavour == "azure":
		events.append(
			sseEvent(
				{
					"choices": [],
					"created": 0,
					"id": "",
					"model": "",
					"object": "",
					"prompt_filter_results": [{"prompt_index": 0, "content_filter_results": {}}],
				}
			)
		)
	events.append(sseEvent(_chunk(model, {"role": "assistant", "content": ""}, flavour=flavour)))
	reasoningField = {"llamacpp": "reasoning_content"}.get(flavour, "reasoning")
	for piece in reasoning:
		events.append(sseEvent(_chunk(model, {"content": None, reasoningField: piece}, flavour=flavour)))
	for index, piece in enumerate(pieces):
		events.append(sseEvent(_chunk(model, {"content": piece}, flavour=flavour)))
		if flavour == "llamacpp" and index == 0:
			events.append(b": ping\n\n")  # llama.cpp keep-alive comment
	counts = {"prompt_tokens": 95, "completion_tokens": len(pieces), "total_tokens": 95 + len(pieces)}
	if finishReason is not None:
		extra = {}
		if flavour == "llamacpp":
			extra = {
				"timings": {
					"prompt_n": 95,
					"prompt_ms": 410.2,
					"predicted_n": len(pieces),
					"predicted_ms": 120.5,
				}
			}
		events.append(sseEvent(_chunk(model, {}, finishReason, flavour=flavour, **extra)))
	if usage and finishReason is not None:
		usageChunk = _chunk(model, {}, flavour=flavour, usage=counts)
		usageChunk["choices"] = []
		events.append(sseEvent(usageChunk))
	if done:
		events.append(sseEvent("[DONE]"))
	return events


def sseReply(pieces=DEFAULT_ANSWER, reasoning=(), between=None, **kwargs) -> Reply:
	body: list = []
	for event in sseLines(pieces, reasoning, **kwargs):
		if between is not None and body:
			body.append(between)
		body.append(event)
	return Reply(200, body, SSE, {"Cache-Control": "no-cache"})


def openaiError(
	message: str, status: int, type: str = "invalid_request_error", code=None, param=None
) -> Reply:
	return Reply.json({"error": {"message": message, "type": type, "param": param, "code": code}}, status)


class FakeOpenAI(ScriptedHttpServer):
	def __init__(
		self,
		models: dict[str, bool] | None = None,
		apiKey: str | None = None,
		flavour: str = "openai",
		host: str = "127.0.0.1",
		legacyMaxTokens: bool = False,
		reasoningModels: tuple[str, ...] = ("o4-mini",),
		prefix: str = "/v1",
	):
		super().__init__(host)
		self.models = dict(DEFAULT_MODELS if models is None else models)
		self.apiKey = apiKey
		self.flavour = flavour
		self.legacyMaxTokens = legacyMaxTokens
		self.reasoningModels = reasoningModels
		self.prefix = prefix
		self.chatReplies: deque[Reply] = deque()
		self.route("GET", f"{prefix}/models", self._models)
		self.route("POST", f"{prefix}/chat/completions", self._chat)
		if flavour == "lmstudio":
			self.route("GET", "/api/v1/models", self._lmStudioModels)
		if flavour == "llamacpp":
			self.route("GET", "/props", self._props)

	def queueChat(self, *replies: Reply) -> None:
		self.chatReplies.extend(replies)

	def chatPath(self) -> str:
		return f"{self.prefix}/chat/completions"

	def chatRequests(self) -> list[RecordedRequest]:
		return self.requestsTo(self.chatPath())

	def notFound(self, request: RecordedRequest) -> Reply:
		if self.flavour == "llamacpp":
			return Reply.json(
				{"error": {"code": 404, "message": "File Not Found", "type": "not_found_error"}}, 404
			)
		return openaiError(f"Invalid URL ({request.method} {request.path})", 404)

	def _authProblem(self, request: RecordedRequest) -> Reply | None:
		if self.apiKey is None:
			return None
		if self.flavour == "azure":
			if request.header("api-key") == self.apiKey:
				return None
			return Reply.json(
				{
					"error": {
						"code": "401",
						"message": "Access denied due to invalid subscription key or wrong API endpoint. "
						"Make sure to provide a valid key for an active subscription and use a correct "
						"regional API endpoint for your resource.",
					}
				},
				401,
			)
		header = request.header("authorization")
		if not header:
			return openaiError(
				"You didn't provide an API key. You need to provide your API key in an Authorization header "
				"using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
				401,
			)
		given = header.removeprefix("Bearer ")
		if given != self.apiKey:
			masked = given[:3] + "*" * 10 + given[-4:]
			return openaiError(
				f"Incorrect API key provided: {masked}. You can find your API key at "
				"https://platform.openai.com/account/api-keys.",
				401,
				code="invalid_api_key",
			)
		return None

	def _models(self, request: RecordedRequest) -> Reply:
		problem = self._authProblem(request)
		if problem is not None:
			return problem
		entries = []
		for name, vision in self.models.items():
			entry = {"id": name, "object": "model", "created": 1715367049, "owned_by": "system"}
			if self.flavour == "openrouter":
				modalities = ["text", "image"] if vision else ["text"]
				entry["architecture"] = {"input_modalities": modalities, "output_modalities": ["text"]}
			if self.flavour == "llamacpp":
				entry["owned_by"] = "llamacpp"
				entry["meta"] = {"vocab_type": 2, "n_ctx_train": 131072}
			entries.append(entry)
		return Reply.json({"object": "list", "data": entries})

	def _lmStudioModels(self, request: RecordedRequest) -> Reply:
		models = [
			{
				"type": "llm",
				"publisher": "lmstudio-community",
				"key": name,
				"display_name": name,
				"architecture": "gemma3",
				"quantization": {"name": "Q4_K_M", "bits_per_weight": 4},
				"size_bytes": 3_340_000_000,
				"params_string": "4B",
				"loaded_instances": [],
				"max_context_length": 131072,
				"format": "gguf",
				"capabilities": {"vision": vision, "trained_for_tool_use": False},
			}
			for name, vision in self.models.items()
		]
		return Reply.json({"models": models})

	def _props(self, request: RecordedRequest) -> Reply:
		vision = next(iter(self.models.values()), False)
		return Reply.json(
			{
				"default_generation_settings": {"n_ctx": 8192, "params": {"temperature": 0.8}},
				"total_slots": 1,
				"model_path": "/models/gemma-3-4b-it-Q4_K_M.gguf",
				"modalities": {"vision": vision, "audio": False},
				"build_info": "b6123-2a8e9d4",
			}
		)

	def _chat(self, request: RecordedRequest) -> Reply:
		problem = self._authProblem(request)
		if problem is not None:
			return problem
		if self.flavour == "azure" and not request.query.get("api-version"):
			return Reply.json({"error": {"code": "404", "message": "Resource not found"}}, 404)
		try:
			body = json.loads(request.body)
		except ValueError:
			return openaiError("We could not parse the JSON body of your request.", 400)
		model = body.get("model")
		for check in (self._modelProblem, self._parameterProblem, self._imagesProblem):
			problem = check(model, body)
			if problem is not None:
				return problem
		if self.chatReplies:
			return self.chatReplies.popleft()
		if not body.get("stream"):
			return Reply.json(
				{
					"id": "chatcmpl-1",
					"object": "chat.completion",
					"model": model,
					"choices": [
						{
							"index": 0,
							"message": {"role": "assistant", "content": "".join(DEFAULT_ANSWER)},
							"finish_reason": "stop",
						}
					],
				}
			)
		usage = bool((body.get("stream_options") or {}).get("include_usage"))
		return sseReply(flavour=self.flavour, model=model or "model", usage=usage)

	def _modelProblem(self, model, body: dict) -> Reply | None:
		if model in self.models or self.flavour in ("llamacpp", "azure"):
			return None  # llama.cpp serves its one model whatever the name; Azure's deployment is in the path
		return openaiError(
			f"The model `{model}` does not exist or you do not have access to it.",
			404,
			code="model_not_found",
		)

	def _parameterProblem(self, model, body: dict) -> Reply | None:
		"""Old servers refuse max_completion_tokens; reasoning models refuse max_tokens and a temperature."""
		if self.legacyMaxTokens and "max_completion_tokens" in body:
			return openaiError("Unrecognized request argument supplied: max_completion_tokens", 400)
		if model not in self.reasoningModels:
			return None
		if "max_tokens" in body:
			return openaiError(
				"Unsupported parameter: 'max_tokens' is not supported with this model. "
				"Use 'max_completion_tokens' instead.",
				400,
				code="unsupported_parameter",
				param="max_tokens",
			)
		if body.get("temperature", 1) != 1:
			return openaiError(
				f"Unsupported value: 'temperature' does not support {body['temperature']} with this model. "
				"Only the default (1) value is supported.",
				400,
				code="unsupported_value",
				param="temperature",
			)
		return None

	def _imagesProblem(self, model, body: dict) -> Reply | None:
		"""A malformed image, or any image for a model that cannot see, refused as each server does."""
		vision = self.models.get(model, next(iter(self.models.values()), False))
		for messageIndex, message in enumerate(body.get("messages") or []):
			content = message.get("content")
			if not isinstance(content, list):
				continue
			for partIndex, part in enumerate(content):
				if part.get("type") != "image_url":
					continue
				problem = _imageProblem(part.get("image_url"))
				if problem:
					return openaiError(problem, 400, code="invalid_image_format")
				if not vision:
					return self._cannotSee(f"messages.[{messageIndex}].content.[{partIndex}].type")
		return None

	def _cannotSee(self, param: str) -> Reply:
		if self.flavour == "llamacpp":
			return Reply.json(
				{
					"error": {
						"code": 500,
						"message": "image input is not supported - hint: if this is unexpected, "
						"you may need to provide the mmproj",
						"type": "server_error",
					}
				},
				500,
			)
		return openaiError(
			"Invalid content type. image_url is only supported by certain models.", 400, param=param
		)


def _imageProblem(imageUrl) -> str | None:
	if not isinstance(imageUrl, dict) or not isinstance(imageUrl.get("url"), str):
		return "Invalid type for 'messages[0].content[0].image_url': expected an object."
	url = imageUrl["url"]
	if not url.startswith("data:"):
		return "Only data URIs are accepted here."
	header, _, data = url.partition(",")
	mimeType = header[5:].split(";")[0]
	if mimeType not in _IMAGE_TYPES or ";base64" not in header:
		return "You uploaded an unsupported image. Please make sure your image is a valid PNG, JPEG, GIF or WEBP."
	try:
		base64.b64decode(data, validate=True)
	except binascii.Error:
		return "You uploaded an unsupported image. Please make sure your image is valid."
	detail = imageUrl.get("detail", "auto")
	if detail not in ("low", "high", "auto"):
		return f"Invalid value: '{detail}'. Supported values are: 'low', 'high', and 'auto'."
	return None
