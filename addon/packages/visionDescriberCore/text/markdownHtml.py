"""A model's markdown answer as small, safe HTML for NVDA's browseable message window.

Only what vision models write is understood: paragraphs, headings, bullet and numbered lists (nested
by indentation), bold, italics, inline code, fenced code blocks, block quotes, rules, simple pipe
tables and links. Everything the model wrote is HTML-escaped before any tag is added, so text from
the image (which the model quotes) can never become markup or script. Links become clickable only for
http and https addresses; anything else (`javascript:`, `file:`) stays plain text.

Single line breaks are kept as `<br>`: models write one item or one line of read text per line, and
joining them into one paragraph, as strict markdown would, loses that.

No dependency: Python-Markdown is not part of NVDA, and this needs far less than it does.
"""

import html
import re

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_EMPTY_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_LIST_ITEM = re.compile(r"^(\s*)([-*+•]|\d{1,9}[.)])\s+(.*)$")
_QUOTE = re.compile(r"^\s{0,3}>\s?(.*)$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")

_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC_STAR = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")
_ITALIC_UNDERSCORE = re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
# Placeholders use characters that html.escape keeps and models never write.
_HOLD = "\ue000{}\ue001"
_HELD = re.compile("\ue000(\\d+)\ue001")


def markdownToHtml(text: str) -> str:
	"""The HTML body for text (no <html> or <body> wrapper); "" for blank text."""
	lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
	return "\n".join(_Blocks(lines).render())


def renderInline(text: str) -> str:
	"""One line of markdown as escaped HTML with inline markup (code, links, bold, italics)."""
	held: list[str] = []
	# The placeholder characters cannot come from the model.
	text = text.replace("\ue000", "").replace("\ue001", "")

	def hold(markup: str) -> str:
		held.append(markup)
		return _HOLD.format(len(held) - 1)

	def code(match: re.Match) -> str:
		return hold(f"<code>{html.escape(match.group(2).strip())}</code>")

	def image(match: re.Match) -> str:
		return hold(html.escape(match.group(1)))

	def link(match: re.Match) -> str:
		label, url = match.group(1), match.group(2)
		if not re.match(r"^https?://", url, re.IGNORECASE):
			return hold(html.escape(f"{label} ({url})"))
		return hold(f'<a href="{html.escape(url, quote=True)}">{_emphasis(html.escape(label))}</a>')

	text = _CODE_SPAN.sub(code, text)
	text = _IMAGE.sub(image, text)
	text = _LINK.sub(link, text)
	text = _emphasis(html.escape(text, quote=True))
	while _HELD.search(text):
		text = _HELD.sub(lambda match: held[int(match.group(1))], text)
	return text


def _emphasis(escaped: str) -> str:
	escaped = _BOLD.sub(r"<strong>\2</strong>", escaped)
	escaped = _ITALIC_STAR.sub(r"<em>\1</em>", escaped)
	escaped = _ITALIC_UNDERSCORE.sub(r"<em>\1</em>", escaped)
	return _STRIKE.sub(r"<del>\1</del>", escaped)


class _Blocks:
	"""Walks the lines once, emitting block elements."""

	def __init__(self, lines: list[str]):
		self.lines = lines
		self.index = 0
		self.out: list[str] = []
		self.paragraph: list[str] = []
		# Open lists, innermost last: (tag, indent of their items).
		self.lists: list[tuple[str, int]] = []

	def render(self) -> list[str]:
		while self.index < len(self.lines):
			line = self.lines[self.index]
			if self._fence(line) or self._table(line) or self._quote(line):
				continue
			self.index += 1
			if not line.strip():
				self._closeParagraph()
				self._closeLists(-1)
			elif _EMPTY_HEADING.match(line):
				continue
			elif heading := _HEADING.match(line):
				self._closeAll()
				level = len(heading.group(1))
				self.out.append(f"<h{level}>{renderInline(heading.group(2))}</h{level}>")
			elif _RULE.match(line):
				self._closeAll()
				self.out.append("<hr>")
			elif item := _LIST_ITEM.match(line):
				self._listItem(len(item.group(1).expandtabs(4)), item.group(2), item.group(3))
			elif self.lists and len(line) - len(line.lstrip()) > 0:
				# An indented line inside a list item continues that item.
				self.out[-1] = self.out[-1].removesuffix("</li>") + f"<br>{renderInline(line.strip())}</li>"
			else:
				self._closeLists(-1)
				self.paragraph.append(renderInline(line.strip()))
		self._closeAll()
		return self.out

	# --- Lists ------------------------------------------------------------------------------------

	def _listItem(self, indent: int, marker: str, text: str) -> None:
		self._closeParagraph()
		tag = "ol" if marker[0].isdigit() else "ul"
		self._closeLists(indent)
		if self.lists and self.lists[-1][1] == indent and self.lists[-1][0] != tag:
			self._closeLists(indent - 1)
		if not self.lists or self.lists[-1][1] < indent:
			start = int(marker[:-1]) if tag == "ol" else 1
			opening = f'<ol start="{start}">' if tag == "ol" and start != 1 else f"<{tag}>"
			if self.lists:
				# A nested list belongs inside the item above it.
				self.out[-1] = self.out[-1].removesuffix("</li>")
			self.out.append(opening)
			self.lists.append((tag, indent))
		self.out.append(f"<li>{renderInline(text)}</li>")

	def _closeLists(self, indent: int) -> None:
		"""Closes every open list whose items are indented more than indent."""
		while self.lists and self.lists[-1][1] > indent:
			tag, _ = self.lists.pop()
			self.out.append(f"</{tag}>")
			if self.lists:
				self.out.append("</li>")

	# --- Other blocks -----------------------------------------------------------------------------

	def _closeParagraph(self) -> None:
		if self.paragraph:
			self.out.append("<p>" + "<br>".join(self.paragraph) + "</p>")
			self.paragraph = []

	def _closeAll(self) -> None:
		self._closeParagraph()
		self._closeLists(-1)

	def _fence(self, line: str) -> bool:
		match = _FENCE.match(line)
		if not match:
			return False
		self._closeAll()
		fence = match.group(1)
		code: list[str] = []
		self.index += 1
		while self.index < len(self.lines):
			line = self.lines[self.index]
			self.index += 1
			if line.strip().startswith(fence[0] * len(fence)) and not line.strip().strip(fence[0]):
				break
			code.append(line)
		self.out.append("<pre><code>" + html.escape("\n".join(code)) + "</code></pre>")
		return True

	def _quote(self, line: str) -> bool:
		if not _QUOTE.match(line):
			return False
		self._closeAll()
		inner: list[str] = []
		while self.index < len(self.lines) and (match := _QUOTE.match(self.lines[self.index])):
			inner.append(match.group(1))
			self.index += 1
		self.out.append("<blockquote>" + "\n".join(_Blocks(inner).render()) + "</blockquote>")
		return True

	def _table(self, line: str) -> bool:
		if "|" not in line or self.index + 1 >= len(self.lines):
			return False
		separator = self.lines[self.index + 1]
		if "-" not in separator or not _TABLE_SEPARATOR.match(separator):
			return False
		header = _cells(line)
		if len(header) != len(_cells(separator)):
			return False
		self._closeAll()
		self.index += 2
		rows: list[list[str]] = []
		while self.index < len(self.lines) and "|" in self.lines[self.index]:
			rows.append(_cells(self.lines[self.index]))
			self.index += 1
		parts = ["<table>", "<thead><tr>"]
		parts += [f"<th>{renderInline(cell)}</th>" for cell in header]
		parts.append("</tr></thead>")
		if rows:
			parts.append("<tbody>")
			for row in rows:
				row = (row + [""] * len(header))[: len(header)]
				parts.append("<tr>" + "".join(f"<td>{renderInline(cell)}</td>" for cell in row) + "</tr>")
			parts.append("</tbody>")
		parts.append("</table>")
		self.out.append("".join(parts))
		return True


def _cells(line: str) -> list[str]:
	line = line.strip()
	if line.startswith("|"):
		line = line[1:]
	if line.endswith("|") and not line.endswith("\\|"):
		line = line[:-1]
	return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line)]


__all__ = ["markdownToHtml", "renderInline"]
