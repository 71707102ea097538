"""How a request reaches a server and its answer comes back: the session, cancellable sockets, timeouts,
redirects and where a key may travel. Runs on the thread that makes the request (the worker).

A provider module never touches this directly: `VisionClient` asks a `Transport` to open an
`Exchange` and translates what goes wrong (see `requestFailures`).

Cancellation. `Response.close()` from another thread does not wake a thread blocked in a socket
read, and a flag checked between chunks is only seen at the next chunk, which may be a minute away
while Ollama loads a model (it sends nothing, not even headers, until then). So each request gets a
`SocketBreaker` registered on the cancel token. The session's connection pools use connection
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

Keys. A key is refused before sending when it is malformed (requests would echo it in its error) or
would cross the network over plain http to another computer, unless allowed; a redirect that leaves
the host, or goes to plain http elsewhere, drops every key header (Bearer and Azure's `api-key`).
"""

import contextlib
import http.client
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from .. import __version__
from ..cancellation import CancelToken
from ..errors import AuthenticationFailed, InsecureConnection
from .endpoint import isLoopbackHost
from .errorMapping import ErrorInfo, parseErrorBody

ERROR_BODY_LIMIT = 64 * 1024
READ_SIZE = 64 * 1024
SECRET_HEADERS = ("Authorization", "api-key", "x-api-key")


# --- Sockets that cancellation can break ------------------------------------------------------


def _shutdownSocket(sock: socket.socket) -> None:
	# The plain socket's shutdown, also for an SSLSocket: it wakes a blocked read without touching
	# the TLS state another thread is using. OSError: already closed or never connected.
	with contextlib.suppress(OSError):
		socket.socket.shutdown(sock, socket.SHUT_RDWR)


class SocketBreaker:
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
	breaker: SocketBreaker | None = getattr(_current, "breaker", None)
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


# --- Where a key may travel -----------------------------------------------------------------------


_KEY_PATTERN = re.compile(r"[\x21-\x7e]+")


def isInsecure(url: str) -> bool:
	"""Plain http to a host that is not this computer: a key would cross the network readable."""
	parts = urlsplit(url)
	return parts.scheme == "http" and not isLoopbackHost(parts.hostname)


def checkKeyCanTravel(apiKey: str | None, url: str, allowInsecureKey: bool) -> None:
	"""Raises before sending when the key is malformed or would travel unencrypted to another computer."""
	if not apiKey:
		return
	if not _KEY_PATTERN.fullmatch(apiKey):
		raise AuthenticationFailed(keyMalformed=True, detail="the key has spaces or non-ASCII characters")
	if isInsecure(url) and not allowInsecureKey:
		host = urlsplit(url).hostname or url
		raise InsecureConnection(host, detail=f"refused to send the key over http to {host}")


class _Session(requests.Session):
	"""A session that also drops Azure's `api-key` when a redirect leaves the host, and any key when a
	redirect would carry it over plain http to another computer."""

	allowInsecureKey = False

	def rebuild_auth(self, prepared_request, response):
		super().rebuild_auth(prepared_request, response)
		oldUrl = response.request.url
		newUrl = prepared_request.url
		if self.should_strip_auth(oldUrl, newUrl) or (not self.allowInsecureKey and isInsecure(newUrl)):
			for name in SECRET_HEADERS:
				if name in prepared_request.headers:
					del prepared_request.headers[name]


# --- One request ----------------------------------------------------------------------------------


class HttpFailure(Exception):
	"""An error status, before it is mapped to a typed error (a client may recover from some)."""

	def __init__(self, status: int, headers: dict[str, str], text: str, info: ErrorInfo, url: str):
		super().__init__(f"HTTP {status}")
		self.status = status
		self.headers = headers
		self.text = text
		self.info = info
		self.url = url


class _WrappedFailure(Exception):
	"""What requests or urllib3 raised (`error`), kept for the client to translate."""

	def __init__(self, error: BaseException):
		super().__init__(str(error))
		self.error = error


class ConnectionFailure(_WrappedFailure):
	"""The request got no answer."""


class ReadFailure(_WrappedFailure):
	"""The answer broke off while its body was arriving."""


class Exchange:
	"""One open response and the breaker that guards its socket."""

	def __init__(self, response: requests.Response, breaker: SocketBreaker):
		self.response = response
		self.breaker = breaker

	def chunks(self) -> Iterator[bytes]:
		"""Bytes as they arrive: one network read (or one HTTP chunk) at a time, not a full buffer."""
		read1 = getattr(self.response.raw, "read1", None)  # urllib3 >= 2.3
		if read1 is None:
			yield from self._contentChunks()
			return
		while True:
			try:
				data = read1(READ_SIZE, decode_content=True)
			except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError, ValueError) as error:
				raise ReadFailure(error) from error
			if not data:
				return
			yield data

	def _contentChunks(self) -> Iterator[bytes]:
		"""The same through requests' iter_content, for an urllib3 without read1."""
		iterator = self.response.iter_content(chunk_size=None)
		while True:
			try:
				data = next(iterator, b"")
			except Exception as error:
				raise ReadFailure(error) from error
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


class Transport:
	"""One client's way to its server: a session made on first use and kept, so a follow-up reuses the
	open connection (no new TLS handshake); `close` may come from any thread."""

	def __init__(self, baseUrl: str, *, connectTimeout: float, readTimeout: float, allowInsecureKey: bool):
		self.baseUrl = baseUrl
		self.connectTimeout = connectTimeout
		self.readTimeout = readTimeout
		self.allowInsecureKey = allowInsecureKey
		self._session: _Session | None = None
		self._lock = threading.Lock()

	def _getSession(self) -> _Session:
		with self._lock:
			if self._session is None:
				session = _Session()
				adapter = _TrackingAdapter()
				session.mount("http://", adapter)
				session.mount("https://", adapter)
				session.trust_env = not isLoopbackHost(urlsplit(self.baseUrl).hostname)
				session.allowInsecureKey = self.allowInsecureKey
				session.headers["User-Agent"] = f"VisionDescriber/{__version__}"
				self._session = session
			return self._session

	def open(
		self,
		method: str,
		url: str,
		*,
		headers: dict[str, str],
		json=None,
		data: bytes | None = None,
		params: dict | None = None,
		cancelToken: CancelToken | None = None,
		readTimeout: float | None = None,
	) -> Exchange:
		"""The open answer of a request with a 1xx-2xx status, its body still to read. The body is
		`json`, or `data` as it is (a multipart upload; its Content-Type goes in headers).

		Raises ConnectionFailure when no answer came, HttpFailure for an error status (its body read
		and the connection closed), Cancelled when the token fired while that body was read.
		"""
		breaker = SocketBreaker(cancelToken)
		_current.breaker = breaker
		try:
			response = self._getSession().request(
				method,
				url,
				json=json,
				data=data,
				params=params,
				headers=headers,
				stream=True,
				timeout=(self.connectTimeout, readTimeout or self.readTimeout),
			)
		except Exception as error:
			breaker.release()
			raise ConnectionFailure(error) from None
		finally:
			_current.breaker = None
		exchange = Exchange(response, breaker)
		if response.status_code < 300:
			return exchange
		raise self._failure(exchange, cancelToken, url)

	@staticmethod
	def _failure(exchange: Exchange, cancelToken: CancelToken | None, url: str) -> HttpFailure:
		"""Reads an error answer's body (what the server says went wrong) and closes the connection."""
		response = exchange.response
		try:
			body = exchange.readAll(ERROR_BODY_LIMIT)
		except ReadFailure:
			body = b""
		finally:
			exchange.close()
		if cancelToken is not None:
			cancelToken.raiseIfCancelled()
		text = body.decode("utf-8", errors="replace")
		info = parseErrorBody(text, response.headers.get("Content-Type", ""))
		return HttpFailure(response.status_code, dict(response.headers), text, info, response.url or url)

	def close(self) -> None:
		with self._lock:
			session, self._session = self._session, None
		if session is not None:
			session.close()


class OwnsTransport:
	"""For a client that keeps its Transport in `_transport`: `close()`, and `with client:` closing it."""

	_transport: Transport

	def close(self) -> None:
		self._transport.close()

	def __enter__(self):
		return self

	def __exit__(self, *exc):
		self.close()
