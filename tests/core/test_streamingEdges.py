"""The stream parsers on the shapes that are rare but real, and on each of their limits.

test_streaming.py covers the common streams of each server; these pin what happens at the edges,
where a slip would speak reasoning or junk, lose the first words, hang on a keep-alive or crash on
a field of an unexpected type: a byte-order mark, blank and keep-alive lines, data after the end,
non-text parts, nested errors, plain JSON bodies, and the size limits of what goes into the log.
"""

import json

import pytest
from visionDescriberCore.clients.streaming import (
	Finished,
	NdjsonChatParser,
	ReasoningDelta,
	SseChatParser,
	StreamFailure,
	TextDelta,
)
from visionDescriberCore.errors import UnexpectedResponse

BOM = "\ufeff".encode()


def feedInPieces(parser, body: bytes, size: int = 7) -> list:
	events = []
	for start in range(0, len(body), size):
		events.extend(parser.feed(body[start : start + size]))
	events.extend(parser.finish())
	return events


def text(events) -> str:
	return "".join(event.text for event in events if isinstance(event, TextDelta))


def reasoning(events) -> str:
	return "".join(event.text for event in events if isinstance(event, ReasoningDelta))


def finishes(events) -> list:
	return [event for event in events if isinstance(event, Finished)]


def ndjson(*objects) -> bytes:
	return b"".join(json.dumps(obj).encode() + b"\n" for obj in objects)


def event(payload) -> bytes:
	return b"data: " + (payload if isinstance(payload, str) else json.dumps(payload)).encode() + b"\n\n"


def chunk(content=None, finish=None, **delta):
	if content is not None:
		delta["content"] = content
	return {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


DONE = b"data: [DONE]\n\n"


def unexpectedDetail(parser, body: bytes) -> str:
	with pytest.raises(UnexpectedResponse) as info:
		feedInPieces(parser, body)
	return info.value.detail


# --- Both formats ----------------------------------------------------------------------------------


def test_a_stream_opening_with_a_byte_order_mark_loses_nothing():
	ollama = BOM + ndjson({"message": {"content": "First words."}, "done": True})
	events = feedInPieces(NdjsonChatParser(), ollama, 1)
	assert text(events) == "First words."
	assert len(finishes(events)) == 1
	openai = BOM + event(chunk("First words.")) + event(chunk(finish="stop")) + DONE
	events = feedInPieces(SseChatParser(), openai, 1)
	assert text(events) == "First words."
	assert finishes(events) == [Finished("stop", None)]


@pytest.mark.parametrize("parserClass", [NdjsonChatParser, SseChatParser])
def test_content_parts_that_are_not_text_are_never_spoken(parserClass):
	parts = [
		{"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
		"a bare string",
		{"type": "thinking", "text": "private reasoning"},
		{"type": "text", "text": "A red "},
		{"type": "text"},
		{"type": "text", "text": "door."},
	]
	if parserClass is NdjsonChatParser:
		body = ndjson({"message": {"content": parts}, "done": True})
	else:
		body = event(chunk(parts, finish="stop")) + DONE
	assert text(feedInPieces(parserClass(), body)) == "A red door."


@pytest.mark.parametrize("content", [None, 42, {"text": "not a list"}, True])
def test_content_of_another_type_gives_no_text(content):
	events = feedInPieces(SseChatParser(), event(chunk(content, finish="stop")) + DONE)
	assert events == [Finished("stop", None)]


# --- Errors inside a stream --------------------------------------------------------------------------


@pytest.mark.parametrize(
	("error", "expected"),
	[
		# An error object wrapped once more, as some proxies pass an upstream error on.
		(
			{"error": {"message": "Rate limited", "code": 429, "type": "rate_limit"}},
			("Rate limited", 429, "rate_limit"),
		),
		({"message": {"msg": "Overloaded", "code": "busy"}}, ("Overloaded", "busy", None)),
		# Nested, and without any text: the code still comes through.
		({"error": {"code": 503}}, ("", 503, None)),
		# A code or type of another shape is dropped rather than passed on.
		({"message": "Bad request", "code": {"http": 400}, "type": 7}, ("Bad request", None, None)),
		({"message": "Bad request", "code": [400], "type": ["invalid"]}, ("Bad request", None, None)),
		({"message": "Bad request", "code": 4.5}, ("Bad request", None, None)),
		("model runner has unexpectedly stopped", ("model runner has unexpectedly stopped", None, None)),
	],
)
def test_errors_of_every_shape_keep_their_message_code_and_type(error, expected):
	failure = feedInPieces(NdjsonChatParser(), ndjson({"error": error}))[-1]
	assert isinstance(failure, StreamFailure)
	assert (failure.message, failure.code, failure.type) == expected
	failure = feedInPieces(SseChatParser(), event({"error": error}))[-1]
	assert isinstance(failure, StreamFailure)
	assert (failure.message, failure.code, failure.type) == expected


def lineOfLength(length: int, nested: bool) -> tuple[dict, str]:
	"""An error object whose JSON line is exactly `length` characters."""

	def build(size):
		message = "m" * size
		return {"error": {"message": message}} if nested else {"error": message}

	base = len(json.dumps(build(0)))
	obj = build(length - base)
	line = json.dumps(obj)
	assert len(line) == length
	return obj, line


@pytest.mark.parametrize("nested", [True, False])
def test_the_raw_error_kept_for_the_log_is_at_most_2000_characters(nested):
	obj, line = lineOfLength(2000, nested)
	assert feedInPieces(NdjsonChatParser(), ndjson(obj))[-1].raw == line
	obj, line = lineOfLength(2001, nested)
	assert feedInPieces(NdjsonChatParser(), ndjson(obj))[-1].raw == line[:2000] + "..."


def test_an_unreadable_line_is_quoted_in_the_log_up_to_300_characters():
	exact = "x" * 300
	assert unexpectedDetail(NdjsonChatParser(), exact.encode() + b"\n") == (
		f"A line of the stream is not JSON: {exact!r}"
	)
	longer = "y" * 301
	assert unexpectedDetail(NdjsonChatParser(), longer.encode() + b"\n") == (
		f"A line of the stream is not JSON: {'y' * 300 + '...'!r}"
	)
	assert unexpectedDetail(SseChatParser(), b"data: {not json\n\n") == (
		"An event of the stream is not JSON: '{not json'"
	)


# --- Ollama's NDJSON ---------------------------------------------------------------------------------


def test_ndjson_usage_with_only_some_counts_has_no_total():
	only = ndjson({"done": True, "eval_count": 5})
	assert feedInPieces(NdjsonChatParser(), only)[-1] == Finished(None, {"completionTokens": 5})
	only = ndjson({"done": True, "prompt_eval_count": 7, "load_duration": 250_000_000})
	assert feedInPieces(NdjsonChatParser(), only)[-1] == Finished(
		None, {"promptTokens": 7, "loadSeconds": 0.25}
	)
	assert feedInPieces(NdjsonChatParser(), ndjson({"done": True}))[-1] == Finished(None, None)


def test_ndjson_last_object_without_a_final_newline_still_ends_the_answer():
	body = ndjson({"message": {"content": "Done"}, "done": False})
	body += json.dumps({"message": {"content": "."}, "done": True, "done_reason": "stop"}).encode()
	parser = NdjsonChatParser()
	events = feedInPieces(parser, body, 1000)
	assert text(events) == "Done."
	assert events[-1] == Finished("stop", None)
	assert parser.finished


def test_ndjson_blank_and_whitespace_lines_are_skipped():
	body = (
		b"\n"
		+ ndjson({"message": {"content": "A"}, "done": False})
		+ b"   \n\r\n\t\n"
		+ ndjson({"message": {"content": "B"}, "done": True})
	)
	events = feedInPieces(NdjsonChatParser(), body, 3)
	assert text(events) == "AB"
	assert len(finishes(events)) == 1


def test_ndjson_nothing_after_the_final_object_is_read():
	body = ndjson({"message": {"content": "Kept."}, "done": True}) + b"\n"
	body += ndjson({"message": {"content": " Appended."}, "done": True}) + b"<html>junk\n"
	events = feedInPieces(NdjsonChatParser(), body, 5)
	assert text(events) == "Kept."
	assert len(finishes(events)) == 1


@pytest.mark.parametrize("line", [b"[1, 2]", b'"text"', b"42", b"null"])
def test_ndjson_json_that_is_not_an_object_is_unexpected(line):
	assert unexpectedDetail(NdjsonChatParser(), line + b"\n") == (
		f"A line of the stream is not an object: {line.decode()!r}"
	)


def test_ndjson_generate_shape_is_read_too():
	body = ndjson(
		{"response": "A dog", "done": False}, {"response": " runs.", "done": True, "done_reason": "stop"}
	)
	events = feedInPieces(NdjsonChatParser(), body)
	assert text(events) == "A dog runs."
	assert events[-1] == Finished("stop", None)


@pytest.mark.parametrize("thinking", [5, ["a thought"], {"text": "a thought"}, None, ""])
def test_ndjson_thinking_of_another_type_is_never_reasoning_or_text(thinking):
	body = ndjson({"message": {"content": "Hi", "thinking": thinking}, "done": True})
	events = feedInPieces(NdjsonChatParser(), body)
	assert events == [TextDelta("Hi"), Finished(None, None)]


def test_ndjson_think_tags_in_the_content_are_flushed_before_the_end():
	body = ndjson({"message": {"content": "<think>Looking closely"}, "done": True, "done_reason": "stop"})
	events = feedInPieces(NdjsonChatParser(), body, 4)
	assert reasoning(events) == "Looking closely"
	assert text(events) == ""
	assert events[-1] == Finished("stop", None)


def test_ndjson_stream_cut_inside_a_think_block_still_hands_out_its_reasoning():
	parser = NdjsonChatParser()
	events = feedInPieces(parser, ndjson({"message": {"content": "<think>Looking closely"}, "done": False}))
	assert reasoning(events) == "Looking closely"
	assert not parser.finished
	parser = NdjsonChatParser()
	events = feedInPieces(parser, ndjson({"message": {"content": "<"}, "done": False}))
	assert events == [TextDelta("<")]


# --- Server-sent events ----------------------------------------------------------------------------


def test_sse_done_without_a_finish_reason_ends_the_answer():
	parser = SseChatParser()
	events = feedInPieces(parser, event(chunk("Hi")) + DONE)
	assert events == [TextDelta("Hi"), Finished(None, None)]
	assert parser.finished


def test_sse_each_event_is_handed_out_as_soon_as_its_data_line_arrives():
	parser = SseChatParser()
	assert parser.feed(b"data: " + json.dumps(chunk("Hello")).encode() + b"\n") == [TextDelta("Hello")]
	assert parser.feed(b"\n") == []


@pytest.mark.parametrize(
	"body",
	[b": ping\n\n: ping\n\n", b"event: ping\n\n", b"id: 3\nretry: 1000\n\n", b": ping\n\n" + b"id: 4\n\n"],
)
def test_sse_keep_alives_alone_are_no_answer_and_no_error(body):
	parser = SseChatParser()
	assert feedInPieces(parser, body, 3) == []
	assert not parser.finished


def test_sse_unknown_fields_around_events_are_ignored():
	body = (
		b"x-proxy: warm\n"
		+ event(chunk("Hi"))
		+ b"odd line without a colon\nx-proxy: still here\n"
		+ event(chunk(" there.", finish="stop"))
	)
	parser = SseChatParser()
	events = feedInPieces(parser, body, 5)
	assert text(events) == "Hi there."
	assert events[-1] == Finished("stop", None)
	assert parser.finished


def test_sse_nothing_after_done_is_read():
	body = event(chunk("Hi")) + DONE + event(chunk(" again")) + b"error: {}\n\n"
	events = feedInPieces(SseChatParser(), body)
	assert events == [TextDelta("Hi"), Finished(None, None)]


def test_sse_empty_data_is_skipped():
	body = b"data:\n\n" + b"data: \n\n" + event(chunk("Hi", finish="stop")) + DONE
	assert text(feedInPieces(SseChatParser(), body, 4)) == "Hi"


def test_sse_a_stream_cut_inside_an_event_is_unexpected():
	parser = SseChatParser()
	assert parser.feed(event(chunk("Half"))) == [TextDelta("Half")]
	assert parser.feed(b'data: {"choices": [\n') == []
	with pytest.raises(UnexpectedResponse):
		parser.finish()


def test_sse_think_block_cut_by_the_end_of_the_stream_is_reasoning():
	body = event(chunk("<think>Pondering the chart")) + event(chunk(finish="stop"))
	events = feedInPieces(SseChatParser(), body, 6)
	assert reasoning(events) == "Pondering the chart"
	assert text(events) == ""
	assert events[-1] == Finished("stop", None)


@pytest.mark.parametrize("data", ["[1, 2]", '"text"', "42"])
def test_sse_an_event_that_is_not_an_object_is_unexpected(data):
	assert unexpectedDetail(SseChatParser(), event(data)) == (
		f"An event of the stream is not an object: {data!r}"
	)


def test_sse_old_vllm_error_object():
	body = event(
		{"object": "error", "message": "The model does not exist.", "type": "NotFoundError", "code": 404}
	)
	failure = feedInPieces(SseChatParser(), body)[-1]
	assert (failure.message, failure.code, failure.type) == (
		"The model does not exist.",
		404,
		"NotFoundError",
	)


@pytest.mark.parametrize(
	"chunkObject",
	[
		{"choices": 7},
		{"choices": {"index": 0, "delta": {"content": "no"}}},
		{"choices": "no"},
		{"choices": [None, "no", {"index": 1, "delta": {"content": "no"}}]},
	],
)
def test_sse_choices_of_another_shape_give_no_text(chunkObject):
	parser = SseChatParser()
	events = feedInPieces(parser, event(chunkObject) + event(chunk("Yes", finish="stop")) + DONE)
	assert events == [TextDelta("Yes"), Finished("stop", None)]


def test_sse_a_choice_without_an_index_is_the_first():
	body = event({"choices": [{"delta": {"content": "No index."}, "finish_reason": "stop"}]}) + DONE
	assert feedInPieces(SseChatParser(), body) == [TextDelta("No index."), Finished("stop", None)]
	body = event({"choices": [None, {"delta": {"content": "After a null."}}]}) + DONE
	assert text(feedInPieces(SseChatParser(), body)) == "After a null."


def test_sse_reasoning_and_finish_reason_of_another_type_are_skipped():
	delta = {"reasoning": ["a", "list"], "reasoning_content": "", "thinking": "The real thought."}
	body = event({"choices": [{"index": 0, "delta": delta, "finish_reason": 1}]}) + DONE
	events = feedInPieces(SseChatParser(), body)
	assert events == [ReasoningDelta("The real thought."), Finished(None, None)]


# --- A body that is not a stream ----------------------------------------------------------------------


def completion(**message):
	return {"choices": [{"index": 0, "message": {"role": "assistant", **message}, "finish_reason": "stop"}]}


def test_plain_completion_ends_with_exactly_one_finished():
	parser = SseChatParser()
	events = feedInPieces(parser, json.dumps(completion(content="Whole.")).encode())
	assert events == [TextDelta("Whole."), Finished("stop", None)]
	assert parser.finished


def test_plain_completion_without_a_finish_reason_is_still_read():
	body = json.dumps({"choices": [{"index": 0, "message": {"content": "Whole."}}]}).encode()
	assert feedInPieces(SseChatParser(), body) == [TextDelta("Whole."), Finished(None, None)]


def test_plain_completion_with_an_unclosed_think_block_is_reasoning():
	body = json.dumps(completion(content="<think>Hmm")).encode()
	assert feedInPieces(SseChatParser(), body) == [ReasoningDelta("Hmm"), Finished("stop", None)]


@pytest.mark.parametrize("body", [b"Service Unavailable", b"error", b"Bad Gateway\n"])
def test_plain_text_body_is_not_a_stream(body):
	assert unexpectedDetail(SseChatParser(), body) == (
		f"The body is not a stream of events: {body.decode().strip()!r}"
	)


@pytest.mark.parametrize("body", [b"[1, 2]", b"[]", b'{"status": "ok"}', b'{"choices": []}'])
def test_plain_json_that_is_not_a_completion_is_unexpected(body):
	assert unexpectedDetail(SseChatParser(), body) == f"The body is not a chat completion: {body.decode()!r}"


def test_plain_error_list_reports_the_first_error_whatever_follows():
	first = {"error": {"code": 400, "message": "API key not valid."}}
	for rest in ({"error": {"code": 500, "message": "Second."}}, {"note": 1}, "junk"):
		events = feedInPieces(SseChatParser(), json.dumps([first, rest]).encode())
		assert len(events) == 1
		assert (events[0].message, events[0].code) == ("API key not valid.", 400)


def test_plain_error_object_is_a_failure_not_an_answer():
	parser = SseChatParser()
	events = feedInPieces(parser, b'{"error": {"message": "Invalid API key", "code": 401}}')
	assert [(event.message, event.code) for event in events] == [("Invalid API key", 401)]
	assert not parser.finished


def plainBodyOfLines(firstLineLength: int) -> bytes:
	"""A plain completion whose first line is `firstLineLength` characters and whose second line
	(one character) closes the object: it is read only if both lines are kept."""
	start = '{"choices": [{"index": 0, "message": {"content": "'
	end = '"}, "finish_reason": "stop"}]'
	first = start + "a" * (firstLineLength - len(start) - len(end)) + end
	assert len(first) == firstLineLength
	return (first + "\n}").encode()


def test_plain_body_lines_are_kept_up_to_one_mebibyte():
	# Lines are kept while less than 1 MiB has been kept: a body that reaches the limit on its first
	# line loses the rest (and is not a completion), one a character short keeps its second line.
	limit = 1024 * 1024
	events = feedInPieces(SseChatParser(), plainBodyOfLines(limit - 1), 65536)
	assert len(text(events)) == limit - 1 - len(
		'{"choices": [{"index": 0, "message": {"content": ""}, "finish_reason": "stop"}]'
	)
	assert events[-1] == Finished("stop", None)
	with pytest.raises(UnexpectedResponse):
		feedInPieces(SseChatParser(), plainBodyOfLines(limit), 65536)


def test_an_old_llamacpp_error_line_as_the_first_line_is_the_whole_answer():
	# The error line is the server's own reason; a stray line after it (a proxy's page) must not turn
	# the stream into "not a stream of events" when it ends.
	body = b'error: {"code":503,"message":"Loading model","type":"unavailable_error"}\n\n<html>busy</html>\n'
	events = feedInPieces(SseChatParser(), body)
	assert len(events) == 1
	assert (events[0].message, events[0].code) == ("Loading model", 503)
