"""Fake of NVDA's inputCore: gesture identifiers and the gesture base class.

Tests make a gesture by subclassing `InputGesture` with `_get_identifiers`, as NVDA's own gesture
classes do.
"""

import baseObject


def normalizeGestureIdentifier(identifier):
	"""Lower case, and the parts after the source prefix sorted, so "kb:shift+NVDA+v" equals "kb:nvda+shift+v"."""
	source, main = identifier.lower().split(":", 1)
	return f"{source}:{'+'.join(sorted(main.split('+')))}"


class InputGesture(baseObject.AutoPropertyObject):
	def _get_identifiers(self):
		raise NotImplementedError

	def _get_normalizedIdentifiers(self):
		return [normalizeGestureIdentifier(identifier) for identifier in self.identifiers]
