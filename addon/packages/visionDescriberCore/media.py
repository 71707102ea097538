"""The image a conversation sends: already prepared (cropped, scaled, encoded)."""

import base64
from dataclasses import dataclass


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
