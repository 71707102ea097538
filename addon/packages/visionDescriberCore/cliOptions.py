"""The command-line tool's options: the parser, each value's check, and the arguments read.

Runs on the tool's one thread. Every value is refused with its own sentence (`cliWording`) before
anything is read or sent, and argparse's own mistakes become one sentence and a short usage line
instead of a page of usage. A key is refused on the command line before argparse sees it, so its error
can never repeat the key. The speech-to-text options come from `voiceCli`, the `watch` and `changes`
commands from `watchCli`; `cli` turns what is parsed here into a request and runs it.
"""

import argparse
import difflib
import math
import os
import re
import sys

from . import __version__, voiceCli, watchCli
from .clients import AZURE, OLLAMA, OPENAI, OPENAI_COMPATIBLE
from .cliWording import (
	UsageError,
	badDuration,
	badOldDetail,
	badPictureDetail,
	badRegion,
	badSeconds,
	badWholeNumber,
	keyOnCommandLine,
	notACommand,
)
from .i18n import _
from .imaging.sizing import BALANCED, LEGACY_IMAGE_DETAILS, PICTURE_DETAILS, levelFromLegacyDetail

PROGRAM = "python -m visionDescriberCore"
PICTURE_COMMANDS = ("describe", "ask")

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


# --- Reading the command line -------------------------------------------------------------------------

_KEY_OPTIONS = ("--api-key", "--apikey", "--key", "--token", *voiceCli.KEY_OPTIONS)
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
