"""One spoken question, from the first press to a WAV in memory: the flow the NVDA layer drives.

	session = ListeningSession(recorder, options, hooks, post=wx.CallAfter)
	session.begin()                  # main thread: hooks.beforeRecording() (quiet speech, rising tone)
	runner.submit(lambda token: ...session.record(token)...)   # worker: returns a Recording
	session.stop()                   # any thread: the second press
	session.cancel()                 # any thread: Escape, the cancel key, a locked screen
	session.restoreNow()             # main thread, in terminate(): run the after hook if not yet

Threads. `begin()` runs the before hook on the caller's thread, so the NVDA layer calls it on the
main thread, where speech and tones live, and the hook has done its work (speech cancelled and kept
quiet) before the device opens. `record()` runs on the worker: it opens the recorder, reads, feeds
the end-of-speech detector and returns when one of these ends it: `stop()`, the end of speech, the
maximum length, nothing said, exact digital silence, `cancel()` or the cancel token.

The after hook is guaranteed: `afterRecording(outcome)` runs exactly once for every session whose
before hook was called (even if that hook raised), after the device is closed, through `post` (so on
the main thread in NVDA), whatever ended the recording: a recording, nothing heard, a cancel, a
missing microphone or an unexpected exception. When the main thread may never run what was posted
(NVDA exiting), `restoreNow()` runs it at once; the later posted call then does nothing. If the
worker never starts (the runner was busy), `abandon()` ends the session without recording.

What is kept. Audio from the first `leadInSeconds` is dropped: the start tone is still sounding then
and must not be transcribed. The recording is trimmed to the speech, with `keepBeforeSpeech` and
`keepAfterSpeech` of room sound around it: a Whisper model asked to transcribe seconds of room noise
tends to invent a sentence ("Thank you."), so less silence sent is fewer invented words as well as a
smaller upload. Nothing is written to disk.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ..cancellation import CancelToken
from ..errors import Cancelled, MicrophoneSilent, MicrophoneUnavailable, NothingHeard
from . import endOfSpeech
from .endOfSpeech import DetectorEvent, DetectorOptions, EndOfSpeechDetector
from .pcm import BYTES_PER_SECOND, SAMPLE_RATE, wavBytes
from .recorder import Recorder

log = logging.getLogger("visionDescriber")

# Why the recording stopped.
STOP_PRESSED = "pressed"
END_OF_SPEECH = "endOfSpeech"
MAX_LENGTH = "maxLength"

# How it ended, as the after hook hears it.
RECORDED = "recorded"
NOTHING_HEARD = "nothingHeard"
CANCELLED = "cancelled"
FAILED = "failed"

#: Exact zeros for this long, with nothing else, is a blocked microphone even when stopped early.
_SILENT_AFTER_SECONDS = 0.25


@dataclass(frozen=True)
class ListeningOptions:
	maxSeconds: float = 30.0
	leadInSeconds: float = 0.15
	keepBeforeSpeech: float = 0.3
	keepAfterSpeech: float = 0.4
	#: How long one read may wait before stop and cancel are looked at again.
	readTimeout: float = 0.1
	#: A device that delivers nothing this long has stopped working.
	stallSeconds: float = 3.0
	detector: DetectorOptions = field(default_factory=DetectorOptions)


@dataclass(frozen=True)
class Recording:
	"""What was heard, ready to send: 16 kHz mono 16-bit PCM trimmed to the speech."""

	pcm: bytes
	stopReason: str
	#: Audio listened to (after the lead-in), in seconds.
	listenedSeconds: float
	#: Voiced audio, in seconds (a hint for telling real words from invented ones).
	speechSeconds: float
	#: Where speech ended in the audio listened to (None if it had not ended when stopped).
	speechEndSeconds: float | None
	#: perf_counter when the device was closed.
	stoppedAt: float
	#: perf_counter when the detector decided the speech had ended (END_OF_SPEECH only).
	decidedAt: float | None = None

	@property
	def seconds(self) -> float:
		return len(self.pcm) / BYTES_PER_SECOND

	def wav(self) -> bytes:
		return wavBytes(self.pcm, SAMPLE_RATE)

	def __repr__(self) -> str:
		return f"Recording({self.seconds:.2f} s, {self.stopReason}, speech {self.speechSeconds:.2f} s)"


class ListeningHooks:
	"""What the NVDA layer does around a recording. Override what you need; both run on the thread
	`begin()` and `post` use (the main thread in NVDA)."""

	def beforeRecording(self) -> None:
		"""Quiet NVDA's speech, pause what would speak, play the rising tone."""

	def afterRecording(self, outcome: str) -> None:
		"""Restore exactly what beforeRecording changed; outcome is RECORDED, NOTHING_HEARD,
		CANCELLED or FAILED (play the falling tone, or not)."""


class ListeningSession:
	def __init__(
		self,
		recorder: Recorder,
		options: ListeningOptions | None = None,
		hooks: ListeningHooks | None = None,
		post: Callable[[Callable[[], None]], None] | None = None,
		onEvent: Callable[[DetectorEvent], None] | None = None,
	):
		self.recorder = recorder
		self.options = options or ListeningOptions()
		self.hooks = hooks or ListeningHooks()
		self._post = post or (lambda fn: fn())
		self._onEvent = onEvent
		self._lock = threading.Lock()
		self._begun = False
		self._ended = False
		self._afterRan = False
		self._stopRequested = threading.Event()
		self._cancelled = threading.Event()
		self.outcome: str | None = None
		self.detector: EndOfSpeechDetector | None = None

	# --- Main thread ---------------------------------------------------------------------------------

	def begin(self) -> None:
		"""Runs the before hook once. If it raises, the after hook still runs (FAILED) and the error
		goes to the caller."""
		with self._lock:
			if self._begun:
				return
			self._begun = True
		try:
			self.hooks.beforeRecording()
		except BaseException:
			self._cancelled.set()
			self._end(FAILED)
			raise

	def abandon(self) -> None:
		"""The recording will not happen (the worker was busy): end the session now."""
		self._cancelled.set()
		if self._begun:
			self._end(CANCELLED)

	def restoreNow(self) -> None:
		"""Runs the after hook now if it has not run (NVDA is exiting); stops any recording too."""
		self._cancelled.set()
		if self._begun:
			self._runAfter(CANCELLED)

	# --- Any thread ----------------------------------------------------------------------------------

	def stop(self) -> None:
		"""The second press: keep what was said so far and stop listening."""
		self._stopRequested.set()

	def cancel(self) -> None:
		"""Throw the recording away."""
		self._cancelled.set()

	@property
	def listening(self) -> bool:
		return self._begun and not self._ended and not self._cancelled.is_set()

	@property
	def ended(self) -> bool:
		return self._ended

	# --- Worker --------------------------------------------------------------------------------------

	def record(self, token: CancelToken | None = None) -> Recording:
		"""Records until something ends it. Raises Cancelled, NothingHeard, MicrophoneSilent,
		MicrophoneUnavailable; the after hook is posted in every case."""
		self.begin()
		unregister = token.onCancel(self.cancel) if token is not None else (lambda: None)
		outcome = FAILED
		try:
			recording = self._record()
			outcome = RECORDED
			return recording
		except Cancelled:
			outcome = CANCELLED
			raise
		except (NothingHeard, MicrophoneSilent):
			outcome = NOTHING_HEARD
			raise
		finally:
			unregister()
			self._end(outcome)

	def _record(self) -> Recording:
		options = self.options
		if self._cancelled.is_set():
			raise Cancelled()
		detector = EndOfSpeechDetector(replace(options.detector, maxSeconds=options.maxSeconds))
		self.detector = detector
		audio = bytearray()
		self.recorder.open()
		try:
			reason, decidedAt = self._listen(detector, audio)
		finally:
			self.recorder.close()
			stoppedAt = time.perf_counter()
		detector.finish()
		return self._result(detector, bytes(audio), reason, stoppedAt, decidedAt)

	def _listen(self, detector: EndOfSpeechDetector, audio: bytearray) -> tuple[str, float | None]:
		"""Reads until a stop; returns why and, for the end of speech, when it was decided."""
		options = self.options
		leadIn = round(options.leadInSeconds * SAMPLE_RATE) * 2
		skipped = 0
		lastData = time.monotonic()
		while True:
			if self._cancelled.is_set():
				raise Cancelled()
			if self._stopRequested.is_set():
				return STOP_PRESSED, None
			data = self.recorder.read(options.readTimeout)
			now = time.monotonic()
			if not data:
				if now - lastData > options.stallSeconds:
					raise MicrophoneUnavailable(
						MicrophoneUnavailable.FAILED, detail="the recording device stopped delivering audio"
					)
				continue
			lastData = now
			if skipped < leadIn:
				take = min(len(data), leadIn - skipped)
				skipped += take
				data = data[take:]
				if not data:
					continue
			audio += data
			for event in detector.feed(data):
				if self._onEvent is not None:
					self._onEvent(event)
				if event.stops:
					if event.kind == endOfSpeech.SPEECH_ENDED:
						return END_OF_SPEECH, time.perf_counter()
					return event.kind, None

	def _result(
		self,
		detector: EndOfSpeechDetector,
		audio: bytes,
		reason: str,
		stoppedAt: float,
		decidedAt: float | None,
	) -> Recording:
		listened = len(audio) / BYTES_PER_SECOND
		if reason == endOfSpeech.DIGITAL_SILENCE or (detector.allZero and listened >= _SILENT_AFTER_SECONDS):
			raise MicrophoneSilent(detail=f"{listened:.1f} s of exact zeros from the recording device")
		if not detector.heardSpeech:
			raise NothingHeard(
				detail=f"no speech in {listened:.1f} s ({reason}; noise {detector.noiseDb} dB)"
			)
		if reason == endOfSpeech.MAX_LENGTH:
			reason = MAX_LENGTH
		start = max(0.0, detector.speechStartSeconds - self.options.keepBeforeSpeech)
		end = min(listened, detector.speechEndSeconds + self.options.keepAfterSpeech)
		first = round(start * SAMPLE_RATE) * 2
		last = round(end * SAMPLE_RATE) * 2
		log.debug(
			"Recorded %.2f s (%s), speech %.2f-%.2f s, noise %.1f dB",
			listened,
			reason,
			detector.speechStartSeconds,
			detector.speechEndSeconds,
			detector.noiseDb,
		)
		return Recording(
			audio[first:last],
			reason,
			listened,
			detector.voicedSeconds,
			detector.speechEndSeconds if reason == END_OF_SPEECH else None,
			stoppedAt,
			decidedAt,
		)

	# --- The after hook, exactly once ----------------------------------------------------------------

	def _end(self, outcome: str) -> None:
		with self._lock:
			if self._ended:
				return
			self._ended = True
			self.outcome = outcome
		self._post(lambda: self._runAfter(outcome))

	def _runAfter(self, outcome: str) -> None:
		with self._lock:
			if self._afterRan:
				return
			self._afterRan = True
			self._ended = True
			self.outcome = self.outcome or outcome
		try:
			self.hooks.afterRecording(self.outcome)
		except Exception:
			log.exception("The after-recording hook failed")
