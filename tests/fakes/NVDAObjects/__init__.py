"""Fake of NVDA's NVDAObjects: the base NVDAObject.

As in NVDA, `name` defaults to "", `role` to Role.UNKNOWN, and `location` and `processID` raise
NotImplementedError unless a subclass or a test provides them. Tests give an object its properties
by assignment (`obj.location = RectLTWH(...)`; `obj.location = None` as NVDA reports on COM errors)
or by subclassing with `_get_*` methods.

`event_foreground()` cancels speech, as NVDA's NVDAObject.event_foreground does
(source/NVDAObjects/__init__.py) when a window comes to the foreground: a dialog that opens cuts off
whatever NVDA had not finished saying. Tests call it where NVDA would (a window of ours activated).
"""

import appModuleHandler
import baseObject
import controlTypes
import speech


class NVDAObject(baseObject.ScriptableObject):
	def __init__(self):
		super().__init__()

	def _get_name(self):
		return ""

	def _get_role(self):
		return controlTypes.Role.UNKNOWN

	def _get_location(self):
		raise NotImplementedError

	def _get_processID(self):
		raise NotImplementedError

	def _get_appModule(self):
		return appModuleHandler.getAppModuleForNVDAObject(self)

	def event_foreground(self):
		speech.cancelSpeech()
