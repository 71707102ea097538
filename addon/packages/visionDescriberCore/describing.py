"""One press, end to end, without NVDA: capture, guard, prepare, stream, speak, remember.

The NVDA layer turns what the user pointed at into an `ImageSource` (how to get the pixels, run on
the worker) and a `Listener` (what to do on the main thread), then calls `Describer.describe`.
Everything in between runs on the job runner's single worker:

	grab -> blank guard -> prepare (scale, encode) -> cache? -> client.stream -> narrate -> remember

Follow-up questions (`ask`) and fresh pictures of the same target (`addImage`) go through the same
worker and the same speech path; so does `captureFirst`, the picture taken before the user types a
question about it. A conversation is only changed on the main thread, when an answer
has arrived, so a dialog showing it never sees a half-written turn.

The picture step (grab, blank guard, sizing for the model, widening) is `describingPictures`; the
client's view of the settings and the copy of the conversation sent are `describingRequests`.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

from .cancellation import CancelToken
from .clients import EndpointConfig, VisionClient, createClient
from .conversation.conversation import Conversation, Session
from .conversation.prompts import buildDescribePrompt, buildSystemPrompt
from .conversation.resultCache import ResultCache
from .describingPictures import PictureStep, prepareForSettings
from .describingRequests import answerText, endpointConfigFor, requestFor
from .errors import Cancelled, VisionDescriberError
from .imaging.sizing import PicturePlan, geometryFromSettings, planFor
from .jobs import JobRunner, Post
from .media import ImageSource, PreparedImage, ScreenObject
from .settings import Settings
from .text.cleaning import cleanText
from .text.narration import narrate

if TYPE_CHECKING:  # the watch folder needs Pillow, which the plugin may not have found at load
	from .watch.pipeline import Pipeline

log = logging.getLogger("visionDescriber")


class Listener(Protocol):
	"""Called on the main thread, in this order: onRequestSent, onPhrase..., then onAnswer or onError."""

	def onRequestSent(self) -> None: ...

	def onPhrase(self, text: str) -> None: ...

	def onAnswer(self, session: Session, text: str) -> None: ...

	def onError(self, error: VisionDescriberError, session: Session | None) -> None: ...


class CaptureListener(Protocol):
	"""For `Describer.captureFirst`, called on the main thread: onCaptured, or onError."""

	def onCaptured(self, source: ImageSource) -> None: ...

	def onError(self, error: VisionDescriberError, session: Session | None) -> None: ...


class Describer:
	"""Owns the worker, the recent conversations and the result cache. Main-thread API."""

	def __init__(
		self,
		post: Post,
		getSettings: Callable[[], Settings],
		getApiKey: Callable[[Settings], str | None],
		getLanguage: Callable[[], str] = lambda: "en",
		clientFactory: Callable[[EndpointConfig], VisionClient] = createClient,
		prepare: Callable[[Any, Settings, PicturePlan | None], PreparedImage] | None = None,
		checkNotBlank: Callable[[Any], None] | None = None,
	):
		self._getSettings = getSettings
		self._getApiKey = getApiKey
		self._getLanguage = getLanguage
		self._clientFactory = clientFactory
		self.runner = JobRunner(post)
		self.cache = ResultCache()
		#: Used only on the worker (see _clientFor); closed at terminate.
		self._client: VisionClient | None = None
		self._clientIdentity: tuple | None = None
		#: Worker only: grab, blank guard, sizing (asking Ollama through this client), widening.
		self._pictures = PictureStep(self._clientFor, prepare, checkNotBlank)
		self.sessions: list[Session] = []
		# Warm-ups run beside the runner: loading a model can take minutes, and a describe pressed
		# meanwhile must start (the server queues it behind the load), not be told "still describing".
		self._warmUps: list[tuple[threading.Thread, CancelToken]] = []
		self._warmUpLock = threading.Lock()
		self._terminated = False

	# --- State the NVDA layer reads --------------------------------------------------------------

	@property
	def busy(self) -> bool:
		return self.runner.busy

	@property
	def lastSession(self) -> Session | None:
		return self.sessions[-1] if self.sessions else None

	# --- Commands ---------------------------------------------------------------------------------

	def describe(self, source: ImageSource, listener: Listener, question: str | None = None) -> bool:
		"""Starts a new conversation about source. False when busy (nothing started)."""
		settings = self._getSettings()
		self.cache.maxEntries = settings.resultCacheSize
		language = settings.effectiveLanguage(self._getLanguage())
		objectContext = source.context if settings.sendObjectContext else ""

		def promptWith(position: str) -> str:
			context = " ".join(part for part in (objectContext, position) if part)
			if question:
				return "\n\n".join(part for part in (context, question.strip()) if part)
			return buildDescribePrompt(settings.preset, settings.customPrompt, context, language)

		conversation = Conversation(buildSystemPrompt(language))
		session = Session(conversation, source)

		def job(token: CancelToken) -> None:
			image, position = self._pictures.capture(source, settings, token)
			prompt = promptWith(position)
			cacheKey = None
			if not question:
				cacheKey = ResultCache.keyFor(
					image.data,
					conversation.systemPrompt + "\n" + prompt,
					settings.model,
					settings.provider,
					settings.baseUrl,
				)
				cached = self.cache.get(cacheKey)
				if cached is not None:
					log.debug("Answered from the result cache")
					self._narrate(iter([cached]), settings, listener, token)
					self._postLast(
						lambda: self._remember(session, prompt, image, cached, listener, isNew=True)
					)
					return
			text = self._stream(session, prompt, image, settings, listener, token, isNew=True)
			if cacheKey is not None:
				self.cache.put(cacheKey, text)

		return self._submit(job, listener, None)

	def ask(self, session: Session, question: str, listener: Listener) -> bool:
		"""A follow-up question about the same picture: re-sends the stored image, never captures."""
		settings = self._getSettings()
		question = question.strip()

		def job(token: CancelToken) -> None:
			self._stream(session, question, None, settings, listener, token, isNew=False)

		return self._submit(job, listener, session)

	def addImage(
		self,
		session: Session,
		listener: Listener,
		question: str | None = None,
		source: ImageSource | None = None,
	) -> bool:
		"""Captures the same target again (a game screen that changed) into the same conversation.
		With `source`, that is captured instead (a spoken question's own picture); the session keeps
		its target for later new images."""
		settings = self._getSettings()
		source = source or session.source
		language = settings.effectiveLanguage(self._getLanguage())
		prompt = (question or "").strip() or buildDescribePrompt(
			settings.preset, settings.customPrompt, "", language
		)

		def job(token: CancelToken) -> None:
			image, position = self._pictures.capture(source, settings, token)
			request = " ".join(part for part in (position, prompt) if part)
			self._stream(session, request, image, settings, listener, token, isNew=False)

		return self._submit(job, listener, session)

	def captureFirst(self, source: ImageSource, listener: CaptureListener) -> bool:
		"""Takes the picture now, before the user types a question, so a question dialog can never
		cover the target. On the worker: the grab and, for a screen, the blank check (nothing is
		prepared or sent); for a screen object, its monitor too, so a capture widened around the
		object later shows the same moment. Then on the main thread `listener.onCaptured(held)`, with
		`held` the source holding that picture: pass it to `describe` with the question. Its grab
		gives that picture once and captures afresh after (a new image in the follow-up dialog).
		False when busy."""

		def job(token: CancelToken) -> None:
			image = self._pictures.grab(source, token)
			held = source.holding(image, self._pictures.surroundings(source))
			token.raiseIfCancelled()
			self._postLast(lambda: None if token.cancelled else listener.onCaptured(held))

		return self._submit(job, listener, None)

	def cancel(self) -> bool:
		return self.runner.cancel()

	def pipeline(self, settings: Settings) -> "Pipeline":
		"""What watching and "what changed?" (the watch folder) use: this worker and this client, so
		a watch request and a describe never run at once, and pictures sized as a describe sizes them
		(the model's plan, learned on the worker). Main thread."""
		from .watch.pipeline import Pipeline

		language = settings.effectiveLanguage(self._getLanguage())
		byName = planFor(
			geometryFromSettings(settings.provider, settings.model),
			settings.pictureDetail,
			settings.maxImageSide,
			settings.provider,
		)
		return Pipeline(
			runner=self.runner,
			policy=byName.fallbackPolicy,
			streamAnswer=lambda request, token: answerText(self._clientFor(settings).stream(request, token)),
			systemPrompt=buildSystemPrompt(language),
			picturePlan=lambda token: self._pictures.planFor(settings, token),
		)

	def terminate(self, timeout: float = 1.0) -> bool:
		"""Cancels and ends the worker and any warm-up, waiting at most timeout seconds in all."""
		deadline = time.monotonic() + timeout
		with self._warmUpLock:
			self._terminated = True
			warmUps, self._warmUps = self._warmUps, []
		for _thread, token in warmUps:
			token.cancel()
		ended = self.runner.terminate(timeout)
		self._closeClient()
		for thread, _token in warmUps:
			thread.join(max(0.0, deadline - time.monotonic()))
			if thread.is_alive():
				log.warning("The warm-up thread did not stop in time; abandoning it as a daemon thread")
				ended = False
		return ended

	def warmUp(self) -> bool:
		"""Loads the model in the background (Ollama), on its own thread so that it never makes a
		describe wait or say "still describing". Failures only go to the log. False after terminate."""
		settings = self._getSettings()
		token = CancelToken()

		def run() -> None:
			try:
				client = self._clientFactory(endpointConfigFor(settings, self._getApiKey(settings)))
				try:
					client.warmUp(token)
				finally:
					client.close()
			except VisionDescriberError as error:
				if not token.cancelled:
					log.info("Warm-up failed: %s (%s)", type(error).__name__, error.detail)
			except Exception:
				log.exception("Warm-up failed unexpectedly")
			finally:
				with self._warmUpLock:
					self._warmUps = [entry for entry in self._warmUps if entry[1] is not token]

		thread = threading.Thread(target=run, name="visionDescriber.warmUp", daemon=True)
		with self._warmUpLock:
			if self._terminated:
				return False
			self._warmUps.append((thread, token))
		thread.start()
		return True

	def clearHistory(self) -> None:
		self.sessions.clear()
		self.cache.clear()

	# --- On the worker ----------------------------------------------------------------------------

	def _stream(
		self,
		session: Session,
		prompt: str,
		image: PreparedImage | None,
		settings: Settings,
		listener: Listener,
		token: CancelToken,
		isNew: bool,
	) -> str:
		# The request goes out with a copy: the kept conversation changes only on the main thread.
		request = requestFor(session.conversation, prompt, image)
		client = self._clientFor(settings)
		try:
			self._post(listener.onRequestSent)
			text = self._narrate(answerText(client.stream(request, token)), settings, listener, token)
		except VisionDescriberError as error:
			if error.partialText and not isinstance(error, Cancelled) and not token.cancelled:
				# Keep what arrived: the user heard it, and it may be all they needed. The client kept
				# it raw; clean it as the narrator cleaned what was spoken.
				partial = cleanText(error.partialText)
				self._postLast(lambda: self._remember(session, prompt, image, partial, None, isNew))
			raise
		self._postLast(lambda: self._remember(session, prompt, image, text, listener, isNew))
		return text

	def _clientFor(self, settings: Settings) -> VisionClient:
		"""Worker: the client for the current settings and key. It is kept between requests so the
		next one reuses the open connection (for https, no new handshake before the first words);
		a changed setting or key gets a fresh client."""
		config = endpointConfigFor(settings, self._getApiKey(settings))
		identity = (config, config.apiKey)  # the key is left out of EndpointConfig's equality
		if self._client is None or self._clientIdentity != identity:
			self._closeClient()
			self._client = self._clientFactory(config)
			self._clientIdentity = identity
		return self._client

	def _closeClient(self) -> None:
		client, self._client, self._clientIdentity = self._client, None, None
		if client is not None:
			client.close()

	def _narrate(
		self, deltas: Iterator[str], settings: Settings, listener: Listener, token: CancelToken
	) -> str:
		return narrate(
			deltas,
			post=self._post,
			onPhrase=listener.onPhrase,
			streamSpeech=settings.streamSpeech,
			token=token,
		)

	# --- On the main thread -----------------------------------------------------------------------

	def _remember(
		self,
		session: Session,
		prompt: str,
		image: PreparedImage | None,
		text: str,
		listener: Listener | None,
		isNew: bool,
	) -> None:
		session.conversation.addUserTurn(prompt, image)
		session.conversation.addAssistantTurn(text)
		if isNew or session not in self.sessions:
			self.sessions.append(session)
			limit = max(1, self._getSettings().recentConversations)
			del self.sessions[:-limit]
		if listener is not None:
			listener.onAnswer(session, text)

	def _submit(
		self, job: Callable[[CancelToken], None], listener: Listener, session: Session | None
	) -> bool:
		def guarded(token: CancelToken) -> None:
			try:
				job(token)
			except Cancelled:
				return
			except VisionDescriberError as error:
				if token.cancelled:
					return
				log.warning("%s: %s", type(error).__name__, error.detail)
				self._postLast(lambda error=error: listener.onError(error, session))
			except Exception as error:
				if token.cancelled:
					return
				log.exception("Describing failed unexpectedly")
				report = VisionDescriberError(f"{type(error).__name__} (traceback in the log)")
				self._postLast(lambda: listener.onError(report, session))

		return self.runner.submit(guarded)

	def _post(self, fn: Callable[[], None]) -> None:
		self.runner.post(fn)

	def _postLast(self, fn: Callable[[], None]) -> None:
		"""A job's final report: delivered once the worker is free, so a listener may start the next
		request (a follow-up question) straight from onAnswer or onError."""
		self.runner.postWhenDone(fn)


__all__ = [
	"CaptureListener",
	"Describer",
	"ImageSource",
	"Listener",
	"ScreenObject",
	"Session",
	"answerText",
	"endpointConfigFor",
	"prepareForSettings",
]
