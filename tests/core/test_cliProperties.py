"""Property: whatever a user types and whatever a picture file or a server holds, the command-line tool
ends with a documented exit status (0, 1, 2, 130) and sentences, never a traceback, never a key.

Hypothesis draws the command, options (good, bad and absurd values), the server address (the fake
servers on 127.0.0.1, a closed port there, and every kind of malformed address), the picture file's
bytes, and the fault the fake server plays (error lines, stalls, cut streams, web pages, error
statuses). `main()` runs in this process with its output captured. A guard on `socket.getaddrinfo`
and `socket.socket.connect` records any look-up or connection to anything but 127.0.0.1 and fails
the example: the test never reaches the network, and an address the tool refuses is never contacted.
Examples are bounded and the deadline is off (a stall waits for the 0.4 s timeout), so the test takes
well under a minute.
"""

import contextlib
import io
import os
import socket
import struct
import zlib
from unittest import mock

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from servers.fakeOllama import FakeOllama, ndjsonLine, ollamaLines
from servers.fakeOpenAI import FakeOpenAI, openaiError, sseEvent, sseLines
from servers.httpServer import Disconnect, Reply, Stall, freePort
from visionDescriberCore import cli
from visionDescriberCore.clients.endpoint import addressProblem

KEY = "sk-property-secret-0123456789"
DOCUMENTED = {cli.EXIT_OK, cli.EXIT_FAILED, cli.EXIT_USAGE, cli.EXIT_INTERRUPTED}
ALLOWED_HOST = "127.0.0.1"


# --- The network guard ------------------------------------------------------------------------------


class NetworkGuard:
	"""Records (and refuses) any name look-up or connection to a host other than 127.0.0.1."""

	def __init__(self):
		self.violations: list[str] = []
		self._getaddrinfo = socket.getaddrinfo
		self._connect = socket.socket.connect
		self._connectEx = socket.socket.connect_ex

	def _check(self, host) -> None:
		if host != ALLOWED_HOST:
			self.violations.append(repr(host))
			raise OSError(f"the test's network guard refused {host!r}")

	def getaddrinfo(self, host, *args, **kwargs):
		self._check(host.decode() if isinstance(host, bytes) else host)
		return self._getaddrinfo(host, *args, **kwargs)

	def patches(self):
		guard = self

		def connect(sock, address):
			if sock.family in (socket.AF_INET, socket.AF_INET6):
				guard._check(address[0])
			return guard._connect(sock, address)

		def connectEx(sock, address):
			if sock.family in (socket.AF_INET, socket.AF_INET6):
				guard._check(address[0])
			return guard._connectEx(sock, address)

		return (
			mock.patch.object(socket, "getaddrinfo", self.getaddrinfo),
			mock.patch.object(socket.socket, "connect", connect),
			mock.patch.object(socket.socket, "connect_ex", connectEx),
		)


def test_the_guard_fails_on_the_network():
	"""Proof the guard can fail: a look-up of another host is recorded and refused."""
	guard = NetworkGuard()
	with contextlib.ExitStack() as stack:
		for patch in guard.patches():
			stack.enter_context(patch)
		with pytest.raises(OSError):
			socket.getaddrinfo("example.com", 443)
		with pytest.raises(OSError), socket.socket() as sock:
			sock.connect(("192.0.2.1", 80))
	assert guard.violations == ["'example.com'", "'192.0.2.1'"]


# --- Servers and their faults ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def servers():
	with FakeOllama() as ollama, FakeOpenAI(apiKey=KEY) as openai:
		yield {"ollama": ollama, "openai": openai}


def _ollamaFaults() -> list:
	return [
		None,  # the normal answer
		Reply(
			200,
			[*ollamaLines(done=False)[:2], ndjsonLine({"error": "model requires more memory"})],
			"application/x-ndjson",
		),
		Reply(200, ollamaLines(done=False), "application/x-ndjson"),
		Reply(200, [Stall(timeout=5), *ollamaLines()], "application/x-ndjson"),
		Reply(200, [*ollamaLines()[:2], Disconnect(reset=True)], "application/x-ndjson"),
		Reply(200, [b"not json at all\n"], "application/x-ndjson"),
		Reply.text("<html><body>Sign in</body></html>", 200, "text/html"),
		Reply.text("404 page not found", 404),
		Reply.json({"error": "llama runner process has terminated"}, 500),
		Reply(200, ollamaLines(), "application/x-ndjson", beforeHeaders=[Stall(timeout=5)]),
	]


def _openaiFaults() -> list:
	return [
		None,
		Reply(
			200,
			[*sseLines(done=False)[:2], sseEvent({"error": {"message": f"upstream failed {KEY}"}})],
			"text/event-stream",
		),
		Reply(200, sseLines(done=False), "text/event-stream"),
		openaiError("Rate limit reached", 429, "requests", "rate_limit_exceeded"),
		openaiError("image_url is only supported by certain models.", 400),
		Reply.text("<html><body><h1>413 Request Entity Too Large</h1></body></html>", 413, "text/html"),
		Reply(200, [Stall(timeout=5)], "text/event-stream"),
	]


# --- What a user might type ---------------------------------------------------------------------------

_NEVER_CONTACTED = [
	"http://[::1",
	"http://[zz]:80",
	"http://127.0.0.1:99999",
	"http://127.0.0.1:abc",
	"http://127.0.0.1:0",
	"ftp://example.invalid",
	"ws://127.0.0.1:8080",
	"file:///etc/passwd",
	"http://",
	"https://",
	"http://a b",
	"https://me:secret@example.invalid/v1",
	"http://example.invalid:-1",
	"javascript:alert(1)",
]


def isRefused(address: str) -> bool:
	"""An address the tool must refuse (a blank one means the provider's default)."""
	address = address.strip()
	return bool(address) and addressProblem(address if "://" in address else "http://" + address) is not None


def addresses(servers) -> st.SearchStrategy:
	closed = f"http://{ALLOWED_HOST}:{freePort()}"
	good = [
		servers["ollama"].url,
		servers["openai"].url + "/v1",
		servers["openai"].url,
		closed,
		closed + "/v1",
	]
	typed = st.text(max_size=30).filter(isRefused)
	return st.one_of(st.sampled_from(good), st.sampled_from(good), st.sampled_from(_NEVER_CONTACTED), typed)


def _png(size=(12, 8), mode="RGB") -> bytes:
	from PIL import Image

	buffer = io.BytesIO()
	Image.new(mode, size, "red").save(buffer, "PNG")
	return buffer.getvalue()


def _jpeg() -> bytes:
	from PIL import Image

	buffer = io.BytesIO()
	Image.new("RGB", (20, 10), "blue").save(buffer, "JPEG")
	return buffer.getvalue()


def _claimsHuge() -> bytes:
	def chunk(kind, body):
		return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

	header = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
	return (
		b"\x89PNG\r\n\x1a\n"
		+ chunk(b"IHDR", header)
		+ chunk(b"IDAT", zlib.compress(b"\0" * 64))
		+ chunk(b"IEND", b"")
	)


PICTURES = st.one_of(
	st.sampled_from([_png(), _jpeg()]),
	st.sampled_from(
		[
			_png(),
			_png(mode="RGBA"),
			_jpeg(),
			_claimsHuge(),
			b"",
			b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(40),
			b"GIF89a",
		]
	),
	st.binary(max_size=300),
	st.builds(lambda data, cut: data[:cut], st.sampled_from([_png(), _jpeg()]), st.integers(0, 200)),
)

#: Values per option: mostly good ones (so that examples get as far as the server), some absurd.
OPTION_VALUES = {
	"--timeout": ["0.4", "0.4", "0.4", "nan", "inf", "-1", "0", "abc", "1e400"],
	"--max-side": ["512", "64", "8192", "0", "-5", "100000", "x"],
	"--max-tokens": ["5", "100", "-3", "0", "many"],
	"--keep-alive": ["30m", "-1", "1h30m", "300", "banana", "5s5", ""],
	"--detail": ["low", "high", "auto", "medium"],
	"--picture-detail": ["fast", "balanced", "detailed", "ultra", "Fast"],
	"--region": ["0,0,10,10", "-100,-100,10,10", "0,0,0,10", "a,b,c,d", "1,2,3"],
	"--api-key-env": ["K", "K", "NOT_SET_ANYWHERE", "bad name", KEY],
	"--prompt": ["Describe it.", "", "\u2028\x00", "x" * 300],
	"--save-image": ["SAVED", "SAVED", "/dev/full", "/nonexistent/folder/x.png", "."],
	"--provider": ["ollama", "ollama", "openai", "openaiCompatible", "azure", "bogus"],
	"--model": ["gemma3:4b", "gemma3:4b", "qwen3:8b", "llama3.2:3b", "gpt-4o-mini", "nope", ""],
}
FLAGS = [
	"--think",
	"--show-reasoning",
	"--verbose",
	"--allow-unencrypted-key",
	"--screen",
	f"--api-key={KEY}",
	"--version",
]

optionWithValue = st.sampled_from(sorted(OPTION_VALUES)).flatmap(
	lambda option: st.tuples(st.just(option), st.sampled_from(OPTION_VALUES[option]))
)
options = st.lists(
	st.one_of(
		optionWithValue,
		optionWithValue,
		st.sampled_from(FLAGS).map(lambda flag: (flag,)),
		st.tuples(st.sampled_from(sorted(OPTION_VALUES)), st.text(max_size=8)),
	),
	max_size=3,
)
COMMANDS = st.sampled_from(
	["describe"] * 4 + ["ask"] * 3 + ["models", "models", "check", "check", "descibe", "--help", ""]
)
ASK_WORDS = st.one_of(
	st.just(["PICTURE", "What is it?"]),
	st.lists(st.sampled_from(["PICTURE", "What is it?", "some.png", "two words"]), max_size=3),
)


@pytest.mark.timeout(120)
def test_no_input_ends_in_a_traceback(servers, tmp_path, monkeypatch):
	for name in ("DISPLAY", "WAYLAND_DISPLAY", "OPENAI_API_KEY", "AZURE_OPENAI_API_KEY"):
		monkeypatch.delenv(name, raising=False)
	monkeypatch.setenv("K", KEY)
	faults = {"ollama": _ollamaFaults(), "openai": _openaiFaults()}

	@settings(
		max_examples=int(os.environ.get("CLI_PROPERTY_EXAMPLES", "200")),
		deadline=None,
		database=None,
		suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
	)
	@given(
		command=COMMANDS,
		address=addresses(servers),
		picture=PICTURES,
		words=ASK_WORDS,
		extra=st.one_of(st.just([]), options),
		ollamaFault=st.sampled_from(faults["ollama"]),
		openaiFault=st.sampled_from(faults["openai"]),
	)
	def example(command, address, picture, words, extra, ollamaFault, openaiFault):
		path = tmp_path / "picture.png"
		path.write_bytes(picture)
		argv = [command] if command else []
		if command == "ask":
			argv += [str(path) if word == "PICTURE" else word for word in words]
		elif command == "describe":
			argv.append(str(path))
		argv += ["--timeout", "0.4", "--base-url", address]
		for option in extra:
			argv += [str(tmp_path / "saved.bin") if part == "SAVED" else part for part in option]
		for name, fault in (("ollama", ollamaFault), ("openai", openaiFault)):
			servers[name].chatReplies.clear()
			if fault is not None:
				servers[name].queueChat(fault)
		status, out, err, violations = runGuarded(argv)
		event(f"exit status {status}")  # shown by --hypothesis-show-statistics
		assert violations == [], (argv, violations)
		assert status in DOCUMENTED, (argv, status, err)
		assert "Traceback" not in out + err, (argv, err)
		assert "Something went wrong" not in err, (argv, err)  # no fault of the tool itself
		assert KEY not in out + err, argv
		if status != cli.EXIT_OK:
			assert err.strip() and err.strip().splitlines()[-1].strip(), (argv, status)
		if isRefused(address) and command in ("describe", "ask", "models", "check"):
			assert status in (cli.EXIT_USAGE, cli.EXIT_OK), (argv, status, err)  # refused; --version: 0

	example()


def runGuarded(argv: list[str]) -> tuple[int, str, str, list[str]]:
	guard = NetworkGuard()
	out, err = io.StringIO(), io.StringIO()
	with contextlib.ExitStack() as stack:
		for patch in guard.patches():
			stack.enter_context(patch)
		stack.enter_context(contextlib.redirect_stdout(out))
		stack.enter_context(contextlib.redirect_stderr(err))
		status = cli.main(argv)
	return status, out.getvalue(), err.getvalue(), guard.violations
