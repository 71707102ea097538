"""When has the user finished speaking? Audio in, events out, judged against the room's own noise.

Pure and deterministic like the stream parsers: `feed(pcm)` takes 16 kHz mono 16-bit audio in any
chunking and returns the events that are certain now; `finish()` closes the stream. No clock, no
threads: time is the count of samples fed, so a test can replay a WAV file at any speed and the
answers are the same as live.

How it listens, in 20 ms frames (loudness in dB relative to full scale):
1. The first `calibrationSeconds` measure the room: the noise floor starts as the 20th percentile of
   those frames, so a word spoken early does not raise it much.
2. The floor then follows the room: the 10th percentile of the last `noiseWindowSeconds`. Pauses
   between words sit near the floor, so speech hardly moves it; a fan that starts becomes the new
   floor within a few seconds. It never goes below `quietestNoiseDb` (a perfectly silent input).
3. A frame is voiced when it is `onsetMarginDb` above the floor. Speech starts when at least
   `minSpeechSeconds` of the last `onsetWindowSeconds` is voiced: a key click or a knock is too
   short, a word is not.
4. Once speech started, it goes on while frames come in runs of two or more above floor +
   `offsetMarginDb` (a lower bar than the onset: hysteresis, so soft word endings are not pauses; a
   lone frame above it is a noise peak). A pause of `endSilenceSeconds` ends the speech; shorter
   pauses (a breath, a comma, "um") do not.
5. Steady noise never starts speech: it is the floor. Noise that is not steady (a television) can;
   then the maximum length ends the recording, and the transcript says what was heard.

Besides the end of speech, three more endings: the whole input so far is exact digital zeros for
`digitalSilenceSeconds` (what Windows delivers when privacy settings block the microphone); no
speech within `noSpeechSeconds`; and `maxSeconds` of audio in all.

Cost: one sum of squares per frame (about 30 microseconds in CPython) and a sort of a few hundred
numbers every 100 ms; the benchmark prints the CPU share of listening.
"""

import math
import operator
from collections import deque
from dataclasses import dataclass

from .pcm import SAMPLE_RATE, SAMPLE_WIDTH, samplesOf

SPEECH_STARTED = "speechStarted"
SPEECH_ENDED = "speechEnded"
DIGITAL_SILENCE = "digitalSilence"
NO_SPEECH = "noSpeech"
MAX_LENGTH = "maxLength"
#: Events after which the detector takes no more audio: the recording should stop.
STOPS = (SPEECH_ENDED, DIGITAL_SILENCE, NO_SPEECH, MAX_LENGTH)

_FULL_SCALE_ENERGY = 32768.0 * 32768.0
_sumOfSquares = getattr(math, "sumprod", None)  # Python 3.12+; NVDA 2025.x has 3.11


@dataclass(frozen=True)
class DetectorOptions:
	frameSeconds: float = 0.02
	calibrationSeconds: float = 0.3
	noiseWindowSeconds: float = 4.0
	quietestNoiseDb: float = -72.0
	onsetMarginDb: float = 12.0
	offsetMarginDb: float = 8.0
	minSpeechSeconds: float = 0.12
	onsetWindowSeconds: float = 0.3
	endSilenceSeconds: float = 1.0
	noSpeechSeconds: float = 8.0
	maxSeconds: float = 30.0
	digitalSilenceSeconds: float = 1.0


@dataclass(frozen=True)
class DetectorEvent:
	kind: str
	#: Audio time the event refers to, in seconds from the first sample fed: when speech started,
	#: when the last voiced frame ended, or when the input reached a limit.
	seconds: float

	@property
	def stops(self) -> bool:
		return self.kind in STOPS


class EndOfSpeechDetector:
	def __init__(self, options: DetectorOptions | None = None, sampleRate: int = SAMPLE_RATE):
		self.options = options = options or DetectorOptions()
		self._frameBytes = max(1, round(options.frameSeconds * sampleRate)) * SAMPLE_WIDTH
		self._frameSeconds = self._frameBytes / SAMPLE_WIDTH / sampleRate
		self._pending = b""
		self._frames = 0
		self._calibration: list[float] = []
		# No max(1, ...) for these two: a count of 0 acts as 1 (the first frame calibrates either way,
		# and the first frame after the start ends the speech either way).
		self._calibrationFrames = round(options.calibrationSeconds / self._frameSeconds)
		self._recent: deque[float] = deque(
			maxlen=max(5, round(options.noiseWindowSeconds / self._frameSeconds))
		)
		self._onset: deque[tuple[int, bool]] = deque(
			maxlen=max(1, round(options.onsetWindowSeconds / self._frameSeconds))
		)
		self._minSpeechFrames = max(1, round(options.minSpeechSeconds / self._frameSeconds))
		self._endFrames = round(options.endSilenceSeconds / self._frameSeconds)
		self.noiseDb: float | None = None
		#: Frame index where speech started, and the index after the last frame that was not a pause.
		self._speechStart: int | None = None
		self._lastVoicedEnd = 0
		self._voicedFrames = 0
		self._run = 0
		self._allZero = True
		self.stopEvent: DetectorEvent | None = None

	# --- What the detector knows ---------------------------------------------------------------------

	@property
	def seconds(self) -> float:
		return self._frames * self._frameSeconds

	@property
	def heardSpeech(self) -> bool:
		return self._speechStart is not None

	@property
	def speechStartSeconds(self) -> float | None:
		return None if self._speechStart is None else self._speechStart * self._frameSeconds

	@property
	def speechEndSeconds(self) -> float | None:
		"""Where the last voiced stretch ended (the speech may go on after it)."""
		return None if self._speechStart is None else self._lastVoicedEnd * self._frameSeconds

	@property
	def voicedSeconds(self) -> float:
		return self._voicedFrames * self._frameSeconds

	@property
	def allZero(self) -> bool:
		"""Every sample so far was exactly zero."""
		return self._allZero

	@property
	def done(self) -> bool:
		return self.stopEvent is not None

	# --- Feeding ---------------------------------------------------------------------------------------

	def feed(self, pcm: bytes) -> list[DetectorEvent]:
		if self.done or not pcm:
			return []
		data = self._pending + pcm
		whole = len(data) - len(data) % self._frameBytes
		self._pending = data[whole:]
		events: list[DetectorEvent] = []
		for start in range(0, whole, self._frameBytes):
			self._frame(data[start : start + self._frameBytes], events)
			if self.done:
				break
		return events

	def finish(self) -> list[DetectorEvent]:
		"""The input ended (a second press, the end of a file). A partial frame is dropped: 20 ms at
		most, and no decision hangs on it."""
		self._pending = b""
		return []

	# --- One frame -------------------------------------------------------------------------------------

	def _frame(self, frame: bytes, events: list[DetectorEvent]) -> None:
		options = self.options
		index = self._frames
		self._frames += 1
		if self._allZero and frame.strip(b"\x00"):
			self._allZero = False
		level = _levelDb(frame)
		if self._allZero and self.seconds >= options.digitalSilenceSeconds:
			self._stop(DIGITAL_SILENCE, self.seconds, events)
			return
		self._recent.append(level)
		if self.noiseDb is None:
			self._calibration.append(level)
			if len(self._calibration) < self._calibrationFrames:
				self._checkLimits(events)
				return
			self.noiseDb = max(options.quietestNoiseDb, _percentile(self._calibration, 0.2))
		elif index % 5 == 0:
			# A full window follows the room both ways; before that, the floor only comes down (the
			# calibration may have caught the first word).
			recent = max(options.quietestNoiseDb, _percentile(self._recent, 0.1))
			full = len(self._recent) == self._recent.maxlen
			self.noiseDb = recent if full else min(self.noiseDb, recent)
		if self._speechStart is None:
			self._listenForOnset(index, level, events)
		else:
			self._listenForEnd(index, level, events)
		if not self.done:
			self._checkLimits(events)

	def _listenForOnset(self, index: int, level: float, events: list[DetectorEvent]) -> None:
		voiced = level > self.noiseDb + self.options.onsetMarginDb
		self._onset.append((index, voiced))
		voicedInWindow = [frame for frame, isVoiced in self._onset if isVoiced]
		if len(voicedInWindow) >= self._minSpeechFrames:
			self._speechStart = voicedInWindow[0]
			self._lastVoicedEnd = index + 1
			self._voicedFrames = len(voicedInWindow)
			events.append(DetectorEvent(SPEECH_STARTED, self._speechStart * self._frameSeconds))

	def _listenForEnd(self, index: int, level: float, events: list[DetectorEvent]) -> None:
		if level > self.noiseDb + self.options.offsetMarginDb:
			self._voicedFrames += 1
			self._run += 1
			# A lone loud frame is a noise peak; speech comes in runs.
			if self._run >= 2:
				self._lastVoicedEnd = index + 1
		else:
			self._run = 0
		if index + 1 - self._lastVoicedEnd >= self._endFrames:
			self._stop(SPEECH_ENDED, self._lastVoicedEnd * self._frameSeconds, events)

	def _checkLimits(self, events: list[DetectorEvent]) -> None:
		if self.seconds >= self.options.maxSeconds - 1e-9:
			self._stop(MAX_LENGTH, self.seconds, events)
		elif self._speechStart is None and self.seconds >= self.options.noSpeechSeconds - 1e-9:
			self._stop(NO_SPEECH, self.seconds, events)

	def _stop(self, kind: str, seconds: float, events: list[DetectorEvent]) -> None:
		self.stopEvent = DetectorEvent(kind, seconds)
		events.append(self.stopEvent)


def _levelDb(frame: bytes) -> float:
	samples = samplesOf(frame)
	if _sumOfSquares is not None:
		energy = _sumOfSquares(samples, samples)
	else:
		energy = sum(map(operator.mul, samples, samples))
	if not energy:
		return -math.inf  # exact zeros: below any floor
	return 10.0 * math.log10(energy / len(samples) / _FULL_SCALE_ENERGY)


def _percentile(values, fraction: float) -> float:
	ordered = sorted(values)
	return ordered[int(len(ordered) * fraction)]  # fraction < 1
