"""A scripted game screen, drawn with Pillow frame by frame, for the change-detection tests and the
watching benchmark.

The screen has what a watch must ignore, always running: a caret blinking in a chat box (0.53 s on,
0.53 s off, as Windows blinks it), a clock with seconds, and a 32x32 coin that loops through eight
frames at 10 frames a second. And it has what a watch must report, at scripted moments: the health
bar losing 10 % of its width, one new line of dialogue (typed out over 1.5 s), a menu opening (it
slides in for 0.3 s) and closing, and a cut to another scene. `frameAt(t)` draws the screen at t
seconds; `events` lists the real changes. Everything scales with the frame's size, as a game's
interface does on a larger monitor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

HEALTH = "health bar -10 %"
DIALOGUE = "new dialogue line"
MENU_OPEN = "menu opens"
MENU_CLOSE = "menu closes"
SCENE_CUT = "scene cut"

CARET_HALF_PERIOD = 0.53
SPRITE_FPS = 10
SPRITE_FRAMES = 8
TYPING_SECONDS = 1.5
MENU_SLIDE_SECONDS = 0.3
CLOCK_START = 12 * 3600 + 59 * 60 + 40  # 12:59:40, so minutes and hours roll over during a run

LINES = (
	"Guard: Halt! Who goes there?",
	"You: A traveller from the northern villages.",
	"Guard: The gate closes at sundown. Be quick.",
	"Merchant: Fresh bread, two silver coins a loaf!",
	"Elder: The bridge to the east has washed away.",
	"You: Is there another way across the river?",
)
SCENES = (
	((34, 92, 40), (70, 140, 60), (120, 90, 50)),  # forest: dark green, green, brown
	((40, 40, 60), (80, 80, 110), (150, 150, 170)),  # cave: slate, grey blue, stone
	((150, 110, 70), (200, 170, 120), (90, 60, 40)),  # town: sand, plaster, timber
	((20, 40, 90), (40, 90, 160), (230, 230, 240)),  # lake: night blue, water, moonlight
)


@dataclass(frozen=True)
class Event:
	at: float
	kind: str


def defaultEvents(duration: float = 300.0) -> tuple[Event, ...]:
	"""Each real change several times over five minutes, at least 9 s apart (a menu closes 8 s after
	it opens), starting after the watch has had 20 s to learn the screen."""
	pattern = (
		HEALTH,
		DIALOGUE,
		MENU_OPEN,
		SCENE_CUT,
		DIALOGUE,
		HEALTH,
		MENU_OPEN,
		SCENE_CUT,
		HEALTH,
		DIALOGUE,
	)
	events: list[Event] = []
	at = 20.3
	index = 0
	while at < duration - 15:
		kind = pattern[index % len(pattern)]
		events.append(Event(round(at, 2), kind))
		if kind == MENU_OPEN:
			events.append(Event(round(at + 8.0, 2), MENU_CLOSE))
			at += 9.0
		at += 12.7 + (index % 3) * 1.9
		index += 1
	return tuple(sorted(events, key=lambda event: event.at))


class ScriptedScene:
	def __init__(self, width: int = 1920, height: int = 1080, events: tuple[Event, ...] | None = None):
		self.width = width
		self.height = height
		self.scale = width / 1920
		self.events = defaultEvents() if events is None else events
		self._backgrounds: dict[int, Image.Image] = {}
		self._fonts: dict[int, ImageFont.FreeTypeFont] = {}

	# --- State at a moment --------------------------------------------------------------------------

	def _count(self, kind: str, t: float) -> int:
		return sum(1 for event in self.events if event.kind == kind and event.at <= t)

	def _last(self, kind: str, t: float) -> Event | None:
		found = [event for event in self.events if event.kind == kind and event.at <= t]
		return found[-1] if found else None

	def health(self, t: float) -> float:
		return max(0.1, 1.0 - 0.1 * self._count(HEALTH, t))

	def menuShown(self, t: float) -> float:
		"""0 closed, 1 fully open (it slides in)."""
		opened = self._last(MENU_OPEN, t)
		closed = self._last(MENU_CLOSE, t)
		if opened is None or (closed is not None and closed.at >= opened.at):
			return 0.0
		return min(1.0, (t - opened.at) / MENU_SLIDE_SECONDS)

	def dialogue(self, t: float) -> list[str]:
		"""The lines shown (at most three; the box starts again when full), the newest maybe typing."""
		count = self._count(DIALOGUE, t)
		if count == 0:
			return []
		shown = [LINES[index % len(LINES)] for index in range(count)][-((count - 1) % 3 + 1) :]
		typing = t - self._last(DIALOGUE, t).at
		last = shown[-1]
		shown[-1] = last[: max(1, int(len(last) * min(1.0, typing / TYPING_SECONDS)))]
		return shown

	# --- Drawing ------------------------------------------------------------------------------------

	def _px(self, value: float) -> int:
		return round(value * self.scale)

	def _font(self, size: int) -> ImageFont.FreeTypeFont:
		size = self._px(size)
		if size not in self._fonts:
			self._fonts[size] = ImageFont.load_default(size)
		return self._fonts[size]

	def _background(self, scene: int) -> Image.Image:
		if scene not in self._backgrounds:
			dark, mid, light = SCENES[scene % len(SCENES)]
			image = Image.new("RGB", (self.width, self.height), dark)
			draw = ImageDraw.Draw(image)
			horizon = self.height * (0.45 + 0.05 * (scene % 3))
			draw.rectangle((0, horizon, self.width, self.height), fill=mid)
			for index in range(9):
				x = (index * 211 + scene * 97) % 1800 + 60
				y = horizon - 120 + (index * 53 + scene * 31) % 200
				r = 40 + (index * 17) % 60
				draw.ellipse([self._px(v) for v in (x - r, y - r * 2, x + r, y)], fill=light)
				draw.rectangle([self._px(v) for v in (x - 8, y, x + 8, y + 60)], fill=dark)
			image = image if self.scale == 1 else image
			self._backgrounds[scene] = image
		return self._backgrounds[scene]

	def frameAt(self, t: float) -> Image.Image:
		image = self._background(self._count(SCENE_CUT, t)).copy()
		draw = ImageDraw.Draw(image)
		self._drawHealth(draw, t)
		self._drawClock(draw, t)
		self._drawSprite(draw, t)
		self._drawChat(draw, t)
		self._drawDialogue(draw, t)
		self._drawMenu(draw, t)
		return image

	def _drawHealth(self, draw: ImageDraw.ImageDraw, t: float) -> None:
		left, top, width, height = 60, 40, 400, 24
		box = [self._px(v) for v in (left - 3, top - 3, left + width + 3, top + height + 3)]
		draw.rectangle(box, fill=(20, 20, 20))
		filled = [self._px(v) for v in (left, top, left + width * self.health(t), top + height)]
		draw.rectangle(filled, fill=(200, 30, 30))
		draw.text((self._px(left), self._px(top + 30)), "HP", font=self._font(20), fill=(255, 255, 255))

	def _drawClock(self, draw: ImageDraw.ImageDraw, t: float) -> None:
		seconds = CLOCK_START + int(t)
		text = f"{seconds // 3600 % 24:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
		draw.rectangle([self._px(v) for v in (1700, 30, 1870, 70)], fill=(0, 0, 0))
		draw.text((self._px(1712), self._px(36)), text, font=self._font(26), fill=(255, 255, 200))

	def _drawSprite(self, draw: ImageDraw.ImageDraw, t: float) -> None:
		frame = int(t * SPRITE_FPS) % SPRITE_FRAMES
		cx, cy, size = 960, 50, 32
		half = size / 2 * abs(math.cos(frame * math.pi / SPRITE_FRAMES))  # a coin turning
		draw.rectangle([self._px(v) for v in (cx - 16, cy - 16, cx + 16, cy + 16)], fill=(0, 0, 0))
		draw.ellipse(
			[self._px(v) for v in (cx - max(2, half), cy - 16, cx + max(2, half), cy + 16)],
			fill=(240, 200, 40),
		)

	def _drawChat(self, draw: ImageDraw.ImageDraw, t: float) -> None:
		left, top = 40, 1000
		draw.rectangle([self._px(v) for v in (left, top, left + 500, top + 44)], fill=(250, 250, 250))
		draw.text((self._px(left + 10), self._px(top + 10)), "Say:", font=self._font(22), fill=(0, 0, 0))
		if int(t / CARET_HALF_PERIOD) % 2 == 0:
			x = left + 70
			draw.rectangle([self._px(v) for v in (x, top + 10, x + 2, top + 34)], fill=(0, 0, 0))

	def _drawDialogue(self, draw: ImageDraw.ImageDraw, t: float) -> None:
		lines = self.dialogue(t)
		if not lines:
			return
		draw.rectangle([self._px(v) for v in (600, 820, 1860, 990)], fill=(10, 10, 30))
		for index, line in enumerate(lines):
			position = (self._px(630), self._px(835 + index * 48))
			draw.text(position, line, font=self._font(30), fill=(240, 240, 240))

	def _drawMenu(self, draw: ImageDraw.ImageDraw, t: float) -> None:
		shown = self.menuShown(t)
		if shown <= 0:
			return
		right = 1900
		left = right - 380 * shown
		draw.rectangle([self._px(v) for v in (left, 120, right, 620)], fill=(240, 235, 220))
		for index, item in enumerate(("Continue", "Inventory", "Map", "Settings", "Quit")):
			position = (self._px(left + 30), self._px(150 + index * 90))
			draw.text(position, item, font=self._font(36), fill=(30, 30, 30))
