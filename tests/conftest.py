import os

import pytest
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
