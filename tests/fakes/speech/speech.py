"""Fake of NVDA's speech.speech: what would have been spoken is recorded instead.

`testing.sequences` holds (speechSequence, priority) for every `speak`; `testing.spoken()` flattens
the text items; `testing.cancelCount` counts `cancelSpeech()` calls and `testing.events` keeps speech
and cancellations in their order ("speak", text) / ("cancel",).
"""

from .priorities import Spri


class testing:
	"""Test-only namespace of this fake (see tests/fakes/README.md)."""

	sequences: list = []
	events: list = []
	cancelCount = 0

	@staticmethod
	def spoken() -> list[str]:
		return [
			item for sequence, _priority in testing.sequences for item in sequence if isinstance(item, str)
		]


def speak(speechSequence, symbolLevel=None, priority=None):
	if priority is None:
		priority = Spri.NORMAL
	sequence = list(speechSequence)
	testing.sequences.append((sequence, priority))
	for item in sequence:
		if isinstance(item, str):
			testing.events.append(("speak", item))


def speakMessage(text, priority=None):
	# NVDA speaks nothing for an empty message.
	if text:
		speak([text], priority=priority)


def cancelSpeech():
	testing.cancelCount += 1
	testing.events.append(("cancel",))
