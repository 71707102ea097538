"""Checks a built .nvda-addon the way NVDA and the add-on store would, plus what this add-on needs.

Every check returns a list of problems (plain sentences); an empty list means the package is fine.
`scripts/check-package` is the command-line wrapper; tests/test_package.py uses the same functions.

The checker reads the target list from the package's own copy of bundleTargets.py (the copy the
library loader will read inside NVDA), so every Python the package claims to support is checked.
It does not import the build code: it judges the result independently.
"""

import email.message
import email.parser
import io
import re
import types
import zipfile
from pathlib import Path

import configobj
from configobj.validate import ValidateError, Validator
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ADDON_NAME = "visionDescriber"

# NVDA's manifest specification (addonHandler.AddonManifest), with the keys the add-on template adds.
MANIFEST_SPEC = """
name = string()
summary = string()
description = string(default=None)
author = string()
version = string()
changelog = string(default=None)
minimumNVDAVersion = apiVersion(default="0.0.0")
lastTestedNVDAVersion = apiVersion(default="0.0.0")
url = string(default=None)
docFileName = string(default=None)
updateChannel = string(default=None)
"""

# As NVDA parses an API version (addonAPIVersion): year (or 0), one-digit major, optional one-digit minor.
_API_VERSION = re.compile(r"^(0|\d{4})\.(\d)(?:\.(\d))?$")
# The add-on store's rules.
_STORE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9\-_]*[A-Za-z0-9]$")
_STORE_VERSION = re.compile(r"^\d+\.\d+(\.\d+)?$")
_RELEASED_NVDA = re.compile(r"^\d{4}\.\d+(\.\d+)?$")

# The Python of each NVDA release year, as target tags (see bundleTargets.py). A package whose
# manifest covers a year must carry libraries for that year's Python.
NVDA_PYTHON_BY_YEAR = {
	2025: "cp311-win32",
	2026: "cp313-win_amd64",
}

# Libraries that must never be in the package: Linux-only keyring back-ends and their native code, and
# what NVDA already ships (requests and its helpers).
FORBIDDEN_LIBRARIES = {"secretstorage", "jeepney", "cryptography", "cffi", "requests", "urllib3"}
_FORBIDDEN_MODULES = {
	"secretstorage",
	"jeepney",
	"cryptography",
	"cffi",
	"_cffi_backend",
	"requests",
	"urllib3",
}

# Import packages each target folder must hold (what the add-on and keyring's Windows backend import).
REQUIRED_MODULES = ("PIL", "mss", "keyring", "win32ctypes")

# PE machine field of a Windows binary, by pointer size.
_PE_MACHINES = {32: 0x014C, 64: 0x8664}
_PE_MACHINE_NAMES = {0x014C: "x86 (32-bit)", 0x8664: "x64 (64-bit)", 0xAA64: "ARM64"}
_NATIVE_FOREIGN = (".so", ".dylib")
_EXTENSION_TAG = re.compile(r"\.(cp\d+-[A-Za-z0-9_]+)\.pyd$")


def _apiVersion(value):
	if not value or value == "None":
		return (0, 0, 0)
	if not isinstance(value, str):
		raise ValidateError(f"{value!r} is not an API version string")
	match = _API_VERSION.match(value)
	if not match:
		raise ValidateError(f'"{value}" is not an NVDA API version such as 2025.1 or 2025.1.1')
	return tuple(int(part) if part is not None else 0 for part in match.groups())


def parseManifest(data: bytes) -> tuple[configobj.ConfigObj | None, list[str]]:
	"""Parses and validates manifest.ini as NVDA does. Returns (manifest or None, problems)."""
	try:
		manifest = configobj.ConfigObj(
			io.BytesIO(data),
			configspec=configobj.ConfigObj(io.StringIO(MANIFEST_SPEC), list_values=False),
			encoding="utf-8",
			default_encoding="utf-8",
		)
	except (configobj.ConfigObjError, UnicodeDecodeError) as error:
		return None, [f"manifest.ini does not parse: {error}"]
	result = manifest.validate(Validator({"apiVersion": _apiVersion}), copy=True, preserve_errors=True)
	problems = []
	if result is not True:
		for sections, key, error in configobj.flatten_errors(manifest, result):
			where = "/".join([*sections, key or ""])
			problems.append(f"manifest.ini: {where}: {error if error is not False else 'missing'}")
		return manifest, problems
	if not manifest["minimumNVDAVersion"] <= manifest["lastTestedNVDAVersion"]:
		problems.append("manifest.ini: minimumNVDAVersion must not be later than lastTestedNVDAVersion.")
	return manifest, problems


def checkManifest(data: bytes) -> list[str]:
	"""NVDA's own manifest validation, then the add-on store's rules."""
	manifest, problems = parseManifest(data)
	if manifest is None or problems:
		return problems
	# The validated copy holds tuples for API versions; the store rules look at the text as written.
	raw = configobj.ConfigObj(io.BytesIO(data), encoding="utf-8", default_encoding="utf-8")
	name = raw.get("name", "")
	if not _STORE_NAME.match(name):
		problems.append(f"manifest.ini: name {name!r} does not match {_STORE_NAME.pattern}.")
	version = raw.get("version", "")
	if not _STORE_VERSION.match(version):
		problems.append(f"manifest.ini: version {version!r} is not x.y or x.y.z.")
	for key in ("summary", "description", "changelog", "author"):
		if not str(raw.get(key) or "").strip():
			problems.append(f"manifest.ini: {key} is missing or empty.")
	url = str(raw.get("url") or "")
	if not url.startswith("https://"):
		problems.append(f"manifest.ini: url {url!r} must start with https://.")
	for key in ("minimumNVDAVersion", "lastTestedNVDAVersion"):
		value = str(raw.get(key) or "")
		if not _RELEASED_NVDA.match(value) or value.startswith("0"):
			problems.append(
				f"manifest.ini: {key} {value!r} is not a released NVDA version (YYYY.N or YYYY.N.N)."
			)
	return problems


def _readBundleTargets(archive: zipfile.ZipFile) -> types.ModuleType | None:
	try:
		source = archive.read("packages/visionDescriberCore/bundleTargets.py")
	except KeyError:
		return None
	module = types.ModuleType("_packagedBundleTargets")
	exec(compile(source, "packages/visionDescriberCore/bundleTargets.py", "exec"), module.__dict__)
	return module


def peMachine(header: bytes) -> int | None:
	"""The machine field of a Windows PE file (DLL or .pyd), or None if it is not one."""
	if len(header) < 0x40 or header[:2] != b"MZ":
		return None
	offset = int.from_bytes(header[0x3C:0x40], "little")
	if header[offset : offset + 4] != b"PE\0\0":
		return None
	return int.from_bytes(header[offset + 4 : offset + 6], "little")


def _distributions(archive: zipfile.ZipFile, folder: str) -> dict[str, tuple[str, email.message.Message]]:
	"""Canonical project name -> (dist-info folder, METADATA) for every dist-info directly in folder."""
	found = {}
	for name in archive.namelist():
		parts = name[len(folder) :].split("/")
		if (
			name.startswith(folder)
			and len(parts) == 2
			and parts[0].endswith(".dist-info")
			and parts[1] == "METADATA"
		):
			metadata = email.parser.BytesParser().parsebytes(archive.read(name), headersonly=True)
			found[canonicalize_name(metadata.get("Name", parts[0]))] = (parts[0], metadata)
	return found


def checkLibraryFolder(archive: zipfile.ZipFile, tag: str, bundleTargets: types.ModuleType) -> list[str]:
	"""The bundled libraries for one target: right binaries, the required modules, complete requirements."""
	target = bundleTargets.TARGETS[tag]
	folder = f"{bundleTargets.DEPS_FOLDER}/{tag}/"
	names = [name for name in archive.namelist() if name.startswith(folder) and not name.endswith("/")]
	if not names:
		return [f"{folder} is missing: no libraries for Python {target.python[0]}.{target.python[1]}."]
	distributions = _distributions(archive, folder)
	return [
		*_missingModules(folder, tag, names),
		*_binaryProblems(archive, names, tag, target.pointerBits),
		*_keyringProblems(archive, folder, distributions),
		*_requirementProblems(folder, tag, distributions, bundleTargets.markerEnvironment(tag)),
	]


def _missingModules(folder: str, tag: str, names: list[str]) -> list[str]:
	problems = []
	if f"{folder}PIL/_imaging.{tag}.pyd" not in names:
		problems.append(f"{folder}PIL/_imaging.{tag}.pyd is missing: Pillow cannot load on {tag}.")
	for module in REQUIRED_MODULES:
		if f"{folder}{module}/__init__.py" not in names:
			problems.append(f"{folder}{module} is missing.")
	return problems


def _binaryProblems(archive: zipfile.ZipFile, names: list[str], tag: str, pointerBits: int) -> list[str]:
	"""Every .pyd and .dll: built for this Python and this processor."""
	problems = []
	for name in names:
		if not name.lower().endswith((".pyd", ".dll")):
			continue
		match = _EXTENSION_TAG.search(name)
		if match and match.group(1) != tag:
			problems.append(f"{name} is built for {match.group(1)}, not {tag}.")
		with archive.open(name) as binary:
			machine = peMachine(binary.read(65536))
		if machine is None:
			problems.append(f"{name} is not a Windows binary.")
		elif machine != _PE_MACHINES[pointerBits]:
			problems.append(
				f"{name} is for {_PE_MACHINE_NAMES.get(machine, hex(machine))}, but {tag} is {pointerBits}-bit."
			)
	return problems


def _keyringProblems(archive: zipfile.ZipFile, folder: str, distributions: dict) -> list[str]:
	"""keyring finds its Windows backend through its entry points, and that backend needs pywin32-ctypes."""
	problems = []
	keyring = distributions.get("keyring")
	if keyring is None:
		problems.append(f"{folder}: keyring's .dist-info is missing; keyring would find no backend.")
	else:
		try:
			entryPoints = archive.read(f"{folder}{keyring[0]}/entry_points.txt").decode("utf-8")
		except KeyError:
			entryPoints = ""
		if not re.search(
			r"^\[keyring\.backends\]$(.|\n)*^Windows\s*=\s*keyring\.backends\.Windows\s*$", entryPoints, re.M
		):
			problems.append(f"{folder}{keyring[0]}/entry_points.txt does not declare the Windows backend.")
	if "pywin32-ctypes" not in distributions:
		problems.append(f"{folder}: pywin32-ctypes is missing (keyring's Windows backend needs it).")
	return problems


def _requirementProblems(folder: str, tag: str, distributions: dict, environment: dict) -> list[str]:
	"""Every requirement a bundled project declares for this target is bundled, in a version it accepts."""
	problems = []
	for project, (distInfo, metadata) in sorted(distributions.items()):
		for line in metadata.get_all("Requires-Dist") or []:
			problem = _requirementProblem(folder, tag, distributions, environment, project, distInfo, line)
			if problem:
				problems.append(problem)
	return problems


def _requirementProblem(
	folder: str, tag: str, distributions: dict, environment: dict, project: str, distInfo: str, line: str
) -> str | None:
	try:
		requirement = Requirement(line)
	except InvalidRequirement:
		return f"{folder}{distInfo}: unreadable requirement {line!r}."
	if requirement.marker is not None and not requirement.marker.evaluate(environment):
		return None
	needed = distributions.get(canonicalize_name(requirement.name))
	if needed is None:
		return f"{folder}: {project} needs {requirement}, which is not bundled for {tag}."
	try:
		version = Version(needed[1].get("Version", ""))
	except InvalidVersion:
		return f"{folder}{needed[0]} has no valid version."
	if not requirement.specifier.contains(version, prereleases=True):
		return f"{folder}: {project} needs {requirement}, but {version} is bundled."
	return None


def _importRoot(name: str) -> str:
	"""The top-level name an entry would be imported or found as: the first part under deps/<tag>/ or
	packages/, or at the package root."""
	parts = name.split("/")
	if parts[0] == "deps" and len(parts) > 2:
		return parts[2]
	if parts[0] == "packages" and len(parts) > 1:
		return parts[1]
	return parts[0]


def _forbiddenIn(name: str) -> str | None:
	root = _importRoot(name)
	if root.endswith(".dist-info"):
		project = root[: -len(".dist-info")].rsplit("-", 1)[0]
	else:
		project = root.split(".", 1)[0]  # a folder, or a module file such as _cffi_backend.cp311-win32.pyd
	if canonicalize_name(project) in FORBIDDEN_LIBRARIES or project.lower() in _FORBIDDEN_MODULES:
		return root
	return None


def checkContents(archive: zipfile.ZipFile, manifest: configobj.ConfigObj | None) -> list[str]:
	"""Entry names, compression, forbidden and foreign files, and the files NVDA expects."""
	problems = []
	infos = archive.infolist()
	names = {info.filename for info in infos}
	for info in infos:
		name = info.filename
		if "\\" in name or name.startswith("/") or ".." in name.split("/"):
			problems.append(f"{name!r} is not a safe relative path inside the package.")
		if name.endswith("/"):
			continue
		if info.compress_type != zipfile.ZIP_DEFLATED:
			problems.append(f"{name} is not deflated.")
		if "__pycache__/" in name or name.endswith((".pyc", ".pyo")):
			problems.append(f"{name}: compiled Python files must not be shipped.")
		if name.lower().endswith(_NATIVE_FOREIGN):
			problems.append(f"{name} is a Linux or macOS binary.")
		if name.lower().endswith((".pyd", ".dll", ".exe")) and not name.startswith("deps/"):
			problems.append(f"{name}: native code outside deps/.")
		forbidden = _forbiddenIn(name)
		if forbidden:
			problems.append(f"{name}: {forbidden} must not be bundled.")
	for required in (
		f"globalPlugins/{ADDON_NAME}/__init__.py",
		"packages/visionDescriberCore/__init__.py",
		"packages/visionDescriberCore/bundleTargets.py",
	):
		if required not in names:
			problems.append(f"{required} is missing.")
	docFileName = (manifest or {}).get("docFileName") or "readme.html"
	if f"doc/en/{docFileName}" not in names:
		problems.append(f"doc/en/{docFileName} (the user guide) is missing.")
	for name in names:
		if re.fullmatch(r"locale/[^/]+/LC_MESSAGES/nvda\.po", name) and name[:-3] + ".mo" not in names:
			problems.append(f"{name} has no compiled nvda.mo beside it.")
	return problems


def checkTargets(archive: zipfile.ZipFile, manifest: configobj.ConfigObj | None) -> list[str]:
	"""Every target in the packaged bundleTargets.py has its folder; every NVDA year covered has a target."""
	bundleTargets = _readBundleTargets(archive)
	if bundleTargets is None:
		return [
			"packages/visionDescriberCore/bundleTargets.py is missing: the loader cannot choose libraries."
		]
	problems = []
	if manifest is not None:
		first = manifest["minimumNVDAVersion"][0]
		last = manifest["lastTestedNVDAVersion"][0]
		for year in range(first, last + 1):
			tag = NVDA_PYTHON_BY_YEAR.get(year)
			if tag is None:
				problems.append(
					f"The checker does not know the Python of NVDA {year}: add it to NVDA_PYTHON_BY_YEAR."
				)
			elif tag not in bundleTargets.TARGETS:
				problems.append(f"NVDA {year} runs {tag}, which is not in bundleTargets.TARGETS.")
	for tag in bundleTargets.TARGETS:
		problems += checkLibraryFolder(archive, tag, bundleTargets)
	folders = {
		name.split("/")[1]
		for name in archive.namelist()
		if name.startswith(f"{bundleTargets.DEPS_FOLDER}/") and name.count("/") >= 2
	}
	for extra in sorted(folders - set(bundleTargets.TARGETS)):
		problems.append(f"{bundleTargets.DEPS_FOLDER}/{extra} is not a target in bundleTargets.TARGETS.")
	return problems


def checkPackage(path) -> list[str]:
	"""All checks on a built .nvda-addon file."""
	path = Path(path)
	if not path.is_file():
		return [f"{path} does not exist."]
	if not zipfile.is_zipfile(path):
		return [f"{path} is not a zip file."]
	with zipfile.ZipFile(path) as archive:
		broken = archive.testzip()
		if broken is not None:
			return [f"{path}: {broken} is damaged in the zip."]
		try:
			manifestData = archive.read("manifest.ini")
		except KeyError:
			problems = ["manifest.ini is not at the root of the package."]
			manifest = None
		else:
			problems = checkManifest(manifestData)
			manifest, parseProblems = parseManifest(manifestData)
			if parseProblems:
				manifest = None
		problems += checkContents(archive, manifest)
		problems += checkTargets(archive, manifest)
	return problems
