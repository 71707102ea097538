"""Phrase splitting and markdown stripping at each rule's edge: what a listener hears, pause by pause.

test_phrases.py checks the properties over many texts and chunkings; these pin each rule where it
changes: the default lengths to the character, list markers against sentence ends, every
abbreviation, CJK and Thai text, cuts of long tokens, and the markdown pieces that are rare but
read aloud badly when mishandled (HTML comments, code spans, numeric entities).
"""

import unicodedata

import pytest
from visionDescriberCore.text.markdownStripping import stripMarkdown
from visionDescriberCore.text.phrases import PhraseSplitter


def split(text: str, **options) -> list[str]:
	splitter = PhraseSplitter(**options)
	return splitter.feed(text) + splitter.flush()


def words(length: int, wordLength: int) -> str:
	"""Words of `wordLength` letters separated by single spaces, `length` characters in all, no
	punctuation: a space falls at every multiple of wordLength + 1, minus one."""
	word = "abcdefghijklmnopqrstuvwxyz"[:wordLength]
	return " ".join([word] * (length // (wordLength + 1) + 1))[:length]


# --- The default lengths --------------------------------------------------------------------------


def test_a_long_sentence_is_cut_at_160_characters_by_default():
	# Words of 9 letters and a first word of 10: spaces at 10, 20, ... 160, so 160 characters fit.
	text = "abcdefghij " + words(300, 9)
	assert text[160] == " "
	first = split(text)[0]
	assert len(first) == 160
	# A first word of 11 letters: spaces at 11, 21, ... 151, 161, so the word ending at 161 does
	# not fit.
	text = "abcdefghijk" + " abcdefghi" * 30
	assert text[161] == " " and text[160] != " "
	assert len(split(text)[0]) == 151


def test_a_sentence_end_just_past_the_cap_is_not_taken():
	# The full stop is character 21 of a 20-character cap: the cut is at the last space instead.
	assert split("aaaa bbbb cccc ddddd. Eeee", maxChars=20) == ["aaaa bbbb cccc", "ddddd.", "Eeee"]
	assert split("aaaa bbbb cccc dddd. Eeee", maxChars=20) == ["aaaa bbbb cccc dddd.", "Eeee"]


FIRST_24 = "Two windows are open now,"[1:]  # 24 characters with the comma
FIRST_25 = "Two windows are open now,"  # 25 characters with the comma


def test_the_first_clause_needs_25_characters_by_default():
	assert len(FIRST_24) == 24 and len(FIRST_25) == 25
	assert split(FIRST_25 + " and a dialog.") == [FIRST_25, "and a dialog."]
	assert split(FIRST_24 + " and a dialog.") == [FIRST_24 + " and a dialog."]


def test_later_clauses_need_50_characters_by_default():
	clause50 = "The second window shows a spreadsheet with charts,"
	clause49 = clause50.replace("charts", "chart")
	assert len(clause50) == 50 and len(clause49) == 49
	assert split("One. " + clause50 + " and more.") == ["One.", clause50, "and more."]
	assert split("One. " + clause49 + " and more.") == ["One.", clause49 + " and more."]


def test_the_smallest_options_are_accepted_and_smaller_ones_refused():
	assert PhraseSplitter(maxChars=20, minClauseChars=1, firstMinClauseChars=1).maxChars == 20
	with pytest.raises(ValueError):
		PhraseSplitter(maxChars=19)
	with pytest.raises(ValueError):
		PhraseSplitter(firstMinClauseChars=0)


def test_clause_length_counts_the_punctuation_itself():
	assert split("abcd, efgh", minClauseChars=5, firstMinClauseChars=5) == ["abcd,", "efgh"]
	assert split("abc, efgh", minClauseChars=5, firstMinClauseChars=5) == ["abc, efgh"]


# --- Streaming ---------------------------------------------------------------------------------------


def test_an_empty_delta_gives_no_phrases():
	splitter = PhraseSplitter()
	assert splitter.feed("") == []
	assert splitter.feed("Hello there. ") == []
	assert splitter.feed("") == []
	assert splitter.feed("Next") == ["Hello there."]


def test_a_line_ending_in_a_full_stop_is_spoken_as_soon_as_the_line_ends():
	splitter = PhraseSplitter()
	assert splitter.feed("The end.\n") == ["The end."]
	assert splitter.feed("Pens, paper, etc.\n") == ["Pens, paper, etc."]


def test_an_answer_opening_with_inline_code_keeps_the_code_whole():
	assert split("`a. B` is the command. Run it.") == ["`a. B` is the command.", "Run it."]


# --- List markers against sentence ends -----------------------------------------------------------


@pytest.mark.parametrize(
	("text", "phrases"),
	[
		("a. First item\nb. Second item\n", ["a. First item", "b. Second item"]),
		("1. Open\n12. Save\n100. Close\n", ["1. Open", "12. Save", "100. Close"]),
		# Four digits at the start of a line are a year, not a list number.
		("2024. A good year.", ["2024.", "A good year."]),
		# A short word at the start of a line is not a marker.
		("Yes. The window is open.", ["Yes.", "The window is open."]),
		("No. It is closed.", ["No.", "It is closed."]),
		# A single letter or a number ends the sentence when it is not at the start of a line.
		("Choose option a. Then press OK.", ["Choose option a.", "Then press OK."]),
		("I count 3. Then I stop.", ["I count 3.", "Then I stop."]),
		(
			"How many windows are open? 3. The first is Notepad.",
			["How many windows are open?", "3.", "The first is Notepad."],
		),
		(
			"How many windows are open? 3. The first is Notepad.\nThe second is Mail.",
			["How many windows are open?", "3.", "The first is Notepad.", "The second is Mail."],
		),
		(
			"Follow these steps to save your work:\n1. Open the File menu.\n2. Choose Save.\n",
			["Follow these steps to save your work:", "1. Open the File menu.", "2. Choose Save."],
		),
	],
)
def test_list_markers_at_the_start_of_a_line_and_sentence_ends_elsewhere(text, phrases):
	assert split(text) == phrases


# Every abbreviation of the list, written here again so that dropping one from it fails.
ABBREVIATIONS = [
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
]


@pytest.mark.parametrize("word", ABBREVIATIONS)
def test_every_abbreviation_keeps_the_sentence_going(word):
	for written in (word.capitalize(), word):
		text = f"Look at {written}. Smith for the rest."
		assert split(text) == [text]


@pytest.mark.parametrize(
	"text",
	["An appointment (Dr. Smith) is at noon.", 'The show "Dr. Who" is on.', "See [Fig. 2] and z.B. Berlin."],
)
def test_an_abbreviation_after_a_bracket_or_quote_is_still_one(text):
	assert split(text) == [text]


def test_a_full_stop_after_a_space_ends_a_sentence():
	assert split("Look here . Then there.") == ["Look here .", "Then there."]


# --- Dashes, CJK and scripts without spaces -------------------------------------------------------


def test_a_spaced_en_dash_is_a_clause_end_and_one_between_numbers_is_not():
	text = "There is a long bar chart of sales for each region – the highest is North."
	assert split(text, minClauseChars=30, firstMinClauseChars=30) == [
		"There is a long bar chart of sales for each region –",
		"the highest is North.",
	]
	text = "The chart covers the years 2019–2020 for each region and the highest is North."
	assert split(text, minClauseChars=30, firstMinClauseChars=30) == [text]


def test_cjk_sentences_are_spoken_one_by_one_as_they_end():
	assert split("今日は晴れです。明日は雨です。") == ["今日は晴れです。", "明日は雨です。"]
	splitter = PhraseSplitter()
	assert splitter.feed("今日は晴れです。明") == ["今日は晴れです。"]
	assert splitter.feed("日は雨です。") == []
	assert splitter.flush() == ["明日は雨です。"]


def test_cjk_closing_quotes_stay_with_their_sentence():
	assert split("他说：「好。」然后走了。") == ["他说：「好。」", "然后走了。"]


def test_a_long_token_after_a_one_letter_word_is_cut_after_the_word():
	assert split("I " + "x" * 30 + " end", maxChars=20) == ["I", "x" * 30, "end"]
	assert split("x" * 21 + " end", maxChars=20) == ["x" * 21, "end"]


def test_a_cjk_character_before_a_long_address_is_cut_off_it():
	url = "https://example.com/" + "a" * 30
	assert split(f"见{url} 谢谢", maxChars=20) == ["见", url, "谢谢"]


def test_thai_without_spaces_is_never_cut_before_a_combining_mark():
	text = "สวัสดีครับวันนี้อากาศดีมากและท้องฟ้าแจ่มใสเราจะไปเที่ยวทะเลกันไหม" * 2
	assert any(unicodedata.category(char).startswith("M") for char in text)
	for maxChars in range(20, 40):
		phrases = split(text, maxChars=maxChars)
		assert "".join(phrases) == text
		assert len(phrases) > 1
		for phrase in phrases:
			assert not unicodedata.category(phrase[0]).startswith("M"), (maxChars, phrase)
			assert len(phrase) <= maxChars


# --- Markdown for speech -----------------------------------------------------------------------------


@pytest.mark.parametrize(
	("markdown", "spoken"),
	[
		("Before <!-- a hidden note --> after", "Before after"),
		("Text <!-- never closed", "Text"),
		("Call `__init__` first", "Call __init__ first"),
		("Use `*args` and `**kwargs`", "Use *args and **kwargs"),
		("Set `my_var_` to `_x_`", "Set my_var_ to _x_"),
		("Type a backtick (`` ` ``) first", "Type a backtick (`) first"),
		("Empty code (``  ``) here", "Empty code ( ) here"),
		("See [the docs][1] for more", "See the docs for more"),
		("A dash &#8212; and &#x2014; and &#65;&#x41;&#x4a;", "A dash — and — and AAJ"),
		("Waves ~~~ under a boat", "Waves ~~~ under a boat"),
		("Icons \U000f0000 and \U000f0001 stay", "Icons \U000f0000 and \U000f0001 stay"),
	],
)
def test_markdown_pieces_read_as_meant(markdown, spoken):
	assert stripMarkdown(markdown) == spoken


def test_empty_text_strips_to_empty_text():
	assert stripMarkdown("") == ""
