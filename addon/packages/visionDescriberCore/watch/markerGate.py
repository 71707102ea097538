"""The answer "nothing important changed" is a marker word, and it is never spoken.

A watch request asks the model to answer only with `MARKER` when nothing important changed. Speech
streams phrase by phrase, so without care the marker would be spoken as soon as it arrived ("No
change." is a complete phrase). `MarkerGate` sits between the model's text deltas and the phrase
splitter and holds the answer back while it could still be the marker; once it clearly is not, what
was held is let through at once and the rest streams as usual.

The rules, on letters only (case, spaces, markdown and punctuation ignored):
- while the answer so far could still grow into the marker ("NO", "NOCH", "No change"), hold;
- an answer whose first word is the marker ("NOCHANGE", "**NOCHANGE.**", "NOCHANGE: the same
  menu") is the marker answer: nothing of it is spoken;
- a whole answer that spells the marker in words ("No change.") is the marker answer too;
- anything else is a real answer ("No change to the map, but an enemy appeared" is spoken).
`removeMarker` also drops the marker word wherever else it might appear in a spoken phrase.

Pure text in, text out: no threads, so any chunking can be replayed in a test.
"""

import re
from collections.abc import Iterable, Iterator

MARKER = "NOCHANGE"

_NOT_LETTERS = re.compile(r"[\W_]+", re.UNICODE)
# The marker as one word ("NOCHANGE", "NO_CHANGE", "**NOCHANGE.**"); "no change" in a sentence stays.
_MARKER_WORD = re.compile(r"[*_`\"'“”‘’(\[]*\bno_?change\b[*_`\"'“”‘’)\]]*[.!:;,]?", re.IGNORECASE)


def _letters(text: str) -> str:
	return _NOT_LETTERS.sub("", text).casefold()


class MarkerGate:
	"""feed(delta) returns the text that may be spoken now; finish() the rest at the end."""

	def __init__(self, marker: str = MARKER):
		self._key = _letters(marker)
		self._held: list[str] = []
		self.decided = False
		self.isMarker = False

	def feed(self, delta: str) -> str:
		if self.isMarker:
			return ""
		if self.decided:
			return delta
		self._held.append(delta)
		text = "".join(self._held)
		letters = _letters(text)
		if self._key.startswith(letters):
			return ""  # may still become the marker
		first = text.split(None, 1)
		self.decided = True
		if _letters(first[0]) == self._key:
			self.isMarker = True  # "NOCHANGE. The same menu is open."
			self._held.clear()
			return ""
		self._held.clear()
		return text

	def finish(self) -> str:
		"""The answer is complete: what is still held, unless it was the marker."""
		if self.isMarker or self.decided:
			return ""
		text = "".join(self._held)
		self._held.clear()
		self.decided = True
		first = text.split(None, 1)
		if _letters(text) == self._key or (first and _letters(first[0]) == self._key):
			self.isMarker = True
			return ""
		return text

	def filter(self, deltas: Iterable[str]) -> Iterator[str]:
		"""The deltas with the marker answer held back (a generator for `narrate`)."""
		for delta in deltas:
			passed = self.feed(delta)
			if passed:
				yield passed
		rest = self.finish()
		if rest:
			yield rest


def removeMarker(phrase: str) -> str:
	"""The phrase without the marker word, "" when nothing else is left to say."""
	cleaned = " ".join(_MARKER_WORD.sub(" ", phrase).split())
	return cleaned if _letters(cleaned) else ""
