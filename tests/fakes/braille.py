"""Fake of NVDA's braille: `handler.message(text)` is recorded in `testing.messages`.

`testing.displayConnected = False` makes the handler behave as NVDA does with no braille display
(`enabled` is False and messages are dropped).
"""

import baseObject


class testing:
	"""Test-only namespace of this fake (see tests/fakes/README.md)."""

	messages: list[str] = []
	displayConnected = True


class BrailleHandler(baseObject.AutoPropertyObject):
	def _get_enabled(self):
		return testing.displayConnected

	def message(self, text):
		if not self.enabled or text is None:
			return
		testing.messages.append(text)


handler = BrailleHandler()
