"""Change detection at its edges, on small grey frames whose every pixel is known.

A 160 x 96 grey picture is its own thumbnail: 10 x 6 blocks of 16 x 16 pixels, 15360 pixels, so one
block is exactly 1/60 of the picture and a test can say which check reports what. The scene tests
(test_changeDetection.py) show a watch ignores a clock and reports a health bar; these pin the numbers
behind that: how far a pixel must move, how many pixels make a block move, how long the watch learns,
when a loop becomes ambient and when it stops being so, when a waiting change is told.
Checks are counted from 1 after the baseline.
"""

from dataclasses import FrozenInstanceError

import pytest
from PIL import Image, ImageDraw
from visionDescriberCore.watch.changeDetection import (
	ChangeTracker,
	Frame,
	Verdict,
	differingShare,
	frameOf,
	practicallyIdentical,
)

W, H = 160, 96
GREY = 100
BLOCK_SHARE = 256 / (W * H)


def block(column: int, row: int, level: int = 250, pixels: int = 256) -> tuple:
	"""The first `pixels` pixels (row by row) of one 16 x 16 block, at a grey level."""
	return (column, row, level, pixels)


def picture(*blocks: tuple, size: tuple[int, int] = (W, H)) -> Image.Image:
	image = Image.new("L", size, GREY)
	for column, row, level, pixels in blocks:
		for index in range(pixels):
			image.putpixel((16 * column + index % 16, 16 * row + index // 16), level)
	return image


def frame(*blocks: tuple, size: tuple[int, int] = (W, H)) -> Frame:
	return frameOf(picture(*blocks, size=size))


BASE = frame()


def learned(size: tuple[int, int] = (W, H), **options) -> ChangeTracker:
	"""A tracker that described a still grey picture of this size and has watched it long enough to
	have learned it."""
	still = BASE if size == (W, H) else frame(size=size)
	tracker = ChangeTracker(**options)
	tracker.setBaseline(still, learn=True)
	for _ in range(tracker.historyChecks):
		assert not tracker.observe(still).report
	return tracker


def reports(tracker: ChangeTracker, frames) -> list[str]:
	"""Per check: "" (nothing), "pending", or why it was reported."""
	verdicts = [tracker.observe(each) for each in frames]
	return [verdict.why if verdict.report else "pending" if verdict.pending else "" for verdict in verdicts]


def firstReport(tracker: ChangeTracker, frames) -> int | None:
	"""The check (from 1) on which the first report came."""
	return next(
		(check for check, why in enumerate(reports(tracker, frames), 1) if why not in ("", "pending")), None
	)


# --- Thumbnails ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
	("size", "thumbnail"),
	[
		((480, 300), (480, 300)),
		((481, 300), (241, 150)),
		((1440, 900), (480, 300)),
		((1920, 1080), (480, 270)),
		((2400, 100), (480, 20)),
		((100, 3000), (15, 429)),
	],
)
def test_theThumbnailIsTheLargestWholeFractionWithinFourHundredAndEightyPixels(size, thumbnail):
	assert frameOf(Image.new("RGB", size)).size == thumbnail


@pytest.mark.parametrize("mode", ["RGBA", "P", "1", "CMYK", "I"])
def test_anyPictureModeGivesTheThumbnailOfItsColours(mode):
	image = Image.new("RGB", (1000, 600), (40, 90, 60))  # reduced by 3: Pillow reduces few modes
	ImageDraw.Draw(image).rectangle((100, 150, 600, 450), fill=(250, 250, 250))
	converted = image.convert(mode)
	expected = frameOf(converted.convert("RGB"))
	got = frameOf(converted)
	assert got.thumbnail.tobytes() == expected.thumbnail.tobytes()
	assert (got.blank, got.black) == (expected.blank, expected.black) == (False, False)


# --- How far a pixel must move ---------------------------------------------------------------------


@pytest.mark.parametrize(
	("level", "counts"), [(GREY + 24, False), (GREY + 25, True), (GREY - 24, False), (GREY - 25, True)]
)
def test_aPixelDiffersWhenItMovedMoreThan24Levels(level, counts):
	changed = frame(block(3, 2, level))
	assert differingShare(BASE, changed) == (BLOCK_SHARE if counts else 0.0)
	assert practicallyIdentical(BASE, changed) is not counts
	verdict = learned().observe(changed)
	assert verdict.changedShare == pytest.approx(BLOCK_SHARE if counts else 0.0, rel=1e-12)
	assert verdict.pending is counts


@pytest.mark.parametrize(("level", "counts"), [(GREY + 48, False), (GREY + 49, True)])
def test_againstAnApproximateBaselineAPixelMayMove48Levels(level, counts):
	"""The baseline was rebuilt from a picture that was resized and encoded."""
	tracker = learned()
	tracker.setBaseline(BASE, approximate=True)
	assert tracker.observe(frame(block(3, 2, level))).pending is counts


def test_aChangeOfThreeInTenThousandPixelsIsNoLongerPracticallyIdentical():
	square = Frame(Image.new("L", (100, 100), GREY), True, False)
	three = Image.new("L", (100, 100), GREY)
	for x in range(3):
		three.putpixel((x, 0), 250)
	assert differingShare(square, Frame(three, False, False)) == 0.0003
	assert not practicallyIdentical(square, Frame(three, False, False))
	three.putpixel((0, 0), GREY)
	assert practicallyIdentical(square, Frame(three, False, False))


def test_theChangedShareCountsEveryBlockByItsOwnArea():
	"""A 100 x 50 picture: the last column of blocks is 4 pixels wide, the last row 2 pixels tall."""
	size = (100, 50)
	tracker = learned(size)
	image = picture(size=size)
	image.paste(250, (96, 0, 100, 16))  # a block of 4 x 16
	image.paste(250, (0, 48, 16, 50))  # a block of 16 x 2
	image.paste(250, (96, 48, 100, 50))  # the corner: 4 x 2
	image.paste(250, (16, 16, 32, 32))  # a whole block
	verdict = tracker.observe(frameOf(image))
	assert verdict.changedShare == pytest.approx((64 + 32 + 8 + 256) / 5000, rel=1e-12)


# --- When a change is told -----------------------------------------------------------------------------


def test_aChangeIsToldOnTheCheckAfterItStoppedMoving():
	changed = frame(block(3, 2))
	assert reports(learned(), [changed, changed]) == ["pending", "settled"]


def test_aChangeThatKeepsMovingIsToldOnItsFifthCheck():
	frames = [frame(block(column, 2)) for column in range(8)]
	assert reports(learned(), frames[:6]) == ["pending"] * 4 + ["keptChanging", "keptChanging"]


def test_aLongestWaitOfNoChecksTellsAChangeAtOnce():
	moving = [frame(block(column, 2)) for column in range(3)]
	assert reports(learned(maxWaitChecks=0), moving) == ["keptChanging"] * 3


def test_theWaitStartsAgainAfterAChangeWasUndone():
	"""A flash that is gone, then an enemy that keeps moving: five checks are waited for the enemy."""
	flash = frame(block(0, 0))
	moving = [frame(block(column, 4)) for column in range(8)]
	assert reports(learned(), [flash, BASE, BASE, *moving[:5]]) == [
		"pending",
		"",
		"",
		*["pending"] * 4,
		"keptChanging",
	]


def test_theWaitStartsAgainFromANewBaseline():
	"""A describe took precedence (resume) while a change was waiting: the wait restarts from it."""
	moving = [frame(block(column, 4)) for column in range(10)]
	tracker = learned()
	assert reports(tracker, moving[:3]) == ["pending"] * 3
	tracker.setBaseline(moving[2])
	assert reports(tracker, moving[3:8]) == [*["pending"] * 4, "keptChanging"]


@pytest.mark.parametrize(
	("settleChecks", "expected"),
	[(0, ["pending", "settled"]), (1, ["pending", "settled"]), (2, ["pending", "pending", "settled"])],
)
def test_settledMeansStillForTheLastSettleChecks(settleChecks, expected):
	changed = frame(block(3, 2))
	assert reports(learned(settleChecks=settleChecks), [changed] * len(expected)) == expected


def test_theMinimumShareItselfIsEnough():
	"""'At least minChangedShare': a change exactly that large is told."""
	changed = frame(block(3, 2))
	assert reports(learned(minChangedShare=BLOCK_SHARE), [changed, changed]) == ["pending", "settled"]
	assert reports(learned(minChangedShare=BLOCK_SHARE * 1.001), [changed, changed]) == ["", ""]


# --- What moves ------------------------------------------------------------------------------------------


def test_twoPixelsMoveABlockEvenWhereTheBlockIsTwoPixels():
	"""A 17 x 18 picture ends in a corner block of 1 x 2 pixels."""
	size = (17, 18)
	tracker = learned(size)
	changed = picture(block(0, 0), size=size)
	flicker = changed.copy()
	flicker.paste(250, (16, 16, 17, 18))
	frames = [frameOf(flicker if check % 2 else changed) for check in range(1, 6)]
	assert reports(tracker, frames) == [*["pending"] * 4, "keptChanging"]


@pytest.mark.parametrize(("pixels", "moving"), [(1, False), (2, True)])
def test_aBlockMovesWhenTwoOfItsPixelsChanged(pixels, moving):
	"""A change waits while anything else moves: here a flicker of one or two pixels far from it."""
	on = block(9, 5, pixels=pixels)
	frames = [frame(block(3, 2), on) if check % 2 else frame(block(3, 2)) for check in range(1, 7)]
	expected = ["pending", *["pending"] * 3, "keptChanging"] if moving else ["pending", "settled"]
	assert reports(learned(), frames)[: len(expected)] == expected


# --- Learning ----------------------------------------------------------------------------------------


def test_aNewWatchLearnsForEightChecks():
	"""A change seen while learning is held as possible motion, and told when learning ends."""
	tracker = ChangeTracker()
	tracker.setBaseline(BASE)  # the first screen is learned even when not asked
	changed = frame(block(3, 2))
	assert firstReport(tracker, [BASE, changed, *[changed] * 10]) == 8


@pytest.mark.parametrize(("historyChecks", "learnedFor"), [(1, 4), (4, 4), (5, 5)])
def test_learningLastsAtLeastFourChecks(historyChecks, learnedFor):
	tracker = ChangeTracker(historyChecks=historyChecks)
	tracker.setBaseline(BASE, learn=True)
	changed = frame(block(3, 2))
	assert firstReport(tracker, [changed] * 10) == learnedFor


def test_aLoopSeenTwiceWhileLearningStaysAmbient():
	"""Seen on the third check and again on the last check of learning: a loop, not a change."""
	a, b = frame(block(3, 2, 200)), frame(block(3, 2, 30))
	tracker = ChangeTracker()
	tracker.setBaseline(BASE, learn=True)
	assert firstReport(tracker, [BASE, BASE, a, a, a, a, a, b, b, b, b, b]) is None


def test_aLoopSeenOnceWhileLearningWasAChange():
	b = frame(block(3, 2, 30))
	tracker = ChangeTracker()
	tracker.setBaseline(BASE, learn=True)
	assert firstReport(tracker, [BASE] * 7 + [b] * 5) == 9


def test_anAmbientBlockStillForSixteenChecksCountsAgain():
	"""Moved on checks 2 and 4 while learning (a loop), then still: released on check 20."""
	a, b = frame(block(3, 2, 200)), frame(block(3, 2, 30))
	tracker = ChangeTracker()
	tracker.setBaseline(BASE, learn=True)
	assert firstReport(tracker, [BASE, a, a, b, *[b] * 30]) == 20


def trackerWithLoopAt(column: int, row: int) -> tuple[ChangeTracker, tuple]:
	"""A new watch that saw a loop at one block while learning (moved on checks 2 and 4), now still
	in its last state, which differs from the baseline; 9 checks done."""
	tracker = ChangeTracker()
	tracker.setBaseline(BASE, learn=True)
	a, b = block(column, row, 200), block(column, row, 30)
	reports(tracker, [BASE, frame(a), frame(a), *[frame(b)] * 6])
	return tracker, b


@pytest.mark.parametrize(
	("loop", "probe", "told"),
	[
		*[
			((4, 2), (column, row), False)
			for column in (3, 4, 5)
			for row in (1, 2, 3)
			if (column, row) != (4, 2)
		],
		((4, 2), (2, 2), True),
		((4, 2), (6, 2), True),
		((4, 2), (4, 0), True),
		((4, 2), (4, 4), True),
		((0, 2), (1, 3), False),
		((0, 2), (9, 1), True),  # the last block of the row above is not a neighbour
		((9, 2), (0, 3), True),  # nor the first block of the row below
		((0, 0), (1, 1), False),
		((9, 5), (8, 4), False),
	],
)
def test_aLoopsBlockAndItsNeighboursAreIgnoredAndNothingElse(loop, probe, told):
	tracker, loopState = trackerWithLoopAt(*loop)
	changed = frame(loopState, block(*probe))
	assert firstReport(tracker, [changed] * 3) == (2 if told else None)


def test_theLoopItselfIsIgnored():
	tracker, loopState = trackerWithLoopAt(0, 2)
	assert firstReport(tracker, [frame(loopState)] * 5) is None
	assert tracker.ambientBlocks == {20}


# --- Restless blocks -----------------------------------------------------------------------------------

ON, OFF = frame(block(6, 3)), BASE


@pytest.mark.parametrize(
	("states", "ambient"),
	[
		# moved on checks 1, 3, 5 and 7: four of the last eight
		([ON, ON, OFF, OFF, ON, ON, OFF, OFF], True),
		# moved on checks 1, 3, 6 and 9: three of the last eight
		([ON, ON, OFF, OFF, OFF, ON, ON, ON, OFF], False),
		# moved on checks 2 and 6: two
		([OFF, ON, ON, ON, ON, OFF, OFF, OFF], False),
	],
)
def test_aBlockThatMovedInHalfOfTheLastEightChecksBecomesAmbientWithTheNextBaseline(states, ambient):
	tracker = learned()
	reports(tracker, states)
	tracker.setBaseline(states[-1])
	assert (3 * 10 + 6 in tracker.ambientBlocks) is ambient
	assert firstReport(tracker, [ON] * 3) == (None if ambient else 2)


# --- Learning again --------------------------------------------------------------------------------


@pytest.mark.parametrize(("rows", "relearn"), [(3, True), (2, False)])
def test_aChangeOfHalfTheScreenIsASceneCutThatIsLearnedAgain(rows, relearn):
	"""Three rows of blocks are exactly half the picture; after that cut, a change seen in the next
	eight checks is held until they end."""
	cut = frame(*[block(column, row) for column in range(10) for row in range(rows)])
	tracker = learned()
	verdicts = [tracker.observe(cut) for _ in range(2)]
	assert verdicts[1].report and verdicts[1].changedShare == pytest.approx(rows / 6, rel=1e-12)
	tracker.setBaseline(cut)
	changed = frame(*[block(column, row) for column in range(10) for row in range(rows)], block(5, 5))
	assert firstReport(tracker, [changed] * 10) == (8 if relearn else 2)


def test_aWatchThatStartsFromADescriptionLearnsFromNoMotion():
	"""The first baseline is rebuilt from the picture described (approximate), so there is no
	previous capture to compare the first check with."""
	tracker = ChangeTracker()
	tracker.setBaseline(BASE, approximate=True)
	changed = frame(block(3, 2))
	assert firstReport(tracker, [BASE, BASE, *[changed] * 8]) == 8


def test_aNewBaselineSoonAfterTheStartStillTellsChanges():
	tracker = ChangeTracker()
	tracker.setBaseline(BASE, learn=True)
	reports(tracker, [BASE, BASE])
	tracker.setBaseline(BASE)  # a describe took precedence (resume)
	assert tracker.ambientBlocks == frozenset()
	changed = frame(block(3, 2))
	assert firstReport(tracker, [*[BASE] * 6, *[changed] * 3]) == 8


def test_afterAResumeAChangeTheScreenAlreadyHadIsToldAtOnce():
	"""A describe took precedence; the screen had changed since the picture it described, so the
	baseline is rebuilt from that picture (approximate). The change is still: told on the next check."""
	changed = frame(block(3, 2))
	tracker = learned()
	assert reports(tracker, [changed, changed]) == ["pending", "settled"]
	tracker.setBaseline(BASE, approximate=True)
	assert reports(tracker, [changed]) == ["settled"]


def test_aMoveBetweenTheLastCheckAndAResumeStillCounts():
	"""A block blinks on checks 1, 3 and 5; a resume's frame has it off again (a fourth move, seen by
	the next check). At the next resume it has moved in four of the last eight checks: ambient."""
	tracker = learned()
	reports(tracker, [ON, ON, OFF, OFF, ON])
	tracker.setBaseline(OFF)
	assert tracker.ambientBlocks == frozenset()
	reports(tracker, [OFF])
	tracker.setBaseline(OFF)
	assert tracker.ambientBlocks == {36}
	assert firstReport(tracker, [ON] * 3) is None


# --- Another size ------------------------------------------------------------------------------------


def test_aTargetThatShrinksForgetsTheOldScreensLoops():
	tracker, _ = trackerWithLoopAt(0, 5)
	small = frame(size=(64, 32))
	tracker.setBaseline(small)
	assert tracker.ambientBlocks == frozenset()
	changed = frame(block(1, 1), size=(64, 32))
	assert firstReport(tracker, [small, *[changed] * 9]) == 8


def test_aCaptureOfAnotherSizeThanTheBaselineWaitsForASecondCheck():
	"""The description was of a resized target, the capture is back to the old size."""
	tracker = learned()
	bigger = frame(size=(W + 32, H))
	tracker.setBaseline(bigger, approximate=True)
	assert reports(tracker, [BASE, BASE]) == ["pending", "settled"]


# --- The tracker's face ------------------------------------------------------------------------------


def test_aTrackerHasABaselineOnceOneIsSet():
	tracker = ChangeTracker()
	assert not tracker.hasBaseline
	with pytest.raises(ValueError):
		tracker.observe(BASE)
	tracker.setBaseline(BASE)
	assert tracker.hasBaseline


def test_framesAndVerdictsCannotBeChangedByWhoeverHoldsThem():
	"""The baseline frame is kept while the watcher goes on using the same object."""
	with pytest.raises(FrozenInstanceError):
		BASE.blank = False
	with pytest.raises(FrozenInstanceError):
		Verdict(True, 0.5).report = False
