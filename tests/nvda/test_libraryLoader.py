"""The library loader picks the bundled folder for the running Python and never shadows NVDA.

Each test builds a real add-on folder in tmp_path with a `deps/<tag>` folder per target, holding
small stand-in libraries that say which build they are.
"""

import importlib
import sys

import pytest

ALL_TAGS = ("cp311-win32", "cp313-win_amd64")
VERSIONS = {"cp311-win32": "1.11", "cp313-win_amd64": "1.13"}


def writeLibrary(folder, name, version, build, distribution=None):
	"""A package `name` in `folder` whose BUILD says which folder it came from, with pip metadata."""
	package = folder / name
	package.mkdir(parents=True)
	(package / "__init__.py").write_text(f'__version__ = "{version}"\nBUILD = "{build}"\n')
	distInfo = folder / f"{(distribution or name).replace('-', '_')}-{version}.dist-info"
	distInfo.mkdir()
	(distInfo / "METADATA").write_text(
		f"Metadata-Version: 2.1\nName: {distribution or name}\nVersion: {version}\n"
	)


@pytest.fixture
def importState():
	"""Restores sys.path and forgets modules the test imported, so loader runs do not leak."""
	savedPath = list(sys.path)
	savedModules = set(sys.modules)
	yield
	sys.path[:] = savedPath
	for name in set(sys.modules) - savedModules:
		del sys.modules[name]
	importlib.invalidate_caches()


@pytest.fixture
def addonRoot(tmp_path, importState):
	root = tmp_path / "visionDescriber"
	(root / "packages").mkdir(parents=True)
	for tag in ALL_TAGS:
		writeLibrary(root / "deps" / tag, "vdStandIn", VERSIONS[tag], tag, distribution="vd-stand-in")
	return root


@pytest.fixture
def loader():
	from visionDescriber import libraryLoader

	return libraryLoader


STANDIN = {"vdStandIn": "vd-stand-in"}


@pytest.mark.parametrize(
	("versionInfo", "bits", "tag"),
	[((3, 11, 9, "final", 0), 32, "cp311-win32"), ((3, 13, 1, "final", 0), 64, "cp313-win_amd64")],
)
def test_picksTheFolderForTheRunningPython(loader, addonRoot, versionInfo, bits, tag):
	status = loader.load(str(addonRoot), versionInfo, bits, required=STANDIN)
	assert status.ready and status.problem is None
	assert status.tag == tag
	assert status.depsPath == str(addonRoot / "deps" / tag)
	copy = status.copies["vdStandIn"]
	assert copy.bundled and not copy.loadedBefore
	assert copy.origin == str(addonRoot / "deps" / tag / "vdStandIn" / "__init__.py")
	assert copy.version == VERSIONS[tag]
	import vdStandIn

	assert (vdStandIn.BUILD, vdStandIn.__version__) == (tag, VERSIONS[tag])
	other = next(t for t in ALL_TAGS if t != tag)
	assert not [p for p in sys.path if other in p]


@pytest.mark.parametrize(
	("versionInfo", "bits", "described"),
	[
		((3, 14, 0, "final", 0), 64, "Python 3.14, 64-bit"),
		((3, 11, 9, "final", 0), 64, "Python 3.11, 64-bit"),
		((3, 13, 1, "final", 0), 32, "Python 3.13, 32-bit"),
	],
)
def test_aPythonWithoutABuildGetsAClearSentenceAndNoTraceback(
	loader, addonRoot, versionInfo, bits, described
):
	import logHandler

	pathBefore = list(sys.path)
	status = loader.load(str(addonRoot), versionInfo, bits, required=STANDIN)
	assert not status.ready
	assert status.tag is None and status.depsPath is None
	assert status.missing == ["vdStandIn"]
	assert status.problem == (
		f"Vision Describer has no libraries for this version of NVDA ({described}), so it cannot "
		"describe anything. Look for an update of the add-on."
	)
	assert sys.path == pathBefore + [str(addonRoot / "packages")]  # no deps folder at all
	[record] = [r for r in logHandler.testing.records if r.levelname == "ERROR"]
	assert record.getMessage().startswith(status.problem)
	assert "vdStandIn: not found" in record.getMessage()
	assert record.exc_info is None and "Traceback" not in logHandler.testing.text()


def test_aMissingDepsFolderAsksForAReinstall(loader, addonRoot):
	import shutil

	shutil.rmtree(addonRoot / "deps" / "cp313-win_amd64")
	status = loader.load(str(addonRoot), (3, 13, 1), 64, required=STANDIN)
	assert status.tag == "cp313-win_amd64" and status.depsPath is None
	assert status.problem == "Vision Describer's libraries are missing from its folder. Reinstall the add-on."


def test_aLibraryMissingFromItsFolderIsNamed(loader, addonRoot):
	status = loader.load(str(addonRoot), (3, 11, 9), 32, required={**STANDIN, "vdAbsent": "vd-absent"})
	assert status.missing == ["vdAbsent"]
	assert status.problem == "Vision Describer could not load vdAbsent. Reinstall the add-on."


def test_aLibraryAlreadyLoadedIsUsedNotShadowed(loader, addonRoot):
	"""PIL loaded by NVDA or another add-on stays the PIL everyone gets; the bundled one is unused."""
	import logHandler
	import PIL

	writeLibrary(addonRoot / "deps" / "cp311-win32", "PIL", "1.0", "bundled", distribution="pillow")
	loadedPil = sys.modules["PIL"]
	status = loader.load(str(addonRoot), (3, 11, 9), 32, required={"PIL": "pillow", **STANDIN})
	assert status.ready
	assert status.foreign == {"PIL": PIL.__file__}
	copy = status.copies["PIL"]
	assert (copy.origin, copy.version, copy.bundled, copy.loadedBefore) == (
		PIL.__file__,
		PIL.__version__,
		False,
		True,
	)
	import PIL as pilAfterwards
	from PIL import Image

	assert pilAfterwards is loadedPil
	assert Image.__file__.startswith(PIL.__path__[0])  # submodules come from the loaded copy too
	assert not getattr(pilAfterwards, "BUILD", None)
	logText = logHandler.testing.text()
	assert f"PIL was already loaded from {PIL.__file__}" in logText
	assert "the bundled one is not" in logText


def test_bundledFoldersGoAfterNvdasPaths(loader, addonRoot, tmp_path):
	"""A library NVDA can import from its own folders wins over the bundled copy, loaded or not."""
	nvdaFolder = tmp_path / "nvdaLibrary"
	writeLibrary(nvdaFolder, "vdShared", "2.0", "nvda", distribution="vd-shared")
	writeLibrary(
		addonRoot / "deps" / "cp313-win_amd64", "vdShared", "1.0", "bundled", distribution="vd-shared"
	)
	sys.path.insert(0, str(nvdaFolder))
	pathBefore = list(sys.path)
	status = loader.load(str(addonRoot), (3, 13, 1), 64, required={"vdShared": "vd-shared", **STANDIN})
	assert sys.path == pathBefore + [str(addonRoot / "packages"), str(addonRoot / "deps" / "cp313-win_amd64")]
	copy = status.copies["vdShared"]
	assert (copy.bundled, copy.version, copy.loadedBefore) == (False, "2.0", False)
	import vdShared

	assert vdShared.BUILD == "nvda"
	assert status.copies["vdStandIn"].bundled


def test_loadingTwiceChangesNothing(loader, addonRoot):
	import logHandler

	first = loader.load(str(addonRoot), (3, 11, 9), 32, required=STANDIN)
	pathAfterFirst = list(sys.path)
	recordsAfterFirst = len(logHandler.testing.records)
	second = loader.load(str(addonRoot), (3, 11, 9), 32, required=STANDIN)
	assert second is first
	assert sys.path == pathAfterFirst
	assert len(logHandler.testing.records) == recordsAfterFirst
	assert sys.path.count(str(addonRoot / "deps" / "cp311-win32")) == 1


def test_theCoreComesFromThePackagesFolder(loader, importState):
	import visionDescriberCore
	from nvdaHarness import PACKAGES_DIR

	status = loader.load()
	assert status.addonRoot == str(PACKAGES_DIR.parent)
	assert visionDescriberCore.__file__.startswith(str(PACKAGES_DIR))
	assert str(PACKAGES_DIR) in sys.path


def test_logsWhichCopyOfEachRealLibraryItGot(loader, importState):
	"""On this Linux Python there is no bundled build; the libraries come from the environment,
	and the log names each one's file and version."""
	import keyring
	import logHandler
	import mss
	import PIL
	import requests

	status = loader.load()
	assert status.ready, status.problem
	assert status.tag is None
	logText = logHandler.testing.text()
	for module, version in ((PIL, "13.0.0"), (mss, "10.2.0"), (keyring, "25.7.0"), (requests, "2.32.5")):
		copy = status.copies[module.__name__]
		assert (copy.origin, copy.version) == (module.__file__, version)
		assert f"{module.__name__} {version} from {module.__file__}" in logText


def test_aLoadedLibraryWithoutVersionAttributeGetsItsVersionFromMetadata(loader, addonRoot, tmp_path):
	"""keyring has no __version__: its version comes from the dist-info next to it."""
	folder = tmp_path / "elsewhere"
	(folder / "vdNoVersion").mkdir(parents=True)
	(folder / "vdNoVersion" / "__init__.py").write_text("BUILD = 'elsewhere'\n")
	(folder / "vd_no_version-4.5.6.dist-info").mkdir()
	(folder / "vd_no_version-4.5.6.dist-info" / "METADATA").write_text(
		"Name: vd-no-version\nVersion: 4.5.6\n"
	)
	sys.path.insert(0, str(folder))
	import vdNoVersion

	status = loader.load(str(addonRoot), (3, 11, 9), 32, required={"vdNoVersion": "vd-no-version"})
	copy = status.copies["vdNoVersion"]
	assert (copy.origin, copy.version, copy.loadedBefore) == (vdNoVersion.__file__, "4.5.6", True)


def test_aLibraryWhoseCompiledPartCannotLoadIsNamedAtStart(loader, addonRoot, monkeypatch):
	"""The loader imports, not only finds: a package whose compiled core fails to load (as Pillow's
	PIL.Image does when _imaging.pyd is damaged) makes the start-up sentence, with the reason logged."""
	import logHandler

	core = addonRoot / "deps" / "cp313-win_amd64" / "vdStandIn" / "core.py"
	core.write_text('raise ImportError("DLL load failed while importing _core: Bad EXE format for %1.")\n')
	monkeypatch.setitem(loader.PROOF_MODULES, "vdStandIn", ("vdStandIn.core",))
	status = loader.load(str(addonRoot), (3, 13, 1), 64, required=STANDIN)
	assert not status.ready
	assert status.missing == ["vdStandIn"]
	assert status.problem == "Vision Describer could not load vdStandIn. Reinstall the add-on."
	copy = status.copies["vdStandIn"]
	assert copy.origin == str(addonRoot / "deps" / "cp313-win_amd64" / "vdStandIn" / "__init__.py")
	assert copy.bundled and not copy.usable
	assert copy.error == "ImportError: DLL load failed while importing _core: Bad EXE format for %1."
	[record] = [r for r in logHandler.testing.records if r.levelname == "ERROR"]
	assert f"vdStandIn at {copy.origin} could not be imported: {copy.error}" in record.getMessage()
	assert "Traceback" not in logHandler.testing.text()


def test_aDamagedPythonFileIsALibraryThatCannotLoad(loader, addonRoot):
	import logHandler

	init = addonRoot / "deps" / "cp311-win32" / "vdStandIn" / "__init__.py"
	init.write_bytes(init.read_bytes()[:-3] + b"(\n")  # cut short, as by a broken download
	status = loader.load(str(addonRoot), (3, 11, 9), 32, required=STANDIN)
	assert status.missing == ["vdStandIn"]
	assert status.copies["vdStandIn"].error.startswith("SyntaxError: ")
	assert status.problem == "Vision Describer could not load vdStandIn. Reinstall the add-on."
	assert "Traceback" not in logHandler.testing.text()


def test_theLoaderImportsWhatItLoadsAndSaysHowLongItTook(loader, addonRoot):
	import logHandler

	assert "vdStandIn" not in sys.modules
	status = loader.load(str(addonRoot), (3, 13, 1), 64, required=STANDIN)
	assert status.ready
	assert sys.modules["vdStandIn"].BUILD == "cp313-win_amd64"
	assert 0 < status.importSeconds < 10
	assert "Importing the libraries took " in logHandler.testing.text()
