"""Fake of NVDA's baseObject: auto-properties and scriptable objects.

As in NVDA, a method `_get_x` makes a property `x`. With only a getter the property is a non-data
descriptor, so assigning `obj.x = value` replaces it for that instance (tests rely on this to give a
fake NVDA object a name or a location). Property caching is not faked.
Scripts are methods named `script_*`; gestures come from a class `__gestures` dictionary, from the
`gestures` set by `scriptHandler.script`, or from `bindGesture`.
"""

import contextlib
from abc import ABCMeta

from logHandler import log


class Getter:
	"""A read-only auto-property; an instance attribute of the same name takes precedence."""

	def __init__(self, fget, abstract=False):
		self.fget = fget
		self._abstract = abstract

	def __get__(self, instance, owner):
		if isinstance(self.fget, classmethod):
			return self.fget.__get__(instance, owner)()
		if instance is None:
			return self
		return self.fget(instance)

	def setter(self, func):
		return property(fget=self.fget, fset=func)


class AutoPropertyType(ABCMeta):
	def __init__(self, name, bases, dict):
		super().__init__(name, bases, dict)
		names = {key[5:] for key in dict if key[:5] in ("_get_", "_set_", "_del_")}
		for prop in names:
			if prop in dict:
				raise TypeError(f"{prop} is already a class attribute, cannot create an auto-property")
			getter = dict.get(f"_get_{prop}")
			setter = dict.get(f"_set_{prop}")
			deleter = dict.get(f"_del_{prop}")
			if getter is None:
				for base in bases:
					getter = getattr(base, f"_get_{prop}", None)
					if getter is not None:
						break
			if getter is not None and setter is None and deleter is None:
				descriptor = Getter(getter)
			else:
				descriptor = property(fget=getter, fset=setter, fdel=deleter)
			setattr(self, prop, descriptor)


class AutoPropertyObject(metaclass=AutoPropertyType):
	"""Base of objects whose properties come from `_get_*` / `_set_*` methods."""


class ScriptableType(AutoPropertyType):
	"""Collects the gestures given to `scriptHandler.script` into the class's `__gestures`."""

	def __new__(meta, name, bases, dict):
		cls = super().__new__(meta, name, bases, dict)
		attributeName = f"_{cls.__name__}__gestures"
		# Copy, so that a subclass's gestures never leak into its base class's dictionary.
		gestures = {}
		gestures.update(getattr(cls, attributeName, {}))
		for attribute, value in dict.items():
			if attribute.startswith("script_") and hasattr(value, "gestures"):
				for gesture in value.gestures:
					gestures[gesture] = attribute[len("script_") :]
		if gestures:
			setattr(cls, attributeName, gestures)
		return cls


class ScriptableObject(AutoPropertyObject, metaclass=ScriptableType):
	SLEEP_FULL = "full"

	def __init__(self):
		self._gestureMap = {}
		for cls in reversed(type(self).__mro__):
			gestures = cls.__dict__.get(f"_{cls.__name__}__gestures")
			if gestures:
				self.bindGestures(gestures)
		super().__init__()

	def bindGesture(self, gestureIdentifier, scriptName):
		import inputCore

		func = getattr(type(self), f"script_{scriptName}", None)
		if func is None:
			raise LookupError(f"No such script on class {type(self).__name__}: script_{scriptName}")
		self._gestureMap[inputCore.normalizeGestureIdentifier(gestureIdentifier)] = func

	def removeGestureBinding(self, gestureIdentifier):
		import inputCore

		del self._gestureMap[inputCore.normalizeGestureIdentifier(gestureIdentifier)]

	def clearGestureBindings(self):
		self._gestureMap.clear()

	def bindGestures(self, gestureMap):
		for gestureIdentifier, scriptName in gestureMap.items():
			if scriptName:
				try:
					self.bindGesture(gestureIdentifier, scriptName)
				except LookupError:
					log.error(f"Error binding script {scriptName} in {self!r}")
			else:
				with contextlib.suppress(LookupError):
					self.removeGestureBinding(gestureIdentifier)

	def getScript(self, gesture):
		for identifier in gesture.normalizedIdentifiers:
			func = self._gestureMap.get(identifier)
			if func is not None:
				return func.__get__(self, type(self))
		return None
