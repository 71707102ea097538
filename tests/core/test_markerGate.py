"""The "nothing changed" marker is held back until the answer clearly is not it, and never spoken,
whatever way the stream cuts the answer into pieces."""

import itertools
import random

import pytest
from visionDescriberCore.text.narration import narrate
from visionDescriberCore.watch.markerGate import MARKER, MarkerGate, removeMarker

MARKER_ANSWERS = [
	"NOCHANGE",
	"NOCHANGE.",
	" NOCHANGE\n",
	"**NOCHANGE**",
	"`NOCHANGE`",
	"nochange",
	"NO_CHANGE",
	"No change.",
	"NOCHANGE. The menu is still open and nothing else moved.",
	"NOCHANGE: same screen.",
]
REAL_ANSWERS = [
	"No change to the map, but an enemy appeared on the left.",
	"Nothing much, but your health dropped to 60 percent.",
	"A menu opened with Continue, Inventory and Quit.",
	"NOTE: a new quest was added.",
	"No",
	"",
]


def chunkings(text: str, count: int = 40, seed: int = 7):
	"""Every split into one or two pieces, and random splits into more."""
	yield [text]
	for cut in range(1, len(text)):
		yield [text[:cut], text[cut:]]
	rng = random.Random(seed)
	for _ in range(count):
		cuts = (
			sorted(rng.sample(range(1, max(2, len(text))), min(len(text) - 1, rng.randint(1, 6))))
			if len(text) > 2
			else []
		)
		yield [text[a:b] for a, b in itertools.pairwise([0, *cuts, len(text)])]


def gated(pieces: list[str]) -> tuple[str, MarkerGate]:
	gate = MarkerGate()
	return "".join(gate.filter(pieces)), gate


@pytest.mark.parametrize("answer", MARKER_ANSWERS)
def test_theMarkerAnswerPassesNothingWhateverTheChunking(answer):
	for pieces in chunkings(answer):
		passed, gate = gated(pieces)
		assert passed == "" and gate.isMarker, pieces


@pytest.mark.parametrize("answer", REAL_ANSWERS)
def test_aRealAnswerPassesWholeWhateverTheChunking(answer):
	for pieces in chunkings(answer):
		passed, gate = gated(pieces)
		assert passed == answer and not gate.isMarker, pieces


def test_aRealAnswerIsReleasedAsSoonAsItCannotBeTheMarker():
	gate = MarkerGate()
	assert gate.feed("No") == ""  # could still be "No change."
	assert gate.feed(" ch") == ""
	assert gate.feed("ange to the") == "No change to the"
	assert gate.feed(" map.") == " map."
	assert gate.finish() == ""


def test_anAnswerNotStartingLikeTheMarkerIsNotHeldAtAll():
	gate = MarkerGate()
	assert gate.feed("A goblin") == "A goblin"


def test_theMarkerIsNeverSpokenThroughNarration():
	"""The gate in front of the phrase splitter: "NOCHANGE." is a whole phrase, yet nothing is said."""
	for pieces in (["NOCHANGE", "."], ["NO", "CHANGE. Same menu."], ["No change."]):
		spoken: list[str] = []
		gate = MarkerGate()
		narrate(gate.filter(pieces), post=lambda fn: fn(), onPhrase=spoken.append)
		assert spoken == [] and gate.isMarker


def test_removeMarkerDropsTheWordButKeepsPlainEnglish():
	assert removeMarker("NOCHANGE") == ""
	assert removeMarker("**NOCHANGE.**") == ""
	assert removeMarker("Health is 60 percent. NOCHANGE") == "Health is 60 percent."
	assert removeMarker("There was no change in health.") == "There was no change in health."
	assert MARKER == "NOCHANGE"
