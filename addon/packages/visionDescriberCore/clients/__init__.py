"""Vision clients: one module per wire format, a shared base for HTTP, cancellation and errors.

	client = createClient(EndpointConfig(provider="ollama", model="gemma3"))
	for event in client.stream(conversation, cancelToken):
		...  # TextDelta, ReasoningDelta, then one Finished; typed errors from errors.py otherwise

Adding a provider is one module with a VisionClient subclass, and one line in createClient.
The stream parsers (`streaming`) live here because only the clients read wire formats.

May import: the bottom of the core, `conversation` (what is sent) and requests / urllib3.
"""

from .base import CheckReport, ModelInfo, VisionClient, probeImage
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

__all__ = [
	"AZURE",
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
	if config.provider in (OPENAI, OPENAI_COMPATIBLE, AZURE):
		return OpenAIChatClient(config)
	raise ValueError(f"Unknown provider {config.provider!r}; expected one of {', '.join(PROVIDERS)}")
