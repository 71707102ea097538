"""A scripted HTTP/1.1 server on a loopback address, with real sockets, for testing clients.

Each test scripts the replies (status, headers, body pieces) and the faults between them: a delay, a
stall until the client goes away, a gate the test opens, a disconnect in the middle of a chunked
body. Every request is recorded (method, path, query, headers, body). `stop()` wakes every stalled
handler, shuts idle keep-alive connections and joins every thread the server started.
"""

import contextlib
import json
import select
import socket
import struct
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

# --- Faults and pauses, placed among the body pieces (or before the headers) ---------------------


@dataclass
class Delay:
	seconds: float


@dataclass
class Stall:
	"""Sends nothing until the client closes the connection, the server stops, or `timeout` passes."""

	timeout: float = 30.0


@dataclass
class Gate:
	"""Waits until the test sets `event` (or the server stops)."""

	event: threading.Event
	timeout: float = 30.0


@dataclass
class Disconnect:
	"""Drops the connection here, without finishing the body. reset=True sends a TCP reset."""

	reset: bool = False


Action = Delay | Stall | Gate | Disconnect


@dataclass
class Reply:
	status: int = 200
	body: list = field(default_factory=list)  # bytes pieces and actions, in order
	contentType: str | None = "application/json"
	headers: dict[str, str] = field(default_factory=dict)
	framing: str = "chunked"  # "chunked", "length" (Content-Length) or "close" (until the socket closes)
	beforeHeaders: list = field(default_factory=list)  # actions before the status line

	@classmethod
	def json(cls, obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> "Reply":
		return cls(status, [json.dumps(obj).encode()], "application/json", dict(headers or {}), "length")

	@classmethod
	def text(
		cls, text: str, status: int = 200, contentType: str = "text/plain; charset=utf-8", **kwargs
	) -> "Reply":
		return cls(status, [text.encode()], contentType, framing="length", **kwargs)


@dataclass
class RecordedRequest:
	method: str
	path: str
	query: dict[str, list[str]]
	headers: dict[str, str]  # names in lower case
	body: bytes
	receivedAt: float
	firstBodyByteAt: float | None = None  # perf_counter when the reply's first body piece was written
	clientClosedAt: float | None = None  # perf_counter when a stall saw the client close the connection
	finishedAt: float | None = None
	clientAddress: tuple | None = (
		None  # (host, port) of the client's socket: the same for a reused connection
	)

	@property
	def json(self) -> Any:
		try:
			return json.loads(self.body)
		except ValueError:
			return None

	def header(self, name: str) -> str | None:
		return self.headers.get(name.lower())


class _Handler(BaseHTTPRequestHandler):
	protocol_version = "HTTP/1.1"

	def do_GET(self):
		self.server.owner._handle(self)

	do_POST = do_PUT = do_DELETE = do_HEAD = do_GET

	def log_message(self, format, *args):
		pass


class _Server(ThreadingHTTPServer):
	daemon_threads = False
	block_on_close = True  # server_close() joins every handler thread

	def __init__(self, address, owner: "ScriptedHttpServer"):
		self.owner = owner
		super().__init__(address, _Handler)

	def process_request(self, request, client_address):
		# Like Go's net/http (Ollama) and most servers: no Nagle delay on small writes.
		request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
		self.owner._connections.add(request)
		super().process_request(request, client_address)

	def shutdown_request(self, request):
		self.owner._connections.discard(request)
		super().shutdown_request(request)

	def handle_error(self, request, client_address):
		self.owner.errors.append(sys.exc_info()[1])


class ScriptedHttpServer:
	def __init__(self, host: str = "127.0.0.1"):
		self.host = host
		self.requests: list[RecordedRequest] = []
		self.errors: list[BaseException] = []
		self._connections: set[socket.socket] = set()
		self._queued: dict[tuple[str, str], deque] = {}
		self._routes: dict[tuple[str, str], Callable[[RecordedRequest], Reply]] = {}
		self._arrived = threading.Condition()
		self._stopping = threading.Event()
		self._wakeReader, self._wakeWriter = socket.socketpair()
		self._httpd: _Server | None = None
		self._thread: threading.Thread | None = None

	# Life cycle.

	def start(self) -> "ScriptedHttpServer":
		self._httpd = _Server((self.host, 0), self)
		self._thread = threading.Thread(
			target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name=f"fake-{self.host}"
		)
		self._thread.start()
		return self

	@property
	def port(self) -> int:
		return self._httpd.server_address[1]

	@property
	def url(self) -> str:
		return f"http://{self.host}:{self.port}"

	def stop(self) -> None:
		if self._httpd is None:
			return
		self._stopping.set()
		with contextlib.suppress(OSError):
			self._wakeWriter.send(b"x")
		self._httpd.shutdown()
		for connection in list(self._connections):
			with contextlib.suppress(OSError):
				connection.shutdown(socket.SHUT_RDWR)
		self._httpd.server_close()
		self._thread.join()
		self._wakeReader.close()
		self._wakeWriter.close()
		self._httpd = None

	def __enter__(self):
		return self.start()

	def __exit__(self, *exc):
		self.stop()

	# Scripting.

	def route(self, method: str, path: str, handler: Callable[[RecordedRequest], Reply]) -> None:
		self._routes[(method, path)] = handler

	def enqueue(self, method: str, path: str, *replies: Reply) -> None:
		"""Replies used once each, in order, before the route's normal answer."""
		self._queued.setdefault((method, path), deque()).extend(replies)

	def notFound(self, request: RecordedRequest) -> Reply:
		return Reply.text("404 page not found", 404)

	def waitForRequests(self, count: int, timeout: float = 10.0) -> list[RecordedRequest]:
		with self._arrived:
			if not self._arrived.wait_for(lambda: len(self.requests) >= count, timeout):
				raise AssertionError(f"expected {count} requests, got {len(self.requests)}")
			return list(self.requests)

	def requestsTo(self, path: str) -> list[RecordedRequest]:
		return [request for request in self.requests if request.path == path]

	# Serving.

	def _handle(self, handler: _Handler) -> None:
		parts = urlsplit(handler.path)
		length = int(handler.headers.get("Content-Length") or 0)
		body = handler.rfile.read(length) if length else b""
		request = RecordedRequest(
			handler.command,
			parts.path,
			parse_qs(parts.query),
			{name.lower(): value for name, value in handler.headers.items()},
			body,
			time.perf_counter(),
			clientAddress=tuple(handler.client_address),
		)
		with self._arrived:
			self.requests.append(request)
			self._arrived.notify_all()
		key = (handler.command, parts.path)
		queue = self._queued.get(key)
		if queue:
			reply = queue.popleft()
		elif key in self._routes:
			reply = self._routes[key](request)
		else:
			reply = self.notFound(request)
		try:
			self._play(handler, reply, request)
		except (BrokenPipeError, ConnectionResetError):
			handler.close_connection = True
		finally:
			request.finishedAt = time.perf_counter()

	def _play(self, handler: _Handler, reply: Reply, request: RecordedRequest) -> None:
		connection: socket.socket = handler.connection
		for action in reply.beforeHeaders:
			if self._act(action, connection, request, handler):
				return
		handler.send_response(reply.status)
		if reply.contentType:
			handler.send_header("Content-Type", reply.contentType)
		for name, value in reply.headers.items():
			handler.send_header(name, value)
		if reply.framing == "chunked":
			handler.send_header("Transfer-Encoding", "chunked")
		elif reply.framing == "length":
			size = sum(len(piece) for piece in reply.body if isinstance(piece, bytes))
			handler.send_header("Content-Length", str(size))
		else:
			handler.send_header("Connection", "close")
			handler.close_connection = True
		handler.end_headers()
		for piece in reply.body:
			if isinstance(piece, bytes):
				if not piece:
					continue
				if request.firstBodyByteAt is None:
					request.firstBodyByteAt = time.perf_counter()
				if reply.framing == "chunked":
					connection.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
				else:
					connection.sendall(piece)
			elif self._act(piece, connection, request, handler):
				return
		if reply.framing == "chunked":
			connection.sendall(b"0\r\n\r\n")

	def _act(self, action, connection: socket.socket, request: RecordedRequest, handler: _Handler) -> bool:
		"""Performs a fault or pause; True when the connection is gone."""
		if isinstance(action, Delay):
			self._stopping.wait(action.seconds)
		elif isinstance(action, Gate):
			deadline = time.monotonic() + action.timeout
			while not action.event.wait(0.01):
				if self._stopping.is_set() or time.monotonic() > deadline:
					break
		elif isinstance(action, Stall):
			if self._waitForClose(connection, action.timeout):
				request.clientClosedAt = time.perf_counter()
				handler.close_connection = True
				return True
		elif isinstance(action, Disconnect):
			if action.reset:
				connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
			with contextlib.suppress(OSError):
				connection.shutdown(socket.SHUT_RDWR)
			handler.close_connection = True
			return True
		if self._stopping.is_set():
			handler.close_connection = True
			return True
		return False

	def _waitForClose(self, connection: socket.socket, timeout: float) -> bool:
		"""Blocks until the client closes (True), or the server stops or time runs out (False)."""
		deadline = time.monotonic() + timeout
		watched = [connection, self._wakeReader]
		while True:
			remaining = deadline - time.monotonic()
			if remaining <= 0 or self._stopping.is_set():
				return False
			readable, _, _ = select.select(watched, [], [], remaining)
			if connection in readable:
				try:
					data = connection.recv(1, socket.MSG_PEEK)
				except OSError:
					return True
				if not data:
					return True
				watched = [self._wakeReader]  # the client sent more bytes; only wait for time or stop
			if self._wakeReader in readable:
				return False


def freePort(host: str = "127.0.0.1") -> int:
	"""A port nothing listens on (for refused connections)."""
	with socket.socket() as probe:
		probe.bind((host, 0))
		return probe.getsockname()[1]
