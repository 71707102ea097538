"""Plumbing for the watcher tests: a real wx window that changes on demand, a watcher on a real
Describer's worker talking to the fake Ollama, a fake clock, and a listener that records.

Checks are driven by hand (`Harness.check()`: the clock moves one interval, the watcher's tick runs,
and the test waits until the check and any request it made have finished), so a test says exactly
what the screen shows at each check and nothing depends on timing.
"""

from __future__ import annotations

import base64
import io
import threading
import time
from dataclasses import replace

import screens
import wx
from mainThread import MainThread
from PIL import Image
from visionDescriberCore.describing import Describer
from visionDescriberCore.imaging import capture
from visionDescriberCore.imaging.capture import Rect
from visionDescriberCore.settings import Settings
from visionDescriberCore.watch.watcher import Watcher

WINDOW = Rect(2200, 1300, 640, 400)
BACKGROUND = (30, 70, 40)
#: Always drawn, below whatever a test shows: a window of one flat colour is never sent.
BACKDROP = (
	("rect", (0, 300, 640, 100), (60, 50, 40)),
	("text", (20, 330), (250, 250, 200), "Level 3: The Forest"),
)


class SceneWindow:
	"""A borderless window whose content is a list of rectangles and texts, repainted on demand."""

	def __init__(self, rect: Rect = WINDOW):
		self.rect = rect
		self.items: list[tuple] = []
		self.frame = wx.Frame(
			None,
			pos=(rect.left, rect.top),
			size=(rect.width, rect.height),
			style=wx.BORDER_NONE | wx.STAY_ON_TOP,
		)
		self.panel = wx.Panel(self.frame, size=(rect.width, rect.height))
		self.panel.SetBackgroundColour(wx.Colour(*BACKGROUND))
		self.panel.Bind(wx.EVT_PAINT, self._paint)
		self.frame.Show()
		self.show()

	@property
	def alive(self) -> bool:
		return bool(self.frame)

	def _paint(self, event) -> None:
		dc = wx.PaintDC(self.panel)
		dc.SetBackground(wx.Brush(wx.Colour(*BACKGROUND)))
		dc.Clear()
		for kind, box, colour, *text in (*BACKDROP, *self.items):
			if kind == "rect":
				dc.SetPen(wx.Pen(wx.Colour(*colour)))
				dc.SetBrush(wx.Brush(wx.Colour(*colour)))
				dc.DrawRectangle(*box)
			else:
				dc.SetFont(wx.Font(wx.FontInfo(18).Family(wx.FONTFAMILY_SWISS)))
				dc.SetTextForeground(wx.Colour(*colour))
				dc.DrawText(text[0], box[0], box[1])

	def show(self, *items: tuple) -> Image.Image:
		"""Repaints with these items and waits until the screen shows them; returns the capture."""
		self.items = list(items)
		self.panel.Refresh()
		self.panel.Update()
		return screens.waitUntilStable(self.grab, settle=0.03)

	def grab(self) -> Image.Image:
		return capture.grab(self.rect)

	def close(self) -> None:
		if self.frame:
			self.frame.Destroy()
		screens.pump(0.05)


def rect(left, top, width, height, colour) -> tuple:
	return ("rect", (left, top, width, height), colour)


def text(left, top, words, colour=(255, 255, 255)) -> tuple:
	return ("text", (left, top), colour, words)


class FakeClock:
	def __init__(self, start: float = 1000.0):
		self.now = start

	def __call__(self) -> float:
		return self.now

	def advance(self, seconds: float) -> None:
		self.now += seconds


class WatchRecorder:
	"""A WatchListener that records every call and checks that it came on the main thread."""

	def __init__(self, mainThread: MainThread):
		self.mainThread = mainThread
		self.events: list[tuple] = []
		self.wrongThread = False

	def _record(self, *event) -> None:
		self.wrongThread |= not self.mainThread.isCurrent()
		self.events.append(event)

	def onWatchStarted(self, sentence):
		self._record("started", sentence)

	def onRequestSent(self):
		self._record("sent")

	def onPhrase(self, text, interrupt):
		self._record("phrase", text, interrupt)

	def onReport(self, text):
		self._record("report", text)

	def onStopped(self, reason, sentence):
		self._record("stopped", reason, sentence)

	def of(self, kind: str) -> list[tuple]:
		return [event[1:] for event in self.events if event[0] == kind]

	def kinds(self) -> list[str]:
		return [event[0] for event in self.events]


class Harness:
	"""A watcher of `window` on a real describer whose client talks to `server`."""

	def __init__(self, mainThread: MainThread, server, window: SceneWindow, checkTarget=None, **options):
		self.mainThread = mainThread
		self.server = server
		self.window = window
		self.settings = replace(Settings(), baseUrl=server.url, model="gemma3:4b")
		self.describer = Describer(mainThread.post, lambda: self.settings, lambda settings: None)
		self.clock = FakeClock()
		self.listener = WatchRecorder(mainThread)
		self.options = replace(self.settings.watchOptions(), **options)
		self.watcher = Watcher(
			self.onMain(lambda: self.describer.pipeline(self.settings)),
			window.grab,
			self.listener,
			self.options,
			checkTarget=checkTarget,
			clock=self.clock,
			useTicker=False,
		)

	def onMain(self, fn):
		"""Runs fn on the stand-in main thread and returns its result."""
		result = []
		done = threading.Event()

		def run():
			try:
				result.append(fn())
			finally:
				done.set()

		self.mainThread.post(run)
		assert done.wait(10), "the main thread did not run it"
		return result[0] if result else None

	def settle(self, timeout: float = 15.0) -> None:
		"""Waits until the watch's check (and any request it made) has finished and reported."""
		deadline = time.monotonic() + timeout
		while True:
			self.mainThread.drain()
			if not self.watcher.busy and not self.describer.runner.busy:
				self.mainThread.drain()
				return
			assert time.monotonic() < deadline, "the watch's job did not finish"
			time.sleep(0.005)

	def start(self, **kwargs) -> None:
		self.onMain(lambda: self.watcher.start(**kwargs))
		self.settle()

	def check(self, times: int = 1) -> None:
		for _ in range(times):
			self.clock.advance(self.options.intervalSeconds)
			self.watcher.tick()
			self.settle()

	def tickAndLeaveRunning(self) -> None:
		"""One check whose request the test will stall, cancel or release itself."""
		self.clock.advance(self.options.intervalSeconds)
		self.watcher.tick()
		self.mainThread.drain()

	def waitForChats(self, count: int, timeout: float = 10.0) -> list:
		deadline = time.monotonic() + timeout
		while len(self.chats()) < count:
			assert time.monotonic() < deadline, f"expected {count} chat requests, got {len(self.chats())}"
			time.sleep(0.005)
		return self.chats()

	def chats(self) -> list:
		return self.server.chatRequests()

	def close(self) -> None:
		self.onMain(lambda: self.watcher.stop("terminated"))
		assert self.describer.terminate(5)


def sentPicture(request, index: int = -1) -> Image.Image:
	"""The picture(s) a chat request carried in its last message."""
	images = request.json["messages"][-1]["images"]
	return Image.open(io.BytesIO(base64.b64decode(images[index]))).convert("RGB")


def lastPrompt(request) -> str:
	return request.json["messages"][-1]["content"]
