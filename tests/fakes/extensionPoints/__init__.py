"""Fake of NVDA's extensionPoints: the Action extension point.

Mirrors `extensionPoints.Action` (source/extensionPoints/__init__.py) on top of
`extensionPoints.util.HandlerRegistrar`: handlers are registered and unregistered; `notify(**kwargs)`
calls each handler with the keyword arguments it accepts, and an exception in one handler is logged
and does not stop the others, as NVDA does.
"""

from logHandler import log

from .util import HandlerRegistrar, callWithSupportedKwargs


class Action(HandlerRegistrar):
	def notify(self, **kwargs):
		for handler in self.handlers:
			try:
				callWithSupportedKwargs(handler, **kwargs)
			except Exception:
				log.exception(f"Error running handler {handler!r} for {self!r}")
