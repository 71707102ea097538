"""Fake of NVDA's gui.message (2024.4): modal message boxes answer from a script instead of a user.

A test queues the button a user would press (`testing.answers.append(wx.YES)`); `messageBox` records
its arguments in `testing.shown` and returns the next answer. A message box no test expected fails
the test rather than blocking it. (`MessageDialog`, NVDA 2025.1, is not faked yet: add it to
LATER_ADDITIONS in the API-surface test when it is.)
"""

import threading

import wx


class testing:
	"""Test-only namespace of this fake (see tests/fakes/README.md)."""

	answers: list[int] = []
	shown: list[dict] = []


_messageBoxCounterLock = threading.Lock()
_messageBoxCounter = 0


def isModalMessageBoxActive():
	with _messageBoxCounterLock:
		return _messageBoxCounter != 0


def messageBox(message, caption=wx.MessageBoxCaptionStr, style=wx.OK | wx.CENTER, parent=None):
	testing.shown.append({"message": message, "caption": caption, "style": style, "parent": parent})
	if not testing.answers:
		raise AssertionError(f"A message box was shown but the test queued no answer: {message!r}")
	return testing.answers.pop(0)
