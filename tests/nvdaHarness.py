"""Runs the add-on's NVDA layer against the fake NVDA modules in tests/fakes.

`fakesInstalled()` puts tests/fakes and addon/globalPlugins at the front of sys.path and gives
builtins NVDA's translation functions (`_`, `ngettext`, `pgettext`, `npgettext`; identity here, as
NVDA installs its own gettext at start-up). On exit it restores sys.path and builtins and forgets
every module imported from those two folders, so each test starts from freshly imported fakes
(empty recordings) and tests outside tests/nvda never see a fake.
"""

import builtins
import contextlib
import importlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
FAKES_DIR = REPO_DIR / "tests" / "fakes"
ADDON_DIR = REPO_DIR / "addon"
GLOBAL_PLUGINS_DIR = ADDON_DIR / "globalPlugins"
PACKAGES_DIR = ADDON_DIR / "packages"
# Kept in the repository (tests/nvdaApi/README.md says where it came from), so a fresh clone tests itself.
NVDA_API_FILE = Path(os.environ.get("NVDA_API_FILE", REPO_DIR / "tests" / "nvdaApi" / "nvda-2024.4-api.json"))


def loadNvdaApi() -> dict:
	"""NVDA 2024.4's API data: modules -> functions, classes (methods, attributes, bases), names, imports."""
	if not NVDA_API_FILE.is_file():
		raise FileNotFoundError(
			f"NVDA's API data is not at {NVDA_API_FILE}; set NVDA_API_FILE to the nvda-2024.4-api.json file"
		)
	return json.loads(NVDA_API_FILE.read_text(encoding="utf-8"))["modules"]


def _identity(message: str) -> str:
	return message


def _pgettext(context: str, message: str) -> str:
	return message


def _ngettext(singular: str, plural: str, n: int) -> str:
	return singular if n == 1 else plural


def _npgettext(context: str, singular: str, plural: str, n: int) -> str:
	return singular if n == 1 else plural


TRANSLATION_BUILTINS = {"_": _identity, "pgettext": _pgettext, "ngettext": _ngettext, "npgettext": _npgettext}


def fakeModuleNames() -> list[str]:
	"""Dotted names of every fake module (support modules, named `_fake*`, excluded)."""
	names = []
	for path in sorted(FAKES_DIR.rglob("*.py")):
		parts = list(path.relative_to(FAKES_DIR).with_suffix("").parts)
		if parts[-1] == "__init__":
			parts.pop()
		if parts and not parts[0].startswith("_fake"):
			names.append(".".join(parts))
	return names


def modulesFrom(*folders: Path) -> list[str]:
	"""Names of loaded modules whose file (or package folder) is inside one of the folders."""
	prefixes = tuple(os.path.abspath(folder) + os.sep for folder in folders)
	found = []
	for name, module in list(sys.modules.items()):
		locations = [getattr(module, "__file__", None), *(getattr(module, "__path__", None) or [])]
		if any(isinstance(location, str) and location.startswith(prefixes) for location in locations):
			found.append(name)
	return found


def _forgetModules(*folders: Path) -> None:
	for name in modulesFrom(*folders):
		del sys.modules[name]


@contextlib.contextmanager
def fakesInstalled() -> Iterator[None]:
	savedPath = list(sys.path)
	savedBuiltins = {
		name: builtins.__dict__[name] for name in TRANSLATION_BUILTINS if name in builtins.__dict__
	}
	_forgetModules(FAKES_DIR, GLOBAL_PLUGINS_DIR)
	sys.path[:0] = [str(FAKES_DIR), str(GLOBAL_PLUGINS_DIR)]
	importlib.invalidate_caches()
	builtins.__dict__.update(TRANSLATION_BUILTINS)
	try:
		import addonHandler

		addonHandler.testing.addonDirs.append(str(ADDON_DIR))
		yield
	finally:
		gui = sys.modules.get("gui")
		if gui is not None and getattr(gui, "mainFrame", None) is not None:
			gui.terminate()
		_forgetModules(FAKES_DIR, GLOBAL_PLUGINS_DIR)
		sys.path[:] = savedPath
		importlib.invalidate_caches()
		for name in TRANSLATION_BUILTINS:
			builtins.__dict__.pop(name, None)
		builtins.__dict__.update(savedBuiltins)
		# The plugin gives the core NVDA's translator; outside NVDA the core speaks English again.
		i18n = sys.modules.get("visionDescriberCore.i18n")
		if i18n is not None:
			i18n.setTranslator(str)


def makeObject(
	name: str = "",
	role=None,
	location=None,
	appName: str = "unknown",
	processID: int = 4242,
	windowHandle: int = 0x10010,
):
	"""A fake NVDA object (an NVDAObjects.window.Window) with the given properties; needs the fakes."""
	import appModuleHandler
	import controlTypes
	from NVDAObjects.window import Window

	obj = Window(windowHandle=windowHandle)
	obj.name = name
	obj.role = controlTypes.Role.UNKNOWN if role is None else role
	obj.location = location
	obj.processID = processID
	obj.appModule = appModuleHandler.AppModule(processID, appName=appName)
	return obj


def makeGesture(identifier: str):
	"""An NVDA input gesture with this identifier (needs the fakes)."""
	import inputCore

	class Gesture(inputCore.InputGesture):
		def _get_identifiers(self):
			return [identifier]

	return Gesture()
