"""The work behind `sconstruct`: manifest, user guide, translations, bundled libraries and the package.

SCons puts this folder (site_scons) on sys.path. Everything here is plain Python, so it can be read
and tested without SCons. Failures raise BuildError with a sentence saying what to fix.
"""

import email.message
import email.parser
import fnmatch
import gettext
import html
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import types
import zipfile
from collections.abc import Iterable
from pathlib import Path

import configobj
import markdown
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version


class BuildError(Exception):
	pass


def loadBundleTargets(root: Path) -> types.ModuleType:
	"""Loads addon/packages/visionDescriberCore/bundleTargets.py by path, without importing its package."""
	path = root / "addon" / "packages" / "visionDescriberCore" / "bundleTargets.py"
	spec = importlib.util.spec_from_file_location("_visionDescriberBundleTargets", path)
	module = importlib.util.module_from_spec(spec)
	spec.loader.exec_module(module)
	return module


# --- Manifest ----------------------------------------------------------------------------------------


def _checkManifestValue(key: str, value: str) -> None:
	if '"""' in value or "'''" in value:
		raise BuildError(f"{key} in buildVars.py must not contain triple quotes.")


def renderManifest(template: str, info: dict) -> str:
	"""manifest.ini.tpl filled from buildVars.addon_info; parsed back to prove configobj reads the same."""
	values = {key: ("" if value is None else str(value)) for key, value in info.items()}
	for key, value in values.items():
		_checkManifestValue(key, value)
	for key in ("addon_name", "addon_summary", "addon_author", "addon_version", "addon_url"):
		if '"' in values[key] or "\n" in values[key]:
			raise BuildError(f"{key} in buildVars.py must be one line without double quotes.")
	channel = info.get("addon_updateChannel")
	values["updateChannelLine"] = f"updateChannel = {channel}" if channel else ""
	text = template.format(**values)
	parsed = configobj.ConfigObj(text.splitlines(), encoding="utf-8")
	expected = {
		"name": "addon_name",
		"summary": "addon_summary",
		"description": "addon_description",
		"author": "addon_author",
		"url": "addon_url",
		"version": "addon_version",
		"changelog": "addon_changelog",
		"docFileName": "addon_docFileName",
		"minimumNVDAVersion": "addon_minimumNVDAVersion",
		"lastTestedNVDAVersion": "addon_lastTestedNVDAVersion",
	}
	for manifestKey, infoKey in expected.items():
		if parsed.get(manifestKey) != values[infoKey]:
			raise BuildError(f"manifest.ini would not read back {manifestKey} as written in buildVars.py.")
	return text


def renderTranslatedManifest(summary: str, description: str) -> str:
	"""locale/<lang>/manifest.ini: the texts NVDA shows translated."""
	_checkManifestValue("translated summary", summary)
	_checkManifestValue("translated description", description)
	summary = summary.replace('"', "'").replace("\n", " ")
	return f'summary = "{summary}"\ndescription = """{description}"""\n'


def translateWithMo(moPath: Path, text: str) -> str:
	with open(moPath, "rb") as moFile:
		return gettext.GNUTranslations(moFile).gettext(text)


# --- User guide --------------------------------------------------------------------------------------


def userGuideHtml(
	markdownText: str, title: str, language: str, extensions: list[str], endsBefore: str | None = None
) -> str:
	"""The user guide as a complete HTML page: readme.md up to the developers' part, without comments."""
	if endsBefore:
		lines = markdownText.splitlines(keepends=True)
		for index, line in enumerate(lines):
			if line.rstrip() == endsBefore:
				lines = lines[:index]
				break
		markdownText = "".join(lines)
	markdownText = re.sub(r"<!--.*?-->[ \t]*\n?", "", markdownText, flags=re.DOTALL)
	body = markdown.markdown(markdownText, extensions=extensions)
	return (
		"<!DOCTYPE html>\n"
		f'<html lang="{html.escape(language)}">\n'
		"<head>\n"
		'<meta charset="utf-8">\n'
		'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
		f"<title>{html.escape(title)}</title>\n"
		"</head>\n"
		f"<body>\n{body}\n</body>\n"
		"</html>\n"
	)


# --- Translations ------------------------------------------------------------------------------------


def runXgettext(potPath: Path, sources: list[str], packageName: str, version: str, bugsAddress: str) -> None:
	command = [
		"xgettext",
		"--language=Python",
		"--from-code=utf-8",
		"--add-comments=Translators:",
		"--keyword=_",
		"--keyword=pgettext:1c,2",
		"--keyword=ngettext:1,2",
		"--keyword=npgettext:1c,2,3",
		"--sort-by-file",
		f"--package-name={packageName}",
		f"--package-version={version}",
		f"--msgid-bugs-address={bugsAddress}",
		"--output",
		str(potPath),
		*sources,
	]
	_run(command, "xgettext (Debian package gettext)")


def lostTranslatorComments(sources: Iterable[str], potText: str) -> list[str]:
	"""`# Translators:` comments in the sources that xgettext did not attach to any message.

	xgettext keeps such a comment only when it sits right above the line holding the string, so in a
	call split over several lines the comment belongs inside the parentheses, above the string.
	"""
	kept = {line[len("#. ") :].strip() for line in potText.splitlines() if line.startswith("#. Translators:")}
	lost = []
	for source in sources:
		for number, line in enumerate(Path(source).read_text(encoding="utf-8").splitlines(), start=1):
			comment = line.strip()
			if comment.startswith("# Translators:") and comment[len("# ") :].strip() not in kept:
				lost.append(f"{source}:{number}: {comment}")
	return lost


def runMsgfmt(moPath: Path, poPath: Path) -> None:
	_run(
		["msgfmt", "--check-format", "--output-file", str(moPath), str(poPath)],
		"msgfmt (Debian package gettext)",
	)


def _run(command: list[str], what: str) -> None:
	try:
		completed = subprocess.run(command, capture_output=True, text=True)
	except FileNotFoundError as error:
		raise BuildError(f"{what} is not installed: run bash scripts/setup-env.") from error
	if completed.returncode != 0:
		raise BuildError(f"{command[0]} failed:\n{completed.stderr.strip()}")


# --- Bundled libraries -------------------------------------------------------------------------------


def pinnedRequirements(lines: Iterable[str], markerEnvironment: dict[str, str]) -> list[Requirement]:
	"""The pins whose marker holds on the target; each must be exactly `name==version`."""
	chosen = []
	for line in lines:
		requirement = Requirement(line)
		specifiers = list(requirement.specifier)
		if len(specifiers) != 1 or specifiers[0].operator != "==" or "*" in specifiers[0].version:
			raise BuildError(f"Bundled library {line!r} must be pinned as name==version.")
		if requirement.marker is None or requirement.marker.evaluate(markerEnvironment):
			chosen.append(requirement)
	return chosen


def pinnedVersion(requirement: Requirement) -> Version:
	return Version(next(iter(requirement.specifier)).version)


def _wheelNameAndVersion(fileName: str) -> tuple[str, Version, str]:
	parts = fileName[: -len(".whl")].split("-")
	if len(parts) not in (5, 6):
		raise BuildError(f"{fileName} is not a wheel file name.")
	return canonicalize_name(parts[0]), Version(parts[1]), parts[-1]


def findCachedWheel(folder: Path, requirement: Requirement, pipPlatform: str) -> Path | None:
	if not folder.is_dir():
		return None
	name, version = canonicalize_name(requirement.name), pinnedVersion(requirement)
	for path in sorted(folder.glob("*.whl")):
		wheelName, wheelVersion, platforms = _wheelNameAndVersion(path.name)
		if (
			wheelName == name
			and wheelVersion == version
			and ({"any", pipPlatform} & set(platforms.split(".")))
		):
			return path
	return None


def ensureWheels(
	requirements: list[Requirement], cacheFolder: Path, pipPlatform: str, python: tuple[int, int]
) -> dict[str, Path]:
	"""Canonical name -> wheel in the cache, downloading (without dependencies) only what is missing."""
	missing = [r for r in requirements if findCachedWheel(cacheFolder, r, pipPlatform) is None]
	if missing:
		cacheFolder.mkdir(parents=True, exist_ok=True)
		pins = [f"{r.name}=={pinnedVersion(r)}" for r in missing]
		print(f"Downloading {', '.join(pins)} for {pipPlatform} Python {python[0]}.{python[1]}", flush=True)
		command = [
			sys.executable,
			"-m",
			"pip",
			"download",
			"--quiet",
			"--disable-pip-version-check",
			"--no-deps",
			"--only-binary=:all:",
			"--platform",
			pipPlatform,
			"--python-version",
			f"{python[0]}.{python[1]}",
			"--implementation",
			"cp",
			"--dest",
			str(cacheFolder),
			*pins,
		]
		completed = subprocess.run(command, capture_output=True, text=True)
		if completed.returncode != 0:
			raise BuildError(f"pip could not download {', '.join(pins)}:\n{completed.stderr.strip()}")
	wheels = {}
	for requirement in requirements:
		path = findCachedWheel(cacheFolder, requirement, pipPlatform)
		if path is None:
			raise BuildError(
				f"No wheel of {requirement} for {pipPlatform} in {cacheFolder} after downloading."
			)
		wheels[canonicalize_name(requirement.name)] = path
	return wheels


def wheelMetadata(wheel: Path) -> email.message.Message:
	with zipfile.ZipFile(wheel) as archive:
		for name in archive.namelist():
			parts = name.split("/")
			if len(parts) == 2 and parts[0].endswith(".dist-info") and parts[1] == "METADATA":
				return email.parser.BytesParser().parsebytes(archive.read(name), headersonly=True)
	raise BuildError(f"{wheel.name} has no METADATA.")


def requirementProblems(
	wheels: dict[str, Path],
	roots: Iterable[str],  # requirement lines of what the add-on imports
	markerEnvironment: dict[str, str],
	forbidden: Iterable[str],
	tag: str,
) -> list[str]:
	"""Compares the chosen wheels with what they declare they need on the target.

	Reports a requirement with no chosen wheel or with the wrong version, a chosen wheel nothing needs,
	a forbidden library, and a wheel whose Requires-Python excludes the target.
	"""
	problems = []
	forbidden = {canonicalize_name(name) for name in forbidden}
	pythonVersion = markerEnvironment["python_full_version"]
	metadata = {name: wheelMetadata(path) for name, path in wheels.items()}
	for name in sorted(set(metadata) & forbidden):
		problems.append(f"{tag}: {name} must not be bundled.")
	needed = set()
	pending = [canonicalize_name(Requirement(root).name) for root in roots]
	while pending:
		name = pending.pop()
		if name in needed:
			continue
		needed.add(name)
		if name not in metadata:
			continue
		requiresPython = metadata[name].get("Requires-Python")
		if requiresPython and not SpecifierSet(requiresPython).contains(pythonVersion, prereleases=True):
			problems.append(f"{tag}: {name} requires Python {requiresPython}.")
		for line in metadata[name].get_all("Requires-Dist") or []:
			requirement = Requirement(line)
			if requirement.marker is not None and not requirement.marker.evaluate(markerEnvironment):
				continue
			dependency = canonicalize_name(requirement.name)
			if dependency not in metadata:
				problems.append(f"{tag}: {name} needs {requirement} but it is not in the pinned list.")
				continue
			version = Version(metadata[dependency]["Version"])
			if not requirement.specifier.contains(version, prereleases=True):
				problems.append(f"{tag}: {name} needs {requirement}, the pinned list has {version}.")
			pending.append(dependency)
	for name in sorted(set(metadata) - needed):
		problems.append(f"{tag}: {name} is pinned but nothing needs it there; remove it or add a marker.")
	return problems


def _excluded(relativePath: str, patterns: Iterable[str]) -> bool:
	return any(fnmatch.fnmatchcase(relativePath, pattern) for pattern in patterns)


def unpackWheels(wheels: Iterable[Path], destination: Path, exclusions: Iterable[str]) -> list[str]:
	"""Unpacks wheels into a fresh folder (dist-info kept); returns the relative paths left out."""
	exclusions = list(exclusions)
	if destination.exists():
		shutil.rmtree(destination)
	destination.mkdir(parents=True)
	leftOut = []
	for wheel in wheels:
		with zipfile.ZipFile(wheel) as archive:
			for info in archive.infolist():
				if info.is_dir():
					continue
				name = info.filename
				first, _, rest = name.partition("/")
				if first.endswith(".data"):
					# purelib and platlib belong with the packages; scripts, headers and data do not.
					kind, _, name = rest.partition("/")
					if kind not in ("purelib", "platlib"):
						leftOut.append(info.filename)
						continue
				if name.startswith("/") or ".." in name.split("/"):
					raise BuildError(f"{wheel.name} contains an unsafe path: {info.filename}")
				if _excluded(name, exclusions):
					leftOut.append(name)
					continue
				target = destination / name
				target.parent.mkdir(parents=True, exist_ok=True)
				with archive.open(info) as source, open(target, "wb") as output:
					shutil.copyfileobj(source, output)
	return leftOut


# --- Package -----------------------------------------------------------------------------------------


def addonFiles(addonFolder: Path, excluded: Iterable[str]) -> list[tuple[Path, str]]:
	"""(file, name in package) for every file under addon/ not matched by an excluded pattern."""
	excluded = list(excluded)
	files = []
	for folder, folders, names in os.walk(addonFolder):
		folders[:] = sorted(f for f in folders if f != "__pycache__")
		for name in sorted(names):
			path = Path(folder) / name
			relative = path.relative_to(addonFolder).as_posix()
			if not _excluded(relative, excluded):
				files.append((path, relative))
	return files


def folderFiles(folder: Path, prefix: str) -> list[tuple[Path, str]]:
	files = []
	for current, folders, names in os.walk(folder):
		folders.sort()
		for name in sorted(names):
			path = Path(current) / name
			files.append((path, f"{prefix}/{path.relative_to(folder).as_posix()}"))
	return files


def writePackage(packagePath: Path, files: Iterable[tuple[Path, str]]) -> None:
	"""Writes the deflated zip (manifest.ini first) under a temporary name, then puts it in place."""
	files = sorted(files, key=lambda item: (item[1] != "manifest.ini", item[1]))
	names = [name for _, name in files]
	duplicates = sorted({name for name in names if names.count(name) > 1})
	if duplicates:
		raise BuildError(f"Two files would have the same name in the package: {', '.join(duplicates)}")
	if "manifest.ini" not in names:
		raise BuildError("The package has no manifest.ini.")
	partial = packagePath.with_name(packagePath.name + ".partial")
	with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
		for path, name in files:
			archive.write(path, name)
	os.replace(partial, packagePath)
