"""The watcher end to end: a real wx window under Xvfb that changes at known checks, real mss
captures, the describer's real worker and client, the fake Ollama over real sockets, a fake clock.

Each check is driven by hand (see watchHarness), so "one request" means exactly one."""

import pytest
import screens
import wx
from clientHelpers import waitUntil
from servers.fakeOllama import NDJSON, ollamaError, ollamaReply
from servers.httpServer import Reply, Stall
from test_describing import Grabber, Recorder
from visionDescriberCore.describing import ImageSource
from visionDescriberCore.watch.markerGate import MARKER
from visionDescriberCore.watch.options import StopReason
from visionDescriberCore.watch.watchPrompts import FIRST_LOOK
from watchHarness import BACKGROUND, Harness, SceneWindow, lastPrompt, rect, sentPicture, text

pytestmark = pytest.mark.display

FIRST = ["A dark green field. ", "Nothing needs attention."]
MENU = rect(380, 40, 240, 300, (240, 235, 220))


@pytest.fixture(scope="module")
def app(xDisplay):
	from wxApp import getWxApp

	yield getWxApp()
	screens.pump(0.05)


@pytest.fixture
def window(app):
	scene = SceneWindow()
	yield scene
	scene.close()


@pytest.fixture
def harnessFor(mainThread, ollama, window):
	made = []

	def make(**options):
		harness = Harness(mainThread, ollama, window, **options)
		made.append(harness)
		return harness

	yield make
	for harness in made:
		harness.close()


@pytest.fixture
def mainThread():
	from mainThread import MainThread

	thread = MainThread()
	yield thread
	thread.stop()
	assert thread.errors == []


def started(harnessFor, ollama, **options) -> Harness:
	"""A watch that has given its first description and learned the screen (it sits still)."""
	ollama.queueChat(ollamaReply(FIRST))
	harness = harnessFor(**options)
	harness.start()
	harness.check(harness.options.checks(harness.options.historySeconds))
	return harness


def test_aStaticScreenSendsNothingAfterTheFirstDescription(harnessFor, ollama):
	harness = started(harnessFor, ollama)
	harness.check(6)
	(first,) = harness.chats()
	assert FIRST_LOOK in lastPrompt(first)
	assert sentPicture(first).size == (640, 400)
	listener = harness.listener
	assert listener.kinds()[:2] == ["started", "sent"]
	assert listener.of("started") == [("Watching for changes.",)]
	assert listener.of("report") == [("A dark green field. Nothing needs attention.",)]
	assert [phrase for phrase, _interrupt in listener.of("phrase")] == [phrase.strip() for phrase in FIRST]
	assert not listener.wrongThread
	assert harness.watcher.requestsSent == 1


def test_aBlinkingCaretAndASmallAnimationSendNothing(harnessFor, ollama, window):
	ollama.queueChat(ollamaReply(FIRST))
	harness = harnessFor()
	harness.start()
	for check in range(16):
		shade = 60 + (check * 53) % 190
		caret = [rect(40, 350, 2, 22, (255, 255, 255))] if check % 3 == 0 else []
		window.show(rect(300, 10, 32, 32, (shade, shade, 0)), *caret)
		harness.check()
	assert len(harness.chats()) == 1


def test_aNewElementSendsOneRequestOnceItSettledCarryingThePreviousDescription(harnessFor, ollama, window):
	harness = started(harnessFor, ollama)
	ollama.queueChat(ollamaReply(["A menu opened ", "with Continue and Quit."]))
	window.show(MENU, text(400, 60, "Continue", (0, 0, 0)), text(400, 120, "Quit", (0, 0, 0)))
	harness.check()
	assert len(harness.chats()) == 1  # it has just appeared: wait for it to settle
	harness.check()
	assert len(harness.chats()) == 2
	prompt = lastPrompt(harness.chats()[1])
	assert "A dark green field. Nothing needs attention." in prompt
	assert MARKER in prompt and "urgent" in prompt
	assert sentPicture(harness.chats()[1]).getpixel((500, 300)) == (240, 235, 220)
	assert harness.listener.of("report")[-1] == ("A menu opened with Continue and Quit.",)
	harness.check(5)
	assert len(harness.chats()) == 2
	# What was said is kept for the follow-up dialog: the latest picture and the words.
	conversation = harness.onMain(harness.watcher.conversation)
	assert conversation.lastImage is harness.watcher.latestPicture
	assert "Then: A menu opened with Continue and Quit." in conversation.turns[-1].text


def test_aBurstOfChangesSendsOneRequestForTheLatestFrame(harnessFor, ollama, window):
	harness = started(harnessFor, ollama)
	colours = [(250, 250, 250), (250, 0, 0), (0, 0, 250)]
	for index, colour in enumerate(colours):
		window.show(rect(50 + 150 * index, 150, 120, 120, colour))
		harness.check()
	assert len(harness.chats()) == 1
	harness.check(3)
	assert len(harness.chats()) == 2
	picture = sentPicture(harness.chats()[1])
	assert picture.getpixel((410, 210)) == (0, 0, 250)  # the last of the burst
	assert picture.getpixel((110, 210)) == BACKGROUND  # earlier steps are gone


def test_theMarkerAnswerIsNotSpoken(harnessFor, ollama, window):
	harness = started(harnessFor, ollama)
	phrasesBefore = len(harness.listener.of("phrase"))
	ollama.queueChat(ollamaReply(["NO", "CHANGE", "."]))
	window.show(rect(100, 100, 200, 100, (200, 200, 0)))
	harness.check(2)
	assert len(harness.chats()) == 2
	assert len(harness.listener.of("phrase")) == phrasesBefore
	assert harness.listener.of("report")[-1] == ("",)
	# That frame is now the baseline; the next real change is spoken as usual.
	harness.check(2)
	assert len(harness.chats()) == 2
	ollama.queueChat(ollamaReply(["An enemy appeared."]))
	window.show(rect(100, 100, 200, 100, (200, 200, 0)), rect(450, 250, 120, 120, (250, 0, 250)))
	harness.check(2)
	assert harness.listener.of("phrase")[-1] == ("An enemy appeared.", True)  # it may cut off older speech


@pytest.mark.parametrize("interrupt", [True, False])
def test_aNewReportMayInterruptAnOlderOneOrNot(harnessFor, ollama, window, interrupt):
	harness = started(harnessFor, ollama, interruptOlderReport=interrupt)
	ollama.queueChat(ollamaReply(["A menu opened. ", "It has two items."]))
	window.show(MENU)
	harness.check(2)
	flags = [flag for _text, flag in harness.listener.of("phrase")]
	# The first look never cuts off "Watching for changes."; a change's first phrase may cut off an
	# older change, if the user wants that.
	assert flags == [False, False, interrupt, False]


def test_stoppingCancelsTheRequestInFlightAndSaysSo(harnessFor, ollama, window):
	harness = started(harnessFor, ollama)
	ollama.queueChat(Reply(200, ollamaReply(["Too late."]).body, NDJSON, beforeHeaders=[Stall(30)]))
	window.show(MENU)
	harness.check()
	harness.tickAndLeaveRunning()
	harness.waitForChats(2)
	assert harness.describer.busy
	harness.onMain(harness.watcher.stop)
	harness.settle()
	stalled = harness.chats()[-1]
	waitUntil(lambda: stalled.clientClosedAt is not None, 2)  # closed at once, not left to time out
	assert harness.listener.events[-1] == ("stopped", StopReason.USER, "Stopped watching.")
	assert "Too late." not in [phrase for phrase, _ in harness.listener.of("phrase")]
	harness.check(3)
	assert len(harness.chats()) == 2
	assert not harness.watcher.active


def test_theWatchedWindowClosingStopsTheWatch(mainThread, ollama, app):
	window = SceneWindow()
	ollama.queueChat(ollamaReply(FIRST))
	harness = Harness(
		mainThread, ollama, window, checkTarget=lambda: None if window.alive else StopReason.TARGET_CLOSED
	)
	try:
		harness.start()
		harness.check(2)
		window.close()
		harness.check()
		assert harness.listener.events[-1] == (
			"stopped",
			StopReason.TARGET_CLOSED,
			"The watched window closed, so watching stopped.",
		)
		assert len(harness.chats()) == 1
	finally:
		window.close()
		harness.close()


def test_theWindowClosingWhileAChangeIsDescribedStopsAtOnce(mainThread, ollama, app):
	window = SceneWindow()
	harness = Harness(
		mainThread, ollama, window, checkTarget=lambda: None if window.alive else StopReason.TARGET_CLOSED
	)
	try:
		ollama.queueChat(ollamaReply(FIRST))
		harness.start()
		harness.check(8)
		ollama.queueChat(Reply(200, ollamaReply(["Too late."]).body, NDJSON, beforeHeaders=[Stall(30)]))
		window.show(MENU)
		harness.check()
		harness.tickAndLeaveRunning()
		stalled = harness.waitForChats(2)[-1]
		window.close()
		harness.tickAndLeaveRunning()  # the next tick comes while the request still streams
		harness.settle()
		assert harness.listener.events[-1][:2] == ("stopped", StopReason.TARGET_CLOSED)
		waitUntil(lambda: stalled.clientClosedAt is not None, 2)
	finally:
		window.close()
		harness.close()


@pytest.fixture
def blackFullScreen(app):
	"""A black full-screen window in front of everything, as a game in exclusive full screen looks
	to screen capture."""
	frame = wx.Frame(None, pos=(0, 0), size=(3840, 2160), style=wx.BORDER_NONE | wx.STAY_ON_TOP)
	frame.SetBackgroundColour(wx.Colour(0, 0, 0))

	def show():
		frame.ShowFullScreen(True)
		frame.SetSize(0, 0, 3840, 2160)
		frame.Raise()
		screens.pump(0.2)

	yield show
	frame.Destroy()
	screens.pump(0.1)


def test_blackFramesStopTheWatchWithAHintAboutBorderlessMode(harnessFor, ollama, window, blackFullScreen):
	harness = started(harnessFor, ollama)
	blackFullScreen()
	assert window.grab().getextrema() == ((0, 0), (0, 0), (0, 0))
	harness.check(2)  # a fade to black between scenes is shorter than this
	assert harness.watcher.active
	harness.check()
	reason, sentence = harness.listener.of("stopped")[-1]
	assert reason == StopReason.BLACK_FRAMES
	assert "borderless" in sentence
	assert len(harness.chats()) == 1


def test_aBlackScreenAtTheStartStopsAtOnce(harnessFor, ollama, window, blackFullScreen):
	blackFullScreen()
	harness = harnessFor()
	harness.start()
	assert harness.listener.of("stopped")[-1][0] == StopReason.BLACK_FRAMES
	assert harness.chats() == []


def test_theRequestCapHoldsAChangeUntilTheMinuteHasPassed(harnessFor, ollama, window):
	harness = started(harnessFor, ollama, maxRequestsPerMinute=2, chargedBy="OpenAI")
	(sentence,) = harness.listener.of("started")[0]
	assert "OpenAI" in sentence and "at most 2 requests a minute" in sentence
	window.show(MENU)
	harness.check(2)
	assert len(harness.chats()) == 2
	window.show(MENU, rect(40, 40, 200, 200, (250, 0, 0)))
	harness.check(10)
	assert len(harness.chats()) == 2  # two in the last minute already
	window.show(MENU, rect(40, 40, 200, 200, (0, 0, 250)))
	harness.clock.advance(60)
	harness.check(2)
	assert len(harness.chats()) == 3
	assert sentPicture(harness.chats()[2]).getpixel((100, 100)) == (0, 0, 250)  # the latest frame


def test_aDescribePressedWhileWatchingTakesPrecedence(harnessFor, ollama, window):
	harness = started(harnessFor, ollama)
	ollama.queueChat(Reply(200, ollamaReply(["Watch answer."]).body, NDJSON, beforeHeaders=[Stall(30)]))
	window.show(MENU)
	harness.check()
	harness.tickAndLeaveRunning()
	watchRequest = harness.waitForChats(2)[-1]
	assert harness.describer.busy

	described = Recorder(harness.mainThread)
	ollama.queueChat(ollamaReply(["A menu with two items."]))
	source = ImageSource(Grabber(window.grab()), "window")
	harness.onMain(lambda: harness.watcher.giveWay(lambda: harness.describer.describe(source, described)))
	described.wait()
	assert described.phrases() == ["A menu with two items."]
	waitUntil(lambda: watchRequest.clientClosedAt is not None, 2)  # cancelled while the server still waited
	assert harness.watcher.paused
	assert "Watch answer." not in [phrase for phrase, _ in harness.listener.of("phrase")]
	session = harness.describer.lastSession
	assert session.lastAnswer == "A menu with two items."
	harness.onMain(lambda: harness.watcher.resume(session.conversation.lastImage, session.lastAnswer))
	harness.check(4)
	assert len(harness.chats()) == 3  # the watch goes on from the described picture: nothing new
	ollama.queueChat(ollamaReply(["The menu closed."]))
	window.show()
	harness.check(2)
	assert len(harness.chats()) == 4
	assert "A menu with two items." in lastPrompt(harness.chats()[3])
	assert harness.listener.of("report")[-1] == ("The menu closed.",)


def test_aChangeDuringTheDescribeThatTookPrecedenceIsStillReported(harnessFor, ollama, window):
	harness = started(harnessFor, ollama)
	described = Recorder(harness.mainThread)
	ollama.queueChat(ollamaReply(["A green field."]))
	source = ImageSource(Grabber(window.grab()), "window")
	harness.onMain(lambda: harness.watcher.giveWay(lambda: harness.describer.describe(source, described)))
	described.wait()
	window.show(MENU)  # the screen changed after the picture was taken
	session = harness.describer.lastSession
	harness.onMain(lambda: harness.watcher.resume(session.conversation.lastImage, session.lastAnswer))
	harness.check(2)
	assert len(harness.chats()) == 3
	assert "A green field." in lastPrompt(harness.chats()[2])


def test_theTimeLimitStopsTheWatch(harnessFor, ollama):
	harness = started(harnessFor, ollama, timeLimitSeconds=120)
	harness.clock.advance(120)
	harness.check()
	assert harness.listener.events[-1] == (
		"stopped",
		StopReason.TIME_LIMIT,
		"Stopped watching after 2 minutes, the time limit in settings.",
	)


def test_aServerErrorStopsTheWatchWithItsSentence(harnessFor, ollama, window):
	harness = started(harnessFor, ollama)
	ollama.queueChat(ollamaError("model 'gemma3:4b' not found", 404))
	window.show(MENU)
	harness.check(2)
	reason, sentence = harness.listener.of("stopped")[-1]
	assert reason == StopReason.ERROR
	assert sentence == "The model gemma3:4b is not installed. Run: ollama pull gemma3:4b Watching stopped."
	harness.check(2)
	assert len(harness.chats()) == 2
