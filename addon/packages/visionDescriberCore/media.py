"""Pictures as the rest of the core passes them: one still to be taken (`ImageSource`: how to grab
it, run on the worker) and one ready to send (`PreparedImage`: cropped, scaled, encoded)."""

import base64
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any


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

	def holding(self, image: Any) -> "ImageSource":
		"""This source with a picture already taken: its grab returns that picture the first time and
		captures afresh after (so "new image" in a conversation still looks again)."""
		held = [image]
		grab = self.grab

		def grabHeldFirst() -> Any:
			return held.pop() if held else grab()

		return replace(self, grab=grabHeldFirst)


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
