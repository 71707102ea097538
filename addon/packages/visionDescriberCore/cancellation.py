"""A cancel signal shared between the thread that asks and the worker that streams.

Checking a flag between chunks is not prompt enough: a worker blocked in a socket read would not
notice until the next byte. So whoever owns a blocking resource registers a callback that breaks it
(for a client: shut the socket down), and `cancel()` runs those callbacks at once, on the caller's
thread.
"""

import threading
from collections.abc import Callable

from .errors import Cancelled


class CancelToken:
	def __init__(self):
		self._lock = threading.Lock()
		self._cancelled = False
		self._callbacks: list[Callable[[], None]] = []

	@property
	def cancelled(self) -> bool:
		return self._cancelled

	def cancel(self) -> None:
		with self._lock:
			if self._cancelled:
				return
			self._cancelled = True
			callbacks, self._callbacks = self._callbacks, []
		for callback in callbacks:
			callback()

	def onCancel(self, callback: Callable[[], None]) -> Callable[[], None]:
		"""Runs callback when cancelled (at once if already). Returns a function that unregisters it."""
		with self._lock:
			if not self._cancelled:
				self._callbacks.append(callback)
				return lambda: self._discard(callback)
		callback()
		return lambda: None

	def _discard(self, callback: Callable[[], None]) -> None:
		with self._lock:
			if callback in self._callbacks:
				self._callbacks.remove(callback)

	def raiseIfCancelled(self) -> None:
		if self._cancelled:
			raise Cancelled()
