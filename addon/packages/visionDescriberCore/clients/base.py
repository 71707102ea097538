"""The class a provider subclasses: what each wire format implements, and the driving they all share.

A provider module (`ollama.py`, `openaiChat.py`, `azure.py`) implements:

1. `_stream(conversation, cancelToken, maxTokens)`: build the body, send it with `_send` (or with
   `_request`, to recover from an error status it knows), and hand the open answer and a parser
   from `streaming` to `_streamEvents`;
2. `listModels`, and `check`, which says what it found line by line and ends with `_probe`;
3. where needed, `warmUp`, and `_authHeaders` when a key does not travel as a Bearer token.

Everything else lives here or below, so a provider module reads as its wire format only: the
session, sockets a cancel can break, timeouts and where a key may travel are in `transport`; what a
failure becomes is in `requestFailures`; the test picture is in `probe`.

Threads. `stream`, `listModels`, `check` and `warmUp` run on a worker thread and block;
`cancel()` on the token may come from any thread and breaks a blocked read at once; `close` may
come from any thread.

Endings. `_streamEvents` makes every stream end in one `Finished` or one typed error: a stream that
stops without its end marker is `StreamCutShort`, a cancelled token turns whatever the broken read
produced into `Cancelled`, and every error carries the text already delivered (`partialText`).
A rate limit that asks for a short wait (at most `maxRetryWait`) is waited out once, and the wait
ends early on a cancel.
"""

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from ..cancellation import CancelToken
from ..conversation.conversation import Conversation
from ..errors import (
	Cancelled,
	ModelNotChosen,
	RateLimited,
	StreamCutShort,
	UnexpectedResponse,
	VisionDescriberError,
	redact,
)
from ..media import PreparedImage
from .endpoint import EndpointConfig, displayUrl, requireValidAddress
from .probe import PROBE_MAX_TOKENS, probeConversation, probeSentence
from .requestFailures import FailureTranslator
from .streaming import Event, Finished, ReasoningDelta, StreamFailure, TextDelta
from .transport import (
	ConnectionFailure,
	Exchange,
	HttpFailure,
	OwnsTransport,
	ReadFailure,
	Transport,
	checkKeyCanTravel,
)

log = logging.getLogger("visionDescriber")
log.addHandler(logging.NullHandler())  # silent unless the application (NVDA, the CLI) routes it

JSON_BODY_LIMIT = 32 * 1024 * 1024


@dataclass
class ModelInfo:
	name: str
	vision: bool | None  # None: the server does not say
	note: str = ""  # e.g. the parameter size, for display


@dataclass
class CheckReport:
	lines: list[str] = field(default_factory=list)
	serverVersion: str | None = None
	vision: bool | None = None
	#: Called with each line as soon as it is known, so a slow check can be followed live.
	onLine: Callable[[str], None] | None = field(default=None, repr=False, compare=False)

	def say(self, line: str) -> None:
		self.lines.append(line)
		if self.onLine is not None:
			self.onLine(line)


@dataclass
class _Delivered:
	"""What a stream has delivered so far: its answer text, and whether the model started writing
	(answer or reasoning), which tells a stall while loading from one in the middle."""

	text: list[str] = field(default_factory=list)
	started: bool = False

	@property
	def answer(self) -> str:
		return "".join(self.text)


def requestNote(method: str, url: str, body, picture: PreparedImage | None) -> str:
	"""One log line about a request: method, address, model, picture; never a key or the bytes."""
	note = f"{method} {displayUrl(url)}"
	model = body.get("model") if isinstance(body, dict) else None
	if isinstance(model, str) and model:
		note += f", model {model}"
	if picture is not None:
		note += f", picture {picture.width}x{picture.height} {picture.mimeType}, {len(picture.data)} bytes"
	return note


def finishNote(event: Finished) -> str:
	"""How an answer ended, for the log: the server's reason and its token counts and durations."""
	usage = event.usage or {}
	parts = [f"finished ({event.reason or 'no reason given'})"]
	for key, words in (("promptTokens", "prompt tokens"), ("completionTokens", "answer tokens")):
		if isinstance(usage.get(key), int):
			parts.append(f"{usage[key]} {words}")
	for key, words in (("loadSeconds", "loading"), ("totalSeconds", "in all")):
		if isinstance(usage.get(key), int | float):
			parts.append(f"{usage[key]:.2f} s {words}")
	return ", ".join(parts)


class VisionClient(OwnsTransport):
	"""One endpoint. `stream` runs on a worker thread; `cancel()` on the token may come from any thread."""

	provider = ""

	def __init__(self, config: EndpointConfig):
		"""Raises InvalidAddress when the address cannot be a server's: nothing is ever sent to one."""
		self.config = config
		self.baseUrl = config.resolvedBaseUrl()
		requireValidAddress(self.baseUrl)
		self._apiKey = (config.apiKey or "").strip() or None
		self._transport = Transport(
			self.baseUrl,
			connectTimeout=config.connectTimeout,
			readTimeout=config.readTimeout,
			allowInsecureKey=config.allowInsecureKey,
		)

	# --- What a provider implements

	def stream(self, conversation: Conversation, cancelToken: CancelToken | None = None) -> Iterator[Event]:
		"""Text and reasoning deltas as they arrive, then one Finished; typed errors otherwise.

		On a stream that stops without its end marker, raises StreamCutShort with the partial text.
		"""
		return self._stream(conversation, cancelToken, maxTokens=self.config.maxTokens)

	def _stream(
		self, conversation: Conversation, cancelToken: CancelToken | None, maxTokens: int | None
	) -> Iterator[Event]:
		raise NotImplementedError

	def listModels(self, cancelToken: CancelToken | None = None) -> list[ModelInfo]:
		raise NotImplementedError

	def check(
		self,
		cancelToken: CancelToken | None = None,
		onLine: Callable[[str], None] | None = None,
		probe: bool = True,
	) -> CheckReport:
		raise NotImplementedError

	def warmUp(self, cancelToken: CancelToken | None = None) -> None:
		"""Loads the model ahead of the first request where the server allows it."""

	def _authHeaders(self) -> dict[str, str]:
		return {"Authorization": f"Bearer {self._apiKey}"} if self._apiKey else {}

	def _requireModel(self) -> str:
		"""The configured model, for a request that must name one."""
		if not self.config.model:
			raise ModelNotChosen()
		return self.config.model

	# --- Lifetime (close() and `with` come from OwnsTransport)

	def __repr__(self) -> str:
		return f"{type(self).__name__}({displayUrl(self.baseUrl)!r}, model={self.config.model!r})"

	@property
	def displayUrl(self) -> str:
		return displayUrl(self.baseUrl)

	# --- Requests, for subclasses

	def _redact(self, text: str) -> str:
		return redact(text, self._apiKey, self.config.apiKey)

	@cached_property
	def _failures(self) -> FailureTranslator:
		"""Made on first use, after a subclass has settled its provider."""
		return FailureTranslator(
			provider=self.provider,
			model=self.config.model,
			keyPresent=bool(self._apiKey),
			where=self.displayUrl,
			connectTimeout=self.config.connectTimeout,
			readTimeout=self.config.readTimeout,
			redact=self._redact,
		)

	def _requestOnce(
		self,
		method: str,
		url: str,
		*,
		json=None,
		params: dict | None = None,
		stream: bool = False,
		cancelToken: CancelToken | None = None,
		readTimeout: float | None = None,
		picture: PreparedImage | None = None,
	) -> Exchange:
		"""One request. An error status is raised as HttpFailure, for the caller to recover or translate.
		picture: the one the body carries, named in the log line (its size, never its bytes)."""
		if cancelToken is not None:
			cancelToken.raiseIfCancelled()
		checkKeyCanTravel(self._apiKey, url, self.config.allowInsecureKey)
		log.debug("Vision request: %s", requestNote(method, url, json, picture))
		headers = dict(self._authHeaders())
		if stream:
			headers["Accept-Encoding"] = "identity"  # compression would hold text back in buffers
		try:
			return self._transport.open(
				method,
				url,
				headers=headers,
				json=json,
				params=params,
				cancelToken=cancelToken,
				readTimeout=readTimeout,
			)
		except ConnectionFailure as failure:
			raise self._failures.fromConnection(failure.error, cancelToken, url) from None

	def _request(self, method: str, url: str, **kwargs) -> Exchange:
		"""Like _requestOnce, with one automatic retry when a rate limit asks for a short wait."""
		cancelToken: CancelToken | None = kwargs.get("cancelToken")
		try:
			return self._requestOnce(method, url, **kwargs)
		except HttpFailure as failure:
			wait = self._shortRetryWait(failure)
			if wait is None:
				raise
			log.info("Rate limited by %s; retrying once in %.1f s", self.displayUrl, wait)
			self._sleep(wait, cancelToken)
		return self._requestOnce(method, url, **kwargs)

	def _shortRetryWait(self, failure: HttpFailure) -> float | None:
		if failure.status != 429:
			return None
		error = self._failures.fromStatus(failure)
		if not isinstance(error, RateLimited) or error.retryAfter is None:
			return None
		return error.retryAfter if error.retryAfter <= self.config.maxRetryWait else None

	@staticmethod
	def _sleep(seconds: float, cancelToken: CancelToken | None) -> None:
		woken = threading.Event()
		unregister = cancelToken.onCancel(woken.set) if cancelToken else (lambda: None)
		try:
			woken.wait(seconds)
		finally:
			unregister()
		if cancelToken is not None:
			cancelToken.raiseIfCancelled()

	def _send(self, method: str, url: str, *, modelRequest: bool = True, **kwargs) -> Exchange:
		"""A request whose error statuses become typed errors at once."""
		try:
			return self._request(method, url, **kwargs)
		except HttpFailure as failure:
			raise self._failures.fromStatus(failure, modelRequest=modelRequest) from None

	def _getJson(self, method: str, url: str, *, modelRequest: bool = False, **kwargs):
		cancelToken = kwargs.get("cancelToken")
		exchange = self._send(method, url, modelRequest=modelRequest, **kwargs)
		try:
			body = exchange.readAll(JSON_BODY_LIMIT)
		except ReadFailure as failure:
			raise self._failures.fromRead(failure.error, cancelToken) from None
		finally:
			exchange.close()
		try:
			return json.loads(body.decode("utf-8", errors="replace"))
		except ValueError:
			raise UnexpectedResponse(
				detail=self._redact(f"{method} {displayUrl(url)} answered non-JSON: {body[:300]!r}")
			) from None

	# --- Streams

	def _streamEvents(self, exchange: Exchange, parser, cancelToken: CancelToken | None) -> Iterator[Event]:
		"""Feeds the body to the parser and yields events; every ending is a Finished or a typed error."""
		delivered = _Delivered()
		try:
			yield from self._parsedEvents(exchange, parser, cancelToken, delivered)
		except VisionDescriberError as error:
			raise self._endedEarly(error, cancelToken, delivered) from None
		finally:
			exchange.close()

	def _parsedEvents(
		self, exchange: Exchange, parser, cancelToken: CancelToken | None, delivered: "_Delivered"
	) -> Iterator[Event]:
		"""The parser's events, its end marker required; what was delivered is kept in `delivered`."""
		contentType = exchange.response.headers.get("Content-Type", "").lower()
		try:
			if "text/html" in contentType:
				body = exchange.readAll(2000)
				raise UnexpectedResponse(
					detail=self._redact(f"a web page from {self.displayUrl}: {body[:300]!r}")
				)
			for data in exchange.chunks():
				for event in parser.feed(data):
					yield self._checked(event, delivered)
				if cancelToken is not None and cancelToken.cancelled:
					raise Cancelled()
			if cancelToken is not None:
				cancelToken.raiseIfCancelled()
			for event in parser.finish():
				yield self._checked(event, delivered)
		except ReadFailure as failure:
			raise self._failures.fromRead(failure.error, cancelToken, delivered.started) from None
		if not parser.finished:
			if cancelToken is not None:
				cancelToken.raiseIfCancelled()
			raise StreamCutShort(
				delivered.answer, detail=f"the stream from {self.displayUrl} ended without its end marker"
			)

	def _endedEarly(
		self, error: VisionDescriberError, cancelToken: CancelToken | None, delivered: "_Delivered"
	) -> VisionDescriberError:
		"""The error a stream ends with: Cancelled when the user cancelled, and the text so far.
		Logged here unless the failure translator logged it already, so a broken stream is one line."""
		if cancelToken is not None and cancelToken.cancelled and not isinstance(error, Cancelled):
			error = Cancelled(detail=error.detail)
		if not error.partialText:
			error.partialText = delivered.answer
		if isinstance(error, StreamCutShort | UnexpectedResponse) and not error.logged:
			log.warning("Vision stream from %s: %s", self.displayUrl, error.detail)
			error.logged = True
		return error

	def _checked(self, event, delivered: "_Delivered") -> Event:
		if isinstance(event, StreamFailure):
			raise self._failures.fromStream(event)
		if isinstance(event, TextDelta | ReasoningDelta) and event.text:
			delivered.started = True
		if isinstance(event, TextDelta):
			delivered.text.append(event.text)
		elif isinstance(event, Finished):
			log.debug("Vision answer from %s: %s", self.displayUrl, finishNote(event))
		return event

	# --- Checking a connection

	def _probe(self, cancelToken: CancelToken | None) -> str:
		"""Sends the test picture; the sentence says how long the model took and what it answered."""
		started = time.perf_counter()
		events = self._stream(
			probeConversation(self.provider, self.config.imageDetail), cancelToken, maxTokens=PROBE_MAX_TOKENS
		)
		answer = "".join(event.text for event in events if isinstance(event, TextDelta))
		return probeSentence(time.perf_counter() - started, answer.strip())
