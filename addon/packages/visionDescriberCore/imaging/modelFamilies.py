"""Which picture rule each vision model follows, and the rule's figures for each family.

The rules themselves (how a server resizes a picture and counts its tokens) are in `modelGeometry`;
here each family is a rule with its own numbers, per generation of server:
- Ollama before 0.30 runs its own Go image code (`OLLAMA_GO`); 0.30 and later hand every model to
  llama.cpp's mtmd (`OLLAMA_MTMD`) and pass `--image-min-tokens 1024` for Qwen-VL. Llama 3.2 Vision
  has no images on 0.30 (its rule is kept; the server refuses the picture).
- Another OpenAI-compatible server (`COMPATIBLE`) is taken to behave as llama.cpp without Ollama's
  floor: LM Studio and llama-server are llama.cpp; vLLM follows the model's own processor, whose
  limits are wider, so the budget decides there.

`geometryFromOllama` recognises a family from what the Ollama client learned (the architecture in
/api/show's model_info and its prefixed vision fields; for models with a separate projector, its
`clip.*` fields), `geometryFromModelId` from a model id (OpenAI's names; open models by the words
their ids use on LM Studio, llama.cpp, vLLM, OpenRouter and Ollama's /v1). Both return None for a
model they do not know, and today's sizes then apply. Field values that are missing or odd fall
back to the family's published figures.

Pure data and arithmetic: no I/O, any thread.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from .modelGeometry import BlockGrid, FixedSquare, OpenAIPatches, OpenAITiles, Size, VisionGeometry
from .tiledGeometry import AnyResTiles, MiniCpmSlices, MllamaTiles

#: Which code resizes the picture: Ollama before 0.30 (its own Go code), Ollama 0.30 and later
#: (llama.cpp's mtmd, with Ollama's token floor for Qwen-VL), or another OpenAI-compatible server
#: (taken to behave as llama.cpp without Ollama's floor; vLLM follows the model's own processor).
OLLAMA_GO = "ollamaGo"
OLLAMA_MTMD = "ollamaMtmd"
COMPATIBLE = "compatible"
#: The first Ollama release that hands every model to llama.cpp.
MTMD_OLLAMA = (0, 30)
#: Ollama 0.30's `--image-min-tokens` for Qwen-VL models.
OLLAMA_QWEN_FLOOR_TOKENS = 1024
#: llama.cpp's token ceiling for Qwen-VL.
MTMD_QWEN_MAX_TOKENS = 4096

_GENERATION_WORDS = {
	OLLAMA_GO: "Ollama before 0.30",
	OLLAMA_MTMD: "Ollama 0.30+",
	COMPATIBLE: "a compatible server",
}


def _label(name: str, generation: str) -> str:
	return f"{name} on {_GENERATION_WORDS[generation]}"


def gemma3(generation: str, side: int = 896, tokens: int = 256) -> VisionGeometry:
	return FixedSquare("gemma3", _label("gemma3", generation), side, tokens, stretches=True)


def gemma4(generation: str, patch: int = 16, merge: int = 3) -> VisionGeometry:
	block = patch * merge
	if generation == OLLAMA_GO:
		return BlockGrid(
			"gemma4", _label("gemma4", generation), block, 40 * block * block, 280 * block * block, fill=True
		)
	return BlockGrid("gemma4", _label("gemma4", generation), block, 40 * block * block, 280 * block * block)


def qwenVl(
	family: str,
	generation: str,
	patch: int,
	merge: int = 2,
	goMinPixels: int = 56 * 56,
	goMaxPixels: int = 2 << 20,
) -> VisionGeometry:
	block = patch * merge
	label = _label(family, generation)
	if generation == OLLAMA_GO:
		return BlockGrid(family, label, block, goMinPixels, goMaxPixels, rounding="even")
	floor = OLLAMA_QWEN_FLOOR_TOKENS if generation == OLLAMA_MTMD else 8
	return BlockGrid(family, label, block, floor * block * block, MTMD_QWEN_MAX_TOKENS * block * block)


def mistral3(generation: str, patch: int = 14, merge: int = 2, longEdge: int = 1540) -> VisionGeometry:
	block = patch * merge
	label = _label("mistral3", generation)
	if generation == OLLAMA_GO:
		return BlockGrid(
			"mistral3",
			label,
			block,
			block * block,
			longEdge * longEdge,
			rounding="ceil",
			rowBreak=True,
			longEdge=longEdge,
			patch=patch,
		)
	return BlockGrid("mistral3", label, block, block * block, 1024 * block * block, rowBreak=True)


def llama32Vision(generation: str, tile: int = 560, maxTiles: int = 4) -> VisionGeometry:
	return MllamaTiles(_label("llama3.2-vision", generation), tile, maxTiles)


def minicpmV(generation: str, slice: int = 448) -> VisionGeometry:
	return MiniCpmSlices(_label("minicpm-v", generation), slice)


def tileGrid(tile: int, maxTiles: int) -> tuple[Size, ...]:
	"""Every canvas of whole tiles with at most maxTiles tiles (Granite Vision's list)."""
	return tuple(
		(columns * tile, rows * tile)
		for columns in range(1, maxTiles + 1)
		for rows in range(1, maxTiles + 1)
		if columns * rows <= maxTiles
	)


LLAVA16_CANVASES = ((336, 672), (672, 336), (672, 672), (1008, 336), (336, 1008))


def llavaAnyRes(generation: str, tile: int, patch: int, canvases: Sequence[Size] | None) -> VisionGeometry:
	tokensPerTile = (tile // patch) ** 2
	if tile == 384:
		name, family, canvases = "granite3.2-vision", "granite", canvases or tileGrid(384, 10)
	else:
		name, family, canvases = "llava 1.6", "llava16", canvases or LLAVA16_CANVASES
	return AnyResTiles(family, _label(name, generation), tile, tokensPerTile, canvases)


def llava15(generation: str, side: int = 336, patch: int = 14) -> VisionGeometry:
	return FixedSquare(
		"llava15", _label("llava 1.5", generation), side, (side // patch) ** 2, stretches=False
	)


# --- From Ollama's own description -----------------------------------------------------------------


def ollamaGeneration(version: str | None) -> str:
	"""OLLAMA_MTMD for 0.30 and later (and for a version that cannot be read), else OLLAMA_GO."""
	numbers = re.findall(r"\d+", version or "")
	if len(numbers) < 2:
		return OLLAMA_MTMD
	return OLLAMA_MTMD if (int(numbers[0]), int(numbers[1])) >= MTMD_OLLAMA else OLLAMA_GO


def _positive(mapping: Mapping, key: str, default: int) -> int:
	value = mapping.get(key)
	if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
		return default
	return int(value)


def _canvases(value) -> tuple[Size, ...] | None:
	"""A projector's tile list: flat [w, h, w, h, ...] or pairs; None when absent or not sent."""
	if not isinstance(value, list) or not value:
		return None
	flat = [item for pair in value for item in pair] if isinstance(value[0], list) else list(value)
	if len(flat) % 2 or not all(isinstance(item, int) and item > 0 for item in flat):
		return None
	return tuple(zip(flat[0::2], flat[1::2], strict=True))


def projectorNeedsLists(projectorInfo: Mapping) -> bool:
	"""True when the projector has a tile list that /api/show left out (sent without verbose)."""
	key = "clip.vision.image_grid_pinpoints"
	return key in projectorInfo and _canvases(projectorInfo.get(key)) is None


def geometryFromOllama(facts: Mapping) -> VisionGeometry | None:
	"""The rule for a model Ollama described: facts holds "serverVersion", "modelInfo" (model_info)
	and "projectorInfo" (projector_info), as `OllamaClient.describeGeometry` returns them."""
	generation = ollamaGeneration(facts.get("serverVersion"))
	info = facts.get("modelInfo") or {}
	projector = facts.get("projectorInfo") or {}
	architecture = str(info.get("general.architecture") or "")

	def number(key: str, default: int) -> int:
		return _positive(info, f"{architecture}.{key}", default)

	if architecture == "gemma3":
		return gemma3(generation, number("vision.image_size", 896), number("mm.tokens_per_image", 256))
	if architecture == "gemma4":
		return gemma4(generation, number("vision.patch_size", 16), number("vision.projector.scale_factor", 3))
	if architecture == "qwen25vl":
		return qwenVl(
			"qwen2.5vl",
			generation,
			number("vision.patch_size", 14),
			number("vision.spatial_merge_size", 2),
			goMaxPixels=number("vision.max_pixels", 2 << 20),
		)
	if architecture in ("qwen3vl", "qwen3vlmoe"):
		return qwenVl(
			"qwen3-vl",
			generation,
			number("vision.patch_size", 16),
			number("vision.spatial_merge_size", 2),
			goMinPixels=number("vision.shortest_edge", 64 << 10),
		)
	if architecture == "mllama":
		return llama32Vision(generation, number("vision.image_size", 560), number("vision.max_num_tiles", 4))
	if architecture == "mistral3":
		return mistral3(
			generation,
			number("vision.patch_size", 14),
			number("spatial_merge_size", 2),
			number("vision.longest_edge", number("vision.image_size", 1540)),
		)
	return _fromProjector(generation, projector)


def _fromProjector(generation: str, projector: Mapping) -> VisionGeometry | None:
	kind = str(projector.get("clip.projector_type") or "").lower()
	tile = _positive(projector, "clip.vision.image_size", 0)
	patch = _positive(projector, "clip.vision.patch_size", 14)
	if kind == "resampler" or "clip.minicpmv_version" in projector:
		return minicpmV(generation, tile or 448)
	if kind not in ("mlp", "mlp_norm", "ldp", "ldpv2") or not tile:
		return None
	if (
		"clip.vision.image_grid_pinpoints" in projector
		or projector.get("clip.vision.mm_patch_merge_type") == "spatial_unpad"
	):
		return llavaAnyRes(
			generation, tile, patch, _canvases(projector.get("clip.vision.image_grid_pinpoints"))
		)
	return llava15(generation, tile, patch)


# --- From a model id (OpenAI and OpenAI-compatible servers) -------------------------------------

#: OpenAI models counted in 32-px patches, with their multipliers (OpenAI's vision guide).
OPENAI_PATCH_MODELS = (
	("gpt-4.1-mini", 1.62),
	("gpt-4.1-nano", 2.46),
	("gpt-5-mini", 1.62),
	("gpt-5-nano", 2.46),
	("o4-mini", 1.72),
)
#: OpenAI models counted in 512-px tiles (longer names first).
OPENAI_TILE_MODELS = ("gpt-4o-mini", "gpt-4o", "chatgpt-4o")

#: Open families by the words their ids use on LM Studio, llama.cpp, vLLM, OpenRouter and Ollama's /v1.
_OPEN_FAMILIES = (
	(re.compile(r"gemma[-_ ]?3(?!n)"), lambda g: gemma3(g)),
	(re.compile(r"gemma[-_ ]?4"), lambda g: gemma4(g)),
	(re.compile(r"qwen[-_ ]?2\.?5[-_ ]?vl"), lambda g: qwenVl("qwen2.5vl", g, 14)),
	(re.compile(r"qwen[-_ ]?3[-_ ]?vl"), lambda g: qwenVl("qwen3-vl", g, 16)),
	(re.compile(r"llama[-_ ]?3\.?2.*vision"), lambda g: llama32Vision(g)),
	(re.compile(r"minicpm[-_ ]?v"), lambda g: minicpmV(g)),
	(re.compile(r"granite.*vision"), lambda g: llavaAnyRes(g, 384, 14, None)),
	(re.compile(r"llava.*(1\.6|v1\.6|next)"), lambda g: llavaAnyRes(g, 336, 14, None)),
	(re.compile(r"llava"), lambda g: llava15(g)),
	(re.compile(r"mistral[-_ ]?small[-_ ]?3[._-]?[12]"), lambda g: mistral3(g)),
)


def geometryFromModelId(modelId: str, provider: str) -> VisionGeometry | None:
	"""The rule for a model named modelId at an OpenAI ("openai", "azure") or OpenAI-compatible
	server; None for a name it does not recognise."""
	name = (modelId or "").strip().lower()
	if not name:
		return None
	if provider in ("openai", "azure"):
		for prefix, multiplier in OPENAI_PATCH_MODELS:
			if name.startswith(prefix):
				return OpenAIPatches(prefix, prefix, multiplier)
		for prefix in OPENAI_TILE_MODELS:
			if name.startswith(prefix):
				return OpenAITiles(prefix, prefix)
		return None
	for pattern, make in _OPEN_FAMILIES:
		if pattern.search(name):
			return make(COMPATIBLE)
	return None
