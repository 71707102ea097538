"""What every vision client shares: the HTTP session, timeouts, prompt cancellation, error mapping.

Cancellation. `Response.close()` from another thread does not wake a thread blocked in a socket
read, and a flag checked between chunks is only seen at the next chunk, which may be a minute away
while Ollama loads a model (it sends nothing, not even headers, until then). So each request gets a
`_SocketBreaker` registered on the cancel token. The session's connection pools use connection
classes that report every socket they connect or reuse to the breaker of the request running on
this thread (a thread-local, since requests and urllib3 do all their work on the calling thread).
`CancelToken.cancel()` then shuts those sockets down (`shutdown(SHUT_RDWR)` on the plain socket,
under TLS too), and the blocked read returns at once, before or after the headers arrived. The
client sees the token is cancelled and raises `Cancelled` instead of whatever the broken read
produced. Only public, documented extension points are used: `HTTPAdapter.init_poolmanager`,
`PoolManager.pool_classes_by_scheme`, `HTTPConnectionPool.ConnectionCls` and the `connect` and
`request` methods of urllib3's connection classes.

Proxies. Loopback endpoints use a session with `trust_env = False`, so system proxy settings
(whose Windows bypass list does not cover 127.0.0.1) and netrc do not apply.

Keys. The key goes in a header only (Bearer, or Azure's `api-key`), never to Ollama unless one is
configured, never over plain http to another computer unless allowed, and is dropped when a redirect
leaves the host. Every detail and log line passes through `redact`.
"""

import contextlib
import http.client
import json
import logging
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from .. import __version__
from ..cancellation import CancelToken
from ..conversation.conversation import Conversation
from ..errors import (
	AuthenticationFailed,
	Cancelled,
	InsecureConnection,
	RateLimited,
	ServerUnreachable,
	StreamCutShort,
	TimedOut,
	UnexpectedResponse,
	VisionDescriberError,
	redact,
)
from ..i18n import _
from ..media import PreparedImage
from .endpoint import EndpointConfig, displayUrl, isLoopbackHost
from .errorMapping import ErrorInfo, mapHttpError, mapStreamFailure, parseErrorBody
from .streaming import Event, Finished, ReasoningDelta, StreamFailure, TextDelta

log = logging.getLogger("visionDescriber")
log.addHandler(logging.NullHandler())  # silent unless the application (NVDA, the CLI) routes it

ERROR_BODY_LIMIT = 64 * 1024
READ_SIZE = 64 * 1024


# --- Sockets that cancellation can break ------------------------------------------------------


def _shutdownSocket(sock: socket.socket) -> None:
	# The plain socket's shutdown, also for an SSLSocket: it wakes a blocked read without touching
	# the TLS state another thread is using. OSError: already closed or never connected.
	with contextlib.suppress(OSError):
		socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _SocketBreaker:
	"""Shuts down every socket one request uses, when its cancel token fires."""

	def __init__(self, token: CancelToken | None):
		self._lock = threading.Lock()
		self._sockets: list[socket.socket] = []
		self.broken = False
		self.shutdownAt: float | None = None
		self._unregister: Callable[[], None] = token.onCancel(self.breakAll) if token else (lambda: None)

	def attach(self, sock: socket.socket) -> None:
		with self._lock:
			if not any(known is sock for known in self._sockets):
				self._sockets.append(sock)
			broken = self.broken
		if broken:
			_shutdownSocket(sock)

	def breakAll(self) -> None:
		with self._lock:
			self.broken = True
			sockets = list(self._sockets)
		for sock in sockets:
			_shutdownSocket(sock)
		self.shutdownAt = time.perf_counter()

	def release(self) -> None:
		self._unregister()
		with self._lock:
			self._sockets.clear()


_current = threading.local()


def _noteSocket(connection: HTTPConnection) -> None:
	breaker: _SocketBreaker | None = getattr(_current, "breaker", None)
	sock = getattr(connection, "sock", None)
	if breaker is not None and sock is not None:
		breaker.attach(sock)


class _TrackedHTTPConnection(HTTPConnection):
	def connect(self) -> None:
		super().connect()
		_noteSocket(self)

	def request(self, *args, **kwargs):
		_noteSocket(self)  # a reused keep-alive connection is already connected
		return super().request(*args, **kwargs)


class _TrackedHTTPSConnection(HTTPSConnection):
	def connect(self) -> None:
		super().connect()
		_noteSocket(self)

	def request(self, *args, **kwargs):
		_noteSocket(self)
		return super().request(*args, **kwargs)


class _TrackedHTTPPool(HTTPConnectionPool):
	ConnectionCls = _TrackedHTTPConnection


class _TrackedHTTPSPool(HTTPSConnectionPool):
	ConnectionCls = _TrackedHTTPSConnection


def _useTrackedPools(manager) -> None:
	classes = getattr(manager, "pool_classes_by_scheme", None)
	if not isinstance(classes, dict):
		return
	# SOCKS proxy managers bring their own pool classes; leave those alone.
	if classes.get("http") is HTTPConnectionPool and classes.get("https") is HTTPSConnectionPool:
		manager.pool_classes_by_scheme = {**classes, "http": _TrackedHTTPPool, "https": _TrackedHTTPSPool}


class _TrackingAdapter(HTTPAdapter):
	def init_poolmanager(self, *args, **kwargs) -> None:
		super().init_poolmanager(*args, **kwargs)
		_useTrackedPools(self.poolmanager)

	def proxy_manager_for(self, proxy, **proxyKwargs):
		manager = super().proxy_manager_for(proxy, **proxyKwargs)
		_useTrackedPools(manager)
		return manager


SECRET_HEADERS = ("Authorization", "api-key", "x-api-key")


class _Session(requests.Session):
	"""A session that also drops Azure's `api-key` when a redirect leaves the host, and any key when a
	redirect would carry it over plain http to another computer."""

	allowInsecureKey = False

	def rebuild_auth(self, prepared_request, response):
		super().rebuild_auth(prepared_request, response)
		oldUrl = response.request.url
		newUrl = prepared_request.url
		if self.should_strip_auth(oldUrl, newUrl) or (not self.allowInsecureKey and _isInsecure(newUrl)):
			for name in SECRET_HEADERS:
				if name in prepared_request.headers:
					del prepared_request.headers[name]


def _isInsecure(url: str) -> bool:
	parts = urlsplit(url)
	return parts.scheme == "http" and not isLoopbackHost(parts.hostname)


# --- Results and internal failures --------------------------------------------------------------


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


class HttpFailure(Exception):
	"""An error status, before it is mapped to a typed error (a client may recover from some)."""

	def __init__(self, status: int, headers: dict[str, str], text: str, info: ErrorInfo, url: str):
		super().__init__(f"HTTP {status}")
		self.status = status
		self.headers = headers
		self.text = text
		self.info = info
		self.url = url


class _ReadFailure(Exception):
	def __init__(self, error: BaseException):
		super().__init__(str(error))
		self.error = error


def _causes(error: BaseException, depth: int = 0) -> Iterator[BaseException]:
	"""The error, then what it wraps: requests and urllib3 nest the real cause in args and reason."""
	yield error
	if depth > 6:
		return
	seen = []
	for candidate in (*getattr(error, "args", ()), getattr(error, "reason", None)):
		if isinstance(candidate, BaseException):
			seen.append(candidate)
	for candidate in (error.__cause__, error.__context__):
		if candidate is not None:
			seen.append(candidate)
	for candidate in seen:
		yield from _causes(candidate, depth + 1)


def _causedBy(error: BaseException, *types: type) -> bool:
	return any(isinstance(cause, types) for cause in _causes(error))


_KEY_PATTERN = re.compile(r"[\x21-\x7e]+")
# urllib3 1.26 has no NameResolutionError (it reports a failed look-up as a NewConnectionError).
_NAME_RESOLUTION_ERROR = getattr(
	urllib3.exceptions, "NameResolutionError", urllib3.exceptions.NewConnectionError
)


class _Exchange:
	"""One open response and the breaker that guards its socket."""

	def __init__(self, response: requests.Response, breaker: _SocketBreaker):
		self.response = response
		self.breaker = breaker

	def chunks(self) -> Iterator[bytes]:
		"""Bytes as they arrive: one network read (or one HTTP chunk) at a time, not a full buffer."""
		raw = self.response.raw
		read1 = getattr(raw, "read1", None)  # urllib3 >= 2.3
		if read1 is None:
			iterator = self.response.iter_content(chunk_size=None)
			while True:
				try:
					data = next(iterator, b"")
				except Exception as error:
					raise _ReadFailure(error) from error
				if not data:
					return
				yield data
		while True:
			try:
				data = read1(READ_SIZE, decode_content=True)
			except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError, ValueError) as error:
				raise _ReadFailure(error) from error
			if not data:
				return
			yield data

	def readAll(self, limit: int) -> bytes:
		body = bytearray()
		for data in self.chunks():
			body += data
			if len(body) >= limit:
				break
		return bytes(body)

	def close(self) -> None:
		try:
			self.response.close()
		finally:
			self.breaker.release()


# --- A tiny picture for `check` -----------------------------------------------------------------


def probeImage(provider: str = "", imageDetail: str = "auto") -> PreparedImage:
	"""A 64x64 black square on white, drawn with Pillow and prepared for the provider exactly as a
	describe's picture is (`imaging.preparation`), so `check` proves the picture path works: a missing
	or broken Pillow raises ImagingUnavailable here, before anything is sent."""
	from ..imaging import requirePillow

	requirePillow()
	from PIL import Image, ImageDraw

	from ..imaging.preparation import policyForProvider, prepareImage

	image = Image.new("RGB", (64, 64), "white")
	ImageDraw.Draw(image).rectangle((16, 16, 47, 47), fill="black")
	return prepareImage(image, policyForProvider(provider, imageDetail))


PROBE_QUESTION = "What colour is the square in this picture? Answer with one word."
PROBE_MAX_TOKENS = 64


# --- The base client ------------------------------------------------------------------------------


class VisionClient:
	"""One endpoint. `stream` runs on a worker thread; `cancel()` on the token may come from any thread."""

	provider = ""

	def __init__(self, config: EndpointConfig):
		self.config = config
		self.baseUrl = config.resolvedBaseUrl()
		self._apiKey = (config.apiKey or "").strip() or None
		self._session: _Session | None = None
		self._sessionLock = threading.Lock()

	# Public API, implemented by each wire format.

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

	def close(self) -> None:
		with self._sessionLock:
			session, self._session = self._session, None
		if session is not None:
			session.close()

	def __enter__(self):
		return self

	def __exit__(self, *exc):
		self.close()

	def __repr__(self) -> str:
		return f"{type(self).__name__}({displayUrl(self.baseUrl)!r}, model={self.config.model!r})"

	# Plumbing for subclasses.

	@property
	def displayUrl(self) -> str:
		return displayUrl(self.baseUrl)

	def _authHeaders(self) -> dict[str, str]:
		return {"Authorization": f"Bearer {self._apiKey}"} if self._apiKey else {}

	def _redact(self, text: str) -> str:
		return redact(text, self._apiKey, self.config.apiKey)

	def _getSession(self) -> _Session:
		with self._sessionLock:
			if self._session is None:
				session = _Session()
				adapter = _TrackingAdapter()
				session.mount("http://", adapter)
				session.mount("https://", adapter)
				session.trust_env = not isLoopbackHost(urlsplit(self.baseUrl).hostname)
				session.allowInsecureKey = self.config.allowInsecureKey
				session.headers["User-Agent"] = f"VisionDescriber/{__version__}"
				self._session = session
			return self._session

	def _checkKeyCanTravel(self, url: str) -> None:
		if not self._apiKey:
			return
		if not _KEY_PATTERN.fullmatch(self._apiKey):
			raise AuthenticationFailed(keyMalformed=True, detail="the key has spaces or non-ASCII characters")
		if _isInsecure(url) and not self.config.allowInsecureKey:
			host = urlsplit(url).hostname or url
			raise InsecureConnection(host, detail=f"refused to send the key over http to {host}")

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
	) -> _Exchange:
		if not self.baseUrl:
			raise ServerUnreachable("", self.provider, detail="no address configured")
		if cancelToken is not None:
			cancelToken.raiseIfCancelled()
		self._checkKeyCanTravel(url)
		headers = dict(self._authHeaders())
		if stream:
			headers["Accept-Encoding"] = "identity"  # compression would hold text back in buffers
		breaker = _SocketBreaker(cancelToken)
		_current.breaker = breaker
		try:
			response = self._getSession().request(
				method,
				url,
				json=json,
				params=params,
				headers=headers,
				stream=True,
				timeout=(self.config.connectTimeout, readTimeout or self.config.readTimeout),
			)
		except Exception as error:
			breaker.release()
			raise self._transportError(error, cancelToken, url) from None
		finally:
			_current.breaker = None
		exchange = _Exchange(response, breaker)
		if response.status_code < 300:
			return exchange
		try:
			body = exchange.readAll(ERROR_BODY_LIMIT)
		except _ReadFailure:
			body = b""
		finally:
			exchange.close()
		if cancelToken is not None:
			cancelToken.raiseIfCancelled()
		text = body.decode("utf-8", errors="replace")
		info = parseErrorBody(text, response.headers.get("Content-Type", ""))
		raise HttpFailure(response.status_code, dict(response.headers), text, info, response.url or url)

	def _request(self, method: str, url: str, **kwargs) -> _Exchange:
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
		error = self._mapFailure(failure)
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

	def _send(self, method: str, url: str, *, modelRequest: bool = True, **kwargs) -> _Exchange:
		"""A request whose error statuses become typed errors at once."""
		try:
			return self._request(method, url, **kwargs)
		except HttpFailure as failure:
			raise self._mapFailure(failure, modelRequest=modelRequest) from None

	def _getJson(self, method: str, url: str, *, modelRequest: bool = False, **kwargs):
		cancelToken = kwargs.get("cancelToken")
		exchange = self._send(method, url, modelRequest=modelRequest, **kwargs)
		try:
			body = exchange.readAll(32 * 1024 * 1024)
		except _ReadFailure as failure:
			raise self._readError(failure.error, cancelToken) from None
		finally:
			exchange.close()
		try:
			return json.loads(body.decode("utf-8", errors="replace"))
		except ValueError:
			raise UnexpectedResponse(
				detail=self._redact(f"{method} {displayUrl(url)} answered non-JSON: {body[:300]!r}")
			) from None

	def _mapFailure(self, failure: HttpFailure, modelRequest: bool = True) -> VisionDescriberError:
		detail = self._redact(
			f"HTTP {failure.status} from {displayUrl(failure.url)}: {failure.text.strip()[:2000]}"
		)
		log.warning("Vision request failed: %s", detail)
		return mapHttpError(
			failure.status,
			failure.info,
			failure.headers,
			provider=self.provider,
			model=self.config.model,
			keyPresent=bool(self._apiKey),
			detail=detail,
			modelRequest=modelRequest,
		)

	def _transportError(
		self, error: BaseException, cancelToken: CancelToken | None, url: str
	) -> VisionDescriberError:
		detail = self._redact(f"{type(error).__name__}: {error}")
		if cancelToken is not None and cancelToken.cancelled:
			return Cancelled(detail=detail)
		log.warning("Vision request to %s failed: %s", displayUrl(url), detail)
		if isinstance(error, VisionDescriberError):
			return error
		if isinstance(error, requests.exceptions.ConnectTimeout):
			return TimedOut(TimedOut.CONNECT, self.config.connectTimeout, detail=detail)
		if isinstance(error, requests.exceptions.ReadTimeout):
			return TimedOut(TimedOut.FIRST_RESPONSE, self.config.readTimeout, detail=detail)
		if isinstance(error, requests.exceptions.InvalidHeader):
			return AuthenticationFailed(keyMalformed=True, detail="a header could not be sent")
		if _causedBy(
			error,
			urllib3.exceptions.NewConnectionError,
			_NAME_RESOLUTION_ERROR,
			ConnectionRefusedError,
			requests.exceptions.SSLError,
			requests.exceptions.InvalidURL,
			requests.exceptions.MissingSchema,
			requests.exceptions.InvalidSchema,
		):
			return ServerUnreachable(self.displayUrl, self.provider, detail=detail)
		if _causedBy(error, urllib3.exceptions.ReadTimeoutError, TimeoutError):
			return TimedOut(TimedOut.FIRST_RESPONSE, self.config.readTimeout, detail=detail)
		if _causedBy(
			error, http.client.RemoteDisconnected, urllib3.exceptions.ProtocolError, ConnectionResetError
		):
			# Accepted the connection, then closed it without answering.
			return StreamCutShort("", detail=detail)
		if isinstance(error, requests.exceptions.TooManyRedirects):
			return UnexpectedResponse(detail=detail)
		if isinstance(error, requests.exceptions.RequestException | OSError):
			return ServerUnreachable(self.displayUrl, self.provider, detail=detail)
		return UnexpectedResponse(detail=detail)

	def _readError(self, error: BaseException, cancelToken: CancelToken | None) -> VisionDescriberError:
		"""A failure while the body was arriving."""
		detail = self._redact(f"{type(error).__name__}: {error}")
		if cancelToken is not None and cancelToken.cancelled:
			return Cancelled(detail=detail)
		log.warning("Vision stream from %s broke: %s", self.displayUrl, detail)
		if _causedBy(error, urllib3.exceptions.ReadTimeoutError, TimeoutError, socket.timeout):
			return TimedOut(TimedOut.STREAM, self.config.readTimeout, detail=detail)
		return StreamCutShort("", detail=detail)

	def _streamEvents(self, exchange: _Exchange, parser, cancelToken: CancelToken | None) -> Iterator[Event]:
		"""Feeds the body to the parser and yields events; every ending is a Finished or a typed error."""
		partial: list[str] = []
		contentType = exchange.response.headers.get("Content-Type", "").lower()
		try:
			try:
				if "text/html" in contentType:
					body = exchange.readAll(2000)
					raise UnexpectedResponse(
						detail=self._redact(f"a web page from {self.displayUrl}: {body[:300]!r}")
					)
				for data in exchange.chunks():
					for event in parser.feed(data):
						yield self._checked(event, partial)
					if cancelToken is not None and cancelToken.cancelled:
						raise Cancelled()
				if cancelToken is not None:
					cancelToken.raiseIfCancelled()
				for event in parser.finish():
					yield self._checked(event, partial)
			except _ReadFailure as failure:
				raise self._readError(failure.error, cancelToken) from None
			if not parser.finished:
				if cancelToken is not None:
					cancelToken.raiseIfCancelled()
				raise StreamCutShort(
					"".join(partial), detail=f"the stream from {self.displayUrl} ended without its end marker"
				)
		except VisionDescriberError as error:
			if cancelToken is not None and cancelToken.cancelled and not isinstance(error, Cancelled):
				error = Cancelled(detail=error.detail)
			if not error.partialText:
				error.partialText = "".join(partial)
			if isinstance(error, StreamCutShort | UnexpectedResponse):
				log.warning("Vision stream from %s: %s", self.displayUrl, error.detail)
			raise error from None
		finally:
			exchange.close()

	def _checked(self, event, partial: list[str]) -> Event:
		if isinstance(event, StreamFailure):
			detail = self._redact(
				f"error inside the stream from {self.displayUrl}: {event.raw or event.message}"
			)
			log.warning("Vision stream failed: %s", detail)
			raise mapStreamFailure(
				event,
				provider=self.provider,
				model=self.config.model,
				keyPresent=bool(self._apiKey),
				detail=detail,
			)
		if isinstance(event, TextDelta):
			partial.append(event.text)
		return event

	def _probe(self, cancelToken: CancelToken | None) -> tuple[float, str]:
		"""Sends the probe picture; returns seconds until the answer ended and the answer."""
		conversation = Conversation()
		conversation.addUserTurn(PROBE_QUESTION, probeImage(self.provider, self.config.imageDetail))
		started = time.perf_counter()
		parts: list[str] = []
		for event in self._probeStream(conversation, cancelToken):
			if isinstance(event, TextDelta):
				parts.append(event.text)
			elif isinstance(event, Finished | ReasoningDelta):
				pass
		return time.perf_counter() - started, "".join(parts).strip()

	def _probeStream(self, conversation: Conversation, cancelToken: CancelToken | None) -> Iterator[Event]:
		return self._stream(conversation, cancelToken, maxTokens=PROBE_MAX_TOKENS)

	def _probeLine(self, seconds: float, answer: str) -> str:
		answer = " ".join(answer.split())
		if len(answer) > 80:
			answer = answer[:77] + "..."
		if answer:
			# Translators: {seconds} has one decimal; {answer} is the model's short reply.
			return _("The model answered a test picture in {seconds} seconds: {answer}").format(
				seconds=f"{seconds:.1f}", answer=answer
			)
		return _("The model accepted a test picture and finished in {seconds} seconds.").format(
			seconds=f"{seconds:.1f}"
		)
