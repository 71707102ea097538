"""Has the picture changed in a way that matters? A cheap perceptual difference on small thumbnails.

Runs on the job runner's worker: a `ChangeTracker` belongs to one watch and is used by one thread at
a time. Pure Pillow (NumPy is not bundled); Python only looks at a few hundred numbers per check.

The watcher captures its target about once a second. Sending every frame would cost a request a
second, and sending on any pixel difference would too, because screens are rarely still: a caret
blinks, a clock ticks, an icon loops. So each check does this:

1. Thumbnail. The frame is reduced by a whole factor (box averaging in C: about 1 ms for 1920x1080,
   4 ms for 3840x2160) to a long side of at most 480 pixels, in grey levels. A thumbnail pixel
   "differs" when it moved more than `pixelThreshold` (24) levels; differences are counted per block
   of 16x16 thumbnail pixels (about 64x64 screen pixels on a 1920x1080 screen), and Pillow's `reduce`
   does the counting.
2. Two comparisons: with the baseline (the last frame that was described, so what the user has
   heard about) and with the previous check (motion).
3. Ambient motion. A block that moves in at least half of the last `historyChecks` checks is
   restless: a ticking clock, a looping sprite, a caret blinking faster than the checks. While the
   watch learns a screen (the first `historyChecks` checks after its first description, and after a
   scene cut) every block that moves is held as ambient, because a loop sampled once a second can
   look still for a check or two (a turning coin shows the same side twice); when learning ends,
   the blocks that moved only once are released (a real change in that time is then reported).
   Later, a block that is restless when a new baseline is set becomes ambient too. A block stays
   ambient until it has been still for twice `historyChecks` checks. Ambient blocks and their
   neighbours are ignored, so a clock's minutes, beside its seconds, do not count either. Motion
   that starts later (an enemy that appears and keeps moving) is not ambient: it counts, as below.
4. Changed enough: the blocks that are not ignored hold at least `minChangedShare` (0.03 %) of the
   thumbnail's pixels differing from the baseline. On a 1920x1080 screen a health bar losing 40x24
   pixels is 0.046 %, a blinking caret about 0.004 %, one clock digit about 0.015 %.
5. Settled: no block that is not ignored has moved in the last `settleChecks` checks (so a line of
   dialogue that types itself out is sent once it is complete); or the change has lasted
   `maxWaitChecks` checks while still moving (an animation that started, a scene in constant motion).

Colour-only changes of equal brightness are not seen (the thumbnail is grey); in games a change
that matters nearly always changes brightness too.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from PIL import Image, ImageChops

from ..imaging.blankDetection import blankness
from ..media import PreparedImage

THUMBNAIL_LONG_SIDE = 480
BLOCK = 16
PIXEL_THRESHOLD = 24
#: Extra tolerance against a baseline rebuilt from an encoded picture (resampled, JPEG).
APPROXIMATE_EXTRA_THRESHOLD = 24
MIN_CHANGED_SHARE = 0.0003
#: A block "moved" when at least this many of its thumbnail pixels differ from the previous check.
MIN_MOVED_PIXELS = 2
#: A reported change this large (a scene cut; a menu rarely covers half the screen) makes the watch
#: learn the new screen's motion again.
RELEARN_SHARE = 0.5


@dataclass(frozen=True)
class Frame:
	"""A captured frame as the comparisons see it."""

	thumbnail: Image.Image  # mode "L"
	blank: bool  # one flat colour: never sent
	black: bool  # flat and dark: Screen Curtain, a locked screen, exclusive full screen

	@property
	def size(self) -> tuple[int, int]:
		return self.thumbnail.size


def frameOf(image: Image.Image) -> Frame:
	"""The thumbnail of a captured picture, and whether it is blank (judged on the small picture,
	which is about 16 times cheaper than on a full 4K capture and sees the same)."""
	if image.mode not in ("RGB", "L"):
		image = image.convert("RGB")
	factor = max(1, math.ceil(max(image.size) / THUMBNAIL_LONG_SIDE))
	small = image.reduce(factor) if factor > 1 else image
	blank, black, _stray = blankness(small)
	return Frame(small.convert("L"), blank, black)


def decodePrepared(picture: PreparedImage) -> Image.Image:
	"""The pixels of an encoded picture that was sent (or would be), as RGB."""
	with Image.open(io.BytesIO(picture.data)) as image:
		image.load()
		return image.convert("RGB")


def frameOfPrepared(picture: PreparedImage) -> Frame:
	return frameOf(decodePrepared(picture))


def _thresholdTable(threshold: int) -> list[int]:
	threshold = max(0, min(254, threshold))
	return [0] * (threshold + 1) + [255] * (255 - threshold)


def differingShare(a: Frame, b: Frame, pixelThreshold: int = PIXEL_THRESHOLD) -> float:
	"""The share of thumbnail pixels that differ by more than pixelThreshold; 1.0 for another size."""
	if a.size != b.size:
		return 1.0
	histogram = ImageChops.difference(a.thumbnail, b.thumbnail).histogram()
	total = a.size[0] * a.size[1]
	return sum(histogram[pixelThreshold + 1 :]) / total if total else 0.0


def practicallyIdentical(a: Frame, b: Frame, minChangedShare: float = MIN_CHANGED_SHARE) -> bool:
	"""True when nothing a watcher would report differs: a caret or a clock digit may have changed."""
	return differingShare(a, b) < minChangedShare


@dataclass(frozen=True)
class Verdict:
	"""What one check concluded."""

	report: bool  # send this frame now
	changedShare: float  # share of thumbnail pixels differing from the baseline, ambient ones left out
	why: str = ""  # "settled" or "keptChanging" when report is True
	pending: bool = False  # changed enough, waiting for the picture to settle


class _Grid:
	"""The blocks of one thumbnail size: their areas and neighbours."""

	def __init__(self, size: tuple[int, int]):
		self.size = size
		self.columns = math.ceil(size[0] / BLOCK)
		self.rows = math.ceil(size[1] / BLOCK)
		self.areas = [
			min(BLOCK, size[0] - column * BLOCK) * min(BLOCK, size[1] - row * BLOCK)
			for row in range(self.rows)
			for column in range(self.columns)
		]
		self.total = size[0] * size[1]

	def counts(self, a: Image.Image, b: Image.Image, threshold: int) -> list[float]:
		"""Per block, how many thumbnail pixels differ by more than threshold."""
		mask = ImageChops.difference(a, b).point(_thresholdTable(threshold))
		shares = mask.reduce(BLOCK).tobytes() if BLOCK > 1 else mask.tobytes()
		return [share / 255 * area for share, area in zip(shares, self.areas, strict=True)]

	def withNeighbours(self, blocks: set[int]) -> set[int]:
		grown = set()
		for block in blocks:
			row, column = divmod(block, self.columns)
			for r in range(max(0, row - 1), min(self.rows, row + 2)):
				for c in range(max(0, column - 1), min(self.columns, column + 2)):
					grown.add(r * self.columns + c)
		return grown


class ChangeTracker:
	"""Decides, check by check, when a frame differs from the baseline enough and has settled.

	`setBaseline(frame)` when a frame has been described; `observe(frame)` for each check after.
	"""

	def __init__(
		self,
		settleChecks: int = 1,
		maxWaitChecks: int = 5,
		historyChecks: int = 8,
		pixelThreshold: int = PIXEL_THRESHOLD,
		minChangedShare: float = MIN_CHANGED_SHARE,
	):
		self.settleChecks = max(1, settleChecks)
		self.maxWaitChecks = max(1, maxWaitChecks)
		self.historyChecks = max(4, historyChecks)
		self.pixelThreshold = pixelThreshold
		self.minChangedShare = minChangedShare
		self._baseline: Frame | None = None
		self._approximate = False
		self._previous: Frame | None = None
		self._grid: _Grid | None = None
		self._history: list[int] = []  # per block, bit i set: moved i checks ago
		self._stillFor: list[int] = []  # per block, checks since it last moved
		self._learnMoves: list[int] = []  # per block, moves while learning
		self._lastShare = 0.0
		self._ambient: set[int] = set()
		self._ignored: set[int] = set()
		self._check = 0
		self._learnUntil = 0
		self._pendingSince: int | None = None

	@property
	def hasBaseline(self) -> bool:
		return self._baseline is not None

	@property
	def ambientBlocks(self) -> frozenset[int]:
		return frozenset(self._ambient)

	def setBaseline(self, frame: Frame, learn: bool = False, approximate: bool = False) -> None:
		"""frame is what the user has now heard about. learn: the screen is new to the watch (its
		first description), so motion seen in the next checks is learned as ambient. approximate: the
		frame was rebuilt from an encoded picture, so small differences are tolerated. After a scene
		cut (the last check's change was large) the new screen is learned as well."""
		self._baseline = frame
		self._approximate = approximate
		self._pendingSince = None
		learn = learn or self._lastShare >= RELEARN_SHARE
		self._lastShare = 0.0
		if self._grid is None or self._grid.size != frame.size:
			self._resetGrid(frame.size)
			learn = True
		if learn:
			self._learnUntil = self._check + self.historyChecks
			self._learnMoves = [0] * len(self._history)
		if not approximate and (self._previous is None or self._previous.size != frame.size):
			self._previous = frame
		self._ambient |= {block for block, moves in enumerate(self._history) if self._restless(moves)}
		self._ignored = self._grid.withNeighbours(self._ambient)

	def observe(self, frame: Frame) -> Verdict:
		"""One check: frame is the newest capture. Call setBaseline first."""
		if self._baseline is None:
			raise ValueError("observe() needs a baseline")
		self._check += 1
		previous, self._previous = self._previous, frame
		if frame.size != self._baseline.size:
			# The target changed size: everything is new; it has settled once two checks agree.
			moving = previous is None or previous.size != frame.size
			return self._decide(1.0, moving)
		if self._grid is None or self._grid.size != frame.size:
			self._resetGrid(frame.size)
		self._recordMotion(frame, previous)
		threshold = self.pixelThreshold + (APPROXIMATE_EXTRA_THRESHOLD if self._approximate else 0)
		changed = self._grid.counts(frame.thumbnail, self._baseline.thumbnail, threshold)
		share = sum(count for block, count in enumerate(changed) if block not in self._ignored)
		settleMask = (1 << self.settleChecks) - 1
		moving = any(
			moves & settleMask for block, moves in enumerate(self._history) if block not in self._ignored
		)
		return self._decide(share / self._grid.total, moving)

	# --- Inside a check ---------------------------------------------------------------------------

	def _resetGrid(self, size: tuple[int, int]) -> None:
		self._grid = _Grid(size)
		blocks = self._grid.columns * self._grid.rows
		self._history = [0] * blocks
		self._stillFor = [0] * blocks
		self._learnMoves = [0] * blocks
		self._ambient = set()
		self._ignored = set()
		self._previous = None

	def _restless(self, moves: int) -> bool:
		return moves.bit_count() * 2 >= self.historyChecks

	def _recordMotion(self, frame: Frame, previous: Frame | None) -> None:
		if previous is None or previous.size != frame.size:
			motion = [0.0] * len(self._history)
		else:
			motion = self._grid.counts(frame.thumbnail, previous.thumbnail, self.pixelThreshold)
		window = (1 << self.historyChecks) - 1
		learning = self._check <= self._learnUntil
		ambientBefore = set(self._ambient)
		for block, count in enumerate(motion):
			moved = count >= MIN_MOVED_PIXELS
			moves = ((self._history[block] << 1) | moved) & window
			self._history[block] = moves
			self._stillFor[block] = 0 if moved else self._stillFor[block] + 1
			if learning and moved:
				self._learnMoves[block] += 1
				self._ambient.add(block)
			elif self._stillFor[block] >= 2 * self.historyChecks:
				self._ambient.discard(block)
		if self._check == self._learnUntil:
			# Learning ends: what moved once was a change, not a loop.
			self._ambient -= {
				block
				for block in self._ambient
				if self._learnMoves[block] < 2 and not self._restless(self._history[block])
			}
		if self._ambient != ambientBefore:
			self._ignored = self._grid.withNeighbours(self._ambient)

	def _decide(self, share: float, moving: bool) -> Verdict:
		self._lastShare = share
		if share < self.minChangedShare:
			self._pendingSince = None
			return Verdict(False, share)
		if self._pendingSince is None:
			self._pendingSince = self._check
		if not moving:
			return Verdict(True, share, "settled")
		if self._check - self._pendingSince + 1 >= self.maxWaitChecks:
			return Verdict(True, share, "keptChanging")
		return Verdict(False, share, pending=True)
