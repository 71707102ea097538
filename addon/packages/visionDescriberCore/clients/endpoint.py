"""Where and how to reach a vision model: provider, address, model, key and request options.

What differs between providers before any request is made (default address, the API paths people
paste, the path an address without one gets) is declared here as tables, one row per provider.
Pure data and string handling: no sockets.
"""

import ipaddress
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

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
	parts = urlsplit(url)
	path = parts.path.rstrip("/")
	for suffix in _PASTED_PATHS.get(provider, ()):
		if path.endswith(suffix):
			path = path[: -len(suffix)]
			break
	path = path or _DEFAULT_PATHS.get(provider, "")
	return urlunsplit((parts.scheme.lower(), parts.netloc, path, "", ""))


def displayUrl(url: str) -> str:
	"""An address safe to speak and log: no user name, password or query."""
	parts = urlsplit(url)
	host = parts.hostname or ""
	if ":" in host:
		host = f"[{host}]"
	netloc = f"{host}:{parts.port}" if parts.port else host
	return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))
