"""One wx.App per process, and waiting for wx without sleeping blindly.

wx allows a single wx.App per process and binds it to the X display current when it is created, so
`getApp()` creates it once (after the xDisplay fixture has set DISPLAY) and hands the same one to
every later GUI test.
"""

import time
from collections.abc import Callable

import wx

_app: wx.App | None = None


def getApp() -> wx.App:
	global _app
	if _app is None:
		_app = wx.GetApp() or wx.App(redirect=False)
	return _app


def processEvents() -> None:
	"""Runs what is pending in wx's loop: posted events, CallAfter, timers that are due, repaints."""
	app = getApp()
	app.ProcessPendingEvents()
	app.Yield(onlyIfNeeded=True)


def waitFor(condition: Callable[[], bool], timeout: float = 5.0, interval: float = 0.01) -> bool:
	"""Yields to wx until condition() is true or timeout seconds pass; returns the last result."""
	deadline = time.monotonic() + timeout
	while True:
		processEvents()
		if condition():
			return True
		if time.monotonic() >= deadline:
			return False
		time.sleep(interval)


def destroyTopLevelWindows(timeout: float = 2.0) -> None:
	for window in list(wx.GetTopLevelWindows()):
		if window:
			window.Destroy()
	waitFor(lambda: not wx.GetTopLevelWindows(), timeout)
