"""Run a call in the background, deliver its result on NVDA's main thread: for windows that ask a
server or the credential store something and show the answer.

`BackgroundCalls.run(kind, work, onResult, onError)` runs `work()` on a short-lived daemon thread
and posts `onResult(result)` or `onError(error)` to the main thread (`wx.CallAfter`). A window asks
one thing of each kind at a time: a newer call of the same kind, `drop(kind)` or `dropAll()` makes
an older answer stale, and a stale answer, or one that arrives after its owner window was destroyed
(a destroyed wx window is false), is thrown away instead of touching a control that no longer shows
what it was asked for. So a slow server can never overwrite a newer answer or raise in a closed
dialog. Work whose outcome the user must hear even after the window closed (saving a key when OK
is pressed) runs with no owner: its answers are always delivered, and must not assume the window.

Why not the describer's job runner: it runs one describe at a time, and a model list or a key
lookup must neither wait for a describe nor make a describe say "still describing". These calls
own no sockets that need cancelling: they end by their own timeouts, and their threads are daemons,
so NVDA never waits for them on exit.

Threads: `run`, `drop` and `dropAll` are called on the main thread, and the answers are delivered
there, so the bookkeeping needs no lock. Threads are named `<threadPrefix>.<kind>`, which lets tests
wait for them.
"""

import threading
from collections.abc import Callable
from typing import Any

import wx


class BackgroundCalls:
	def __init__(self, owner: object | None, threadPrefix: str, post: Callable[..., Any] = wx.CallAfter):
		#: Answers stop being delivered once `bool(owner)` is False (a destroyed wx window); with no
		#: owner they are always delivered.
		self._owner = owner
		#: Threads are named "<threadPrefix>.<kind>".
		self.threadPrefix = threadPrefix
		self._post = post
		self._tickets: dict[str, int] = {}

	def run(
		self,
		kind: str,
		work: Callable[[], Any],
		onResult: Callable[[Any], None],
		onError: Callable[[BaseException], None],
	) -> None:
		"""Runs work() on a daemon thread; onResult(result) or onError(error) then runs on the main
		thread, unless the owner is gone or a newer call of the same kind was made meanwhile."""
		ticket = self._newTicket(kind)

		def deliver(callback: Callable[[Any], None], value: Any) -> None:
			ownerAlive = self._owner is None or bool(self._owner)
			if ownerAlive and self._tickets.get(kind) == ticket:
				callback(value)

		def runWork() -> None:
			try:
				result = work()
			except Exception as error:
				self._post(deliver, onError, error)
			else:
				self._post(deliver, onResult, result)

		threading.Thread(target=runWork, name=f"{self.threadPrefix}.{kind}", daemon=True).start()

	def drop(self, kind: str) -> None:
		"""An answer still on its way for this kind of call will be ignored."""
		self._newTicket(kind)

	def dropAll(self) -> None:
		"""Every answer still on its way will be ignored."""
		for kind in list(self._tickets):
			self._newTicket(kind)

	def _newTicket(self, kind: str) -> int:
		ticket = self._tickets.get(kind, 0) + 1
		self._tickets[kind] = ticket
		return ticket
