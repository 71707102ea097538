"""Fake of NVDA's speech package: re-exports what the add-on uses from speech.speech, as NVDA's does."""

from . import commands, extensions
from .priorities import Spri
from .speech import SpeechMode, cancelSpeech, getState, setSpeechMode, speak, speakMessage, testing

__all__ = [
	"SpeechMode",
	"Spri",
	"cancelSpeech",
	"commands",
	"extensions",
	"getState",
	"setSpeechMode",
	"speak",
	"speakMessage",
	"testing",
]
