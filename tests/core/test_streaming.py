"""Streaming parsers fed the way a network feeds them: in arbitrary pieces, including one byte at a time."""

import json

import pytest
from visionDescriberCore.clients.streaming import (
	Finished,
	LineSplitter,
	NdjsonChatParser,
	ReasoningDelta,
	SseChatParser,
	StreamFailure,
	TextDelta,
	ThinkTagSplitter,
)
from visionDescriberCore.errors import UnexpectedResponse


def feedInPieces(parser, body: bytes, size: int) -> list:
	events = []
	for start in range(0, len(body), size):
		events.extend(parser.feed(body[start : start + size]))
	events.extend(parser.finish())
	return events


def text(events) -> str:
	return "".join(event.text for event in events if isinstance(event, TextDelta))


def reasoning(events) -> str:
	return "".join(event.text for event in events if isinstance(event, ReasoningDelta))


def ndjson(*objects) -> bytes:
	return b"".join(json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n" for obj in objects)


def sse(*payloads, terminator=True) -> bytes:
	body = b""
	for payload in payloads:
		data = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
		body += b"data: " + data.encode("utf-8") + b"\n\n"
	if terminator:
		body += b"data: [DONE]\n\n"
	return body


def chunk(content=None, finish=None, **delta):
	if content is not None:
		delta["content"] = content
	return {
		"object": "chat.completion.chunk",
		"choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
	}


# --- Lines ---------------------------------------------------------------------------------------


def test_utf8_character_split_across_chunks_is_joined():
	splitter = LineSplitter()
	data = "café ☕ ok\n".encode()
	lines = []
	for byte in data:
		lines.extend(splitter.feed(bytes([byte])))
	assert lines == ["café ☕ ok"]


def test_u2028_inside_a_line_does_not_split_it():
	splitter = LineSplitter()
	assert splitter.feed('{"a": "x\u2028y\u2029z"}\r\n'.encode()) == ['{"a": "x\u2028y\u2029z"}']


def test_last_line_without_newline_comes_out_at_finish():
	splitter = LineSplitter()
	assert splitter.feed(b"one\ntwo") == ["one"]
	assert splitter.finish() == ["two"]
	assert splitter.finish() == []


def test_an_endless_line_is_refused():
	splitter = LineSplitter(maxLineBytes=10)
	with pytest.raises(UnexpectedResponse):
		splitter.feed(b"x" * 11)


# --- NDJSON (Ollama) -----------------------------------------------------------------------------

OLLAMA_BODY = ndjson(
	{"model": "gemma3", "message": {"role": "assistant", "content": "Un "}, "done": False},
	{"model": "gemma3", "message": {"role": "assistant", "content": "café\u2028noir"}, "done": False},
	{
		"model": "gemma3",
		"message": {"role": "assistant", "content": ""},
		"done": True,
		"done_reason": "stop",
		"prompt_eval_count": 30,
		"eval_count": 2,
		"total_duration": 1_500_000_000,
	},
)


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 100000])
def test_ndjson_any_chunking_gives_the_same_events(size):
	events = feedInPieces(NdjsonChatParser(), OLLAMA_BODY, size)
	assert text(events) == "Un café\u2028noir"
	final = events[-1]
	assert isinstance(final, Finished)
	assert final.reason == "stop"
	assert final.usage == {"promptTokens": 30, "completionTokens": 2, "totalTokens": 32, "totalSeconds": 1.5}


def test_ndjson_thinking_field_is_reasoning_not_text():
	body = ndjson(
		{"message": {"role": "assistant", "content": "", "thinking": "Let me look."}, "done": False},
		{"message": {"role": "assistant", "content": "A dog."}, "done": False},
		{"done": True, "done_reason": "stop"},
	)
	parser = NdjsonChatParser()
	events = feedInPieces(parser, body, 5)
	assert reasoning(events) == "Let me look."
	assert text(events) == "A dog."
	assert parser.finished


def test_ndjson_without_done_is_not_finished_but_keeps_text():
	parser = NdjsonChatParser()
	events = feedInPieces(parser, OLLAMA_BODY.rsplit(b"\n", 2)[0] + b"\n", 4)
	assert text(events) == "Un café\u2028noir"
	assert not parser.finished
	assert not any(isinstance(event, Finished) for event in events)


def test_ndjson_error_line_after_text_is_a_failure():
	body = ndjson(
		{"message": {"content": "Half"}, "done": False}, {"error": "model runner has unexpectedly stopped"}
	)
	events = feedInPieces(NdjsonChatParser(), body, 3)
	assert text(events) == "Half"
	assert isinstance(events[-1], StreamFailure)
	assert events[-1].message == "model runner has unexpectedly stopped"


def test_ndjson_malformed_line_is_unexpected():
	parser = NdjsonChatParser()
	parser.feed(ndjson({"message": {"content": "ok"}, "done": False}))
	with pytest.raises(UnexpectedResponse):
		parser.feed(b'{"message": {"content": "bro\n')


def test_ndjson_html_body_is_unexpected():
	with pytest.raises(UnexpectedResponse):
		feedInPieces(NdjsonChatParser(), b"<!DOCTYPE html>\n<html><body>Login</body></html>\n", 10)


# --- SSE (OpenAI and compatible) -------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 5, 13, 100000])
def test_sse_openai_shape_with_usage_chunk(size):
	body = sse(
		chunk("", role="assistant"),
		chunk("Un café "),
		chunk("\u2028noir ☕"),
		chunk(finish="stop"),
		{
			"object": "chat.completion.chunk",
			"choices": [],
			"usage": {"prompt_tokens": 9, "completion_tokens": 4, "total_tokens": 13},
		},
	)
	parser = SseChatParser()
	events = feedInPieces(parser, body, size)
	assert text(events) == "Un café \u2028noir ☕"
	assert events[-1] == Finished("stop", {"promptTokens": 9, "completionTokens": 4, "totalTokens": 13})
	assert sum(isinstance(event, Finished) for event in events) == 1


def test_sse_comments_event_fields_and_crlf_are_ignored():
	body = (
		b": OPENROUTER PROCESSING\r\n\r\n"
		b"id: 1\r\nevent: message\r\nretry: 100\r\n"
		+ b"data: "
		+ json.dumps(chunk("Hi")).encode()
		+ b"\r\n\r\n"
		b": ping\n\n" + sse(chunk(finish="stop"))
	)
	events = feedInPieces(SseChatParser(), body, 4)
	assert text(events) == "Hi"
	assert events[-1].reason == "stop"


def test_sse_azure_filter_chunk_with_empty_choices():
	body = sse(
		{"choices": [], "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": {}}]},
		chunk("A chart."),
		chunk(finish="stop"),
	)
	assert text(feedInPieces(SseChatParser(), body, 8)) == "A chart."


@pytest.mark.parametrize("field", ["reasoning_content", "reasoning", "thinking"])
def test_sse_reasoning_fields_are_never_text(field):
	body = sse(chunk(None, **{field: "thinking hard"}), chunk("The answer."), chunk(finish="stop"))
	events = feedInPieces(SseChatParser(), body, 6)
	assert reasoning(events) == "thinking hard"
	assert text(events) == "The answer."


def test_sse_think_tags_split_across_deltas_are_reasoning():
	body = sse(
		chunk("<thi"), chunk("nk>I see a"), chunk(" cat</th"), chunk("ink>\n\nA cat."), chunk(finish="stop")
	)
	events = feedInPieces(SseChatParser(), body, 100000)
	assert reasoning(events) == "I see a cat"
	assert text(events) == "A cat."


def test_sse_error_inside_a_200_stream():
	body = sse(chunk("Part"), {"error": {"message": "Upstream error", "code": 502}}, terminator=False)
	events = feedInPieces(SseChatParser(), body, 9)
	assert text(events) == "Part"
	assert events[-1] == StreamFailure("Upstream error", 502, None, events[-1].raw)


def test_sse_old_llamacpp_error_line():
	body = (
		b"data: "
		+ json.dumps(chunk("x")).encode()
		+ b"\n\n"
		+ b'error: {"code":500,"message":"slot unavailable","type":"server_error"}\n\n'
	)
	events = feedInPieces(SseChatParser(), body, 7)
	assert isinstance(events[-1], StreamFailure)
	assert events[-1].code == 500


def test_sse_event_error_block():
	body = b'event: error\ndata: {"message": "overloaded", "code": "server_error"}\n\n'
	events = feedInPieces(SseChatParser(), body, 3)
	assert events == [StreamFailure("overloaded", "server_error", None, events[0].raw)]


def test_sse_without_done_or_finish_reason_is_not_finished():
	parser = SseChatParser()
	events = feedInPieces(parser, sse(chunk("Cut"), chunk(" short"), terminator=False), 5)
	assert text(events) == "Cut short"
	assert not parser.finished


def test_sse_finish_reason_without_done_is_complete():
	parser = SseChatParser()
	events = feedInPieces(parser, sse(chunk("Fine"), chunk(finish="length"), terminator=False), 5)
	assert parser.finished
	assert events[-1].reason == "length"


def test_sse_multiline_data_is_joined():
	payload = json.dumps(chunk("joined"), indent=1).split("\n")
	body = "".join(f"data: {line}\n" for line in payload).encode() + b"\n" + sse(chunk(finish="stop"))
	assert text(feedInPieces(SseChatParser(), body, 3)) == "joined"


def test_sse_malformed_event_is_unexpected():
	parser = SseChatParser()
	with pytest.raises(UnexpectedResponse):
		parser.feed(b"data: {not json\n\n")


def test_sse_plain_json_completion_is_accepted():
	body = json.dumps(
		{
			"object": "chat.completion",
			"choices": [
				{
					"index": 0,
					"message": {"role": "assistant", "content": "Whole answer."},
					"finish_reason": "stop",
				}
			],
			"usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
		},
		indent=2,
	).encode()
	parser = SseChatParser()
	events = feedInPieces(parser, body, 11)
	assert text(events) == "Whole answer."
	assert parser.finished


def test_sse_plain_gemini_error_list_is_a_failure():
	body = b'[{"error": {"code": 400, "message": "API key not valid.", "status": "INVALID_ARGUMENT"}}]'
	events = feedInPieces(SseChatParser(), body, 10)
	assert isinstance(events[-1], StreamFailure)
	assert events[-1].code == 400


def test_sse_html_body_is_unexpected():
	with pytest.raises(UnexpectedResponse):
		feedInPieces(SseChatParser(), b"<html>\n<head><title>Sign in</title></head>\n</html>\n", 6)


def test_sse_content_as_list_of_parts():
	body = sse(
		chunk([{"type": "text", "text": "Parts "}, {"type": "text", "text": "joined"}]), chunk(finish="stop")
	)
	assert text(feedInPieces(SseChatParser(), body, 50)) == "Parts joined"


# --- Think tags ------------------------------------------------------------------------------------


def test_think_tag_later_in_the_answer_stays_text():
	splitter = ThinkTagSplitter()
	events = splitter.feed("The code shows ") + splitter.feed("<think> tags.") + splitter.finish()
	assert text(events) == "The code shows <think> tags."
	assert reasoning(events) == ""


def test_unclosed_think_block_is_reasoning_at_the_end():
	splitter = ThinkTagSplitter()
	events = splitter.feed("<think>still going") + splitter.finish()
	assert reasoning(events) == "still going"
	assert text(events) == ""


def test_answer_that_merely_starts_like_a_tag():
	splitter = ThinkTagSplitter()
	events = splitter.feed("<th") + splitter.feed("e end>") + splitter.finish()
	assert text(events) == "<the end>"
