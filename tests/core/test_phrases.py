import random
import re

import pytest
from speechSamples import SAMPLES, UNBREAKABLE, randomChunks, squash, tokenChunks
from visionDescriberCore.text.markdownStripping import MarkdownStripper, stripMarkdown
from visionDescriberCore.text.phrases import PhraseSplitter


def split(chunks, **options) -> list[str]:
	splitter = PhraseSplitter(**options)
	phrases = []
	for chunk in chunks:
		phrases += splitter.feed(chunk)
	phrases += splitter.flush()
	return phrases


# --- Properties over many random chunkings -----------------------------------------------------


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_phrases_reproduce_the_text_and_do_not_depend_on_chunking(name):
	text = SAMPLES[name]
	whole = split([text])
	assert len(whole) > 1
	assert squash("".join(whole)) == squash(text)
	assert split(tokenChunks(text)) == whole
	for seed in range(80):
		rng = random.Random(seed)
		chunks = randomChunks(text, rng, maxSize=rng.choice([1, 3, 8, 20]))
		phrases = split(chunks)
		assert squash("".join(phrases)) == squash(text), f"seed {seed}"
		assert phrases == whole, f"seed {seed}"


# Tricky pieces for random texts: punctuation of every kind, markdown, numbers, URLs, CJK.
FUZZ_PIECES = list("abc ABC 123 .,;:!?…—–-\n*_`\"')(]|#>~<") + [
	"e.g.",
	"Dr.",
	"3.14",
	"http://x.y/a_b",
	"。",
	"，",
	"字",
	"  ",
]


def test_random_texts_with_random_options_give_the_same_phrases_for_any_chunking():
	for seed in range(400):
		rng = random.Random(seed)
		text = "".join(rng.choice(FUZZ_PIECES) for _ in range(rng.randint(1, 300)))
		options = {
			"maxChars": rng.choice([20, 40, 160]),
			"minClauseChars": rng.choice([1, 10, 50]),
			"firstMinClauseChars": rng.choice([1, 5, 25]),
		}
		whole = split([text], **options)
		assert squash("".join(whole)) == squash(text), f"seed {seed}"
		assert all(phrase and phrase == phrase.strip() for phrase in whole), f"seed {seed}"
		chunks = randomChunks(text, rng, maxSize=rng.choice([1, 2, 5, 30]))
		assert split(chunks, **options) == whole, f"seed {seed}"
		for phrase in whole:
			stripMarkdown(phrase)  # never raises on odd input


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_numbers_abbreviations_and_urls_are_never_cut(name):
	phrases = split(tokenChunks(SAMPLES[name]))
	for piece in UNBREAKABLE[name]:
		assert any(piece in phrase for phrase in phrases), (piece, phrases)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_no_phrase_is_empty_padded_or_past_the_cap(name):
	splitter = PhraseSplitter(maxChars=80)
	phrases = split(tokenChunks(SAMPLES[name]), maxChars=80)
	for phrase in phrases:
		assert phrase and phrase == phrase.strip()
		assert len(phrase) <= splitter.maxChars, phrase


def test_words_are_never_cut_when_a_long_sentence_is_broken():
	text = SAMPLES["longPlain"]
	phrases = split(randomChunks(text, random.Random(7)), maxChars=60)
	assert len(phrases) >= len(text) // 60
	assert " ".join(phrases).split() == text.split()
	assert all(len(phrase) <= 60 for phrase in phrases)


# --- Holding back what is still ambiguous ------------------------------------------------------


def test_a_decimal_arriving_in_two_deltas_stays_whole():
	splitter = PhraseSplitter()
	assert splitter.feed("The table is 3.") == []
	assert splitter.feed("14 metres wide. It") == ["The table is 3.14 metres wide."]
	assert splitter.flush() == ["It"]


def test_a_thousands_separator_arriving_late_stays_whole():
	splitter = PhraseSplitter(minClauseChars=5, firstMinClauseChars=5)
	assert splitter.feed("The score is 1,") == []
	assert splitter.feed("000 points") == []
	assert splitter.flush() == ["The score is 1,000 points"]


def test_a_sentence_is_released_when_the_next_word_starts():
	splitter = PhraseSplitter()
	assert splitter.feed("A cat sits on a mat.") == []
	assert splitter.feed(" ") == []
	assert splitter.feed("It") == ["A cat sits on a mat."]
	assert splitter.pending == "It"


def test_questions_and_exclamations_are_released_at_the_space():
	splitter = PhraseSplitter()
	assert splitter.feed("Is it red? ") == ["Is it red?"]
	assert splitter.feed("Yes! ") == ["Yes!"]


def test_a_lower_case_word_after_a_full_stop_continues_the_sentence():
	assert split(["It is approx. three metres. Then", " a door."]) == [
		"It is approx. three metres.",
		"Then a door.",
	]
	assert split(["Pens, paper, etc. are on the desk. ", "Nothing else."]) == [
		"Pens, paper, etc. are on the desk.",
		"Nothing else.",
	]


@pytest.mark.parametrize(
	"text",
	[
		"Dr. Smith is here.",
		"It costs 5 U.S. Dollars here.",
		"J. R. Tolkien wrote it.",
		"See Fig. 3 for details.",
		"Photos e.g. Beach and Forest are shown.",
		"Go to www.example.com now.",
		"Version 2.5.1 is installed.",
	],
)
def test_abbreviations_and_dotted_words_do_not_end_a_sentence(text):
	assert split([text]) == [text]


def test_an_ellipsis_followed_by_a_capital_ends_a_sentence():
	assert split(["Loading... Please wait."]) == ["Loading...", "Please wait."]
	assert split(["Loading… still going."]) == ["Loading… still going."]


def test_closing_quotes_and_emphasis_stay_with_their_sentence():
	assert split(['He said "Stop." Then **it ended.** Next.']) == [
		'He said "Stop."',
		"Then **it ended.**",
		"Next.",
	]


def test_flush_returns_the_rest_and_resets():
	splitter = PhraseSplitter()
	assert splitter.feed("Half a sent") == []
	assert splitter.flush() == ["Half a sent"]
	assert splitter.pending == ""
	assert splitter.flush() == []
	assert splitter.feed("New answer! ") == ["New answer!"]


# --- Lines, clauses and the hard cap -----------------------------------------------------------


def test_each_line_and_list_item_is_a_phrase_as_soon_as_it_ends():
	splitter = PhraseSplitter()
	assert splitter.feed("Buttons:\n- OK") == ["Buttons:"]
	assert splitter.feed("\n- Cancel\n") == ["- OK", "- Cancel"]


def test_ordered_list_numbers_are_not_sentence_ends():
	assert split(["1. Save\n2. Don't Save\n"]) == ["1. Save", "2. Don't Save"]


def test_clauses_split_only_once_the_phrase_is_long_enough():
	assert split(["Yes, it is red, and small."]) == ["Yes, it is red, and small."]
	long = "A wide window with a toolbar, a sidebar and a document area, where a letter is open."
	first, second = split([long], minClauseChars=40, firstMinClauseChars=40)
	assert first == "A wide window with a toolbar, a sidebar and a document area,"
	assert second == "where a letter is open."


def test_the_first_phrase_may_be_a_shorter_clause_than_the_rest():
	text = "A settings dialog, with three tabs, shows general options; the first tab is open, and a list."
	phrases = split([text], minClauseChars=60, firstMinClauseChars=15)
	assert phrases[0] == "A settings dialog,"
	assert phrases[1] == "with three tabs, shows general options; the first tab is open,"


def test_dashes_and_cjk_commas_are_clause_ends():
	text = "There is a long bar chart of sales for each region of the company — the highest is North."
	assert split([text], minClauseChars=30, firstMinClauseChars=30) == [
		"There is a long bar chart of sales for each region of the company —",
		"the highest is North.",
	]
	assert split(["一二三四五、六七八九十。"], minClauseChars=3, firstMinClauseChars=3) == [
		"一二三四五、",
		"六七八九十。",
	]


def test_a_sentence_without_punctuation_is_spoken_before_it_ends():
	splitter = PhraseSplitter(maxChars=40)
	phrases = []
	for word in ("the quick brown fox jumps over the lazy dog " * 4).split(" "):
		phrases += splitter.feed(word + " ")
	assert len(phrases) >= 3
	assert all(len(phrase) <= 40 for phrase in phrases)


def test_a_long_url_is_not_cut():
	url = "https://example.com/" + "a" * 100 + "/image.png"
	assert split([f"Open {url} now."], maxChars=40) == ["Open", url, "now."]


def test_text_without_spaces_is_cut_between_characters_of_its_script():
	text = "字" * 100
	phrases = split(randomChunks(text, random.Random(1)), maxChars=30)
	assert "".join(phrases) == text
	assert all(len(phrase) <= 30 for phrase in phrases)


def test_inline_code_is_not_cut_at_its_punctuation():
	assert split(["Type `print('Hi. There')` here. Done."]) == ["Type `print('Hi. There')` here.", "Done."]


def test_bad_options_are_refused():
	with pytest.raises(ValueError):
		PhraseSplitter(maxChars=5)
	with pytest.raises(ValueError):
		PhraseSplitter(minClauseChars=0)
	assert PhraseSplitter(maxChars=50, minClauseChars=80).minClauseChars == 50


# --- Markdown for speech -----------------------------------------------------------------------


@pytest.mark.parametrize(
	("markdown", "spoken"),
	[
		("## Summary", "Summary"),
		("# Title #", "Title"),
		("**Bold** and __strong__ and *italic* and _also_", "Bold and strong and italic and also"),
		("***very*** ~~old~~ price", "very old price"),
		("Use `git status` now", "Use git status now"),
		("- First item", "First item"),
		("* Second item", "Second item"),
		("  + nested item", "nested item"),
		("1. Open the file", "1. Open the file"),
		("- [x] done task", "done task"),
		("> quoted text", "quoted text"),
		("See [the docs](https://example.com/docs) now", "See the docs now"),
		('A [link](https://a.com/x_(y) "title") here', "A link here"),
		("![a red logo](logo.png)", "a red logo"),
		("![](spacer.gif)", ""),
		("Go to <https://example.com>", "Go to https://example.com"),
		("| Name | Age |", "Name, Age"),
		("|------|:---:|", ""),
		("---", ""),
		("* * *", ""),
		("Line one<br>line two<br/>", "Line one line two"),
		("<b>Warning</b>: <span class='x'>low</span>", "Warning : low"),
		("Tom &amp; Jerry &lt;3", "Tom & Jerry <3"),
		(r"A literal \*star\* and \_under\_", "A literal *star* and _under_"),
		("A footnote[^1] here", "A footnote here"),
	],
)
def test_markdown_symbols_are_removed(markdown, spoken):
	assert stripMarkdown(markdown) == spoken


@pytest.mark.parametrize(
	"text",
	[
		"C++ and C# are languages",
		"3 * 4 = 12 and 2 ** 8 = 256",
		"3*4 is twelve",
		"The variable snake_case_name is set",
		r"Saved to C:\Users\ann\my_project\main.py",
		"/usr/local/bin/my_tool --help",
		"Open https://example.com/a_b_c/_private_/x.png today",
		"List<String> items = new ArrayList<>();",
		"Price: $5 - $10, about 50% off",
		"#hashtag and issue #42",
		"Temperature ~20 degrees",
		"AT&T and R&D",
		"It is 10:30, e.g. now.",
	],
)
def test_normal_text_is_not_mangled(text):
	assert stripMarkdown(text) == text


def test_emphasis_cut_by_a_phrase_boundary_is_still_removed():
	assert stripMarkdown("**Bold sentence one.") == "Bold sentence one."
	assert stripMarkdown("Bold two.**") == "Bold two."
	assert stripMarkdown("`unclosed code") == "unclosed code"


def test_code_blocks_are_read_as_written():
	stripper = MarkdownStripper()
	assert stripper.clean("```python") == ""
	assert stripper.clean("# a comment, not a heading") == "# a comment, not a heading"
	assert stripper.clean("x = a * b  # **kept**") == "x = a * b  # **kept**"
	assert stripper.clean("```") == ""
	assert stripper.clean("# Heading again") == "Heading again"


def test_multi_line_text_keeps_its_lines_and_drops_markup_only_lines():
	assert stripMarkdown("# Title\n\n- a\n- b\n\n---\nEnd") == "Title\na\nb\nEnd"


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_stripping_each_phrase_equals_stripping_the_whole_answer(name):
	text = SAMPLES[name]
	whole = stripMarkdown(text)
	for seed in range(20):
		stripper = MarkdownStripper()
		phrases = split(randomChunks(text, random.Random(seed)))
		spoken = [stripper.clean(phrase) for phrase in phrases]
		assert squash("".join(spoken)) == squash(whole), f"seed {seed}"
		for phrase in spoken:
			assert "**" not in phrase
			assert not re.search(r"^##+ ", phrase)
			assert "|" not in phrase
