"""Command-line tool: describe a picture, ask about it, list models, check a connection.

	PYTHONPATH=addon/packages python -m visionDescriberCore describe photo.png --model gemma3
	python -m visionDescriberCore ask chart.png "What is the highest bar?" --model gemma3
	python -m visionDescriberCore describe --screen --save-image sent.jpg --model gemma3
	python -m visionDescriberCore ask --region 0,0,800,600 "What does the dialog say?" --model gemma3
	python -m visionDescriberCore models
	python -m visionDescriberCore check --provider openai --model gpt-4o-mini --api-key-env OPENAI_API_KEY

Every picture, from a file or the screen, is prepared exactly as the add-on prepares it (sized for
the model's family at the chosen --picture-detail, PNG or JPEG by content); --save-image writes the
very bytes that are sent. --detail (low, auto, high) is the old name of --picture-detail.
The description streams to standard output as it arrives. Errors are one plain sentence on standard
error, with a non-zero exit status. A key is only ever read from an environment variable, never from
the command line (where it would end up in the shell history and the process list).
"""

import argparse
import logging
import os
import re
import sys
from urllib.parse import urlsplit

from . import __version__
from .cancellation import CancelToken
from .clients import AZURE, OLLAMA, OPENAI, OPENAI_COMPATIBLE, EndpointConfig, createClient
from .clients.streaming import Finished, ReasoningDelta, TextDelta
from .conversation.conversation import Conversation
from .conversation.prompts import DEFAULT_PRESET, buildDescribePrompt, buildSystemPrompt
from .errors import Cancelled, VisionDescriberError
from .imaging.sizing import (
	BALANCED,
	LEGACY_IMAGE_DETAILS,
	PICTURE_DETAILS,
	geometryFromSettings,
	levelFromLegacyDetail,
	openaiDetailFor,
)
from .media import PreparedImage

#: The add-on's own default request, so the terminal shows what NVDA users will hear.
DEFAULT_DESCRIBE_PROMPT = buildDescribePrompt(DEFAULT_PRESET)
DEFAULT_KEY_VARIABLES = {OPENAI: "OPENAI_API_KEY", AZURE: "AZURE_OPENAI_API_KEY"}

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

_OPTION_DEFAULTS = {
	"provider": OLLAMA,
	"baseUrl": "",
	"model": "",
	"apiKeyEnv": None,
	"prompt": None,
	"timeout": 120.0,
	"maxTokens": None,
	"pictureDetail": None,
	"detail": None,
	"keepAlive": None,
	"think": False,
	"showReasoning": False,
	"verbose": False,
	"screen": False,
	"region": None,
	"saveImage": None,
	"maxSide": None,
}


class UsageError(VisionDescriberError):
	def __init__(self, message: str):
		super().__init__(message)
		self.message = message

	@property
	def sentence(self) -> str:
		return self.message


def _commonOptions() -> argparse.ArgumentParser:
	"""Options accepted before or after the command (defaults are filled in after parsing)."""
	common = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS, allow_abbrev=False)
	common.add_argument(
		"--provider",
		choices=(OLLAMA, OPENAI, OPENAI_COMPATIBLE, AZURE),
		help="wire format: ollama (native API, default) or openai (OpenAI and compatible servers)",
	)
	common.add_argument("--base-url", dest="baseUrl", help="server address (default per provider)")
	common.add_argument("--model", help="model name (Azure: the deployment name)")
	common.add_argument(
		"--api-key-env",
		dest="apiKeyEnv",
		metavar="NAME",
		help="read the API key from this environment variable "
		"(default for openai: OPENAI_API_KEY, for azure: AZURE_OPENAI_API_KEY)",
	)
	common.add_argument(
		"--prompt", help="instruction sent with the picture (describe), or system prompt (ask)"
	)
	common.add_argument(
		"--timeout", type=float, help="seconds to wait for the model to start and to continue answering (120)"
	)
	common.add_argument("--max-tokens", dest="maxTokens", type=int, help="cap on the answer's length")
	common.add_argument(
		"--picture-detail",
		dest="pictureDetail",
		choices=PICTURE_DETAILS,
		help="image tokens per picture: fast (about 300), balanced (about 1,000, default) or detailed",
	)
	common.add_argument(
		"--detail",
		choices=tuple(LEGACY_IMAGE_DETAILS),
		help="old name: low = fast, auto = balanced, high = detailed",
	)
	common.add_argument(
		"--keep-alive", dest="keepAlive", help="Ollama: how long the model stays loaded, e.g. 30m"
	)
	common.add_argument("--think", action="store_true", help="Ollama: let a thinking model think first")
	common.add_argument(
		"--show-reasoning", dest="showReasoning", action="store_true", help="print reasoning text to stderr"
	)
	common.add_argument("--verbose", action="store_true", help="log requests and failures to stderr")
	return common


def buildParser() -> argparse.ArgumentParser:
	common = _commonOptions()
	parser = argparse.ArgumentParser(
		prog="python -m visionDescriberCore",
		description="Describe pictures with a vision model (Ollama, OpenAI or an OpenAI-compatible server).",
		parents=[common],
		allow_abbrev=False,
	)
	parser.add_argument("--version", action="version", version=f"Vision Describer {__version__}")
	commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
	describe = commands.add_parser(
		"describe", parents=[common], allow_abbrev=False, help="describe IMAGE_FILE"
	)
	describe.add_argument("image", metavar="IMAGE_FILE", nargs="?")
	_pictureOptions(describe)
	ask = commands.add_parser(
		"ask", parents=[common], allow_abbrev=False, help="ask QUESTION about IMAGE_FILE (or the screen)"
	)
	ask.add_argument("words", metavar="[IMAGE_FILE] QUESTION", nargs="+")
	_pictureOptions(ask)
	commands.add_parser(
		"models", parents=[common], allow_abbrev=False, help="list models, marking those that can see images"
	)
	commands.add_parser(
		"check", parents=[common], allow_abbrev=False, help="test the connection, the model and its vision"
	)
	return parser


def _pictureOptions(parser: argparse.ArgumentParser) -> None:
	source = parser.add_mutually_exclusive_group()
	source.add_argument("--screen", action="store_true", help="capture the whole screen instead of a file")
	source.add_argument(
		"--region",
		type=_region,
		metavar="LEFT,TOP,WIDTH,HEIGHT",
		help="capture this rectangle of the screen (physical pixels)",
	)
	parser.add_argument(
		"--save-image", dest="saveImage", metavar="PATH", help="also write the bytes that are sent"
	)
	parser.add_argument(
		"--max-side", dest="maxSide", type=int, metavar="PIXELS", help="longest side of the picture sent"
	)


def _region(text: str):
	from .imaging.capture import Rect

	try:
		left, top, width, height = (int(part) for part in text.split(","))
	except ValueError:
		raise argparse.ArgumentTypeError(
			"give the region as LEFT,TOP,WIDTH,HEIGHT, e.g. 0,0,800,600"
		) from None
	if width <= 0 or height <= 0:
		raise argparse.ArgumentTypeError("the region's width and height must be more than 0")
	return Rect(left, top, width, height)


_KEY_OPTIONS = ("--api-key", "--apikey", "--key", "--token")
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def parseArguments(argv: list[str] | None = None) -> argparse.Namespace:
	argv = sys.argv[1:] if argv is None else list(argv)
	for argument in argv:
		option = argument.split("=", 1)[0].lower()
		if option in _KEY_OPTIONS:
			# Refused before argparse, whose error message would repeat the key.
			raise UsageError(
				"A key is never taken on the command line. Put it in an environment variable "
				"and name that variable with --api-key-env NAME."
			)
	parser = buildParser()
	args = parser.parse_args(argv)
	for name, default in _OPTION_DEFAULTS.items():
		if not hasattr(args, name):
			setattr(args, name, default)
	if args.pictureDetail is None:
		args.pictureDetail = levelFromLegacyDetail(args.detail) if args.detail else BALANCED
	if args.command == "ask":
		if len(args.words) > 2:
			raise UsageError('Put the question in quotes: ask IMAGE_FILE "QUESTION".')
		args.image = args.words[0] if len(args.words) == 2 else None
		args.question = args.words[-1]
	if args.command in ("describe", "ask"):
		sources = sum((bool(args.image), args.screen, args.region is not None))
		if sources != 1:
			raise UsageError("Name one picture: an IMAGE_FILE, --screen or --region LEFT,TOP,WIDTH,HEIGHT.")
	return args


def loadInputImage(args: argparse.Namespace, geometry=None) -> PreparedImage:
	"""The picture to send, from a file or the screen, prepared as the add-on prepares it."""
	return prepareInputImage(readInputImage(args), args, geometry)


def readInputImage(args: argparse.Namespace):
	"""The picture from the file or the screen. Screen captures that are black or one flat colour
	are refused (nothing is sent), as in NVDA."""
	from .imaging.blankDetection import checkNotBlank
	from .imaging.capture import grab, grabScreen
	from .imaging.imageSources import loadImageFile

	if args.image:
		return loadImageFile(args.image)
	image = grabScreen() if args.screen else grab(args.region)
	checkNotBlank(image)
	return image


def prepareInputImage(image, args: argparse.Namespace, geometry=None) -> PreparedImage:
	"""The picture sized for geometry (the model's picture rule; None: known from the model's name,
	else today's sizes) and encoded. With --save-image the bytes are also written to that file."""
	from .imaging.sizing import planFor, prepareWithPlan

	geometry = geometry or geometryFromSettings(args.provider, args.model or "")
	plan = planFor(geometry, args.pictureDetail, args.maxSide, args.provider)
	prepared = prepareWithPlan(image, plan)
	logging.getLogger("visionDescriber").info(
		"Sending %dx%d %s, %s image tokens (%s)",
		prepared.width,
		prepared.height,
		prepared.mimeType,
		plan.tokensFor(prepared.width, prepared.height) or "unknown",
		geometry.label if geometry is not None else "today's sizes",
	)
	if args.saveImage:
		try:
			with open(args.saveImage, "wb") as file:
				file.write(prepared.data)
		except OSError as error:
			raise UsageError(f"Could not write {args.saveImage}: {error.strerror or error}.") from None
	return prepared


def configFromArguments(args: argparse.Namespace, environ=None) -> EndpointConfig:
	environ = os.environ if environ is None else environ
	provider = args.provider
	baseUrl = args.baseUrl or ""
	if (
		provider == OPENAI
		and baseUrl
		and (urlsplit(baseUrl if "://" in baseUrl else "//" + baseUrl).hostname or "") != "api.openai.com"
	):
		provider = OPENAI_COMPATIBLE  # the same wire format at another address
	if args.apiKeyEnv is not None and not _VARIABLE_NAME.fullmatch(args.apiKeyEnv):
		# Not echoed: a key pasted here by mistake must not be printed.
		raise UsageError("--api-key-env takes the name of an environment variable, such as OPENAI_API_KEY.")
	# The default variables only go to their own provider's address, never to another server.
	variable = args.apiKeyEnv or DEFAULT_KEY_VARIABLES.get(provider)
	apiKey = None
	if variable:
		apiKey = environ.get(variable) or None
		if apiKey is None and args.apiKeyEnv:
			raise UsageError(f"The environment variable {variable} is not set or is empty.")
	if args.timeout is not None and args.timeout <= 0:
		raise UsageError("The timeout must be a positive number of seconds.")
	keepAlive: str | int | None = args.keepAlive
	if isinstance(keepAlive, str) and keepAlive.lstrip("-").isdigit():
		keepAlive = int(keepAlive)  # seconds; -1 keeps the model loaded
	return EndpointConfig(
		provider=provider,
		baseUrl=baseUrl,
		model=args.model or "",
		apiKey=apiKey,
		readTimeout=args.timeout,
		maxTokens=args.maxTokens,
		imageDetail=openaiDetailFor(provider, args.model or "", args.pictureDetail),
		keepAlive=keepAlive,
		think=args.think,
	)


def _geometry(client, config: EndpointConfig, token: CancelToken):
	"""The model's picture rule, asked of Ollama as the add-on asks it (see imaging.geometryCache)."""
	from .imaging.geometryCache import GeometryCache

	ask = getattr(client, "describeGeometry", None)
	describe = (lambda: ask(token)) if ask is not None else None
	return GeometryCache().geometryFor(config.provider, config.baseUrl, config.model, describe)


def _write(stream, text: str) -> None:
	stream.write(text)
	stream.flush()


def _describe(client, args, conversation: Conversation, token: CancelToken) -> int:
	answered = False
	reasoning = False
	for event in client.stream(conversation, token):
		if isinstance(event, TextDelta):
			if reasoning:
				_write(sys.stderr, "\n")
				reasoning = False
			_write(sys.stdout, event.text)
			answered = answered or bool(event.text.strip())
		elif isinstance(event, ReasoningDelta) and args.showReasoning:
			reasoning = True
			_write(sys.stderr, event.text)
		elif isinstance(event, Finished):
			_write(sys.stdout, "\n")
			if event.reason == "length":
				_write(sys.stderr, "The answer reached its length limit.\n")
			elif not answered:
				_write(sys.stderr, "The model finished without an answer.\n")
	return EXIT_OK


def _models(client) -> int:
	models = client.listModels()
	if not models:
		_write(sys.stdout, "The server offers no models.\n")
	labels = {True: "sees images", False: "text only", None: "not known whether it sees images"}
	for model in models:
		note = f" ({model.note})" if model.note else ""
		_write(sys.stdout, f"{model.name}{note}\t{labels[model.vision]}\n")
	return EXIT_OK


def _check(client) -> int:
	client.check(onLine=lambda line: _write(sys.stdout, line + "\n"))
	_write(sys.stdout, "Everything works.\n")
	return EXIT_OK


def main(argv: list[str] | None = None) -> int:
	try:
		args = parseArguments(argv)
	except UsageError as error:
		_write(sys.stderr, error.sentence + "\n")
		return EXIT_USAGE
	for stream in (sys.stdout, sys.stderr):
		if hasattr(stream, "reconfigure"):
			stream.reconfigure(errors="replace")
	logger = logging.getLogger("visionDescriber")
	if args.verbose:
		handler = logging.StreamHandler(sys.stderr)
		handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
		logger.addHandler(handler)
		logger.setLevel(logging.DEBUG)
	token = CancelToken()
	client = None
	try:
		config = configFromArguments(args)
		if args.command in ("describe", "ask") and not config.model:
			raise UsageError("Choose a model with --model NAME. The models command lists them.")
		client = createClient(config)
		if args.command in ("describe", "ask"):
			args.provider = config.provider  # "openai" at another address is a compatible server
			image = readInputImage(args)  # a missing file or a blank screen: nothing is asked or sent
			picture = prepareInputImage(image, args, _geometry(client, config, token))
			if args.command == "describe":
				conversation = Conversation(buildSystemPrompt())
				conversation.addUserTurn(args.prompt or DEFAULT_DESCRIBE_PROMPT, picture)
			else:
				conversation = Conversation(args.prompt or buildSystemPrompt())
				conversation.addUserTurn(args.question, picture)
			return _describe(client, args, conversation, token)
		if args.command == "models":
			return _models(client)
		return _check(client)
	except KeyboardInterrupt:
		token.cancel()
		_write(sys.stderr, "\nCancelled.\n")
		return EXIT_INTERRUPTED
	except Cancelled:
		_write(sys.stderr, "\nCancelled.\n")
		return EXIT_INTERRUPTED
	except UsageError as error:
		_write(sys.stderr, error.sentence + "\n")
		return EXIT_USAGE
	except VisionDescriberError as error:
		if error.partialText:
			_write(sys.stdout, "\n")
		_write(sys.stderr, error.sentence + "\n")
		if args.verbose and error.detail:
			_write(sys.stderr, f"Detail: {error.detail}\n")
		return EXIT_FAILED
	finally:
		if client is not None:
			client.close()
