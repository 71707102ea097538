"""The transcription client against a fake speech-to-text server on 127.0.0.1 that reads the real
multipart body, in each server's flavour, and with every failure: refused, 401/403, 413 and its
look-alikes, bad audio, too short, unknown model or language, a web page, a stall, a cut connection,
a cancel and an empty transcript. Every failure is one sentence with no key and no server body."""

import logging
import threading
import time

import pytest
from clientHelpers import Worker, waitUntil
from servers.fakeTranscription import QUESTION, FakeTranscription
from servers.httpServer import Disconnect, Reply, Stall, freePort
from visionDescriberCore import errors
from visionDescriberCore.cancellation import CancelToken
from visionDescriberCore.clients.errorMapping import parseErrorBody
from visionDescriberCore.clients.transcription import (
	TranscriptionClient,
	TranscriptionConfig,
	candidateUrls,
	cleanTranscript,
	languageCode,
	mapTranscriptionError,
)
from visionDescriberCore.voice import pcm

KEY = "sk-stt-secret-0123456789abcdef"


@pytest.fixture(scope="module")
def questionWav(voiceSamples) -> bytes:
	sample = voiceSamples["question"]
	data = pcm.readWav(sample.path)
	return pcm.wavBytes(data[int(0.7 * 32000) : int(3.1 * 32000)])


@pytest.fixture
def servers(noThreadLeak):
	started = []

	def start(flavour="openai", **options) -> FakeTranscription:
		server = FakeTranscription(flavour, **options).start()
		started.append(server)
		return server

	yield start
	for server in started:
		server.stop()


def client(server: FakeTranscription | None = None, **options) -> TranscriptionClient:
	settings = {"baseUrl": server.baseUrl if server else "", "model": "whisper-1", "language": "pt_BR"}
	settings.update(options)
	return TranscriptionClient(TranscriptionConfig(**settings))


@pytest.mark.parametrize(
	("flavour", "model"),
	[
		("openai", "gpt-4o-mini-transcribe"),
		("groq", "whisper-1"),
		("speaches", "Systran/faster-whisper-small"),
		("whispercpp", "ignored"),
		("localai", "whisper-1"),
		("vllm", "whisper-1"),
	],
)
def test_eachServerGetsTheSameMultipartFormAndTheWordsComeBack(servers, questionWav, flavour, model):
	server = servers(flavour, apiKey=None if flavour == "whispercpp" else KEY)
	with client(server, model=model, apiKey=KEY) as stt:
		assert stt.transcribe(questionWav) == QUESTION
	upload = server.uploads[-1]
	assert (upload.fileName, upload.fileType) == ("question.wav", "audio/wav")
	assert upload.audio == questionWav and upload.wavFormat() == (16000, 1, 2)
	assert upload.fields == {"model": model, "language": "pt", "response_format": "json"}
	request = server.requestsTo(server.path)[-1]
	assert request.header("authorization") == f"Bearer {KEY}"


def test_whisperCppsInferencePathIsFoundAndRemembered(servers, questionWav):
	server = servers("whispercpp")
	with client(server) as stt:
		assert stt.transcribe(questionWav) == QUESTION
		assert stt.transcribe(questionWav) == QUESTION
	assert [request.path for request in server.requests] == [
		"/v1/audio/transcriptions",
		"/inference",
		"/inference",
	]


def test_anAddressEndingInTheEndpointItselfIsUsedAsItIs(servers, questionWav):
	whisper = servers("whispercpp")
	openai = servers("openai")
	with client(baseUrl=whisper.url + "/inference") as stt:
		stt.transcribe(questionWav)
	with client(baseUrl=openai.url + "/v1/audio/transcriptions/") as stt:
		stt.transcribe(questionWav)
	assert [request.path for request in whisper.requests] == ["/inference"]
	assert [request.path for request in openai.requests] == ["/v1/audio/transcriptions"]


def test_addresses():
	assert candidateUrls("127.0.0.1:8000") == [
		"http://127.0.0.1:8000/v1/audio/transcriptions",
		"http://127.0.0.1:8000/inference",
	]
	assert candidateUrls("https://api.groq.com/openai/v1/") == [
		"https://api.groq.com/openai/v1/audio/transcriptions",
		"https://api.groq.com/openai/inference",
	]
	assert candidateUrls("")[0] == "http://127.0.0.1:8000/v1/audio/transcriptions"


@pytest.mark.parametrize(
	("nvda", "sent"),
	[
		("pt_BR", "pt"),
		("zh-TW", "zh"),
		("de", "de"),
		("EN_us", "en"),
		("", ""),
		("auto", ""),
		("gsw", ""),
		("ckb", ""),
	],
)
def test_languageCodes(nvda, sent):
	assert languageCode(nvda) == sent


def test_noLanguageLetsTheServerDetectIt(servers, questionWav):
	server = servers("speaches")
	with client(server, model="Systran/faster-whisper-small", language="") as stt:
		stt.transcribe(questionWav)
	assert "language" not in server.uploads[-1].fields


# --- Failures ----------------------------------------------------------------------------------------


def failureOf(stt: TranscriptionClient, wav: bytes, **kwargs) -> errors.VisionDescriberError:
	with pytest.raises(errors.VisionDescriberError) as raised:
		stt.transcribe(wav, **kwargs)
	return raised.value


def assertClean(error: errors.VisionDescriberError, *serverWords: str) -> None:
	"""One sentence for the user: no key, nothing the server said."""
	sentence = error.sentence
	assert KEY not in sentence and KEY not in (error.detail or "")
	for words in serverWords:
		assert words not in sentence
	assert sentence.count(". ") <= 2 and sentence.endswith(".")


def test_refused(questionWav):
	port = freePort()
	error = failureOf(client(baseUrl=f"http://127.0.0.1:{port}/v1"), questionWav)
	assert isinstance(error, errors.ServerUnreachable)
	# A refused connection on this computer says no server runs there (issue 16's wording).
	assert error.sentence.startswith(f"No server is running at http://127.0.0.1:{port}/v1 on this computer.")


@pytest.mark.parametrize(
	("flavour", "given"),
	[
		("openai", None),
		("openai", "sk-wrong-000000000000"),
		("groq", "sk-wrong-1111111111"),
		("speaches", "wrong"),
		("speaches", None),
	],
)
def test_aMissingOrRefusedKey(servers, questionWav, caplog, flavour, given):
	server = servers(flavour, apiKey=KEY)
	with caplog.at_level(logging.DEBUG, "visionDescriber"):
		error = failureOf(
			client(
				server,
				model="Systran/faster-whisper-small" if flavour == "speaches" else "whisper-1",
				apiKey=given,
			),
			questionWav,
		)
	assert isinstance(error, errors.AuthenticationFailed)
	if given is None:
		assert error.sentence == "This server needs an API key. Add one in Vision Describer settings."
	else:
		assert error.sentence == "The server refused the API key. Check or replace the key in settings."
		assert given not in caplog.text and given not in error.detail
	assertClean(error, "Incorrect API key", "Invalid API key")


@pytest.mark.parametrize("flavour", ["openai", "localai", "vllm", "speaches"])
def test_tooLarge(servers, questionWav, flavour):
	"""413 in JSON (OpenAI, LocalAI) or as a proxy's web page, and vLLM's 400 that means the same."""
	server = servers(flavour, maxBytes=10_000)
	error = failureOf(
		client(server, model="Systran/faster-whisper-small" if flavour == "speaches" else "whisper-1"),
		questionWav,
	)
	assert isinstance(error, errors.AudioTooLarge)
	assert error.sentence.startswith("The recording is too long for the speech-to-text server.")
	assertClean(error, "Maximum", "Entity")


@pytest.mark.parametrize("flavour", ["openai", "speaches", "whispercpp"])
def test_audioTheServerCannotRead(servers, flavour):
	"""A 400 (OpenAI), a 415 (speaches), and whisper.cpp's error with status 200."""
	server = servers(flavour)
	error = failureOf(client(server, model="Systran/faster-whisper-small"), b"RIFF not really a wave file")
	assert isinstance(error, errors.AudioRejected) and not error.tooShort
	assert error.sentence == (
		"The speech-to-text server could not use the recording. Try again; if it repeats, check the server's log."
	)
	assertClean(error, "Invalid file format", "decode", "failed to read")


def test_tooShortForOpenAI(servers):
	server = servers("openai")
	error = failureOf(client(server), pcm.wavBytes(bytes(2 * 800)))  # 50 ms
	assert isinstance(error, errors.AudioRejected) and error.tooShort
	assert error.sentence == "The recording was too short to understand. Speak again."


@pytest.mark.parametrize("flavour", ["openai", "speaches"])
def test_anUnknownModel(servers, questionWav, flavour):
	server = servers(flavour)
	error = failureOf(client(server, model="whisper-9"), questionWav)
	assert isinstance(error, errors.ModelNotFound)
	assert error.sentence == "The server does not know the model whisper-9. Choose another model in settings."


@pytest.mark.parametrize("flavour", ["openai", "vllm"])
def test_aLanguageTheServerDoesNotKnow(servers, questionWav, flavour):
	server = servers(flavour)
	error = failureOf(client(server, language="xx_YY"), questionWav)
	assert isinstance(error, errors.LanguageNotSupported)
	assert "does not know the language xx." in error.sentence


def test_gpt4oTranscribeTakesOnlyJson(servers, questionWav):
	"""The one format that every model takes is what is asked for."""
	server = servers("openai")
	with client(server, model="gpt-4o-mini-transcribe") as stt:
		assert stt.transcribe(questionWav) == QUESTION
	assert server.uploads[-1].fields["response_format"] == "json"


def test_aWebPageIsNotATranscriptionService(servers, questionWav):
	server = servers("openai")
	server.queueReply(Reply.text("<html><body>Router login</body></html>", contentType="text/html"))
	error = failureOf(client(server), questionWav)
	assert isinstance(error, errors.NoTranscriptionService)
	assert error.sentence == (
		f"There is no speech-to-text service at {server.url}/v1. Check the speech-to-text address in the voice settings."
	)
	assertClean(error, "Router")


def test_anAddressWhereNeitherPathExists(servers, questionWav):
	server = servers("openai")
	error = failureOf(client(baseUrl=server.url + "/somewhere/v1"), questionWav)
	assert isinstance(error, errors.NoTranscriptionService)
	assert [request.path for request in server.requests] == [
		"/somewhere/v1/audio/transcriptions",
		"/somewhere/inference",
	]


@pytest.mark.parametrize(
	("reply", "expected"),
	[
		(Reply.json({"error": {"message": "boom", "type": "server_error"}}, 500), errors.ServerError),
		(
			Reply.json(
				{"error": {"message": "Rate limit reached", "type": "requests"}}, 429, {"Retry-After": "7"}
			),
			errors.RateLimited,
		),
		(
			Reply.json(
				{"error": {"message": "You exceeded your current quota", "code": "insufficient_quota"}}, 429
			),
			errors.QuotaExceeded,
		),
		(Reply.json({"words": []}), errors.NoTranscriptionService),
		(
			Reply(200, [b'{"text": "How much'], "application/json", framing="length"),
			errors.NoTranscriptionService,
		),
	],
)
def test_otherAnswers(servers, questionWav, reply, expected):
	server = servers("openai")
	server.queueReply(reply)
	error = failureOf(client(server), questionWav)
	assert type(error) is expected
	assertClean(error, "boom", "Rate limit reached")


def test_aConnectionCutBeforeTheAnswer(servers, questionWav):
	server = servers("openai")
	server.queueReply(Reply(200, [b'{"te', Disconnect()], "application/json", framing="chunked"))
	error = failureOf(client(server), questionWav)
	assert isinstance(error, errors.StreamCutShort)
	assert error.sentence == "The connection closed before any answer arrived."


def test_aStallEndsAtTheReadTimeout(servers, questionWav):
	server = servers("openai")
	server.queueReply(Reply(200, [b"{}"], beforeHeaders=[Stall(timeout=10)]))
	started = time.perf_counter()
	error = failureOf(client(server, readTimeout=0.5), questionWav)
	assert isinstance(error, errors.TimedOut)
	assert time.perf_counter() - started < 3
	assert error.sentence.startswith("The model did not start answering within 1 seconds.")


def test_cancelWhileTheServerTranscribesClosesTheSocketAtOnce(servers, questionWav):
	server = servers("speaches")
	server.queueReply(Reply(200, [b"{}"], beforeHeaders=[Stall(timeout=20)]))
	token = CancelToken()
	stt = client(server, model="Systran/faster-whisper-small", readTimeout=30)
	worker = Worker(lambda: stt.transcribe(questionWav, token))
	waitUntil(lambda: server.requests)
	cancelledAt = time.perf_counter()
	token.cancel()
	worker.join()
	assert isinstance(worker.error, errors.Cancelled)
	assert worker.endedAt - cancelledAt < 0.5
	waitUntil(lambda: server.requests[0].clientClosedAt is not None)
	stt.close()


def test_aKeyNeverTravelsUnencryptedToAnotherComputer(questionWav):
	stt = client(baseUrl="http://192.0.2.10:8000/v1", apiKey=KEY)
	error = failureOf(stt, questionWav)
	assert isinstance(error, errors.InsecureConnection)
	assertClean(error)


# --- Empty transcripts and invented words ---------------------------------------------------------


@pytest.mark.parametrize(
	("flavour", "transcript"),
	[
		("openai", ""),
		("openai", "   "),
		("whispercpp", "[BLANK_AUDIO]"),
		("speaches", "(silence)"),
		("openai", "[Music] ..."),
	],
)
def test_anEmptyTranscriptIsOneSentence(servers, questionWav, flavour, transcript):
	server = servers(flavour)
	server.queueTranscript(transcript)
	error = failureOf(client(server, model="Systran/faster-whisper-small"), questionWav)
	assert isinstance(error, errors.EmptyTranscript)
	assert error.sentence == "No words were recognised. Speak again, a little closer to the microphone."


def test_inventedWordsOnNextToNoSpeechAreDropped(servers, questionWav):
	server = servers("openai")
	server.queueTranscript("Thank you.", "Thank you.")
	with client(server) as stt:
		with pytest.raises(errors.EmptyTranscript):
			stt.transcribe(questionWav, speechSeconds=0.4)
		# Said for real (more than a second of speech), it stays.
		assert stt.transcribe(questionWav, speechSeconds=1.5) == "Thank you."


def test_cleanTranscript():
	assert cleanTranscript(" [BLANK_AUDIO] What is this? [Music]\n") == "What is this?"
	assert cleanTranscript("Thanks for watching!", speechSeconds=0.2) == ""
	assert (
		cleanTranscript("Thanks for watching the game?", speechSeconds=0.2) == "Thanks for watching the game?"
	)
	assert cleanTranscript("(background noise) Read the title.") == "Read the title."


def test_transcribingIsSafeFromManyThreads(servers, questionWav):
	"""The NVDA layer makes one client per question on the worker, but a shared one must not break."""
	server = servers("openai")
	stt = client(server)
	results = []
	threads = [threading.Thread(target=lambda: results.append(stt.transcribe(questionWav))) for _ in range(3)]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join(10)
	stt.close()
	assert results == [QUESTION] * 3


@pytest.mark.parametrize(
	("status", "body", "expected"),
	[
		(
			404,
			'{"detail": "Model \'tiny\' is not supported. If you think this is a mistake, please open an issue."}',
			errors.ModelNotFound,
		),
		(
			400,
			'{"error": {"message": "The model does not support Transcriptions API", "type": "BadRequestError", "code": 400}}',
			errors.ModelNotFound,
		),
		(
			415,
			'{"detail": "Failed to decode audio. The provided file type is not supported."}',
			errors.AudioRejected,
		),
		(
			422,
			'{"detail": [{"type": "missing", "loc": ["body", "file"], "msg": "Field required"}]}',
			errors.AudioRejected,
		),
		(404, "File Not Found (/v1/audio/transcriptions)", type(None)),
		(502, "<html><body>Bad Gateway</body></html>", errors.ServerError),
		(
			403,
			'{"error": {"message": "Country, region, or territory not supported"}}',
			errors.PermissionDenied,
		),
	],
)
def test_whatEachErrorAnswerBecomes(status, body, expected):
	contentType = "text/html" if body.startswith("<") else "application/json"
	error = mapTranscriptionError(
		status,
		parseErrorBody(body, contentType),
		{},
		model="tiny",
		language="pt",
		keyPresent=False,
		where="x",
		detail="d",
	)
	assert type(error) is expected
