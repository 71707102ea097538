"""End-of-speech detection on real speech (espeak-ng) in a quiet room and beside a loud fan, steady
noise, room tone, clicks and exact digital silence. Time is audio time: the detector counts samples."""

import random

import pytest
from visionDescriberCore.voice import pcm
from visionDescriberCore.voice.endOfSpeech import (
	DIGITAL_SILENCE,
	MAX_LENGTH,
	NO_SPEECH,
	SPEECH_ENDED,
	SPEECH_STARTED,
	DetectorOptions,
	EndOfSpeechDetector,
)

#: The detector must decide within this long after the last word (its pause is 1.0 s).
DECISION_SLACK = 0.1


def run(data: bytes, options: DetectorOptions | None = None, chunk: int = 960):
	"""Feeds data in chunks like a recorder's reads; returns the events and, for each, the audio time
	at which it was returned (when the detector decided)."""
	detector = EndOfSpeechDetector(options)
	decided = []
	for start in range(0, len(data), chunk):
		for event in detector.feed(data[start : start + chunk]):
			decided.append((event, (start + chunk) / pcm.BYTES_PER_SECOND))
		if detector.done:
			break
	detector.finish()
	return detector, decided


def kinds(decided) -> list[str]:
	return [event.kind for event, _ in decided]


@pytest.mark.parametrize("name", ["question", "noisyQuestion", "stereoQuestion"])
def test_stopsSoonAfterTheQuestionEnds(voiceSamples, name):
	sample = voiceSamples[name]
	truth = voiceSamples["question"] if name == "stereoQuestion" else sample
	detector, decided = run(pcm.readWav(sample.path))
	assert kinds(decided) == [SPEECH_STARTED, SPEECH_ENDED]
	(started, _), (ended, decidedAt) = decided
	assert started.seconds == pytest.approx(truth.speechStart, abs=0.1)
	# The last voiced frame is at the last word's end (a soft ending under a loud fan may be missed).
	assert truth.speechEnd - 0.2 <= ended.seconds <= truth.speechEnd + 0.05
	# Decided one pause length after it: neither early nor late.
	pause = detector.options.endSilenceSeconds
	assert ended.seconds + pause - 0.02 <= decidedAt <= ended.seconds + pause + DECISION_SLACK
	assert decidedAt <= truth.speechEnd + pause + DECISION_SLACK


def test_aShortPauseInsideTheQuestionIsNotTheEnd(voiceSamples):
	sample = voiceSamples["pausedQuestion"]
	(pauseStart, pauseEnd) = sample.pauses[0]
	assert pauseEnd - pauseStart == pytest.approx(0.5, abs=0.01)
	_, decided = run(pcm.readWav(sample.path))
	assert kinds(decided) == [SPEECH_STARTED, SPEECH_ENDED]
	ended, decidedAt = decided[1]
	assert decidedAt > pauseEnd  # not during the pause
	assert ended.seconds == pytest.approx(sample.speechEnd, abs=0.05)


def test_aLongPauseEndsTheQuestionAfterTheFirstSentence(voiceSamples):
	sample = voiceSamples["twoSentences"]
	pauseStart, pauseEnd = sample.pauses[0]
	_, decided = run(pcm.readWav(sample.path))
	assert kinds(decided) == [SPEECH_STARTED, SPEECH_ENDED]
	ended, decidedAt = decided[1]
	assert ended.seconds == pytest.approx(pauseStart, abs=0.05)
	assert decidedAt < pauseEnd


@pytest.mark.parametrize("name", ["steadyNoise", "roomTone"])
def test_noiseAloneIsNeverSpeech(voiceSamples, name):
	detector, decided = run(pcm.readWav(voiceSamples[name].path))
	assert kinds(decided) == [NO_SPEECH]
	assert decided[0][0].seconds == pytest.approx(detector.options.noSpeechSeconds, abs=0.03)
	assert not detector.heardSpeech and not detector.allZero


def test_theNoiseFloorIsTheRoomsOwn(voiceSamples):
	quiet, _ = run(pcm.readWav(voiceSamples["question"].path))
	loud, _ = run(pcm.readWav(voiceSamples["noisyQuestion"].path))
	assert quiet.noiseDb < -50 and loud.noiseDb > -45


def test_clicksAreNotSpeech(voiceSamples):
	room = bytearray(pcm.readWav(voiceSamples["roomTone"].path))
	for second in (1, 2, 3, 4):  # a 10 ms key click each second, at full scale
		start = second * pcm.BYTES_PER_SECOND
		room[start : start + 320] = pcm.bytesOf([30000, -30000] * 80)
	_, decided = run(bytes(room))
	assert kinds(decided) == [NO_SPEECH]


def test_exactDigitalSilenceIsReportedAfterOneSecond(voiceSamples):
	detector, decided = run(pcm.readWav(voiceSamples["digitalSilence"].path))
	assert kinds(decided) == [DIGITAL_SILENCE]
	assert decided[0][1] == pytest.approx(1.0, abs=0.07)
	assert detector.allZero


def test_oneNonZeroSampleIsNotDigitalSilence():
	data = bytearray(2 * pcm.BYTES_PER_SECOND)
	data[1000:1002] = pcm.bytesOf([1])
	detector, decided = run(bytes(data), DetectorOptions(noSpeechSeconds=1.5))
	assert kinds(decided) == [NO_SPEECH]
	assert not detector.allZero


def test_theMaximumLengthEndsEndlessSpeech(voiceSamples):
	speech = voiceSamples["question"]
	data = pcm.readWav(speech.path)
	loop = data[int(speech.speechStart * 32000) // 2 * 2 : int(speech.speechEnd * 32000) // 2 * 2]
	_, decided = run(data[:32000] + loop * 6, DetectorOptions(maxSeconds=5.0))
	assert kinds(decided) == [SPEECH_STARTED, MAX_LENGTH]
	assert decided[1][0].seconds == pytest.approx(5.0, abs=0.021)


def test_anyChunkingGivesTheSameEvents(voiceSamples):
	data = pcm.readWav(voiceSamples["pausedQuestion"].path)
	_, whole = run(data, chunk=len(data))
	reference = [event for event, _ in whole]
	rng = random.Random(12)
	for _ in range(5):
		detector = EndOfSpeechDetector()
		events = []
		position = 0
		while position < len(data) and not detector.done:
			size = rng.randint(1, 5000)
			events += detector.feed(data[position : position + size])
			position += size
		assert events == reference


def test_nothingIsTakenAfterTheEnd(voiceSamples):
	detector, _ = run(pcm.readWav(voiceSamples["question"].path))
	assert detector.done
	assert detector.feed(b"\x01\x02" * 16000) == []
