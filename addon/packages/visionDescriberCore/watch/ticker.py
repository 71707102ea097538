"""The one thread a watch adds: a metronome that says "a check is due" once per interval.

It does no work itself: `tick` only posts to the main thread (the watcher's `tick`), where the
watcher decides whether a check runs and then submits it to the describer's worker. So captures,
comparisons and requests all stay on the worker, and a tick that comes while a request is still
streaming is simply skipped (nothing queues). Ticks keep to a fixed schedule (start + k x interval)
so they do not drift; a tick that is late by more than a whole interval is dropped, not bunched.
Tests drive a watcher's `tick` by hand instead, with a fake clock.
"""

import threading
import time
from collections.abc import Callable


class Ticker:
	def __init__(self, interval: float, tick: Callable[[], None], name: str = "visionDescriber.watchTicker"):
		self.interval = max(0.05, float(interval))
		self._tick = tick
		self._stop = threading.Event()
		self._thread = threading.Thread(target=self._run, name=name, daemon=True)

	def start(self) -> None:
		self._thread.start()

	def stop(self, timeout: float = 1.0) -> None:
		"""Ends the thread; it wakes at once, so the wait is only for a tick being delivered."""
		self._stop.set()
		if self._thread.is_alive() and self._thread is not threading.current_thread():
			self._thread.join(timeout)

	@property
	def running(self) -> bool:
		return self._thread.is_alive() and not self._stop.is_set()

	def _run(self) -> None:
		due = time.monotonic() + self.interval
		while not self._stop.wait(max(0.0, due - time.monotonic())):
			self._tick()
			due += self.interval
			now = time.monotonic()
			if due < now:
				due = now + self.interval
