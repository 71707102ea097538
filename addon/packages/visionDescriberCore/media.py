"""Pictures as the rest of the core passes them: one still to be taken (`ImageSource`: how to grab
it, run on the worker) and one ready to send (`PreparedImage`: cropped, scaled, encoded)."""

import base64
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any


@dataclass
class ScreenObject:
	"""An object on the screen, for capturing it with its surroundings (see imaging.widening).
	`grab` and `screen` run on the worker."""

	#: The object's rectangle: left, top, width, height in physical pixels.
	rect: tuple[int, int, int, int]
	#: Grabs any rectangle of the screen (an imaging.capture.Rect) as a PIL image.
	grab: Callable[[Any], Any]
	#: The rectangle of the monitor that shows the object (an imaging.capture.Rect).
	screen: Callable[[], Any]

	def holding(self, screen: Any, picture: Any, isCurrent: Callable[[], bool]) -> "ScreenObject":
		"""This object with its monitor's picture already taken: while isCurrent() (the picture
		being described is the one taken with it), a rectangle is cut from that picture instead of
		grabbing the screen again."""
		grab, currentScreen = self.grab, self.screen

		def grabHeld(rect: Any) -> Any:
			if not isCurrent():
				return grab(rect)
			left, top = rect.left - screen.left, rect.top - screen.top
			return picture.crop((left, top, left + rect.width, top + rect.height))

		return replace(self, grab=grabHeld, screen=lambda: screen if isCurrent() else currentScreen())


@dataclass
class ImageSource:
	"""What to look at. `grab` runs on the worker and returns a PIL image."""

	grab: Callable[[], Any]
	#: Short words for history and titles, e.g. "navigator object" or "whole screen".
	label: str
	#: One sentence about the object, e.g. "This is a graphic labelled 'chart1' in Excel."
	context: str = ""
	#: Screen grabs are refused when black or flat; an image file the user chose is sent as it is.
	isScreenCapture: bool = True
	#: For an object on the screen: lets the pipeline widen the capture around a small one.
	screenObject: ScreenObject | None = None

	def holding(self, image: Any, surroundings: tuple[Any, Any] | None = None) -> "ImageSource":
		"""This source with a picture already taken: its grab returns that picture the first time and
		captures afresh after (so "new image" in a conversation still looks again). surroundings,
		(the monitor's rectangle, its picture) taken at the same moment, serve a capture widened
		around a screen object of that first picture."""
		held = [image]
		heldLast = [False]  # whether the latest grab gave the held picture
		grab = self.grab

		def grabHeldFirst() -> Any:
			heldLast[0] = bool(held)
			return held.pop() if held else grab()

		screenObject = self.screenObject
		if screenObject is not None and surroundings is not None:
			screenObject = screenObject.holding(*surroundings, isCurrent=lambda: heldLast[0])
		return replace(self, grab=grabHeldFirst, screenObject=screenObject)


@dataclass(frozen=True)
class PreparedImage:
	data: bytes
	mimeType: str  # "image/png" or "image/jpeg"
	width: int
	height: int

	def base64(self) -> str:
		return base64.b64encode(self.data).decode("ascii")

	def dataUri(self) -> str:
		return f"data:{self.mimeType};base64,{self.base64()}"

	def __repr__(self) -> str:
		# Never dump megabytes of image data into a log line or a test failure.
		return f"PreparedImage({self.mimeType}, {self.width}x{self.height}, {len(self.data)} bytes)"
