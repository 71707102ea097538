"""Screen capture with mss: rectangles in physical screen pixels, monitors, the virtual screen.

Coordinates are physical pixels in the virtual-screen space (the space NVDA's object locations use
when NVDA runs per-monitor DPI aware). On Windows the virtual screen can start at negative
coordinates (a monitor left of or above the primary one); on X11 it always starts at 0, 0.

Every function that touches the screen opens its own `mss.MSS` instance and closes it before
returning: mss handles are not thread-safe, and opening one costs about a millisecond, so any
thread (NVDA's job worker included) may capture at any time without sharing state.

The monitor layout can be passed in (`ScreenLayout`) so that clipping and monitor lookup are
testable for layouts a test machine cannot produce (negative coordinates, gaps, mirrored monitors).
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from ..errors import CaptureFailed, CaptureRefused


@dataclass(frozen=True)
class Rect:
	"""A rectangle in physical screen pixels. `right` and `bottom` are exclusive."""

	left: int
	top: int
	width: int
	height: int

	@classmethod
	def fromLTRB(cls, left: int, top: int, right: int, bottom: int) -> Rect:
		return cls(left, top, right - left, bottom - top)

	@property
	def right(self) -> int:
		return self.left + self.width

	@property
	def bottom(self) -> int:
		return self.top + self.height

	@property
	def isEmpty(self) -> bool:
		return self.width <= 0 or self.height <= 0

	@property
	def area(self) -> int:
		return 0 if self.isEmpty else self.width * self.height

	def contains(self, x: int, y: int) -> bool:
		return self.left <= x < self.right and self.top <= y < self.bottom

	def intersection(self, other: Rect) -> Rect | None:
		"""The overlap of two rectangles, or None when they do not overlap (touching edges do not)."""
		left = max(self.left, other.left)
		top = max(self.top, other.top)
		right = min(self.right, other.right)
		bottom = min(self.bottom, other.bottom)
		if right <= left or bottom <= top:
			return None
		return Rect.fromLTRB(left, top, right, bottom)

	def expanded(self, margin: int) -> Rect:
		"""The same rectangle grown by margin pixels on every side (shrunk if margin is negative)."""
		return Rect(self.left - margin, self.top - margin, self.width + 2 * margin, self.height + 2 * margin)

	def distanceTo(self, x: int, y: int) -> int:
		"""Squared distance from a point to the nearest pixel of this rectangle (0 inside)."""
		dx = max(self.left - x, 0, x - (self.right - 1))
		dy = max(self.top - y, 0, y - (self.bottom - 1))
		return dx * dx + dy * dy

	def toMss(self) -> dict[str, int]:
		return {"left": self.left, "top": self.top, "width": self.width, "height": self.height}


@dataclass(frozen=True)
class ScreenLayout:
	"""The virtual screen (bounding box of all monitors) and each monitor, in mss's order."""

	virtual: Rect
	monitors: tuple[Rect, ...]

	@classmethod
	def fromMssMonitors(cls, mssMonitors: list[dict]) -> ScreenLayout:
		"""Builds a layout from `mss.MSS().monitors` (entry 0 is the virtual screen)."""
		if not mssMonitors:
			raise CaptureFailed("mss reported no screen at all")
		virtual = _rectFromMss(mssMonitors[0])
		seen: list[Rect] = []
		for entry in mssMonitors[1:]:
			rect = _rectFromMss(entry)
			if not rect.isEmpty and rect not in seen:  # mirrored outputs report the same rectangle
				seen.append(rect)
		return cls(virtual, tuple(seen) or (virtual,))

	def monitorContaining(self, x: int, y: int) -> Rect:
		"""The monitor that shows the point; for a point between or beyond monitors, the nearest one.

		If monitors overlap (a client-defined monitor spanning others), the smallest one that contains
		the point wins, which is the one a person would call "this monitor".
		"""
		containing = [monitor for monitor in self.monitors if monitor.contains(x, y)]
		if containing:
			return min(containing, key=lambda monitor: monitor.area)
		return min(self.monitors, key=lambda monitor: monitor.distanceTo(x, y))


def _rectFromMss(entry: dict) -> Rect:
	return Rect(int(entry["left"]), int(entry["top"]), int(entry["width"]), int(entry["height"]))


def _openMss():
	import mss  # imported here so that importing this module never needs a display

	try:
		return mss.MSS()
	except Exception as e:  # ScreenShotError, or OSError when no display / X connection refused
		raise CaptureFailed(f"could not open the screen for capture: {e}") from e


def currentLayout() -> ScreenLayout:
	"""Reads the monitor layout now (monitors can be plugged in or rearranged at any time)."""
	with _openMss() as sct:
		return ScreenLayout.fromMssMonitors(sct.monitors)


def virtualScreen(layout: ScreenLayout | None = None) -> Rect:
	return (layout or currentLayout()).virtual


def monitors(layout: ScreenLayout | None = None) -> list[Rect]:
	return list((layout or currentLayout()).monitors)


def monitorContaining(x: int, y: int, layout: ScreenLayout | None = None) -> Rect:
	return (layout or currentLayout()).monitorContaining(x, y)


def clipToScreen(rect: Rect, layout: ScreenLayout | None = None) -> Rect:
	"""The part of rect that lies on the virtual screen.

	Raises CaptureRefused(EMPTY) for a rectangle without area and CaptureRefused(OFF_SCREEN) for one
	that does not touch the virtual screen. A rectangle in a gap between monitors of different sizes
	is inside the virtual screen and is kept: on Windows those pixels are black, and the blank guard
	reports them.
	"""
	if rect.isEmpty:
		raise CaptureRefused(CaptureRefused.EMPTY, f"rectangle has no area: {rect}")
	layout = layout or currentLayout()
	clipped = rect.intersection(layout.virtual)
	if clipped is None:
		raise CaptureRefused(
			CaptureRefused.OFF_SCREEN, f"{rect} is outside the virtual screen {layout.virtual}"
		)
	return clipped


def addContextMargin(rect: Rect, minSide: int, margin: int) -> Rect:
	"""Grows a tiny target (an icon, a small button) so the model also sees what surrounds it.

	A rectangle whose width or height is below minSide gets margin pixels on every side; larger
	targets, and any target when minSide or margin is 0, are returned unchanged. The result may reach
	past the screen: clipToScreen and grab trim it afterwards.
	"""
	if margin <= 0 or minSide <= 0 or rect.isEmpty:
		return rect
	if rect.width < minSide or rect.height < minSide:
		return rect.expanded(margin)
	return rect


#: The most pixels copied out of the screen in one piece. Copying a whole 4K screen is one C call
#: that holds Python's GIL for 10 to 30 ms, and NVDA's main thread waits for the GIL that long; bands
#: of about 2 megapixels keep each wait to a few milliseconds at the same total cost
#: (benchmarks/nvdaLatency.py measures it).
BAND_PIXELS = 2_000_000


def _grabClipped(sct, rect: Rect) -> Image.Image:
	if rect.area <= BAND_PIXELS:
		return _grabBand(sct, rect)
	rows = max(1, BAND_PIXELS // rect.width)
	image = Image.new("RGB", (rect.width, rect.height))
	for offset in range(0, rect.height, rows):
		band = Rect(rect.left, rect.top + offset, rect.width, min(rows, rect.height - offset))
		image.paste(_grabBand(sct, band), (0, offset))
	return image


def _grabBand(sct, rect: Rect) -> Image.Image:
	try:
		shot = sct.grab(rect.toMss())
	except Exception as e:
		raise CaptureFailed(f"mss could not grab {rect}: {e}") from e
	# mss gives BGRX rows; Pillow's raw decoder turns them into RGB in one C pass (a copy, so the
	# image does not keep mss's buffer alive).
	return Image.frombuffer("RGB", tuple(shot.size), shot.raw, "raw", "BGRX", 0, 1)


def grab(rect: Rect) -> Image.Image:
	"""An RGB image of rect, clipped to the virtual screen first (see clipToScreen for refusals).

	The image's size is the clipped rectangle's size; call clipToScreen yourself first if you need
	to know where the pixels came from (clipping twice gives the same rectangle).
	"""
	if rect.isEmpty:
		raise CaptureRefused(CaptureRefused.EMPTY, f"rectangle has no area: {rect}")
	with _openMss() as sct:
		layout = ScreenLayout.fromMssMonitors(sct.monitors)
		return _grabClipped(sct, clipToScreen(rect, layout))


def grabScreen() -> Image.Image:
	"""The whole virtual screen (every monitor) as one image."""
	with _openMss() as sct:
		layout = ScreenLayout.fromMssMonitors(sct.monitors)
		return _grabClipped(sct, layout.virtual)


def grabMonitorAt(x: int, y: int) -> Image.Image:
	"""The monitor that shows the point (or the nearest monitor to it)."""
	with _openMss() as sct:
		layout = ScreenLayout.fromMssMonitors(sct.monitors)
		return _grabClipped(sct, clipToScreen(layout.monitorContaining(x, y), layout))
