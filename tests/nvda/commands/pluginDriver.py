"""Drives the global plugin as NVDA would, for the command tests.

- `startPlugin(...)` starts the plugin as NVDA does (`Started` holds it, its fake server and what
  its image preparation was given); `configure(...)` writes settings; `pointNavigatorAt(rect)`
  puts a fake NVDA object with that location under NVDA's navigator.
- `makeGesture(identifier)` is an input gesture; `press(plugin, identifier)` asks the plugin for the
  script bound to it (`getScript`, as NVDA's script lookup does for global plugins) and runs it.
  `pressInNvda(plugin, identifier)` goes NVDA's whole way instead: `inputCore.manager.executeGesture`
  queues the speech cancel every key press makes, then the script through
  `scriptHandler.executeScript` (which on-demand speech needs), and the event queue runs both.
- `pumpUntil(condition)` lets the main thread work (wx events, `wx.CallAfter`, timers and NVDA's
  event queue) until the condition holds, with a time limit.
- `showPicture(...)` puts a real wx window with known colours on the Xvfb screen;
  `waitUntilPainted` waits until mss sees it there.
- The fake servers from tests/core/servers are importable once this module is.
"""

import base64
import io
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import wx
import wxHelpers
from nvdaHarness import makeGesture
from PIL import Image

CORE_TESTS = str(Path(__file__).resolve().parents[2] / "core")
if CORE_TESTS not in sys.path:
	sys.path.insert(0, CORE_TESTS)

RED = (200, 30, 60)
TEAL = (20, 160, 150)
YELLOW = (240, 200, 40)


def press(plugin, identifier: str) -> bool:
	"""Runs what the plugin binds to the gesture, as NVDA would; False when it binds nothing."""
	gesture = makeGesture(identifier)
	found = plugin.getScript(gesture)
	if found is None:
		return False
	found(gesture)
	return True


def pressInNvda(plugin, identifier: str, isModifier: bool = False) -> bool:
	"""A key press as NVDA handles it: speech is cancelled, then the script runs as NVDA runs scripts.
	False when the plugin binds nothing to it (the key would go to the application). isModifier: a
	modifier alone, such as Control."""
	import globalPluginHandler
	import inputCore
	import queueHandler

	globalPluginHandler.runningPlugins.add(plugin)
	gesture = makeGesture(identifier)
	gesture.isModifier = isModifier
	try:
		inputCore.manager.executeGesture(gesture)
	except inputCore.NoInputGestureAction:
		queueHandler.testing.pump()  # the speech cancel still happens
		return False
	queueHandler.testing.pump()
	return True


def pumpOnce() -> None:
	import queueHandler

	wxHelpers.processEvents()
	queueHandler.testing.pump()


def pumpUntil(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
	deadline = time.monotonic() + timeout
	while True:
		pumpOnce()
		if condition():
			return True
		if time.monotonic() > deadline:
			return False
		time.sleep(0.005)


def pumpFor(seconds: float) -> None:
	deadline = time.monotonic() + seconds
	while time.monotonic() < deadline:
		pumpOnce()
		time.sleep(0.005)


def showPicture(left: int, top: int, colours=(RED, TEAL), size=(120, 90)) -> wx.Frame:
	"""A borderless window at (left, top): one panel per colour, side by side."""
	frame = wx.Frame(None, pos=(left, top), style=wx.BORDER_NONE | wx.STAY_ON_TOP)
	sizer = wx.BoxSizer(wx.HORIZONTAL)
	for colour in colours:
		panel = wx.Panel(frame, size=size)
		panel.SetBackgroundColour(wx.Colour(*colour))
		sizer.Add(panel)
	frame.SetSizerAndFit(sizer)
	frame.Show()
	return frame


def screenPixel(x: int, y: int) -> tuple[int, int, int]:
	import mss

	with mss.MSS() as screen:
		return screen.grab({"left": x, "top": y, "width": 1, "height": 1}).pixel(0, 0)


def waitUntilPainted(frame: wx.Frame, colour, timeout: float = 5.0) -> tuple[int, int, int, int]:
	"""Waits until mss sees the window's first pixel in colour; returns its rectangle (LTWH)."""
	rect = frame.GetScreenRect()
	assert wxHelpers.waitFor(
		lambda: frame.IsShownOnScreen() and screenPixel(rect.x + 2, rect.y + 2) == colour, timeout
	), "the window never appeared on the screen"
	return rect.x, rect.y, rect.width, rect.height


def sentImage(request) -> Image.Image:
	"""The picture in a recorded Ollama chat request."""
	return Image.open(io.BytesIO(base64.b64decode(request.json["messages"][-1]["images"][0])))


def near(colour, expected, tolerance: int = 12) -> bool:
	return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=False))


class Recorder:
	"""The core's own preparation, noting what it was given: the captured pictures and the thread."""

	def __init__(self):
		self.captured: list[Image.Image] = []
		self.threads: list[str] = []

	def prepare(self, image, settings, plan=None):
		import threading

		from visionDescriberCore.describing import prepareForSettings

		self.captured.append(image.copy())
		self.threads.append(threading.current_thread().name)
		return prepareForSettings(image, settings, plan)


MODEL = "gemma3:4b"


@dataclass
class Started:
	"""The plugin as NVDA started it, its fake server and what its preparation was given."""

	plugin: object
	module: object
	server: object
	recorder: Recorder

	@property
	def spoken(self) -> list[str]:
		"""Everything the synthesizer was given to say (speech mode permitting), in order."""
		import speech

		return speech.testing.spoken()

	@staticmethod
	def forgetSpeech() -> None:
		"""Starts `spoken` afresh."""
		import speech

		speech.testing.sequences.clear()

	def waitForAnswer(self, timeout: float = 10.0) -> None:
		"""Until the worker is done and everything it posted has run."""
		assert pumpUntil(lambda: not self.plugin.describer.busy, timeout), "the describe never finished"
		pumpUntil(lambda: False, 0.05)


def configure(**values) -> None:
	import config

	section = config.conf["visionDescriber"]
	for key, value in values.items():
		section[key] = value


def startPlugin(monkeypatch, server, recorder: Recorder | None = None, **settings) -> Started:
	"""Starts the plugin and adds it to NVDA's running plugins, as globalPluginHandler does (NVDA looks
	gestures up there, and lists them in Input Gestures)."""
	import globalPluginHandler
	import visionDescriber

	recorder = recorder or Recorder()
	monkeypatch.setattr(visionDescriber.GlobalPlugin, "prepare", staticmethod(recorder.prepare))
	configure(**{"baseUrl": server.url, "model": MODEL, **settings})
	plugin = visionDescriber.GlobalPlugin()
	globalPluginHandler.runningPlugins.add(plugin)
	return Started(plugin, visionDescriber, server, recorder)


def pointNavigatorAt(rect, name="chart1", role=None, appName="excel"):
	import api
	import controlTypes
	from locationHelper import RectLTWH
	from nvdaHarness import makeObject

	obj = makeObject(
		name,
		controlTypes.Role.GRAPHIC if role is None else role,
		None if rect is None else RectLTWH(*rect),
		appName=appName,
	)
	api.setNavigatorObject(obj)
	return obj
