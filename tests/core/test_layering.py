"""Imports in the core only go down: every import of visionDescriberCore checked against one table.

The table is the core's architecture (the package docstring draws it): a unit is a top-level module
or a folder, and a unit may import itself and any unit of a lower rank. Lazy imports inside
functions count too, so a shortcut cannot hide in a function body.
"""

import ast
from pathlib import Path

import pytest
from nvdaHarness import PACKAGES_DIR

CORE = PACKAGES_DIR / "visionDescriberCore"
PACKAGE = "visionDescriberCore"

#: Rank of each unit; a unit imports only units of a lower rank (or itself).
RANKS = {
	PACKAGE: 0,  # the package itself: only __version__
	"i18n": 0,
	"media": 0,
	"bundleTargets": 0,
	"errors": 1,
	"cancellation": 2,
	"text": 3,
	"imaging": 3,
	"conversation": 4,
	"clients": 5,
	"voice": 6,
	"watch": 6,
	"jobs": 7,
	"settings": 7,
	"apiKeys": 7,
	"describingPictures": 8,
	"describingRequests": 8,
	"describing": 9,
	"voiceQuestions": 9,
	"cliWording": 10,
	"cliOutput": 11,
	"cliPictures": 11,
	"voiceCli": 12,
	"watchCli": 12,
	"cliOptions": 13,
	"cli": 14,
	"__main__": 15,
}


def unitOf(moduleName: str) -> str:
	"""'visionDescriberCore.clients.base' -> 'clients'; the package itself is its own unit."""
	parts = moduleName.split(".")
	return parts[1] if len(parts) > 1 else PACKAGE


def moduleNameOf(path: Path, root: Path) -> tuple[str, bool]:
	relative = path.relative_to(root.parent).with_suffix("")
	parts = list(relative.parts)
	isPackage = parts[-1] == "__init__"
	if isPackage:
		parts = parts[:-1]
	return ".".join(parts), isPackage


def importedModules(source: str, moduleName: str, isPackage: bool) -> list[str]:
	"""Every core module a source imports, relative imports resolved ('from . import x' names x)."""
	found = []
	packageParts = moduleName.split(".") if isPackage else moduleName.split(".")[:-1]
	for node in ast.walk(ast.parse(source)):
		if isinstance(node, ast.Import):
			found += [alias.name for alias in node.names]
		elif isinstance(node, ast.ImportFrom):
			if node.level:
				base = packageParts[: len(packageParts) - (node.level - 1)]
				target = ".".join(base + ([node.module] if node.module else []))
			else:
				target = node.module or ""
			# Each name may be a module or a value; existingModule() keeps the module it belongs to.
			found += [f"{target}.{alias.name}" for alias in node.names]
	return [name for name in found if name == PACKAGE or name.startswith(PACKAGE + ".")]


def existingModule(root: Path, name: str) -> str:
	"""'pkg.__version__' names a value, not a module: the module is the nearest one that exists."""
	parts = name.split(".")
	while len(parts) > 1:
		path = root.parent.joinpath(*parts)
		if path.with_suffix(".py").is_file() or (path / "__init__.py").is_file():
			break
		parts.pop()
	return ".".join(parts)


def layeringViolations(root: Path, ranks: dict[str, int]) -> list[str]:
	problems = []
	for path in sorted(root.rglob("*.py")):
		moduleName, isPackage = moduleNameOf(path, root)
		unit = unitOf(moduleName)
		if unit not in ranks:
			problems.append(f"{moduleName}: its unit {unit!r} has no rank in the table")
			continue
		for imported in importedModules(path.read_text(encoding="utf-8"), moduleName, isPackage):
			imported = existingModule(root, imported)
			target = unitOf(imported)
			if target == unit:
				continue
			if target not in ranks:
				problems.append(f"{moduleName} imports {imported}, whose unit has no rank")
			elif ranks[target] >= ranks[unit]:
				problems.append(
					f"{moduleName} (rank {ranks[unit]}) imports {imported} (rank {ranks[target]})"
				)
	return problems


def test_everyCoreImportGoesDown():
	assert layeringViolations(CORE, RANKS) == []


def test_everyUnitOnDiskHasARank():
	onDisk = {p.stem for p in CORE.glob("*.py") if p.stem != "__init__"}
	onDisk |= {p.parent.name for p in CORE.glob("*/__init__.py")}
	assert onDisk <= set(RANKS)


def writeModule(root: Path, relative: str, source: str) -> None:
	path = root / relative
	path.parent.mkdir(parents=True, exist_ok=True)
	for parent in path.relative_to(root).parents:
		init = root / parent / "__init__.py"
		if parent != Path(".") and not init.exists():
			init.write_text("")
	path.write_text(source)


@pytest.mark.parametrize(
	"source",
	[
		"from ..describing import Describer\n",  # absolute climb through a relative import
		"def later():\n\tfrom visionDescriberCore.describing import Describer\n",  # hidden in a function
		"from .. import describing\n",  # 'from package import module'
	],
)
def test_theCheckReportsAnUpwardImport(tmp_path, source):
	"""Proof the check can fail: a copy of the core with one upward import in clients/ is reported."""
	root = tmp_path / PACKAGE
	writeModule(root, "__init__.py", "")
	writeModule(root, "describing.py", "from .clients import helper\n")
	writeModule(root, "clients/helper.py", source)
	problems = layeringViolations(root, RANKS)
	assert problems == [f"{PACKAGE}.clients.helper (rank 5) imports {PACKAGE}.describing (rank 9)"]


def test_aSameRankImportBetweenUnitsIsReported(tmp_path):
	root = tmp_path / PACKAGE
	writeModule(root, "__init__.py", "")
	writeModule(root, "imaging/capture.py", "from ..text import phrases\n")
	writeModule(root, "text/phrases.py", "")
	assert layeringViolations(root, RANKS) == [
		f"{PACKAGE}.imaging.capture (rank 3) imports {PACKAGE}.text.phrases (rank 3)"
	]
