"""Streaming parsers: bytes from the network -> complete lines -> events.

Two wire formats share the same pipeline:
- Ollama's native API streams NDJSON: one JSON object per line.
- OpenAI chat completions (and the compatible servers) stream server-sent events: `data: {json}` lines
  separated by blank lines, ending with `data: [DONE]`.

Why not `requests.iter_lines(decode_unicode=True)`: it decodes an SSE body without a charset as
ISO-8859-1, splits JSON on U+2028 (it uses `str.splitlines`), and gives bytes for NDJSON. Here bytes
are split on `\\n` only and each complete line is decoded as UTF-8, so a character split across two
network chunks is joined before decoding.

The parsers produce `TextDelta` (answer text), `ReasoningDelta` (thinking text, never spoken as the
answer) and one final `Finished`. An error the server reports inside a 200 stream comes out as a
`StreamFailure` for the client to turn into a typed error (it needs to know the provider and model).
A line that is not what the format promises raises `errors.UnexpectedResponse`.

This module holds the two formats; the events are declared in `streamEvents` and the line and
think-tag splitting is in `splitters` (both named here too, so callers know one module).
"""

import json
from typing import Any

from ..errors import UnexpectedResponse
from .splitters import LineSplitter, ThinkTagSplitter
from .streamEvents import Event, Finished, ParserEvent, ReasoningDelta, StreamFailure, TextDelta

__all__ = [
	"Event",
	"Finished",
	"LineSplitter",
	"NdjsonChatParser",
	"ParserEvent",
	"ReasoningDelta",
	"SseChatParser",
	"StreamFailure",
	"TextDelta",
	"ThinkTagSplitter",
]


def _trimmed(text: str, limit: int = 300) -> str:
	return text if len(text) <= limit else text[:limit] + "..."


def _usageFromOpenAI(usage: Any) -> dict | None:
	if not isinstance(usage, dict):
		return None
	result = {}
	for source, target in (
		("prompt_tokens", "promptTokens"),
		("completion_tokens", "completionTokens"),
		("total_tokens", "totalTokens"),
	):
		if isinstance(usage.get(source), int):
			result[target] = usage[source]
	return result or None


def _usageFromOllama(final: dict) -> dict | None:
	result: dict[str, int | float] = {}
	prompt = final.get("prompt_eval_count")
	completion = final.get("eval_count")
	if isinstance(prompt, int):
		result["promptTokens"] = prompt
	if isinstance(completion, int):
		result["completionTokens"] = completion
	if isinstance(prompt, int) and isinstance(completion, int):
		result["totalTokens"] = prompt + completion
	# Durations are in nanoseconds and omitted by Ollama when zero.
	for source, target in (
		("total_duration", "totalSeconds"),
		("load_duration", "loadSeconds"),
		("prompt_eval_duration", "promptSeconds"),
		("eval_duration", "evalSeconds"),
	):
		if isinstance(final.get(source), int | float):
			result[target] = final[source] / 1e9
	return result or None


def _failureFrom(payload: Any, raw: str) -> StreamFailure:
	"""Reads the error shapes seen in the wild: a string, {"message", "code", "type"}, or nested."""
	if isinstance(payload, dict):
		message = payload.get("message") or payload.get("error") or payload.get("msg") or ""
		if isinstance(message, dict):
			return _failureFrom(message, raw)
		code = payload.get("code")
		if not isinstance(code, str | int):
			code = None
		errorType = payload.get("type")
		return StreamFailure(
			str(message), code, errorType if isinstance(errorType, str) else None, _trimmed(raw, 2000)
		)
	return StreamFailure(str(payload), raw=_trimmed(raw, 2000))


def _parseJson(text: str, what: str) -> Any:
	try:
		return json.loads(text)
	except ValueError:
		raise UnexpectedResponse(detail=f"{what} is not JSON: {_trimmed(text)!r}") from None


def _contentText(content: Any) -> str:
	"""`content` is a string, or (some servers) a list of `{"type": "text", "text": ...}` parts."""
	if isinstance(content, str):
		return content
	if isinstance(content, list):
		return "".join(
			part.get("text", "") for part in content if isinstance(part, dict) and part.get("type") == "text"
		)
	return ""


class NdjsonChatParser:
	"""Ollama's /api/chat stream: `message.content`, `message.thinking`, a final `done: true`."""

	def __init__(self):
		self._lines = LineSplitter()
		self._think = ThinkTagSplitter()
		self.finished = False

	def feed(self, data: bytes) -> list[ParserEvent]:
		events: list[ParserEvent] = []
		for line in self._lines.feed(data):
			events.extend(self._line(line))
		return events

	def finish(self) -> list[ParserEvent]:
		events: list[ParserEvent] = []
		for line in self._lines.finish():
			events.extend(self._line(line))
		if not self.finished:
			events.extend(self._think.finish())
		return events

	def _line(self, line: str) -> list[ParserEvent]:
		line = line.strip()
		if not line or self.finished:
			return []
		obj = _parseJson(line, "A line of the stream")
		if not isinstance(obj, dict):
			raise UnexpectedResponse(detail=f"A line of the stream is not an object: {_trimmed(line)!r}")
		if obj.get("error"):
			return [_failureFrom(obj["error"], line)]
		events: list[ParserEvent] = []
		message = obj.get("message")
		if isinstance(message, dict):
			thinking = message.get("thinking")
			if isinstance(thinking, str) and thinking:
				events.append(ReasoningDelta(thinking))
			events.extend(self._think.feed(_contentText(message.get("content"))))
		elif isinstance(obj.get("response"), str):  # /api/generate shape, for completeness
			events.extend(self._think.feed(obj["response"]))
		if obj.get("done") is True:
			events.extend(self._think.finish())
			reason = obj.get("done_reason")
			events.append(Finished(reason if isinstance(reason, str) else None, _usageFromOllama(obj)))
			self.finished = True
		return events


_REASONING_FIELDS = ("reasoning_content", "reasoning", "thinking")


class SseChatParser:
	"""OpenAI chat completion chunks over server-sent events, with the variants compatible servers send.

	- `:` comment lines (keep-alives, OpenRouter's `: OPENROUTER PROCESSING`) are skipped.
	- Chunks with an empty `choices` (the usage chunk; Azure's content-filter chunk) are fine.
	- Reasoning arrives in `reasoning_content`, `reasoning` or `thinking`, or inline in `<think>`.
	- Errors: `data: {"error": ...}`, an `event: error` block, or old llama.cpp's `error: {...}` line.
	- The end is `data: [DONE]`; a stream that stops after a `finish_reason` is complete too.
	- A body that is one plain JSON completion (a server that ignored `stream`) is read as such.
	"""

	def __init__(self):
		self._lines = LineSplitter()
		self._think = ThinkTagSplitter()
		self._dataLines: list[str] = []
		self._eventName = ""
		self._foreign: list[str] = []
		self._foreignSize = 0
		self._finishReason: str | None = None
		self._usage: dict | None = None
		self.finished = False
		self.sawAnything = False

	def feed(self, data: bytes) -> list[ParserEvent]:
		events: list[ParserEvent] = []
		for line in self._lines.feed(data):
			for part in line.split("\r"):  # a bare CR also ends a line in SSE
				events.extend(self._line(part))
		return events

	def finish(self) -> list[ParserEvent]:
		events: list[ParserEvent] = []
		for line in self._lines.finish():
			for part in line.split("\r"):
				events.extend(self._line(part))
		if self._dataLines:
			events.extend(self._dispatch(force=True))
		if self.finished:
			return events
		if not self.sawAnything and self._foreign:
			events.extend(self._plainBody("\n".join(self._foreign)))
			return events
		events.extend(self._think.finish())
		if self._finishReason is not None:
			events.append(self._finished())
		return events

	def _finished(self) -> Finished:
		self.finished = True
		return Finished(self._finishReason, self._usage)

	def _line(self, line: str) -> list[ParserEvent]:
		if self.finished:
			return []
		if not line:
			return self._dispatch(force=True) if self._dataLines else []
		if line.startswith(":"):
			return []
		field, colon, value = line.partition(":")
		if not colon:
			return self._foreignLine(line)
		value = value.removeprefix(" ")
		if field == "data":
			self._dataLines.append(value)
			# Most servers send one data line per event; dispatch it at once instead of waiting for
			# the blank line, unless it is part of a multi-line JSON value.
			return self._dispatch(force=False)
		if field == "event":
			self._eventName = value.strip()
			return []
		if field in ("id", "retry"):
			return []
		if field == "error":  # old llama.cpp builds
			self.sawAnything = True
			return [_failureFrom(_parseJson(value, "An error line"), value)]
		return self._foreignLine(line)

	def _foreignLine(self, line: str) -> list[ParserEvent]:
		if self.sawAnything:
			return []  # unknown SSE fields are ignored, as the standard says
		if self._foreignSize < 1024 * 1024:
			self._foreign.append(line)
			self._foreignSize += len(line)
		return []

	def _dispatch(self, force: bool) -> list[ParserEvent]:
		data = "\n".join(self._dataLines)
		eventName = self._eventName
		if data.strip() == "[DONE]":
			self._dataLines, self._eventName = [], ""
			return [*self._think.finish(), self._finished()]
		try:
			obj = json.loads(data)
		except ValueError:
			if not force:
				return []
			self._dataLines, self._eventName = [], ""
			if not data.strip():
				return []
			raise UnexpectedResponse(
				detail=f"An event of the stream is not JSON: {_trimmed(data)!r}"
			) from None
		self._dataLines, self._eventName = [], ""
		self.sawAnything = True
		if eventName == "error":
			return [_failureFrom(obj.get("error", obj) if isinstance(obj, dict) else obj, data)]
		return self._chunk(obj, data)

	def _chunk(self, obj: Any, raw: str) -> list[ParserEvent]:
		if not isinstance(obj, dict):
			raise UnexpectedResponse(detail=f"An event of the stream is not an object: {_trimmed(raw)!r}")
		if obj.get("error"):
			return [_failureFrom(obj["error"], raw)]
		if obj.get("object") == "error":  # old vLLM
			return [_failureFrom(obj, raw)]
		events: list[ParserEvent] = []
		usage = _usageFromOpenAI(obj.get("usage"))
		if usage:
			self._usage = usage
		choices = obj.get("choices")
		if isinstance(choices, list) and choices:
			choice = next(
				(c for c in choices if isinstance(c, dict) and c.get("index", 0) == 0),
				None,
			)
			if choice is not None:
				delta = choice.get("delta")
				if not isinstance(delta, dict):
					delta = choice.get("message") if isinstance(choice.get("message"), dict) else {}
				for field in _REASONING_FIELDS:
					reasoning = delta.get(field)
					if isinstance(reasoning, str) and reasoning:
						events.append(ReasoningDelta(reasoning))
						break
				events.extend(self._think.feed(_contentText(delta.get("content"))))
				reason = choice.get("finish_reason")
				if isinstance(reason, str) and reason:
					self._finishReason = reason
		return events

	def _plainBody(self, text: str) -> list[ParserEvent]:
		"""The whole body was not SSE: accept a complete JSON chat completion, or an error object."""
		stripped = text.strip()
		if not stripped.startswith(("{", "[")):
			raise UnexpectedResponse(detail=f"The body is not a stream of events: {_trimmed(stripped)!r}")
		obj = _parseJson(stripped, "The body")
		if isinstance(obj, list) and obj and isinstance(obj[0], dict) and "error" in obj[0]:
			obj = obj[0]  # Gemini's compatibility endpoint wraps errors in a list
		if not isinstance(obj, dict):
			raise UnexpectedResponse(detail=f"The body is not a chat completion: {_trimmed(stripped)!r}")
		events = self._chunk(obj, stripped)
		if any(isinstance(event, StreamFailure) for event in events):
			return events
		if self._finishReason is None and not events:
			raise UnexpectedResponse(detail=f"The body is not a chat completion: {_trimmed(stripped)!r}")
		events.extend(self._think.finish())
		events.append(self._finished())
		return events
