"""A game to watch, for the watching tests (the `game` fixture is in conftest.py): a real wx window under Xvfb (the core tests'
`SceneWindow`), NVDA's foreground object and navigator on it (a fake NVDA object with its rectangle
and a window handle that lives as long as the wx window, see the winUser fake), and the plugin's
watch driven check by check.

The watch gets a fake clock (`GlobalPlugin.watchClock`), so no ticker runs: `Game.check()` moves the
clock one interval, runs the watch's tick and pumps NVDA's main thread until the check and any
request it made have finished and reported, so "one request" means exactly one.
"""

import threading

from pluginDriver import pressInNvda, pumpFor, pumpUntil
from servers.fakeOllama import NDJSON, ollamaLines, ollamaReply
from servers.httpServer import Gate, Reply
from watchHarness import FakeClock, SceneWindow, rect, text

HANDLE = 0x20020
FIRST = ["A dark green field at the edge of a forest. ", "Nothing needs attention."]
FIRST_TEXT = "A dark green field at the edge of a forest. Nothing needs attention."
MENU = (
	rect(380, 40, 240, 300, (240, 235, 220)),
	text(400, 60, "Continue", (0, 0, 0)),
	text(400, 120, "Quit", (0, 0, 0)),
)
ENEMY = rect(60, 120, 120, 120, (250, 0, 250))
STARTED = "Watching for changes."
STOPPED = "Stopped watching."


class Game:
	"""The game window, NVDA's objects on it, and the plugin's watch driven check by check."""

	def __init__(self, started):
		import api
		import controlTypes
		import winUser
		from locationHelper import RectLTWH
		from nvdaHarness import makeObject

		self.started = started
		self.plugin = started.plugin
		self.server = started.server
		self.clock = FakeClock()
		self.plugin.watchClock = self.clock
		self.scene = SceneWindow()
		box = self.scene.rect
		self.window = makeObject(
			"The Forest",
			controlTypes.Role.WINDOW,
			RectLTWH(box.left, box.top, box.width, box.height),
			appName="forest",
			windowHandle=HANDLE,
		)
		winUser.testing.track(HANDLE, self.scene.frame)
		api.setForegroundObject(self.window)
		api.setNavigatorObject(self.window)

	@property
	def watcher(self):
		return self.plugin.watching.watcher

	def press(self, *keys: str) -> None:
		"""Keys through the command layer, as NVDA runs them (each key cancels speech first)."""
		assert pressInNvda(self.plugin, "kb:NVDA+alt+v")
		for key in keys:
			assert pressInNvda(self.plugin, key)

	def settle(self) -> None:
		"""Until the worker is idle and everything it posted has run."""
		assert pumpUntil(
			lambda: (
				not self.plugin.describer.busy
				and (self.plugin.watching is None or not self.plugin.watching.watcher.busy)
			),
			15,
		), "the watch's job did not finish"
		pumpFor(0.03)

	def check(self, times: int = 1) -> None:
		for _ in range(times):
			watching = self.plugin.watching
			assert watching is not None, "not watching"
			self.clock.advance(watching.watcher.options.intervalSeconds)
			watching.watcher.tick()
			self.settle()

	def startWatching(self) -> None:
		"""G, and the first look answered (FIRST)."""
		self.server.queueChat(ollamaReply(FIRST))
		self.press("kb:g")
		self.settle()

	def learn(self) -> None:
		"""The checks of the first seconds, while the watch learns what moves on this screen."""
		watching = self.plugin.watching
		self.check(watching.watcher.options.checks(watching.watcher.options.historySeconds))

	def chats(self) -> list:
		return self.server.chatRequests()

	def close(self) -> None:
		self.scene.close()


def gatedWatchReport(game: Game) -> threading.Event:
	"""A change whose report is streaming, its first sentence spoken, the rest held back until the
	event is set."""
	gate = threading.Event()
	# Cut after the next sentence's first letter: the splitter then knows the first one ended.
	lines = ollamaLines(["A menu opened. I", "t offers Continue and Quit."])
	game.server.queueChat(Reply(200, [*lines[:1], Gate(gate), *lines[1:]], NDJSON))
	game.scene.show(*MENU)
	game.check()
	game.clock.advance(1)
	game.watcher.tick()
	assert pumpUntil(lambda: "A menu opened." in game.started.spoken)
	return gate


def spokenText(started) -> str:
	return " ".join(started.spoken)


def turnOnScreenCurtain(era: str) -> None:
	import config
	import queueHandler

	if era == "2026.1":
		config.testing.emulate("2026.1")
		import screenCurtain

		screenCurtain.initialize()
		screenCurtain.screenCurtain.enable()
	else:
		import vision

		vision.initialize()
		queueHandler.testing.pump()
		vision.handler.initializeProvider(vision.handler.getProviderInfo("screenCurtain"))
