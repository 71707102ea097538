"""The fakes may offer only what NVDA offers: checked against NVDA 2024.4's API data.

A fake may have FEWER names than NVDA, never more, and what it has must look like NVDA's: every
module, function, class, method, property and class attribute in tests/fakes must exist in
tests/nvdaApi/nvda-2024.4-api.json (or the file NVDA_API_FILE names), and every function and
method must have NVDA's parameter names, in NVDA's order, with the same "has a default" markers and
the same *args / **kwargs / bare "*" as the JSON records them (e.g. ["message", "title=", "isHtml="]).

Rules for what is not checked, each on purpose:
- The attribute named `testing` in a fake module is the fake's test-only namespace (recordings,
  answers to give, switches). Nothing else is exempt, so no other test helper can hide in a fake.
- Modules whose name starts with `_fake` are support code, not fakes of NVDA modules.
- Imported modules are not API (`gui.wx`); a fake's own submodules must be NVDA modules.
- Python's own machinery in a class (`__module__`, `__doc__`, `_abc_impl`, enum `_sunder_` names).
- Attributes set on instances, except on the module-level objects a fake makes from its own classes
  (`config.conf`, `braille.handler`): those may only carry NVDA's class attributes or the instance
  attributes listed in INSTANCE_ATTRIBUTES, each found in NVDA's source. (Objects tests make, such
  as the desktop object in globalVars, carry whatever the test gives them.)
- A property `x` is NVDA API when NVDA has `_get_x`/`_set_x` (NVDA's auto-properties) or `x` itself.
- A method that overrides one of a non-NVDA base class (wx.Panel.Show, logging.Logger.error) is that
  library's API, so only its existence on that base is checked.

Things NVDA added after 2024.4 may appear only through LATER_ADDITIONS, each with the version that
added it; an entry no fake uses fails the test, so the list never goes stale. A whole module NVDA
added later is one entry there, and its API (taken from that NVDA version's source) is written out in
LATER_MODULE_API so its fake is checked like the others; the test emulates that version (see the
config fake) before importing it.
"""

import dataclasses
import enum
import importlib
import inspect
import sys
import types

import pytest
from nvdaHarness import FAKES_DIR, fakeModuleNames, loadNvdaApi

API = loadNvdaApi()

#: What NVDA added after 2024.4 that the fakes offer: place -> NVDA version that added it.
#: "module.function(param=)" is a parameter, "module.Class.attribute" a class member,
#: "module.name" a module-level name, "config.conf[section]" a configuration section.
LATER_ADDITIONS = {
	"ui.browseableMessage(closeButton=)": "2025.1",
	"ui.browseableMessage(copyButton=)": "2025.1",
	"config.conf[screenCurtain]": "2026.1",  # moved from conf["vision"]["screenCurtain"]
	"screenCurtain": "2026.1",  # replaces visionEnhancementProviders.screenCurtain
}

#: Modules NVDA added after 2024.4, in the API data's shape, from that version's source.
LATER_MODULE_API = {
	# NVDA 2026.1, source/screenCurtain.py
	"screenCurtain": {
		"functions": {"initialize": [], "terminate": []},
		"classes": {
			"_ScreenCurtain": {
				"attributes": [],
				"bases": [],
				"methods": {
					"__init__": ["self"],
					"__del__": ["self"],
					"settings": ["self"],
					"enabled": ["self"],
					"enable": ["self", "*", "persist="],
					"disable": ["self", "*", "persist="],
				},
			},
		},
		"names": ["TRANSFORM_BLACK", "warnOnLoadCheckBoxText", "screenCurtain"],
		"imports": [
			"os",
			"TypedDict",
			"cast",
			"wx",
			"MessageDialog",
			"config",
			"log",
			"nvwave",
			"globalVars",
		],
	},
}
API = {**API, **LATER_MODULE_API}

#: Instance attributes NVDA's classes set in __init__ (the API data lists class attributes only).
INSTANCE_ATTRIBUTES = {
	# source/config/__init__.py, ConfigManager.__init__
	"config.ConfigManager": {"spec", "profiles", "validator", "rootSection"},
	# source/braille.py, BrailleHandler.__init__ (the fake's _messageCallLater is a
	# braille.testing.CallLater, shaped like the wx.CallLater NVDA keeps there)
	"braille.BrailleHandler": {"mainBuffer", "messageBuffer", "buffer", "_messageCallLater"},
	# source/inputCore.py, InputManager.__init__
	"inputCore.InputManager": {"localeGestureMap", "userGestureMap"},
}

#: NVDA 2024.4's top-level configuration sections (source/config/configSpec.py; nvdajp's extra
#: [language] section is left out).
CONFIG_SECTIONS_2024_4 = {
	"general",
	"speech",
	"audio",
	"braille",
	"vision",
	"presentation",
	"mouse",
	"speechViewer",
	"brailleViewer",
	"keyboard",
	"virtualBuffers",
	"touch",
	"documentFormatting",
	"documentNavigation",
	"reviewCursor",
	"UIA",
	"annotations",
	"terminals",
	"update",
	"inputComposition",
	"debugLog",
	"uwpOcr",
	"upgrade",
	"editableText",
	"development",
	"featureFlag",
	"addonStore",
}

#: Python machinery found in class dictionaries.
_CLASS_MACHINERY = {
	"__module__",
	"__qualname__",
	"__doc__",
	"__dict__",
	"__weakref__",
	"__annotations__",
	"__slots__",
	"__abstractmethods__",
	"__orig_bases__",
	"__parameters__",
	"__firstlineno__",
	"__static_attributes__",
	"__classcell__",
	"_abc_impl",
}


#: What @dataclass writes into a class (NVDA's dataclasses, such as vision.providerInfo.ProviderInfo,
#: have the same; the API data lists their fields as attributes only).
_DATACLASS_MACHINERY = {
	"__init__",
	"__repr__",
	"__eq__",
	"__hash__",
	"__setattr__",
	"__delattr__",
	"__match_args__",
	"__dataclass_fields__",
	"__dataclass_params__",
	"__getstate__",
	"__setstate__",
	"__replace__",
}


def _isSunder(name: str) -> bool:
	return len(name) > 2 and name[0] == "_" and name[-1] == "_" and name[1] != "_" and name[-2] != "_"


def _isDunder(name: str) -> bool:
	return name.startswith("__") and name.endswith("__")


def renderParameters(func) -> list[str]:
	"""A signature written the way the API data writes it: name, "name=", "*args", "**kwargs", "*"."""
	rendered = []
	starSeen = False
	for parameter in inspect.signature(func).parameters.values():
		if parameter.kind is parameter.VAR_POSITIONAL:
			rendered.append(f"*{parameter.name}")
			starSeen = True
		elif parameter.kind is parameter.VAR_KEYWORD:
			rendered.append(f"**{parameter.name}")
		else:
			if parameter.kind is parameter.KEYWORD_ONLY and not starSeen:
				rendered.append("*")
				starSeen = True
			rendered.append(parameter.name + ("=" if parameter.default is not parameter.empty else ""))
	return rendered


class SurfaceCheck:
	"""Collects every way a fake goes beyond NVDA's API; `violations` lists them in words."""

	def __init__(self):
		self.violations: list[str] = []
		self.usedAdditions: set[str] = set()
		# Auto-properties of the fake baseObject, and ordinary properties.
		self.getterTypes = (importlib.import_module("baseObject").Getter, property)

	def report(self, message: str) -> None:
		self.violations.append(message)

	def laterAddition(self, place: str) -> bool:
		if place in LATER_ADDITIONS:
			self.usedAdditions.add(place)
			return True
		return False

	def compare(self, place: str, func, expected: list[str]) -> None:
		got = renderParameters(func)
		kept = [p for p in got if not self.laterAddition(f"{place}({p})")]
		if kept != expected:
			self.report(
				f"{place}: the fake takes ({', '.join(got)}) but NVDA 2024.4 takes ({', '.join(expected)})"
			)

	# --- classes in the API data, with their NVDA bases -------------------------------------------

	@staticmethod
	def resolveBase(moduleName: str, baseName: str) -> tuple[str, str] | None:
		if baseName in API[moduleName]["classes"]:
			return moduleName, baseName
		if "." in baseName:
			module, _, name = baseName.rpartition(".")
			if module in API and name in API[module]["classes"]:
				return module, name
		owners = [m for m, data in API.items() if baseName in data["classes"]]
		return (owners[0], baseName) if len(owners) == 1 else None

	def jsonChain(self, moduleName: str, className: str) -> list[dict]:
		chain, queue, seen = [], [(moduleName, className)], set()
		while queue:
			key = queue.pop(0)
			if key in seen:
				continue
			seen.add(key)
			data = API[key[0]]["classes"][key[1]]
			chain.append(data)
			for base in data["bases"]:
				resolved = self.resolveBase(key[0], base)
				if resolved:
					queue.append(resolved)
		return chain

	# --- the checks -------------------------------------------------------------------------------

	def checkModule(self, moduleName: str, module: types.ModuleType) -> None:
		if moduleName in LATER_MODULE_API and not self.laterAddition(moduleName):
			self.report(f"{moduleName}: a later module without a LATER_ADDITIONS entry")
		if moduleName not in API:
			self.report(f"{moduleName}: NVDA 2024.4 has no such module")
			return
		data = API[moduleName]
		allowed = {*data["functions"], *data["classes"], *data["names"], *data.get("imports", ())}
		for name, value in vars(module).items():
			if _isDunder(name) or name == "testing":
				continue
			place = f"{moduleName}.{name}"
			if isinstance(value, types.ModuleType):
				if _isFakeModule(value) and value.__name__ not in API:
					self.report(f"{place}: NVDA 2024.4 has no module {value.__name__}")
				continue
			if name not in allowed:
				if not self.laterAddition(place):
					self.report(f"{place}: NVDA 2024.4's {moduleName} has no {name}")
				continue
			self.checkModuleMember(moduleName, name, value)

	def checkModuleMember(self, moduleName: str, name: str, value) -> None:
		"""A name NVDA's module has: a class or function defined here must match NVDA's."""
		data = API[moduleName]
		place = f"{moduleName}.{name}"
		definedHere = getattr(value, "__module__", None) == moduleName
		if definedHere and isinstance(value, type) and value.__name__ == name:
			if name in data["classes"]:
				self.checkClass(moduleName, value)
			elif not self.laterAddition(place):
				self.report(f"{place}: a class here, but NVDA 2024.4 has no class {name} in {moduleName}")
		elif definedHere and isinstance(value, types.FunctionType) and value.__name__ == name:
			if name in data["functions"]:
				self.compare(place, value, data["functions"][name])
			elif not self.laterAddition(place):
				self.report(
					f"{place}: a function here, but NVDA 2024.4 has no function {name} in {moduleName}"
				)
		elif type(value).__module__ == moduleName and not isinstance(
			value, type | types.FunctionType | enum.Enum
		):
			self.checkInstance(place, value)

	def checkClass(self, moduleName: str, cls: type) -> None:
		qualified = f"{moduleName}.{cls.__name__}"
		chain = self.jsonChain(moduleName, cls.__name__)
		externalBases = [base for base in cls.__mro__[1:] if base is not object and not _isFakeClass(base)]

		def jsonMethod(name):
			return next((data["methods"][name] for data in chain if name in data["methods"]), None)

		def jsonAttribute(name):
			return any(name in data["attributes"] for data in chain)

		def onExternalBase(name):
			return any(name in vars(base) for base in externalBases)

		generated = _DATACLASS_MACHINERY if dataclasses.is_dataclass(cls) else set()
		for name, value in vars(cls).items():
			if name in _CLASS_MACHINERY or name in generated or _isSunder(name):
				continue
			place = f"{qualified}.{name}"
			isFunction = isinstance(value, types.FunctionType | staticmethod | classmethod)
			if _isDunder(name) and not isFunction:
				continue
			if self.laterAddition(place):
				continue
			params = jsonMethod(name)
			if isinstance(value, self.getterTypes):
				accessor = value.fset if isinstance(value, property) and value.fset else value.fget
				if params is not None:
					self.compare(place, accessor, params)
				elif not (
					jsonMethod(f"_get_{name}") is not None
					or jsonMethod(f"_set_{name}") is not None
					or jsonAttribute(name)
					or onExternalBase(name)
				):
					self.report(f"{place}: NVDA 2024.4's {cls.__name__} has no property {name}")
			elif isFunction:
				func = value.__func__ if isinstance(value, staticmethod | classmethod) else value
				if params is not None:
					self.compare(place, func, params)
				elif not onExternalBase(name):
					self.report(f"{place}: NVDA 2024.4's {cls.__name__} has no method {name}")
			elif not (jsonAttribute(name) or onExternalBase(name)):
				self.report(f"{place}: NVDA 2024.4's {cls.__name__} has no attribute {name}")

	def checkInstance(self, place: str, value) -> None:
		cls = type(value)
		if any(base is not object and not _isFakeClass(base) for base in cls.__mro__):
			return  # attributes set by a library base class (logging.Logger, argparse.Namespace)
		qualified = f"{cls.__module__}.{cls.__name__}"
		known = set(INSTANCE_ATTRIBUTES.get(qualified, ()))
		if cls.__name__ in API.get(cls.__module__, {}).get("classes", {}):
			for data in self.jsonChain(cls.__module__, cls.__name__):
				known |= set(data["attributes"])
		for name in vars(value):
			if not name.startswith("_") and name not in known:
				self.report(f"{place}.{name}: NVDA's {cls.__name__} objects have no attribute {name}")


def _isFakeModule(module: types.ModuleType) -> bool:
	locations = [getattr(module, "__file__", None), *(getattr(module, "__path__", None) or [])]
	return any(location and str(location).startswith(str(FAKES_DIR)) for location in locations)


def _isFakeClass(cls: type) -> bool:
	module = sys.modules.get(cls.__module__)
	return module is not None and _isFakeModule(module)


def importFake(name: str) -> types.ModuleType:
	"""Imports a fake; one of a module NVDA added later, as that NVDA version (it refuses otherwise)."""
	if name in LATER_MODULE_API:
		importlib.import_module("config").testing.emulate(LATER_ADDITIONS[name])
	return importlib.import_module(name)


def checkAllFakes() -> SurfaceCheck:
	check = SurfaceCheck()
	for name in fakeModuleNames():
		check.checkModule(name, importFake(name))
	return check


# --- the fakes against NVDA ---------------------------------------------------------------------


@pytest.mark.parametrize("moduleName", fakeModuleNames())
def test_fakeModuleOffersOnlyWhatNvdaOffers(moduleName):
	check = SurfaceCheck()
	check.checkModule(moduleName, importFake(moduleName))
	assert check.violations == []


def test_everyFakeModuleIsChecked():
	names = fakeModuleNames()
	assert {"ui", "api", "config", "gui", "gui.settingsDialogs", "gui.guiHelper", "speech.speech"} <= set(
		names
	)
	assert not [
		path for path in FAKES_DIR.rglob("*.py") if path.stem.startswith("_") and path.stem != "__init__"
	]


def test_everyLaterAdditionIsUsedAndDated():
	check = checkAllFakes()
	check.usedAdditions |= _configAdditionsUsed()
	assert check.violations == []
	assert set(LATER_ADDITIONS) == check.usedAdditions
	for place, version in LATER_ADDITIONS.items():
		assert version.split(".")[0] in ("2025", "2026", "2027"), place


def _configAdditionsUsed() -> set[str]:
	import config

	used = set()
	for specText in config.testing.LATER_SPECS.values():
		for line in specText.splitlines():
			if line.startswith("[") and not line.startswith("[["):
				used.add(f"config.conf[{line.strip('[]')}]")
	return used


def test_configSpecHasOnlyNvdaSections():
	import config

	assert set(config.conf.spec.sections) <= CONFIG_SECTIONS_2024_4
	for version, specText in config.testing.LATER_SPECS.items():
		for line in specText.splitlines():
			if line.startswith("[") and not line.startswith("[["):
				place = f"config.conf[{line.strip('[]')}]"
				assert LATER_ADDITIONS.get(place) == version, place


def test_laterConfigSectionsAppearOnlyWhenEmulated():
	import config

	assert "screenCurtain" not in config.conf
	config.testing.emulate("2025.3")
	assert "screenCurtain" not in config.conf
	config.testing.emulate("2026.1")
	assert config.conf["screenCurtain"]["enabled"] is False


# --- the checker itself catches a fake that invents API -------------------------------------------


def _copyOfModule(name: str) -> types.ModuleType:
	original = importlib.import_module(name)
	copy = types.ModuleType(name)
	copy.__dict__.update(vars(original))
	return copy


def _violations(name: str, module: types.ModuleType) -> list[str]:
	check = SurfaceCheck()
	check.checkModule(name, module)
	return check.violations


def test_checkerCatchesAnInventedFunction():
	ui = _copyOfModule("ui")

	def speakLouder(text):
		pass

	speakLouder.__module__ = "ui"
	ui.speakLouder = speakLouder
	assert _violations("ui", ui) == ["ui.speakLouder: NVDA 2024.4's ui has no speakLouder"]


def test_checkerCatchesAnInventedParameterAndADefaultNvdaLacks():
	ui = _copyOfModule("ui")

	def message(text, speechPriority=None, brailleText=None, interrupt=False):
		pass

	def reviewMessage(text, speechPriority):  # NVDA gives speechPriority a default
		pass

	for func in (message, reviewMessage):
		func.__module__ = "ui"
		setattr(ui, func.__name__, func)
	violations = _violations("ui", ui)
	assert len(violations) == 2
	assert "ui.message: the fake takes (text, speechPriority=, brailleText=, interrupt=)" in violations[0]
	assert "ui.reviewMessage" in violations[1]


def test_checkerCatchesAParameterAddedAfter2024_4WithoutAnAllowListEntry():
	ui = _copyOfModule("ui")

	def browseableMessage(message, title=None, isHtml=False, closeButton=False, sanitizeHtmlFunc=None):
		pass

	browseableMessage.__module__ = "ui"
	ui.browseableMessage = browseableMessage
	[violation] = _violations("ui", ui)
	assert "sanitizeHtmlFunc=" in violation


def test_checkerCatchesAnInventedMethodAttributeAndProperty():
	import globalPluginHandler

	plugins = _copyOfModule("globalPluginHandler")

	class GlobalPlugin(globalPluginHandler.GlobalPlugin):
		isReady = True

		def speakAll(self):
			pass

		@property
		def brightness(self):
			return 1

		def terminate(self, force):
			pass

	GlobalPlugin.__module__ = "globalPluginHandler"
	plugins.GlobalPlugin = GlobalPlugin
	assert sorted(_violations("globalPluginHandler", plugins)) == [
		"globalPluginHandler.GlobalPlugin.brightness: NVDA 2024.4's GlobalPlugin has no property brightness",
		"globalPluginHandler.GlobalPlugin.isReady: NVDA 2024.4's GlobalPlugin has no attribute isReady",
		"globalPluginHandler.GlobalPlugin.speakAll: NVDA 2024.4's GlobalPlugin has no method speakAll",
		"globalPluginHandler.GlobalPlugin.terminate: the fake takes (self, force) but NVDA 2024.4 takes (self)",
	]


def test_checkerCatchesATestHelperOutsideTesting():
	tones = _copyOfModule("tones")
	tones.beeps = []
	assert _violations("tones", tones) == ["tones.beeps: NVDA 2024.4's tones has no beeps"]


def test_checkerCatchesAnInventedInstanceAttribute():
	import config

	config.conf.lastSaved = "never"
	assert _violations("config", _copyOfModule("config")) == [
		"config.conf.lastSaved: NVDA's ConfigManager objects have no attribute lastSaved"
	]


def test_parametersAreRenderedLikeTheApiData():
	def f(queue, func, *args, _immediate=False, **kwargs):
		pass

	def g(self, *, all=None):
		pass

	assert renderParameters(f) == ["queue", "func", "*args", "_immediate=", "**kwargs"]
	assert renderParameters(g) == ["self", "*", "all="]
	assert API["queueHandler"]["functions"]["queueFunction"] == renderParameters(f)


def test_checkerHoldsLaterModulesToTheirWrittenApi():
	importFake("screenCurtain")
	module = _copyOfModule("screenCurtain")
	assert _violations("screenCurtain", module) == []

	def isOn():
		return True

	isOn.__module__ = "screenCurtain"
	module.isOn = isOn
	assert _violations("screenCurtain", module) == [
		"screenCurtain.isOn: NVDA 2024.4's screenCurtain has no isOn"
	]
