"""The command line's spoken questions as real processes: `transcribe AUDIO_FILE` and `ask ...
--question-audio AUDIO_FILE` against the fake speech-to-text server and the fake Ollama on 127.0.0.1,
with espeak-ng speech saved as a sound editor would (44.1 kHz stereo 24-bit)."""

import argparse
import base64
import io
import signal
import time

import pytest
from clientHelpers import waitUntil
from PIL import Image
from servers.fakeOllama import FakeOllama
from servers.fakeTranscription import QUESTION, FakeTranscription
from servers.httpServer import Reply, Stall
from test_cli import environment, paintedDisplay, run, start  # noqa: F401 - paintedDisplay is a fixture
from visionDescriberCore import voiceCli
from visionDescriberCore.clients import EndpointConfig
from visionDescriberCore.cliWording import UsageError

KEY = "sk-stt-cli-0123456789abcdef"


@pytest.fixture
def stt(noThreadLeak):
	with FakeTranscription("speaches") as server:
		yield server


@pytest.fixture
def ollamaServer(noThreadLeak):
	with FakeOllama() as server:
		yield server


@pytest.fixture
def picture(tmp_path):
	path = tmp_path / "game.png"
	Image.new("RGB", (60, 40), "navy").save(path)
	return path


@pytest.fixture
def question(voiceSamples):
	return str(voiceSamples["stereoQuestion"].path)


def test_transcribePrintsTheWordsOfAnyPcmWav(stt, question):
	result = run("transcribe", question, "--stt-base-url", stt.baseUrl)
	assert result.returncode == 0, result.stderr
	assert (result.stdout, result.stderr) == (QUESTION + "\n", "")
	upload = stt.uploads[0]
	assert upload.wavFormat() == (16000, 1, 2)  # converted from 44.1 kHz stereo 24-bit
	assert upload.seconds == pytest.approx(5.73, abs=0.05)
	assert upload.fields == {"model": "Systran/faster-whisper-small", "response_format": "json"}


def test_askWithAQuestionAudioTranscribesThenAsks(stt, ollamaServer, question, picture):
	result = run(
		"ask",
		str(picture),
		"--question-audio",
		question,
		"--stt-base-url",
		stt.baseUrl,
		"--stt-language",
		"en_GB",
		"--base-url",
		ollamaServer.url,
		"--model",
		"gemma3:4b",
	)
	assert result.returncode == 0, result.stderr
	assert result.stderr == f"You asked: {QUESTION}\n"
	assert result.stdout == "A small black square sits in the middle of a white picture.\n"
	assert stt.uploads[0].fields["language"] == "en"
	message = ollamaServer.chatRequests()[0].json["messages"][-1]
	assert message["content"] == QUESTION
	sent = Image.open(io.BytesIO(base64.b64decode(message["images"][0])))
	assert sent.convert("RGB").getpixel((0, 0)) == (0, 0, 128)


def test_askAboutARegionOfTheScreenByVoice(stt, ollamaServer, question, paintedDisplay):  # noqa: F811
	result = run(
		"ask",
		"--region",
		"100,100,640,400",
		"--question-audio",
		question,
		"--stt-base-url",
		stt.baseUrl,
		"--base-url",
		ollamaServer.url,
		"--model",
		"gemma3:4b",
		env=environment(DISPLAY=paintedDisplay.name),
	)
	assert result.returncode == 0, result.stderr
	message = ollamaServer.chatRequests()[0].json["messages"][-1]
	assert message["content"] == QUESTION and message["images"]


@pytest.mark.parametrize(
	"arguments",
	[
		["ask", "game.png", "What is this?", "--question-audio", "q.wav"],
		["ask", "--screen", "game.png", "--question-audio", "q.wav"],
		["ask", "--screen", "What is this?", "--question-audio", "q.wav"],
	],
)
def test_aTypedQuestionBesideARecordingIsACommandMistake(arguments, stt, ollamaServer):
	result = run(*arguments, "--stt-base-url", stt.baseUrl, "--base-url", ollamaServer.url, "--model", "m")
	assert result.returncode == 2
	assert result.stderr.startswith("With --question-audio, the question comes from the recording")
	assert stt.requests == [] and ollamaServer.requests == []


@pytest.mark.parametrize(
	("audio", "sentence"),
	[
		("notes.txt", "Could not read audio from notes.txt. Use a WAV file (PCM)."),
		("missing.wav", "The file missing.wav was not found."),
	],
)
def test_unreadableAudioIsOneSentenceAndNothingIsSent(stt, ollamaServer, picture, tmp_path, audio, sentence):
	if audio == "notes.txt":
		(tmp_path / audio).write_text("not a recording")
	common = ["--stt-base-url", stt.baseUrl, "--base-url", ollamaServer.url, "--model", "gemma3:4b"]
	asked = run("ask", str(picture), "--question-audio", str(tmp_path / audio), *common)
	transcribed = run("transcribe", str(tmp_path / audio), *common)
	for result in (asked, transcribed):
		assert (result.returncode, result.stdout, result.stderr) == (1, "", sentence + "\n")
	assert stt.requests == [] and ollamaServer.requests == []


def test_anEmptyTranscriptAsksNothing(stt, ollamaServer, picture, voiceSamples):
	"""Room noise only: the server invents nothing here (speaches), the transcript is empty."""
	result = run(
		"ask",
		str(picture),
		"--question-audio",
		str(voiceSamples["roomTone"].path),
		"--stt-base-url",
		stt.baseUrl,
		"--base-url",
		ollamaServer.url,
		"--model",
		"gemma3:4b",
	)
	assert result.returncode == 1
	assert result.stderr == "No words were recognised. Speak again, a little closer to the microphone.\n"
	assert len(stt.requests) == 1 and ollamaServer.requests == []


def test_whisperInventingThankYouOnSilenceAsksNothing(noThreadLeak, voiceSamples):
	with FakeTranscription("openai") as server:
		result = run("transcribe", str(voiceSamples["roomTone"].path), "--stt-base-url", server.baseUrl)
	assert result.returncode == 1 and "No words were recognised" in result.stderr


def test_aRefusedKeyIsOneSentenceWithoutTheKey(noThreadLeak, question):
	with FakeTranscription("openai", apiKey="sk-the-right-one-000000") as server:
		result = run(
			"transcribe",
			question,
			"--stt-base-url",
			server.baseUrl,
			"--stt-api-key-env",
			"STT_KEY",
			env=environment(STT_KEY=KEY),
		)
		assert server.requests[0].header("authorization") == f"Bearer {KEY}"
	assert result.returncode == 1
	assert (
		result.stderr
		== "The server refused the API key. Check the key in the environment variable that holds it.\n"
	)
	assert KEY not in result.stdout + result.stderr


def test_openaisKeyVariableGoesOnlyToOpenAI(stt, question):
	result = run("transcribe", question, "--stt-base-url", stt.baseUrl, env=environment(OPENAI_API_KEY=KEY))
	assert result.returncode == 0, result.stderr
	assert stt.requests[0].header("authorization") is None


def test_aKeyOnTheCommandLineIsRefused(stt, question):
	result = run("transcribe", question, f"--stt-api-key={KEY}")
	assert result.returncode == 2 and KEY not in result.stderr
	assert stt.requests == []


def test_ctrlCWhileTranscribingCancelsAtOnce(stt, question):
	stt.queueReply(Reply(200, [b"{}"], beforeHeaders=[Stall(timeout=20)]))
	process = start("transcribe", question, "--stt-base-url", stt.baseUrl)
	try:
		request = stt.waitForRequests(1)[0]
		time.sleep(0.2)
		process.send_signal(signal.SIGINT)
		out, err = process.communicate(timeout=10)
	finally:
		if process.poll() is None:
			process.kill()
			process.communicate()
	assert process.returncode == 130 and err.decode().strip() == "Cancelled."
	waitUntil(lambda: request.clientClosedAt is not None)


# --- Which key goes where (in process) -----------------------------------------------------------------


def speechArguments(**values) -> argparse.Namespace:
	args = argparse.Namespace(timeout=120.0)
	voiceCli.fillDefaults(args)
	for name, value in values.items():
		setattr(args, name, value)
	return args


def test_theVisionKeyIsReusedOnlyAtTheSameOrigin():
	vision = EndpointConfig(
		provider="openaiCompatible", baseUrl="https://llm.example.com/v1", apiKey="vision-key"
	)
	same = voiceCli.transcriptionConfigFromArguments(
		speechArguments(sttBaseUrl="https://llm.example.com:443/v1"), vision, environ={}
	)
	other = voiceCli.transcriptionConfigFromArguments(
		speechArguments(sttBaseUrl="https://llm.example.com:8443/v1"), vision, environ={}
	)
	assert (same.apiKey, other.apiKey) == ("vision-key", None)


def test_openaiGetsItsVariableAndItsTranscriptionModel():
	config = voiceCli.transcriptionConfigFromArguments(
		speechArguments(sttBaseUrl="https://api.openai.com/v1"), None, environ={"OPENAI_API_KEY": KEY}
	)
	assert (config.apiKey, config.model) == (KEY, "gpt-4o-mini-transcribe")
	local = voiceCli.transcriptionConfigFromArguments(
		speechArguments(), None, environ={"OPENAI_API_KEY": KEY}
	)
	assert (local.apiKey, local.baseUrl) == (None, "http://127.0.0.1:8000/v1")


@pytest.mark.parametrize(
	("variable", "message"),
	[
		("UNSET_VARIABLE", "The environment variable UNSET_VARIABLE is not set or is empty."),
		("sk-pasted key", "--stt-api-key-env takes the name"),
	],
)
def test_aBadKeyVariableIsACommandMistake(variable, message):
	with pytest.raises(UsageError) as raised:
		voiceCli.transcriptionConfigFromArguments(speechArguments(sttApiKeyEnv=variable), None, environ={})
	assert raised.value.sentence.startswith(message)
	assert "sk-pasted" not in raised.value.sentence
