"""Text framing both stream parsers share: bytes into whole lines, and inline thinking out of the answer.

Pure, fed in arbitrary pieces (`feed`, then `finish`), so a test can replay any network chunking.
A line is decoded as UTF-8 only once it is whole, so a character split across two network reads is
joined first; splitting is on `\n` only (`str.splitlines` would also split JSON on U+2028).
"""

from ..errors import UnexpectedResponse
from .streamEvents import ReasoningDelta, TextDelta

# A single line longer than this is not a chat stream (it protects memory from an endless body).
MAX_LINE_BYTES = 32 * 1024 * 1024


class LineSplitter:
	"""Splits a byte stream into complete lines, decoded as UTF-8 only once a line is whole."""

	def __init__(self, maxLineBytes: int = MAX_LINE_BYTES):
		self._buffer = bytearray()
		self._maxLineBytes = maxLineBytes
		self._first = True

	def feed(self, data: bytes) -> list[str]:
		self._buffer += data
		complete: list[bytearray] = []
		if b"\n" in data:
			*complete, rest = self._buffer.split(b"\n")
			self._buffer = bytearray(rest)
		# Checked after every read, so an unfinished line never grows past the limit, whatever the
		# chunking (a long tail after the last newline of a read included).
		if len(self._buffer) > self._maxLineBytes:
			raise UnexpectedResponse(detail=f"a line longer than {self._maxLineBytes} bytes")
		return [self._decode(line) for line in complete]

	def finish(self) -> list[str]:
		"""The last line when the stream ended without a final newline."""
		if not self._buffer:
			return []
		line = self._decode(self._buffer)
		self._buffer = bytearray()
		return [line]

	def _decode(self, raw: bytes | bytearray) -> str:
		if raw.endswith(b"\r"):
			raw = raw[:-1]
		text = bytes(raw).decode("utf-8", errors="replace")
		if self._first:
			self._first = False
			text = text.removeprefix("\ufeff")
		return text


_OPEN_TAG = "<think>"
_CLOSE_TAG = "</think>"


class ThinkTagSplitter:
	"""Moves a `<think>...</think>` block that opens the answer into reasoning.

	Some models (DeepSeek R1 distills, QwQ, Qwen3 on servers that do not separate thinking) write
	their reasoning inline. Only a block at the very start of the answer counts, so an answer that
	talks about a `<think>` tag later on (a screenshot of code) is left alone. Tags split across
	deltas are handled.
	"""

	_START, _INSIDE, _AFTER, _ANSWER = range(4)

	def __init__(self):
		self._state = self._START
		self._pending = ""

	def feed(self, text: str) -> list[TextDelta | ReasoningDelta]:
		if not text:
			return []
		if self._state == self._ANSWER:
			return [TextDelta(text)]
		self._pending += text
		return self._drain()

	def _drain(self) -> list[TextDelta | ReasoningDelta]:
		events: list[TextDelta | ReasoningDelta] = []
		if self._state == self._START:
			stripped = self._pending.lstrip()
			if not stripped or _OPEN_TAG.startswith(stripped):
				return events  # only whitespace or part of "<think>" so far: wait
			if not stripped.startswith(_OPEN_TAG):
				self._state = self._ANSWER
				text, self._pending = self._pending, ""
				return [TextDelta(text)]
			self._state = self._INSIDE
			self._pending = stripped[len(_OPEN_TAG) :]
		if self._state == self._INSIDE:
			end = self._pending.find(_CLOSE_TAG)
			if end < 0:
				# Keep a tail that could be the start of "</think>" (a shorter text is all tail: the
				# slice is then empty).
				keep = len(_CLOSE_TAG) - 1
				safe = self._pending[:-keep]
				if safe:
					events.append(ReasoningDelta(safe))
					self._pending = self._pending[len(safe) :]
				return events
			if end:
				events.append(ReasoningDelta(self._pending[:end]))
			self._pending = self._pending[end + len(_CLOSE_TAG) :]
			self._state = self._AFTER
		if self._state == self._AFTER:
			stripped = self._pending.lstrip()
			if stripped:
				self._state = self._ANSWER
				events.append(TextDelta(stripped))
			self._pending = ""
		return events

	def finish(self) -> list[TextDelta | ReasoningDelta]:
		"""What was held back: text that only looked like the start of a tag, or the tail of an unclosed
		block. (After the block and in the answer nothing is ever held back.)"""
		pending, self._pending = self._pending, ""
		if self._state == self._START and pending.strip():
			return [TextDelta(pending)]
		if self._state == self._INSIDE:
			return [ReasoningDelta(pending)]
		return []
