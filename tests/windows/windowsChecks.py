"""What the Windows suite's fixtures (conftest.py) and tests share: running inWindows/checks.py,
reading its report, the test window, and unpacking or copying the add-on."""

import json
import os
import select
import shutil
import subprocess
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from winePython import IN_WINDOWS_DIR, REPO_DIR, WinePython, windowsPath

#: The test window's text: big, bold and unusual enough that tesseract finding it means the window.
WINDOW_TEXT = "WINE DESKTOP 4217"
SCREEN_SIZE = (1280, 800)
CHECK_STEPS = ["loader", "pillow", "capture", "keyring", "keyStore", "clipboard", "compile"]


def unpack(package: Path, destination: Path) -> Path:
	"""The .nvda-addon unpacked as NVDA installs it: the zip's contents are the add-on's folder."""
	with zipfile.ZipFile(package) as archive:
		archive.extractall(destination)
	return destination


@dataclass
class ShownWindow:
	rect: tuple[int, int, int, int]
	text: str


def readLine(process: subprocess.Popen, timeout: float) -> str:
	deadline = time.monotonic() + timeout
	while time.monotonic() < deadline:
		readable, _, _ = select.select([process.stdout], [], [], 0.2)
		if readable:
			return process.stdout.readline()
		if process.poll() is not None:
			break
	process.kill()
	_out, errors = process.communicate(timeout=10)
	raise AssertionError(f"the window did not appear (exit status {process.returncode}): {errors}")


def runChecks(
	python: WinePython, addonRoot: Path, outDir: Path, steps: list[str], window: ShownWindow | None = None
) -> dict:
	"""Runs inWindows/checks.py on the unpacked add-on; returns its report (one entry per step run)."""
	outDir.mkdir(parents=True, exist_ok=True)
	config = {
		"addonRoot": windowsPath(addonRoot),
		"fakesDir": windowsPath(REPO_DIR / "tests" / "fakes"),
		"testsDir": windowsPath(REPO_DIR / "tests"),
		"outDir": windowsPath(outDir),
		"steps": steps,
		"windowRect": list(window.rect) if window else None,
		"keyringService": f"visionDescriberWineTest{os.getpid()}",
	}
	configFile = outDir / "config.json"
	configFile.write_text(json.dumps(config), encoding="utf-8")
	completed = python.run(windowsPath(IN_WINDOWS_DIR / "checks.py"), windowsPath(configFile))
	reportFile = outDir / "report.json"
	assert completed.returncode == 0 and reportFile.is_file(), completed.stdout + completed.stderr
	return json.loads(reportFile.read_text(encoding="utf-8"))


@dataclass
class ChecksRun:
	report: dict
	outDir: Path


def stepOf(run: ChecksRun, name: str) -> dict:
	"""One step's results; fails with the Windows traceback when the step failed."""
	assert name in run.report, f"step {name} did not run: {json.dumps(run.report, indent=1)[:3000]}"
	step = run.report[name]
	assert step["ok"], step.get("traceback")
	return step


def copyAddon(addonRoot: Path, destination: Path) -> Path:
	shutil.copytree(addonRoot, destination)
	return destination
