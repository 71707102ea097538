"""Command-line tool: describe a picture, ask about it, list models, check a connection.

	PYTHONPATH=addon/packages python -m visionDescriberCore describe photo.png
	python -m visionDescriberCore ask chart.png "What is the highest bar?" --model gemma3
	python -m visionDescriberCore describe --screen --save-image sent.jpg
	python -m visionDescriberCore ask --region 0,0,800,600 "What does the dialog say?"
	python -m visionDescriberCore models
	python -m visionDescriberCore check --provider openai --model gpt-4o-mini --api-key-env OPENAI_API_KEY

Every picture, from a file or the screen, is prepared exactly as the add-on prepares it (sized for
the model's family at the chosen --picture-detail, PNG or JPEG by content); --save-image writes the
very bytes that are sent. --detail (low, auto, high) is the old name of --picture-detail. Without
--model the add-on's default model for the provider is used. The description streams to standard
output as it arrives. Errors are one plain sentence on standard error, in the tool's own words
(`cliWording`), with the exit status the developer guide documents: 0, 1 for a failure, 2 for a
mistake in the command, 130 for Ctrl+C (`cliOutput`). A key is only ever read from an environment
variable, never from the command line (where it would end up in the shell history and the process
list).

A new command is a parser in `buildParser`, its checks in `_checkCommand` and a runner in `COMMANDS`;
the voice commands (`transcribe`, `ask --question-audio`) live in `voiceCli`, watching (`watch`,
`changes`) in `watchCli`.
"""

import argparse
import difflib
import logging
import math
import os
import re
import sys

from . import __version__, voiceCli, watchCli
from .cancellation import CancelToken
from .clients import AZURE, OLLAMA, OPENAI, OPENAI_COMPATIBLE, EndpointConfig, createClient
from .clients.endpoint import hostOf
from .clients.streaming import Finished, ReasoningDelta, TextDelta
from .cliOutput import (
	EXIT_FAILED,
	EXIT_INTERRUPTED,
	EXIT_OK,
	EXIT_USAGE,
	failure,
	prepareStreams,
	usageFailure,
	verboseLog,
	write,
)
from .cliWording import (
	OutputFailed,
	UsageError,
	badDuration,
	badOldDetail,
	badPictureDetail,
	badRegion,
	badSeconds,
	badVariableName,
	badWholeNumber,
	cliSentence,
	keyOnCommandLine,
	notACommand,
	regionOffScreen,
	variableNotSet,
)
from .conversation.conversation import Conversation
from .conversation.prompts import DEFAULT_PRESET, buildDescribePrompt, buildSystemPrompt
from .errors import CaptureRefused, InvalidAddress, ModelNotChosen, VisionDescriberError
from .i18n import _
from .imaging.sizing import (
	BALANCED,
	LEGACY_IMAGE_DETAILS,
	PICTURE_DETAILS,
	geometryFromSettings,
	levelFromLegacyDetail,
	openaiDetailFor,
)
from .media import PreparedImage
from .settings import DEFAULT_MODELS

__all__ = ["EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "OutputFailed", "UsageError", "main"]

PROGRAM = "python -m visionDescriberCore"
#: The add-on's own default request, so the terminal shows what NVDA users will hear.
DEFAULT_DESCRIBE_PROMPT = buildDescribePrompt(DEFAULT_PRESET)
DEFAULT_KEY_VARIABLES = {OPENAI: "OPENAI_API_KEY", AZURE: "AZURE_OPENAI_API_KEY"}
PICTURE_COMMANDS = ("describe", "ask")
MODEL_COMMANDS = ("describe", "ask", "check", *watchCli.COMMANDS)

_OPTION_DEFAULTS = {
	"provider": OLLAMA,
	"baseUrl": "",
	"model": "",
	"apiKeyEnv": None,
	"allowUnencryptedKey": False,
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


# --- Option values: each refused with its own sentence, before anything is sent ---------------------


def _seconds(text: str) -> float:
	try:
		value = float(text)
	except ValueError:
		value = math.nan
	if not (math.isfinite(value) and 0 < value <= 86400):
		raise UsageError(badSeconds("--timeout"))
	return value


def _wholeNumber(option: str, minimum: int, maximum: int):
	def parse(text: str) -> int:
		try:
			value = int(text)
		except ValueError:
			value = minimum - 1
		if not minimum <= value <= maximum:
			raise UsageError(badWholeNumber(option, minimum, maximum))
		return value

	return parse


# Ollama's keep_alive: seconds (a number), or a Go duration such as 30m, 1h30m, 300ms.
_DURATION = re.compile(r"-?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _keepAlive(text: str) -> str | int | float:
	text = text.strip()
	if _NUMBER.fullmatch(text):
		return int(text) if text.lstrip("-").isdigit() else float(text)
	if not _DURATION.fullmatch(text):
		raise UsageError(badDuration("--keep-alive"))
	return text


def _region(text: str):
	from .imaging import requirePillow

	requirePillow()
	from .imaging.capture import Rect

	try:
		left, top, width, height = (int(part) for part in text.split(","))
	except ValueError:
		raise UsageError(badRegion()) from None
	if width <= 0 or height <= 0:
		raise UsageError(badRegion())
	return Rect(left, top, width, height)


def _pictureDetail(text: str) -> str:
	level = text.strip().lower()
	if level not in PICTURE_DETAILS:
		raise UsageError(badPictureDetail())
	return level


def _oldDetail(text: str) -> str:
	value = text.strip().lower()
	if value not in LEGACY_IMAGE_DETAILS:
		raise UsageError(badOldDetail())
	return value


# --- The parser --------------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
	"""argparse with its mistakes as a sentence first and a short usage line, not a page of usage."""

	commands: list[str] = []

	def error(self, message: str):
		match = re.search(r"invalid choice: '?([^' ]*)'?", message)
		if match and message.startswith("argument COMMAND"):
			word = match.group(1)
			close = difflib.get_close_matches(word, self.commands, n=1)
			raise UsageError(notACommand(word, close[0] if close else None, self.commands), showUsage=True)
		sentence = message[:1].upper() + message[1:]
		raise UsageError(sentence.rstrip(".") + ".", showUsage=True)


def _commonOptions() -> argparse.ArgumentParser:
	"""Options accepted before or after the command (defaults are filled in after parsing)."""
	common = _Parser(add_help=False, argument_default=argparse.SUPPRESS, allow_abbrev=False)
	common.add_argument(
		"--provider",
		choices=(OLLAMA, OPENAI, OPENAI_COMPATIBLE, AZURE),
		help="wire format: ollama (native API, default) or openai (OpenAI and compatible servers)",
	)
	common.add_argument("--base-url", dest="baseUrl", help="server address (default per provider)")
	common.add_argument("--model", help="model name (Azure: the deployment name); default: the add-on's")
	common.add_argument(
		"--api-key-env",
		dest="apiKeyEnv",
		metavar="NAME",
		help="read the API key from this environment variable "
		"(default for openai: OPENAI_API_KEY, for azure: AZURE_OPENAI_API_KEY)",
	)
	common.add_argument(
		"--allow-unencrypted-key",
		dest="allowUnencryptedKey",
		action="store_true",
		help="allow sending the key over plain http to another computer",
	)
	common.add_argument(
		"--prompt", help="instruction sent with the picture (describe), or system prompt (ask)"
	)
	common.add_argument(
		"--timeout",
		type=_seconds,
		help="seconds to wait for the model to start and to continue answering (120)",
	)
	common.add_argument(
		"--max-tokens",
		dest="maxTokens",
		type=_wholeNumber("--max-tokens", 1, 1_000_000),
		help="cap on the answer's length",
	)
	common.add_argument(
		"--picture-detail",
		dest="pictureDetail",
		type=_pictureDetail,
		metavar="LEVEL",
		help="image tokens per picture: fast (about 300), balanced (about 1,000, default) or detailed",
	)
	common.add_argument(
		"--detail",
		type=_oldDetail,
		metavar="LEVEL",
		help="old name of --picture-detail: low = fast, auto = balanced, high = detailed",
	)
	common.add_argument(
		"--keep-alive",
		dest="keepAlive",
		type=_keepAlive,
		help="Ollama: how long the model stays loaded, e.g. 30m",
	)
	common.add_argument("--think", action="store_true", help="Ollama: let a thinking model think first")
	common.add_argument(
		"--show-reasoning", dest="showReasoning", action="store_true", help="print reasoning text to stderr"
	)
	common.add_argument("--verbose", action="store_true", help="log each request and failure to stderr")
	return common


def buildParser() -> argparse.ArgumentParser:
	common = _commonOptions()
	voiceCli.addSpeechOptions(common)
	parser = _Parser(
		prog=PROGRAM,
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
	ask.add_argument("words", metavar="[IMAGE_FILE] QUESTION", nargs="*")
	_pictureOptions(ask)
	voiceCli.addCommands(commands, common, ask)
	watchCli.addCommands(commands, common, _region)
	commands.add_parser(
		"models", parents=[common], allow_abbrev=False, help="list models, marking those that can see images"
	)
	commands.add_parser(
		"check", parents=[common], allow_abbrev=False, help="test the connection, the model and its vision"
	)
	_Parser.commands = list(commands.choices)
	return parser


def _pictureOptions(parser: argparse.ArgumentParser) -> None:
	source = parser.add_mutually_exclusive_group()
	source.add_argument("--screen", action="store_true", help="capture the whole screen instead of a file")
	source.add_argument(
		"--region",
		type=_region,
		metavar="LEFT,TOP,WIDTH,HEIGHT",
		help="capture this rectangle of the screen (physical pixels; may be negative)",
	)
	parser.add_argument(
		"--save-image", dest="saveImage", metavar="PATH", help="also write the bytes that are sent"
	)
	parser.add_argument(
		"--max-side",
		dest="maxSide",
		type=_wholeNumber("--max-side", 64, 8192),
		metavar="PIXELS",
		help="longest side of the picture sent (64 to 8192)",
	)


# --- From arguments to a command ----------------------------------------------------------------------

_KEY_OPTIONS = ("--api-key", "--apikey", "--key", "--token", *voiceCli.KEY_OPTIONS)
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NEGATIVE_REGION = re.compile(r"-\d+(,-?\d+){3}")


def _preparedArgv(argv: list[str]) -> list[str]:
	"""Refuses a key on the command line (before argparse, whose error would repeat it), and joins
	`--region -100,-100,10,10`, which argparse would take for an option, into `--region=...`."""
	prepared: list[str] = []
	for argument in argv:
		if argument.split("=", 1)[0].lower() in _KEY_OPTIONS:
			raise UsageError(keyOnCommandLine())
		if prepared and prepared[-1] == "--region" and _NEGATIVE_REGION.fullmatch(argument):
			prepared[-1] = f"--region={argument}"
			continue
		prepared.append(argument)
	return prepared


def parseArguments(argv: list[str] | None = None) -> argparse.Namespace:
	argv = _preparedArgv(sys.argv[1:] if argv is None else list(argv))
	args = buildParser().parse_args(argv)
	for name, default in _OPTION_DEFAULTS.items():
		if not hasattr(args, name):
			setattr(args, name, default)
	if args.pictureDetail is None:
		args.pictureDetail = levelFromLegacyDetail(args.detail) if args.detail else BALANCED
	voiceCli.fillDefaults(args)
	if args.command == "ask" and not voiceCli.takeAskWords(args):
		_askWords(args)
	if args.command in PICTURE_COMMANDS:
		sources = sum((bool(args.image), args.screen, args.region is not None))
		if sources != 1:
			raise UsageError(
				_("Name one picture: an IMAGE_FILE, --screen or --region LEFT,TOP,WIDTH,HEIGHT."),
				showUsage=True,
			)
	return args


def _looksLikePicture(word: str) -> bool:
	return os.path.exists(word) or bool(re.search(r"\.[A-Za-z0-9]{2,5}$", word)) and " " not in word


def _askWords(args: argparse.Namespace) -> None:
	"""`ask [IMAGE_FILE] QUESTION`: which word is the picture and which the question."""
	words = args.words
	fromScreen = args.screen or args.region is not None
	if len(words) > 2 or (len(words) == 2 and fromScreen):
		raise UsageError(_('Put the question in quotes: ask IMAGE_FILE "QUESTION".'))
	if not words or (len(words) == 1 and not fromScreen and _looksLikePicture(words[0])):
		raise UsageError(_('Add the question after the picture: ask IMAGE_FILE "QUESTION".'))
	args.image = words[0] if len(words) == 2 else None
	args.question = words[-1]


def configFromArguments(args: argparse.Namespace, environ=None) -> EndpointConfig:
	environ = os.environ if environ is None else environ
	provider = args.provider
	baseUrl = (args.baseUrl or "").strip()
	if provider == OPENAI and baseUrl:
		host = hostOf(baseUrl if "://" in baseUrl else "//" + baseUrl)
		if (host or "") != "api.openai.com":
			provider = OPENAI_COMPATIBLE  # the same wire format at another address
	model = args.model or (DEFAULT_MODELS.get(provider, "") if args.command in MODEL_COMMANDS else "")
	return EndpointConfig(
		provider=provider,
		baseUrl=baseUrl,
		model=model,
		apiKey=_apiKey(args, provider, environ),
		readTimeout=args.timeout,
		maxTokens=args.maxTokens,
		imageDetail=openaiDetailFor(provider, model, args.pictureDetail),
		keepAlive=args.keepAlive,
		think=args.think,
		allowInsecureKey=args.allowUnencryptedKey,
	)


def _apiKey(args: argparse.Namespace, provider: str, environ) -> str | None:
	if args.apiKeyEnv is not None and not _VARIABLE_NAME.fullmatch(args.apiKeyEnv):
		raise UsageError(badVariableName())  # not echoed: a key pasted here by mistake must not be printed
	# The default variables only go to their own provider's address, never to another server.
	variable = args.apiKeyEnv or DEFAULT_KEY_VARIABLES.get(provider)
	apiKey = environ.get(variable) or None if variable else None
	if apiKey is None and args.apiKeyEnv:
		raise UsageError(variableNotSet(variable))
	return apiKey


def _checkCommand(args: argparse.Namespace, config: EndpointConfig) -> None:
	"""What the command needs before anything is read or sent."""
	if args.command in ("describe", "ask", *watchCli.COMMANDS) and not config.model:
		raise UsageError(cliSentence(ModelNotChosen()))


# --- Pictures --------------------------------------------------------------------------------------------


def loadInputImage(args: argparse.Namespace, client=None, token: CancelToken | None = None) -> PreparedImage:
	"""The picture to send, from a file or the screen, prepared as the add-on prepares it: read first
	(a missing file or a blank screen: nothing is asked or sent), then sized for the model's family
	at --picture-detail, the family asked of Ollama through client as the add-on asks it.

	Screen captures that are black or one flat colour are refused (nothing is sent), as in NVDA.
	With --save-image the prepared bytes are also written to that file.
	"""
	from .imaging import requirePillow

	requirePillow()  # a damaged Pillow is a sentence, not a traceback from reading the picture
	return _sizedForModel(_readPicture(args), args, client, token)


def _sizedForModel(
	image, args: argparse.Namespace, client=None, token: CancelToken | None = None
) -> PreparedImage:
	"""The picture read, prepared for the model of client (asked of Ollama once), or without a client
	for the model named in args."""
	config = client.config if client is not None else None
	geometry = _geometry(client, token or CancelToken()) if client is not None else None
	return prepareInputImage(image, args, geometry, config)


def prepareInputImage(image, args: argparse.Namespace, geometry=None, config=None) -> PreparedImage:
	"""The picture sized for geometry (the model's picture rule; None: known from the model's name,
	else today's sizes) and encoded. With --save-image the bytes are also written to that file."""
	from .imaging.sizing import planFor, prepareWithPlan

	provider = config.provider if config is not None else args.provider
	model = config.model if config is not None else args.model or ""
	geometry = geometry or geometryFromSettings(provider, model)
	plan = planFor(geometry, args.pictureDetail, args.maxSide, provider)
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
			# Translators: command-line tool; {path} is a file name, {reason} the system's words.
			sentence = _("Could not write {path}: {reason}.")
			raise UsageError(sentence.format(path=args.saveImage, reason=error.strerror or error)) from None
	return prepared


def _geometry(client, token: CancelToken):
	"""The model's picture rule, asked of Ollama as the add-on asks it (see imaging.geometryCache)."""
	from .imaging.geometryCache import GeometryCache

	config = client.config
	ask = getattr(client, "describeGeometry", None)
	describe = (lambda: ask(token)) if ask is not None else None
	return GeometryCache().geometryFor(config.provider, config.baseUrl, config.model, describe)


def _readPicture(args: argparse.Namespace):
	from .imaging.blankDetection import checkNotBlank
	from .imaging.capture import grab, grabScreen
	from .imaging.imageSources import loadImageFile

	if args.image:
		# Never decoded below the long side sent: only --max-side bounds it before the family is known.
		return loadImageFile(args.image, draftLongSide=args.maxSide)
	try:
		image = grabScreen() if args.screen else grab(args.region)
	except CaptureRefused:
		region = args.region
		raise UsageError(
			regionOffScreen(f"{region.left},{region.top},{region.width},{region.height}")
		) from None
	checkNotBlank(image)
	return image


# --- Running a command ---------------------------------------------------------------------------------


def _describe(client, args, conversation: Conversation, token: CancelToken) -> int:
	answered = False
	reasoning = False
	for event in client.stream(conversation, token):
		if isinstance(event, TextDelta):
			if reasoning:
				write(sys.stderr, "\n")
				reasoning = False
			write(sys.stdout, event.text)
			answered = answered or bool(event.text.strip())
		elif isinstance(event, ReasoningDelta) and args.showReasoning:
			reasoning = True
			write(sys.stderr, event.text)
		elif isinstance(event, Finished):
			write(sys.stdout, "\n")
			_sayEnding(event, answered)
	return EXIT_OK


def _sayEnding(event: Finished, answered: bool) -> None:
	if event.reason == "length":
		# Translators: command-line tool; the answer stopped at --max-tokens or the server's limit.
		write(sys.stderr, _("The answer reached its length limit.") + "\n")
	elif not answered:
		# Translators: command-line tool.
		write(sys.stderr, _("The model finished without an answer.") + "\n")


def _models(client, args, token: CancelToken) -> int:
	models = client.listModels(token)
	if not models:
		# Translators: command-line tool.
		write(sys.stdout, _("The server offers no models.") + "\n")
	# Translators: command-line tool; whether a model can see images.
	labels = {True: _("sees images"), False: _("text only"), None: _("not known whether it sees images")}
	for model in models:
		note = f" ({model.note})" if model.note else ""
		write(sys.stdout, f"{model.name}{note}\t{labels[model.vision]}\n")
	return EXIT_OK


def _check(client, args, token: CancelToken) -> int:
	client.check(token, onLine=lambda line: write(sys.stdout, line + "\n"))
	# Translators: command-line tool; the last line of a successful check.
	write(sys.stdout, _("Everything works.") + "\n")
	return EXIT_OK


def _describeCommand(client, args, token: CancelToken) -> int:
	conversation = Conversation(buildSystemPrompt())
	conversation.addUserTurn(args.prompt or DEFAULT_DESCRIBE_PROMPT, loadInputImage(args, client, token))
	return _describe(client, args, conversation, token)


def _askCommand(client, args, token: CancelToken) -> int:
	image = _readPicture(args)  # a missing file or a blank screen: nothing is transcribed or asked
	question = voiceCli.spokenQuestion(args, client.config, token) if args.questionAudio else args.question
	conversation = Conversation(args.prompt or buildSystemPrompt())
	conversation.addUserTurn(question, _sizedForModel(image, args, client, token))
	return _describe(client, args, conversation, token)


#: Each command's runner: (client, args, token) -> exit status.
COMMANDS = {"describe": _describeCommand, "ask": _askCommand, "models": _models, "check": _check}


def _run(args: argparse.Namespace, token: CancelToken) -> int:
	try:
		config = configFromArguments(args)
		if args.command == "transcribe":
			return voiceCli.runTranscribe(args, config, token)
		_checkCommand(args, config)
		client = createClient(config)
	except InvalidAddress as error:
		raise UsageError(cliSentence(error)) from None  # the address came from --base-url
	try:
		if args.command in watchCli.COMMANDS:
			return watchCli.run(args, config, client, token)
		return COMMANDS[args.command](client, args, token)
	finally:
		client.close()


def main(argv: list[str] | None = None) -> int:
	prepareStreams()
	try:
		args = parseArguments(argv)
	except UsageError as error:
		return usageFailure(error, PROGRAM, _Parser.commands)
	except SystemExit as done:  # --help and --version
		return done.code if isinstance(done.code, int) else EXIT_OK
	except OSError as error:  # --help into a closed pipe
		return failure(OutputFailed(str(error), closed=isinstance(error, BrokenPipeError)), False)
	except VisionDescriberError as error:  # --region needs Pillow, which may be broken
		return failure(error, False)
	token = CancelToken()
	with verboseLog(args.verbose):
		try:
			return _run(args, token)
		except UsageError as error:
			return usageFailure(error, PROGRAM, _Parser.commands)
		except KeyboardInterrupt as error:
			token.cancel()
			return failure(error, args.verbose)
		except Exception as error:  # typed errors, and any fault of the tool itself
			return failure(error, args.verbose)
