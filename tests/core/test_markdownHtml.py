"""The markdown renderer for NVDA's browseable message: what models write, as small and safe HTML."""

from html.parser import HTMLParser

import pytest
from visionDescriberCore.text.markdownHtml import markdownToHtml, renderInline


class TagCollector(HTMLParser):
	"""Parses the output as a browser would, to prove which elements and attributes exist."""

	def __init__(self):
		super().__init__()
		self.tags: list[str] = []
		self.attributes: list[tuple[str, str | None]] = []
		self.text = ""

	def handle_starttag(self, tag, attrs):
		self.tags.append(tag)
		self.attributes.extend(attrs)

	def handle_data(self, data):
		self.text += data


def parsed(markup: str) -> TagCollector:
	collector = TagCollector()
	collector.feed(markup)
	collector.close()
	return collector


def test_blank_text_gives_nothing():
	assert markdownToHtml("") == ""
	assert markdownToHtml("  \n\n ") == ""


def test_everything_the_model_wrote_is_escaped():
	hostile = 'The sign says <script>alert("x")</script> & <img src=x onerror=alert(1)> "quoted"'
	markup = markdownToHtml(hostile)
	page = parsed(markup)
	assert page.tags == ["p"]
	assert page.attributes == []
	assert page.text == hostile
	assert "<script>" not in markup and "&lt;script&gt;" in markup


def test_headings_paragraphs_and_line_breaks():
	markup = markdownToHtml(
		"# Login form\n\nA window titled 'Sign in'.\nIt has two fields.\n\n### Buttons\nOK"
	)
	assert markup == (
		"<h1>Login form</h1>\n"
		"<p>A window titled &#x27;Sign in&#x27;.<br>It has two fields.</p>\n"
		"<h3>Buttons</h3>\n"
		"<p>OK</p>"
	)


def test_bold_italics_and_inline_code():
	assert renderInline("**Save** and *cancel* and __Close__ and _Help_") == (
		"<strong>Save</strong> and <em>cancel</em> and <strong>Close</strong> and <em>Help</em>"
	)
	assert renderInline("Run `rm -rf *` or `<b>`") == "Run <code>rm -rf *</code> or <code>&lt;b&gt;</code>"


def test_what_only_looks_like_emphasis_is_left_alone():
	assert renderInline("snake_case_name and 3 * 4 * 5 and file_name.txt") == (
		"snake_case_name and 3 * 4 * 5 and file_name.txt"
	)
	assert renderInline("C++ and a*b") == "C++ and a*b"


def test_bullet_and_numbered_lists():
	markup = markdownToHtml("Items:\n- Open\n- Save\n* Print\n\n1. First\n2. Second")
	assert markup == (
		"<p>Items:</p>\n<ul>\n<li>Open</li>\n<li>Save</li>\n<li>Print</li>\n</ul>\n"
		"<ol>\n<li>First</li>\n<li>Second</li>\n</ol>"
	)


def test_a_numbered_list_keeps_its_first_number():
	assert markdownToHtml("3. Third\n4. Fourth").startswith('<ol start="3">')


def test_nested_lists_sit_inside_their_item():
	markup = markdownToHtml("- Toolbar\n  - Bold\n  - Italic\n- Status bar\n  1. Page 1\n")
	page = parsed(markup)
	assert page.tags == ["ul", "li", "ul", "li", "li", "li", "ol", "li"]
	assert markup == (
		"<ul>\n<li>Toolbar\n<ul>\n<li>Bold</li>\n<li>Italic</li>\n</ul>\n</li>\n"
		"<li>Status bar\n<ol>\n<li>Page 1</li>\n</ol>\n</li>\n</ul>"
	)


def test_an_indented_line_continues_its_list_item():
	assert markdownToHtml("- Name: Ada\n  Role: admin") == "<ul>\n<li>Name: Ada<br>Role: admin</li>\n</ul>"


def test_a_list_then_a_paragraph_without_a_blank_line():
	assert markdownToHtml("- one\nAfter the list") == "<ul>\n<li>one</li>\n</ul>\n<p>After the list</p>"


def test_fenced_code_is_kept_as_written_and_escaped():
	markup = markdownToHtml("Code:\n```python\nif a < b:\n    print('**no bold**')\n```\nDone")
	assert markup == (
		"<p>Code:</p>\n<pre><code>if a &lt; b:\n    print(&#x27;**no bold**&#x27;)</code></pre>\n<p>Done</p>"
	)


def test_an_unclosed_fence_runs_to_the_end():
	assert markdownToHtml("```\nline <1>") == "<pre><code>line &lt;1&gt;</code></pre>"


def test_links_only_for_web_addresses():
	assert renderInline("[NVDA](https://www.nvaccess.org/?a=1&b=2)") == (
		'<a href="https://www.nvaccess.org/?a=1&amp;b=2">NVDA</a>'
	)
	bad = renderInline("[click](javascript:alert(1)) [file](file:///c:/x)")
	assert "<a" not in bad
	assert parsed(bad).text == "click (javascript:alert(1)) file (file:///c:/x)"
	assert renderInline('[x](https://a.example/"onmouseover="bad)') == (
		'<a href="https://a.example/&quot;onmouseover=&quot;bad">x</a>'
	)


def test_images_become_their_alt_text():
	assert renderInline("![A red <stop> sign](https://x/y.png)") == "A red &lt;stop&gt; sign"


def test_tables_become_html_tables():
	markup = markdownToHtml("| Month | Sales |\n|---|--:|\n| March | **12** |\n| April | 9 |\n\nEnd")
	assert markup == (
		"<table><thead><tr><th>Month</th><th>Sales</th></tr></thead><tbody>"
		"<tr><td>March</td><td><strong>12</strong></td></tr><tr><td>April</td><td>9</td></tr>"
		"</tbody></table>\n<p>End</p>"
	)


def test_a_pipe_in_a_sentence_is_not_a_table():
	assert markdownToHtml("Choose A | B\nthen press OK") == "<p>Choose A | B<br>then press OK</p>"


def test_quotes_rules_and_strike_through():
	markup = markdownToHtml("> **Warning**: disk full\n> Free space\n\n---\n~~old~~ new")
	assert markup == (
		"<blockquote><p><strong>Warning</strong>: disk full<br>Free space</p></blockquote>\n"
		"<hr>\n<p><del>old</del> new</p>"
	)


@pytest.mark.parametrize(
	"text",
	[
		"**unclosed bold",
		"`unclosed code",
		"[half a link](",
		"# ",
		"- ",
		"1.",
		"|",
		"|-|",
		"> ",
		"```",
		"\ue000 0 \ue001",
		"\ue0000\ue001 `x` \ue0001\ue001",
		"\t- tabbed\n\t\t- deeper",
	],
)
def test_odd_input_never_breaks_and_never_makes_tags_from_text(text):
	markup = markdownToHtml(text)
	page = parsed(markup)
	assert set(page.tags) <= {
		"p",
		"ul",
		"ol",
		"li",
		"pre",
		"code",
		"blockquote",
		"table",
		"thead",
		"tbody",
		"tr",
		"th",
		"td",
		"strong",
		"em",
	}
	assert "<script" not in markup
