"""What a stream yields: the events the parsers produce and the clients pass on.

`TextDelta` is answer text, `ReasoningDelta` thinking text (shown on request, never spoken as the
answer), `Finished` the one last event with the server's stop reason and token counts.
`StreamFailure` is an error the server reported inside a 200 stream; only the parsers produce it
and the client turns it into a typed error before anyone else sees it, so callers of
`VisionClient.stream` see `Event`, never `ParserEvent`. Plain data: no I/O.
"""

from dataclasses import dataclass


@dataclass
class TextDelta:
	text: str


@dataclass
class ReasoningDelta:
	text: str


@dataclass
class Finished:
	reason: str | None = None  # "stop", "length", "load", ... as the server said
	usage: dict | None = None  # promptTokens, completionTokens, totalTokens (when known)


@dataclass
class StreamFailure:
	"""The server reported an error in the middle of a stream (its HTTP status was already 200)."""

	message: str
	code: str | int | None = None
	type: str | None = None
	raw: str = ""


Event = TextDelta | ReasoningDelta | Finished
ParserEvent = TextDelta | ReasoningDelta | Finished | StreamFailure
