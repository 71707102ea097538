"""Vision clients: one module per provider, over a shared base for requests, streams and errors.

	client = createClient(EndpointConfig(provider="ollama", model="gemma3"))
	for event in client.stream(conversation, cancelToken):
		...  # TextDelta, ReasoningDelta, then one Finished; typed errors from the errors package otherwise

What lives here:
- providers: `ollama` (native API), `openaiChat` (OpenAI and compatible servers), `azure` (a small
  subclass of the OpenAI client);
- what they share: `base` (`VisionClient`, the class a provider subclasses), `endpoint` (where and
  how to reach a model), `streaming` (the NDJSON and SSE parsers; here because only the clients
  read wire formats) with `streamEvents` (what a stream yields) and `splitters` (lines, inline
  thinking), `probe` (the test picture `check` sends);
- speech to text: `transcription` (a recording sent to any OpenAI-compatible
  `/audio/transcriptions`, or whisper.cpp's `/inference`), on the same transport;
- below the providers' line of sight: `transport` (the session, sockets a cancel can break,
  timeouts, redirects, where a key may travel), `requestFailures` and `errorMapping` (what a
  failure becomes).

Adding a provider is one module with a VisionClient subclass, and one line in createClient.

May import: the bottom of the core, `conversation` (what is sent) and requests / urllib3.
"""

from .azure import AzureChatClient
from .base import CheckReport, ModelInfo, VisionClient
from .endpoint import (
	AZURE,
	DEFAULT_BASE_URLS,
	OLLAMA,
	OPENAI,
	OPENAI_COMPATIBLE,
	PROVIDERS,
	EndpointConfig,
	displayUrl,
	isLoopbackHost,
	normalizeBaseUrl,
)
from .ollama import OllamaClient
from .openaiChat import OpenAIChatClient
from .probe import probeImage

__all__ = [
	"AZURE",
	"AzureChatClient",
	"DEFAULT_BASE_URLS",
	"OLLAMA",
	"OPENAI",
	"OPENAI_COMPATIBLE",
	"PROVIDERS",
	"CheckReport",
	"EndpointConfig",
	"ModelInfo",
	"OllamaClient",
	"OpenAIChatClient",
	"VisionClient",
	"createClient",
	"displayUrl",
	"isLoopbackHost",
	"normalizeBaseUrl",
	"probeImage",
]


def createClient(config: EndpointConfig) -> VisionClient:
	if config.provider == OLLAMA:
		return OllamaClient(config)
	if config.provider in (OPENAI, OPENAI_COMPATIBLE):
		return OpenAIChatClient(config)
	if config.provider == AZURE:
		return AzureChatClient(config)
	raise ValueError(f"Unknown provider {config.provider!r}; expected one of {', '.join(PROVIDERS)}")
