"""The tiled kinds of rule: llava 1.6 and Granite Vision's canvases, Llama 3.2 Vision's tiles and
MiniCPM-V's slices (see `modelGeometry` for what each rule answers). Pure arithmetic."""

from __future__ import annotations

import math
from collections.abc import Sequence

from .modelGeometry import EPSILON, Size, VisionGeometry, fitBox


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
		multiple = min(math.ceil(width * height / (self.slice * self.slice) - EPSILON), self.maxSlices)
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
