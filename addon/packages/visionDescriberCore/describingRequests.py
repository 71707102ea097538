"""What a request is made of: the client's view of the settings, the conversation sent, the answer.

Used by `describing.Describer`: `endpointConfigFor` on whichever thread builds a client (the worker,
or a warm-up thread), `requestFor` and `answerText` on the worker. The request is a copy, so the kept
conversation changes only on the main thread, once an answer has arrived.
"""

from collections.abc import Iterator
from typing import Any

from .clients import EndpointConfig
from .clients.streaming import TextDelta
from .conversation.conversation import Conversation
from .imaging.sizing import openaiDetailFor
from .media import PreparedImage
from .settings import Settings

#: Seconds Ollama keeps a model loaded when the user asked to keep it loaded: -1 means forever.
KEEP_LOADED = -1


def endpointConfigFor(settings: Settings, apiKey: str | None) -> EndpointConfig:
	"""The client's view of the user's settings (plus the key, which settings never hold)."""
	return EndpointConfig(
		provider=settings.provider,
		baseUrl=settings.baseUrl,
		model=settings.model,
		apiKey=apiKey or None,
		connectTimeout=float(settings.connectTimeout),
		readTimeout=float(settings.readTimeout),
		keepAlive=KEEP_LOADED if settings.keepModelLoaded else None,
		maxTokens=settings.maxTokens or None,
		imageDetail=openaiDetailFor(settings.provider, settings.model, settings.pictureDetail),
		allowInsecureKey=settings.allowUnencryptedRemote,
		think=settings.allowReasoning,
		**_azureOptions(settings),
	)


def _azureOptions(settings: Settings) -> dict:
	version = getattr(settings, "azureApiVersion", "")
	return {"azureApiVersion": version} if version else {}


def answerText(events: Iterator[Any]) -> Iterator[str]:
	"""The answer's text deltas; reasoning ("thinking") is never spoken, so it is left out here."""
	for event in events:
		if isinstance(event, TextDelta):
			yield event.text


def requestFor(conversation: Conversation, prompt: str, image: PreparedImage | None) -> Conversation:
	"""A copy of conversation with prompt (and image) added: what is sent, never what is kept."""
	request = Conversation(
		conversation.systemPrompt,
		conversation.maxTurns,
		conversation.maxHistoryChars,
	)
	for turn in conversation.turns:
		if turn.role == "user":
			request.addUserTurn(turn.text, turn.image, turn.earlierImages)
		else:
			request.addAssistantTurn(turn.text)
	request.addUserTurn(prompt, image)
	return request
