"""The listening flow with a fake microphone playing real speech: stop by silence, by a second press,
by the maximum length; cancel; no microphone; a blocked one; nothing said. The before and after
hooks run exactly once, the after hook on the stand-in main thread once the device is closed."""

import threading
import time

import pytest
from clientHelpers import Worker, waitUntil
from mainThread import MainThread
from visionDescriberCore import errors
from visionDescriberCore.cancellation import CancelToken
from visionDescriberCore.voice import pcm
from visionDescriberCore.voice.listening import (
	CANCELLED,
	END_OF_SPEECH,
	FAILED,
	MAX_LENGTH,
	NOTHING_HEARD,
	RECORDED,
	STOP_PRESSED,
	ListeningHooks,
	ListeningOptions,
	ListeningSession,
)
from visionDescriberCore.voice.recorder import FakeMicrophone

LEAD_IN = ListeningOptions().leadInSeconds


class Hooks(ListeningHooks):
	def __init__(self, microphone: FakeMicrophone, mainThread: MainThread | None = None, failBefore=None):
		self.microphone = microphone
		self.mainThread = mainThread
		self.failBefore = failBefore
		self.calls: list[str] = []
		self.micOpenInAfter: bool | None = None
		self.wrongThread = False
		self.afterRan = threading.Event()

	def beforeRecording(self):
		self.calls.append("before")
		if self.failBefore:
			raise self.failBefore

	def afterRecording(self, outcome):
		self.calls.append(f"after:{outcome}")
		self.micOpenInAfter = self.microphone.isOpen
		if self.mainThread is not None:
			self.wrongThread |= not self.mainThread.isCurrent()
		self.afterRan.set()


@pytest.fixture
def mainThread():
	thread = MainThread()
	yield thread
	thread.stop()
	assert thread.errors == []


def session(microphone, mainThread, options=None, **hookOptions):
	hooks = Hooks(microphone, mainThread, **hookOptions)
	return ListeningSession(microphone, options, hooks, post=mainThread.post), hooks


def test_stopsAtTheEndOfSpeechAndKeepsTheSpeech(voiceSamples, mainThread):
	sample = voiceSamples["question"]
	microphone = FakeMicrophone(sample.path)
	listening, hooks = session(microphone, mainThread)
	listening.begin()
	recording = listening.record()
	mainThread.drain()
	assert recording.stopReason == END_OF_SPEECH
	assert hooks.calls == ["before", f"after:{RECORDED}"]
	assert hooks.micOpenInAfter is False and not hooks.wrongThread
	assert microphone.opens == 1 and not microphone.isOpen
	# Trimmed to the speech with a little room sound around it.
	options = listening.options
	expected = (sample.speechEnd - sample.speechStart) + options.keepBeforeSpeech + options.keepAfterSpeech
	assert recording.seconds == pytest.approx(expected, abs=0.06)
	assert recording.speechEndSeconds == pytest.approx(sample.speechEnd - LEAD_IN, abs=0.05)
	whole = pcm.readWav(sample.path)
	start = round((sample.speechStart - options.keepBeforeSpeech) * 16000) * 2
	assert whole.find(recording.pcm[:6400]) == pytest.approx(start, abs=700)
	assert pcm.readWav(recording.wav()) == recording.pcm


def test_aSecondPressStopsAndKeepsWhatWasSaid(voiceSamples, mainThread):
	microphone = FakeMicrophone(voiceSamples["question"].path, realtime=True, speed=4)
	listening, hooks = session(microphone, mainThread)
	listening.begin()
	worker = Worker(listening.record)
	waitUntil(lambda: listening.detector is not None and listening.detector.heardSpeech)
	pressedAt = time.perf_counter()
	listening.stop()
	worker.join()
	assert worker.error is None
	recording = worker.result
	assert recording.stopReason == STOP_PRESSED
	assert recording.stoppedAt - pressedAt < 0.2
	assert 0.1 < recording.seconds < 1.5
	mainThread.drain()
	assert hooks.calls == ["before", f"after:{RECORDED}"]


@pytest.mark.parametrize("how", ["session", "token"])
def test_cancelThrowsTheRecordingAway(voiceSamples, mainThread, how):
	microphone = FakeMicrophone(voiceSamples["question"].path, realtime=True, speed=2)
	listening, hooks = session(microphone, mainThread)
	token = CancelToken()
	listening.begin()
	worker = Worker(lambda: listening.record(token))
	waitUntil(lambda: microphone.position > 16000)
	cancelledAt = time.perf_counter()
	listening.cancel() if how == "session" else token.cancel()
	worker.join()
	assert isinstance(worker.error, errors.Cancelled)
	assert worker.endedAt - cancelledAt < 0.2
	assert hooks.afterRan.wait(5)
	assert hooks.calls == ["before", f"after:{CANCELLED}"]
	assert hooks.micOpenInAfter is False and not listening.listening


def test_noMicrophone(mainThread):
	microphone = FakeMicrophone(b"", openError=errors.MicrophoneUnavailable())
	listening, hooks = session(microphone, mainThread)
	listening.begin()
	with pytest.raises(errors.MicrophoneUnavailable) as raised:
		listening.record()
	assert "Privacy & security, Microphone" in raised.value.sentence
	mainThread.drain()
	assert hooks.calls == ["before", f"after:{FAILED}"]


def test_aBlockedMicrophoneSaysWhereToAllowIt(voiceSamples, mainThread):
	microphone = FakeMicrophone(voiceSamples["digitalSilence"].path, realtime=True, speed=4)
	listening, hooks = session(microphone, mainThread)
	started = time.perf_counter()
	with pytest.raises(errors.MicrophoneSilent) as raised:
		listening.record()
	# One second of zeros is enough to tell (0.3 s at four times the speed), long before the 8 s
	# after which nothing said would be "I heard nothing" (2 s at that speed).
	assert time.perf_counter() - started < 1.2
	assert raised.value.sentence == (
		"The microphone sends only silence: Windows may be blocking it. Allow desktop apps to use "
		"the microphone in Windows Settings, Privacy & security, Microphone."
	)
	mainThread.drain()
	assert hooks.calls == ["before", f"after:{NOTHING_HEARD}"]


def test_nothingSaidInAQuietRoom(voiceSamples, mainThread):
	microphone = FakeMicrophone(voiceSamples["roomTone"].path)
	listening, hooks = session(microphone, mainThread)
	with pytest.raises(errors.NothingHeard) as raised:
		listening.record()
	assert raised.value.sentence == "I heard nothing."
	assert microphone.position / pcm.BYTES_PER_SECOND == pytest.approx(8.0 + LEAD_IN, abs=0.1)
	mainThread.drain()
	assert hooks.calls == ["before", f"after:{NOTHING_HEARD}"]


def test_aSecondPressBeforeAnyWordIsNothingHeard(voiceSamples, mainThread):
	microphone = FakeMicrophone(voiceSamples["steadyNoise"].path, realtime=True, speed=4)
	listening, _ = session(microphone, mainThread)
	worker = Worker(listening.record)
	waitUntil(lambda: microphone.position > 2 * pcm.BYTES_PER_SECOND)
	listening.stop()
	worker.join()
	assert isinstance(worker.error, errors.NothingHeard)


def test_theMaximumLength(voiceSamples, mainThread):
	microphone = FakeMicrophone(voiceSamples["pausedQuestion"].path)
	listening, hooks = session(microphone, mainThread, ListeningOptions(maxSeconds=2.0))
	recording = listening.record()
	assert recording.stopReason == MAX_LENGTH
	assert recording.listenedSeconds == pytest.approx(2.0, abs=0.03)
	assert recording.speechEndSeconds is None


def test_theStartToneIsNotRecorded(voiceSamples, mainThread):
	"""The rising tone sounds as the device opens; the lead-in drops it before the detector hears it."""
	sample = voiceSamples["question"]
	audio = bytearray(pcm.readWav(sample.path))
	beep = [round(20000 * ((i // 9) % 2 * 2 - 1)) for i in range(int(0.12 * 16000))]  # a loud square wave
	audio[: len(beep) * 2] = pcm.bytesOf(beep)
	# Keep all the sound before the speech, so that the beep would be in the recording if it were heard.
	options = ListeningOptions(keepBeforeSpeech=5.0)
	listening, _ = session(FakeMicrophone(bytes(audio)), mainThread, options)
	recording = listening.record()
	assert listening.detector.speechStartSeconds == pytest.approx(sample.speechStart - LEAD_IN, abs=0.05)
	expected = sample.speechEnd - LEAD_IN + options.keepAfterSpeech  # from just after the lead-in
	assert recording.seconds == pytest.approx(expected, abs=0.06)
	before = pcm.samplesOf(recording.pcm[: int(0.5 * pcm.BYTES_PER_SECOND)])
	assert max(abs(value) for value in before) < 2000  # room noise only


def test_aDeviceThatStopsDeliveringIsReported(voiceSamples, mainThread):
	room = pcm.readWav(voiceSamples["roomTone"].path)[: pcm.BYTES_PER_SECOND]
	microphone = FakeMicrophone(room, after="nothing")
	listening, hooks = session(microphone, mainThread, ListeningOptions(stallSeconds=0.3))
	with pytest.raises(errors.MicrophoneUnavailable) as raised:
		listening.record()
	assert raised.value.reason == errors.MicrophoneUnavailable.FAILED
	mainThread.drain()
	assert hooks.calls == ["before", f"after:{FAILED}"]


def test_aFailingBeforeHookStillRunsTheAfterHook(mainThread):
	microphone = FakeMicrophone(b"")
	listening, hooks = session(microphone, mainThread, failBefore=RuntimeError("speech would not stop"))
	with pytest.raises(RuntimeError):
		listening.begin()
	with pytest.raises(errors.Cancelled):
		listening.record()
	mainThread.drain()
	assert hooks.calls == ["before", f"after:{FAILED}"]
	assert microphone.opens == 0


def test_abandonedBeforeTheWorkerStarted(mainThread):
	microphone = FakeMicrophone(b"")
	listening, hooks = session(microphone, mainThread)
	listening.begin()
	listening.abandon()
	mainThread.drain()
	assert hooks.calls == ["before", f"after:{CANCELLED}"]
	assert microphone.opens == 0


def test_restoreNowWhenThePostedCallWillNeverRun(voiceSamples):
	"""NVDA exiting: what was posted to the main thread may never run; restoreNow runs the after hook
	once, and the posted call, should it run after all, does nothing."""
	posted = []
	microphone = FakeMicrophone(voiceSamples["question"].path)
	hooks = Hooks(microphone)
	listening = ListeningSession(microphone, hooks=hooks, post=posted.append)
	listening.record()
	assert hooks.calls == ["before"] and len(posted) == 1
	listening.restoreNow()
	listening.restoreNow()
	posted[0]()
	assert hooks.calls == ["before", f"after:{RECORDED}"]


def test_afterHookFailuresAreLoggedNotRaised(voiceSamples, caplog):
	class Failing(ListeningHooks):
		def afterRecording(self, outcome):
			raise RuntimeError("braille display unplugged")

	listening = ListeningSession(FakeMicrophone(voiceSamples["question"].path), hooks=Failing())
	assert listening.record().stopReason == END_OF_SPEECH
	assert "after-recording hook failed" in caplog.text
