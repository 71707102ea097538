"""Makes the add-on's core and its bundled libraries importable inside NVDA, without shadowing NVDA.

Layout of the installed add-on:
	<root>/packages/visionDescriberCore/   the NVDA-free core (pure Python)
	<root>/deps/cp311-win32/                compiled libraries for NVDA 2025.x (Python 3.11, 32-bit)
	<root>/deps/cp313-win_amd64/            ... for NVDA 2026.x (Python 3.13, 64-bit)

`load()` appends `<root>/packages` and the one deps folder matching the running Python to the END of
sys.path, so every module NVDA (or another add-on) can already import keeps coming from where it came
from; nothing already in sys.modules is ever replaced. It then imports each required library with its
compiled parts (`PROOF_MODULES`: Pillow's `_imaging` through `PIL.Image`; on Windows pywin32-ctypes,
which keyring's Credential Manager backend needs), so a damaged or missing `.pyd` is found at NVDA's
start and becomes the status's `problem`, the sentence every command speaks, instead of a failure
at the first describe. It logs which copy of each library the add-on got, or why one could not be
imported, and how long the imports took. `problem` is also the sentence for an NVDA whose Python
the add-on has no build for.

Runs on NVDA's main thread while NVDA loads its plugins. The imports cost a fraction of a second
there, which the first describe would otherwise pay.
"""

import importlib
import importlib.metadata
import importlib.util
import os
import struct
import sys
import time
from dataclasses import dataclass, field

import addonHandler
from logHandler import log

addonHandler.initTranslation()

#: The add-on's root folder: this file is <root>/globalPlugins/visionDescriber/libraryLoader.py.
ADDON_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

#: Libraries the add-on needs: import name -> distribution name (whose metadata gives the version).
REQUIRED_LIBRARIES: dict[str, str] = {
	"PIL": "pillow",
	"mss": "mss",
	"keyring": "keyring",
	"requests": "requests",
}

#: Modules imported after a library itself, to prove the parts the add-on uses load: importing
#: `PIL` alone loads no compiled code, `PIL.Image` loads `_imaging`.
PROOF_MODULES: dict[str, tuple[str, ...]] = {
	"PIL": ("PIL.Image",),
	"keyring": ("keyring.backends.Windows",),
}
#: The same, only on Windows: keyring's Windows backend quietly reports itself unusable when
#: pywin32-ctypes cannot be imported, so that import is proved here.
WINDOWS_PROOF_MODULES: dict[str, tuple[str, ...]] = {
	"keyring": ("win32ctypes.pywin32.win32cred",),
}

_NOT_IMPORT_NAMES = ("__pycache__", "bin", "share", "include", "scripts")


@dataclass(frozen=True)
class LibraryCopy:
	"""Where one library comes (or will come) from."""

	name: str
	origin: str | None  # its __init__.py or module file; None if it cannot be imported at all
	version: str | None
	bundled: bool  # from the add-on's deps folder
	loadedBefore: bool  # already imported (by NVDA or another add-on) when the loader ran
	#: Why importing it (or one of its PROOF_MODULES) failed, e.g. "ImportError: DLL load failed ...";
	#: None when it imported.
	error: str | None = None

	@property
	def usable(self) -> bool:
		return self.origin is not None and self.error is None


@dataclass
class LoaderStatus:
	addonRoot: str
	pythonVersion: tuple[int, int]
	pointerBits: int
	tag: str | None = None  # e.g. "cp313-win_amd64"; None when the add-on has no build for this Python
	depsPath: str | None = None  # the deps folder put on sys.path, if any
	copies: dict[str, LibraryCopy] = field(default_factory=dict)
	importSeconds: float = 0.0  # how long importing the libraries took
	#: Top-level names in the deps folder that were already loaded from elsewhere -> where from.
	#: The loaded copy is used; the bundled one is never swapped in.
	foreign: dict[str, str] = field(default_factory=dict)
	#: Libraries the add-on cannot use: not found, or found but their import failed.
	missing: list[str] = field(default_factory=list)
	#: A sentence to speak when the add-on cannot work; None when it is ready.
	problem: str | None = None

	@property
	def ready(self) -> bool:
		return self.problem is None


_statuses: dict[tuple, LoaderStatus] = {}


def load(
	addonRoot: str = ADDON_ROOT,
	versionInfo: tuple | None = None,
	pointerBits: int | None = None,
	required: dict[str, str] | None = None,
) -> LoaderStatus:
	"""Puts the core and the matching bundled libraries on sys.path; safe to call again (same result).

	versionInfo and pointerBits default to the running Python's; tests pass others.
	"""
	versionInfo = sys.version_info if versionInfo is None else versionInfo
	pointerBits = struct.calcsize("P") * 8 if pointerBits is None else pointerBits
	required = REQUIRED_LIBRARIES if required is None else required
	addonRoot = os.path.abspath(addonRoot)
	version = (int(versionInfo[0]), int(versionInfo[1]))
	key = (os.path.normcase(addonRoot), version, pointerBits, tuple(sorted(required.items())))
	if key in _statuses:
		return _statuses[key]

	status = LoaderStatus(addonRoot, version, pointerBits)
	packagesPath = os.path.join(addonRoot, "packages")
	_appendToSysPath(packagesPath)
	from visionDescriberCore import bundleTargets

	_checkCoreCopy(packagesPath)
	status.tag = bundleTargets.currentTargetTag(versionInfo, pointerBits)
	depsFolderPresent = False
	if status.tag:
		depsPath = os.path.join(addonRoot, "deps", status.tag)
		depsFolderPresent = os.path.isdir(depsPath)
		if depsFolderPresent:
			status.foreign = _namesLoadedElsewhere(depsPath)
			_appendToSysPath(depsPath)
			status.depsPath = depsPath
	importlib.invalidate_caches()

	started = time.perf_counter()
	for name, distribution in required.items():
		status.copies[name] = _describe(name, distribution, status.depsPath)
	status.importSeconds = time.perf_counter() - started
	status.missing = [name for name, copy in status.copies.items() if not copy.usable]
	if status.missing:
		status.problem = _problemSentence(status, depsFolderPresent)
	_logStatus(status)
	_statuses[key] = status
	return status


def _problemSentence(status: LoaderStatus, depsFolderPresent: bool) -> str:
	major, minor = status.pythonVersion
	if status.tag is None:
		# Translators: {version} is a Python version such as 3.14; {bits} is 32 or 64.
		return _(
			"Vision Describer has no libraries for this version of NVDA (Python {version}, {bits}-bit), "
			"so it cannot describe anything. Look for an update of the add-on."
		).format(version=f"{major}.{minor}", bits=status.pointerBits)
	if not depsFolderPresent:
		return _("Vision Describer's libraries are missing from its folder. Reinstall the add-on.")
	# Translators: {names} lists Python libraries, such as "PIL, mss".
	return _("Vision Describer could not load {names}. Reinstall the add-on.").format(
		names=", ".join(status.missing)
	)


def _logStatus(status: LoaderStatus) -> None:
	major, minor = status.pythonVersion
	lines = [
		f"Vision Describer libraries for Python {major}.{minor} {status.pointerBits}-bit: "
		+ (
			f"bundled build {status.tag} at {status.depsPath}"
			if status.depsPath
			else f"no bundled build ({status.tag or 'none matches'})"
		)
	]
	for name, where in status.foreign.items():
		lines.append(
			f"{name} was already loaded from {where} (by NVDA or another add-on); that copy is used, "
			"the bundled one is not"
		)
	for copy in status.copies.values():
		if copy.origin is None:
			lines.append(f"{copy.name}: not found" + (f" ({copy.error})" if copy.error else ""))
			continue
		if copy.error:
			lines.append(f"{copy.name} at {copy.origin} could not be imported: {copy.error}")
			continue
		if copy.bundled:
			source = "bundled"
		elif copy.loadedBefore:
			source = "already loaded by NVDA or another add-on"
		else:
			source = "found outside the add-on"
		lines.append(f"{copy.name} {copy.version or '(version unknown)'} from {copy.origin} ({source})")
	lines.append(f"Importing the libraries took {status.importSeconds * 1000:.0f} ms")
	if status.problem:
		log.error("\n".join([status.problem, *lines]))
	else:
		log.info("\n".join(lines))


def _appendToSysPath(path: str) -> None:
	wanted = os.path.normcase(os.path.abspath(path))
	if all(
		os.path.normcase(os.path.abspath(entry)) != wanted for entry in sys.path if isinstance(entry, str)
	):
		sys.path.append(path)


def _isUnder(path: str, folder: str) -> bool:
	path = os.path.normcase(os.path.abspath(path))
	folder = os.path.normcase(os.path.abspath(folder))
	return path == folder or path.startswith(folder + os.sep)


def _moduleLocations(module) -> list[str]:
	locations = []
	file = getattr(module, "__file__", None)
	if file:
		locations.append(file)
	locations.extend(getattr(module, "__path__", None) or [])
	return locations


def _checkCoreCopy(packagesPath: str) -> None:
	core = sys.modules.get("visionDescriberCore")
	locations = _moduleLocations(core) if core else []
	if locations and not any(_isUnder(location, packagesPath) for location in locations):
		log.warning(f"visionDescriberCore was already loaded from {locations[0]}, not from {packagesPath}")


def _topLevelNames(folder: str) -> set[str]:
	"""The names a folder on sys.path makes importable: packages, modules and extension modules."""
	names = set()
	for entry in os.listdir(folder):
		if entry.startswith(".") or entry.lower() in _NOT_IMPORT_NAMES:
			continue
		path = os.path.join(folder, entry)
		if os.path.isdir(path):
			if not entry.endswith((".dist-info", ".egg-info", ".data")) and entry.isidentifier():
				names.add(entry)
		elif entry.endswith((".py", ".pyc", ".pyd", ".so")):
			names.add(entry.split(".", 1)[0])
	return names


def _namesLoadedElsewhere(depsPath: str) -> dict[str, str]:
	foreign = {}
	for name in sorted(_topLevelNames(depsPath)):
		module = sys.modules.get(name)
		if module is None:
			continue
		locations = _moduleLocations(module)
		if not any(_isUnder(location, depsPath) for location in locations):
			foreign[name] = locations[0] if locations else "(built in)"
	return foreign


def _proofModules(name: str) -> tuple[str, ...]:
	modules = (name, *PROOF_MODULES.get(name, ()))
	if sys.platform == "win32":
		modules += WINDOWS_PROOF_MODULES.get(name, ())
	return modules


def _importLibrary(name: str) -> str | None:
	"""Imports the library and its proof modules; returns why that failed, or None."""
	try:
		for moduleName in _proofModules(name):
			importlib.import_module(moduleName)
	except Exception as error:  # ImportError (a damaged DLL: "DLL load failed"), SyntaxError, OSError...
		return f"{type(error).__name__}: {error}"
	return None


def _describe(name: str, distribution: str, depsPath: str | None) -> LibraryCopy:
	loadedBefore = name in sys.modules
	error = _importLibrary(name)
	module = sys.modules.get(name)
	version = None
	if module is not None:
		locations = _moduleLocations(module)
		origin = locations[0] if locations else None
		version = getattr(module, "__version__", None)
	else:
		origin = _foundAt(name)  # where the copy that failed to import lies, for the log
	if origin is not None and not version:
		version = _distributionVersion(distribution, origin)
	bundled = bool(origin and depsPath and _isUnder(origin, depsPath))
	return LibraryCopy(name, origin, str(version) if version else None, bundled, loadedBefore, error)


def _foundAt(name: str) -> str | None:
	try:
		spec = importlib.util.find_spec(name)
	except (ImportError, ValueError):
		return None
	if spec is None:
		return None
	if spec.origin not in (None, "built-in", "frozen"):
		return spec.origin
	if spec.submodule_search_locations:
		return list(spec.submodule_search_locations)[0]
	return None


def _distributionVersion(distribution: str, origin: str) -> str | None:
	"""The version in the distribution's metadata found in the same sys.path folder as the module."""
	folder = os.path.dirname(origin)
	if os.path.basename(origin).startswith("__init__."):
		folder = os.path.dirname(folder)
	try:
		for found in importlib.metadata.distributions(name=distribution, path=[folder]):
			return found.version
	except Exception:  # metadata is only for the log: never let it stop the add-on
		return None
	return None
