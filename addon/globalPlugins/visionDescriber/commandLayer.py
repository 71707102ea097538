"""The command layer: NVDA+alt+v, then one letter. Main thread only, like every script.

Why a layer: it costs one default gesture, where a dozen would clash with NVDA's own and other
add-ons'. Entering binds the letters of the command table (`Command.keys`) with `bindGestures`;
while the layer is active, `getScript` wraps whatever it finds so that the layer is left before the
command runs, Escape leaves quietly and any other key beeps and leaves. Leaving rebinds only the
default gestures (`clearGestureBindings`, then `bindGestures`). Gestures the user gave a command in
Input Gestures come from NVDA's gesture map, not from `getScript`, so the plugin's refusal check,
which every command runs first, also leaves the layer.

Double press through the layer: the wrappers are new functions each time, so NVDA's own repeat count
stays 0. A describe started from the layer therefore keeps its first key bound on its own for
`DOUBLE_PRESS_SECONDS` (`armRepeatWindow`): "NVDA+alt+v, v, v" is a double press.

The help and the busy sentence are made from the same table, with keys as NVDA shows them.

Entering is a tone for the ear and a short braille message for the fingers (`LAYER_BRAILLE`).
"""

import functools
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import addonHandler
import inputCore
import tones

from . import brailleOutput

if TYPE_CHECKING:
	from . import GlobalPlugin
	from .commandTable import Command

addonHandler.initTranslation()

#: The one default gesture: it opens the command layer.
ENTRY_GESTURE = "kb:NVDA+alt+v"
LEAVE_LAYER_GESTURE = "kb:escape"
#: The command whose layer key the busy sentence names.
CANCEL_COMMAND = "cancel"
#: The command whose layer key the layer's braille message names.
HELP_COMMAND = "layerHelp"
#: A describe command repeated within this time (from the previous one's start) through the layer
#: counts as a double press, as NVDA's own repeat count does for direct gestures.
DOUBLE_PRESS_SECONDS = 0.6
#: Tones: a short high one when the layer opens, a low one for a key the layer does not know.
LAYER_TONE = (880, 30)
UNKNOWN_KEY_TONE = (220, 80)


class CommandLayer:
	"""The layer's state for one plugin: whether it is open, the command it is running, the key
	that repeats a describe for a moment."""

	def __init__(self, plugin: "GlobalPlugin"):
		#: The GlobalPlugin: its gesture bindings, scripts and command table (`plugin.commands`).
		self._plugin = plugin
		self._active = False
		#: The command the layer is running now (None outside a layer press).
		self._running: str | None = None
		#: (normalized gesture, command name, deadline): the describe key just used in the layer works
		#: on its own until the deadline.
		self._repeatWindow: tuple[str, str, float] | None = None

	@property
	def viaLayer(self) -> bool:
		"""True while a command started from the layer runs."""
		return self._running is not None

	def enter(self) -> None:
		self._repeatWindow = None
		self._active = True
		self._plugin.bindGestures(layerGestures(self._plugin.commands))
		tones.beep(*LAYER_TONE)
		brailleOutput.flash(layerBrailleText(self._plugin.commands))

	def leave(self) -> None:
		if not self._active:
			return
		self._active = False
		self._plugin.clearGestureBindings()
		self._plugin.bindGestures(defaultGestures(self._plugin.commands))

	def getScript(self, gesture: Any, findBound: Callable[[Any], Any]) -> Any:
		"""The script for gesture: findBound (NVDA's lookup of bound gestures) wrapped while the layer
		is open, the describe key again within its repeat window, else what findBound finds."""
		identifiers = gesture.normalizedIdentifiers
		if self._active:
			found = findBound(gesture)
			if found is not None:
				return self._fromLayer(found)
			if inputCore.normalizeGestureIdentifier(LEAVE_LAYER_GESTURE) in identifiers:
				return self._leaveQuietly
			return self._leaveWithError
		window = self._repeatWindow
		if window is not None and window[0] in identifiers and time.monotonic() < window[2]:
			return self._fromLayer(getattr(self._plugin, f"script_{window[1]}"))
		return findBound(gesture)

	def armRepeatWindow(self) -> None:
		"""A describe started from the layer: its first key alone repeats it for a moment."""
		if self._running is None:
			return
		keys = commandNamed(self._plugin.commands, self._running).keys
		if keys:
			normalized = inputCore.normalizeGestureIdentifier(keys[0])
			self._repeatWindow = (normalized, self._running, time.monotonic() + DOUBLE_PRESS_SECONDS)

	def _fromLayer(self, found: Any) -> Any:
		"""The layer's script: leaves the layer first, then runs found, marked as a layer press."""
		name = found.__name__[len("script_") :]

		def runFromLayer(gesture: Any) -> None:
			self.leave()
			self._repeatWindow = None
			self._running = name
			try:
				found(gesture)
			finally:
				self._running = None

		return functools.update_wrapper(runFromLayer, found)

	def _leaveQuietly(self, gesture: Any) -> None:
		self.leave()

	def _leaveWithError(self, gesture: Any) -> None:
		self.leave()
		tones.beep(*UNKNOWN_KEY_TONE)


# --- What the command table gives the layer ----------------------------------------------------------


def layerGestures(commands: "Sequence[Command]") -> dict[str, str]:
	"""The layer's bindings: each key of each command, to the command's script name."""
	return {key: command.name for command in commands for key in command.keys}


def defaultGestures(commands: "Sequence[Command]") -> dict[str, str]:
	"""The gestures bound without the layer (only the layer's own entry has one by default)."""
	return {command.gesture: command.name for command in commands if command.gesture}


def commandNamed(commands: "Sequence[Command]", name: str) -> "Command":
	return next(command for command in commands if command.name == name)


def layerDescriptions(commands: "Sequence[Command]") -> dict[str, str]:
	"""What each command does in a few words, for the layer's help: script name -> help words."""
	return {command.name: command.helpWord for command in commands if command.helpWord}


def helpText(commands: "Sequence[Command]") -> str:
	"""The layer's keys and what they do, as one sentence to speak, in the table's order."""
	descriptions = layerDescriptions(commands)
	keysByScript: dict[str, list[str]] = {}
	for identifier, scriptName in layerGestures(commands).items():
		keysByScript.setdefault(scriptName, []).append(gestureText(identifier))
	entries = [
		# Translators: One entry of the command layer's help: {keys} such as "v or n", then what it does.
		_("{keys}: {action}").format(
			# Translators: Joins two keys of the command layer's help, as in "v or n".
			keys=_(" or ").join(keys),
			action=descriptions[scriptName],
		)
		for scriptName, keys in keysByScript.items()
	]
	# Translators: The end of the command layer's help: Escape leaves the layer.
	entries.append(_("{key}: leave").format(key=gestureText(LEAVE_LAYER_GESTURE)))
	return ". ".join(entries) + "."


def layerBrailleText(commands: "Sequence[Command]") -> str:
	"""What braille shows when the layer opens (the tone says it to the ear)."""
	helpKey = commandNamed(commands, HELP_COMMAND).keys[0]
	# Translators: Shown in braille when Vision Describer's command layer opens; {help} is the key
	# that lists the commands (h).
	return _("Vision Describer: press a letter, {help} for help").format(help=gestureText(helpKey))


def busySentence(commands: "Sequence[Command]") -> str:
	"""What a describe says while one is running: how to stop it, with the keys in use."""
	cancelKey = commandNamed(commands, CANCEL_COMMAND).keys[0]
	return _(
		# Translators: Spoken when a describe command is pressed while one is still running.
		# {entry} is the command layer's gesture (NVDA+alt+v), {cancel} the layer key that cancels (x).
		"Still describing; press {entry} then {cancel} to stop."
	).format(entry=gestureText(ENTRY_GESTURE), cancel=gestureText(cancelKey))


def gestureText(identifier: str) -> str:
	"""A gesture as NVDA shows it to users, e.g. "NVDA+alt+v"."""
	try:
		return inputCore.getDisplayTextForGestureIdentifier(inputCore.normalizeGestureIdentifier(identifier))[
			1
		]
	except (LookupError, ValueError, AttributeError):
		return identifier.split(":", 1)[-1]


# --- The layer's own commands (handlers in the command table) -------------------------------------------


def enter(plugin: "GlobalPlugin") -> None:
	plugin.layer.enter()


def speakHelp(plugin: "GlobalPlugin") -> None:
	plugin.speech.say(helpText(plugin.commands))
