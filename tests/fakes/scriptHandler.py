"""Fake of NVDA's scriptHandler: the `script` decorator, running scripts and the repeat count.

- `executeScript(script, gesture)` runs a script as NVDA's does (source/scriptHandler.py): while it
  runs, `getCurrentScript()` answers it, which is how speech's on-demand mode knows whether the
  running script may speak (`speakOnDemand`). Once it returns, `getCurrentScript()` is None again,
  so speech queued for later (wx.CallAfter, core.callLater) is not "during" the script.
- `queueScript(script, gesture)` queues `executeScript` on queueHandler's event queue, as NVDA does.
- `testing.lastScriptRepeatCount` is what `getLastScriptRepeatCount()` answers: 0 for a first press,
  1 when the same script was pressed twice quickly, and so on. (NVDA counts presses of the same
  script within `config.conf["keyboard"]["multiPressTimeout"]` milliseconds.)
"""

import types

from logHandler import log


class testing:
	"""Test-only namespace of this fake (see tests/fakes/README.md)."""

	lastScriptRepeatCount = 0
	#: The script executeScript is running, or None.
	running = None


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
	return testing.lastScriptRepeatCount


def executeScript(script, gesture):
	previous = testing.running
	testing.running = script
	try:
		script(gesture)
	finally:
		testing.running = previous


def queueScript(script, gesture):
	import queueHandler

	queueHandler.queueFunction(queueHandler.eventQueue, executeScript, script, gesture)


def getCurrentScript():
	return testing.running
