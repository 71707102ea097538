"""How big a picture is sent: the user's picture detail, turned into pixels for the model's family.

Picture detail is a budget in image tokens, because tokens are what the user waits for: on a
computer without a graphics card, prompt processing takes roughly 12 to 56 seconds per 1,000 tokens,
and the picture is most of the prompt.
- Fast: about 300 tokens. Balanced (the default): about 1,000, raised towards what keeps a
  screen's ordinary text readable (about 1344x756 pixels; 1152x648 of a 1920x1080 screen at 100 %
  loses one word in eight to tesseract), but never over 1,500. Detailed: the most the family uses.
- The size sent is the largest that fits the budget and that the model will use as it is (see
  `modelGeometry`): Gemma 3 gets exactly 896x896 from any larger picture; Qwen-VL sides in whole
  28- or 32-px blocks; OpenAI's patch-counting models within 1,536 patches; tile families at whole
  tiles (or the overview alone). Never more pixels than the family can use.
- A server that costs a floor whatever it is sent (Ollama 0.30 gives Qwen-VL at least 1,024 tokens)
  lowers no further: the budget is then the floor, and `widening` fills it with the surroundings of
  a small screen target instead of letting the server enlarge a tiny crop.
- A picture the family uses whole goes at its own size, even where the server rounds it to whole
  blocks (a resample by a few per cent would only blur it). Small pictures are enlarged by a whole
  factor only as today (long side under 512 pixels, at most 2x, pixels repeated), and only when the
  family uses the extra pixels within the budget; no side is ever more than twice the picture's.
- The user's image size (`maxSide`) overrides the budget: the long side is at most that, and still
  never more than the family can use.
- A model whose family is not known keeps today's sizes (`preparation.policyForProvider`), and
  OpenAI's `detail` follows the old setting it replaced (Fast "low", Balanced "auto", Detailed
  "high"). Known OpenAI families get "low" for Fast on tile models and "high" otherwise, since the
  size sent already decides the cost; other known families get "auto", which their servers ignore.

The choice is a scan down the long side in 1 % steps, a few hundred evaluations of the family's
arithmetic at most (well under a millisecond per picture). No Pillow at import: the NVDA layer
imports settings (and so this module) before it knows whether Pillow loaded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .modelFamilies import geometryFromModelId
from .modelGeometry import OpenAIPatches, OpenAITiles, Size, VisionGeometry, fitLongSide

if TYPE_CHECKING:
	from ..media import PreparedImage
	from .preparation import ImagePolicy

FAST = "fast"
BALANCED = "balanced"
DETAILED = "detailed"
PICTURE_DETAILS = (FAST, BALANCED, DETAILED)
#: Image tokens each level aims at; None: the family's maximum.
TOKEN_BUDGETS: dict[str, int | None] = {FAST: 300, BALANCED: 1000, DETAILED: None}
#: Balanced pays up to BALANCED_CEILING tokens towards keeping a screen's ordinary text readable:
#: LEGIBLE_PIXELS (1344x756) of a 1920x1080 screen at 100 % kept 98 % of the words tesseract reads
#: at full size; near 1280x720 the share swings between 76 and 98 % from one size to the next, and
#: 1152x648 kept 88 % (benchmarks/pictureSizes.py measures it).
LEGIBLE_PIXELS = 1344 * 756
BALANCED_CEILING = 1500
#: The setting this one replaced ("Image detail (OpenAI)") and how its values map.
LEGACY_IMAGE_DETAILS = {"low": FAST, "auto": BALANCED, "high": DETAILED}
_OPENAI_DETAIL_BY_LEVEL = {FAST: "low", BALANCED: "auto", DETAILED: "high"}

#: Today's rule for small pictures: enlarged towards this long side, by a whole factor of at most 2.
ENLARGE_BELOW_LONG_SIDE = 512
MAX_ENLARGEMENT = 2
#: The user's long side is kept within these (as preparation does for today's sizes).
MIN_MAX_SIDE = 64
MAX_MAX_SIDE = 8192
_SCAN_STEP = 0.99


def levelFromLegacyDetail(imageDetail: str) -> str:
	"""The picture detail for a value of the old OpenAI image detail ("low", "auto", "high")."""
	return LEGACY_IMAGE_DETAILS.get(str(imageDetail).strip().lower(), BALANCED)


def geometryFromSettings(provider: str, model: str) -> VisionGeometry | None:
	"""The rule known without asking a server: from the model id for OpenAI and compatible servers.
	Ollama is asked instead (`OllamaClient.describeGeometry`), so this gives None for it."""
	if provider == "ollama":
		return None
	return geometryFromModelId(model, provider)


def openaiDetail(geometry: VisionGeometry | None, level: str) -> str:
	"""OpenAI's `detail` for a picture of this level sent to this family."""
	if isinstance(geometry, OpenAITiles):
		return "low" if level == FAST else "high"
	if isinstance(geometry, OpenAIPatches):
		return "high"
	if geometry is not None:
		return "auto"
	return _OPENAI_DETAIL_BY_LEVEL.get(level, "auto")


def openaiDetailFor(provider: str, model: str, level: str) -> str:
	return openaiDetail(geometryFromSettings(provider, model), level)


def _fits(size: Size, width: int, height: int) -> Size:
	"""No side more than MAX_ENLARGEMENT times the picture's (a block rounding of a tiny side)."""
	return min(size[0], MAX_ENLARGEMENT * width), min(size[1], MAX_ENLARGEMENT * height)


def _largestWithin(geometry: VisionGeometry, useful: Size, limit: int, picture: Size) -> Size:
	"""The largest candidate no larger than useful (nor than the picture, once it has to shrink)
	whose own tokens are within limit: a scan down the long side in 1 % steps, then a bisection
	between the last step over and the first within (so a tile family lands on 384 pixels, not 383)."""
	if geometry.ownTokens(*useful) <= limit:
		return useful
	bound = min(useful[0], picture[0]), min(useful[1], picture[1])

	def within(longSide: int) -> Size | None:
		size = geometry.candidate(*fitLongSide(*useful, longSide))
		if size[0] > bound[0] or size[1] > bound[1] or geometry.ownTokens(*size) > limit:
			return None
		return size

	over = max(useful)
	longSide = over
	while longSide > 1:
		longSide = math.floor(longSide * _SCAN_STEP)  # at least 1 less
		found = within(longSide)
		if found is None:
			over = longSide
			continue
		while over - longSide > 1:
			middle = (over + longSide) // 2
			better = within(middle)
			if better is None:
				over = middle
			else:
				longSide, found = middle, better
		return found
	return geometry.candidate(*fitLongSide(*useful, 1))


def _legibleTokens(geometry: VisionGeometry, useful: Size) -> int:
	"""What keeping LEGIBLE_PIXELS of the picture costs, at most BALANCED_CEILING."""
	area = useful[0] * useful[1]
	size = useful
	if area > LEGIBLE_PIXELS:
		scale = math.sqrt(LEGIBLE_PIXELS / area)
		size = geometry.candidate(max(1, round(useful[0] * scale)), max(1, round(useful[1] * scale)))
	return min(geometry.ownTokens(*size), BALANCED_CEILING)


def _withinLongSide(geometry: VisionGeometry, useful: Size, maxSide: int) -> Size:
	"""The largest candidate no larger than useful whose long side is at most maxSide. useful is
	whole blocks (or any size, for a family that keeps any), so a candidate scaled down from it never
	exceeds it on either side: only the long side can round up past maxSide."""
	longSide = min(max(useful), maxSide)
	while longSide > 1:
		size = geometry.candidate(*fitLongSide(*useful, longSide))
		if max(size) <= maxSide:
			return size
		longSide = math.floor(longSide * _SCAN_STEP)  # at least 1 less
	# Under one block: the picture at the user's long side, for the server to round.
	return fitLongSide(*useful, min(max(useful), maxSide))


def _enlarged(
	geometry: VisionGeometry, width: int, height: int, limit: int, maxSide: int | None
) -> Size | None:
	"""A small picture at twice its size, when the family uses those pixels within the limit."""
	factor = min(MAX_ENLARGEMENT, ENLARGE_BELOW_LONG_SIDE // max(width, height))
	if factor < 2:
		return None
	bigger = _fits(geometry.candidate(width * factor, height * factor), width, height)
	if maxSide is not None and max(bigger) > maxSide:
		return None
	if geometry.usefulSize(*bigger) != bigger or geometry.tokens(*bigger) > limit:
		return None
	return bigger


def chooseSize(
	geometry: VisionGeometry, width: int, height: int, level: str = BALANCED, maxSide: int | None = None
) -> Size:
	"""The size a width x height picture is sent at to this family at this level (see the module's
	docstring). maxSide, when given, replaces the level's budget with a long side."""
	if width < 1 or height < 1:
		raise ValueError("a picture needs a width and a height")
	if isinstance(geometry, OpenAITiles) and level == FAST and maxSide is None:
		return OpenAITiles.lowDetailSize(width, height)
	budget = TOKEN_BUDGETS.get(level) if maxSide is None else None
	limit = geometry.maxTokens if budget is None else max(budget, geometry.minTokens)
	useful = geometry.usefulSize(width, height)
	if level == BALANCED and maxSide is None:
		limit = max(limit, _legibleTokens(geometry, useful))
	limit = min(limit, geometry.maxTokens)  # a budget over the family's most buys nothing
	# A picture the family uses whole, or whole but for rounding to blocks, goes as it is: its own
	# pixels are sharper than a resample by a few per cent, and the server rounds the same way.
	usedWhole = useful in ((width, height), geometry.candidate(width, height))
	if (
		usedWhole
		and geometry.ownTokens(width, height) <= limit
		and (maxSide is None or max(width, height) <= maxSide)
	):
		size = (width, height)
	else:
		if maxSide is not None:
			useful = _withinLongSide(geometry, useful, maxSide)
		size = _largestWithin(geometry, useful, limit, (width, height))
	if size == (width, height):
		size = _enlarged(geometry, width, height, limit, maxSide) or size
	return _fits(size, width, height)


@dataclass(frozen=True)
class PicturePlan:
	"""Everything that decides how pictures are sized for one model: its rule (None when unknown),
	the picture detail, the user's long side (None: by detail) and the provider."""

	geometry: VisionGeometry | None
	level: str = BALANCED
	maxSide: int | None = None
	provider: str = "ollama"

	def __post_init__(self):
		if self.level not in PICTURE_DETAILS:
			raise ValueError(
				f"picture detail must be one of {', '.join(PICTURE_DETAILS)}, not {self.level!r}"
			)

	@property
	def fallbackPolicy(self) -> ImagePolicy:
		"""Today's policy, for a model whose family is not known (and for encoding budgets)."""
		from .preparation import policyForProvider

		return policyForProvider(self.provider, _OPENAI_DETAIL_BY_LEVEL[self.level], self.maxSide)

	@property
	def openaiDetail(self) -> str:
		return openaiDetail(self.geometry, self.level)

	def sizeFor(self, width: int, height: int) -> Size:
		if self.geometry is None:
			from .preparation import targetSize

			return targetSize(width, height, self.fallbackPolicy)
		return chooseSize(self.geometry, width, height, self.level, self.maxSide)

	def tokensFor(self, width: int, height: int) -> int | None:
		"""Image tokens a picture of this size costs as sent (None for an unknown family)."""
		if self.geometry is None:
			return None
		if isinstance(self.geometry, OpenAITiles) and self.openaiDetail == "low":
			return self.geometry.base
		return self.geometry.tokens(width, height)

	@property
	def floorTokens(self) -> int | None:
		"""The token floor the server enlarges small pictures to (see widening), or None."""
		return self.geometry.floorTokens if self.geometry is not None else None


def planFor(geometry: VisionGeometry | None, level: str, maxSide: int | None, provider: str) -> PicturePlan:
	"""A plan from settings-like values: an unknown level is Balanced, a maxSide of 0 is none."""
	if level not in PICTURE_DETAILS:
		level = BALANCED
	if maxSide:
		maxSide = max(MIN_MAX_SIDE, min(MAX_MAX_SIDE, int(maxSide)))
	return PicturePlan(geometry, level, maxSide or None, provider)


def prepareWithPlan(image: Any, plan: PicturePlan) -> PreparedImage:
	"""Scales and encodes a Pillow image as the plan says (worker thread)."""
	from .preparation import prepareImage

	return prepareImage(image, plan.fallbackPolicy, size=plan.sizeFor(image.width, image.height))
