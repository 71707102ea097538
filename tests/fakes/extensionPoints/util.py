"""Fake of NVDA's extensionPoints.util: HandlerRegistrar, the registry behind every extension point.

As in NVDA (source/extensionPoints/util.py), handlers are kept in registration order; registering
the same handler twice keeps one; `handlers` yields the live ones. NVDA holds weak references to
handlers; here they are strong, which only matters for handlers that are garbage collected.
"""

import inspect


def callWithSupportedKwargs(func, *args, **kwargs):
	"""Calls func with the keyword arguments it accepts (all of them if it takes **kwargs)."""
	try:
		parameters = inspect.signature(func).parameters
	except (TypeError, ValueError):
		return func(*args, **kwargs)
	if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
		kwargs = {name: value for name, value in kwargs.items() if name in parameters}
	return func(*args, **kwargs)


class HandlerRegistrar:
	def __init__(self):
		self._handlers = []

	def register(self, handler):
		if handler not in self._handlers:
			self._handlers.append(handler)

	def moveToEnd(self, handler, last=False):
		if handler not in self._handlers:
			return False
		self._handlers.remove(handler)
		if last:
			self._handlers.append(handler)
		else:
			self._handlers.insert(0, handler)
		return True

	def unregister(self, handler):
		if handler in self._handlers:
			self._handlers.remove(handler)
			return True
		return False

	@property
	def handlers(self):
		return iter(list(self._handlers))
