"""Watching a game screen: what a check costs, what watching costs NVDA's main thread, how soon a
change is sent, and how many requests a scripted scene needs against sending every frame.

Run from the repository: `.venv/bin/python benchmarks/watching.py [--seconds 75] [--minutes 5]`.

It starts its own 3840x2160 Xvfb. A separate wx process plays the game: it paints the scripted scene
of tests/watchScenes.py (a blinking caret, a seconds clock and a 32x32 looping coin all the time; a
health bar losing 10 %, a new line of dialogue, a menu opening and closing, a scene cut at scripted
moments) at 10 frames a second over the whole screen, and reports when each real change has been
painted. The fake Ollama runs in a process of its own (see nvdaLatency.py) and records when each
request arrives; both use `time.perf_counter()`, which on Linux is the system-wide monotonic clock.
It prints:

1. One check, capture plus comparison (thumbnail, blank test, ChangeTracker.observe), for a
   1920x1080 region and the whole 3840x2160 screen: medians and 95th percentiles over 30 checks.
2. NVDA's main thread while watching the whole 4K screen at 1 Hz for --seconds: a real wx loop with
   a 5 ms heartbeat timer, the real Watcher on a real Describer (its worker, client, preparation and
   narration; the ticker thread; reports posted with wx.CallAfter); the heartbeat's lateness, largest
   and 99th percentile, beside the same heartbeat with nothing watched. Target: 20 ms or less.
3. In the same run, from each real change painted to its request arriving at the server.
4. The scene replayed from generated frames for --minutes at a 1 s interval on a simulated clock
   (the real Watcher, a runner on this thread, an instant fake model): requests sent against a
   baseline that sends every frame, which real changes were caught (and how many checks later),
   and any request that no real change explains. Aim: at least 10 times fewer requests, every real
   change caught.
"""

import argparse
import os
import queue
import statistics
import sys
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path[:0] = [
	str(REPOSITORY / "addon" / "packages"),
	str(REPOSITORY / "tests"),
	str(REPOSITORY / "tests" / "core"),
	str(REPOSITORY / "benchmarks"),
]

import multiprocessing  # noqa: E402

from nvdaLatency import MainThreadWatch, ServerProcess  # noqa: E402
from xserver import startXvfb  # noqa: E402

FPS = 10
CHECKS = 30


def ms(seconds: float) -> str:
	return f"{seconds * 1000:.1f} ms"


def percentile(values: list[float], share: float) -> float:
	ordered = sorted(values)
	return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# --- The game, in a process of its own -------------------------------------------------------------


def liveEvents(seconds: float):
	"""Real changes every 6-7 s after 15 s of learning, each kind more than once."""
	from watchScenes import DIALOGUE, HEALTH, MENU_CLOSE, MENU_OPEN, SCENE_CUT, Event

	kinds = (HEALTH, DIALOGUE, MENU_OPEN, MENU_CLOSE, SCENE_CUT, DIALOGUE, HEALTH, MENU_OPEN, MENU_CLOSE)
	events, at = [], 15.3
	for index in range(100):
		if at > seconds - 6:
			break
		events.append(Event(round(at, 2), kinds[index % len(kinds)]))
		at += 6.1 + (index % 3) * 0.7
	return tuple(events)


def playScene(connection, display: str, width: int, height: int, seconds: float) -> None:
	"""Paints the scripted scene full screen at FPS; sends ("painted", kind, time) for each change."""
	os.environ["DISPLAY"] = display
	from dataclasses import replace

	import wx
	from watchScenes import ScriptedScene

	app = wx.App(redirect=False)
	events = liveEvents(seconds)
	scene = ScriptedScene(width, height, ())  # until "go": the caret, the clock and the coin only
	frame = wx.Frame(None, pos=(0, 0), size=(width, height), style=wx.BORDER_NONE | wx.STAY_ON_TOP)
	panel = wx.Panel(frame, size=(width, height))
	shown = {"bitmap": None}

	def paint(event):
		dc = wx.PaintDC(panel)
		if shown["bitmap"] is not None:
			dc.DrawBitmap(shown["bitmap"], 0, 0)

	panel.Bind(wx.EVT_PAINT, paint)
	frame.Show()
	started = time.perf_counter()
	reported = 0
	connection.send(("started", started))
	going, t = False, 0.0
	while True:
		if connection.poll():
			if connection.recv() == "stop":
				break
			# "go": the scripted changes start now, on the scene as it was.
			scene = ScriptedScene(width, height, tuple(replace(event, at=event.at + t) for event in events))
			events, going = scene.events, True
		t = time.perf_counter() - started
		image = scene.frameAt(t)
		shown["bitmap"] = wx.Bitmap.FromBuffer(width, height, image.tobytes())
		panel.Refresh()
		panel.Update()
		app.Yield(onlyIfNeeded=True)
		if going:
			connection.send(("went", time.perf_counter()))
			going = False
		while scene.events and reported < len(events) and events[reported].at <= t:
			connection.send(("painted", events[reported].kind, time.perf_counter()))
			reported += 1
		time.sleep(max(0.0, 1 / FPS - (time.perf_counter() - started - t)))
	frame.Destroy()
	app.Yield()


class GameProcess:
	def __init__(self, display: str, width: int, height: int, seconds: float):
		context = multiprocessing.get_context("spawn")
		self.connection, child = context.Pipe()
		self.process = context.Process(
			target=playScene, args=(child, display, width, height, seconds), daemon=True
		)
		self.process.start()
		kind, self.startedAt = self.connection.recv()
		self.painted: list[tuple[str, float]] = []

	def go(self) -> None:
		"""The scripted changes start now (the scene has been animating since the process started);
		returns once the game has painted a frame with the script running."""
		self.connection.send("go")
		message = self.connection.recv()
		assert message[0] == "went", message

	def collect(self) -> None:
		while self.connection.poll():
			_kind, change, at = self.connection.recv()
			self.painted.append((change, at))

	def stop(self) -> None:
		self.collect()
		self.connection.send("stop")
		self.process.join(10)


# --- 1. One check ----------------------------------------------------------------------------------


def checkCost() -> list[tuple[str, dict]]:
	from visionDescriberCore.imaging import capture
	from visionDescriberCore.imaging.capture import Rect
	from visionDescriberCore.watch.changeDetection import ChangeTracker, frameOf

	rows = []
	for name, rect in (("1920x1080", Rect(0, 0, 1920, 1080)), ("3840x2160", Rect(0, 0, 3840, 2160))):
		tracker = ChangeTracker()
		tracker.setBaseline(frameOf(capture.grab(rect)), learn=True)
		parts = {"capture": [], "thumbnail": [], "compare": [], "check": []}
		for _ in range(CHECKS):
			began = time.perf_counter()
			image = capture.grab(rect)
			grabbed = time.perf_counter()
			frame = frameOf(image)
			thumbed = time.perf_counter()
			tracker.observe(frame)
			ended = time.perf_counter()
			parts["capture"].append(grabbed - began)
			parts["thumbnail"].append(thumbed - grabbed)
			parts["compare"].append(ended - thumbed)
			parts["check"].append(ended - began)
			time.sleep(0.05)
		rows.append((name, parts))
	return rows


# --- 2 and 3. Live, on a real wx main loop ----------------------------------------------------------


class Heartbeat(MainThreadWatch):
	"""nvdaLatency's heartbeat, keeping every beat (when it was due, when it came) so each late beat
	can be matched with what the watch's worker was doing at the time."""

	def __init__(self, wx):
		super().__init__(wx)
		self.beats: list[tuple[float, float]] = []

	def start(self) -> None:
		self.beats.clear()
		super().start()

	def _beat(self, event) -> None:
		due = self._last + self.BEAT_MS / 1000
		super()._beat(event)
		self.beats.append((due, self._last))

	def split(self) -> tuple[list[float], list[float], dict[str, float]]:
		"""Lateness of the beats that overlapped a watch step on the worker, of the others, and the
		largest lateness seen during each kind of step."""
		during, others, byStep = [], [], {}
		for due, came in self.beats:
			late = max(0.0, came - due)
			steps = {name for began, ended, name in self.stages if began <= came and ended >= due}
			(during if steps else others).append(late)
			for step in steps:
				byStep[step] = max(byStep.get(step, 0.0), late)
		return during, others, byStep


class Reports:
	def __init__(self):
		self.sent = 0
		self.reports: list[str] = []
		self.stopped = None

	def onWatchStarted(self, sentence):
		pass

	def onRequestSent(self):
		self.sent += 1

	def onPhrase(self, text, interrupt):
		pass

	def onReport(self, text):
		self.reports.append(text)

	def onStopped(self, reason, sentence):
		self.stopped = (reason, sentence)


def live(server: ServerProcess, game: GameProcess, seconds: float) -> dict:
	from dataclasses import replace

	import wx
	import wxHelpers
	from visionDescriberCore.describing import Describer
	from visionDescriberCore.imaging import capture
	from visionDescriberCore.settings import Settings
	from visionDescriberCore.watch.watcher import Watcher

	wxHelpers.getApp()
	heartbeat = Heartbeat(wx)

	def pump(duration: float) -> None:
		deadline = time.monotonic() + duration
		while time.monotonic() < deadline:
			wxHelpers.processEvents()
			time.sleep(0.001)

	pieces = ["Something", " changed", " on", " the", " screen", ":", " a", " menu", " opened", "."] * 2
	for _ in range(60):
		server.queueChat(pieces, 40.0)
	heartbeat.start()
	pump(min(seconds, 20.0))  # the same machine, game and server, nothing watched
	heartbeat.stop()
	idle = list(heartbeat.lateness)

	settings = replace(Settings(), baseUrl=server.url, model="gemma3:4b", resultCacheSize=0)
	describer = Describer(heartbeat.post, lambda: settings, lambda s: None)
	reports = Reports()
	# Mark what the worker does, so the worst heartbeat can say what was running then.
	from visionDescriberCore.watch import watcher as watcherModule

	for name, stage in (("frameOf", "thumbnail"), ("prepareImage", "preparation"), ("narrate", "request")):
		setattr(watcherModule, name, heartbeat.staged(stage, getattr(watcherModule, name)))
	watcher = Watcher(
		describer.pipeline(settings),
		heartbeat.staged("capture", capture.grabScreen),
		reports,
		settings.watchOptions(),
	)
	heartbeat.start()
	game.go()
	watcher.start()
	pump(seconds)
	heartbeat.stop()
	watcher.stop()
	describer.terminate(2)
	game.collect()
	received = sorted(at for at, _first, _finished in server.chatRequests())
	delays = []
	for kind, paintedAt in game.painted:
		following = [at for at in received if at > paintedAt]
		delays.append((kind, following[0] - paintedAt if following else None))
	return {
		"idle": idle,
		"lateness": list(heartbeat.lateness),
		"callbacks": list(heartbeat.callbacks),
		"delays": delays,
		"requests": len(received),
		"checks": round(seconds),
		"stopped": reports.stopped,
		"split": heartbeat.split(),
	}


# --- 4. The scripted scene, replayed ---------------------------------------------------------------


def replay(width: int, height: int, minutes: float) -> dict:
	from visionDescriberCore.imaging.preparation import policyForProvider
	from visionDescriberCore.jobs import JobRunner
	from visionDescriberCore.watch.options import WatchOptions
	from visionDescriberCore.watch.pipeline import Pipeline
	from visionDescriberCore.watch.watcher import Watcher
	from watchHarness import FakeClock
	from watchScenes import ScriptedScene, defaultEvents

	duration = minutes * 60
	scene = ScriptedScene(width, height, defaultEvents(duration))
	clock = FakeClock(0.5)
	tasks: queue.Queue = queue.Queue()
	runner = JobRunner(tasks.put)
	sentAt: list[float] = []

	def answer(request, token):
		sentAt.append(clock.now)
		yield "Something changed."

	pipeline = Pipeline(runner, policyForProvider("ollama"), answer, "")
	watcher = Watcher(
		pipeline, lambda: scene.frameAt(clock.now), Reports(), WatchOptions(), clock=clock, useTicker=False
	)

	def pump() -> None:
		while True:
			try:
				tasks.get(timeout=0.001)()
			except queue.Empty:
				if not watcher.busy and not runner.busy and tasks.empty():
					return

	began = time.perf_counter()
	watcher.start()
	pump()
	checks = 1
	for check in range(1, int(duration)):
		clock.now = 0.5 + check + (0.04 if check % 3 else -0.03)  # a little jitter, as timers have
		watcher.tick()
		pump()
		checks += 1
	watcher.stop()
	runner.terminate(2)
	events = scene.events
	caught, explained = [], set()
	for index, event in enumerate(events):
		until = events[index + 1].at if index + 1 < len(events) else duration
		hits = [at for at in sentAt if event.at < at <= until]
		caught.append((event, hits[0] - event.at if hits else None))
		explained.update(hits[:1])
	unexplained = [at for at in sentAt[1:] if at not in explained]
	return {
		"checks": checks,
		"sent": len(sentAt),
		"caught": caught,
		"unexplained": unexplained,
		"seconds": time.perf_counter() - began,
	}


# --- Running and printing --------------------------------------------------------------------------


def main(argv=None) -> None:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--seconds", type=float, default=75.0, help="live watching time (default 75)")
	parser.add_argument("--minutes", type=float, default=5.0, help="replayed scene length (default 5)")
	parser.add_argument("--verbose", action="store_true", help="log the watch's decisions to stderr")
	args = parser.parse_args(argv)
	if args.verbose:
		import logging

		logging.basicConfig(level=logging.DEBUG, format="%(relativeCreated)7.0f %(threadName)s %(message)s")

	server = ServerProcess()  # first, before this process has threads or an X connection
	display = startXvfb(3840, 2160)
	os.environ["DISPLAY"] = display.name
	game = None
	try:
		game = GameProcess(display.name, 3840, 2160, args.seconds)
		time.sleep(1.0)
		costs = checkCost()
		printCosts(costs)
		results = live(server, game, args.seconds)
		printLive(results, args.seconds)
	finally:
		if game is not None:
			game.stop()
		display.stop()
		server.stop()
	for width, height in ((1920, 1080), (3840, 2160)):
		printReplay(width, height, replay(width, height, args.minutes), args.minutes)


def printCosts(rows) -> None:
	print("1. One check: capture + comparison, on the worker (median / 95th percentile of 30)")
	for name, parts in rows:
		line = "   ".join(
			f"{part} {ms(statistics.median(values))} / {ms(percentile(values, 0.95))}"
			for part, values in parts.items()
		)
		print(f"  {name}: {line}")


def printLive(results: dict, seconds: float) -> None:
	lateness, idle = results["lateness"], results["idle"]
	during, others, byStep = results["split"]

	def figures(values: list[float]) -> str:
		if not values:
			return "no beats"
		return (
			f"largest {ms(max(values))}, 99th percentile {ms(percentile(values, 0.99))} ({len(values)} beats)"
		)

	print(f"2. NVDA's main thread while watching the whole 3840x2160 screen at 1 Hz for {seconds:g} s")
	print("  lateness of a 5 ms heartbeat on the wx main loop (target: 20 ms or less):")
	print(f"    every beat while watching:             {figures(lateness)}")
	worst = max(during) if during else 0.0
	print(
		f"    beats while the worker ran a watch step: {figures(during)} "
		f"(target {'met' if worst <= 0.020 else 'NOT met'})"
	)
	print(f"    beats while no watch step ran:         {figures(others)}")
	print(f"    nothing watched ({len(idle) * 5 // 1000} s, same game):   {figures(idle)}")
	print(
		"    largest during each step: "
		+ ", ".join(f"{step} {ms(late)}" for step, late in sorted(byStep.items()))
	)
	print(f"  longest callback the watch posted: {ms(max(results['callbacks'] or [0]))}")
	print(
		f"  requests: {results['requests']} in about {results['checks']} checks; stopped: {results['stopped']}"
	)
	delays = [delay for _kind, delay in results["delays"] if delay is not None]
	print("3. A real change painted -> its request at the server")
	for kind, delay in results["delays"]:
		print(f"  {kind:<20} {ms(delay) if delay is not None else 'no request'}")
	if delays:
		print(f"  median {ms(statistics.median(delays))}, largest {ms(max(delays))} ({len(delays)} changes)")


def printReplay(width: int, height: int, results: dict, minutes: float) -> None:
	caught = results["caught"]
	missed = [event for event, delay in caught if delay is None]
	ratio = results["checks"] / max(1, results["sent"])
	print(
		f"4. Scripted {width}x{height} scene, {minutes:g} minutes replayed at a 1 s interval "
		f"({results['seconds']:.1f} s to run)"
	)
	print(
		f"  requests: {results['sent']} (the first description included) against {results['checks']} "
		f"sending every frame: {ratio:.1f}x fewer (aim >= 10x: {'met' if ratio >= 10 else 'NOT met'})"
	)
	kinds: dict[str, list] = {}
	for event, delay in caught:
		kinds.setdefault(event.kind, []).append(delay)
	for kind, delays in kinds.items():
		found = [delay for delay in delays if delay is not None]
		late = f", {statistics.median(found):.1f} s after it (median)" if found else ""
		print(f"  {kind:<20} caught {len(found)} of {len(delays)}{late}")
	print(f"  missed: {', '.join(f'{event.kind} at {event.at:g} s' for event in missed) or 'none'}")
	unexplained = results["unexplained"]
	print(f"  requests no real change explains: {len(unexplained)} {unexplained if unexplained else ''}")
	print("  never sent on their own: blinking caret, seconds clock, 32x32 looping sprite")


if __name__ == "__main__":
	main()
