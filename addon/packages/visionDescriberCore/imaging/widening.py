"""A small screen target shown with its real surroundings, where the server would enlarge it anyway.

Ollama 0.30 and later give Qwen-VL models at least 1,024 image tokens (`--image-min-tokens`): a
120x40 button costs as much as an 896x896 picture, and the server fills that cost by blowing the
button up about seven times, which shows the model blur. Instead, the capture is widened around the
object to about the floor's size (whole blocks, so the server sends it on as it is), with the screen
that is really there: the same token cost, the object at its own sharpness, and context (the dialog
it belongs to, the label beside it). The request then says where the object is in the picture, so
the description is still about the object.

Only screen targets are widened (the describer decides; pictures from files and the clipboard never
are), only within the monitor that shows the object, and never for an object that already costs the
floor. The position phrase is English, like every prompt (see `conversation.prompts`).

Pure arithmetic on rectangles: no capture here, any thread.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .capture import Rect


@dataclass(frozen=True)
class Widening:
	"""The rectangle to capture instead of the object's, and the sentence that says where it is."""

	rect: Rect
	phrase: str


def _place(start: int, length: int, span: int, boundsStart: int, boundsLength: int) -> int:
	"""Where a span of pixels centred on [start, start + length) begins, kept inside the bounds."""
	begin = start + length // 2 - span // 2
	return max(boundsStart, min(begin, boundsStart + boundsLength - span))


def widenAroundObject(objectRect: Rect, screen: Rect, floorTokens: int, block: int) -> Widening | None:
	"""The object's surroundings on screen, as a rectangle of at most floorTokens whole blocks around
	it (block x block pixels each), or None when the object is off screen, already costs the floor,
	or the screen has no room around it."""
	if floorTokens < 1 or block < 1:
		return None
	target = objectRect.intersection(screen)
	if target is None:
		return None
	objectColumns, objectRows = math.ceil(target.width / block), math.ceil(target.height / block)
	if objectColumns * objectRows >= floorTokens:
		return None
	screenColumns, screenRows = screen.width // block, screen.height // block
	side = math.isqrt(floorTokens)
	columns = min(screenColumns, max(objectColumns, side))
	rows = min(screenRows, max(objectRows, floorTokens // max(1, columns)))
	if rows < floorTokens // max(1, columns):  # a short screen: give the rest to the width
		columns = min(screenColumns, max(columns, floorTokens // max(1, rows)))
	width, height = columns * block, rows * block
	if width * height <= target.area or width < target.width or height < target.height:
		return None
	left = _place(target.left, target.width, width, screen.left, screen.width)
	top = _place(target.top, target.height, height, screen.top, screen.height)
	widened = Rect(left, top, width, height)
	return Widening(widened, positionPhrase(target, widened))


def _where(centre: float) -> int:
	"""-1, 0 or 1: before, at or after the middle of a span (0 to 1)."""
	return -1 if centre < 0.4 else 1 if centre > 0.6 else 0


def positionPhrase(objectRect: Rect, picture: Rect) -> str:
	"""An English sentence saying where the object lies in a picture of the picture rectangle."""

	def percent(value: int, start: int, length: int) -> int:
		return round(100 * (value - start) / length)

	left = percent(objectRect.left, picture.left, picture.width)
	right = percent(objectRect.right, picture.left, picture.width)
	top = percent(objectRect.top, picture.top, picture.height)
	bottom = percent(objectRect.bottom, picture.top, picture.height)
	across = _where((left + right) / 200)
	down = _where((top + bottom) / 200)
	vertical = {-1: "top", 0: "", 1: "bottom"}[down]
	horizontal = {-1: "left", 0: "", 1: "right"}[across]
	place = " ".join(word for word in (vertical, horizontal) if word)
	where = f"at the {place}" if place else "in the centre"
	return (
		"The picture shows the object together with some of the screen around it. The object itself "
		f"is the area {where} of the picture, from {left}% to {right}% of the width and {top}% to "
		f"{bottom}% of the height. Describe that area; mention its surroundings only where they help."
	)
