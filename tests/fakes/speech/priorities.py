"""Fake of NVDA's speech.priorities."""

from enum import IntEnum


class SpeechPriority(IntEnum):
	NORMAL = 0
	NEXT = 1
	NOW = 2


Spri = SpeechPriority
SPEECH_PRIORITIES = tuple(reversed(SpeechPriority))
