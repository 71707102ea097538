"""Builds the real add-on with scons in a copy of the work tree (tracked and new files, not ignored
ones), so that the developer's own build outputs are left alone and a test can add files. The copies
share the repository's cache (.cache/), so wheels are downloaded at most once. The `builtPackage`
fixture (tests/conftest.py) builds once per test run for the package tests and the Windows suite.
"""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import buildVars  # noqa: E402

INFO = buildVars.addon_info
PACKAGE_NAME = f"{INFO['addon_name']}-{INFO['addon_version']}.nvda-addon"

FRENCH_PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: fr\\n"

msgid "Vision Describer"
msgstr "Descripteur visuel"

msgid "Cancelled"
msgstr "Annulé"

#, python-brace-format
msgid "Could not connect to {url}. Check the address and your network."
msgstr "Connexion impossible à {url}. Vérifiez l'adresse et votre réseau."
"""


def copyWorkTree(destination: Path) -> Path:
	"""Copies the files git would see (tracked or new, not ignored) and links the shared wheel cache."""
	listed = subprocess.run(
		["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
		cwd=ROOT,
		capture_output=True,
		check=True,
	).stdout.decode("utf-8")
	for name in filter(None, listed.split("\0")):
		source = ROOT / name
		if source.is_file() and not source.is_symlink():
			target = destination / name
			target.parent.mkdir(parents=True, exist_ok=True)
			shutil.copy2(source, target)
	(ROOT / ".cache").mkdir(exist_ok=True)
	(destination / ".cache").symlink_to(ROOT / ".cache", target_is_directory=True)
	return destination


def scons(folder: Path, *arguments: str) -> subprocess.CompletedProcess:
	return subprocess.run(
		[sys.executable, "-m", "SCons", "-Q", *arguments],
		cwd=folder,
		capture_output=True,
		text=True,
		timeout=540,
	)


def buildPackage(tmp_path_factory) -> Path:
	"""The add-on built from this work tree, plus a French catalogue to prove .po files are compiled."""
	tree = copyWorkTree(tmp_path_factory.mktemp("build"))
	po = tree / "addon" / "locale" / "fr" / "LC_MESSAGES" / "nvda.po"
	po.parent.mkdir(parents=True)
	po.write_text(FRENCH_PO, encoding="utf-8")
	completed = scons(tree)
	assert completed.returncode == 0, completed.stdout + completed.stderr
	return tree / PACKAGE_NAME
