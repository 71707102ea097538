"""A stand-in for NVDA's main thread in core tests: `post(fn)` queues fn, a thread runs it in order
(what wx.CallAfter does inside NVDA)."""

import queue
import threading


class MainThread:
	def __init__(self):
		self._queue: queue.Queue = queue.Queue()
		self.errors: list[BaseException] = []
		self.thread = threading.Thread(target=self._run, name="stand-in main thread", daemon=True)
		self.thread.start()

	def post(self, fn) -> None:
		self._queue.put(fn)

	def isCurrent(self) -> bool:
		return threading.current_thread() is self.thread

	def drain(self, timeout: float = 5.0) -> None:
		"""Waits until everything posted so far has run."""
		done = threading.Event()
		self._queue.put(done.set)
		if not done.wait(timeout):
			raise TimeoutError("the main thread did not run its queue")

	def stop(self) -> None:
		self._queue.put(None)
		self.thread.join(5)
		assert not self.thread.is_alive()

	def _run(self) -> None:
		while True:
			fn = self._queue.get()
			if fn is None:
				return
			try:
				fn()
			except BaseException as error:  # a failure here must fail the test, not kill the thread
				self.errors.append(error)
