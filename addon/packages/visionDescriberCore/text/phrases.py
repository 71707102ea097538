"""Turns a model's streamed text into phrases worth speaking now.

`PhraseSplitter` receives text deltas as they arrive and hands back every phrase that is complete:
a sentence, a line (list item, table row, heading), a clause once the phrase is long enough, or a
piece of a long sentence cut at a space so speech does not wait for its end. When the last
characters are ambiguous ("3." may become "3.14", "," may become "1,000", ". " may be followed by a
lower-case word after "approx.") they are held back until the next delta or `flush()`.

Every decision depends only on the text, never on how it was cut into deltas, so the phrases are
the same for any chunking of the same answer (the tests check this for many random chunkings).
Phrases are raw text, stripped of surrounding whitespace; join them and you get the answer back,
modulo whitespace.

Markdown is stripped from each phrase before it is spoken, by `markdownStripping`.
"""

import re
import unicodedata

SENTENCE_END = ".!?…"
CJK_SENTENCE_END = "。！？"
CLAUSE_END = ",;:"
CJK_CLAUSE_END = "，；：、"
EM_DASH = "—"
EN_DASH = "–"
# Characters that may follow a sentence end and still belong to it: quotes, brackets, emphasis.
CLOSERS = "\"'”’»)]}*_~」』）》】"

# Words that end with a full stop without ending a sentence. A following lower-case word also
# keeps the sentence going ("approx. three"), so this list only needs the ones that are usually
# followed by a capital or a number. Dotted ones ("e.g.", "U.S.", "z.B.") are recognised by shape.
ABBREVIATIONS = frozenset(
	{
		"mr",
		"mrs",
		"ms",
		"dr",
		"prof",
		"sr",
		"jr",
		"st",
		"vs",
		"approx",
		"ca",
		"cf",
		"fig",
		"figs",
		"nr",
		"vol",
		"p",
		"pp",
		"ch",
		"sec",
		"eq",
		"ref",
		"bzw",
		"usw",
	}
)
_DOTTED_ABBREVIATION = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")

_YES, _NO, _WAIT = "yes", "no", "wait"


class PhraseSplitter:
	"""Cuts streamed text into speakable phrases.

	maxChars: a phrase longer than this is cut at its last space (a long sentence is spoken in pieces
	instead of waiting for its end). A sentence end just before the limit keeps its closing quotes
	or brackets, and one unbroken token (a long URL) is never cut.
	minClauseChars: a comma, semicolon, colon or dash ends a phrase only once the phrase is at least
	this long, so speech does not stutter on short clauses.
	firstMinClauseChars: the same for the first phrase of an answer, lower so the first words are
	heard sooner.
	"""

	def __init__(self, maxChars: int = 160, minClauseChars: int = 50, firstMinClauseChars: int = 25):
		if maxChars < 20:
			raise ValueError("maxChars must be at least 20")
		if firstMinClauseChars < 1 or minClauseChars < 1:
			raise ValueError("clause lengths must be at least 1")
		self.maxChars = maxChars
		self.minClauseChars = min(minClauseChars, maxChars)
		self.firstMinClauseChars = min(firstMinClauseChars, maxChars)
		self.reset()

	def reset(self) -> None:
		self._buffer = ""
		self._atLineStart = True
		self._emitted = 0
		# Where the search for the current phrase's end stopped, so each delta is scanned once.
		self._scanIndex = 0
		self._scanBackticks = 0

	@property
	def pending(self) -> str:
		"""Text received but not yet handed out as a phrase."""
		return self._buffer

	def feed(self, text: str) -> list[str]:
		"""Adds a delta; returns the phrases that are complete now (possibly none)."""
		if not text:
			return []
		self._buffer += text
		return self._drain(final=False)

	def flush(self) -> list[str]:
		"""The answer is over: returns every remaining phrase and resets the splitter."""
		phrases = self._drain(final=True)
		rest = self._buffer.strip()
		if rest:
			phrases.append(rest)
		self.reset()
		return phrases

	# --- Internals ------------------------------------------------------------------------------

	def _drain(self, final: bool) -> list[str]:
		phrases: list[str] = []
		while True:
			self._skipLeadingSpace()
			if not self._buffer:
				break
			end = self._findBoundary(final)
			if end is None:
				break
			phrase = self._buffer[:end].strip()
			self._buffer = self._buffer[end:]
			self._atLineStart = False
			self._scanIndex = self._scanBackticks = 0
			if phrase:
				phrases.append(phrase)
				self._emitted += 1
		return phrases

	def _skipLeadingSpace(self) -> None:
		stripped = self._buffer.lstrip()
		if len(stripped) != len(self._buffer):
			if "\n" in self._buffer[: len(self._buffer) - len(stripped)]:
				self._atLineStart = True
			self._buffer = stripped

	def _findBoundary(self, final: bool) -> int | None:
		"""Index where the first phrase of the buffer ends, or None to wait for more text.

		The buffer never starts with whitespace. Candidates before maxChars are decided in order;
		one that needs more text to decide stops the search (so decisions never depend on chunking).
		"""
		buf = self._buffer
		n = len(buf)
		limit = self.maxChars
		minClause = self.minClauseChars if self._emitted else self.firstMinClauseChars
		backticks = self._scanBackticks
		i = self._scanIndex
		while i < n and i < limit:
			c = buf[i]
			decision, nextIndex = _NO, i + 1
			if c == "\n":
				return i
			if c == "`":
				backticks += 1
			elif backticks % 2:
				pass  # inside inline code: only a line break ends the phrase
			elif c in SENTENCE_END:
				decision, nextIndex = self._sentenceEnd(buf, i, final)
			elif c in CJK_SENTENCE_END:
				decision, nextIndex = self._cjkSentenceEnd(buf, i, final)
			elif i + 1 >= minClause:
				decision, nextIndex = self._clauseEnd(buf, i, final)
			if decision == _YES:
				return nextIndex
			if decision == _WAIT:
				break
			i = max(nextIndex, i + 1)
		else:
			if n > limit:
				return self._hardBreak(buf, limit, final)
		self._scanIndex, self._scanBackticks = i, backticks
		return None

	def _sentenceEnd(self, buf: str, i: int, final: bool) -> tuple[str, int]:
		n = len(buf)
		j = i
		while j < n and buf[j] in SENTENCE_END:
			j += 1
		run = buf[i:j]
		k = j
		while k < n and buf[k] in CLOSERS:
			k += 1
		if k == n:
			return (_YES, n) if final else (_WAIT, n)
		if not buf[k].isspace():
			# "3.14", "e.g", "example.com", "Hmm...right": not an end.
			return _NO, j
		if "." not in run and "…" not in run:
			return _YES, k  # "!" and "?" followed by a space end a sentence
		if run == "." and self._isAbbreviation(buf, i):
			return _NO, j
		m = k
		while m < n and buf[m].isspace():
			if buf[m] == "\n":
				return _YES, k
			m += 1
		if m == n:
			return (_YES, k) if final else (_WAIT, n)
		if buf[m].islower():
			return _NO, j  # "approx. three", "etc. and", "Hmm… maybe"
		return _YES, k

	def _cjkSentenceEnd(self, buf: str, i: int, final: bool) -> tuple[str, int]:
		n = len(buf)
		j = i
		while j < n and (buf[j] in CJK_SENTENCE_END or buf[j] in SENTENCE_END):
			j += 1
		while j < n and buf[j] in CLOSERS:
			j += 1
		if j == n and not final:
			return _WAIT, n  # a closing quote or bracket may still come
		return _YES, j

	def _clauseEnd(self, buf: str, i: int, final: bool) -> tuple[str, int]:
		c = buf[i]
		n = len(buf)
		if c in CJK_CLAUSE_END or c == EM_DASH:
			return _YES, i + 1
		if c in CLAUSE_END or (c == EN_DASH and i > 0 and buf[i - 1] == " "):
			if i + 1 == n:
				return (_YES, n) if final else (_WAIT, n)
			if buf[i + 1].isspace():
				return _YES, i + 1
		return _NO, i + 1

	def _isAbbreviation(self, buf: str, i: int) -> bool:
		start = i
		while start > 0 and not buf[start - 1].isspace() and buf[start - 1] not in "([{\"'“‘":
			start -= 1
		token = buf[start:i].lstrip("*_~")
		if not token:
			return False
		if token.lower() in ABBREVIATIONS or _DOTTED_ABBREVIATION.fullmatch(token):
			return True
		if len(token) == 1 and token.isalpha() and token.isupper():
			return True  # an initial: "J. Smith"
		# An ordered list marker at the start of a line: "1. ", "12. ", "a. "
		atLineStart = start == 0 and self._atLineStart
		return atLineStart and (
			(token.isdigit() and len(token) <= 3) or (len(token) == 1 and token.isalpha())
		)

	def _hardBreak(self, buf: str, limit: int, final: bool) -> int | None:
		"""No natural end within maxChars: cut at the last space, else where no word is cut."""
		for p in range(limit, 0, -1):
			if buf[p].isspace():
				return p
		for p in range(limit, 0, -1):
			if _safeToCut(buf[p - 1], buf[p]):
				return p
		# One long unbroken token (a URL): end the phrase at its first space, or wait for one.
		for p in range(limit + 1, len(buf)):
			if buf[p].isspace():
				return p
		return len(buf) if final else None


def _safeToCut(before: str, after: str) -> bool:
	"""Cutting between two characters of a script without spaces (CJK, Thai) is fine; inside an
	ASCII word, number or URL it is not, nor before a combining mark."""
	if unicodedata.category(after).startswith("M"):
		return False
	return not (before.isascii() and after.isascii())
