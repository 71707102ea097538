"""Line and think-tag splitting at their edges: every chunk boundary, the line limit, the byte-order mark.

The parsers' own tests (test_streaming.py) feed whole streams; these feed the splitters directly, so
that each rule is pinned where it changes: one character, one byte, one split point either side.
"""

import pytest
from visionDescriberCore.clients.splitters import LineSplitter, ThinkTagSplitter
from visionDescriberCore.clients.streamEvents import ReasoningDelta, TextDelta
from visionDescriberCore.errors import UnexpectedResponse

BOM = "\ufeff"


def feedAll(splitter: ThinkTagSplitter, pieces) -> list:
	events = []
	for piece in pieces:
		events.extend(splitter.feed(piece))
	return events + splitter.finish()


def text(events) -> str:
	return "".join(event.text for event in events if isinstance(event, TextDelta))


def reasoning(events) -> str:
	return "".join(event.text for event in events if isinstance(event, ReasoningDelta))


def everySplit(whole: str):
	"""The text in two pieces at every point, then in three at every pair of points."""
	for cut in range(len(whole) + 1):
		yield [whole[:cut], whole[cut:]]
	for first in range(1, len(whole)):
		for second in range(first + 1, len(whole)):
			yield [whole[:first], whole[first:second], whole[second:]]


# --- Lines ---------------------------------------------------------------------------------------


def test_an_empty_read_gives_no_lines():
	splitter = LineSplitter()
	assert splitter.feed(b"") == []
	assert splitter.feed(b"one\n") == ["one"]
	assert splitter.feed(b"") == []
	assert splitter.finish() == []


def test_a_line_at_the_limit_is_accepted_one_byte_more_is_refused():
	splitter = LineSplitter(maxLineBytes=10)
	assert splitter.feed(b"x" * 10) == []
	assert splitter.feed(b"\n") == ["x" * 10]
	with pytest.raises(UnexpectedResponse) as info:
		splitter.feed(b"y" * 11)
	assert info.value.detail == "a line longer than 10 bytes"


@pytest.mark.parametrize("size", [1, 2, 3, 5, 12, 100])
def test_a_line_past_the_limit_is_refused_however_the_reads_are_cut(size):
	# Complete lines come first, then an unfinished one that is too long: the tail after the last
	# newline of a read counts as much as a read without any newline.
	body = b"short\n" * 3 + b"z" * 11
	splitter = LineSplitter(maxLineBytes=10)
	with pytest.raises(UnexpectedResponse):
		for start in range(0, len(body), size):
			splitter.feed(body[start : start + size])


def test_the_default_limit_is_32_MiB():
	limit = 32 * 1024 * 1024
	splitter = LineSplitter()
	assert splitter.feed(b"x" * limit) == []
	with pytest.raises(UnexpectedResponse):
		splitter.feed(b"x")


def test_a_byte_order_mark_opening_the_stream_is_dropped_even_byte_by_byte():
	body = (BOM + "first\n" + "second\n").encode("utf-8")
	for size in (1, 2, 3, 4, len(body)):
		splitter = LineSplitter()
		lines = []
		for start in range(0, len(body), size):
			lines.extend(splitter.feed(body[start : start + size]))
		assert lines == ["first", "second"], size


def test_only_the_first_line_loses_its_byte_order_mark():
	# The same character further on is data, not a mark (and the JSON reader refuses it there).
	splitter = LineSplitter()
	assert splitter.feed((BOM + "a\n" + BOM + "b\n").encode("utf-8")) == ["a", BOM + "b"]
	last = LineSplitter()
	assert last.feed(b"a\n") == ["a"]
	assert last.feed((BOM + "b").encode("utf-8")) == []
	assert last.finish() == [BOM + "b"]


def test_a_stream_of_only_a_byte_order_mark_without_newline_is_an_empty_line():
	splitter = LineSplitter()
	assert splitter.feed(BOM.encode("utf-8")) == []
	assert splitter.finish() == [""]


# --- Think tags ----------------------------------------------------------------------------------

THOUGHT = "<think>The user wants the chart.</think>\n\nA bar chart of sales."


def test_a_think_block_is_reasoning_at_every_split_point():
	# Above all the closing tag cut anywhere: one character too few held back and the reasoning's
	# end, or the tag itself, would be spoken as the answer.
	for pieces in everySplit(THOUGHT):
		events = feedAll(ThinkTagSplitter(), pieces)
		assert reasoning(events) == "The user wants the chart.", pieces
		assert text(events) == "A bar chart of sales.", pieces


def test_an_empty_think_block_is_dropped_at_every_split_point():
	for pieces in everySplit("<think></think>Two windows."):
		events = feedAll(ThinkTagSplitter(), pieces)
		assert text(events) == "Two windows.", pieces
		assert all(isinstance(event, TextDelta) and event.text for event in events), pieces


def test_reasoning_flows_on_holding_back_only_what_could_start_the_closing_tag():
	# Seven characters, one fewer than "</think>", wait; the rest is passed on at once (the command
	# line shows reasoning as it arrives).
	splitter = ThinkTagSplitter()
	assert splitter.feed("<think>") == []
	assert splitter.feed("abcdefg") == []
	assert splitter.feed("hij") == [ReasoningDelta("abc")]
	assert splitter.feed("</thin") == [ReasoningDelta("defghi")]
	assert splitter.feed("k>Done.") == [ReasoningDelta("j"), TextDelta("Done.")]
	assert splitter.finish() == []


def test_the_answer_after_the_block_keeps_its_spaces_in_later_deltas():
	splitter = ThinkTagSplitter()
	events = feedAll(splitter, ["<think>x</think>\n", "\n", "A", " cat", " sits."])
	assert text(events) == "A cat sits."
	assert reasoning(events) == "x"


def test_an_empty_delta_never_makes_an_empty_event():
	splitter = ThinkTagSplitter()
	assert splitter.feed("") == []
	assert splitter.feed("<think>ab") == []
	assert splitter.feed("") == []
	assert splitter.feed("</think>Yes") == [ReasoningDelta("ab"), TextDelta("Yes")]
	assert splitter.feed("") == []
	assert splitter.feed(" and no.") == [TextDelta(" and no.")]
	assert splitter.finish() == []


@pytest.mark.parametrize("answer", ["<", "<t", "<th", "<thi", "<thin", "<think", "  <th"])
def test_an_answer_that_only_looks_like_the_start_of_a_tag_is_spoken_at_the_end(answer):
	splitter = ThinkTagSplitter()
	assert splitter.feed(answer) == []
	assert splitter.finish() == [TextDelta(answer)]
	assert splitter.finish() == []


def test_an_answer_of_only_whitespace_gives_no_event():
	splitter = ThinkTagSplitter()
	assert feedAll(splitter, [" ", "\n\n", "\t"]) == []


def test_an_unclosed_block_ends_as_reasoning_never_as_text():
	for pieces in everySplit("<think>Still looking at it"):
		events = feedAll(ThinkTagSplitter(), pieces)
		assert reasoning(events) == "Still looking at it", pieces
		assert text(events) == "", pieces
	assert feedAll(ThinkTagSplitter(), ["<think>", "ab"]) == [ReasoningDelta("ab")]
