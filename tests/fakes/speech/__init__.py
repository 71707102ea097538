"""Fake of NVDA's speech package: re-exports what the add-on uses from speech.speech."""

from .priorities import Spri
from .speech import cancelSpeech, speak, speakMessage, testing

__all__ = ["Spri", "cancelSpeech", "speak", "speakMessage", "testing"]
