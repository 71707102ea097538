"""Removes from a model's text what no one can hear, read in braille or paste: control characters,
the replacement character U+FFFD, and other code points that are not text.

A stream brings them in several ways: bytes cut in the middle of a UTF-8 sequence and decoded with
replacement (U+FFFD), a JSON escape of a lone surrogate ("\\ud83d" without its partner, which Windows'
clipboard and wx refuse), terminal colour codes a model copied from a screenshot (ESC), NUL and
other C0/C1 controls. A speech synthesizer reads some of them aloud ("replacement character"), a
braille display shows garbage cells, and a surrogate makes copying fail. They are removed once, as
the text arrives (`narration` cleans every delta), so speech, braille, the conversation, the
clipboard and saved files all get the same clean text.

What is kept: letters of every script, tabs and line breaks, and format characters that change how
text is written (zero-width joiner in emoji and Indic scripts, zero-width non-joiner in Persian,
direction marks). Line endings become "\\n": "\\r\\n" and a lone "\\r" alike, and the line and
paragraph separators U+2028 and U+2029. Private-use characters of planes 15 and 16 are removed too:
they show nothing anywhere, and the markdown stripper uses them for its own placeholders.

`TextCleaner` remembers one character across deltas (a "\\r" whose "\\n" may come next), so cleaning
delta by delta gives the same text as cleaning the whole answer, however it was cut.
"""

import re

#: Everything removed: C0 controls except tab, line feed and carriage return (handled apart), DEL,
#: the C1 controls, lone surrogates, U+FFFD, the noncharacters U+FFFE/U+FFFF, and planes 15-16.
_UNWANTED = re.compile(
	"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffd\ufffe\uffff\U000f0000-\U0010ffff]"
)
#: Characters that end a line: vertical tab, form feed, NEL (U+0085), line and paragraph separators.
_LINE_BREAKS = re.compile("[\x0b\x0c\x85\u2028\u2029]")


class TextCleaner:
	"""Cleans one answer delta by delta; use a new one (or `reset`) for each answer."""

	def __init__(self):
		self.reset()

	def reset(self) -> None:
		self._afterCarriageReturn = False

	def clean(self, text: str) -> str:
		if not text:
			return ""
		if self._afterCarriageReturn and text.startswith("\n"):
			text = text[1:]  # the "\n" of a "\r\n" cut between two deltas
		self._afterCarriageReturn = text.endswith("\r")
		text = text.replace("\r\n", "\n").replace("\r", "\n")
		text = _LINE_BREAKS.sub("\n", text)
		return _UNWANTED.sub("", text)


def cleanText(text: str) -> str:
	"""text without what cannot be spoken, brailled or pasted (see the module's docstring)."""
	return TextCleaner().clean(text)


__all__ = ["TextCleaner", "cleanText"]
