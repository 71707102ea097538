import os
from pathlib import Path

import pytest
from packageBuild import buildPackage
from xserver import startXvfb


@pytest.fixture(scope="session")
def xDisplay():
	"""One 3840x2160 Xvfb for the whole run; DISPLAY points at it."""
	display = startXvfb()
	previous = os.environ.get("DISPLAY")
	os.environ["DISPLAY"] = display.name
	yield display
	if previous is None:
		os.environ.pop("DISPLAY", None)
	else:
		os.environ["DISPLAY"] = previous
	display.stop()


@pytest.fixture(scope="session")
def builtPackage(tmp_path_factory) -> Path:
	"""The .nvda-addon built once per run from this work tree (tests/packageBuild.py says how)."""
	return buildPackage(tmp_path_factory)
