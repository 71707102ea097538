"""Fake of NVDA's inputCore: gesture identifiers, the gesture base class, gesture maps and the
input manager.

Tests make a gesture by subclassing `InputGesture` with `_get_identifiers`, as NVDA's own gesture
classes do; identifiers name their source as NVDA's do: "kb:" (or "kb(laptop):") for the keyboard,
"br(freedomScientific):" for a braille display's keys, "bk:" for its braille keyboard, "ts:" for
touch. `manager.executeGesture(gesture)` does what NVDA's InputManager.executeGesture does for the
add-on (source/inputCore.py): the script is looked up (`scriptHandler.findScript`: the user's and
the locale's gesture maps, then the running global plugins); a gesture whose
`speechEffectWhenExecuted` is SPEECHEFFECT_CANCEL (every gesture by default: typed characters,
command keys, a lone Control) queues `speech.cancelSpeech` on the event queue; a modifier alone
(`isModifier`) stops there with `NoInputGestureAction`; otherwise the script is queued with
`scriptHandler.queueScript`. With no script, `NoInputGestureAction` is raised: NVDA then gives the
gesture to the next in line (app module, focus, its own global commands such as braille
scrolling), and a key nobody takes goes on to the application.

Gesture maps (`GlobalGestureMap`): `manager.userGestureMap` holds what the user changed in Input
Gestures (gestures.ini), `manager.localeGestureMap` the translation's bindings; both start empty
here. An entry is (gesture, module, class name, script name), a script name of None removing that
gesture from the class. `manager.getAllGestureMappings()` answers as NVDA's does for its Input
Gestures dialog (`_AllGestureMappingsRetriever`): category -> description -> AllGesturesScriptInfo
with `.gestures`, the global maps' entries first (a removed gesture is left out), then each running
global plugin's own bindings that no map entry overrode. App modules, NVDA objects and NVDA's global
commands, which NVDA also walks, are not faked.
"""

import sys

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


SCRCAT_MISC = "Miscellaneous"


class GlobalGestureMap:
	def __init__(self, entries=None):
		self._map = {}
		self.lastUpdateContainedError = False
		self.fileName = None
		if entries:
			self.update(entries)

	def clear(self):
		self._map.clear()
		self.lastUpdateContainedError = False

	def add(self, gesture, module, className, script, replace=False):
		scripts = self._map.setdefault(normalizeGestureIdentifier(gesture), [])
		if replace:
			del scripts[:]
		scripts.append((module, className, script))

	def update(self, entries):
		"""entries: {"module.Class": {"scriptName" or "None": gesture or [gestures]}}, as gestures.ini."""
		self.lastUpdateContainedError = False
		for locationName, location in entries.items():
			module, className = locationName.rsplit(".", 1)
			for script, gestures in location.items():
				if script == "None":
					script = None
				if isinstance(gestures, str):
					gestures = [gestures]
				for gesture in gestures or ():
					self.add(gesture, module, className, script)

	def getScriptsForGesture(self, gesture):
		for moduleName, className, scriptName in self._map.get(gesture, ()):
			module = sys.modules.get(moduleName)
			cls = getattr(module, className, None) if module is not None else None
			if cls is not None:
				yield cls, scriptName

	def getScriptsForAllGestures(self):
		for gesture in self._map:
			for cls, scriptName in self.getScriptsForGesture(gesture):
				yield cls, gesture, scriptName

	def remove(self, gesture, module, className, script):
		try:
			scripts = self._map[normalizeGestureIdentifier(gesture)]
		except KeyError:
			raise ValueError("Mapping not found") from None
		scripts.remove((module, className, script))


class InputManager(baseObject.AutoPropertyObject):
	def __init__(self):
		self.localeGestureMap = GlobalGestureMap()
		self.userGestureMap = GlobalGestureMap()

	def _get_isInputHelpActive(self):
		return False

	def executeGesture(self, gesture):
		import queueHandler
		import scriptHandler
		import speech

		script = scriptHandler.findScript(gesture)
		if gesture.speechEffectWhenExecuted == gesture.SPEECHEFFECT_CANCEL:
			queueHandler.queueFunction(queueHandler.eventQueue, speech.cancelSpeech)
		if gesture.isModifier:
			# A lone modifier (Control) has cancelled speech above and runs no script.
			raise NoInputGestureAction
		if script:
			scriptHandler.queueScript(script, gesture)
			return
		# An unbound gesture between two presses of a script makes the second a first press again.
		queueHandler.queueFunction(queueHandler.eventQueue, scriptHandler.clearLastScript)
		raise NoInputGestureAction

	def getAllGestureMappings(self, obj=None, ancestors=None):
		return _AllGestureMappingsRetriever(obj, ancestors).results


class _AllGestureMappingsRetriever:
	def __init__(self, obj, ancestors):
		import globalPluginHandler

		self.results = {}
		self.scriptInfo = {}
		self.handledGestures = set()
		self.addGlobalMap(manager.userGestureMap)
		self.addGlobalMap(manager.localeGestureMap)
		for plugin in list(globalPluginHandler.runningPlugins):
			self.addObj(plugin)

	def addResult(self, scriptInfo):
		self.scriptInfo[scriptInfo.cls, scriptInfo.scriptName] = scriptInfo
		self.results.setdefault(scriptInfo.category, {})[scriptInfo.displayName] = scriptInfo

	def addGlobalMap(self, gmap):
		for cls, gesture, scriptName in gmap.getScriptsForAllGestures():
			key = (cls, gesture)
			if key in self.handledGestures:
				continue
			self.handledGestures.add(key)
			if scriptName is None:
				continue  # removed by the user: not shown, and the object's own binding is overridden
			scriptInfo = self.scriptInfo.get((cls, scriptName))
			if scriptInfo is None:
				script = getattr(cls, f"script_{scriptName}", None)
				if script is None:
					self.handledGestures.remove(key)
					continue
				scriptInfo = self.makeNormalScriptInfo(cls, scriptName, script)
				if not scriptInfo:
					continue
				self.addResult(scriptInfo)
			scriptInfo.gestures.append(gesture)

	@classmethod
	def makeNormalScriptInfo(cls, scriptCls, scriptName, script):
		info = AllGesturesScriptInfo(scriptCls, scriptName)
		info.category = cls.getScriptCategory(scriptCls, script)
		info.displayName = script.__doc__
		return info if info.displayName else None

	@classmethod
	def getScriptCategory(cls, scriptCls, script):
		return getattr(script, "category", None) or getattr(scriptCls, "scriptCategory", SCRCAT_MISC)

	def addObj(self, obj, isAncestor=False):
		scripts = {}
		for cls in type(obj).__mro__:
			for name, script in cls.__dict__.items():
				if not name.startswith("script_"):
					continue
				scriptName = name[len("script_") :]
				scriptInfo = self.scriptInfo.get((cls, scriptName))
				if scriptInfo is None:
					scriptInfo = self.makeNormalScriptInfo(cls, scriptName, script)
					if not scriptInfo:
						continue
					self.addResult(scriptInfo)
				scripts[script] = scriptInfo
		for gesture, script in obj._gestureMap.items():
			scriptInfo = scripts.get(script)
			if scriptInfo is None:
				continue
			key = (scriptInfo.cls, gesture)
			if key in self.handledGestures:
				continue
			self.handledGestures.add(key)
			scriptInfo.gestures.append(gesture)


class AllGesturesScriptInfo:
	def __init__(self, cls, scriptName):
		self.cls = cls
		self.scriptName = scriptName
		self.gestures = []

	@property
	def moduleName(self):
		return self.cls.__module__

	@property
	def className(self):
		return self.cls.__name__


manager = InputManager()
