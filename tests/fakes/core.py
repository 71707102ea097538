"""Fake of NVDA's core: callLater and the main-thread check.

With `testing.realTimers` set (the nvdaGui fixture sets it; it needs a wx.App), `callLater`
schedules exactly as NVDA does: a wx.CallLater whose callback queues the function on queueHandler's
event queue. Otherwise the call is kept in `testing.pending` until the test calls
`testing.runPending()`, which queues them as if their delay had passed (then pump queueHandler).
Every call is also recorded in `testing.calls` as (delay, callable, args, kwargs).
"""

import threading

from logHandler import log


class testing:
	"""Test-only namespace of this fake (see tests/fakes/README.md)."""

	realTimers = False
	pending: list[tuple] = []
	calls: list[tuple] = []

	@staticmethod
	def runPending() -> int:
		due, testing.pending[:] = list(testing.pending), []
		for _delay, callable, args, kwargs in due:
			_callLaterExec(callable, args, kwargs)
		return len(due)


class NVDANotInitializedError(Exception):
	pass


mainThreadId = threading.main_thread().ident


def isMainThread():
	return threading.get_ident() == mainThreadId


def callLater(delay, callable, *args, **kwargs):
	import wx

	testing.calls.append((delay, callable, args, kwargs))
	if not testing.realTimers:
		log.debug("No real timers: keeping the call until testing.runPending()")
		testing.pending.append((delay, callable, args, kwargs))
		return None
	if wx.GetApp() is None:
		raise NVDANotInitializedError("Cannot schedule callable, wx.App is not initialized")
	if isMainThread():
		return wx.CallLater(delay, _callLaterExec, callable, args, kwargs)
	return wx.CallAfter(wx.CallLater, delay, _callLaterExec, callable, args, kwargs)


def _callLaterExec(callable, args, kwargs):
	import queueHandler

	queueHandler.queueFunction(queueHandler.eventQueue, callable, *args, **kwargs)
