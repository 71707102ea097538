"""Real screens to capture: wx windows with known colours and text, a text-heavy application window,
and a photo-like picture. Used by the capture and preparation tests and by the benchmark.

Every wx function here runs on the main thread with the process's one wx.App (tests/wxApp.py) on
the X display that DISPLAY named when the app was created.
"""

from __future__ import annotations

import random
import time

import wx
from PIL import Image, ImageChops, ImageDraw, ImageFilter

# Plain English words, so that OCR figures measure legibility rather than a dictionary's guesses.
_WORD_TEXT = (
	"account address after again answer april archive budget calendar change chapter client "
	"colour contract copy customer daily data delivery design document draft edit email energy "
	"estimate export february field figure final folder garden general green harbour holiday "
	"house import invoice island january journal kitchen label letter library listen march "
	"market meeting memory minute monday morning mountain notes number office orange order "
	"output paper parcel people picture planet pocket print project public quarter question "
	"record report river saturday schedule school second select service settings shared "
	"should silver simple spring station storage summary summer supply system table teacher "
	"template thursday ticket today total travel tuesday update upload valley version village "
	"volume water weekly window winter within yellow yesterday"
)
WORDS = tuple(_WORD_TEXT.split())

EXTENSIONS = ("docx", "xlsx", "pdf", "png", "txt", "csv", "pptx", "zip")


def sentence(rng: random.Random, count: int) -> str:
	words = [rng.choice(WORDS) for _ in range(count)]
	words[0] = words[0].capitalize()
	return " ".join(words) + "."


def pump(seconds: float = 0.05) -> None:
	"""Lets wx and GTK process pending events and paint for a moment."""
	app = wx.App.Get()
	deadline = time.monotonic() + seconds
	while True:
		app.Yield(onlyIfNeeded=True)
		if time.monotonic() >= deadline:
			break
		time.sleep(0.01)


def waitUntilStable(capture, timeout: float = 5.0, settle: float = 0.1) -> Image.Image:
	"""Captures until two captures in a row are identical (the window has finished painting)."""
	deadline = time.monotonic() + timeout
	previous = None
	while True:
		pump(settle)
		image = capture()
		if previous is not None and ImageChops.difference(previous, image).getbbox() is None:
			return image
		if time.monotonic() > deadline:
			return image
		previous = image


def _frameAt(left: int, top: int, width: int, height: int, colour: tuple[int, int, int]) -> wx.Frame:
	frame = wx.Frame(None, pos=(left, top), size=(width, height), style=wx.BORDER_NONE | wx.STAY_ON_TOP)
	frame.SetBackgroundColour(wx.Colour(*colour))
	return frame


def showColourFrame(
	left: int,
	top: int,
	width: int,
	height: int,
	colour: tuple[int, int, int],
	text: str = "",
	textColour: tuple[int, int, int] = (0, 0, 0),
	pointSize: int = 28,
) -> wx.Frame:
	"""A borderless window of one colour at a known position, optionally with a word near its top left
	corner (at +20, +20 from the window's origin)."""
	frame = _frameAt(left, top, width, height, colour)
	panel = wx.Panel(frame)
	panel.SetBackgroundColour(wx.Colour(*colour))
	if text:
		font = wx.Font(wx.FontInfo(pointSize).Family(wx.FONTFAMILY_SWISS))

		def onPaint(event):
			dc = wx.PaintDC(panel)
			dc.SetFont(font)
			dc.SetTextForeground(wx.Colour(*textColour))
			dc.DrawText(text, 20, 20)

		panel.Bind(wx.EVT_PAINT, onPaint)
	frame.SetPosition((left, top))
	frame.SetSize((width, height))
	frame.Layout()
	panel.SetSize(frame.GetClientSize())
	frame.Show()
	pump(0.05)
	return frame


def _bitmap(image: Image.Image) -> wx.Bitmap:
	image = image.convert("RGB")
	return wx.Bitmap.FromBuffer(image.width, image.height, image.tobytes())


def showApplicationWindow(
	left: int,
	top: int,
	width: int,
	height: int,
	scale: float = 1.0,
	seed: int = 1,
	preview: Image.Image | None = None,
):
	"""A text-heavy window like a file manager with a details pane and a form, at a font size that
	matches `scale` (1.0 = 100 % Windows scaling; 4K monitors normally run at 150-200 %). With
	`preview`, the details pane starts with that picture, as a file manager's preview pane does.

	Returns (frame, words): words is every word drawn, for OCR checks.
	"""
	rng = random.Random(seed)
	drawn: list[str] = []
	frame = _frameAt(left, top, width, height, (240, 240, 240))
	baseSize = wx.SystemSettings.GetFont(wx.SYS_DEFAULT_GUI_FONT).GetPointSize() or 10
	frame.SetFont(wx.Font(wx.FontInfo(round(baseSize * scale)).Family(wx.FONTFAMILY_SWISS)))
	panel = wx.Panel(frame)
	panel.SetBackgroundColour(wx.Colour(240, 240, 240))
	outer = wx.BoxSizer(wx.VERTICAL)

	menu = wx.BoxSizer(wx.HORIZONTAL)
	for name in ("File", "Edit", "View", "Tools", "Window", "Help"):
		menu.Add(wx.StaticText(panel, label=name), 0, wx.ALL, round(6 * scale))
		drawn.append(name)
	outer.Add(menu, 0)

	body = wx.BoxSizer(wx.HORIZONTAL)
	files = wx.ListCtrl(panel, style=wx.LC_REPORT)
	for index, (title, columnWidth) in enumerate(
		(("Name", 380), ("Size", 110), ("Type", 150), ("Modified", 220), ("Owner", 180))
	):
		files.InsertColumn(index, title, width=round(columnWidth * scale))
		drawn.append(title)
	rowCount = max(10, round(height / (22 * scale)))
	for row in range(rowCount):
		name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(WORDS)}.{rng.choice(EXTENSIONS)}"
		values = (
			name.capitalize(),
			f"{rng.randint(2, 990)} KB",
			rng.choice(("Document", "Spreadsheet", "Picture", "Archive", "Presentation")),
			f"{rng.randint(1, 28)} {rng.choice(('March', 'April', 'June', 'October'))} 2026",
			rng.choice(("Robin", "Alex", "Sam", "Jordan", "Morgan")),
		)
		files.InsertItem(row, values[0])
		for column, value in enumerate(values[1:], 1):
			files.SetItem(row, column, value)
		for value in values:
			drawn.extend(value.replace(".", " ").split())
	body.Add(files, 3, wx.EXPAND | wx.ALL, round(4 * scale))

	side = wx.BoxSizer(wx.VERTICAL)
	if preview is not None:
		side.Add(wx.StaticBitmap(panel, bitmap=_bitmap(preview)), 0, wx.ALL, round(4 * scale))
	paragraphs = "\n\n".join(sentence(rng, rng.randint(10, 18)) for _ in range(14))
	details = wx.TextCtrl(panel, value=paragraphs, style=wx.TE_MULTILINE | wx.TE_READONLY | wx.TE_WORDWRAP)
	drawn.extend(paragraphs.replace(".", " ").split())
	side.Add(details, 2, wx.EXPAND | wx.ALL, round(4 * scale))
	form = wx.FlexGridSizer(cols=2, vgap=round(4 * scale), hgap=round(8 * scale))
	form.AddGrowableCol(1)
	for label in ("First name", "Last name", "Email address", "Street address", "Postcode"):
		form.Add(wx.StaticText(panel, label=label), 0, wx.ALIGN_CENTER_VERTICAL)
		value = f"{rng.choice(WORDS)} {rng.choice(WORDS)}".title()
		form.Add(wx.TextCtrl(panel, value=value), 1, wx.EXPAND)
		drawn.extend(label.split() + value.split())
	side.Add(form, 0, wx.EXPAND | wx.ALL, round(8 * scale))
	buttons = wx.BoxSizer(wx.HORIZONTAL)
	for label in ("Save", "Cancel", "Apply"):
		buttons.Add(wx.Button(panel, label=label), 0, wx.ALL, round(4 * scale))
		drawn.append(label)
	side.Add(buttons, 0, wx.ALIGN_RIGHT)
	body.Add(side, 2, wx.EXPAND)
	outer.Add(body, 1, wx.EXPAND)

	status = f"{rowCount} items, {rng.randint(2, 9)} selected, {rng.randint(10, 99)} GB free"
	outer.Add(wx.StaticText(panel, label=status), 0, wx.ALL, round(6 * scale))
	drawn.extend(status.replace(",", " ").split())
	panel.SetSizer(outer)
	frame.SetPosition((left, top))
	frame.SetSize((width, height))
	frame.Layout()
	frame.Show()
	pump(0.1)
	return frame, drawn


def showDesktop(width: int, height: int, scale: float = 1.0, seed: int = 1):
	"""A whole desktop: a photograph as wallpaper, the text-heavy application window (with a picture in
	its preview pane) not quite maximised, and a taskbar with coloured icons and labels.

	Returns (frames, words, windowRect) with windowRect as (left, top, width, height).
	"""
	wallpaper = _frameAt(0, 0, width, height, (0, 0, 0))
	wx.StaticBitmap(wallpaper, bitmap=_bitmap(photoLikeImage(width, height, seed=seed + 10)))
	wallpaper.SetPosition((0, 0))
	wallpaper.SetSize((width, height))
	wallpaper.Show()
	taskbarHeight = round(48 * scale)
	window = (round(width * 0.03), round(height * 0.03), round(width * 0.82), round(height * 0.86))
	previewWidth = round(window[2] * 0.3)
	app, words = showApplicationWindow(
		*window,
		scale=scale,
		seed=seed,
		preview=photoLikeImage(previewWidth, previewWidth * 9 // 16, seed + 20),
	)
	taskbar = _frameAt(0, height - taskbarHeight, width, taskbarHeight, (32, 32, 40))
	bar = wx.Panel(taskbar)
	bar.SetBackgroundColour(wx.Colour(32, 32, 40))
	bar.SetFont(wx.Font(wx.FontInfo(round(10 * scale)).Family(wx.FONTFAMILY_SWISS)))
	row = wx.BoxSizer(wx.HORIZONTAL)
	rng = random.Random(seed)
	for name in ("Start", "Files", "Mail", "Browser", "Music", "Notes"):
		icon = wx.Panel(bar, size=(round(28 * scale), round(28 * scale)))
		icon.SetBackgroundColour(
			wx.Colour(rng.randrange(60, 255), rng.randrange(60, 255), rng.randrange(60, 255))
		)
		row.Add(icon, 0, wx.ALIGN_CENTER_VERTICAL | wx.LEFT, round(12 * scale))
		label = wx.StaticText(bar, label=name)
		label.SetForegroundColour(wx.Colour(240, 240, 240))
		row.Add(label, 0, wx.ALIGN_CENTER_VERTICAL | wx.LEFT, round(6 * scale))
	row.AddStretchSpacer()
	clock = wx.StaticText(bar, label="10:42 Tuesday")
	clock.SetForegroundColour(wx.Colour(240, 240, 240))
	row.Add(clock, 0, wx.ALIGN_CENTER_VERTICAL | wx.RIGHT, round(16 * scale))
	bar.SetSizer(row)
	taskbar.SetPosition((0, height - taskbarHeight))
	taskbar.SetSize((width, taskbarHeight))
	taskbar.Layout()
	taskbar.Show()
	pump(0.1)
	return [wallpaper, app, taskbar], words, window


def windowRegions(left: int, top: int, width: int, height: int, sideTop: float = 0.0) -> list[tuple]:
	"""Boxes around the top of the file list and the paragraph pane of showApplicationWindow's window
	(sideTop: where the paragraphs start, as a share of the height; lower when a preview sits above)."""
	return [
		(left, top, left + round(width * 0.45), top + round(height * 0.25)),
		(
			left + round(width * 0.58),
			top + round(height * sideTop),
			left + width,
			top + round(height * (sideTop + 0.25)),
		),
	]


def photoLikeImage(width: int, height: int, seed: int = 7) -> Image.Image:
	"""A synthetic photograph: smooth sky and ground gradients, soft shapes and sensor noise."""
	rng = random.Random(seed)
	sky = Image.linear_gradient("L").resize((width, height))  # 0 at the top, 255 at the bottom
	image = Image.merge(
		"RGB",
		(
			sky.point(lambda v: 70 + v * 3 // 5),
			sky.point(lambda v: 120 + v * 2 // 5),
			sky.point(lambda v: 220 + v // 10),
		),
	)
	draw = ImageDraw.Draw(image)
	horizon = int(height * 0.6)
	draw.rectangle((0, horizon, width, height), fill=(70, 110, 50))
	for _ in range(60):
		x, y = rng.randrange(width), rng.randrange(horizon - height // 10, height)
		r = rng.randrange(width // 60, width // 12)
		colour = (rng.randrange(30, 120), rng.randrange(70, 160), rng.randrange(20, 80))
		draw.ellipse((x - r, y - r // 2, x + r, y + r // 2), fill=colour)
	for _ in range(12):
		x, y = rng.randrange(width), rng.randrange(0, horizon)
		r = rng.randrange(width // 30, width // 8)
		draw.ellipse((x - r, y - r // 3, x + r, y + r // 3), fill=(235, 238, 245))
	image = image.filter(ImageFilter.GaussianBlur(radius=max(2, width // 400)))
	noise = Image.effect_noise((width, height), 18).convert("RGB")
	return ImageChops.add(image, noise, scale=1.0, offset=-128).filter(ImageFilter.SMOOTH)


def main(argv: list[str]) -> None:
	"""Run as a separate process to paint windows on another X display (one wx.App per process):
	`python screens.py left,top,width,height,r,g,b[,text] ...`. Prints "ready" once the windows are
	shown and keeps them until its standard input closes."""
	import sys

	app = wx.App(redirect=False)
	frames = []
	for spec in argv:
		parts = spec.split(",")
		left, top, width, height, red, green, blue = (int(part) for part in parts[:7])
		text = parts[7] if len(parts) > 7 else ""
		frames.append(showColourFrame(left, top, width, height, (red, green, blue), text))
	pump(0.3)
	print("ready", flush=True)
	# Keep painting until the parent closes our standard input.
	import threading

	closed = threading.Event()
	threading.Thread(target=lambda: (sys.stdin.read(), closed.set()), daemon=True).start()
	while not closed.is_set():
		pump(0.05)
	for frame in frames:
		frame.Destroy()
	app.Yield()


if __name__ == "__main__":
	import sys

	main(sys.argv[1:])
