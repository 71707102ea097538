"""How the NVDA layer feels: main-thread stalls during a 4K describe, and how soon speech starts.

Run from the repository: `.venv/bin/python benchmarks/nvdaLatency.py [--runs 3] [--tokens 200] [--rate 25]`.

It runs the real plugin against the NVDA fakes (tests/fakes), with NVDA's main thread played by a
real wx main loop on its own 3840x2160 Xvfb showing a realistic desktop (tests/screens.py), the real
mss capture, preparation and blank guard, and the fake Ollama on 127.0.0.1 streaming a description
of `--tokens` tokens at `--rate` tokens per second. The fake Ollama runs in its own process, as
Ollama does (in this process its Python request checks would compete for the GIL and be counted as
the add-on's stalls); its timestamps are `time.perf_counter()`, which on Linux is the system-wide
monotonic clock, so they compare with this process's. Each run describes the whole screen, as the
"describe screen" command does, and measures:

- main thread: how long the script call took, the longest callback the worker posted to the main
  thread (`wx.CallAfter`: phrases, tones, the answer), and the worst lateness of a 5 ms wx timer
  beating on the main thread throughout (which also shows the main thread waiting for the GIL
  while the worker captures, scales and encodes). Target: no stall over 20 ms.
- server's first phrase -> ui.message: in separate short runs, the first body piece the server
  writes holds a whole first sentence and the start of the next (so the phrase is complete); the
  time from that write to the ui.message call that speaks it.
- first speech after the key press, speaking phrases as they stream (the default) against speaking
  only the whole answer (settings.streamSpeech off), on the same server, picture and rate, side by
  side in one run; the ratio says how many times sooner streaming speaks. Target: at least 4x.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path[:0] = [
	str(REPOSITORY / "addon" / "packages"),
	str(REPOSITORY / "tests"),
	str(REPOSITORY / "tests" / "core"),
]

import multiprocessing  # noqa: E402

from servers.fakeOllama import NDJSON, ollamaLines  # noqa: E402
from servers.httpServer import Delay, Reply  # noqa: E402
from xserver import startXvfb  # noqa: E402

_TEXT = (
	"the settings window shows three tabs general display and sound with a list of options under each "
	"one a blue button labelled apply sits at the bottom right next to cancel and the title bar reads "
	"control panel while a search field waits at the top left for text"
)
WORDS = _TEXT.split(" ")
FIRST_PHRASE = "A settings window with three tabs."


def description(tokens: int) -> list[str]:
	"""`tokens` pieces of about one token each: a first sentence, then sentences of 12 words."""
	pieces = ["A", " settings", " window", " with", " three", " tabs", "."]
	count = 0
	while len(pieces) < tokens:
		word = WORDS[count % len(WORDS)]
		count += 1
		ending = "." if count % 12 == 0 else ""
		pieces.append(f" {word.capitalize() if count % 12 == 1 else word}{ending}")
	return pieces[:tokens]


def streamedReply(pieces: list[str], rate: float) -> Reply:
	body: list = []
	for line in ollamaLines(pieces):
		if body:
			body.append(Delay(1.0 / rate))
		body.append(line)
	return Reply(200, body, NDJSON)


def serveOllama(connection) -> None:
	"""The fake Ollama, in a process of its own; answers the benchmark's requests over a pipe."""
	from servers.fakeOllama import FakeOllama

	with FakeOllama() as server:
		connection.send(server.url)
		while True:
			command, *arguments = connection.recv()
			if command == "queue":
				pieces, rate = arguments
				server.queueChat(streamedReply(pieces, rate))
				connection.send(None)
			elif command == "requests":
				connection.send(
					[(r.receivedAt, r.firstBodyByteAt, r.finishedAt) for r in server.chatRequests()]
				)
			else:
				return


class ServerProcess:
	def __init__(self):
		context = multiprocessing.get_context("spawn")
		self.connection, child = context.Pipe()
		self.process = context.Process(target=serveOllama, args=(child,), daemon=True)
		self.process.start()
		self.url = self.connection.recv()

	def queueChat(self, pieces, rate) -> None:
		self.connection.send(("queue", pieces, rate))
		self.connection.recv()

	def chatRequests(self) -> list[tuple[float, float, float]]:
		"""(received, first body byte written, finished) for each chat request so far."""
		self.connection.send(("requests",))
		return self.connection.recv()

	def stop(self) -> None:
		self.connection.send(("stop",))
		self.process.join(5)


class MainThreadWatch:
	"""Times what runs on the main thread: posted callbacks, and a 5 ms heartbeat's lateness (with
	what the worker was doing meanwhile, from `stage` marks)."""

	BEAT_MS = 5

	def __init__(self, wx):
		self.wx = wx
		self.callbacks: list[float] = []
		self.lateness: list[float] = []
		#: (lateness, what the worker was doing when the late beat was due)
		self.worst: tuple[float, str] = (0.0, "")
		self.stages: list[tuple[float, float, str]] = []
		self._last = None
		self.timer = wx.Timer()
		self.timer.Bind(wx.EVT_TIMER, self._beat)

	def post(self, fn) -> None:
		def timed():
			began = time.perf_counter()
			try:
				fn()
			finally:
				self.callbacks.append(time.perf_counter() - began)

		self.wx.CallAfter(timed)

	def start(self) -> None:
		self.callbacks.clear()
		self.lateness.clear()
		self._last = time.perf_counter()
		self.timer.Start(self.BEAT_MS)

	def stop(self) -> None:
		self.timer.Stop()

	def _beat(self, event) -> None:
		now = time.perf_counter()
		late = max(0.0, now - self._last - self.BEAT_MS / 1000)
		self.lateness.append(late)
		if late > self.worst[0]:
			due = self._last + self.BEAT_MS / 1000
			during = [name for began, ended, name in self.stages if began <= now and ended >= due]
			self.worst = (late, ", ".join(during) or "nothing marked")
		self._last = now

	def staged(self, name, fn):
		"""fn, marking when it runs (on the worker) as the stage `name`."""

		def run(*args, **kwargs):
			began = time.perf_counter()
			try:
				return fn(*args, **kwargs)
			finally:
				self.stages.append((began, time.perf_counter(), name))

		return run


def runOnce(plugin, server, watch, pieces, rate, streamSpeech, spoken, pump):
	import config

	config.conf["visionDescriber"]["streamSpeech"] = streamSpeech
	server.queueChat(pieces, rate)
	requestsBefore = len(server.chatRequests())
	spokenBefore = len(spoken)
	watch.start()
	pressed = time.perf_counter()
	plugin.script_describeScreen(None)
	scriptCall = time.perf_counter() - pressed
	pump(lambda: len(spoken) > spokenBefore, 60)
	firstSpeech = spoken[spokenBefore][0] - pressed
	pump(lambda: not plugin.describer.busy, 60)
	pump(lambda: False, 0.1)
	watch.stop()
	_received, firstBodyByteAt, _finished = server.chatRequests()[requestsBefore]
	return {
		"scriptCall": scriptCall,
		"callback": max(watch.callbacks),
		"lateness": max(watch.lateness),
		"firstSpeech": firstSpeech,
		"firstPhraseToMessage": spoken[spokenBefore][0] - firstBodyByteAt,
		"firstText": spoken[spokenBefore][1],
	}


def main(argv=None) -> None:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--runs", type=int, default=3, help="runs of each kind (default 3)")
	parser.add_argument("--tokens", type=int, default=200, help="length of the description (default 200)")
	parser.add_argument("--rate", type=float, default=25.0, help="tokens per second (default 25)")
	args = parser.parse_args(argv)

	server = ServerProcess()  # first, before this process has threads or an X connection
	display = startXvfb(3840, 2160)
	os.environ["DISPLAY"] = display.name
	try:
		measure(args, server)
	finally:
		display.stop()
		server.stop()


def measure(args, server) -> None:
	import wxHelpers
	from nvdaHarness import fakesInstalled

	wxHelpers.getApp()
	import screens
	import wx

	with fakesInstalled():
		import api
		import config
		import controlTypes
		import core
		import gui
		import ui
		from locationHelper import RectLTWH
		from nvdaHarness import makeObject

		core.testing.realTimers = True
		gui.initialize()
		desktop = makeObject("Desktop", controlTypes.Role.PANE, RectLTWH(0, 0, 3840, 2160), appName="csrss")
		for setter in (
			api.setDesktopObject,
			api.setForegroundObject,
			api.setFocusObject,
			api.setNavigatorObject,
		):
			setter(desktop)
		frames, _words, _window = screens.showDesktop(3840, 2160)
		screens.pump(0.5)

		spoken: list[tuple[float, str]] = []
		original = ui.message

		def timedMessage(text, speechPriority=None, brailleText=None):
			spoken.append((time.perf_counter(), text))
			original(text, speechPriority, brailleText)

		ui.message = timedMessage

		def pump(condition, timeout):
			import queueHandler

			deadline = time.monotonic() + timeout
			while not condition() and time.monotonic() < deadline:
				wxHelpers.processEvents()
				queueHandler.testing.pump()
				time.sleep(0.001)

		import visionDescriber

		watch = MainThreadWatch(wx)
		visionDescriber.postToMainThread = watch.post
		from visionDescriberCore import describing
		from visionDescriberCore.imaging import blankDetection, capture

		capture.grabScreen = watch.staged("capture", capture.grabScreen)
		blankDetection.checkNotBlank = watch.staged("blank check", blankDetection.checkNotBlank)
		visionDescriber.GlobalPlugin.prepare = staticmethod(
			watch.staged("preparation", describing.prepareForSettings)
		)
		section = config.conf["visionDescriber"]
		section["baseUrl"] = server.url
		section["model"] = "gemma3:4b"
		section["resultCacheSize"] = 0  # every run goes to the server
		plugin = visionDescriber.GlobalPlugin()
		pieces = description(args.tokens)
		try:
			# One warm-up run: first imports and connections are not what a user meets each time.
			runOnce(plugin, server, watch, pieces[:20], 1000, True, spoken, pump)
			watch.worst = (0.0, "")
			# The same heartbeat with nothing to do: what this machine's scheduling alone costs.
			watch.start()
			pump(lambda: False, 3.0)
			watch.stop()
			idle = max(watch.lateness)
			phraseFirst = [FIRST_PHRASE + " The", *description(30)[8:]]
			quick = [
				runOnce(plugin, server, watch, phraseFirst, args.rate, True, spoken, pump)
				for _ in range(max(5, args.runs))
			]
			streamed, whole = [], []
			for _ in range(args.runs):
				streamed.append(runOnce(plugin, server, watch, pieces, args.rate, True, spoken, pump))
				whole.append(runOnce(plugin, server, watch, pieces, args.rate, False, spoken, pump))
		finally:
			plugin.terminate()
		for frame in frames:
			frame.Destroy()
		gui.terminate()

	report(args, quick, streamed, whole, idle, watch.worst)


def report(args, quick, streamed, whole, idle, worst) -> None:
	runs = quick + streamed + whole

	def ms(value):
		return f"{value * 1000:.1f} ms"

	print(
		f"Describe the whole 3840x2160 screen, {args.tokens} tokens at {args.rate:g} tokens/s, "
		f"{args.runs} runs each way, plus {max(5, args.runs)} short runs for the phrase latency"
	)
	print("Main thread (NVDA's, a real wx loop here):")
	print(f"  longest script call:            {ms(max(run['scriptCall'] for run in runs))}")
	print(f"  longest posted callback:        {ms(max(run['callback'] for run in runs))}")
	print(
		f"  worst 5 ms heartbeat lateness:  {ms(max(run['lateness'] for run in runs))} "
		f"(worker meanwhile: {worst[1]}; idle for 3 s: {ms(idle)})"
	)
	stall = max(max(run["scriptCall"], run["callback"], run["lateness"]) for run in runs)
	print(
		f"  longest the main thread could not act: {ms(stall)} (target < 20 ms: {'met' if stall < 0.020 else 'NOT met'})"
	)
	assert all(run["firstText"] == FIRST_PHRASE for run in quick), quick[0]["firstText"]
	toMessage = [run["firstPhraseToMessage"] for run in quick]
	print(
		f"Server writes the first phrase -> ui.message: median {ms(statistics.median(toMessage))}, "
		f"worst {ms(max(toMessage))} ({len(quick)} runs)"
	)
	first = statistics.median(run["firstSpeech"] for run in streamed)
	late = statistics.median(run["firstSpeech"] for run in whole)
	ratio = late / first
	print("First speech after the key press (median):")
	print(f"  streaming phrases:              {ms(first)}  ({streamed[0]['firstText']!r})")
	print(f"  whole answer at the end:        {ms(late)}")
	print(f"  streaming speaks {ratio:.1f}x sooner (target >= 4x: {'met' if ratio >= 4 else 'NOT met'})")


if __name__ == "__main__":
	main()
