"""Where and how to reach a vision model: provider, address, model, key and request options.

What differs between providers before any request is made (default address, the API paths people
paste, the path an address without one gets) is declared here as tables, one row per provider.
Pure data and string handling: no sockets. None of these functions raises on a malformed address
(Python's `urlsplit` does, for `http://[::1` or a port such as 99999): `addressProblem` says what is
wrong with one, and the settings, the clients and the command-line tool all ask it.
"""

import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import SplitResult, urlsplit, urlunsplit

from ..errors import InvalidAddress

OLLAMA = "ollama"
OPENAI = "openai"
OPENAI_COMPATIBLE = "openaiCompatible"
AZURE = "azure"
PROVIDERS = (OLLAMA, OPENAI, OPENAI_COMPATIBLE, AZURE)

DEFAULT_BASE_URLS = {
	# 127.0.0.1, not localhost: on Windows localhost may try IPv6 first and cost seconds per connection.
	OLLAMA: "http://127.0.0.1:11434",
	OPENAI: "https://api.openai.com/v1",
	# llama.cpp's llama-server; LM Studio is http://127.0.0.1:1234/v1, vLLM http://127.0.0.1:8000/v1.
	OPENAI_COMPATIBLE: "http://127.0.0.1:8080/v1",
	AZURE: "",
}

#: API paths people paste at the end of an address; the first that matches is dropped.
_PASTED_PATHS = {
	# Ollama's native API lives at the root; people paste the OpenAI-compatible /v1 or the /api prefix.
	OLLAMA: ("/v1", "/api", "/api/chat"),
	OPENAI: ("/chat/completions",),
	OPENAI_COMPATIBLE: ("/chat/completions",),
	AZURE: ("/chat/completions",),
}
#: The path an address typed without one gets.
_DEFAULT_PATHS = {
	OPENAI_COMPATIBLE: "/v1",  # llama.cpp, LM Studio, vLLM and Ollama all serve it under /v1
}


@dataclass
class EndpointConfig:
	provider: str = OLLAMA
	baseUrl: str = ""  # empty: the provider's default
	model: str = ""
	# Never in a repr, a log line or a saved file; compare=False keeps it out of equality dumps too.
	apiKey: str | None = field(default=None, repr=False, compare=False)
	connectTimeout: float = 5.0
	# Covers a cold model load: Ollama sends nothing, not even headers, until the model is loaded.
	readTimeout: float = 120.0
	keepAlive: str | int | None = None  # Ollama: "10m", seconds, -1 = keep loaded; None = server default
	maxTokens: int | None = None  # answer length cap (num_predict / max_completion_tokens)
	temperature: float | None = None
	numCtx: int | None = None  # Ollama context window
	imageDetail: str = "auto"  # OpenAI: "low", "high" or "auto"
	azureApiVersion: str = "2024-10-21"
	allowInsecureKey: bool = False  # allow sending a key over plain http to a host that is not loopback
	think: bool = False  # Ollama: let thinking models think first (slower); False = answer at once
	maxRetryWait: float = 5.0  # a rate limit asking to wait at most this long is retried once, automatically

	def resolvedBaseUrl(self) -> str:
		return normalizeBaseUrl(self.baseUrl or DEFAULT_BASE_URLS.get(self.provider, ""), self.provider)


def _split(url: str) -> SplitResult | None:
	"""urlsplit, or None for an address it cannot take apart (a broken IPv6 literal)."""
	try:
		return urlsplit(url)
	except ValueError:
		return None


def _port(parts: SplitResult) -> int | None:
	"""The port, or -1 when it is not a number from 1 to 65535."""
	try:
		port = parts.port
	except ValueError:
		return -1
	return -1 if port == 0 else port


_HOST_CHARACTERS = re.compile(r"[\w.-]+")


def addressProblem(url: str) -> str | None:
	"""What keeps url from being a server's address, as an `InvalidAddress` reason; None when it can
	be one. A blank address is MISSING; it must be http or https, with a host and a valid port, and no
	user name or password."""
	url = (url or "").strip()
	if not url:
		return InvalidAddress.MISSING
	parts = _split(url)
	if parts is None:
		return InvalidAddress.SHAPE
	if parts.scheme.lower() not in ("http", "https"):
		return InvalidAddress.SCHEME
	if _port(parts) == -1:
		return InvalidAddress.PORT
	host = parts.hostname or ""
	if not host or any(character.isspace() for character in url):
		return InvalidAddress.SHAPE
	if ":" not in host and not _HOST_CHARACTERS.fullmatch(host):
		return InvalidAddress.SHAPE
	if parts.username or parts.password:
		return InvalidAddress.CREDENTIALS
	return None


def requireValidAddress(url: str) -> None:
	"""Raises InvalidAddress when url cannot be a server's address (see addressProblem)."""
	problem = addressProblem(url)
	if problem is not None:
		raise InvalidAddress(problem, detail=f"not a server address: {displayUrl(url)!r}")


def hostOf(url: str) -> str | None:
	"""The host name of an address, or None (also for one urlsplit cannot take apart)."""
	parts = _split((url or "").strip())
	return parts.hostname if parts is not None else None


def isLoopbackHost(host: str | None) -> bool:
	if not host:
		return False
	host = host.strip("[]").lower().rstrip(".")
	if host == "localhost" or host.endswith(".localhost"):
		return True
	try:
		return ipaddress.ip_address(host).is_loopback
	except ValueError:
		return False


def normalizeBaseUrl(url: str, provider: str) -> str:
	"""Adds a missing scheme, drops a trailing slash and fixes the path people commonly paste."""
	url = (url or "").strip()
	if not url:
		return ""
	if "://" not in url:
		url = "http://" + url
	parts = _split(url)
	if parts is None:
		return url  # left as typed; addressProblem says what is wrong with it
	path = parts.path.rstrip("/")
	for suffix in _PASTED_PATHS.get(provider, ()):
		if path.endswith(suffix):
			path = path[: -len(suffix)]
			break
	path = path or _DEFAULT_PATHS.get(provider, "")
	return urlunsplit((parts.scheme.lower(), parts.netloc, path, "", ""))


def displayUrl(url: str) -> str:
	"""An address safe to speak and log: no user name, password or query. A malformed one keeps its
	scheme, host and port as written, without what may be a password."""
	parts = _split(url or "")
	if parts is None:
		text = re.sub(r"//[^/@]*@", "//", url.split("?", 1)[0].split("#", 1)[0])
		return "".join(character for character in text if character.isprintable())[:200]
	host = parts.hostname or ""
	if ":" in host:
		host = f"[{host}]"
	port = _port(parts)
	if port == -1:
		port = parts.netloc.rpartition(":")[2][:20]
	netloc = f"{host}:{port}" if port else host
	return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))
