"""Fake of NVDA's scriptHandler: the `script` decorator, finding and running scripts, the repeat count.

- `executeScript(script, gesture)` runs a script as NVDA's does (source/scriptHandler.py): while it
  runs, `getCurrentScript()` answers it, which is how speech's on-demand mode knows whether the
  running script may speak (`speakOnDemand`). Once it returns, `getCurrentScript()` is None again,
  so speech queued for later (wx.CallAfter, core.callLater) is not "during" the script.
- It also counts presses as NVDA does: the same script function (a bound method counts as its
  function) run again within `config.conf["keyboard"]["multiPressTimeout"]` milliseconds of the
  previous run adds one to `getLastScriptRepeatCount()`, which answers 0 once that time has passed.
  A new function object each time (a wrapper made per press) is never a repeat.
- `findScript(gesture)` looks a gesture up as NVDA's does, for what the fakes have: the user's and
  the locale's gesture maps first (`inputCore.manager.userGestureMap`, `localeGestureMap`: an entry
  for an object's class wins over the object's own bindings, and a None script unbinds), then each
  running global plugin (`getScript`). While Windows is locked only NVDA's safe scripts are found
  (`utils.security.getSafeScripts()`, none of an add-on's), so nothing is found for an add-on.
  App modules, NVDA objects and NVDA's global commands come after the plugins in NVDA; they are not
  faked, so a gesture no plugin takes finds nothing here (NVDA would look further, then pass it on).
- `queueScript(script, gesture)` queues `executeScript` on queueHandler's event queue, as NVDA does.
"""

import time
import types
import weakref

from logHandler import log


class testing:
	"""Test-only namespace of this fake (see tests/fakes/README.md)."""

	#: The script executeScript is running, or None.
	running = None


# As in NVDA: when the last script ran (time.time()), a weak reference to its function, its repeats.
_lastScriptTime = 0
_lastScriptRef = None
_lastScriptCount = 0


def script(
	description="",
	category=None,
	gesture=None,
	gestures=None,
	canPropagate=False,
	bypassInputHelp=False,
	allowInSleepMode=False,
	resumeSayAllMode=None,
	speakOnDemand=False,
):
	"""Sets the metadata NVDA reads from a script: description (shown in Input Gestures), category, gestures."""
	gestureList = [] if gestures is None else list(gestures)

	def decorate(decoratedScript):
		if not isinstance(decoratedScript, types.FunctionType):
			log.warning(f"Using the script decorator is unsupported for {decoratedScript!r}", stack_info=True)
			return decoratedScript
		if not decoratedScript.__name__.startswith("script_"):
			log.warning(
				f"Can't apply script decorator to {decoratedScript.__name__} which does not start with 'script_'",
				stack_info=True,
			)
			return decoratedScript
		decoratedScript.__doc__ = description
		if category is not None:
			decoratedScript.category = category
		if gesture is not None:
			gestureList.append(gesture)
		if gestureList:
			decoratedScript.gestures = gestureList
		decoratedScript.canPropagate = canPropagate
		decoratedScript.bypassInputHelp = bypassInputHelp
		if resumeSayAllMode is not None:
			decoratedScript.resumeSayAllMode = resumeSayAllMode
		decoratedScript.allowInSleepMode = allowInSleepMode
		decoratedScript.speakOnDemand = speakOnDemand
		return decoratedScript

	return decorate


def getLastScriptRepeatCount():
	import config

	if (time.time() - _lastScriptTime) * 1000 > config.conf["keyboard"]["multiPressTimeout"]:
		return 0
	return _lastScriptCount


def clearLastScript():
	global _lastScriptTime, _lastScriptRef, _lastScriptCount
	_lastScriptTime = 0
	_lastScriptRef = None
	_lastScriptCount = 0


def executeScript(script, gesture):
	import config

	global _lastScriptTime, _lastScriptRef, _lastScriptCount
	lastScript = _lastScriptRef() if _lastScriptRef else None
	scriptFunc = getattr(script, "__func__", script)
	scriptTime = time.time()
	timeout = config.conf["keyboard"]["multiPressTimeout"]
	if (scriptTime - _lastScriptTime) * 1000 <= timeout and scriptFunc == lastScript:
		_lastScriptCount += 1
	else:
		_lastScriptCount = 0
	_lastScriptRef = weakref.ref(scriptFunc)
	_lastScriptTime = scriptTime
	previous = testing.running
	testing.running = script
	try:
		script(gesture)
	finally:
		testing.running = previous


def getGlobalMapScripts(gesture):
	"""(class, script name or None) from the user's gesture map, then the locale's, in that order."""
	import inputCore

	found = []
	for globalMap in (inputCore.manager.userGestureMap, inputCore.manager.localeGestureMap):
		for identifier in gesture.normalizedIdentifiers:
			found.extend(globalMap.getScriptsForGesture(identifier))
	return found


def _getObjScript(obj, gesture, globalMapScripts):
	for cls, scriptName in globalMapScripts:
		if isinstance(obj, cls):
			if scriptName is None:
				return None  # the user removed this gesture from obj's class
			try:
				return getattr(obj, f"script_{scriptName}")
			except AttributeError:
				pass
	try:
		return obj.getScript(gesture)
	except Exception:
		log.exception()


def findScript(gesture):
	import globalPluginHandler
	from utils.security import getSafeScripts
	from winAPI.sessionTracking import isLockScreenModeActive

	globalMapScripts = getGlobalMapScripts(gesture)
	for plugin in list(globalPluginHandler.runningPlugins):
		func = _getObjScript(plugin, gesture, globalMapScripts)
		if func:
			if isLockScreenModeActive() and func not in getSafeScripts():
				return None
			return func
	return None


def queueScript(script, gesture):
	import queueHandler

	queueHandler.queueFunction(queueHandler.eventQueue, executeScript, script, gesture)


def getCurrentScript():
	return testing.running
