"""The command-line tool's `watch` and `changes` commands (see cli.py for the shared options).

	python -m visionDescriberCore watch --screen --model gemma3 [--interval 1] [--duration 300]
	python -m visionDescriberCore watch --region 0,0,1280,720 --max-requests 10 --model qwen2.5vl
	python -m visionDescriberCore changes before.png after.png --model gemma3

`watch` runs the add-on's own `Watcher`, with this thread as the main thread: the describer's
`JobRunner` posts to a queue that the loop below runs, and the watch's ticker says when a check is
due. Each change the add-on would speak is printed on its own line, starting with the time; a
"nothing important changed" answer prints nothing. Exit status: 0 when --duration has passed or
--max-requests requests have been answered, 1 when the watch stopped by itself (black frames, an
error; the sentence goes to standard error), 130 on Ctrl+C (the request in flight is cancelled).

`changes` compares two picture files exactly as "what changed?" does: the same preparation, the
same "practically identical, so no request" rule, the same prompt. A model that takes one picture at
a time first describes BEFORE, and that description stands for it.
"""

import argparse
import math
import queue
import sys
import time

from .cancellation import CancelToken
from .clients.endpoint import EndpointConfig
from .conversation.conversation import Conversation
from .conversation.prompts import buildSystemPrompt
from .describing import answerText
from .jobs import JobRunner

COMMANDS = ("watch", "changes")
EXIT_OK = 0
EXIT_FAILED = 1
#: A service that may charge is kept to this many watch requests a minute unless --per-minute says.
DEFAULT_PER_MINUTE = 6


def _positive(kind):
	def parse(text: str):
		try:
			value = kind(text)
		except ValueError:
			raise argparse.ArgumentTypeError(f"expected a number, not {text!r}") from None
		if not value > 0 or (isinstance(value, float) and not math.isfinite(value)):
			raise argparse.ArgumentTypeError("must be more than 0")
		return value

	return parse


def addCommands(commands, common: argparse.ArgumentParser, regionType) -> None:
	"""Adds `watch` and `changes` to cli.py's parser (regionType parses LEFT,TOP,WIDTH,HEIGHT)."""
	watch = commands.add_parser(
		"watch", parents=[common], allow_abbrev=False, help="watch the screen and print what changes"
	)
	source = watch.add_mutually_exclusive_group(required=True)
	source.add_argument("--screen", action="store_true", help="watch the whole screen")
	source.add_argument(
		"--region",
		type=regionType,
		metavar="LEFT,TOP,WIDTH,HEIGHT",
		help="watch this rectangle of the screen",
	)
	watch.add_argument(
		"--interval", type=_positive(float), default=1.0, metavar="SECONDS", help="between two looks (1)"
	)
	watch.add_argument("--duration", type=_positive(float), metavar="SECONDS", help="stop after this long")
	watch.add_argument(
		"--max-requests", dest="maxRequests", type=_positive(int), metavar="N", help="stop after N answers"
	)
	watch.add_argument(
		"--per-minute",
		dest="perMinute",
		type=_positive(int),
		metavar="N",
		help=f"most requests a minute (default: {DEFAULT_PER_MINUTE} for a service that may charge, else no cap)",
	)
	changes = commands.add_parser(
		"changes",
		parents=[common],
		allow_abbrev=False,
		help="say what changed from BEFORE_IMAGE to AFTER_IMAGE",
	)
	changes.add_argument("before", metavar="BEFORE_IMAGE")
	changes.add_argument("after", metavar="AFTER_IMAGE")
	for parser in (watch, changes):
		parser.add_argument(
			"--max-side", dest="maxSide", type=int, metavar="PIXELS", help="longest side of the picture sent"
		)


def run(args: argparse.Namespace, config: EndpointConfig, client, token: CancelToken) -> int:
	if args.command == "watch":
		return watch(args, config, client)
	return changes(args, config, client, token)


def _write(stream, text: str) -> None:
	stream.write(text)
	stream.flush()


def _oneLine(text: str) -> str:
	return " ".join(text.split())


class _Printer:
	"""The watch's listener: this thread runs it (it is the CLI's main thread)."""

	def __init__(self):
		self.stopSentence: str | None = None

	def onWatchStarted(self, sentence: str) -> None:
		_write(sys.stderr, sentence + "\n")

	def onRequestSent(self) -> None:
		pass

	def onPhrase(self, text: str, interrupt: bool) -> None:
		pass  # speech is off here: the whole answer comes with onReport

	def onReport(self, text: str) -> None:
		if text:
			_write(sys.stdout, f"{time.strftime('%H:%M:%S')} {_oneLine(text)}\n")

	def onStopped(self, reason: str, sentence: str) -> None:
		self.stopSentence = sentence


def _picturePlans(args: argparse.Namespace, config: EndpointConfig, client):
	"""token -> how pictures are sized, as the add-on sizes them for this model at --picture-detail
	(the family asked of Ollama once, on the worker; without a token, known from the model's name)."""
	from .imaging.geometryCache import GeometryCache
	from .imaging.sizing import geometryFromSettings, planFor

	geometries = GeometryCache()

	def plan(token: CancelToken | None):
		if token is None:
			geometry = geometryFromSettings(config.provider, config.model)
		else:
			ask = getattr(client, "describeGeometry", None)
			describe = (lambda: ask(token)) if ask is not None else None
			geometry = geometries.geometryFor(config.provider, config.baseUrl, config.model, describe)
		return planFor(geometry, args.pictureDetail, args.maxSide, config.provider)

	return plan


def watch(args: argparse.Namespace, config: EndpointConfig, client) -> int:
	from .imaging import capture
	from .watch.options import StopReason, WatchOptions, chargedBy
	from .watch.pipeline import Pipeline
	from .watch.watcher import Watcher

	mainQueue: queue.Queue = queue.Queue()
	runner = JobRunner(mainQueue.put, name="visionDescriber.cliWorker")
	picturePlan = _picturePlans(args, config, client)
	pipeline = Pipeline(
		runner=runner,
		policy=picturePlan(None).fallbackPolicy,
		streamAnswer=lambda request, token: answerText(client.stream(request, token)),
		systemPrompt=buildSystemPrompt(),
		picturePlan=picturePlan,
	)
	charged = chargedBy(config.provider, config.resolvedBaseUrl())
	perMinute = args.perMinute or (DEFAULT_PER_MINUTE if charged else 0)
	options = WatchOptions(
		intervalSeconds=args.interval,
		timeLimitSeconds=math.inf,  # --duration ends a watch here, with exit status 0
		maxRequestsPerMinute=perMinute,
		chargedBy=charged if perMinute else "",
		streamSpeech=False,
		provider=config.provider,
		model=config.model,
	)
	region = args.region

	def grab():
		return capture.grabScreen() if region is None else capture.grab(region)

	printer = _Printer()
	watcher = Watcher(pipeline, grab, printer, options)
	deadline = time.monotonic() + args.duration if args.duration else math.inf
	try:
		watcher.start()
		while printer.stopSentence is None:
			if args.maxRequests and watcher.answers >= args.maxRequests:
				return EXIT_OK
			left = deadline - time.monotonic()
			if left <= 0:
				return EXIT_OK
			try:
				task = mainQueue.get(timeout=min(0.1, left))
			except queue.Empty:
				continue
			task()
		_write(sys.stderr, printer.stopSentence + "\n")
		return EXIT_FAILED
	finally:
		watcher.stop(StopReason.TERMINATED)
		runner.terminate(2.0)


def changes(args: argparse.Namespace, config: EndpointConfig, client, token: CancelToken) -> int:
	from .imaging.imageSources import loadImageFile
	from .watch.changes import (
		compare,
		compareRequest,
		nothingImportantSentence,
		takesSeveralImages,
	)
	from .watch.markerGate import MarkerGate
	from .watch.pipeline import preparePicture
	from .watch.watchPrompts import FIRST_LOOK

	beforeImage, afterImage = loadImageFile(args.before), loadImageFile(args.after)
	plan = _picturePlans(args, config, client)(token)

	def prepare(image, pictures: int):
		return preparePicture(image, plan, plan.fallbackPolicy, pictures)

	before = prepare(beforeImage, 1)
	severalImages = takesSeveralImages(config.provider, config.model)
	comparison = compare(before, afterImage, prepare, severalImages)
	if comparison.identical:
		_write(sys.stdout, "The two pictures are practically the same; nothing was sent.\n")
		return EXIT_OK
	said = ""
	if not severalImages:
		first = Conversation(buildSystemPrompt())
		first.addUserTurn(FIRST_LOOK, before)
		said = "".join(answerText(client.stream(first, token)))
	gate = MarkerGate()
	for text in gate.filter(
		answerText(client.stream(compareRequest(buildSystemPrompt(), said, comparison), token))
	):
		_write(sys.stdout, text)
	_write(sys.stdout, (nothingImportantSentence() if gate.isMarker else "") + "\n")
	return EXIT_OK
