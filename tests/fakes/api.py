"""Fake of NVDA's api: the focus, foreground and navigator objects, and the clipboard.

The objects live in globalVars as in NVDA. The clipboard is `testing.clipboard` (a string); set
`testing.clipboardFails = True` to make copying fail as when another program holds the clipboard.
"""

import globalVars
import ui


class testing:
	"""Test-only namespace of this fake (see tests/fakes/README.md)."""

	clipboard = ""
	clipboardFails = False


def getFocusObject():
	return globalVars.focusObject


def setFocusObject(obj):
	globalVars.focusObject = obj
	return True


def getForegroundObject():
	return globalVars.foregroundObject


def setForegroundObject(obj):
	globalVars.foregroundObject = obj
	return True


def getNavigatorObject():
	return globalVars.navigatorObject


def setNavigatorObject(obj, isFocus=False):
	globalVars.navigatorObject = obj
	return True


def getDesktopObject():
	return globalVars.desktopObject


def setDesktopObject(obj):
	globalVars.desktopObject = obj


def copyToClip(text, notify=False):
	"""Copies text; True on success. With notify, NVDA says what was copied or that copying failed."""
	if not isinstance(text, str) or len(text) == 0:
		return False
	if testing.clipboardFails:
		if notify:
			ui.reportTextCopiedToClipboard()
		return False
	testing.clipboard = text
	if notify:
		ui.reportTextCopiedToClipboard(text)
	return True


def getClipData():
	if testing.clipboardFails:
		raise OSError("The clipboard is held by another program")
	return testing.clipboard
