"""A fake Ollama that validates requests the way the real server does and replays realistic streams.

Shapes follow Ollama's API docs and source: NDJSON chat chunks with `message.content` (and
`message.thinking`), a final `done: true` object with `done_reason` and nanosecond timings omitted
when zero, `{"error": "..."}` bodies, 404 `model '<name>' not found`, a `data:` image prefix refused
with `illegal base64 data at input byte 4`, `think: true` refused by models that cannot think, and
the empty-messages preload answered with `done_reason: "load"`.

/api/show describes each vision family as Ollama does (`VISION_FAMILIES`): `model_info` with the
architecture and its prefixed vision fields (`gemma3.vision.image_size`, `qwen25vl.vision.patch_size`
...), and for models with a separate projector (llava, MiniCPM-V, Granite Vision) `projector_info`
with `clip.*` fields. Lists (a projector's tile grid, a model's layer indexes, the vocabulary) come
back as JSON null unless the request says `"verbose": true`, as Ollama sends them. /api/version
answers the generation the test chooses: `OLD_OLLAMA` (0.24, its own Go image code) or `NEW_OLLAMA`
(0.30, llama.cpp's mtmd); the fields of /api/show are the same in both.
"""

import base64
import binascii
import json
import re
from collections import deque

from .httpServer import RecordedRequest, Reply, ScriptedHttpServer

NDJSON = "application/x-ndjson"
CREATED_AT = "2025-10-14T09:21:07.151739Z"
DEFAULT_ANSWER = ["A small", " black square", " sits in the middle", " of a white picture."]

DEFAULT_MODELS = {
	"gemma3:4b": ["completion", "vision"],
	"llama3.2:3b": ["completion", "tools"],
	"qwen3:8b": ["completion", "tools", "thinking"],
	"qwen2.5vl:7b": ["completion", "vision"],
}

_BASE64 = re.compile(rb"[A-Za-z0-9+/=]")

OLD_OLLAMA = "0.24.0"
NEW_OLLAMA = "0.30.0"

_LLAVA16_GRID = [336, 672, 672, 336, 672, 672, 1008, 336, 336, 1008]
_GRANITE_GRID = [
	value
	for columns in range(1, 11)
	for rows in range(1, 11)
	if columns * rows <= 10
	for value in (columns * 384, rows * 384)
]

#: What /api/show says about each vision family: (model_info fields, projector_info fields).
VISION_FAMILIES: dict[str, tuple[dict, dict]] = {
	"gemma3:4b": (
		{
			"general.architecture": "gemma3",
			"gemma3.vision.image_size": 896,
			"gemma3.vision.patch_size": 14,
			"gemma3.vision.block_count": 27,
			"gemma3.mm.tokens_per_image": 256,
		},
		{},
	),
	"gemma4:12b": (
		{
			"general.architecture": "gemma4",
			"gemma4.vision.patch_size": 16,
			"gemma4.vision.projector.scale_factor": 3,
			"gemma4.vision.block_count": 27,
		},
		{},
	),
	"qwen2.5vl:7b": (
		{
			"general.architecture": "qwen25vl",
			"qwen25vl.vision.patch_size": 14,
			"qwen25vl.vision.spatial_merge_size": 2,
			"qwen25vl.vision.window_size": 112,
			"qwen25vl.vision.fullatt_block_indexes": [7, 15, 23, 31],
		},
		{},
	),
	"qwen3-vl:8b": (
		{
			"general.architecture": "qwen3vl",
			"qwen3vl.vision.patch_size": 16,
			"qwen3vl.vision.spatial_merge_size": 2,
			"qwen3vl.vision.shortest_edge": 65536,
			"qwen3vl.vision.longest_edge": 16777216,
			"qwen3vl.vision.deepstack_visual_indexes": [8, 16, 24],
		},
		{},
	),
	"llama3.2-vision:11b": (
		{
			"general.architecture": "mllama",
			"mllama.vision.image_size": 560,
			"mllama.vision.max_num_tiles": 4,
			"mllama.vision.patch_size": 14,
		},
		{},
	),
	"minicpm-v:8b": (
		{"general.architecture": "qwen2"},
		{
			"general.architecture": "clip",
			"clip.has_vision_encoder": True,
			"clip.projector_type": "resampler",
			"clip.minicpmv_version": 3,
			"clip.vision.image_size": 448,
			"clip.vision.patch_size": 14,
		},
	),
	"granite3.2-vision:2b": (
		{"general.architecture": "granite"},
		{
			"general.architecture": "clip",
			"clip.has_vision_encoder": True,
			"clip.projector_type": "mlp",
			"clip.vision.image_size": 384,
			"clip.vision.patch_size": 14,
			"clip.vision.mm_patch_merge_type": "spatial_unpad",
			"clip.vision.image_grid_pinpoints": _GRANITE_GRID,
		},
	),
	"llava:7b": (
		{"general.architecture": "llama"},
		{
			"general.architecture": "clip",
			"clip.has_vision_encoder": True,
			"clip.projector_type": "mlp",
			"clip.vision.image_size": 336,
			"clip.vision.patch_size": 14,
			"clip.vision.mm_patch_merge_type": "spatial_unpad",
			"clip.vision.image_grid_pinpoints": _LLAVA16_GRID,
		},
	),
	"llava-llama3:8b": (
		{"general.architecture": "llama"},
		{
			"general.architecture": "clip",
			"clip.has_vision_encoder": True,
			"clip.projector_type": "mlp",
			"clip.vision.image_size": 336,
			"clip.vision.patch_size": 14,
			"clip.vision.mm_patch_merge_type": "flat",
		},
	),
	"mistral-small3.1:24b": (
		{
			"general.architecture": "mistral3",
			"mistral3.vision.image_size": 1540,
			"mistral3.vision.patch_size": 14,
			"mistral3.spatial_merge_size": 2,
		},
		{},
	),
}
#: Every family, installed and able to see (FakeOllama(models=VISION_MODELS)).
VISION_MODELS = {name: ["completion", "vision"] for name in VISION_FAMILIES}


def ndjsonLine(obj) -> bytes:
	return json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n"


def ollamaLines(
	pieces=DEFAULT_ANSWER,
	thinking=(),
	model: str = "gemma3:4b",
	doneReason: str = "stop",
	done: bool = True,
) -> list[bytes]:
	"""One line per piece, as /api/chat streams them."""
	lines = []
	for piece in thinking:
		message = {"role": "assistant", "content": "", "thinking": piece}
		lines.append(
			ndjsonLine({"model": model, "created_at": CREATED_AT, "message": message, "done": False})
		)
	for piece in pieces:
		message = {"role": "assistant", "content": piece}
		lines.append(
			ndjsonLine({"model": model, "created_at": CREATED_AT, "message": message, "done": False})
		)
	if done:
		final = {
			"model": model,
			"created_at": CREATED_AT,
			"message": {"role": "assistant", "content": ""},
			"done_reason": doneReason,
			"done": True,
			"total_duration": 2_104_582_917,
			# load_duration is omitted: zero when the model was already loaded
			"prompt_eval_count": 281,
			"prompt_eval_duration": 610_000_000,
			"eval_count": len(pieces) + len(thinking),
			"eval_duration": 1_402_000_000,
		}
		lines.append(ndjsonLine(final))
	return lines


def ollamaReply(pieces=DEFAULT_ANSWER, thinking=(), between=None, **kwargs) -> Reply:
	"""A streamed chat reply; `between` (an action such as Delay) goes between lines."""
	body: list = []
	for line in ollamaLines(pieces, thinking, **kwargs):
		if between is not None and body:
			body.append(between)
		body.append(line)
	return Reply(200, body, NDJSON)


def ollamaError(message: str, status: int) -> Reply:
	return Reply.json({"error": message}, status)


class FakeOllama(ScriptedHttpServer):
	def __init__(
		self,
		models: dict[str, list[str]] | None = None,
		version: str = "0.12.6",
		host: str = "127.0.0.1",
		reportsCapabilities: bool = True,
	):
		"""reportsCapabilities=False imitates an Ollama older than 0.6.4 (families only)."""
		super().__init__(host)
		self.models = dict(DEFAULT_MODELS if models is None else models)
		self.version = version
		self.reportsCapabilities = reportsCapabilities
		self.chatReplies: deque[Reply] = deque()
		self.route("GET", "/api/version", lambda request: Reply.json({"version": self.version}))
		self.route("GET", "/api/tags", self._tags)
		self.route("POST", "/api/show", self._show)
		self.route("POST", "/api/chat", self._chat)

	def queueChat(self, *replies: Reply) -> None:
		self.chatReplies.extend(replies)

	def chatRequests(self) -> list[RecordedRequest]:
		return self.requestsTo("/api/chat")

	def _resolve(self, name) -> str | None:
		if not isinstance(name, str):
			return None
		if name in self.models:
			return name
		if ":" not in name and f"{name}:latest" in self.models:
			return f"{name}:latest"
		return None

	def _details(self, name: str) -> dict:
		family = name.split(":")[0].rstrip("0123456789.") or name
		families = [family]
		if "vision" in self.models[name]:
			families.append("clip")
		return {
			"parent_model": "",
			"format": "gguf",
			"family": family,
			"families": families,
			"parameter_size": "4.3B",
			"quantization_level": "Q4_K_M",
		}

	def _tags(self, request: RecordedRequest) -> Reply:
		models = [
			{
				"name": name,
				"model": name,
				"modified_at": "2025-09-30T18:02:11.480551+02:00",
				"size": 3_338_801_804,
				"digest": "a2af6cc3eb7fa8be8504abaf9b04e88f17a119ec3f04a3addf55f92841195f5a",
				"details": self._details(name),
			}
			for name in self.models
		]
		return Reply.json({"models": models})

	def _show(self, request: RecordedRequest) -> Reply:
		body = request.json or {}
		name = self._resolve(body.get("model") or body.get("name"))
		if name is None:
			return ollamaError(f"model '{body.get('model')}' not found", 404)
		verbose = body.get("verbose") is True
		modelInfo, projectorInfo = VISION_FAMILIES.get(
			name, ({"general.architecture": name.split(":")[0]}, {})
		)
		modelInfo = {
			**modelInfo,
			"general.parameter_count": 4_300_079_472,
			"tokenizer.ggml.model": "llama",
			"tokenizer.ggml.tokens": ["<pad>", "<eos>", "<bos>", "<unk>"] * 64,
		}
		info = {
			"license": "Gemma Terms of Use",
			"modelfile": f"FROM {name}\n",
			"parameters": 'stop "<end_of_turn>"\ntemperature 1',
			"template": "{{- range .Messages }}...{{- end }}",
			"details": self._details(name),
			"model_info": _listsOnlyWhenVerbose(modelInfo, verbose),
			"modified_at": "2025-09-30T18:02:11.480551+02:00",
		}
		if projectorInfo:
			info["projector_info"] = _listsOnlyWhenVerbose(projectorInfo, verbose)
		if self.reportsCapabilities:
			info["capabilities"] = list(self.models[name])
		return Reply.json(info)

	def _chat(self, request: RecordedRequest) -> Reply:
		try:
			body = json.loads(request.body)
		except ValueError:
			return ollamaError("invalid character 'x' looking for beginning of value", 400)
		if not body.get("model"):
			return ollamaError("model is required", 400)
		name = self._resolve(body["model"])
		if name is None:
			return ollamaError(f"model '{body['model']}' not found", 404)
		capabilities = self.models[name]
		if body.get("think") is True and "thinking" not in capabilities:
			return ollamaError(f'"{body["model"]}" does not support thinking', 400)
		stream = body.get("stream", True)
		messages = body.get("messages") or []
		if not messages:
			load = {
				"model": name,
				"created_at": CREATED_AT,
				"message": {"role": "assistant", "content": ""},
				"done_reason": "load",
				"done": True,
			}
			return Reply.json(load) if not stream else Reply(200, [ndjsonLine(load)], NDJSON)
		for message in messages:
			for image in message.get("images") or []:
				problem = _base64Problem(image)
				if problem is not None:
					return ollamaError(f"illegal base64 data at input byte {problem}", 400)
				if "vision" not in capabilities:
					return ollamaError("this model is missing data required for image input", 500)
		if self.chatReplies:
			return self.chatReplies.popleft()
		if not stream:
			return Reply.json(
				{
					"model": name,
					"created_at": CREATED_AT,
					"message": {"role": "assistant", "content": "".join(DEFAULT_ANSWER)},
					"done_reason": "stop",
					"done": True,
				}
			)
		return ollamaReply(model=name)


def _listsOnlyWhenVerbose(fields: dict, verbose: bool) -> dict:
	"""Ollama sends list values (a tile grid, a vocabulary) as null unless asked with verbose."""
	return {key: (value if verbose or not isinstance(value, list) else None) for key, value in fields.items()}


def _base64Problem(image) -> int | None:
	"""Index of the first byte Go's base64 decoder would refuse, like Ollama reports it."""
	if not isinstance(image, str):
		return 0
	data = image.encode("latin-1", errors="replace")
	for index, byte in enumerate(data):
		if not _BASE64.match(bytes([byte])):
			return index
	try:
		base64.b64decode(data, validate=True)
	except binascii.Error:
		return len(data)
	return None
