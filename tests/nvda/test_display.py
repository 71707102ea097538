"""Real pixels: a real wx window on Xvfb, captured with the real mss, has the colours it was given.

This is the ground the capture tests stand on: what wx draws at a known place is what mss reads
back from that place.
"""

import mss
import pytest
import wx
import wxHelpers

pytestmark = pytest.mark.display

RED = (200, 30, 60)
TEAL = (20, 160, 150)


def grab(rect: wx.Rect):
	with mss.MSS() as screen:
		return screen.grab({"left": rect.x, "top": rect.y, "width": rect.width, "height": rect.height})


def colourCounts(shot) -> dict[tuple[int, int, int], int]:
	counts: dict[tuple[int, int, int], int] = {}
	for row in shot.pixels:
		for pixel in row:
			counts[pixel] = counts.get(pixel, 0) + 1
	return counts


@pytest.fixture
def frame(wxApp):
	frame = wx.Frame(
		None, title="Vision Describer test", pos=(400, 300), style=wx.BORDER_NONE | wx.STAY_ON_TOP
	)
	yield frame
	if frame:
		frame.Destroy()
	wxHelpers.processEvents()


def showPanels(frame, colours, size=(120, 160)):
	sizer = wx.BoxSizer(wx.HORIZONTAL)
	panels = []
	for colour in colours:
		panel = wx.Panel(frame, size=size)
		panel.SetBackgroundColour(wx.Colour(*colour))
		sizer.Add(panel)
		panels.append(panel)
	frame.SetSizerAndFit(sizer)
	frame.Show()
	return panels


def test_aColouredPanelIsCapturedInItsColour(frame):
	[panel] = showPanels(frame, [RED], size=(240, 160))
	rect = panel.GetScreenRect()
	# Shown and painted: wait (bounded) until the server has the panel's pixels.
	assert wxHelpers.waitFor(lambda: frame.IsShownOnScreen() and grab(rect).pixel(0, 0) == RED, timeout=5)
	assert (rect.x, rect.y, rect.width, rect.height) == (400, 300, 240, 160)
	shot = grab(rect)
	assert (shot.left, shot.top, shot.width, shot.height) == (400, 300, 240, 160)
	assert colourCounts(shot) == {RED: 240 * 160}


def test_eachPanelIsCapturedWhereItIs(frame):
	"""Two panels side by side: a capture across both splits exactly at their common edge."""
	left, right = showPanels(frame, [RED, TEAL])
	assert wxHelpers.waitFor(lambda: grab(right.GetScreenRect()).pixel(0, 0) == TEAL, timeout=5)
	leftRect, rightRect = left.GetScreenRect(), right.GetScreenRect()
	assert rightRect.x == leftRect.x + leftRect.width
	across = wx.Rect(rightRect.x - 10, rightRect.y + 50, 20, 10)
	shot = grab(across)
	assert [shot.pixel(x, 0) for x in range(20)] == [RED] * 10 + [TEAL] * 10
	assert colourCounts(grab(rightRect)) == {TEAL: 120 * 160}


def test_aHiddenWindowIsNotWhatIsCaptured(frame):
	[panel] = showPanels(frame, [RED], size=(100, 100))
	rect = panel.GetScreenRect()
	assert wxHelpers.waitFor(lambda: grab(rect).pixel(50, 50) == RED, timeout=5)
	frame.Hide()
	assert wxHelpers.waitFor(lambda: RED not in colourCounts(grab(rect)), timeout=5)
