"""What no one can hear, read in braille or paste never leaves the core: control characters, U+FFFD,
lone surrogates. Cleaning works delta by delta and gives the same text however the answer was cut."""

import random

import pytest
from visionDescriberCore.cancellation import CancelToken
from visionDescriberCore.text.cleaning import TextCleaner, cleanText
from visionDescriberCore.text.narration import narrate

#: Every kind of junk a stream can bring, around real words.
DIRTY = (
	"\x1b[1mBold\x1b[0m title\r\n"  # a terminal colour code copied from a screenshot, Windows line end
	"Caf\ufffd au lait\x00 costs \x07 3 euros.\r"  # replacement character, NUL, BEL, an old Mac line end
	"Next\x85line\u2028and\u2029more\x0cpage\x0bend.\n"  # NEL, line/paragraph separators, FF, VT
	"A lone half \ud83d of an emoji, a C1 \x9b control, \x7f delete, \ufffe and \U000f0001.\n"
)
CLEAN = (
	"[1mBold[0m title\n"
	"Caf au lait costs  3 euros.\n"
	"Next\nline\nand\nmore\npage\nend.\n"
	"A lone half  of an emoji, a C1  control,  delete,  and .\n"
)


def test_controls_replacement_characters_and_lone_surrogates_are_removed():
	assert cleanText(DIRTY) == CLEAN


@pytest.mark.parametrize(
	"text",
	[
		"Tabs\tstay, and so do line\nbreaks.",
		"Emoji with joiners: 👩\u200d💻 and flags 🇩🇪.",
		"Persian needs the non-joiner: می\u200cخواهم.",
		"Hebrew with a direction mark: \u200fשלום.",
		"Private use of the BMP stays: \ue001 (icon fonts).",
		"Ünïcödé, 漢字, العربية, हिन्दी.",
	],
)
def test_real_text_is_left_alone(text):
	assert cleanText(text) == text


def test_delta_by_delta_is_the_same_as_all_at_once():
	generator = random.Random(7)
	for _round in range(300):
		cuts = sorted(generator.sample(range(1, len(DIRTY)), generator.randint(1, 20)))
		pieces = [DIRTY[start:end] for start, end in zip([0, *cuts], [*cuts, len(DIRTY)], strict=True)]
		cleaner = TextCleaner()
		assert "".join(cleaner.clean(piece) for piece in pieces) == CLEAN, pieces


def test_a_carriage_return_and_its_line_feed_in_two_deltas_are_one_line_break():
	cleaner = TextCleaner()
	assert [cleaner.clean(piece) for piece in ("one\r", "\ntwo\r", "three")] == ["one\n", "two\n", "three"]


def test_narration_speaks_and_returns_only_clean_text():
	posted = []
	spoken = []
	deltas = ["The \x1b[0mbutton\ufffd says ", "OK.\x07\r", "\nThe \ud83dfield is empty."]
	text = narrate(iter(deltas), post=posted.append, onPhrase=spoken.append, token=CancelToken())
	for call in posted:
		call()
	assert text == "The [0mbutton says OK.\nThe field is empty."
	assert spoken == ["The [0mbutton says OK.", "The field is empty."]
	assert all(not any(ord(c) < 32 or c == "\ufffd" for c in phrase) for phrase in spoken)


def test_a_delta_of_nothing_but_junk_is_no_delta():
	spoken = []
	posted = []
	text = narrate(iter(["\ufffd\x00", "Hi."]), post=posted.append, onPhrase=spoken.append)
	for call in posted:
		call()
	assert (text, spoken) == ("Hi.", ["Hi."])
