"""Fake of NVDA's inputCore: gesture identifiers, the gesture base class and the input manager.

Tests make a gesture by subclassing `InputGesture` with `_get_identifiers`, as NVDA's own gesture
classes do. `manager.executeGesture(gesture)` does what NVDA's InputManager.executeGesture does for
the add-on (source/inputCore.py): a gesture whose `speechEffectWhenExecuted` is SPEECHEFFECT_CANCEL
(every gesture by default: typed characters, command keys, a lone Control) queues
`speech.cancelSpeech` on the event queue; a modifier alone (`isModifier`) stops there with
`NoInputGestureAction`; otherwise the script bound to it in a running global plugin (`getScript`)
is queued with `scriptHandler.queueScript`; with no script, `NoInputGestureAction` is raised and
NVDA lets the key through to the application.
"""

import baseObject


def normalizeGestureIdentifier(identifier):
	"""Lower case, and the parts after the source prefix sorted, so "kb:shift+NVDA+v" equals "kb:nvda+shift+v"."""
	source, main = identifier.lower().split(":", 1)
	return f"{source}:{'+'.join(sorted(main.split('+')))}"


def getDisplayTextForGestureIdentifier(identifier):
	"""(source, gesture) as NVDA shows them, e.g. ("keyboard, all layouts", "NVDA+alt+v").

	As NVDA's KeyboardInputGesture does: the NVDA key first, then the modifiers, the main key last.
	Only keyboard identifiers are known here; others raise LookupError as NVDA does for an unknown source.
	"""
	# keyboardHandler.KeyboardInputGesture.NORMAL_MODIFIER_KEYS, by name.
	modifiers = ("alt", "control", "shift", "windows", "leftalt", "rightalt", "leftcontrol", "rightcontrol")
	modifiers += ("leftshift", "rightshift", "leftwindows", "rightwindows")
	source, _sep, keys = identifier.partition(":")
	if not source.lower().startswith("kb"):
		raise LookupError(f"Couldn't get display text for identifier: {identifier}")
	keys = keys.lower().split("+")
	names = ["NVDA"] if "nvda" in keys else []
	names += [key for key in keys if key in modifiers]
	names += [key for key in keys if key != "nvda" and key not in modifiers]
	return "keyboard, all layouts", "+".join(names)


class NoInputGestureAction(LookupError):
	"""No script is bound to a gesture: NVDA passes the key on to the application."""


class InputGesture(baseObject.AutoPropertyObject):
	SPEECHEFFECT_CANCEL = "cancel"
	SPEECHEFFECT_PAUSE = "pause"
	SPEECHEFFECT_RESUME = "resume"
	speechEffectWhenExecuted = SPEECHEFFECT_CANCEL
	isModifier = False

	def _get_identifiers(self):
		raise NotImplementedError

	def _get_normalizedIdentifiers(self):
		return [normalizeGestureIdentifier(identifier) for identifier in self.identifiers]


class InputManager(baseObject.AutoPropertyObject):
	def _get_isInputHelpActive(self):
		return False

	def executeGesture(self, gesture):
		import globalPluginHandler
		import queueHandler
		import scriptHandler
		import speech

		if gesture.speechEffectWhenExecuted == gesture.SPEECHEFFECT_CANCEL:
			queueHandler.queueFunction(queueHandler.eventQueue, speech.cancelSpeech)
		if gesture.isModifier:
			# A lone modifier (Control) has cancelled speech above and runs no script.
			raise NoInputGestureAction
		for plugin in list(globalPluginHandler.runningPlugins):
			script = plugin.getScript(gesture)
			if script:
				scriptHandler.queueScript(script, gesture)
				return
		raise NoInputGestureAction


manager = InputManager()
