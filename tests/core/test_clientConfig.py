"""Addresses, defaults and header parsing that the clients rely on."""

import email.utils
import time

import pytest
from visionDescriberCore.clients import (
	EndpointConfig,
	createClient,
	displayUrl,
	isLoopbackHost,
	normalizeBaseUrl,
)
from visionDescriberCore.clients.errorMapping import parseErrorBody, retryAfterSeconds
from visionDescriberCore.clients.openaiChat import openaiNameSaysVision


@pytest.mark.parametrize(
	("url", "provider", "expected"),
	[
		("", "ollama", ""),
		("127.0.0.1:11434", "ollama", "http://127.0.0.1:11434"),
		("http://127.0.0.1:11434/", "ollama", "http://127.0.0.1:11434"),
		("http://127.0.0.1:11434/v1", "ollama", "http://127.0.0.1:11434"),
		("http://127.0.0.1:11434/api/chat", "ollama", "http://127.0.0.1:11434"),
		("http://127.0.0.1:1234", "openaiCompatible", "http://127.0.0.1:1234/v1"),
		("https://openrouter.ai/api/v1/", "openaiCompatible", "https://openrouter.ai/api/v1"),
		("https://api.openai.com/v1/chat/completions", "openai", "https://api.openai.com/v1"),
		(
			"https://generativelanguage.googleapis.com/v1beta/openai/",
			"openaiCompatible",
			"https://generativelanguage.googleapis.com/v1beta/openai",
		),
		("HTTPS://res.openai.azure.com/", "azure", "https://res.openai.azure.com"),
		(
			"https://res.openai.azure.com/openai/deployments/vision/chat/completions",
			"azure",
			"https://res.openai.azure.com/openai/deployments/vision",
		),
		("http://127.0.0.1:11434/api", "ollama", "http://127.0.0.1:11434"),
		("http://127.0.0.1:8080/chat/completions", "openaiCompatible", "http://127.0.0.1:8080/v1"),
	],
)
def test_base_urls_people_paste_are_normalized(url, provider, expected):
	assert normalizeBaseUrl(url, provider) == expected


def test_defaults_per_provider():
	assert EndpointConfig().resolvedBaseUrl() == "http://127.0.0.1:11434"
	assert EndpointConfig(provider="openai").resolvedBaseUrl() == "https://api.openai.com/v1"


@pytest.mark.parametrize(
	("host", "loopback"),
	[
		("127.0.0.1", True),
		("127.0.0.2", True),
		("::1", True),
		("[::1]", True),
		("localhost", True),
		("LOCALHOST.", True),
		("10.0.0.5", False),
		("example.com", False),
		("", False),
		(None, False),
	],
)
def test_loopback_hosts(host, loopback):
	assert isLoopbackHost(host) is loopback


def test_display_url_drops_credentials_and_query():
	assert displayUrl("https://user:pass@example.com:8443/v1/?key=secret") == "https://example.com:8443/v1"


def test_retry_after_forms():
	assert retryAfterSeconds({"retry-after-ms": "1500", "Retry-After": "9"}) == 1.5
	assert retryAfterSeconds({"Retry-After": "7"}) == 7
	soon = email.utils.formatdate(time.time() + 30, usegmt=True)
	assert 25 <= retryAfterSeconds({"Retry-After": soon}) <= 31
	assert retryAfterSeconds({"Retry-After": "whenever"}) is None
	assert retryAfterSeconds({}) is None


def test_error_bodies_are_read_defensively():
	assert parseErrorBody('{"error": "model \'x\' not found"}').message == "model 'x' not found"
	info = parseErrorBody('{"error": {"message": "m", "type": "t", "param": "p", "code": 429}}')
	assert (info.message, info.type, info.param, info.code) == ("m", "t", "p", 429)
	assert (
		parseErrorBody('[{"error": {"code": 400, "message": "bad", "status": "INVALID_ARGUMENT"}}]').message
		== "bad"
	)
	assert parseErrorBody('{"object": "error", "message": "old vllm"}').message == "old vllm"
	assert parseErrorBody("<html><body>413</body></html>").isHtml
	assert parseErrorBody("Bad Gateway").message == "Bad Gateway"


def test_openai_family_names():
	assert openaiNameSaysVision("gpt-4o-2024-08-06") is True
	assert openaiNameSaysVision("gpt-4.1-mini") is True
	assert openaiNameSaysVision("gpt-3.5-turbo") is False
	assert openaiNameSaysVision("text-embedding-3-small") is False
	assert openaiNameSaysVision("o3-mini") is False
	assert openaiNameSaysVision("some-future-model") is None


def test_unknown_provider():
	with pytest.raises(ValueError):
		createClient(EndpointConfig(provider="anthropic"))


@pytest.mark.parametrize(
	("provider", "clientClass"),
	[
		("ollama", "OllamaClient"),
		("openai", "OpenAIChatClient"),
		("openaiCompatible", "OpenAIChatClient"),
		("azure", "AzureChatClient"),
	],
)
def test_each_provider_gets_its_client(provider, clientClass):
	with createClient(EndpointConfig(provider=provider, baseUrl="https://models.example")) as client:
		assert type(client).__name__ == clientClass
		assert client.provider == provider
