"""The test picture `check` sends, so "cannot see images" is found even when a server does not say.

A 64x64 PNG of a black square on white, written byte by byte with the standard library (a PNG is
three chunks and a zlib stream): small enough to cost next to nothing on any provider, clear enough
that a model that sees it answers in one word. The answer is capped at PROBE_MAX_TOKENS, so the probe
takes about as long as the model needs to start answering. Pure: no sockets, no threads.
"""

import struct
import zlib

from ..conversation.conversation import Conversation
from ..i18n import _
from ..media import PreparedImage

PROBE_QUESTION = "What colour is the square in this picture? Answer with one word."
PROBE_MAX_TOKENS = 64


def probeImage() -> PreparedImage:
	"""A 64x64 PNG: a black square on white. Small enough to cost nothing, clear enough to answer."""
	size, square = 64, range(16, 48)
	rows = bytearray()
	for y in range(size):
		rows.append(0)  # filter: none
		for x in range(size):
			value = 0 if x in square and y in square else 255
			rows += bytes((value, value, value))

	def chunk(kind: bytes, data: bytes) -> bytes:
		return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

	png = (
		b"\x89PNG\r\n\x1a\n"
		+ chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
		+ chunk(b"IDAT", zlib.compress(bytes(rows), 9))
		+ chunk(b"IEND", b"")
	)
	return PreparedImage(png, "image/png", size, size)


def probeConversation() -> Conversation:
	conversation = Conversation()
	conversation.addUserTurn(PROBE_QUESTION, probeImage())
	return conversation


def spokenDuration(seconds: float) -> str:
	"""A duration as people say it: milliseconds under a second (never "0.0 seconds"), one decimal
	under ten seconds, whole seconds after."""
	if seconds < 0.9995:
		# Translators: a short duration; {milliseconds} is a whole number from 1 to 999.
		return _("{milliseconds} milliseconds").format(milliseconds=max(1, round(seconds * 1000)))
	# Translators: a duration; {seconds} is like 2.4 (one decimal under ten seconds) or 35.
	return _("{seconds} seconds").format(seconds=f"{seconds:.1f}" if seconds < 9.95 else f"{seconds:.0f}")


def probeSentence(seconds: float, answer: str) -> str:
	"""The check's last line: how long the model took with the picture, and what it said."""
	answer = " ".join(answer.split())
	if len(answer) > 80:
		answer = answer[:77] + "..."
	if answer:
		# Translators: {duration} is like "2.4 seconds" or "40 milliseconds"; {answer} the model's reply.
		return _("The model answered a test picture in {duration}: {answer}").format(
			duration=spokenDuration(seconds), answer=answer
		)
	# Translators: {duration} is like "2.4 seconds" or "40 milliseconds".
	return _("The model accepted a test picture and finished in {duration}.").format(
		duration=spokenDuration(seconds)
	)
