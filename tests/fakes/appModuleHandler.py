"""Fake of NVDA's appModuleHandler: one AppModule per process, named after its executable.

`testing.appNames` maps a process ID to its executable name without ".exe" (NVDA's `appName`).
"""

import baseObject


class testing:
	"""Test-only namespace of this fake (see tests/fakes/README.md)."""

	appNames: dict[int, str] = {}


runningTable = {}


class AppModule(baseObject.ScriptableObject):
	def __init__(self, processID, appName=None):
		super().__init__()
		self.processID = processID
		if appName is None:
			appName = getAppNameFromProcessID(processID)
		self.appName = appName


def getAppNameFromProcessID(processID, includeExt=False):
	name = testing.appNames.get(processID, "unknown")
	return f"{name}.exe" if includeExt else name


def getAppModuleFromProcessID(processID):
	module = runningTable.get(processID)
	if module is None:
		module = runningTable[processID] = AppModule(processID)
	return module


def getAppModuleForNVDAObject(obj):
	import NVDAObjects

	if not isinstance(obj, NVDAObjects.NVDAObject):
		return None
	return getAppModuleFromProcessID(obj.processID)
