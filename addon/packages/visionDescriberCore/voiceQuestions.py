"""Spoken questions end to end, without NVDA: listen, stop, transcribe, hand the words over.

The NVDA layer's voice key (A in the command layer) and the follow-up dialog's "Speak a question"
button both drive one `VoiceQuestions`, which the plugin makes beside its `Describer` and on the
same single-flight worker (so a voice question and a description never overlap, and "still
describing" means the same thing for both):

	voice = VoiceQuestions(describer.runner, post, getSettings, getTranscriptionKey, getLanguage)
	voice.listen(hooks, listener)   # main thread: the first press; False when the worker is busy
	voice.stop()                    # main thread: the second press (keeps what was said)
	voice.cancel()                  # Escape, the layer's cancel key, a locked screen: throw it away
	voice.terminate()               # plugin terminate: cancel, and restore what the hooks changed now

`hooks` (a `voice.ListeningHooks`) quiets NVDA's speech and plays the tones: `beforeRecording` runs
inside `listen`, on the main thread, before the device opens; `afterRecording(outcome)` runs once on
the main thread after the device closed, whatever ended the recording. `listener` (`VoiceListener`)
hears, on the main thread and in this order: `onRecorded(recording)` once the recording is kept and
transcription starts, then `onTranscript(text)` or `onError(error)`. Both final calls come once the
worker is free, so `onTranscript` may go straight on to `describer.ask(...)`,
`describer.describe(source, listener, question=text)` or fill the dialog's question field. A cancel
is reported by nobody: whoever cancels says "Cancelled".

Recording and transcription are one job: the transcription request leaves the moment the recording
stops, without a trip through the main thread. Nothing is written to disk; the audio lives in the
job and is dropped with it.
"""

import logging
import threading
from collections.abc import Callable
from typing import Protocol

from .cancellation import CancelToken
from .clients.transcription import TranscriptionClient, TranscriptionConfig, languageCode
from .errors import Cancelled, VisionDescriberError
from .jobs import JobRunner, Post
from .settings import Settings
from .voice.listening import ListeningHooks, ListeningOptions, ListeningSession, Recording
from .voice.recorder import Recorder

log = logging.getLogger("visionDescriber")


class VoiceListener(Protocol):
	"""Called on the main thread: onRecorded, then onTranscript or onError."""

	def onRecorded(self, recording: Recording) -> None: ...

	def onTranscript(self, text: str) -> None: ...

	def onError(self, error: VisionDescriberError) -> None: ...


def transcriptionConfigFor(settings: Settings, apiKey: str | None, nvdaLanguage: str) -> TranscriptionConfig:
	"""The speech-to-text client's view of the settings: the spoken language is the setting, or
	NVDA's language, as ISO-639-1; the timeouts and unencrypted-key permission are the vision ones."""
	return TranscriptionConfig(
		baseUrl=settings.sttBaseUrl,
		model=settings.sttModel,
		language=languageCode(settings.sttLanguage or nvdaLanguage),
		apiKey=apiKey or None,
		connectTimeout=float(settings.connectTimeout),
		readTimeout=float(settings.readTimeout),
		allowInsecureKey=settings.allowUnencryptedRemote,
	)


def listeningOptionsFor(settings: Settings) -> ListeningOptions:
	return ListeningOptions(maxSeconds=float(settings.maxRecordingSeconds))


def defaultRecorder() -> Recorder:
	from .voice.winmm import WinmmRecorder

	return WinmmRecorder()


class VoiceQuestions:
	"""Main-thread API; the job runs on the runner's worker."""

	def __init__(
		self,
		runner: JobRunner,
		post: Post,
		getSettings: Callable[[], Settings],
		getTranscriptionKey: Callable[[Settings], str | None],
		getLanguage: Callable[[], str] = lambda: "en",
		recorderFactory: Callable[[], Recorder] = defaultRecorder,
		clientFactory: Callable[[TranscriptionConfig], TranscriptionClient] = TranscriptionClient,
	):
		self._runner = runner
		self._post = post
		self._getSettings = getSettings
		self._getKey = getTranscriptionKey
		self._getLanguage = getLanguage
		self._recorderFactory = recorderFactory
		self._clientFactory = clientFactory
		self._lock = threading.Lock()
		self._session: ListeningSession | None = None
		self._token: CancelToken | None = None
		self._running = False

	@property
	def listening(self) -> bool:
		"""Recording now: a press means stop, Escape means cancel."""
		session = self._session
		return session is not None and session.listening

	@property
	def busy(self) -> bool:
		"""Recording or transcribing."""
		return self._running

	def listen(self, hooks: ListeningHooks, listener: VoiceListener) -> bool:
		"""Starts listening (main thread). False, with nothing changed, when the worker is busy."""
		if self._running or self._runner.busy:
			return False
		settings = self._getSettings()
		language = self._getLanguage()
		session = ListeningSession(
			self._recorderFactory(), listeningOptionsFor(settings), hooks, post=self._post
		)
		session.begin()
		with self._lock:
			self._session = session
			self._running = True
		if not self._runner.submit(lambda token: self._job(session, settings, language, listener, token)):
			with self._lock:
				self._running = False
			session.abandon()
			return False
		return True

	def stop(self) -> bool:
		"""The second press: stops listening and keeps the question. False when not listening."""
		session = self._session
		if session is None or not session.listening:
			return False
		session.stop()
		return True

	def cancel(self) -> bool:
		"""Throws the recording away, or stops its transcription. False when there was nothing to cancel."""
		with self._lock:
			session, token, running = self._session, self._token, self._running
		if not running:
			return False
		if session is not None:
			session.cancel()
		if token is not None:
			token.cancel()
		return True

	def terminate(self) -> None:
		"""NVDA is exiting: cancel, and run the after hook now (what was posted may never run)."""
		self.cancel()
		session = self._session
		if session is not None:
			session.restoreNow()

	# --- The worker ----------------------------------------------------------------------------------

	def _job(
		self,
		session: ListeningSession,
		settings: Settings,
		language: str,
		listener: VoiceListener,
		token: CancelToken,
	) -> None:
		with self._lock:
			self._token = token
		try:
			if session.ended:  # cancelled between the press and the worker starting
				raise Cancelled()
			recording = session.record(token)
			self._post(lambda: listener.onRecorded(recording))
			config = transcriptionConfigFor(settings, self._getKey(settings), language)
			client = self._clientFactory(config)
			try:
				text = client.transcribe(recording.wav(), token, speechSeconds=recording.speechSeconds)
			finally:
				client.close()
			self._finish(lambda: listener.onTranscript(text))
		except Cancelled:
			self._finish(None)
		except VisionDescriberError as error:
			if token.cancelled:
				self._finish(None)
				return
			log.info("Voice question: %s (%s)", type(error).__name__, error.detail)
			self._finish(lambda error=error: listener.onError(error))
		except Exception as error:
			log.exception("Voice question failed unexpectedly")
			report = VisionDescriberError(f"{type(error).__name__} (traceback in the log)")
			self._finish(lambda: listener.onError(report))

	def _finish(self, report: Callable[[], None] | None) -> None:
		"""Marks the job done, then delivers its last report once the worker is free."""

		def deliver() -> None:
			with self._lock:
				self._running = False
				self._token = None
			if report is not None:
				report()

		self._runner.postWhenDone(deliver)
