"""Asking aloud (A) end to end through the plugin: keys as NVDA handles them (`pressInNvda`), a fake
microphone playing espeak-ng speech (tests/core/voiceSamples.py), the fake speech-to-text server and
the fake Ollama on 127.0.0.1, real captures of a real window on Xvfb.

Press, speech, stop by silence or by a second press, the transcription request, the chat request
carrying the question and the picture, the answer spoken; NVDA's speech kept quiet while recording
and given back after, whatever ended it; cancel while recording (Escape, the layer's cancel key) and
while transcribing; no microphone; nothing said; no conversation yet; a new picture per question; a
locked screen mid-recording; NVDA exiting mid-recording; speech modes."""

import types

import pytest
from pluginDriver import RED, configure, near, pressInNvda, pumpFor, pumpUntil, sentImage
from servers.fakeOllama import ollamaReply
from servers.fakeTranscription import QUESTION
from servers.httpServer import Gate, Reply
from visionDescriberCore import errors
from voiceDriver import beepsOf, notesIn

pytestmark = pytest.mark.display

ASKED = f"You asked: {QUESTION}"
ANSWER = "You have three hearts left."


def describeFirst(started) -> None:
	started.server.queueChat(ollamaReply(["A chart in red and teal."]))
	started.plugin.script_describeNavigator(None)
	started.waitForAnswer()
	started.forgetSpeech()


# --- The whole way -------------------------------------------------------------------------------------


def test_aSpokenQuestionGoesToTheConversationWithItsPictureAndTheAnswerIsSpoken(started, picture, voice):
	import braille
	import speech
	import tones
	import ui
	from visionDescriber.voiceInput import FALLING_TONE, RISING_TONE

	describeFirst(started)
	first = started.server.chatRequests()[0]
	started.server.queueChat(ollamaReply(["You have three ", "hearts left."]))
	microphone = voice.use(realtime=True, speed=3)
	beeps = len(tones.testing.beeps)
	voice.pressA()
	assert beepsOf(beeps)[-1] == RISING_TONE[0]  # before the device opened
	voice.waitUntilListening()
	assert pumpUntil(lambda: notesIn(beepsOf(beeps), RISING_TONE), 1)
	assert "Listening: ask your question" in braille.testing.messages
	# While listening nothing NVDA says reaches the synthesizer: not a message, not a focus change.
	assert voice.quiet
	ui.message("Chart1, graphic")
	speech.speak(["focus moved"])
	assert started.spoken == []
	assert ["focus moved"] in speech.testing.filtered

	assert pumpUntil(lambda: ANSWER in " ".join(started.spoken), 15)  # stopped by the end of speech
	voice.waitUntilIdle()
	assert not voice.quiet  # given back
	assert started.spoken[0] == ASKED  # said briefly first
	assert " ".join(started.spoken[1:]) == ANSWER
	assert notesIn(beepsOf(beeps), RISING_TONE + FALLING_TONE)

	[upload] = voice.stt.uploads
	assert upload.fileName.endswith(".wav") and upload.wavFormat() == (16000, 1, 2)
	assert upload.fields["language"] == "en"  # NVDA's language
	assert upload.seconds < microphone.seconds - 1  # trimmed to the speech
	request = started.server.chatRequests()[1]
	messages = request.json["messages"]
	assert messages[-1]["content"] == QUESTION
	assert first.json["messages"][-1]["images"] == messages[1]["images"]  # the conversation's picture
	session = started.plugin.describer.lastSession
	assert [turn.text for turn in session.conversation.turns][-2:] == [QUESTION, ANSWER]
	pressInNvda(started.plugin, "kb:NVDA+alt+v")
	pressInNvda(started.plugin, "kb:r")
	assert started.spoken[-1] == ANSWER  # R repeats it like a description


def test_withNoConversationYetTheNavigatorObjectIsCapturedAndAskedAbout(started, picture, voice):
	started.server.queueChat(ollamaReply([ANSWER]))
	voice.use()
	voice.pressA()
	assert pumpUntil(lambda: ANSWER in started.spoken, 15)
	voice.waitUntilIdle()
	[request] = started.server.chatRequests()
	content = request.json["messages"][-1]["content"]
	assert content.endswith(QUESTION) and "chart1" in content  # the object's context, then the question
	image = sentImage(request)
	assert near(image.getpixel((5, 5)), RED)
	assert started.recorder.captured[0].size == picture[2:]  # exactly the navigator object
	assert started.plugin.describer.lastSession.conversation.turns[0].text == content


def test_aNewPictureForEachQuestionIsAddedToTheConversation(started, picture, voice):
	describeFirst(started)
	configure(voiceNewPicture=True, voiceTarget="screen")
	started.server.queueChat(ollamaReply([ANSWER]))
	voice.use()
	voice.pressA()
	assert pumpUntil(lambda: ANSWER in started.spoken, 15)
	voice.waitUntilIdle()
	first, second = started.recorder.captured
	assert first.size == picture[2:] and second.size[0] > first.size[0]  # the whole screen this time
	session = started.plugin.describer.lastSession
	assert started.plugin.describer.sessions == [session]  # the same conversation
	turns = session.conversation.turns
	assert len(turns) == 4 and turns[2].text == QUESTION and turns[2].image is not None
	assert started.server.chatRequests()[1].json["messages"][-1]["images"]


def test_withoutSpeakTranscriptOnlyTheAnswerIsHeard(started, picture, voice):
	configure(speakTranscript=False)
	started.server.queueChat(ollamaReply([ANSWER]))
	voice.use()
	voice.pressA()
	assert pumpUntil(lambda: ANSWER in started.spoken, 15)
	assert ASKED not in started.spoken


def test_aSecondPressStopsListeningAndKeepsWhatWasSaid(started, picture, voice):
	from visionDescriber.voiceInput import FALLING_TONE

	started.server.queueChat(ollamaReply([ANSWER]))
	sample = voice.samples["question"]
	microphone = voice.use(realtime=True, speed=2)
	voice.pressA()
	voice.waitUntilListening()
	# Mid-sentence: about half the question said.
	middle = (sample.speechStart + sample.speechEnd) / 2
	assert pumpUntil(lambda: microphone.position / 32000 > middle, 10)
	beeps = len(__import__("tones").testing.beeps)
	voice.pressA()
	assert pumpUntil(lambda: not microphone.isOpen, 2)
	assert pumpUntil(lambda: ANSWER in started.spoken, 15)
	voice.waitUntilIdle()
	[upload] = voice.stt.uploads
	assert upload.seconds < sample.speechEnd - sample.speechStart  # cut where the press came
	assert notesIn(beepsOf(beeps), FALLING_TONE)


# --- Nothing heard, no microphone, a server failure -----------------------------------------------------


def test_nothingSaidIsOneSentenceAndNothingIsSent(started, picture, voice):
	from visionDescriber.voiceInput import FALLING_TONE

	voice.use("roomTone")
	voice.pressA()
	assert pumpUntil(lambda: errors.NothingHeard().sentence in started.spoken, 15)
	voice.waitUntilIdle()
	assert started.spoken == ["I heard nothing."]
	assert voice.stt.uploads == [] and started.server.chatRequests() == []
	assert notesIn(beepsOf(), FALLING_TONE) and not voice.quiet


@pytest.mark.parametrize(
	"reason", [errors.MicrophoneUnavailable.NONE, errors.MicrophoneUnavailable.BUSY, "windowsDefault"]
)
def test_noMicrophoneIsASentenceThatSaysWhereToFixIt(started, picture, voice, reason):
	from visionDescriber.voiceInput import FALLING_TONE

	if reason == "windowsDefault":  # the add-on's own recorder, here without winmm: nothing opens
		voice.plugin.recorderFactory = None
		expected = errors.MicrophoneUnavailable(errors.MicrophoneUnavailable.FAILED).sentence
	else:
		voice.use(openError=errors.MicrophoneUnavailable(reason))
		expected = errors.MicrophoneUnavailable(reason).sentence
	voice.pressA()
	assert pumpUntil(lambda: expected in started.spoken, 10)
	voice.waitUntilIdle()
	assert "Windows Settings" in expected or "another program" in expected
	assert not voice.quiet and not notesIn(beepsOf(), FALLING_TONE)
	assert voice.stt.uploads == [] and started.server.chatRequests() == []


def test_aMicrophoneThatSendsOnlySilenceSaysWindowsMayBeBlockingIt(started, picture, voice):
	voice.use("digitalSilence")
	voice.pressA()
	assert pumpUntil(lambda: errors.MicrophoneSilent().sentence in started.spoken, 10)
	assert voice.stt.uploads == []


def test_aSpeechToTextFailureIsItsSentenceAndRRepeatsItWhenItWasNotHeard(started, picture, voice):
	import speech
	from visionDescriber.speechOutput import ERROR_TONE

	voice.stt.queueReply(Reply.json({"detail": "Not Found"}, 404))
	speech.setSpeechMode(speech.SpeechMode.off)
	voice.use()
	voice.pressA()
	voice.waitUntilIdle()
	assert ERROR_TONE in beepsOf()  # not heard: the error tone
	assert started.server.chatRequests() == []
	speech.setSpeechMode(speech.SpeechMode.talk)
	pressInNvda(started.plugin, "kb:NVDA+alt+v")
	pressInNvda(started.plugin, "kb:r")
	sentence = started.spoken[-1]
	assert sentence.startswith("There is no speech-to-text service at") and "voice settings" in sentence


# --- Cancel ------------------------------------------------------------------------------------------------


def test_escapeWhileListeningThrowsTheRecordingAwayAndIsOnlyTakenThen(started, picture, voice):
	from visionDescriber.voiceInput import FALLING_TONE

	assert not pressInNvda(started.plugin, "kb:escape")  # not listening: Escape is the application's
	microphone = voice.use("roomTone", realtime=True)
	voice.pressA()
	voice.waitUntilListening()
	beeps = len(__import__("tones").testing.beeps)
	assert pressInNvda(started.plugin, "kb:escape")
	assert started.spoken == [errors.Cancelled().sentence]  # heard: speech was given back first
	assert pumpUntil(lambda: not microphone.isOpen, 2)
	voice.waitUntilIdle()
	assert not voice.quiet and not notesIn(beepsOf(beeps), FALLING_TONE)
	assert voice.stt.uploads == [] and started.server.chatRequests() == []
	assert not pressInNvda(started.plugin, "kb:escape")  # the application's again


def test_theLayersCancelKeyThrowsTheRecordingAway(started, picture, voice):
	microphone = voice.use("roomTone", realtime=True)
	voice.pressA()
	voice.waitUntilListening()
	voice.pressCancelKey()
	assert started.spoken == [errors.Cancelled().sentence]
	assert pumpUntil(lambda: not microphone.isOpen, 2)
	voice.waitUntilIdle()
	assert voice.stt.uploads == [] and not voice.quiet


def test_theCancelKeyStopsATranscriptionOnItsWay(started, picture, voice):
	import threading

	gate = threading.Event()
	late = Reply(200, [b'{"text": "too late"}'], framing="length", beforeHeaders=[Gate(gate, timeout=10)])
	voice.stt.queueReply(late)
	voice.use()
	voice.pressA()
	assert pumpUntil(lambda: len(voice.stt.requests) == 1, 10)
	voice.pressCancelKey()
	assert started.spoken == [errors.Cancelled().sentence]
	assert pumpUntil(lambda: not voice.plugin.voiceInput.busy, 2)  # at once, not when the server answers
	gate.set()
	voice.waitUntilIdle()
	assert started.server.chatRequests() == [] and started.spoken == [errors.Cancelled().sentence]


def test_aPressWhileDescribingIsAnsweredAndNothingListens(started, picture, voice):
	import threading

	gate = threading.Event()
	lines = ollamaReply(["A chart."]).body
	started.server.queueChat(Reply(200, [Gate(gate, timeout=10), *lines], "application/x-ndjson"))
	started.plugin.script_describeNavigator(None)
	assert pumpUntil(lambda: len(started.server.chatRequests()) == 1, 5)
	voice.use()
	voice.pressA()
	assert started.spoken[-1].startswith("Still describing; press NVDA+alt+v then x")
	assert voice.microphone.opens == 0 and not voice.quiet
	gate.set()
	started.waitForAnswer()


# --- Locked screen, NVDA exiting, secure desktops -----------------------------------------------------------


def test_lockingWindowsMidRecordingThrowsItAwaySilentlyAndGivesSpeechBack(started, picture, voice):
	from winAPI import sessionTracking

	microphone = voice.use(realtime=True, speed=0.5)
	voice.pressA()
	voice.waitUntilListening()
	sessionTracking.testing.lock()
	assert not voice.quiet  # at once: the lock screen speaks for itself
	assert pumpUntil(lambda: not microphone.isOpen, 2)
	voice.waitUntilIdle()
	assert started.spoken == []
	assert voice.stt.uploads == [] and started.server.chatRequests() == []
	sessionTracking.testing.unlock()
	started.server.queueChat(ollamaReply([ANSWER]))
	voice.use()
	voice.pressA()  # and afterwards it works again
	assert pumpUntil(lambda: ANSWER in started.spoken, 15)


def test_nvdaExitingMidRecordingGivesSpeechBackAtOnce(started, picture, voice):
	microphone = voice.use(realtime=True, speed=0.5)
	voice.pressA()
	voice.waitUntilListening()
	started.plugin.terminate()
	assert not voice.quiet
	assert not microphone.isOpen
	assert voice.stt.uploads == []


def test_onASecureDesktopNothingListens(started, picture, voice):
	from utils import security

	security.testing.secureDesktop = True
	voice.use()
	started.plugin.script_askAloud(None)
	assert started.spoken[-1] == errors.SecureScreen().sentence
	pumpFor(0.2)
	assert voice.microphone.opens == 0 and not voice.quiet


# --- Speech modes -----------------------------------------------------------------------------------------------


def test_onDemandTheAnswerEndsWithATonePressRToHearItAndTheModeIsKept(started, picture, voice):
	import speech
	from visionDescriber.speechOutput import READY_TONE

	speech.setSpeechMode(speech.SpeechMode.onDemand)
	started.server.queueChat(ollamaReply([ANSWER]))
	voice.use()
	voice.pressA()
	assert pumpUntil(lambda: READY_TONE in beepsOf(), 15)
	voice.waitUntilIdle()
	assert started.spoken == []  # nothing arrives inside a script
	assert speech.getState().speechMode == speech.SpeechMode.onDemand  # the user's mode, untouched
	pressInNvda(started.plugin, "kb:NVDA+alt+v")
	pressInNvda(started.plugin, "kb:r")
	assert started.spoken == [ANSWER]


def test_onDemandWhatThePressAnswersAtOnceIsHeard(started, picture, voice):
	import speech

	speech.setSpeechMode(speech.SpeechMode.onDemand)
	voice.use("roomTone", realtime=True)
	voice.pressA()
	voice.waitUntilListening()
	assert pressInNvda(started.plugin, "kb:escape")
	assert started.spoken == [errors.Cancelled().sentence]
	voice.waitUntilIdle()


def test_onDemandABusyPressIsHeardBecauseTheCommandSpeaksOnDemand(started, picture, voice):
	import threading

	import speech

	assert started.plugin.script_askAloud.speakOnDemand
	speech.setSpeechMode(speech.SpeechMode.onDemand)
	gate = threading.Event()
	lines = ollamaReply(["A chart."]).body
	started.server.queueChat(Reply(200, [Gate(gate, timeout=10), *lines], "application/x-ndjson"))
	started.plugin.script_describeNavigator(None)
	assert pumpUntil(lambda: len(started.server.chatRequests()) == 1, 5)
	voice.use()
	voice.pressA()
	assert started.spoken and started.spoken[-1].startswith("Still describing")
	gate.set()
	started.waitForAnswer()


@pytest.mark.parametrize("mode", ["off", "beeps"])
def test_inBeepsAndOffModesNothingHeardIsTheErrorTone(started, picture, voice, mode):
	import speech
	from visionDescriber.speechOutput import ERROR_TONE

	speech.setSpeechMode(getattr(speech.SpeechMode, mode))
	voice.use("roomTone")
	voice.pressA()
	voice.waitUntilIdle()
	assert ERROR_TONE in beepsOf()
	assert speech.getState().speechMode == getattr(speech.SpeechMode, mode)
	pressInNvda(started.plugin, "kb:NVDA+alt+v")  # R says what could not be heard, once speech is back
	speech.setSpeechMode(speech.SpeechMode.talk)
	pressInNvda(started.plugin, "kb:r")
	assert started.spoken[-1] == errors.NothingHeard().sentence


# --- A watch in progress ------------------------------------------------------------------------------------


class WatchEvents:
	"""A WatchListener that keeps what it hears (main thread)."""

	def __init__(self):
		self.events: list[tuple] = []

	def onWatchStarted(self, sentence):
		self.events.append(("started", sentence))

	def onRequestSent(self):
		self.events.append(("sent",))

	def onPhrase(self, text, interrupt):
		self.events.append(("phrase", text))

	def onReport(self, text):
		self.events.append(("report", text))

	def onStopped(self, reason, sentence):
		self.events.append(("stopped", reason))


def test_aWatchGivesWayToASpokenQuestionAndGoesOnAfterwards(started, picture, voice):
	"""A press while the watch's request is on the worker: that request is cancelled (the server
	sees the connection close), listening starts once the worker is free, the watch stays paused
	(no report while the user speaks) and goes on once the question has been handed on."""
	from servers.httpServer import Stall
	from visionDescriber import targets
	from visionDescriberCore.watch.watcher import Watcher

	plugin = started.plugin
	settings = plugin.getSettings()
	target = targets.resolve("navigator", settings)
	events = WatchEvents()
	watcher = Watcher(plugin.describer.pipeline(settings), target.source.grab, events, useTicker=False)
	started.server.queueChat(Reply(200, [Stall(10)], "application/x-ndjson"), ollamaReply([ANSWER]))
	watcher.start()  # its first look goes out and hangs
	assert pumpUntil(lambda: len(started.server.chatRequests()) == 1, 5)
	# The plugin's watch, as watching.Watching holds its core Watcher (only what voice reaches).
	plugin.watching = types.SimpleNamespace(watcher=watcher, active=True, givingWay=False)
	microphone = voice.use(realtime=True, speed=3)
	voice.pressA()
	voice.waitUntilListening()
	assert watcher.paused and not watcher.busy  # its request was cancelled first
	assert pumpUntil(lambda: started.server.chatRequests()[0].clientClosedAt is not None, 2)  # hung up on
	watcher.tick()  # a check falls due while the user speaks: nothing is sent
	pumpFor(0.2)
	assert len(started.server.chatRequests()) == 1
	assert pumpUntil(lambda: ANSWER in started.spoken, 15)
	voice.waitUntilIdle()
	assert not microphone.isOpen
	assert watcher.active and not watcher.paused  # the watch goes on
	assert started.server.chatRequests()[1].json["messages"][-1]["content"].endswith(QUESTION)
	watcher.stop()
	plugin.watching = None
