"""The command line's spoken questions: `transcribe AUDIO_FILE`, and `ask ... --question-audio FILE`.

	python -m visionDescriberCore transcribe question.wav
	python -m visionDescriberCore ask screenshot.png --question-audio question.wav --model gemma3
	python -m visionDescriberCore ask --screen --question-audio question.wav --stt-base-url https://api.openai.com/v1

`cli.py` registers all of this: `addSpeechOptions(common)` puts the speech-to-text options beside the
other common ones, `addCommands(commands, common, ask)` adds the command and the ask option, and its
`ask` asks `spokenQuestion(...)` for the question when a recording was named. With `--question-audio`
the only positional argument is the picture; a typed question as well is a command mistake.

The audio file is any PCM (or float) WAV, at any rate and channel count, converted to 16 kHz mono
16-bit as the add-on records it (`voice.pcm`); nothing else is read. The transcription goes to the
speech-to-text server first and the question is printed on standard error ("You asked: ..."), so
standard output stays the answer alone. Unreadable audio or an empty transcript is one sentence and
status 1, and no chat request is made.

Keys, as in the add-on: `--stt-api-key-env NAME` names the variable holding the speech-to-text key;
without it, the vision key is reused only when both addresses have the same scheme, host and port,
and `OPENAI_API_KEY` is read only for OpenAI's own address.
"""

import argparse
import os
import re
import sys
from urllib.parse import urlsplit

from .apiKeys import sameOrigin
from .cancellation import CancelToken
from .clients import EndpointConfig
from .clients.transcription import (
	DEFAULT_TRANSCRIPTION_MODEL,
	DEFAULT_TRANSCRIPTION_URL,
	TranscriptionClient,
	TranscriptionConfig,
	languageCode,
)
from .cliWording import UsageError
from .voice import pcm
from .voice.endOfSpeech import DetectorOptions, EndOfSpeechDetector

OPENAI_HOST = "api.openai.com"
OPENAI_TRANSCRIPTION_MODEL = "gpt-4o-mini-transcribe"
#: Options that would put a key on the command line; refused before parsing.
KEY_OPTIONS = ("--stt-api-key", "--stt-key")

_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

OPTION_DEFAULTS = {
	"sttBaseUrl": "",
	"sttModel": "",
	"sttApiKeyEnv": None,
	"sttLanguage": "",
	"questionAudio": None,
}


def addSpeechOptions(common: argparse.ArgumentParser) -> None:
	common.add_argument(
		"--stt-base-url",
		dest="sttBaseUrl",
		metavar="URL",
		help=f"speech-to-text server, OpenAI-compatible, with /v1 (default {DEFAULT_TRANSCRIPTION_URL})",
	)
	common.add_argument(
		"--stt-model",
		dest="sttModel",
		metavar="NAME",
		help=f"speech-to-text model (default {DEFAULT_TRANSCRIPTION_MODEL}; {OPENAI_TRANSCRIPTION_MODEL} for OpenAI)",
	)
	common.add_argument(
		"--stt-api-key-env",
		dest="sttApiKeyEnv",
		metavar="NAME",
		help="read the speech-to-text key from this environment variable",
	)
	common.add_argument(
		"--stt-language",
		dest="sttLanguage",
		metavar="CODE",
		help="language spoken in the recording, e.g. pt (default: the server detects it)",
	)


def addCommands(commands, common: argparse.ArgumentParser, ask: argparse.ArgumentParser) -> None:
	transcribe = commands.add_parser(
		"transcribe",
		parents=[common],
		allow_abbrev=False,
		help="print the words spoken in AUDIO_FILE (a WAV file)",
	)
	transcribe.add_argument("audio", metavar="AUDIO_FILE")
	ask.add_argument(
		"--question-audio",
		dest="questionAudio",
		metavar="AUDIO_FILE",
		help="take the question from this recording (a WAV file) instead of typing it",
	)


def fillDefaults(args: argparse.Namespace) -> None:
	for name, default in OPTION_DEFAULTS.items():
		if not hasattr(args, name):
			setattr(args, name, default)


def takeAskWords(args: argparse.Namespace) -> bool:
	"""With --question-audio: the one positional argument is the picture. True when it applied."""
	if not args.questionAudio:
		return False
	picture = bool(args.screen or args.region is not None)
	if len(args.words) > (0 if picture else 1):
		raise UsageError(
			"With --question-audio, the question comes from the recording: name only the picture "
			"(ask IMAGE_FILE --question-audio AUDIO_FILE, or --screen, or --region)."
		)
	args.image = args.words[0] if args.words else None
	args.question = None
	return True


def transcriptionConfigFromArguments(
	args: argparse.Namespace, vision: EndpointConfig | None, environ=None
) -> TranscriptionConfig:
	environ = os.environ if environ is None else environ
	baseUrl = args.sttBaseUrl or DEFAULT_TRANSCRIPTION_URL
	host = urlsplit(baseUrl if "://" in baseUrl else "//" + baseUrl).hostname or ""
	isOpenAI = host.lower() == OPENAI_HOST
	return TranscriptionConfig(
		baseUrl=baseUrl,
		model=args.sttModel or (OPENAI_TRANSCRIPTION_MODEL if isOpenAI else DEFAULT_TRANSCRIPTION_MODEL),
		language=languageCode(args.sttLanguage),
		apiKey=_key(args, vision, baseUrl, isOpenAI, environ),
		readTimeout=args.timeout,
	)


def _key(args, vision: EndpointConfig | None, baseUrl: str, isOpenAI: bool, environ) -> str | None:
	if args.sttApiKeyEnv is not None:
		if not _VARIABLE_NAME.fullmatch(args.sttApiKeyEnv):
			# Not echoed: a key pasted here by mistake must not be printed.
			raise UsageError(
				"--stt-api-key-env takes the name of an environment variable, such as GROQ_API_KEY."
			)
		key = environ.get(args.sttApiKeyEnv) or None
		if key is None:
			raise UsageError(f"The environment variable {args.sttApiKeyEnv} is not set or is empty.")
		return key
	if vision is not None and vision.apiKey and sameOrigin(_withScheme(baseUrl), vision.resolvedBaseUrl()):
		return vision.apiKey
	if isOpenAI:
		return environ.get("OPENAI_API_KEY") or None
	return None


def _withScheme(url: str) -> str:
	return url if "://" in url else "http://" + url


def transcribeFile(path: str, config: TranscriptionConfig, token: CancelToken) -> str:
	"""The words in a WAV file, converted to 16 kHz mono first."""
	audio = pcm.readWav(path)
	voiced = _voicedSeconds(audio)
	with TranscriptionClient(config) as client:
		return client.transcribe(pcm.wavBytes(audio), token, speechSeconds=voiced)


def _voicedSeconds(audio: bytes) -> float:
	"""How much of the file is speech, for telling words from what a model invents on silence."""
	endless = 1e9
	detector = EndOfSpeechDetector(
		DetectorOptions(
			endSilenceSeconds=endless,
			noSpeechSeconds=endless,
			maxSeconds=endless,
			digitalSilenceSeconds=endless,
		)
	)
	detector.feed(audio)
	return detector.voicedSeconds


def spokenQuestion(args: argparse.Namespace, vision: EndpointConfig, token: CancelToken) -> str:
	"""The question from --question-audio, also printed on standard error."""
	question = transcribeFile(args.questionAudio, transcriptionConfigFromArguments(args, vision), token)
	sys.stderr.write(f"You asked: {question}\n")
	sys.stderr.flush()
	return question


def runTranscribe(args: argparse.Namespace, vision: EndpointConfig | None, token: CancelToken) -> int:
	text = transcribeFile(args.audio, transcriptionConfigFromArguments(args, vision), token)
	sys.stdout.write(text + "\n")
	sys.stdout.flush()
	return 0
