"""What each family of vision models does with the pixels it is sent, as plain rules.

On a computer without a graphics card the wait before the first spoken word is mostly prompt
processing, and the picture is most of the prompt. Each rule here re-implements how a server resizes
a picture for one family and how many image tokens it becomes, so that `sizing` can send the size
the model will actually use. Sources (collected in the shared IMAGE_TOKENS.md): Ollama's Go image
code (servers before 0.30), llama.cpp's mtmd (what Ollama 0.30 and later run, and what LM Studio and
llama-server run), the models' Hugging Face processors and OpenAI's vision guide. Near rounding
edges a count may be off by a few per cent; nothing here was timed.

Kinds of rule:
- `FixedSquare`: one square input whatever is sent. Gemma 3 stretches every picture to 896x896
  (Ollama 0.30 letterboxes instead, which keeps only 896x504 of a 16:9 screen unless the picture is
  already square); llava 1.5 pads to 336x336. The cost never changes; more pixels buy nothing.
- `BlockGrid`: one token per block of pixels (Qwen2.5-VL 28 px, Qwen3-VL 32 px, Mistral Small 28 px
  plus one per row, Gemma 4 48 px), sides rounded to whole blocks and the total kept between a floor
  and a ceiling. Ollama 0.30 and later pass `--image-min-tokens 1024` for Qwen-VL, so there even a
  small crop costs 1,024 tokens.
- `AnyResTiles` (llava 1.6, Granite Vision): an overview tile, plus a grid of tiles chosen from a list
  of canvases once either side is over one tile. `MiniCpmSlices`: an overview plus up to nine 448-px
  slices. `MllamaTiles` (Llama 3.2 Vision): up to four 560-px tiles, and the encoder always runs four.
- `OpenAITiles` (gpt-4o, gpt-4o-mini: 512-px tiles after fitting 2048x2048 and a 768-px short side)
  and `OpenAIPatches` (gpt-4.1-mini, gpt-5-mini: 32-px patches, at most 1,536, times a multiplier).

Each rule answers, for a width x height picture: `serverSize` (what the encoder receives), `tokens`
(what it costs), `usefulSize` (the most of it the family can use: never more pixels than that are
sent) and `candidate` (a size near the given one that the server keeps as it is, such as whole
blocks). `geometryFromOllama` reads the plain data the Ollama client learned from /api/show and
/api/version; `geometryFromModelId` reads a model id for OpenAI and OpenAI-compatible servers. Both
return None for a model they do not know, and today's sizes then apply.

Pure arithmetic: no I/O, no Pillow, any thread.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

Size = tuple[int, int]

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
#: A floor at least this high is worth filling with real screen around a small target (see widening).
WIDEN_FLOOR_TOKENS = 256
_EPSILON = 1e-9


def fitLongSide(width: int, height: int, longSide: int) -> Size:
	"""width x height scaled (down or up) so its long side is longSide, aspect ratio kept."""
	scale = longSide / max(width, height)
	return max(1, round(width * scale)), max(1, round(height * scale))


def fitBox(width: int, height: int, boxWidth: int, boxHeight: int) -> Size:
	"""width x height made to fit boxWidth x boxHeight, aspect kept; never made larger."""
	scale = min(1.0, boxWidth / width, boxHeight / height)
	return max(1, round(width * scale)), max(1, round(height * scale))


def _roundHalfEven(value: float) -> int:
	return round(value)


def _roundHalfUp(value: float) -> int:
	return math.floor(value + 0.5)


class VisionGeometry:
	"""One family's rule on one kind of server. Subclasses fill in the arithmetic."""

	family = ""
	#: The least and the most a picture costs, in image tokens.
	minTokens = 1
	maxTokens = 1

	def __init__(self, label: str):
		#: Words for logs and the benchmark, e.g. "qwen2.5vl on Ollama 0.30+".
		self.label = label

	def serverSize(self, width: int, height: int) -> Size:
		return width, height

	def tokens(self, width: int, height: int) -> int:
		raise NotImplementedError

	def ownTokens(self, width: int, height: int) -> int:
		"""The picture's own cost, before a server lifts a small one to its floor (the same as tokens
		where there is no floor). A picture just under the floor is lifted by a row or a column of
		blocks, so comparing budgets with this keeps a picture near the floor from looking dearer
		than a tiny one."""
		return self.tokens(width, height)

	def usefulSize(self, width: int, height: int) -> Size:
		"""The most of a width x height picture the family uses: the server's own size when it shrinks
		the picture or only rounds it to whole blocks; when the server enlarges it (to a token floor),
		the picture itself, as `candidate` makes it."""
		server = self.serverSize(width, height)
		if (
			server[0] * server[1] <= width * height * 1.1
			and server[0] <= 2 * width
			and server[1] <= 2 * height
		):
			return server
		return self.candidate(width, height)

	def candidate(self, width: int, height: int) -> Size:
		"""A size close to width x height that the server keeps as it is (whole blocks, say)."""
		return width, height

	@property
	def floorTokens(self) -> int | None:
		"""The token floor a server enlarges small pictures to, when it is high enough that a small
		screen target is better shown with its surroundings (see widening)."""
		return None

	@property
	def floorBlock(self) -> int | None:
		"""The block size, in pixels, that the floor is counted in."""
		return None

	def __repr__(self) -> str:
		return f"{type(self).__name__}({self.label!r})"


class FixedSquare(VisionGeometry):
	"""A square input of `side` pixels whatever is sent: stretched (Gemma 3) or padded (llava 1.5)."""

	def __init__(self, family: str, label: str, side: int, fixedTokens: int, stretches: bool):
		super().__init__(label)
		self.family, self.side, self.stretches = family, side, stretches
		self.minTokens = self.maxTokens = fixedTokens

	def serverSize(self, width: int, height: int) -> Size:
		return self.side, self.side

	def tokens(self, width: int, height: int) -> int:
		return self.maxTokens

	def usefulSize(self, width: int, height: int) -> Size:
		if self.stretches:
			# The model's processor stretches to the square: each axis is useful up to `side`, so a
			# large screen goes as exactly side x side and a server that letterboxes loses no rows.
			return min(width, self.side), min(height, self.side)
		return fitBox(width, height, self.side, self.side)


class BlockGrid(VisionGeometry):
	"""One token per block x block pixels (plus one per row with rowBreak), sides in whole blocks.

	rounding: "even" (Ollama's Go code), "halfUp" (llama.cpp) or "ceil" (Ollama's Mistral: the long
	side first fitted to longEdge, then each side up to whole patches). fill: Ollama's Gemma 4 scales
	every picture to fill maxPixels, up or down.
	"""

	def __init__(
		self,
		family: str,
		label: str,
		block: int,
		minPixels: int,
		maxPixels: int,
		rounding: str = "halfUp",
		rowBreak: bool = False,
		fill: bool = False,
		longEdge: int | None = None,
		patch: int | None = None,
	):
		super().__init__(label)
		self.family, self.block = family, block
		self.minPixels, self.maxPixels = minPixels, maxPixels
		self.rounding, self.rowBreak, self.fill = rounding, rowBreak, fill
		self.longEdge, self.patch = longEdge, patch or block
		self.minTokens = max(1, minPixels // (block * block))
		if longEdge:
			self.maxTokens = self.tokens(longEdge, longEdge)
		else:
			rows = math.isqrt(maxPixels) // block if rowBreak else 0
			self.maxTokens = maxPixels // (block * block) + rows

	def _round(self, value: float) -> int:
		if self.rounding == "even":
			return _roundHalfEven(value)
		if self.rounding == "ceil":
			return math.ceil(value - _EPSILON)
		return _roundHalfUp(value)

	def serverSize(self, width: int, height: int) -> Size:
		block = self.block
		if self.fill:
			factor = math.sqrt(self.maxPixels / (width * height))
			return (
				max(block, math.floor(width * factor / block + _EPSILON) * block),
				max(block, math.floor(height * factor / block + _EPSILON) * block),
			)
		if self.longEdge:
			ratio = max(width, height) / self.longEdge
			if ratio > 1:
				width, height = max(1, math.floor(width / ratio)), max(1, math.floor(height / ratio))
			patch = self.patch
			return math.ceil(width / patch) * patch, math.ceil(height / patch) * patch
		newWidth = max(block, self._round(width / block) * block)
		newHeight = max(block, self._round(height / block) * block)
		if newWidth * newHeight > self.maxPixels:
			beta = math.sqrt(width * height / self.maxPixels)
			newWidth = max(block, math.floor(width / beta / block + _EPSILON) * block)
			newHeight = max(block, math.floor(height / beta / block + _EPSILON) * block)
		elif newWidth * newHeight < self.minPixels:
			beta = math.sqrt(self.minPixels / (width * height))
			newWidth = math.ceil(width * beta / block - _EPSILON) * block
			newHeight = math.ceil(height * beta / block - _EPSILON) * block
		return newWidth, newHeight

	def _countTokens(self, columns: int, rows: int) -> int:
		return columns * rows + (rows if self.rowBreak else 0)

	def _tokensOfServerSize(self, width: int, height: int) -> int:
		return self._countTokens(width // self.block, height // self.block)

	def tokens(self, width: int, height: int) -> int:
		return self._tokensOfServerSize(*self.serverSize(width, height))

	def ownTokens(self, width: int, height: int) -> int:
		if self.fill or self.longEdge or self.minPixels <= self.block * self.block:
			return self.tokens(width, height)
		unlifted = BlockGrid(
			self.family, self.label, self.block, 0, self.maxPixels, self.rounding, self.rowBreak
		)
		return unlifted.tokens(width, height)

	def candidate(self, width: int, height: int) -> Size:
		if self.fill:
			return width, height  # rescaled by the server anyway
		if self.longEdge:
			patch = self.patch  # Ollama's Mistral rounds each side up to whole patches
			return max(patch, math.ceil(width / patch) * patch), max(patch, math.ceil(height / patch) * patch)
		block = self.block
		return max(block, _roundHalfUp(width / block) * block), max(
			block, _roundHalfUp(height / block) * block
		)

	@property
	def floorTokens(self) -> int | None:
		return self.minTokens if self.minTokens >= WIDEN_FLOOR_TOKENS else None

	@property
	def floorBlock(self) -> int | None:
		return self.block if self.floorTokens else None


def bestCanvas(width: int, height: int, canvases: Sequence[Size]) -> Size:
	"""The canvas that shows the most of the picture, then wastes the least (llava-next's choice)."""
	best, bestShown, bestWaste = canvases[0], -1, math.inf
	for canvasWidth, canvasHeight in canvases:
		scale = min(canvasWidth / width, canvasHeight / height)
		shown = min(int(width * scale) * int(height * scale), width * height)
		waste = canvasWidth * canvasHeight - shown
		if shown > bestShown or (shown == bestShown and waste < bestWaste):
			best, bestShown, bestWaste = (canvasWidth, canvasHeight), shown, waste
	return best


def _contentIn(width: int, height: int, canvas: Size) -> Size:
	"""The picture's size once scaled into canvas (aspect kept); never larger than the picture."""
	return fitBox(width, height, *canvas)


class AnyResTiles(VisionGeometry):
	"""llava 1.6 and Granite Vision: a picture within one tile is the overview alone; a larger one
	adds a grid of tiles from the best canvas. Each tile and the overview cost tokensPerTile."""

	def __init__(self, family: str, label: str, tile: int, tokensPerTile: int, canvases: Sequence[Size]):
		super().__init__(label)
		self.family, self.tile, self.tokensPerTile = family, tile, tokensPerTile
		self.canvases = tuple(canvases)
		self.minTokens = tokensPerTile
		self.maxTokens = tokensPerTile * (1 + max(w * h for w, h in self.canvases) // (tile * tile))

	def _sliced(self, width: int, height: int) -> bool:
		return width > self.tile or height > self.tile

	def serverSize(self, width: int, height: int) -> Size:
		if not self._sliced(width, height):
			return self.tile, self.tile
		return bestCanvas(width, height, self.canvases)

	def tokens(self, width: int, height: int) -> int:
		if not self._sliced(width, height):
			return self.tokensPerTile
		canvasWidth, canvasHeight = bestCanvas(width, height, self.canvases)
		return self.tokensPerTile * (1 + (canvasWidth // self.tile) * (canvasHeight // self.tile))

	def usefulSize(self, width: int, height: int) -> Size:
		if not self._sliced(width, height):
			return width, height
		return _contentIn(width, height, bestCanvas(width, height, self.canvases))


class MllamaTiles(VisionGeometry):
	"""Llama 3.2 Vision: the picture is fitted into a canvas of at most maxTiles 560-px tiles, and the
	encoder always runs maxTiles tiles, so the cost is fixed (cross-attention states, reported here
	as tiles x positions per tile)."""

	family = "mllama"

	def __init__(self, label: str, tile: int = 560, maxTiles: int = 4, positionsPerTile: int = 1601):
		super().__init__(label)
		self.tile = tile
		self.canvases = tuple(
			(columns * tile, rows * tile)
			for columns in range(1, maxTiles + 1)
			for rows in range(1, maxTiles + 1)
			if columns * rows <= maxTiles
		)
		self.minTokens = self.maxTokens = maxTiles * positionsPerTile

	def serverSize(self, width: int, height: int) -> Size:
		return bestCanvas(width, height, self.canvases)

	def tokens(self, width: int, height: int) -> int:
		return self.maxTokens

	def usefulSize(self, width: int, height: int) -> Size:
		return _contentIn(width, height, bestCanvas(width, height, self.canvases))


class MiniCpmSlices(VisionGeometry):
	"""MiniCPM-V 2.6: an overview (64 tokens and 2 markers) plus, for a picture larger than one slice,
	up to nine slices of about 448x448 (66 each) and a newline between rows of slices."""

	family = "minicpmv"

	def __init__(self, label: str, slice: int = 448, maxSlices: int = 9, tokensPerSlice: int = 64):
		super().__init__(label)
		self.slice, self.maxSlices, self.perSlice = slice, maxSlices, tokensPerSlice + 2
		self.minTokens = self.perSlice
		self.maxTokens = self.perSlice * (1 + maxSlices) + maxSlices - 1

	def grid(self, width: int, height: int) -> Size | None:
		"""(columns, rows) of slices, or None for the overview alone."""
		if width <= self.slice and height <= self.slice:
			return None
		multiple = min(math.ceil(width * height / (self.slice * self.slice) - _EPSILON), self.maxSlices)
		if multiple <= 1:
			return None
		aspect = math.log(width / height)
		grids = [
			(columns, count // columns)
			for count in (multiple - 1, multiple, multiple + 1)
			if 1 < count <= self.maxSlices
			for columns in range(1, count + 1)
			if count % columns == 0
		]
		return min(grids, key=lambda grid: abs(aspect - math.log(grid[0] / grid[1])))

	def serverSize(self, width: int, height: int) -> Size:
		grid = self.grid(width, height)
		area = self.slice * self.slice * (grid[0] * grid[1] if grid else 1)
		scale = math.sqrt(area / (width * height))
		return max(1, round(width * scale)), max(1, round(height * scale))

	def tokens(self, width: int, height: int) -> int:
		grid = self.grid(width, height)
		if grid is None:
			return self.perSlice
		columns, rows = grid
		return self.perSlice * (1 + columns * rows) + rows - 1

	def usefulSize(self, width: int, height: int) -> Size:
		server = self.serverSize(width, height)
		return server if server[0] * server[1] < width * height else (width, height)


class OpenAITiles(VisionGeometry):
	"""gpt-4o and gpt-4o-mini: fit 2048x2048, short side at most 768, then base + perTile per 512-px
	tile ("high"), or base alone for a picture fitted to 512x512 ("low"). gpt-4o-mini bills these
	counts about 33 times over; the model reads the same number of tokens as gpt-4o."""

	def __init__(self, family: str, label: str, base: int = 85, perTile: int = 170):
		super().__init__(label)
		self.family, self.base, self.perTile = family, base, perTile
		self.minTokens = base
		self.maxTokens = base + perTile * 4 * 2  # 2048x768 is four tiles by two

	def serverSize(self, width: int, height: int) -> Size:
		width, height = fitBox(width, height, 2048, 2048)
		if min(width, height) > 768:
			scale = 768 / min(width, height)
			width, height = max(1, round(width * scale)), max(1, round(height * scale))
		return width, height

	def tokens(self, width: int, height: int) -> int:
		width, height = self.serverSize(width, height)
		return self.base + self.perTile * math.ceil(width / 512) * math.ceil(height / 512)

	@staticmethod
	def lowDetailSize(width: int, height: int) -> Size:
		return fitBox(width, height, 512, 512)


class OpenAIPatches(VisionGeometry):
	"""gpt-4.1-mini, gpt-5-mini and their kin: one patch per 32x32 pixels, at most 1,536 (a larger
	picture is scaled down to fit), each counted `multiplier` times."""

	def __init__(self, family: str, label: str, multiplier: float, patch: int = 32, maxPatches: int = 1536):
		super().__init__(label)
		self.family, self.multiplier, self.patch, self.maxPatches = family, multiplier, patch, maxPatches
		self.minTokens = math.ceil(multiplier - _EPSILON)
		self.maxTokens = math.ceil(maxPatches * multiplier - _EPSILON)

	def _patches(self, width: int, height: int) -> int:
		return math.ceil(width / self.patch) * math.ceil(height / self.patch)

	def serverSize(self, width: int, height: int) -> Size:
		if self._patches(width, height) <= self.maxPatches:
			return width, height
		shrink = math.sqrt(self.patch * self.patch * self.maxPatches / (width * height))
		width2, height2 = width * shrink, height * shrink
		columns = math.floor(width2 / self.patch + _EPSILON)
		shrink2 = columns / (width2 / self.patch)
		return max(1, int(width2 * shrink2 + 1e-6)), max(1, int(height2 * shrink2 + 1e-6))

	def tokens(self, width: int, height: int) -> int:
		patches = min(self._patches(*self.serverSize(width, height)), self.maxPatches)
		return math.ceil(patches * self.multiplier - _EPSILON)

	def candidate(self, width: int, height: int) -> Size:
		# Whole patches: a partial patch costs as much as a full one.
		patch = self.patch
		return (
			width // patch * patch if width >= patch else width,
			height // patch * patch if height >= patch else height,
		)

	def usefulSize(self, width: int, height: int) -> Size:
		size = self.candidate(*self.serverSize(width, height))
		# OpenAI's own size can round one row of patches over the limit (and a very thin picture more).
		while self._patches(*size) > self.maxPatches and max(size) > self.patch:
			size = self.candidate(*fitLongSide(*size, max(1, math.floor(max(size) * 0.97))))
		return size


# --- Families ------------------------------------------------------------------------------------

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
