"""Change detection on generated frames: what a watch must ignore (a caret, a clock, a looping
sprite) and what it must report (a health bar, a line of dialogue, a menu, a scene cut, an enemy that
appears and keeps moving), and when (once the picture has settled, or after the longest wait)."""

import io

import pytest
from PIL import Image, ImageDraw
from visionDescriberCore.imaging.preparation import ImagePolicy, prepareImage
from visionDescriberCore.watch.changeDetection import (
	ChangeTracker,
	differingShare,
	frameOf,
	frameOfPrepared,
	practicallyIdentical,
)
from watchScenes import DIALOGUE, HEALTH, MENU_CLOSE, MENU_OPEN, SCENE_CUT, Event, ScriptedScene

W, H = 1280, 720


def canvas(colour=(40, 90, 60)) -> Image.Image:
	image = Image.new("RGB", (W, H), colour)
	draw = ImageDraw.Draw(image)
	draw.rectangle((100, 400, 1200, 700), fill=(90, 140, 80))
	draw.rectangle((40, 30, 440, 54), fill=(200, 30, 30))  # a health bar
	return image


def drawn(base: Image.Image, *shapes) -> Image.Image:
	image = base.copy()
	draw = ImageDraw.Draw(image)
	for box, colour in shapes:
		draw.rectangle(box, fill=colour)
	return image


def run(tracker: ChangeTracker, frames) -> list:
	return [tracker.observe(frameOf(frame)) for frame in frames]


def fresh(base: Image.Image, **options) -> ChangeTracker:
	"""A tracker that has just described base and starts learning its screen."""
	tracker = ChangeTracker(**options)
	tracker.setBaseline(frameOf(base), learn=True)
	return tracker


def learned(base: Image.Image, **options) -> ChangeTracker:
	"""A tracker that has watched base long enough to have learned it."""
	tracker = fresh(base, **options)
	run(tracker, [base] * tracker.historyChecks)
	return tracker


def test_aStaticScreenNeverReports():
	base = canvas()
	verdicts = run(fresh(base), [base] * 20)
	assert not any(verdict.report or verdict.pending for verdict in verdicts)
	assert {verdict.changedShare for verdict in verdicts} == {0.0}


def test_aBlinkingCaretIsTooSmallEvenWhenItBlinksSlowerThanTheChecks():
	base = canvas()
	caret = drawn(base, ((300, 600, 301, 623), (0, 0, 0)))
	# On for 8 checks, off for 8: what a 530 ms caret looks like when sampled once a second.
	frames = ([caret] * 8 + [base] * 8) * 3
	assert not any(verdict.report for verdict in run(fresh(base), frames))


def test_aLoopingSpriteAndATickingClockAreLearnedAsAmbient():
	base = canvas()
	frames = []
	for check in range(40):
		shade = (check * 37) % 200 + 40
		sprite = ((620, 40, 651, 71), (shade, shade, 0))
		digit = ((1180, 30, 1196, 54), (255, 255, 255) if check % 2 else (0, 0, 0))
		frames.append(drawn(base, sprite, digit))
	tracker = fresh(base)
	verdicts = run(tracker, frames)
	assert not any(verdict.report for verdict in verdicts)
	assert tracker.ambientBlocks  # the sprite's and the clock's blocks


def test_aHealthBarLosingTenPercentIsReportedOnceItHasSettled():
	base = canvas()
	hit = drawn(base, ((400, 30, 440, 54), (20, 20, 20)))
	tracker = learned(base)
	first, second = run(tracker, [hit, hit])
	assert not first.report and first.pending  # it has just changed: wait for it to settle
	assert second.report and second.why == "settled"
	assert 0.0003 < second.changedShare < 0.002


def test_aNewElementIsReportedOnceAndThenBecomesTheBaseline():
	base = canvas()
	menu = drawn(base, ((900, 100, 1250, 500), (240, 235, 220)))
	tracker = learned(base)
	verdicts = run(tracker, [base, base, menu, menu])
	assert [verdict.report for verdict in verdicts] == [False, False, False, True]
	tracker.setBaseline(frameOf(menu))
	assert not any(verdict.report for verdict in run(tracker, [menu] * 5))


def test_aBurstOfChangesIsReportedOnceForTheLatestFrame():
	base = canvas()
	steps = [drawn(base, ((100 + 200 * i, 200, 250 + 200 * i, 300), (250, 250, 250))) for i in range(4)]
	tracker = learned(base)
	verdicts = run(tracker, [*steps, steps[-1]])
	assert [verdict.report for verdict in verdicts] == [False, False, False, False, True]


def test_somethingThatKeepsChangingIsReportedAfterTheLongestWait():
	"""An enemy appears and keeps moving: new motion counts, and it is not waited for forever."""
	base = canvas()
	tracker = learned(base, maxWaitChecks=4)
	frames = [drawn(base, ((300 + 30 * i, 300, 380 + 30 * i, 380), (250, 0, 250))) for i in range(6)]
	verdicts = run(tracker, frames)
	assert [verdict.report for verdict in verdicts][:4] == [False, False, False, True]
	assert verdicts[3].why == "keptChanging"


def test_aChangeUndoneBeforeItSettledIsForgotten():
	base = canvas()
	flash = drawn(base, ((0, 0, 1279, 300), (255, 255, 255)))
	verdicts = run(learned(base), [flash, base, base])
	assert verdicts[0].pending and not any(verdict.report for verdict in verdicts)


def test_aTargetThatChangedSizeIsReportedWhenTwoChecksAgree():
	base = canvas()
	bigger = canvas().resize((W + 200, H))
	verdicts = run(fresh(base), [bigger, bigger])
	assert [verdict.report for verdict in verdicts] == [False, True]
	assert verdicts[1].changedShare == 1.0


def test_aChangeWhileTheScreenIsLearnedIsReportedWhenLearningEnds():
	"""Right after the first description every motion is held (a loop may look still for a check);
	what moved only once was a real change, and it is reported then."""
	base = canvas()
	hit = drawn(base, ((400, 30, 440, 54), (20, 20, 20)))
	tracker = fresh(base, historyChecks=6)
	verdicts = run(tracker, [base, hit, *[hit] * 6])
	reports = [index + 1 for index, verdict in enumerate(verdicts) if verdict.report]
	assert reports[0] == 6  # the sixth check after the description ends the learning


def test_aSceneCutMakesTheWatchLearnTheNewScreen():
	base = canvas()
	cave = canvas((40, 40, 60))
	tracker = learned(base)
	# A torch that flickers in the new scene, sampled so it looks still for two checks at first.
	torch = [drawn(cave, ((600, 300, 640, 360), (255, 220 * (i % 3 > 0), 0))) for i in range(14)]
	assert run(tracker, torch[1:3])[-1].report
	tracker.setBaseline(frameOf(torch[2]))
	assert not any(verdict.report for verdict in run(tracker, torch[3:]))
	assert tracker.ambientBlocks


def test_anApproximateBaselineToleratesEncodingButNotAChange():
	base = canvas()
	draw = ImageDraw.Draw(base)
	for row in range(8):
		draw.text((120, 100 + 30 * row), "Sword 12  Shield 4  Potion 3  Gold 118" * 2, fill=(255, 255, 255))
	policy = ImagePolicy(maxLongSide=900, forceFormat="jpeg")
	encoded = frameOfPrepared(prepareImage(base, policy))
	rebuilt = frameOf(encoded.thumbnail.resize(frameOf(base).size).convert("RGB"))
	tracker = learned(base)
	tracker.setBaseline(rebuilt, approximate=True)
	assert not any(verdict.pending or verdict.report for verdict in run(tracker, [base, base]))
	menu = drawn(base, ((900, 100, 1250, 500), (240, 235, 220)))
	assert run(tracker, [menu, menu])[-1].report


def test_blackAndFlatFramesAreRecognisedOnTheThumbnail():
	assert frameOf(Image.new("RGB", (3840, 2160))).black
	flat = frameOf(Image.new("RGB", (800, 600), (200, 200, 200)))
	assert flat.blank and not flat.black
	assert not frameOf(canvas()).blank


def test_practicallyIdenticalIgnoresACaretButNotAHealthBar():
	base = canvas()
	assert practicallyIdentical(frameOf(base), frameOf(base))
	assert practicallyIdentical(frameOf(base), frameOf(drawn(base, ((300, 600, 301, 623), (0, 0, 0)))))
	assert not practicallyIdentical(frameOf(base), frameOf(drawn(base, ((400, 30, 440, 54), (20, 20, 20)))))
	assert differingShare(frameOf(base), frameOf(base.resize((640, 360)))) == 1.0


def test_encodedPicturesCompareTheirContent():
	base = canvas()
	policy = ImagePolicy()
	same = prepareImage(base, policy)
	assert practicallyIdentical(frameOfPrepared(same), frameOfPrepared(prepareImage(base.copy(), policy)))
	changed = prepareImage(drawn(base, ((900, 100, 1250, 500), (240, 235, 220))), policy)
	assert not practicallyIdentical(frameOfPrepared(same), frameOfPrepared(changed))
	buffer = io.BytesIO()
	base.save(buffer, "PNG")
	assert frameOfPrepared(same).size == frameOf(base).size


def test_observeNeedsABaseline():
	with pytest.raises(ValueError):
		ChangeTracker().observe(frameOf(canvas()))


@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160)])
def test_aScriptedSceneReportsEveryRealChangeAndNothingElse(size):
	"""Two minutes of a game screen checked once a second: one report per real change."""
	events = (
		Event(20.3, HEALTH),
		Event(33.0, DIALOGUE),
		Event(47.6, MENU_OPEN),
		Event(55.6, MENU_CLOSE),
		Event(70.1, SCENE_CUT),
		Event(85.8, HEALTH),
		Event(99.2, DIALOGUE),
	)
	scene = ScriptedScene(*size, events=events)
	tracker = ChangeTracker()
	tracker.setBaseline(frameOf(scene.frameAt(0.5)), learn=True)
	reports = []
	for check in range(1, 115):
		at = check + 0.5 + (0.04 if check % 3 else -0.03)
		frame = frameOf(scene.frameAt(at))
		if tracker.observe(frame).report:
			reports.append(at)
			tracker.setBaseline(frame)
	caught = [event for event in events if any(event.at < at <= event.at + 5 for at in reports)]
	assert caught == list(events)
	assert len(reports) == len(events)
