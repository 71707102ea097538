"""Fixtures of the Windows suite: Wine on its own Xvfb, the Windows Python, the unpacked add-on, a window
with known text, and one run of inWindows/checks.py whose report the tests share.

Everything here is session-scoped: Wine and the interpreter start once, and the checks run in one
Windows process, so the whole suite costs a few Windows process starts.
"""

import json
import subprocess
from pathlib import Path

import pytest
from windowsChecks import (
	CHECK_STEPS,
	SCREEN_SIZE,
	WINDOW_TEXT,
	ChecksRun,
	ShownWindow,
	readLine,
	runChecks,
	unpack,
)
from winePython import IN_WINDOWS_DIR, WinePython, startWinePython, windowsPath
from xserver import startXvfb


@pytest.fixture(scope="session")
def wineDisplay():
	"""Wine's own X server, small so whole-screen captures stay cheap."""
	display = startXvfb(*SCREEN_SIZE)
	yield display
	display.stop()


@pytest.fixture(scope="session")
def winePython(wineDisplay) -> WinePython:
	python = startWinePython(wineDisplay.name)
	yield python
	python.stop()


@pytest.fixture(scope="session")
def unpackedAddon(builtPackage, tmp_path_factory) -> Path:
	return unpack(builtPackage, tmp_path_factory.mktemp("addon") / "visionDescriber")


@pytest.fixture(scope="session")
def testWindow(winePython, tmp_path_factory) -> ShownWindow:
	"""A Win32 window with WINDOW_TEXT, shown by its own Windows process for the whole session."""
	stopFile = tmp_path_factory.mktemp("window") / "stop"
	process = winePython.start(
		windowsPath(IN_WINDOWS_DIR / "showWindow.py"), windowsPath(stopFile), WINDOW_TEXT
	)
	try:
		announced = json.loads(readLine(process, timeout=40))
		yield ShownWindow(tuple(announced["rect"]), WINDOW_TEXT)
	finally:
		stopFile.touch()
		try:
			process.wait(timeout=10)
		except subprocess.TimeoutExpired:
			process.kill()
			process.wait()


@pytest.fixture(scope="session")
def checksRun(winePython, unpackedAddon, testWindow, tmp_path_factory) -> ChecksRun:
	"""Every check on the intact add-on, in one Windows process."""
	outDir = tmp_path_factory.mktemp("checks")
	return ChecksRun(runChecks(winePython, unpackedAddon, outDir, CHECK_STEPS, testWindow), outDir)
