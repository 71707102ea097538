"""End-of-speech detection at its edges, on synthetic frames whose loudness is known exactly.

A frame here is 20 ms of a square wave: every sample is as loud as the next, so its level is exactly
20·log10(amplitude / 32768) dBFS and a threshold can be tested a hundredth of a decibel either side.
The real-speech tests (test_endOfSpeech.py) show the detector hears people; these pin each number
the user feels: how long a pause ends the question, how loud a voice must be, when listening gives up.
Frames are counted from 1, so frame n ends at n × 20 ms.
"""

import math
from dataclasses import FrozenInstanceError

import pytest
from visionDescriberCore.voice import endOfSpeech, pcm
from visionDescriberCore.voice.endOfSpeech import (
	DIGITAL_SILENCE,
	MAX_LENGTH,
	NO_SPEECH,
	SPEECH_ENDED,
	SPEECH_STARTED,
	DetectorEvent,
	DetectorOptions,
	EndOfSpeechDetector,
)

FRAME = 320  # samples in 20 ms at 16 kHz
FRAME_BYTES = 2 * FRAME
ROOM = 100  # a quiet room's hum: -50.3 dBFS
VOICE = 3000  # a voice, 29.5 dB above the room


def tone(amplitude: int, frames: int = 1) -> bytes:
	return pcm.bytesOf([amplitude, -amplitude] * (FRAME // 2)) * frames


def silence(frames: int) -> bytes:
	return bytes(FRAME_BYTES * frames)


def frameWithEnergy(total: int) -> bytes:
	"""A frame whose samples' squares add up to exactly total: 316 equal samples, and the rest as a
	sum of four squares (every whole number is one)."""
	base = math.isqrt(total // FRAME - 20)
	rest = total - (FRAME - 4) * base * base
	for a in range(math.isqrt(rest), -1, -1):
		for b in range(math.isqrt(rest - a * a), -1, -1):
			for c in range(math.isqrt(rest - a * a - b * b), -1, -1):
				d = math.isqrt(rest - a * a - b * b - c * c)
				if a * a + b * b + c * c + d * d == rest:
					return pcm.bytesOf([base] * (FRAME - 4) + [a, b, c, d])
	raise AssertionError("unreachable: Lagrange's four-square theorem")


def dbfs(amplitude: int) -> float:
	return 20 * math.log10(amplitude / 32768)


class Listener:
	"""Feeds one frame at a time and notes the frame on which each event was returned."""

	def __init__(self, options: DetectorOptions | None = None):
		self.detector = EndOfSpeechDetector(options)
		self.events: list[tuple[int, DetectorEvent]] = []
		self.frames = 0
		self.floors: list[float | None] = []  # the noise floor after each frame

	def feed(self, data: bytes) -> "Listener":
		for start in range(0, len(data), FRAME_BYTES):
			self.frames += 1
			for event in self.detector.feed(data[start : start + FRAME_BYTES]):
				self.events.append((self.frames, event))
			self.floors.append(self.detector.noiseDb)
		return self

	def kinds(self) -> list[str]:
		return [event.kind for _, event in self.events]

	def event(self, kind: str) -> tuple[int, float]:
		"""The frame on which the event came, and the audio time it names."""
		[(frame, event)] = [(frame, event) for frame, event in self.events if event.kind == kind]
		return frame, event.seconds


def seconds(frames: int) -> float:
	return pytest.approx(frames * 0.02, abs=1e-9)


def firstFrameWithFloor(listener: Listener, amplitude: int) -> int:
	return 1 + next(
		index
		for index, floor in enumerate(listener.floors)
		if floor is not None and floor == pytest.approx(dbfs(amplitude), abs=1e-9)
	)


# --- The room -------------------------------------------------------------------------------------


def test_theFirstFifteenFramesMeasureTheRoom():
	listener = Listener().feed(tone(ROOM, 14))
	assert listener.detector.noiseDb is None
	listener.feed(tone(ROOM))
	assert listener.detector.noiseDb == pytest.approx(dbfs(ROOM), abs=1e-9)


def test_aWordInTheFirstFramesDoesNotRaiseTheFloor():
	listener = Listener().feed(tone(VOICE, 3) + tone(ROOM, 12))
	assert listener.detector.noiseDb == pytest.approx(dbfs(ROOM), abs=1e-9)
	assert not listener.detector.heardSpeech  # the calibration frames are not listened to for speech


def test_theFloorIsTheCalibrationsQuietestFifth():
	"""The 20th percentile: of twelve frames rising from 100 to 210, the third quietest (120)."""
	listener = Listener(DetectorOptions(calibrationSeconds=0.24)).feed(
		b"".join(tone(100 + 10 * step) for step in range(12))
	)
	assert listener.detector.noiseDb == pytest.approx(dbfs(120), abs=1e-9)


def test_theFloorOfASilentInputIsMinus72dBFS():
	listener = Listener().feed(tone(1, 30))  # -90 dBFS, not exact zeros
	assert listener.detector.noiseDb == -72.0
	assert not listener.detector.allZero and listener.events == []


@pytest.mark.parametrize(("amplitude", "speech"), [(32, False), (33, True)])
def test_aboveASilentInputAVoiceMustReachMinus60dBFS(amplitude, speech):
	"""-72 dBFS and the 12 dB onset margin: 33 is -59.94 dBFS, 32 is -60.21."""
	listener = Listener().feed(tone(1, 15) + tone(amplitude, 10))
	assert listener.detector.heardSpeech is speech


def test_levelsAreDecibelsOfFullScalePower():
	"""Above a silent input (-72 dBFS) the bar is -60 dBFS: a millionth of full scale's power
	(32768²), 343597.4 for the squares of a frame. 343602 is 0.00006 dB over it, 343592 as far under."""
	for total, speech in ((343602, True), (343592, False)):
		listener = Listener().feed(tone(1, 15) + frameWithEnergy(total) * 10)
		assert listener.detector.heardSpeech is speech


def test_aLevelExactlyAtTheBarIsNotAboveIt():
	"""With no margin at all, a steady room never starts speech, and once speaking, a frame as loud
	as the room is a pause."""
	steady = Listener(DetectorOptions(onsetMarginDb=0.0)).feed(tone(ROOM, 100))
	assert not steady.detector.heardSpeech
	louder = Listener(DetectorOptions(onsetMarginDb=0.0)).feed(tone(ROOM, 15) + tone(ROOM + 1, 10))
	assert louder.detector.heardSpeech
	speaking = Listener(DetectorOptions(offsetMarginDb=0.0)).feed(SPOKEN + tone(ROOM, 60))
	assert speaking.event(SPEECH_ENDED) == (90, seconds(40))


def test_aLouderRoomDoesNotRaiseTheFloorBeforeFourSecondsWereHeard():
	"""The calibration may have caught a word, so at first the floor only comes down."""
	listener = Listener().feed(tone(ROOM, 15) + tone(300, 150))  # 9.5 dB louder: not a voice
	assert listener.floors[14:] == [pytest.approx(dbfs(ROOM), abs=1e-9)] * 151
	assert not listener.detector.heardSpeech


def test_aQuieterRoomLowersTheFloorOnceATenthOfWhatWasHeardIsQuieter():
	"""Re-estimated every fifth frame as the 10th percentile: at frame 21, 3 of 21 frames are quieter."""
	listener = Listener().feed(tone(300, 18) + tone(ROOM, 20))
	assert firstFrameWithFloor(listener, 300) == 15
	assert firstFrameWithFloor(listener, ROOM) == 21


def test_aFanThatStartsBecomesTheFloorOnceItFillsNineTenthsOfTheWindow():
	"""The window is the last 4 s (200 frames), its floor the 21st quietest, re-estimated on every
	fifth frame (index 0, 5, 10...): with the fan from frame 204, it is 180 of the 200 frames on
	frame 383, and the next estimate is on frame 386."""
	listener = Listener().feed(tone(ROOM, 203) + tone(300, 190))  # 9.5 dB louder: not a voice
	assert firstFrameWithFloor(listener, 300) == 386
	assert listener.floors[14:385] == [pytest.approx(dbfs(ROOM), abs=1e-9)] * 371
	assert not listener.detector.heardSpeech


# --- The start ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("amplitude", "speech"), [(398, False), (399, True)])
def test_aVoiceMustBe12dBAboveTheRoom(amplitude, speech):
	"""398 is 11.998 dB above the room, 399 is 12.020 dB."""
	listener = Listener().feed(tone(ROOM, 15) + tone(amplitude, 10))
	assert listener.detector.heardSpeech is speech


def test_sixVoicedFramesStartTheSpeechAtTheFirstOfThem():
	listener = Listener().feed(tone(ROOM, 15) + tone(VOICE, 6))
	assert listener.event(SPEECH_STARTED) == (21, seconds(15))
	assert listener.detector.speechStartSeconds == seconds(15)
	assert listener.detector.voicedSeconds == seconds(6)


def test_fiveVoicedFramesAreAClickNotSpeech():
	listener = Listener().feed(tone(ROOM, 15) + tone(VOICE, 5) + tone(ROOM, 30))
	assert listener.events == [] and not listener.detector.heardSpeech
	assert listener.detector.speechStartSeconds is None and listener.detector.speechEndSeconds is None
	assert listener.detector.voicedSeconds == 0  # what voiceCli tells a transcript of silence by


def test_sixVoicedFramesWithinFifteenAreSpeech():
	listener = Listener().feed(tone(ROOM, 15) + (tone(VOICE) + tone(ROOM)) * 6)
	assert listener.event(SPEECH_STARTED) == (26, seconds(15))
	assert listener.detector.voicedSeconds == seconds(6)


def test_voicedFramesSpreadWiderThanFifteenFramesAreNotSpeech():
	"""One frame in three: any fifteen frames hold five of them."""
	listener = Listener().feed(tone(ROOM, 15) + (tone(VOICE) + tone(ROOM, 2)) * 30)
	assert not listener.detector.heardSpeech


# --- The end ----------------------------------------------------------------------------------------

#: The room, then a voice from 0.3 s to 0.8 s (frames 16 to 40).
SPOKEN = tone(ROOM, 15) + tone(VOICE, 25)


def test_aPauseOfOneSecondEndsTheSpeechOnItsFiftiethFrame():
	listener = Listener().feed(SPOKEN + tone(ROOM, 60))
	assert listener.kinds() == [SPEECH_STARTED, SPEECH_ENDED]
	assert listener.event(SPEECH_ENDED) == (90, seconds(40))
	detector = listener.detector
	assert (detector.speechStartSeconds, detector.speechEndSeconds) == (seconds(15), seconds(40))
	assert detector.voicedSeconds == seconds(25) and detector.done
	assert detector.stopEvent == DetectorEvent(SPEECH_ENDED, seconds(40))


def test_aPauseOf48FramesIsNotTheEnd():
	"""Speech goes on with the second loud frame after the pause, 0.98 s after the last word."""
	listener = Listener().feed(SPOKEN + tone(ROOM, 48) + tone(VOICE, 10) + tone(ROOM, 60))
	assert listener.kinds() == [SPEECH_STARTED, SPEECH_ENDED]
	assert listener.event(SPEECH_ENDED) == (148, seconds(98))
	assert listener.detector.voicedSeconds == seconds(35)


@pytest.mark.parametrize(("frames", "end"), [(6, 21), (7, 21), (8, 23)])
def test_aShortWordEndsWithItsLastRunOfTwoFramesAfterTheStart(frames, end):
	"""The frames that started the speech are not a run: the run rule applies from the next frame."""
	listener = Listener().feed(tone(ROOM, 15) + tone(VOICE, frames) + tone(ROOM, 60))
	assert listener.event(SPEECH_ENDED) == (end + 50, seconds(end))


def test_aLoneLoudFrameInAPauseIsANoisePeak():
	listener = Listener().feed(SPOKEN + tone(ROOM, 20) + tone(VOICE) + tone(ROOM, 60))
	assert listener.event(SPEECH_ENDED) == (90, seconds(40))


def test_twoLoudFramesInAPauseAreSpeech():
	listener = Listener().feed(SPOKEN + tone(ROOM, 20) + tone(VOICE, 2) + tone(ROOM, 60))
	assert listener.event(SPEECH_ENDED) == (112, seconds(62))


@pytest.mark.parametrize(("amplitude", "voiced"), [(251, False), (252, True)])
def test_onceSpeakingAVoice8dBAboveTheRoomGoesOn(amplitude, voiced):
	"""A softer bar than the start's, so soft word endings are not pauses: 252 is 8.02 dB above
	the room, 251 is 7.99 dB."""
	listener = Listener().feed(SPOKEN + tone(amplitude, 20) + tone(ROOM, 60))
	assert listener.event(SPEECH_ENDED)[1] == seconds(60 if voiced else 40)


# --- The limits -----------------------------------------------------------------------------------


def test_noSpeechForEightSecondsEndsTheListening():
	listener = Listener().feed(tone(ROOM, 410))
	assert listener.events == [(400, DetectorEvent(NO_SPEECH, seconds(400)))]
	assert listener.detector.done and not listener.detector.heardSpeech


def test_speechThatNeverPausesEndsAfterThirtySeconds():
	"""A television: loud, but with a quiet frame in every five, so the room stays the floor."""
	listener = Listener().feed(tone(ROOM, 15) + (tone(VOICE, 4) + tone(ROOM)) * 300)
	assert listener.kinds() == [SPEECH_STARTED, MAX_LENGTH]
	assert listener.event(MAX_LENGTH) == (1500, seconds(1500))
	assert listener.detector.noiseDb == pytest.approx(dbfs(ROOM), abs=1e-9)


def test_oneSecondOfExactZerosIsDigitalSilence():
	listener = Listener().feed(silence(60))
	assert listener.events == [(50, DetectorEvent(DIGITAL_SILENCE, seconds(50)))]
	assert listener.detector.allZero


def test_oneQuietSampleBeforeTheSecondIsNotDigitalSilence():
	quiet = bytearray(silence(49) + silence(1))
	quiet[-2:] = pcm.bytesOf([1])
	listener = Listener().feed(bytes(quiet) + silence(100))
	assert listener.events == [] and not listener.detector.allZero
	assert listener.detector.noiseDb == -72.0


def test_digitalSilenceAfterSoundIsJustAQuietRoom():
	listener = Listener().feed(tone(ROOM, 15) + silence(100))
	assert listener.events == [] and not listener.detector.allZero


def test_digitalSilenceIsTheOnlyEndingToldWhenLimitsMeet():
	options = DetectorOptions(digitalSilenceSeconds=0.1, noSpeechSeconds=0.1)
	listener = Listener(options).feed(silence(20))
	assert listener.events == [(5, DetectorEvent(DIGITAL_SILENCE, seconds(5)))]


def test_aLimitShorterThanTheCalibrationStillHolds():
	listener = Listener(DetectorOptions(noSpeechSeconds=0.1)).feed(tone(ROOM, 20))
	assert listener.events == [(5, DetectorEvent(NO_SPEECH, seconds(5)))]
	listener = Listener(DetectorOptions(maxSeconds=0.1)).feed(tone(ROOM, 20))
	assert listener.events == [(5, DetectorEvent(MAX_LENGTH, seconds(5)))]


# --- Options shorter than a frame -----------------------------------------------------------------


def test_aFrameIsAtLeastOneSample():
	detector = EndOfSpeechDetector(DetectorOptions(frameSeconds=0.00001))
	detector.feed(pcm.bytesOf([100, -100, 100]))
	assert detector.seconds == pytest.approx(3 / 16000)


def test_speechAndItsWindowAreAtLeastOneFrame():
	short = DetectorOptions(minSpeechSeconds=0.001)
	assert Listener(short).feed(tone(ROOM, 15) + tone(VOICE)).event(SPEECH_STARTED) == (16, seconds(15))
	both = DetectorOptions(minSpeechSeconds=0.001, onsetWindowSeconds=0.001)
	assert Listener(both).feed(tone(ROOM, 15) + tone(VOICE)).event(SPEECH_STARTED) == (16, seconds(15))
	# Two voiced frames can never be in a window of one.
	narrow = DetectorOptions(minSpeechSeconds=0.04, onsetWindowSeconds=0.001)
	assert not Listener(narrow).feed(tone(ROOM, 15) + tone(VOICE, 10)).detector.heardSpeech


@pytest.mark.parametrize(("roomFrames", "risesOn"), [(17, 26), (21, 26)])
def test_theFloorsWindowIsAtLeastFiveFrames(roomFrames, risesOn):
	"""Five frames, re-estimated on every fifth: the fan is the floor once it fills the five."""
	listener = Listener(DetectorOptions(noiseWindowSeconds=0.001)).feed(
		tone(ROOM, roomFrames) + tone(300, 20)
	)
	assert firstFrameWithFloor(listener, 300) == risesOn


# --- Feeding ---------------------------------------------------------------------------------------


def test_nothingFedIsNothingHeard():
	detector = EndOfSpeechDetector()
	assert detector.feed(b"") == [] and detector.seconds == 0
	assert detector.feed(tone(ROOM)[:-1]) == [] and detector.seconds == 0  # not a whole frame yet
	assert detector.feed(b"\x00") == [] and detector.seconds == pytest.approx(0.02)
	assert detector.finish() == []


def test_finishDropsAPartialFrame():
	detector = EndOfSpeechDetector()
	detector.feed(tone(ROOM)[:400])
	assert detector.finish() == []
	detector.feed(tone(ROOM)[:400])  # with the 400 bytes before finish(), a whole frame
	assert detector.seconds == 0


def test_whatComesAfterTheEndIsIgnored():
	listener = Listener().feed(SPOKEN + tone(ROOM, 50))
	assert listener.detector.done
	assert listener.detector.feed(tone(VOICE, 50)) == []
	assert listener.detector.seconds == seconds(90)


def test_onlyTheEndingsStopTheRecording():
	assert not DetectorEvent(SPEECH_STARTED, 0.3).stops
	assert all(
		DetectorEvent(kind, 1.0).stops for kind in (SPEECH_ENDED, DIGITAL_SILENCE, NO_SPEECH, MAX_LENGTH)
	)


def test_optionsAndEventsCannotBeChangedByWhoeverHoldsThem():
	"""One DetectorOptions is shared by every recording, and events are kept as the recording's record."""
	with pytest.raises(FrozenInstanceError):
		DetectorOptions().endSilenceSeconds = 5.0
	with pytest.raises(FrozenInstanceError):
		DetectorEvent(SPEECH_ENDED, 1.0).seconds = 2.0


def test_bothWaysOfSummingSquaresHearTheSame(monkeypatch):
	"""math.sumprod where Python has it (3.12), a plain sum on NVDA's 3.11: the same levels."""
	audio = SPOKEN + tone(ROOM, 20) + tone(VOICE, 2) + tone(ROOM, 60)
	monkeypatch.setattr(endOfSpeech, "_sumOfSquares", None)
	plain = Listener().feed(audio)
	monkeypatch.setattr(
		endOfSpeech, "_sumOfSquares", lambda a, b: sum(x * y for x, y in zip(a, b, strict=True))
	)
	summed = Listener().feed(audio)
	assert summed.events == plain.events
	assert summed.floors == plain.floors
	assert plain.event(SPEECH_ENDED) == (112, seconds(62))
