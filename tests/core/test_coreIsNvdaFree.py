"""The core imports nothing of NVDA: every module of visionDescriberCore, imported in a fresh
Python without the fakes, leaves no NVDA module (nor wx) in sys.modules."""

import json
import subprocess
import sys

import pytest
from nvdaHarness import FAKES_DIR, PACKAGES_DIR, loadNvdaApi

#: Modules NVDA ships or provides that are not in the API data: wx and Windows bindings.
NVDA_PROVIDED = {"wx", "comtypes", "louis", "winBindings", "nh3"}


def nvdaTopLevelNames() -> set[str]:
	modules = loadNvdaApi()
	return {name.split(".")[0] for name in modules} | NVDA_PROVIDED


IMPORT_EVERY_CORE_MODULE = """
import importlib, json, pkgutil, sys
sys.path.insert(0, {packages!r})
assert not [p for p in sys.path if p.startswith({fakes!r})], sys.path
import visionDescriberCore
imported = []
for info in pkgutil.walk_packages(visionDescriberCore.__path__, "visionDescriberCore."):
	if info.name.endswith(".__main__"):
		continue  # importing it runs the command-line tool; cli.py is what it runs
	importlib.import_module(info.name)
	imported.append(info.name)
{extra}
print(json.dumps({{"imported": imported, "modules": sorted(sys.modules)}}))
"""


def importInFreshPython(extra: str = "") -> dict:
	script = IMPORT_EVERY_CORE_MODULE.format(packages=str(PACKAGES_DIR), fakes=str(FAKES_DIR), extra=extra)
	# -I: isolated, so neither PYTHONPATH nor the current folder can put the fakes on sys.path.
	result = subprocess.run([sys.executable, "-I", "-c", script], capture_output=True, text=True, timeout=60)
	assert result.returncode == 0, result.stderr
	return json.loads(result.stdout)


def nvdaModulesIn(moduleNames: list[str]) -> list[str]:
	"""The NVDA (or wx) top-level names among the loaded modules."""
	names = nvdaTopLevelNames()
	return sorted({name.split(".")[0] for name in moduleNames} & names)


def test_everyCoreModuleImportsWithoutNvda():
	found = importInFreshPython()
	expected = {
		p.stem
		for p in (PACKAGES_DIR / "visionDescriberCore").rglob("*.py")
		if p.stem not in ("__init__", "__main__")
	}
	assert expected <= {name.rsplit(".", 1)[-1] for name in found["imported"]}
	assert nvdaModulesIn(found["modules"]) == []


@pytest.mark.parametrize("module", ["wx", "xml.dom"])
def test_theCheckWouldCatchAnNvdaOrWxImport(module):
	"""Proof the check can fail: the same run plus one import; wx is caught, a stdlib module is not."""
	found = importInFreshPython(extra=f"import {module}")
	assert nvdaModulesIn(found["modules"]) == (["wx"] if module == "wx" else [])
