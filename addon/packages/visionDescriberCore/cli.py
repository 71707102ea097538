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

This module turns the parsed arguments into a request and runs the command; the parser and each
option's check live in `cliOptions`, reading and preparing the picture in `cliPictures`. A new command
is a parser in `cliOptions.buildParser`, its checks in `_checkCommand` and a runner in `COMMANDS`; the
voice commands (`transcribe`, `ask --question-audio`) live in `voiceCli`, watching (`watch`,
`changes`) in `watchCli`.
"""

import argparse
import os
import re
import sys

from . import voiceCli, watchCli
from .cancellation import CancelToken
from .clients import AZURE, OPENAI, OPENAI_COMPATIBLE, EndpointConfig, createClient
from .clients.endpoint import hostOf
from .clients.streaming import Finished, ReasoningDelta, TextDelta
from .cliOptions import PICTURE_COMMANDS, PROGRAM, _Parser, buildParser, parseArguments
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
from .cliPictures import loadInputImage, prepareInputImage, readPicture, sizedForModel
from .cliWording import OutputFailed, UsageError, badVariableName, cliSentence, variableNotSet
from .conversation.conversation import Conversation
from .conversation.prompts import DEFAULT_PRESET, buildDescribePrompt, buildSystemPrompt
from .errors import InvalidAddress, ModelNotChosen, VisionDescriberError
from .i18n import _
from .imaging.sizing import openaiDetailFor
from .settings import DEFAULT_MODELS

# The parser and the picture live in cliOptions and cliPictures; their names stay importable from here.
__all__ = [
	"EXIT_FAILED",
	"EXIT_INTERRUPTED",
	"EXIT_OK",
	"EXIT_USAGE",
	"PICTURE_COMMANDS",
	"PROGRAM",
	"OutputFailed",
	"UsageError",
	"buildParser",
	"configFromArguments",
	"loadInputImage",
	"main",
	"parseArguments",
	"prepareInputImage",
]

#: The add-on's own default request, so the terminal shows what NVDA users will hear.
DEFAULT_DESCRIBE_PROMPT = buildDescribePrompt(DEFAULT_PRESET)
DEFAULT_KEY_VARIABLES = {OPENAI: "OPENAI_API_KEY", AZURE: "AZURE_OPENAI_API_KEY"}
MODEL_COMMANDS = ("describe", "ask", "check", *watchCli.COMMANDS)
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


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
	image = readPicture(args)  # a missing file or a blank screen: nothing is transcribed or asked
	question = voiceCli.spokenQuestion(args, client.config, token) if args.questionAudio else args.question
	conversation = Conversation(args.prompt or buildSystemPrompt())
	conversation.addUserTurn(question, sizedForModel(image, args, client, token))
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
