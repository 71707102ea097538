"""Builds the real add-on with scons (once per session) and checks it; proves the checker catches faults.

The build itself (`builtPackage`, shared with the Windows suite) is in tests/conftest.py and
tests/packageBuild.py.
"""

import subprocess
import sys
import zipfile
from pathlib import Path

import packageCheck
import pytest
from packageBuild import PACKAGE_NAME, ROOT, copyWorkTree, scons

pytestmark = pytest.mark.build

POT_PROBE = """\
def probe(count):
	# Translators: a probe sentence with a context.
	pgettext("probe context", "Probe with context")
	# Translators: a probe sentence with plurals.
	ngettext("one probe", "{count} probes", count)
	# Translators: this comment is lost because the string is on the next line.
	return _(
		"Probe split over lines"
	)
"""


def test_builtPackageHasNoProblems(builtPackage):
	assert packageCheck.checkPackage(builtPackage) == []


def test_checkPackageCommandAgrees(builtPackage, tmp_path):
	command = [sys.executable, str(ROOT / "scripts" / "check-package")]
	completed = subprocess.run([*command, str(builtPackage)], capture_output=True, text=True)
	assert completed.returncode == 0, completed.stdout
	assert "no problems found" in completed.stdout
	broken = tmp_path / "broken.nvda-addon"
	rewriteZip(
		builtPackage, broken, add={"deps/cp311-win32/PIL/_imaging.cpython-311-x86_64-linux-gnu.so": b"x"}
	)
	completed = subprocess.run([*command, str(broken)], capture_output=True, text=True)
	assert completed.returncode == 1
	assert (
		"problem: deps/cp311-win32/PIL/_imaging.cpython-311-x86_64-linux-gnu.so is a Linux"
		in completed.stdout
	)


def test_packageLayout(builtPackage):
	with zipfile.ZipFile(builtPackage) as archive:
		names = archive.namelist()
		assert names[0] == "manifest.ini"
		manifest = archive.read("manifest.ini").decode("utf-8")
		guide = archive.read("doc/en/readme.html").decode("utf-8")
		translated = archive.read("locale/fr/manifest.ini").decode("utf-8")
		catalogue = archive.read("locale/fr/LC_MESSAGES/nvda.mo")
	assert "name = visionDescriber" in manifest
	assert "version = 0.1.0" in manifest
	# The user guide is the users' part of readme.md.
	assert "Using Vision Describer" in guide
	assert "For developers" not in guide and "<!--" not in guide
	# The terminal tool is for developers: NVDA users are shown no Linux or developer commands.
	for command in ("visionDescriberCore", "PYTHONPATH", ".venv", "bash ", "scripts/", "export "):
		assert command not in guide, command
	assert "Quick start" in guide and "ollama pull gemma3" in guide
	# Translations: compiled catalogue, translated summary; sources are not shipped.
	assert 'summary = "Descripteur visuel"' in translated
	assert "Annulé".encode() in catalogue
	assert not any(name.endswith((".po", ".pot", ".tpl", ".md")) for name in names)
	# Both layers of the add-on, and the target list the loader reads.
	assert "globalPlugins/visionDescriber/__init__.py" in names
	assert "packages/visionDescriberCore/errors/server.py" in names
	assert "packages/visionDescriberCore/bundleTargets.py" in names
	for tag in ("cp311-win32", "cp313-win_amd64"):
		assert f"deps/{tag}/PIL/_imaging.{tag}.pyd" in names
		assert f"deps/{tag}/keyring-25.7.0.dist-info/entry_points.txt" in names
		assert f"deps/{tag}/win32ctypes/__init__.py" in names
		assert f"deps/{tag}/mss/__init__.py" in names
		# Every bundled library keeps its own licence text (readme.md and LICENSE say so).
		distInfos = {
			name.split("/")[2] for name in names if name.startswith(f"deps/{tag}/") and ".dist-info/" in name
		}
		for distInfo in distInfos:
			assert any(
				name.startswith(f"deps/{tag}/{distInfo}/") and "LICEN" in name.upper() for name in names
			), distInfo
		# Left out on purpose (see bundleExclusions in buildVars.py).
		assert f"deps/{tag}/PIL/_avif.{tag}.pyd" not in names
	# Python 3.11 needs the back-ports keyring and jaraco.context ask for; 3.13 does not.
	assert "deps/cp311-win32/importlib_metadata/__init__.py" in names
	assert "deps/cp311-win32/backports/tarfile/__init__.py" in names
	assert not any(
		name.startswith(("deps/cp313-win_amd64/importlib_metadata", "deps/cp313-win_amd64/backports"))
		for name in names
	)


def test_secondBuildDoesNothing(builtPackage):
	completed = scons(builtPackage.parent)
	assert completed.returncode == 0, completed.stderr
	assert "is up to date" in completed.stdout
	assert "makePackage" not in completed.stdout


# --- The checker catches faults --------------------------------------------------------------------


_entries: dict[Path, list[tuple[str, bytes]]] = {}


def _readEntries(source: Path) -> list[tuple[str, bytes]]:
	"""Every entry of a package, read once per session (the fault tests rewrite the same package)."""
	if source not in _entries:
		with zipfile.ZipFile(source) as original:
			_entries[source] = [(info.filename, original.read(info)) for info in original.infolist()]
	return _entries[source]


def rewriteZip(source: Path, destination: Path, drop=(), replace=None, add=None, stored=()) -> Path:
	"""A copy of a package with entries dropped, replaced or added (optionally not compressed)."""
	replace = replace or {}
	add = add or {}
	with zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as copy:
		for name, data in _readEntries(source):
			if any(name.startswith(prefix) for prefix in drop):
				continue
			compression = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
			copy.writestr(name, replace.get(name, data), compression)
		for name, data in add.items():
			copy.writestr(name, data)
	return destination


def manifestWith(builtPackage: Path, **changes: str) -> bytes:
	with zipfile.ZipFile(builtPackage) as archive:
		lines = archive.read("manifest.ini").decode("utf-8").splitlines()
	for key, value in changes.items():
		lines = [f"{key} = {value}" if line.startswith(f"{key} =") else line for line in lines]
	return "\n".join(lines).encode("utf-8")


def read(builtPackage: Path, name: str) -> bytes:
	with zipfile.ZipFile(builtPackage) as archive:
		return archive.read(name)


FAULTS = {
	"bad name": (
		lambda p: {"replace": {"manifest.ini": manifestWith(p, name="vision describer!")}},
		"name 'vision describer!'",
	),
	"bad version": (
		lambda p: {"replace": {"manifest.ini": manifestWith(p, version="0.1-beta")}},
		"version '0.1-beta'",
	),
	"versions reversed": (
		lambda p: {
			"replace": {
				"manifest.ini": manifestWith(p, minimumNVDAVersion="2026.2", lastTestedNVDAVersion="2025.1")
			}
		},
		"minimumNVDAVersion must not be later",
	),
	"unparsable API version": (
		lambda p: {"replace": {"manifest.ini": manifestWith(p, lastTestedNVDAVersion="2026.x")}},
		"lastTestedNVDAVersion",
	),
	"unknown NVDA year": (
		lambda p: {"replace": {"manifest.ini": manifestWith(p, lastTestedNVDAVersion="2027.1")}},
		"does not know the Python of NVDA 2027",
	),
	"http url": (
		lambda p: {"replace": {"manifest.ini": manifestWith(p, url="http://example.com")}},
		"must start with https://",
	),
	"no changelog": (
		lambda p: {"replace": {"manifest.ini": manifestWith(p, changelog='""')}},
		"changelog is missing",
	),
	"duplicate key": (
		lambda p: {"replace": {"manifest.ini": read(p, "manifest.ini") + b"\nname = again\n"}},
		"does not parse",
	),
	"no manifest": (lambda p: {"drop": ["manifest.ini"]}, "manifest.ini is not at the root"),
	"manifest in a folder": (
		lambda p: {
			"drop": ["manifest.ini"],
			"add": {"visionDescriber/manifest.ini": read(p, "manifest.ini")},
		},
		"manifest.ini is not at the root",
	),
	"linux binary": (
		lambda p: {"add": {"deps/cp313-win_amd64/PIL/_webp.cpython-313-x86_64-linux-gnu.so": b"\x7fELF"}},
		"is a Linux or macOS binary",
	),
	"missing pyd": (
		lambda p: {"drop": ["deps/cp313-win_amd64/PIL/_imaging.cp313-win_amd64.pyd"]},
		"_imaging.cp313-win_amd64.pyd is missing",
	),
	"32-bit binary in the 64-bit folder": (
		lambda p: {
			"replace": {
				"deps/cp313-win_amd64/PIL/_imaging.cp313-win_amd64.pyd": read(
					p, "deps/cp311-win32/PIL/_imaging.cp311-win32.pyd"
				)
			}
		},
		"is for x86 (32-bit), but cp313-win_amd64 is 64-bit",
	),
	"wrongly tagged pyd": (
		lambda p: {
			"add": {
				"deps/cp311-win32/PIL/_webp.cp312-win32.pyd": read(
					p, "deps/cp311-win32/PIL/_webp.cp311-win32.pyd"
				)
			}
		},
		"is built for cp312-win32, not cp311-win32",
	),
	"target folder missing": (lambda p: {"drop": ["deps/cp311-win32/"]}, "deps/cp311-win32/ is missing"),
	"no pywin32-ctypes": (
		lambda p: {"drop": ["deps/cp313-win_amd64/win32ctypes/", "deps/cp313-win_amd64/pywin32_ctypes-"]},
		"pywin32-ctypes is missing",
	),
	"keyring without dist-info": (
		lambda p: {"drop": ["deps/cp311-win32/keyring-25.7.0.dist-info/"]},
		"keyring's .dist-info is missing",
	),
	"keyring without entry points": (
		lambda p: {"drop": ["deps/cp311-win32/keyring-25.7.0.dist-info/entry_points.txt"]},
		"does not declare the Windows backend",
	),
	"3.11 without importlib_metadata": (
		lambda p: {"drop": ["deps/cp311-win32/importlib_metadata"]},
		"keyring needs importlib_metadata>=4.11.4",
	),
	"requests bundled": (
		lambda p: {"add": {"deps/cp313-win_amd64/requests/__init__.py": b""}},
		"requests must not be bundled",
	),
	"secretstorage bundled": (
		lambda p: {
			"add": {
				"deps/cp311-win32/SecretStorage-3.5.0.dist-info/METADATA": b"Name: SecretStorage\nVersion: 3.5.0\n"
			}
		},
		"must not be bundled",
	),
	"cffi backend bundled": (
		lambda p: {"add": {"deps/cp311-win32/_cffi_backend.cp311-win32.pyd": b"MZ"}},
		"_cffi_backend.cp311-win32.pyd must not be bundled",
	),
	"compiled python": (
		lambda p: {"add": {"packages/visionDescriberCore/__pycache__/errors.cpython-311.pyc": b""}},
		"compiled Python files",
	),
	"no user guide": (
		lambda p: {"drop": ["doc/en/readme.html"]},
		"doc/en/readme.html (the user guide) is missing",
	),
	"no global plugin": (
		lambda p: {"drop": ["globalPlugins/visionDescriber/"]},
		"globalPlugins/visionDescriber/__init__.py is missing",
	),
	"no target list": (
		lambda p: {"drop": ["packages/visionDescriberCore/bundleTargets.py"]},
		"bundleTargets.py is missing",
	),
	"stored entry": (lambda p: {"stored": ["doc/en/readme.html"]}, "doc/en/readme.html is not deflated"),
	"po without mo": (
		lambda p: {"drop": ["locale/fr/LC_MESSAGES/nvda.mo"], "add": {"locale/fr/LC_MESSAGES/nvda.po": b""}},
		"has no compiled nvda.mo",
	),
	"unsafe path": (lambda p: {"add": {"../evil.py": b""}}, "is not a safe relative path"),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_checkerCatchesFault(fault, builtPackage, tmp_path):
	change, expected = FAULTS[fault]
	broken = rewriteZip(builtPackage, tmp_path / "broken.nvda-addon", **change(builtPackage))
	problems = packageCheck.checkPackage(broken)
	assert any(expected in problem for problem in problems), problems


def test_checkerRefusesWhatIsNotAZip(tmp_path):
	notZip = tmp_path / "visionDescriber-0.1.0.nvda-addon"
	notZip.write_bytes(b"manifest.ini")
	assert packageCheck.checkPackage(notZip) == [f"{notZip} is not a zip file."]
	assert packageCheck.checkPackage(tmp_path / "absent.nvda-addon") == [
		f"{tmp_path / 'absent.nvda-addon'} does not exist."
	]


# --- Build failures are explained -------------------------------------------------------------------


def test_buildFailsWhenAPinIsMissing(tmp_path, builtPackage):
	"""Dropping a dependency keyring needs on Windows stops the build with the reason (wheels are cached)."""
	tree = copyWorkTree(tmp_path)
	buildVarsFile = tree / "buildVars.py"
	text = buildVarsFile.read_text(encoding="utf-8")
	assert '"pywin32-ctypes==0.2.3",' in text
	buildVarsFile.write_text(text.replace('"pywin32-ctypes==0.2.3",', ""), encoding="utf-8")
	completed = scons(tree)
	assert completed.returncode != 0
	assert "keyring needs pywin32-ctypes>=0.2.0" in completed.stdout
	assert not (tree / PACKAGE_NAME).exists()


# --- Translation template -----------------------------------------------------------------------------


def test_potHasCoreStringsKeywordsAndTranslatorComments(tmp_path):
	tree = copyWorkTree(tmp_path)
	assert not list((tree / "addon").rglob("*.po"))  # works before any translation exists
	(tree / "addon" / "globalPlugins" / "visionDescriber" / "potProbe.py").write_text(
		POT_PROBE, encoding="utf-8"
	)
	completed = scons(tree, "pot")
	assert completed.returncode == 0, completed.stdout + completed.stderr
	pot = (tree / "visionDescriber.pot").read_text(encoding="utf-8")
	assert 'msgid "Cancelled"' in pot  # from the core's errors module
	assert 'msgid "Vision Describer"' in pot  # the manifest summary, from buildVars.py
	assert "#: addon/packages/visionDescriberCore/errors/server.py:" in pot
	assert "#. Translators: {url} is the address of the vision server." in pot
	assert 'msgctxt "probe context"\nmsgid "Probe with context"' in pot
	assert 'msgid "one probe"\nmsgid_plural "{count} probes"' in pot
	assert "#. Translators: a probe sentence with plurals." in pot
	# A comment xgettext cannot attach is reported, not silently dropped.
	assert "potProbe.py:6: # Translators: this comment is lost" in completed.stdout
	assert not (tree / PACKAGE_NAME).exists()  # pot builds only the template
