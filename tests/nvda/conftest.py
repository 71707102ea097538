"""Fixtures for NVDA-layer tests: fresh fake NVDA modules for every test, and real wx on Xvfb."""

import sys
from pathlib import Path

import pytest
from nvdaHarness import fakesInstalled, makeObject

# The fake servers and the thread-leak fixture live with the core tests.
CORE_TESTS = str(Path(__file__).resolve().parent.parent / "core")
if CORE_TESTS not in sys.path:
	sys.path.append(CORE_TESTS)


@pytest.fixture(autouse=True)
def nvdaFakes():
	"""Fresh fakes for each test, with NVDA's usual start state: focus, foreground and navigator on
	the desktop. Everything is removed again after the test."""
	with fakesInstalled():
		import api
		import controlTypes
		from locationHelper import RectLTWH

		desktop = makeObject("Desktop", controlTypes.Role.PANE, RectLTWH(0, 0, 3840, 2160), appName="csrss")
		api.setDesktopObject(desktop)
		api.setForegroundObject(desktop)
		api.setFocusObject(desktop)
		api.setNavigatorObject(desktop)
		yield


@pytest.fixture(scope="session")
def wxApp(xDisplay):
	"""The process's single wx.App, on the session's Xvfb display."""
	import wxHelpers

	app = wxHelpers.getApp()
	yield app
	wxHelpers.destroyTopLevelWindows()


@pytest.fixture
def nvdaGui(wxApp, nvdaFakes):
	"""NVDA's GUI started (gui.mainFrame exists) and core.callLater on real wx timers.
	Windows the test leaves open are destroyed afterwards."""
	import core
	import gui
	import wxHelpers

	core.testing.realTimers = True
	gui.initialize()
	yield gui
	wxHelpers.destroyTopLevelWindows()
