"""Fake of NVDA's queueHandler: functions queued for NVDA's main thread.

NVDA runs the queue from its core pump on the main thread. Here nothing runs until the test calls
`testing.pump()` (on the thread it wants to act as NVDA's main thread), which runs everything queued
so far, including what those functions queue in turn, and returns how many ran.
"""

from queue import SimpleQueue

from logHandler import log


class testing:
	"""Test-only namespace of this fake (see tests/fakes/README.md)."""

	@staticmethod
	def pump(maxRounds: int = 100) -> int:
		"""Flushes the event queue until it stays empty; returns how many functions ran."""
		ran = 0
		for _round in range(maxRounds):
			if eventQueue.empty():
				return ran
			ran += eventQueue.qsize()
			flushQueue(eventQueue)
		raise AssertionError(f"The event queue was still not empty after {maxRounds} rounds")


eventQueue = SimpleQueue()


def queueFunction(queue, func, *args, _immediate=False, **kwargs):
	queue.put_nowait((func, args, kwargs))


def flushQueue(queue):
	"""Runs what was queued when the flush began; what those functions queue runs on the next flush."""
	for _count in range(queue.qsize()):
		if queue.empty():
			break
		func, args, kwargs = queue.get_nowait()
		try:
			func(*args, **kwargs)
		except Exception:
			log.exception(f"Error in func {getattr(func, '__qualname__', func)!r}")


def isPendingItems(queue):
	return not queue.empty()
