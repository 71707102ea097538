"""Capture: rectangles, clipping and refusals, monitor lookup, and real mss grabs of wx windows under
Xvfb (one 3840x2160 screen, and a second Xvfb with two XRandR monitors).

Negative coordinates cannot exist on X11 (the root window starts at 0, 0), so layouts with monitors
left of or above the primary one are tested through an injected ScreenLayout.
"""

import os
import shutil
import subprocess
import sys
import threading

import ocr
import pytest
import screens
from PIL import Image
from visionDescriberCore.errors import CaptureFailed, CaptureRefused
from visionDescriberCore.imaging import capture
from visionDescriberCore.imaging.capture import Rect, ScreenLayout
from xserver import startXvfb

# Three monitors as Windows reports them: one left of the primary, a portrait one right of it
# reaching above it.
LEFT = Rect(-1920, 0, 1920, 1080)
PRIMARY = Rect(0, 0, 2560, 1440)
PORTRAIT = Rect(2560, -300, 1080, 1920)
WINDOWS_LAYOUT = ScreenLayout(Rect.fromLTRB(-1920, -300, 3640, 1620), (PRIMARY, LEFT, PORTRAIT))


# --- Rectangles ---------------------------------------------------------------------------------


def test_rectEdgesAreExclusive():
	rect = Rect(10, 20, 30, 40)
	assert (rect.right, rect.bottom) == (40, 60)
	assert rect.contains(10, 20) and rect.contains(39, 59)
	assert not rect.contains(40, 20) and not rect.contains(10, 60)
	assert Rect.fromLTRB(10, 20, 40, 60) == rect


def test_rectIntersection():
	a = Rect(0, 0, 100, 100)
	assert a.intersection(Rect(50, 60, 100, 100)) == Rect(50, 60, 50, 40)
	assert a.intersection(Rect(-10, -10, 20, 500)) == Rect(0, 0, 10, 100)
	assert a.intersection(Rect(100, 0, 10, 10)) is None  # touching edges do not overlap
	assert a.intersection(Rect(200, 200, 10, 10)) is None


def test_rectExpandedAndEmpty():
	assert Rect(10, 10, 4, 6).expanded(3) == Rect(7, 7, 10, 12)
	assert Rect(0, 0, 0, 5).isEmpty and Rect(0, 0, 5, -1).isEmpty and not Rect(0, 0, 1, 1).isEmpty
	assert Rect(0, 0, -5, 10).area == 0


def test_rectIsFrozen():
	with pytest.raises(AttributeError):
		Rect(0, 0, 1, 1).left = 5


# --- Layouts, clipping and refusals (injected layouts) -------------------------------------------


def test_clipKeepsTheVisiblePartOfARectangleLeftOfThePrimaryMonitor():
	assert capture.clipToScreen(Rect(-2000, 100, 300, 200), WINDOWS_LAYOUT) == Rect(-1920, 100, 220, 200)
	assert capture.clipToScreen(Rect(3500, -400, 500, 200), WINDOWS_LAYOUT) == Rect(3500, -300, 140, 100)


def test_rectangleInsideTheScreenIsUnchanged():
	rect = Rect(-100, 50, 400, 300)  # spans the left and the primary monitor
	assert capture.clipToScreen(rect, WINDOWS_LAYOUT) == rect


def test_offScreenRectangleIsRefused():
	for rect in (Rect(-3000, 0, 500, 500), Rect(0, 1620, 100, 100), Rect(-2020, 0, 100, 100)):
		with pytest.raises(CaptureRefused) as info:
			capture.clipToScreen(rect, WINDOWS_LAYOUT)
		assert info.value.reason == CaptureRefused.OFF_SCREEN
		assert "off the screen" in info.value.sentence


def test_emptyRectangleIsRefusedBeforeAnythingElse():
	for rect in (Rect(10, 10, 0, 50), Rect(10, 10, 50, 0), Rect(-5000, 0, -3, 10)):
		with pytest.raises(CaptureRefused) as info:
			capture.clipToScreen(rect, WINDOWS_LAYOUT)
		assert info.value.reason == CaptureRefused.EMPTY
		assert "no size" in info.value.sentence


def test_rectangleInAGapBetweenMonitorsIsKept():
	# Below the left monitor but inside the virtual screen: Windows returns black there, and the blank
	# guard reports it; clipping does not pretend to know better.
	rect = Rect(-1000, 1200, 100, 100)
	assert capture.clipToScreen(rect, WINDOWS_LAYOUT) == rect


def test_monitorContainingAPoint():
	assert capture.monitorContaining(-100, 500, WINDOWS_LAYOUT) == LEFT
	assert capture.monitorContaining(0, 0, WINDOWS_LAYOUT) == PRIMARY
	assert capture.monitorContaining(3000, -200, WINDOWS_LAYOUT) == PORTRAIT
	assert capture.monitorContaining(2559, 1439, WINDOWS_LAYOUT) == PRIMARY


def test_pointOutsideEveryMonitorGetsTheNearestOne():
	assert capture.monitorContaining(-500, 1300, WINDOWS_LAYOUT) == LEFT  # 221 px below it
	assert capture.monitorContaining(9000, 0, WINDOWS_LAYOUT) == PORTRAIT
	assert capture.monitorContaining(100, 5000, WINDOWS_LAYOUT) == PRIMARY


def test_overlappingMonitorsPreferTheSmallest():
	whole = Rect(0, 0, 3000, 1200)
	half = Rect(0, 0, 1500, 1200)
	layout = ScreenLayout(whole, (whole, half))
	assert layout.monitorContaining(10, 10) == half
	assert layout.monitorContaining(2000, 10) == whole


def test_layoutFromMssDropsMirroredAndEmptyMonitors():
	layout = ScreenLayout.fromMssMonitors(
		[
			{"left": -1920, "top": 0, "width": 4480, "height": 1440},
			{"left": 0, "top": 0, "width": 2560, "height": 1440, "is_primary": True},
			{"left": 0, "top": 0, "width": 2560, "height": 1440},  # a mirrored output
			{"left": -1920, "top": 0, "width": 1920, "height": 1080, "name": "DP-2"},
			{"left": 5000, "top": 0, "width": 0, "height": 0},
		]
	)
	assert layout.virtual == Rect(-1920, 0, 4480, 1440)
	assert layout.monitors == (Rect(0, 0, 2560, 1440), Rect(-1920, 0, 1920, 1080))
	assert capture.monitors(layout) == [Rect(0, 0, 2560, 1440), Rect(-1920, 0, 1920, 1080)]
	assert capture.virtualScreen(layout) == Rect(-1920, 0, 4480, 1440)


def test_layoutWithoutMonitorsFallsBackToTheVirtualScreen():
	layout = ScreenLayout.fromMssMonitors([{"left": 0, "top": 0, "width": 800, "height": 600}])
	assert layout.monitors == (Rect(0, 0, 800, 600),)
	with pytest.raises(CaptureFailed):
		ScreenLayout.fromMssMonitors([])


def test_contextMarginOnlyForTinyTargets():
	icon = Rect(100, 100, 16, 16)
	assert capture.addContextMargin(icon, minSide=48, margin=24) == Rect(76, 76, 64, 64)
	thinLine = Rect(100, 100, 400, 8)
	assert capture.addContextMargin(thinLine, minSide=48, margin=24) == Rect(76, 76, 448, 56)
	button = Rect(100, 100, 120, 48)
	assert capture.addContextMargin(button, minSide=48, margin=24) == button
	assert capture.addContextMargin(icon, minSide=0, margin=24) == icon
	assert capture.addContextMargin(icon, minSide=48, margin=0) == icon


def test_contextMarginPastTheScreenEdgeIsClippedLater():
	corner = capture.addContextMargin(Rect(-1920, 0, 16, 16), minSide=48, margin=24)
	assert corner == Rect(-1944, -24, 64, 64)
	assert capture.clipToScreen(corner, WINDOWS_LAYOUT) == Rect(-1920, -24, 40, 64)


def test_noDisplayIsACaptureFailureNotACrash(monkeypatch):
	monkeypatch.setenv("DISPLAY", ":9999")
	with pytest.raises(CaptureFailed) as info:
		capture.grab(Rect(0, 0, 10, 10))
	assert "Could not capture the screen" in info.value.sentence


# --- Real captures on the 3840x2160 Xvfb --------------------------------------------------------

GREEN = (12, 200, 90)
YELLOW = (250, 220, 20)
BLUE = (20, 40, 230)


@pytest.fixture(scope="module")
def windows(xDisplay):
	from wxApp import getWxApp

	getWxApp()
	frames = [
		screens.showColourFrame(200, 150, 600, 400, GREEN, "Hello", textColour=(0, 0, 0)),
		screens.showColourFrame(0, 0, 120, 120, YELLOW),
		screens.showColourFrame(3640, 2010, 200, 150, BLUE),
	]
	screens.waitUntilStable(lambda: capture.grab(Rect(0, 0, 900, 600)))
	yield xDisplay
	for frame in frames:
		frame.Destroy()
	screens.pump(0.05)


def colours(image: Image.Image) -> set:
	return {colour for _, colour in image.getcolors(maxcolors=1 << 24)}


def test_grabRectangleGivesTheWindowsPixels(windows):
	image = capture.grab(Rect(200, 150, 600, 400))
	assert (image.mode, image.size) == ("RGB", (600, 400))
	for point in ((0, 0), (599, 0), (0, 399), (599, 399), (300, 300)):
		assert image.getpixel(point) == GREEN
	# The word sits at +20, +20 in the window: dark pixels there, none far below it.
	word = image.crop((10, 10, 250, 90))
	assert word.convert("L").getextrema()[0] < 60
	assert colours(image.crop((0, 150, 600, 400))) == {GREEN}
	if ocr.available():
		assert "hello" in ocr.words(ocr.readText(word))


def test_grabFindsTheWindowEdgeToThePixel(windows):
	image = capture.grab(Rect(190, 140, 20, 20))
	assert image.size == (20, 20)
	assert colours(image.crop((10, 10, 20, 20))) == {GREEN}
	assert GREEN not in colours(image.crop((0, 0, 20, 10)))
	assert GREEN not in colours(image.crop((0, 0, 10, 20)))


def test_grabClipsAtTheScreensEdges(windows):
	topLeft = capture.grab(Rect(-50, -50, 150, 150))
	assert topLeft.size == (100, 100)
	assert colours(topLeft) == {YELLOW}
	bottomRight = capture.grab(Rect(3740, 2110, 300, 300))
	assert bottomRight.size == (100, 50)
	assert colours(bottomRight) == {BLUE}
	assert capture.clipToScreen(Rect(3740, 2110, 300, 300)) == Rect(3740, 2110, 100, 50)


def test_aLargeScreenIsGrabbedInBandsThatMakeTheSamePicture(windows, monkeypatch):
	"""Bands keep each GIL-holding copy short (NVDA's main thread waits for it) without changing a pixel."""
	from PIL import ImageChops

	monkeypatch.setattr(capture, "BAND_PIXELS", 10**9)
	whole = capture.grabScreen()
	monkeypatch.setattr(capture, "BAND_PIXELS", 2_000_000)
	bands = []
	realBand = capture._grabBand
	monkeypatch.setattr(capture, "_grabBand", lambda sct, rect: bands.append(rect) or realBand(sct, rect))
	banded = capture.grabScreen()
	assert banded.size == whole.size == (3840, 2160)
	assert ImageChops.difference(banded, whole).getbbox() is None
	assert len(bands) > 1
	assert all(band.area <= capture.BAND_PIXELS for band in bands)
	assert sum(band.height for band in bands) == 2160


def test_grabRefusesOffScreenAndEmptyRectangles(windows):
	with pytest.raises(CaptureRefused) as info:
		capture.grab(Rect(3840, 0, 100, 100))
	assert info.value.reason == CaptureRefused.OFF_SCREEN
	with pytest.raises(CaptureRefused) as info:
		capture.grab(Rect(-500, -500, 400, 400))
	assert info.value.reason == CaptureRefused.OFF_SCREEN
	with pytest.raises(CaptureRefused) as info:
		capture.grab(Rect(100, 100, 0, 40))
	assert info.value.reason == CaptureRefused.EMPTY


def test_wholeScreenAndSingleMonitor(windows):
	assert capture.virtualScreen() == Rect(0, 0, 3840, 2160)
	assert capture.monitors() == [Rect(0, 0, 3840, 2160)]
	assert capture.monitorContaining(500, 500) == Rect(0, 0, 3840, 2160)
	for image in (capture.grabScreen(), capture.grabMonitorAt(500, 500)):
		assert image.size == (3840, 2160)
		assert image.getpixel((5, 5)) == YELLOW
		assert image.getpixel((500, 400)) == GREEN
		assert image.getpixel((3839, 2159)) == BLUE


def test_grabsFromWorkerThreadsAtTheSameTime(windows):
	expected = {
		Rect(200, 150, 600, 400): GREEN,
		Rect(0, 0, 120, 120): YELLOW,
		Rect(3640, 2010, 200, 150): BLUE,
	}
	failures: list[str] = []

	def worker(rect: Rect, colour):
		try:
			for _ in range(5):
				image = capture.grab(rect)
				if (
					image.size != (rect.width, rect.height)
					or image.getpixel((rect.width - 1, rect.height - 1)) != colour
				):
					failures.append(f"{rect}: wrong pixels")
		except Exception as e:  # collected and asserted below
			failures.append(f"{rect}: {e!r}")

	threads = [threading.Thread(target=worker, args=item) for item in list(expected.items()) * 2]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join(timeout=30)
	assert not any(thread.is_alive() for thread in threads)
	assert failures == []


# --- A real two-monitor layout: Xvfb with two XRandR monitors -----------------------------------

RED = (220, 30, 30)
NAVY = (20, 30, 160)


@pytest.fixture(scope="module")
def twoMonitors():
	"""A 3000x1200 X screen declared as two monitors: 1920x1080 at 0,0 and 1080x1200 at 1920,0 (the
	strip below the first monitor belongs to neither). mss reads RandR 1.5 monitors, which is what
	`xrandr --setmonitor` declares. Each monitor is covered by a window of its own colour, painted by
	a separate process (one wx.App per process)."""
	if not shutil.which("xrandr"):
		pytest.fail("xrandr is missing: run `bash scripts/setup-env` (package x11-xserver-utils)")
	display = startXvfb(3000, 1200)
	env = {**os.environ, "DISPLAY": display.name, "NO_AT_BRIDGE": "1"}
	painter = None
	try:
		for args in (
			("LEFT", "1920/508x1080/286+0+0", "screen"),
			("RIGHT", "1080/286x1200/318+1920+0", "none"),
		):
			subprocess.run(["xrandr", "--setmonitor", *args], env=env, check=True, capture_output=True)
		painter = subprocess.Popen(
			[
				sys.executable,
				screens.__file__,
				"0,0,1920,1080,{},{},{},Left".format(*RED),
				"1920,0,1080,1200,{},{},{},Right".format(*NAVY),
			],
			env=env,
			stdin=subprocess.PIPE,
			stdout=subprocess.PIPE,
			stderr=subprocess.DEVNULL,
			text=True,
		)
		assert painter.stdout.readline().strip() == "ready"
		with pytest.MonkeyPatch.context() as patch:
			patch.setenv("DISPLAY", display.name)  # mss opens the display DISPLAY names
			screens.waitUntilStable(lambda: capture.grab(Rect(0, 0, 3000, 1200)).reduce(10), settle=0.2)
			yield display
	finally:
		if painter is not None:
			painter.stdin.close()
			try:
				painter.wait(timeout=10)
			except subprocess.TimeoutExpired:
				painter.kill()
				painter.wait()
		display.stop()


def test_twoMonitorsAreListed(twoMonitors):
	assert capture.virtualScreen() == Rect(0, 0, 3000, 1200)
	assert capture.monitors() == [Rect(0, 0, 1920, 1080), Rect(1920, 0, 1080, 1200)]


def test_grabTheMonitorThatShowsAPoint(twoMonitors):
	right = capture.grabMonitorAt(2500, 600)
	assert right.size == (1080, 1200)
	assert right.getpixel((1079, 1199)) == NAVY and right.getpixel((600, 600)) == NAVY
	left = capture.grabMonitorAt(10, 10)
	assert left.size == (1920, 1080)
	assert left.getpixel((1919, 1079)) == RED and left.getpixel((1000, 500)) == RED
	if ocr.available():
		assert "right" in ocr.words(ocr.readText(right.crop((0, 0, 300, 100))))
		assert "left" in ocr.words(ocr.readText(left.crop((0, 0, 300, 100))))


def test_pointInTheStripBelowTheFirstMonitorGetsTheNearestMonitor(twoMonitors):
	assert capture.monitorContaining(100, 1150) == Rect(0, 0, 1920, 1080)
	assert capture.grabMonitorAt(100, 1150).size == (1920, 1080)


def test_rectangleAcrossBothMonitors(twoMonitors):
	image = capture.grab(Rect(1800, 100, 300, 100))
	assert colours(image.crop((0, 0, 120, 100))) == {RED}
	assert colours(image.crop((120, 0, 300, 100))) == {NAVY}


def test_wholeVirtualScreenOfTwoMonitors(twoMonitors):
	image = capture.grabScreen()
	assert image.size == (3000, 1200)
	assert image.getpixel((1000, 500)) == RED
	assert image.getpixel((2999, 1199)) == NAVY
	assert image.getpixel((1000, 1150)) == (0, 0, 0)  # on no monitor: the bare root window
