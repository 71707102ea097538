"""Fake of NVDA's extensionPoints: the Action and Filter extension points.

Mirrors `extensionPoints.Action` and `extensionPoints.Filter` (source/extensionPoints/__init__.py) on
top of `extensionPoints.util.HandlerRegistrar`: handlers are registered and unregistered;
`Action.notify(**kwargs)` calls each handler with the keyword arguments it accepts;
`Filter.apply(value, **kwargs)` hands the value through each handler in turn, each getting what the
one before returned. An exception in one handler is logged and does not stop the others (a Filter
then goes on with the value it had), as NVDA does.
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


class Filter(HandlerRegistrar):
	def apply(self, value, **kwargs):
		for handler in self.handlers:
			try:
				value = callWithSupportedKwargs(handler, value, **kwargs)
			except Exception:
				log.exception(f"Error running handler {handler!r} for {self!r}")
		return value
