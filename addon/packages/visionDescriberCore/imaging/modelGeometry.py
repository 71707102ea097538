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
- Tiles, in `tiledGeometry`: `AnyResTiles` (llava 1.6, Granite Vision): an overview tile, plus a grid
  of tiles chosen from a list of canvases once either side is over one tile. `MiniCpmSlices`: an
  overview plus up to nine 448-px slices. `MllamaTiles` (Llama 3.2 Vision): up to four 560-px tiles,
  and the encoder always runs four.
- `OpenAITiles` (gpt-4o, gpt-4o-mini: 512-px tiles after fitting 2048x2048 and a 768-px short side)
  and `OpenAIPatches` (gpt-4.1-mini, gpt-5-mini: 32-px patches, at most 1,536, times a multiplier).

Each rule answers, for a width x height picture: `serverSize` (what the encoder receives), `tokens`
(what it costs), `usefulSize` (the most of it the family can use: never more pixels than that are
sent) and `candidate` (a size near the given one that the server keeps as it is, such as whole
blocks). Which family a model belongs to, and each family's figures, are in `modelFamilies`.

Pure arithmetic: no I/O, no Pillow, any thread.
"""

from __future__ import annotations

import math

Size = tuple[int, int]

#: A floor at least this high is worth filling with real screen around a small target (see widening).
WIDEN_FLOOR_TOKENS = 256
#: Absorbs floating-point error before a floor or a ceiling (a scale of 0.9999999 is 1).
EPSILON = 1e-9


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
			return math.ceil(value - EPSILON)
		return _roundHalfUp(value)

	def serverSize(self, width: int, height: int) -> Size:
		block = self.block
		if self.fill:
			factor = math.sqrt(self.maxPixels / (width * height))
			return (
				max(block, math.floor(width * factor / block + EPSILON) * block),
				max(block, math.floor(height * factor / block + EPSILON) * block),
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
			newWidth = max(block, math.floor(width / beta / block + EPSILON) * block)
			newHeight = max(block, math.floor(height / beta / block + EPSILON) * block)
		elif newWidth * newHeight < self.minPixels:
			beta = math.sqrt(self.minPixels / (width * height))
			newWidth = math.ceil(width * beta / block - EPSILON) * block
			newHeight = math.ceil(height * beta / block - EPSILON) * block
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
		self.minTokens = math.ceil(multiplier - EPSILON)
		self.maxTokens = math.ceil(maxPatches * multiplier - EPSILON)

	def _patches(self, width: int, height: int) -> int:
		return math.ceil(width / self.patch) * math.ceil(height / self.patch)

	def serverSize(self, width: int, height: int) -> Size:
		if self._patches(width, height) <= self.maxPatches:
			return width, height
		shrink = math.sqrt(self.patch * self.patch * self.maxPatches / (width * height))
		width2, height2 = width * shrink, height * shrink
		columns = math.floor(width2 / self.patch + EPSILON)
		shrink2 = columns / (width2 / self.patch)
		return max(1, int(width2 * shrink2 + 1e-6)), max(1, int(height2 * shrink2 + 1e-6))

	def tokens(self, width: int, height: int) -> int:
		patches = min(self._patches(*self.serverSize(width, height)), self.maxPatches)
		return math.ceil(patches * self.multiplier - EPSILON)

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
