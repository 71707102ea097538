"""The command layer: NVDA+alt+v, then one letter. Main thread only, like every script.

Why a layer: it costs one default gesture, where a dozen would clash with NVDA's own and other
add-ons'. Entering binds the letters of the command table (`Command.keys`) with `bindGestures`;
while the layer is active, `getScript` wraps whatever it finds so that the layer is left before the
command runs, Escape leaves quietly and any other key beeps and leaves. A braille display key or a
touch gesture is no letter: it leaves the layer and goes on to NVDA (braille scrolling must never
vanish into a layer the user forgot). Leaving rebinds only the default gestures
(`clearGestureBindings`, then `bindGestures`). Gestures the user gave a command in Input Gestures
come from NVDA's gesture map, not from `getScript`, so every command's script leaves the layer
itself (commandTable).

The layer does not wait for ever: `TIMEOUT_SECONDS` after entering without a key it leaves by itself,
with a tone and a braille flash, and says nothing (speech may be reading something else).

Double press through the layer: the wrappers are new functions each time, so NVDA's own repeat count
stays 0. A describe started from the layer therefore keeps its first key bound on its own for NVDA's
multi-press time (`config.conf["keyboard"]["multiPressTimeout"]`, `doublePressSeconds()`): "NVDA+alt+v,
v, v" is a double press, within the same time NVDA gives any double press.

The help and the busy sentence are made from the same table, with the gestures the user has now:
NVDA's Input Gestures mappings (`inputCore.manager.getAllGestureMappings()`: the plugin's own
bindings plus what the user added or removed), shown as NVDA shows them.

Entering is a tone for the ear and a short braille message for the fingers (`layerBrailleText`).

Letters that belong to one command each (`RESERVED_KEYS`): A asks aloud, G starts and stops
watching, Shift+G says what changed. No other command may take them; until its command exists, a
letter is an unknown key.
"""

import functools
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import addonHandler
import config
import core
import inputCore
import tones
from logHandler import log

from . import brailleOutput

if TYPE_CHECKING:
	from . import GlobalPlugin
	from .commandTable import Command

addonHandler.initTranslation()

#: The one default gesture: it opens the command layer.
ENTRY_GESTURE = "kb:NVDA+alt+v"
ENTRY_COMMAND = "commandLayer"
LEAVE_LAYER_GESTURE = "kb:escape"
#: The command whose gestures the busy sentence names.
CANCEL_COMMAND = "cancel"
#: The command whose layer key the layer's braille message names.
HELP_COMMAND = "layerHelp"
#: Letters only the command named here may take (the voice and watching commands).
RESERVED_KEYS = {
	"kb:a": "askAloud",
	"kb:g": "startOrStopWatching",
	"kb:shift+g": "sayWhatChanged",
}
#: Seconds the layer waits for a key before it leaves by itself.
TIMEOUT_SECONDS = 5
#: When NVDA's multi-press setting cannot be read: NVDA's default, 500 ms.
DEFAULT_MULTI_PRESS_SECONDS = 0.5
#: Tones: a short high one when the layer opens, a low one for a key the layer does not know, a
#: middle one when it closes by itself.
LAYER_TONE = (880, 30)
UNKNOWN_KEY_TONE = (220, 80)
TIMEOUT_TONE = (440, 60)


def doublePressSeconds() -> float:
	"""NVDA's multi-press time (Keyboard settings), in seconds."""
	try:
		return config.conf["keyboard"]["multiPressTimeout"] / 1000
	except Exception:  # a value NVDA refuses in nvda.ini: NVDA's own default
		log.debugWarning("Vision Describer: multiPressTimeout could not be read", exc_info=True)
		return DEFAULT_MULTI_PRESS_SECONDS


class CommandLayer:
	"""The layer's state for one plugin: whether it is open, the command it is running, the key
	that repeats a describe for a moment, the timer that closes it."""

	def __init__(self, plugin: "GlobalPlugin"):
		#: The GlobalPlugin: its gesture bindings, scripts and command table (`plugin.commands`).
		self._plugin = plugin
		self._active = False
		#: The command the layer is running now (None outside a layer press).
		self._running: str | None = None
		#: (normalized gesture, command name, deadline): the describe key just used in the layer works
		#: on its own until the deadline.
		self._repeatWindow: tuple[str, str, float] | None = None
		self._timer = None
		#: Counts entries, so that a timer from an earlier entry never closes a later one.
		self._entries = 0

	@property
	def active(self) -> bool:
		return self._active

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
		self._entries += 1
		self._stopTimer()
		self._timer = core.callLater(int(TIMEOUT_SECONDS * 1000), self._timedOut, self._entries)

	def leave(self) -> None:
		self._stopTimer()
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
			if not isKeyboardGesture(identifiers):
				self.leave()  # and the gesture goes on to NVDA: braille scrolling, touch
				return findBound(gesture)
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
			self._repeatWindow = (normalized, self._running, time.monotonic() + doublePressSeconds())

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

	def _stopTimer(self) -> None:
		timer, self._timer = self._timer, None
		if timer is not None:
			timer.Stop()

	def _timedOut(self, entry: int) -> None:
		self._timer = None
		if not self._active or entry != self._entries:
			return
		self.leave()
		tones.beep(*TIMEOUT_TONE)
		# Translators: Shown in braille when the command layer closed because no key was pressed.
		brailleOutput.flash(_("Vision Describer commands closed"))


def isKeyboardGesture(normalizedIdentifiers: Sequence[str]) -> bool:
	"""Keyboard identifiers start with "kb:" or "kb(layout):"; a braille display's ("br(...)",
	"bk:") and touch ("ts:") do not."""
	return any(identifier.split(":", 1)[0].split("(", 1)[0] == "kb" for identifier in normalizedIdentifiers)


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


# --- The gestures the user has ------------------------------------------------------------------------


def layerBrailleText(commands: "Sequence[Command]") -> str:
	"""What braille shows when the layer opens (the tone says it to the ear)."""
	helpKey = commandNamed(commands, HELP_COMMAND).keys[0]
	# Translators: Shown in braille when Vision Describer's command layer opens; {help} is the key
	# that lists the commands (h).
	return _("Vision Describer: press a letter, {help} for help").format(help=gestureText(helpKey))


def boundGestures(plugin: "GlobalPlugin", scriptName: str) -> list[str]:
	"""The gestures that run one of the plugin's scripts now, as NVDA's Input Gestures dialog lists
	them (the plugin's own bindings, and what the user added or removed there), the layer's letters
	left out. When NVDA cannot say, the table's default gestures."""
	commands = plugin.commands
	letters = {inputCore.normalizeGestureIdentifier(key) for key in layerGestures(commands)}
	try:
		mappings = inputCore.manager.getAllGestureMappings()
	except Exception:
		log.debugWarning("Vision Describer: NVDA's gesture mappings could not be read", exc_info=True)
		mappings = {}
	for category in mappings.values():
		for info in category.values():
			if info.scriptName == scriptName and isinstance(plugin, info.cls):
				return [gesture for gesture in info.gestures if gesture not in letters]
	return [gesture for gesture, name in defaultGestures(commands).items() if name == scriptName]


def gestureText(identifier: str) -> str:
	"""A gesture as NVDA shows it to users, e.g. "NVDA+alt+v"."""
	try:
		return inputCore.getDisplayTextForGestureIdentifier(inputCore.normalizeGestureIdentifier(identifier))[
			1
		]
	except (LookupError, ValueError, AttributeError):
		return identifier.split(":", 1)[-1]


def _either(gestures: Sequence[str]) -> str:
	# Translators: Joins two keys or gestures, as in "v or n".
	return _(" or ").join(gestureText(gesture) for gesture in gestures)


def helpText(plugin: "GlobalPlugin") -> str:
	"""The layer's keys and what they do, as one sentence to speak, in the table's order, with the
	gesture that opens the layer and any gesture of its own a command was given."""
	commands = plugin.commands
	entries = []
	for command in commands:
		if not command.keys:
			continue
		own = boundGestures(plugin, command.name)
		if own:
			entries.append(
				# Translators: One entry of the command layer's help: {keys} such as "v or n", then what
				# it does, then {gestures}: the command's own gesture from Input Gestures.
				_("{keys}: {action}, also {gestures}").format(
					keys=_either(command.keys), action=command.helpWord, gestures=_either(own)
				)
			)
		else:
			# Translators: One entry of the command layer's help: {keys} such as "v or n", then what it does.
			entries.append(_("{keys}: {action}").format(keys=_either(command.keys), action=command.helpWord))
	# Translators: The end of the command layer's help: Escape leaves the layer.
	entries.append(_("{key}: leave").format(key=gestureText(LEAVE_LAYER_GESTURE)))
	keys = ". ".join(entries) + "."
	entryGestures = boundGestures(plugin, ENTRY_COMMAND)
	if not entryGestures:
		return keys
	# Translators: The command layer's help: {entry} is the gesture that opens the layer, {keys} the
	# list of its keys, as in "After NVDA+alt+v, press v or n: navigator object. f: focus."
	return _("After {entry}, press {keys}").format(entry=_either(entryGestures), keys=keys)


def busySentence(plugin: "GlobalPlugin") -> str:
	"""What a describe says while one is running: how to stop it, with the gestures in use."""
	own = boundGestures(plugin, CANCEL_COMMAND)
	if own:
		return _(
			# Translators: Spoken when a describe command is pressed while one is still running.
			# {cancel} is the gesture the user gave the cancel command.
			"Still describing; press {cancel} to stop."
		).format(cancel=gestureText(own[0]))
	entryGestures = boundGestures(plugin, ENTRY_COMMAND)
	cancelKeys = commandNamed(plugin.commands, CANCEL_COMMAND).keys
	if entryGestures and cancelKeys:
		return _(
			# Translators: Spoken when a describe command is pressed while one is still running.
			# {entry} is the command layer's gesture (NVDA+alt+v), {cancel} the layer key that cancels (x).
			"Still describing; press {entry} then {cancel} to stop."
		).format(entry=gestureText(entryGestures[0]), cancel=gestureText(cancelKeys[0]))
	return _(
		# Translators: Spoken when a describe command is pressed while one is still running and the
		# user removed every gesture that could stop it.
		"Still describing. To stop it, give Vision Describer's cancel command a gesture in Input Gestures."
	)


# --- The layer's own commands (handlers in the command table) -------------------------------------------


def enter(plugin: "GlobalPlugin") -> None:
	plugin.layer.enter()


def speakHelp(plugin: "GlobalPlugin") -> None:
	plugin.speech.say(helpText(plugin))
