"""Fake of NVDA's NVDAObjects.window: objects backed by a window handle."""

from NVDAObjects import NVDAObject


class Window(NVDAObject):
	def __init__(self, windowHandle=None):
		if not windowHandle:
			raise ValueError("invalid or not specified window handle")
		self.windowHandle = windowHandle
		super().__init__()
