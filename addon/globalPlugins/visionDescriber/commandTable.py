"""Every command, once: its script name, its layer keys, its help words, its Input Gestures
description and its handler. A new command is one record here and one small handler.

Everything else is made from this table, so the three never disagree:
- `addScripts` gives the GlobalPlugin one `script_<name>` per record, with the description and the
  add-on's category, where NVDA's Input Gestures dialog finds it (it reads `script_*` members of
  the class, their `__doc__` and `category`), so every command can get a gesture of its own;
- the command layer binds each record's `keys` and speaks each `helpWord` in its help, in the
  table's order (commandLayer.py);
- a record's `gesture` is bound by default; only the layer's entry has one.

Each generated script first leaves the command layer, then asks the plugin whether anything may be
done here (`refused()`: secure screen, locked Windows, missing libraries), then calls the handler
with the plugin, on the main thread. A command whose answer is immediate (said while its script
runs: help, repeat, copy, cancel, a refusal, "still describing") is marked `speakOnDemand`, so
NVDA's on-demand speech mode says it; what arrives later (a description) is not heard in that mode,
and speechOutput.py gives a tone instead. Handlers return at once; slow work goes to the
describer's worker. Strings are
translated when the module is imported, as `@script` descriptions are.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import addonHandler
import scriptHandler

from . import commandLayer, describeCommands, resultCommands, targets, voiceCommands, watchCommands

if TYPE_CHECKING:
	from . import GlobalPlugin

addonHandler.initTranslation()


@dataclass(frozen=True)
class Command:
	"""One command: a script of its own, and (with keys) a letter of the command layer."""

	#: The script is `script_<name>` on the GlobalPlugin; gestures.ini and Input Gestures know it so.
	name: str
	#: What the command does, shown in NVDA's Input Gestures dialog.
	description: str
	#: Runs the command on the main thread, given the plugin, once the plugin's refusals let it.
	handler: Callable[["GlobalPlugin"], None]
	#: Its keys in the command layer, e.g. ("kb:v", "kb:n"); the first one repeats a describe.
	keys: tuple[str, ...] = ()
	#: A few words for the layer's help, e.g. "whole screen" (needed when there are keys).
	helpWord: str = ""
	#: A gesture bound by default, without the layer.
	gesture: str | None = None
	#: Its answer is immediate: spoken in NVDA's on-demand speech mode too (`script(speakOnDemand=)`).
	speakOnDemand: bool = True


COMMANDS: tuple[Command, ...] = (
	Command(
		name="commandLayer",
		gesture=commandLayer.ENTRY_GESTURE,
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_("Vision Describer commands: press a letter next; h lists them"),
		handler=commandLayer.enter,
		# A tone and a braille flash, nothing spoken.
		speakOnDemand=False,
	),
	Command(
		name="describeNavigator",
		keys=("kb:v", "kb:n"),
		# Translators: Command layer help: what the key does.
		helpWord=_("navigator object"),
		description=_(
			# Translators: Describes a command in NVDA's Input Gestures dialog.
			"Describes the navigator object with the vision model. Pressed twice, opens follow-up questions"
		),
		handler=describeCommands.describes(targets.NAVIGATOR),
	),
	Command(
		name="describeFocus",
		keys=("kb:f",),
		# Translators: Command layer help: what the key does.
		helpWord=_("focus"),
		description=_(
			# Translators: Describes a command in NVDA's Input Gestures dialog.
			"Describes the object with the keyboard focus. Pressed twice, opens follow-up questions"
		),
		handler=describeCommands.describes(targets.FOCUS),
	),
	Command(
		name="describeForeground",
		keys=("kb:w",),
		# Translators: Command layer help: what the key does.
		helpWord=_("window"),
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_("Describes the foreground window. Pressed twice, opens follow-up questions"),
		handler=describeCommands.describes(targets.FOREGROUND),
	),
	Command(
		name="describeMonitor",
		keys=("kb:m",),
		# Translators: Command layer help: what the key does.
		helpWord=_("monitor"),
		description=_(
			# Translators: Describes a command in NVDA's Input Gestures dialog.
			"Describes the monitor showing the navigator object. Pressed twice, opens follow-up questions"
		),
		handler=describeCommands.describes(targets.MONITOR),
	),
	Command(
		name="describeScreen",
		keys=("kb:s",),
		# Translators: Command layer help: what the key does.
		helpWord=_("whole screen"),
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_("Describes the whole screen, all monitors. Pressed twice, opens follow-up questions"),
		handler=describeCommands.describes(targets.SCREEN),
	),
	Command(
		name="describeClipboard",
		keys=("kb:i",),
		# Translators: Command layer help: what the key does.
		helpWord=_("clipboard image or selected file"),
		description=_(
			# Translators: Describes a command in NVDA's Input Gestures dialog.
			"Describes the image on the clipboard, or the image file selected in File Explorer. "
			"Pressed twice, opens follow-up questions"
		),
		handler=describeCommands.describes(targets.CLIPBOARD),
	),
	Command(
		name="askAboutNavigator",
		keys=("kb:q",),
		# Translators: Command layer help: what the key does.
		helpWord=_("ask about the navigator object"),
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_("Captures the navigator object, then asks what you want to know about it"),
		handler=describeCommands.asksAbout(targets.NAVIGATOR),
	),
	Command(
		name="askAboutScreen",
		keys=("kb:shift+q",),
		# Translators: Command layer help: what the key does.
		helpWord=_("ask about the screen"),
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_("Captures the whole screen, then asks what you want to know about it"),
		handler=describeCommands.asksAbout(targets.SCREEN),
	),
	Command(
		name="askAloud",
		keys=("kb:a",),
		# Translators: Command layer help: what the key does.
		helpWord=_("ask aloud"),
		description=_(
			# Translators: Describes a command in NVDA's Input Gestures dialog.
			"Asks a question aloud about what is on the screen: press, speak, and the answer is spoken. "
			"Pressed while listening, stops listening"
		),
		handler=voiceCommands.askAloud,
	),
	Command(
		name="repeatLastResult",
		keys=("kb:r",),
		# Translators: Command layer help: what the key does.
		helpWord=_("repeat"),
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_("Speaks the last description again"),
		handler=resultCommands.repeatLastResult,
	),
	Command(
		name="showLastResult",
		keys=("kb:b",),
		# Translators: Command layer help: what the key does.
		helpWord=_("show in a window"),
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_("Shows the last description in a window you can read and copy from"),
		handler=resultCommands.showLastResult,
	),
	Command(
		name="copyLastResult",
		keys=("kb:c",),
		# Translators: Command layer help: what the key does.
		helpWord=_("copy"),
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_("Copies the last description to the clipboard"),
		handler=resultCommands.copyLastResult,
	),
	Command(
		name="followUp",
		keys=("kb:d",),
		# Translators: Command layer help: what the key does.
		helpWord=_("follow-up questions"),
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_("Opens follow-up questions about the last description"),
		handler=resultCommands.followUp,
	),
	Command(
		name="startOrStopWatching",
		keys=("kb:g",),
		# Translators: Command layer help: what the key does.
		helpWord=_("watch for changes, or stop"),
		description=_(
			# Translators: Describes a command in NVDA's Input Gestures dialog.
			"Starts watching the screen and saying what changes; pressed again, stops watching"
		),
		handler=watchCommands.startOrStopWatching,
	),
	Command(
		name="sayWhatChanged",
		keys=("kb:shift+g",),
		# Translators: Command layer help: what the key does.
		helpWord=_("what changed"),
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_("Says what has changed on the screen since the last description"),
		handler=watchCommands.sayWhatChanged,
	),
	Command(
		name="cancel",
		keys=("kb:x",),
		# Translators: Command layer help: what the key does.
		helpWord=_("cancel"),
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_("Stops the description that is being made"),
		handler=describeCommands.cancel,
	),
	Command(
		name="openSettings",
		keys=("kb:o",),
		# Translators: Command layer help: what the key does.
		helpWord=_("settings"),
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_("Opens Vision Describer's settings"),
		handler=resultCommands.openSettings,
	),
	Command(
		name="layerHelp",
		keys=("kb:h",),
		# Translators: Command layer help: what the key does.
		helpWord=_("this help"),
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_("Lists the letters of Vision Describer's command layer"),
		handler=commandLayer.speakHelp,
	),
	Command(
		name="announceReady",
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_("Says whether Vision Describer is ready to describe the screen"),
		handler=resultCommands.announceReady,
	),
)


def addScripts(cls: type) -> None:
	"""Gives cls (a GlobalPlugin class with `commands` and `scriptCategory`) one script per command.

	Called once, after the class statement: NVDA finds scripts as members of the class whenever it
	looks (Input Gestures, gestures.ini, `bindGesture`), so adding them after the class was made is
	the same to it as writing them in the class body. Default gestures are not taken from the
	scripts (NVDA collects those when the class is made): the class binds `defaultGestures`."""
	for command in cls.commands:
		setattr(cls, f"script_{command.name}", _scriptFor(command, cls.scriptCategory))


def _scriptFor(command: Command, category: str) -> Callable:
	def script(plugin: "GlobalPlugin", gesture) -> None:
		# Every command leaves the layer first, whichever way it came: a gesture the user gave it in
		# Input Gestures reaches NVDA's gesture map before the layer's getScript.
		plugin.layer.leave()
		if not plugin.refused():
			command.handler(plugin)

	script.__name__ = script.__qualname__ = f"script_{command.name}"
	return scriptHandler.script(
		description=command.description, category=category, speakOnDemand=command.speakOnDemand
	)(script)
