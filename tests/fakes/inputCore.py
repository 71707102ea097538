"""Fake of NVDA's inputCore: gesture identifiers and the gesture base class.

Tests make a gesture by subclassing `InputGesture` with `_get_identifiers`, as NVDA's own gesture
classes do.
"""

import baseObject


def normalizeGestureIdentifier(identifier):
	"""Lower case, and the parts after the source prefix sorted, so "kb:shift+NVDA+v" equals "kb:nvda+shift+v"."""
	source, main = identifier.lower().split(":", 1)
	return f"{source}:{'+'.join(sorted(main.split('+')))}"


def getDisplayTextForGestureIdentifier(identifier):
	"""(source, gesture) as NVDA shows them, e.g. ("keyboard, all layouts", "NVDA+alt+v").

	As NVDA's KeyboardInputGesture does: the NVDA key first, then the modifiers, the main key last.
	Only keyboard identifiers are known here; others raise LookupError as NVDA does for an unknown source.
	"""
	# keyboardHandler.KeyboardInputGesture.NORMAL_MODIFIER_KEYS, by name.
	modifiers = ("alt", "control", "shift", "windows", "leftalt", "rightalt", "leftcontrol", "rightcontrol")
	modifiers += ("leftshift", "rightshift", "leftwindows", "rightwindows")
	source, _sep, keys = identifier.partition(":")
	if not source.lower().startswith("kb"):
		raise LookupError(f"Couldn't get display text for identifier: {identifier}")
	keys = keys.lower().split("+")
	names = ["NVDA"] if "nvda" in keys else []
	names += [key for key in keys if key in modifiers]
	names += [key for key in keys if key != "nvda" and key not in modifiers]
	return "keyboard, all layouts", "+".join(names)


class InputGesture(baseObject.AutoPropertyObject):
	def _get_identifiers(self):
		raise NotImplementedError

	def _get_normalizedIdentifiers(self):
		return [normalizeGestureIdentifier(identifier) for identifier in self.identifiers]
