"""Spoken questions through the core, as the NVDA layer will drive them: the fake microphone playing
espeak-ng speech, the fake speech-to-text server and the fake Ollama on 127.0.0.1, the describer's
worker, and a stand-in main thread. Press, speech, stop by silence (or a second press), the
transcription request, then the question with the picture to the vision model; cancel while
recording and while transcribing; no microphone; nothing said; NVDA exiting mid-recording."""

import threading
import time
from dataclasses import replace

import pytest
from clientHelpers import waitUntil
from mainThread import MainThread
from PIL import Image, ImageDraw
from servers.fakeTranscription import QUESTION, FakeTranscription
from servers.httpServer import Reply, Stall
from visionDescriberCore import errors
from visionDescriberCore.describing import Describer
from visionDescriberCore.media import ImageSource
from visionDescriberCore.settings import Settings
from visionDescriberCore.voice.listening import CANCELLED, RECORDED, ListeningHooks
from visionDescriberCore.voice.recorder import FakeMicrophone
from visionDescriberCore.voiceQuestions import VoiceQuestions, transcriptionConfigFor

KEY = "sk-voice-0123456789abcdef"


class Events(ListeningHooks):
	"""Hooks and listener in one: records what reached the main thread, in order."""

	def __init__(self, mainThread: MainThread, microphone: FakeMicrophone | None = None):
		self.mainThread = mainThread
		self.microphone = microphone
		self.events: list[tuple] = []
		self.wrongThread = False
		self.done = threading.Event()
		self.onTranscriptDo = None

	def _record(self, *event):
		self.wrongThread |= not self.mainThread.isCurrent()
		self.events.append(event)

	def beforeRecording(self):
		self._record("before", self.microphone.opens if self.microphone else None)

	def afterRecording(self, outcome):
		self._record("after", outcome, self.microphone.isOpen if self.microphone else None)
		if outcome == CANCELLED:
			self.done.set()

	def onRecorded(self, recording):
		self._record("recorded", recording.stopReason)

	def onTranscript(self, text):
		self._record("transcript", text)
		if self.onTranscriptDo:
			self.onTranscriptDo(text)
		self.done.set()

	def onError(self, error):
		self._record("error", type(error).__name__, error.sentence)
		self.done.set()

	def kinds(self):
		return [event[0] for event in self.events]

	def wait(self):
		assert self.done.wait(15), self.events
		self.mainThread.drain()


@pytest.fixture
def mainThread():
	thread = MainThread()
	yield thread
	thread.stop()
	assert thread.errors == []


@pytest.fixture
def stt(noThreadLeak):
	with FakeTranscription("speaches", apiKey=KEY) as server:
		yield server


@pytest.fixture
def made(mainThread):
	describers = []

	def make(stt, microphone, ollama=None, **overrides):
		settings = replace(
			Settings(),
			sttBaseUrl=stt.baseUrl,
			baseUrl=ollama.url if ollama else Settings().baseUrl,
			model="gemma3:4b",
			**overrides,
		)
		keys = []
		describer = Describer(mainThread.post, lambda: settings, lambda s: None, lambda: "pt_BR")

		def key(given):
			keys.append((given, threading.current_thread().name))
			return KEY

		voice = VoiceQuestions(
			describer.runner,
			describer.runner.post,
			lambda: settings,
			key,
			lambda: "pt_BR",
			lambda: microphone,
		)
		describers.append((describer, voice))
		return describer, voice, keys

	yield make
	for describer, voice in describers:
		voice.terminate()
		assert describer.terminate(2)


def onMain(mainThread: MainThread, fn):
	"""Runs fn on the stand-in main thread (where the plugin calls the voice API) and returns its result."""
	result = []
	mainThread.post(lambda: result.append(fn()))
	mainThread.drain()
	return result[0]


def test_pressSpeakStopBySilenceAndTheWordsComeBack(voiceSamples, mainThread, stt, made):
	microphone = FakeMicrophone(voiceSamples["question"].path)
	describer, voice, keys = made(stt, microphone)
	events = Events(mainThread, microphone)
	assert onMain(mainThread, lambda: voice.listen(events, events))
	events.wait()
	assert events.events == [
		("before", 0),  # before the device opened
		("after", RECORDED, False),  # after it closed, before anything else is said
		("recorded", "endOfSpeech"),
		("transcript", QUESTION),
	]
	assert not events.wrongThread and not voice.busy
	upload = stt.uploads[0]
	assert upload.fields["language"] == "pt"  # NVDA's pt_BR
	assert upload.wavFormat() == (16000, 1, 2) and 1.5 < upload.seconds < 3.0
	assert stt.requests[0].header("authorization") == f"Bearer {KEY}"
	assert keys and keys[0][1] != mainThread.thread.name  # the key is read on the worker


def test_theSpokenQuestionGoesToTheVisionModelWithThePicture(voiceSamples, mainThread, stt, made, ollama):
	"""What the A command does with no conversation yet: capture the target, ask the spoken question."""
	microphone = FakeMicrophone(voiceSamples["question"].path)
	describer, voice, _ = made(stt, microphone, ollama)
	picture = Image.new("RGB", (320, 200), "white")
	ImageDraw.Draw(picture).rectangle((20, 20, 300, 60), fill="red")
	source = ImageSource(lambda: picture, "navigator object")
	answered = threading.Event()
	answer = {}

	class Answer:
		def onRequestSent(self):
			pass

		def onPhrase(self, text):
			answer.setdefault("phrases", []).append(text)

		def onAnswer(self, session, text):
			answer["text"] = text
			answered.set()

		def onError(self, error, session):
			answer["error"] = error
			answered.set()

	events = Events(mainThread, microphone)
	events.onTranscriptDo = lambda text: answer.setdefault(
		"started", describer.describe(source, Answer(), question=text)
	)
	assert onMain(mainThread, lambda: voice.listen(events, events))
	assert answered.wait(15), answer
	assert answer["started"] is True and "error" not in answer
	chat = ollama.chatRequests()[0].json
	message = chat["messages"][-1]
	assert message["content"].endswith(QUESTION) and len(message["images"]) == 1
	assert answer["phrases"]


def test_aSecondPressStopsTheRecording(voiceSamples, mainThread, stt, made):
	microphone = FakeMicrophone(voiceSamples["question"].path, realtime=True, speed=4)
	_, voice, _ = made(stt, microphone)
	events = Events(mainThread, microphone)
	assert onMain(mainThread, lambda: voice.listen(events, events))
	waitUntil(lambda: microphone.position > 1.4 * 32000)  # speaking
	assert onMain(mainThread, voice.listening.__bool__)
	assert onMain(mainThread, voice.stop)
	events.wait()
	assert events.kinds() == ["before", "after", "recorded", "transcript"]
	assert events.events[2] == ("recorded", "pressed")
	assert not onMain(mainThread, voice.stop)  # no longer listening


def test_cancelWhileRecordingSendsNothing(voiceSamples, mainThread, stt, made):
	microphone = FakeMicrophone(voiceSamples["question"].path, realtime=True, speed=2)
	_, voice, _ = made(stt, microphone)
	events = Events(mainThread, microphone)
	assert onMain(mainThread, lambda: voice.listen(events, events))
	waitUntil(lambda: microphone.position > 32000)
	assert onMain(mainThread, voice.cancel)
	events.wait()
	waitUntil(lambda: not voice.busy)
	mainThread.drain()
	assert events.events == [("before", 0), ("after", CANCELLED, False)]
	assert stt.requests == []


def test_cancelWhileTranscribingClosesTheConnection(voiceSamples, mainThread, stt, made):
	stt.queueReply(Reply(200, [b"{}"], beforeHeaders=[Stall(timeout=20)]))
	microphone = FakeMicrophone(voiceSamples["question"].path)
	_, voice, _ = made(stt, microphone)
	events = Events(mainThread, microphone)
	assert onMain(mainThread, lambda: voice.listen(events, events))
	stt.waitForRequests(1)
	cancelledAt = time.perf_counter()
	assert onMain(mainThread, voice.cancel)
	waitUntil(lambda: stt.requests[0].clientClosedAt is not None)
	assert stt.requests[0].clientClosedAt - cancelledAt < 0.5
	waitUntil(lambda: not voice.busy)
	mainThread.drain()
	assert events.kinds() == ["before", "after", "recorded"]  # no error reported: the canceller speaks


@pytest.mark.parametrize(
	("sample", "error", "sentence"),
	[
		("roomTone", "NothingHeard", "I heard nothing."),
		("digitalSilence", "MicrophoneSilent", "The microphone sends only silence"),
		(None, "MicrophoneUnavailable", "No microphone could be opened."),
	],
)
def test_nothingIsSentWithoutSpeech(voiceSamples, mainThread, stt, made, sample, error, sentence):
	if sample is None:
		microphone = FakeMicrophone(b"", openError=errors.MicrophoneUnavailable())
	else:
		microphone = FakeMicrophone(voiceSamples[sample].path)
	_, voice, _ = made(stt, microphone)
	events = Events(mainThread, microphone)
	assert onMain(mainThread, lambda: voice.listen(events, events))
	events.wait()
	assert events.kinds() == ["before", "after", "error"]
	assert events.events[2][1] == error and events.events[2][2].startswith(sentence)
	assert stt.requests == []


def test_aTranscriptionFailureIsOneSentence(voiceSamples, mainThread, stt, made):
	microphone = FakeMicrophone(voiceSamples["question"].path)
	_, voice, _ = made(stt, microphone, sttModel="whisper-9")
	events = Events(mainThread, microphone)
	assert onMain(mainThread, lambda: voice.listen(events, events))
	events.wait()
	assert events.events[-1] == (
		"error",
		"ModelNotFound",
		"The server does not know the model whisper-9. Choose another model in settings.",
	)


def test_whileTheWorkerIsBusyNothingStartsAndNothingChanges(voiceSamples, mainThread, stt, made):
	microphone = FakeMicrophone(voiceSamples["question"].path)
	describer, voice, _ = made(stt, microphone)
	release = threading.Event()
	assert describer.runner.submit(lambda token: release.wait(10))
	events = Events(mainThread, microphone)
	assert onMain(mainThread, lambda: voice.listen(events, events)) is False
	release.set()
	mainThread.drain()
	assert events.events == [] and microphone.opens == 0


def test_nvdaExitingMidRecordingRestoresAtOnce(voiceSamples, mainThread, stt, made):
	microphone = FakeMicrophone(voiceSamples["question"].path, realtime=True)
	describer, voice, _ = made(stt, microphone)
	events = Events(mainThread, microphone)
	assert onMain(mainThread, lambda: voice.listen(events, events))
	waitUntil(lambda: microphone.position > 16000)
	# terminate() runs on the main thread; the after hook must not wait for a later turn of it.
	ranInside = onMain(mainThread, lambda: (voice.terminate(), list(events.kinds()))[1])
	assert ranInside == ["before", "after"]
	assert describer.terminate(2)
	assert events.events[1][1] == CANCELLED and stt.requests == []


def test_theTranscriptionSettings():
	settings = replace(
		Settings(),
		sttBaseUrl="https://api.openai.com/v1",
		sttModel="gpt-4o-mini-transcribe",
		connectTimeout=7,
		readTimeout=90,
		allowUnencryptedRemote=True,
	)
	config = transcriptionConfigFor(settings, KEY, "pt_BR")
	assert (config.baseUrl, config.model, config.language) == (
		"https://api.openai.com/v1",
		"gpt-4o-mini-transcribe",
		"pt",
	)
	assert (config.connectTimeout, config.readTimeout, config.allowInsecureKey) == (7.0, 90.0, True)
	assert KEY not in repr(config)
	assert transcriptionConfigFor(replace(settings, sttLanguage="de"), None, "pt_BR").language == "de"
