"""Strips markdown for speech: the symbols a speech synthesizer would read aloud.

`stripMarkdown` (and `MarkdownStripper`, which keeps code-fence state across phrases) removes
headings, emphasis, inline code backticks, bullets, links, images, table pipes, rules and common
HTML tags. It is applied to each phrase `phrases.PhraseSplitter` hands out, and tolerates emphasis
that a phrase boundary cut in half ("**Bold sentence one." / "Bold two.**").
"""

import re

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$|^\s*\|\s*:?-+:?\s*\|\s*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+|$)")
_HEADING_CLOSE = re.compile(r"\s+#+\s*$")
_QUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")
_BULLET = re.compile(r"^\s*[-*+•]\s+")
_TASK_BOX = re.compile(r"^\[[ xX]\]\s+")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_IMAGE = re.compile(r"!\[([^\]]*)\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
_LINK = re.compile(r"\[([^\[\]]*)\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
_REFERENCE_LINK = re.compile(r"\[([^\[\]]+)\]\[[^\[\]]*\]")
_FOOTNOTE_REF = re.compile(r"\[\^[^\]\s]+\]")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^<>\s]+)>", re.IGNORECASE)
_URL = re.compile(r"(?:https?|ftp)://[^\s<>]+|www\.[^\s<>]+\.[^\s<>]+", re.IGNORECASE)
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|$)")
_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_HTML_TAG = re.compile(
	r"</?(?:a|b|i|u|s|em|strong|p|span|div|sup|sub|small|big|mark|del|ins|strike|code|pre|kbd|hr|"
	r"details|summary|ul|ol|li|dl|dt|dd|table|thead|tbody|tfoot|tr|td|th|caption|h[1-6]|font|center|"
	r"blockquote|img|figure|figcaption|section|article|header|footer|nav|abbr|cite|q|var|samp)"
	r"(?:\s[^<>]*)?/?>",
	re.IGNORECASE,
)
_ENTITY = re.compile(r"&(amp|lt|gt|quot|apos|nbsp|#\d{1,6}|#x[0-9a-fA-F]{1,6});")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'", "nbsp": " "}
_STAR_RUN = re.compile(r"\*+")
_TILDE_RUN = re.compile(r"~~+")
_UNDERSCORE_PAIR = re.compile(r"(?<![\w\\])(_{1,3})(?=\S)(.+?)(?<=\S)\1(?![\w])")
_SPACES = re.compile(r"[ \t\u00a0]+")
# Private-use characters stand in for protected text (code, escapes, URLs) while symbols are removed.
_PLACEHOLDER_BASE = 0xF0000
_PLACEHOLDER = re.compile("[\U000f0000-\U000ffffd]")


class MarkdownStripper:
	"""Strips markdown line by line, remembering whether a fenced code block is open.

	Use one instance per answer and feed it the phrases in order: a phrase inside a code block is
	left as written (a "# comment" there is code, not a heading).
	"""

	def __init__(self):
		self.inCodeBlock = False

	def clean(self, text: str) -> str:
		lines = (self._stripLine(line) for line in text.split("\n"))
		return "\n".join(line for line in lines if line)

	def _stripLine(self, line: str) -> str:
		if _FENCE.match(line):
			self.inCodeBlock = not self.inCodeBlock
			return ""
		if self.inCodeBlock:
			return line.strip()
		if _RULE.match(line) or _TABLE_SEPARATOR.match(line):
			return ""
		protected: list[str] = []

		def protect(text: str) -> str:
			protected.append(text)
			return chr(_PLACEHOLDER_BASE + len(protected) - 1)

		# A private-use character already in the text would be read back as a placeholder: protect it too.
		line = _PLACEHOLDER.sub(lambda m: protect(m.group(0)), line)
		line = _ESCAPE.sub(lambda m: protect(m.group(1)), line)
		line = _CODE_SPAN.sub(lambda m: protect(_trimCodeSpan(m.group(2))), line)
		line = line.replace("`", "")
		heading = _HEADING.match(line)
		if heading:
			line = _HEADING_CLOSE.sub("", line[heading.end() :])
		line = _QUOTE.sub("", line)
		line = _BULLET.sub("", line, count=1)
		line = _TASK_BOX.sub("", line)
		if line.lstrip().startswith("|"):
			cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
			line = ", ".join(cell for cell in cells if cell)
		line = _IMAGE.sub(lambda m: m.group(1), line)
		line = _LINK.sub(lambda m: m.group(1), line)
		line = _REFERENCE_LINK.sub(lambda m: m.group(1), line)
		line = _FOOTNOTE_REF.sub("", line)
		line = _AUTOLINK.sub(lambda m: protect(m.group(1)), line)
		line = _HTML_COMMENT.sub("", line)
		line = _HTML_BREAK.sub(" ", line)
		line = _HTML_TAG.sub(" ", line)
		line = _ENTITY.sub(lambda m: protect(_entity(m.group(1))), line)
		line = _URL.sub(lambda m: _protectUrl(m.group(0), protect), line)
		line = _stripEmphasis(line)
		line = _PLACEHOLDER.sub(lambda m: protected[ord(m.group(0)) - _PLACEHOLDER_BASE], line)
		return _SPACES.sub(" ", line).strip()


def stripMarkdown(text: str) -> str:
	"""Removes markdown symbols a speech synthesizer would read aloud; keeps line breaks."""
	if not text:
		return ""
	return MarkdownStripper().clean(text)


def _trimCodeSpan(code: str) -> str:
	if len(code) > 2 and code.startswith(" ") and code.endswith(" "):
		return code[1:-1]
	return code


def _entity(name: str) -> str:
	if name.startswith("#x"):
		return chr(int(name[2:], 16))
	if name.startswith("#"):
		return chr(int(name[1:]))
	return _ENTITIES[name]


def _protectUrl(url: str, protect) -> str:
	# Punctuation after a URL belongs to the sentence; emphasis markers around it are still removed.
	core = url.rstrip(".,;:!?)*_~'\"")
	return protect(core) + url[len(core) :]


def _isBlank(char: str) -> bool:
	return not char or char.isspace()


def _stripEmphasis(line: str) -> str:
	line = _UNDERSCORE_PAIR.sub(lambda m: m.group(2), line)

	def star(match: re.Match) -> str:
		before = line[match.start() - 1] if match.start() else ""
		after = line[match.end()] if match.end() < len(line) else ""
		if _isBlank(before) and _isBlank(after):
			return match.group(0)  # "3 * 4", "2 ** 8": arithmetic, not emphasis
		if before.isalnum() and after.isalnum():
			return match.group(0)  # "3*4", "2**8"
		return ""

	line = _STAR_RUN.sub(star, line)

	def tilde(match: re.Match) -> str:
		before = line[match.start() - 1] if match.start() else ""
		after = line[match.end()] if match.end() < len(line) else ""
		if _isBlank(before) and _isBlank(after):
			return match.group(0)
		return ""

	return _TILDE_RUN.sub(tilde, line)
