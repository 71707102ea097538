"""Fake of NVDA's winUser: whether a window handle still names a window.

NVDA's `winUser.isWindow(hwnd)` (source/winUser.py) is user32's IsWindow: true while the window
exists, false once it was destroyed (and for 0). NVDA objects of a window carry its handle
(`NVDAObjects.window.Window.windowHandle`); the objects of these fakes are given made-up handles,
so a test ties a handle to a real wx window with `testing.track(hwnd, window)`: the handle then
names a window exactly as long as that wx window lives (a destroyed wx window is false). A handle
the test never tracked names a window, as any handle NVDA hands out does while the test runs.
"""


class testing:
	"""Test-only namespace of this fake (see tests/fakes/README.md)."""

	#: Window handle -> the wx window whose life it follows.
	windows: dict = {}

	@staticmethod
	def track(hwnd: int, window) -> None:
		testing.windows[int(hwnd)] = window


def isWindow(hwnd):
	if not hwnd:
		return False
	if int(hwnd) not in testing.windows:
		return True
	return bool(testing.windows[int(hwnd)])
