"""Fixtures for the command tests: the plugin started as NVDA starts it, against a fake Ollama on
127.0.0.1, with NVDA's GUI on real wx (Xvfb) so that the worker's callbacks run through wx.CallAfter.
(The fakes themselves come from tests/nvda/conftest.py, fresh for every test.)
"""

import sys
from pathlib import Path

import pytest

# The fake servers and the thread-leak fixture live with the core tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "core"))

from clientHelpers import noThreadLeak  # noqa: E402, F401 - registers the fixture
from pluginDriver import RED, configure, pointNavigatorAt, showPicture, startPlugin, waitUntilPainted  # noqa: E402
from servers.fakeOllama import FakeOllama  # noqa: E402
from servers.fakeTranscription import FakeTranscription  # noqa: E402
from voiceDriver import Voice  # noqa: E402
from voiceSamples import buildSamples, toolsMissing  # noqa: E402
from watchDriver import Game  # noqa: E402


@pytest.fixture
def ollama(request):
	request.getfixturevalue("noThreadLeak")  # no thread of the test (worker, server) may outlive it
	with FakeOllama() as server:
		yield server


@pytest.fixture
def started(nvdaGui, ollama, monkeypatch):
	import ui

	running = startPlugin(monkeypatch, ollama)
	yield running
	running.plugin.terminate()
	# NVDA says "blank" for an empty message: the add-on never sends one.
	assert not [text for text in ui.testing.messages if not text or text.isspace()]


@pytest.fixture
def game(started):
	"""A game window in front, under NVDA's navigator, whose watch is driven check by check
	(watchDriver.py)."""
	running = Game(started)
	yield running
	running.close()


@pytest.fixture
def redWindow(started):
	"""A red 400x300 window painted on the real display; yields its screen rectangle."""
	frame = showPicture(400, 300)
	rect = waitUntilPainted(frame, RED)
	yield rect
	frame.Destroy()


@pytest.fixture
def picture(redWindow):
	"""The red window with NVDA's navigator on it, as a graphic labelled chart1 in Excel."""
	pointNavigatorAt(redWindow, name="chart1", appName="excel")
	return redWindow


class Clipboard:
	"""What the clipboard and File Explorer's selection hold, for the clipboard command.

	Reading the Windows clipboard and asking Explorer over COM cannot happen on Linux: the test
	replaces `imageSources.readClipboardImage` and `explorerSelection.selectedFiles` (the plugin's
	one Windows-only function) and keeps the rest real, including reading the selected file.
	"""

	def __init__(self):
		self.image = None
		self.selected: list[str] = []
		self.selectionAskedFor: list[int] = []

	def readClipboardImage(self):
		from visionDescriberCore.errors import NoImageFound

		if self.image is None:
			raise NoImageFound("clipboard content: NoneType")  # as the core does for an empty clipboard
		return self.image

	def selectedFiles(self, windowHandle):
		self.selectionAskedFor.append(windowHandle)
		return list(self.selected)


@pytest.fixture
def clipboard(nvdaFakes, monkeypatch):
	from visionDescriber import explorerSelection
	from visionDescriberCore.imaging import imageSources

	state = Clipboard()
	monkeypatch.setattr(imageSources, "readClipboardImage", state.readClipboardImage)
	monkeypatch.setattr(explorerSelection, "selectedFiles", state.selectedFiles)
	return state


@pytest.fixture(scope="session")
def voiceSamples(tmp_path_factory):
	"""Spoken questions, noise and silence as WAV files (espeak-ng and sox; tests/core/voiceSamples.py)."""
	missing = toolsMissing()
	if missing:
		pytest.fail(f"{' and '.join(missing)} missing: run scripts/setup-env (it installs them)")
	return buildSamples(tmp_path_factory.mktemp("voice"))


@pytest.fixture
def stt(started):
	"""A fake speech-to-text server (speaches' flavour) on 127.0.0.1, in the plugin's settings."""
	with FakeTranscription("speaches") as server:
		configure(sttBaseUrl=server.baseUrl)
		yield server


@pytest.fixture
def voice(started, stt, voiceSamples):
	"""The plugin with a fake microphone (voiceDriver.Voice)."""
	return Voice(started, stt, voiceSamples)
