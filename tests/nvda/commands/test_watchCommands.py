"""Watching (G) and "what changed?" (Shift+G) through the plugin, as a blind player meets them: G's
sentences, reports spoken and brailled, the marker never heard, each reason watching stops, Shift+G
with two pictures and with identical ones, speech modes, a paid service's notice and cap, NVDA
exiting. The game is a real wx window under Xvfb and the plugin talks to the fake Ollama (or the
fake OpenAI) on 127.0.0.1; keys go NVDA's whole way (`pressInNvda`), and each check is driven by hand
(see watchDriver.py). What takes precedence over a watch is in test_watchPrecedence.py.
"""

import threading

import pytest
import wx
from pluginDriver import pumpFor, pumpUntil
from servers.fakeOllama import ollamaReply
from servers.httpServer import Reply
from watchDriver import (
	ENEMY,
	FIRST,
	FIRST_TEXT,
	MENU,
	STARTED,
	STOPPED,
	Game,
	gatedWatchReport,
	spokenText,
	turnOnScreenCurtain,
)
from watchHarness import FakeClock, lastPrompt, sentPicture, text

pytestmark = pytest.mark.display


# --- G: start, report, stop --------------------------------------------------------------------------


def test_gStartsWatchingReportsAChangeAndGStopsIt(game):
	import api
	import braille
	import tones
	from visionDescriber.speechOutput import SENT_TONE
	from visionDescriberCore.watch.markerGate import MARKER

	windows = set(wx.GetTopLevelWindows())
	focus = api.getFocusObject()
	game.startWatching()
	assert game.started.spoken[:3] == [STARTED, *[phrase.strip() for phrase in FIRST]]
	(first,) = game.chats()
	assert sentPicture(first).size == (640, 400)  # the foreground window, and only it
	assert SENT_TONE in [beep[:2] for beep in tones.testing.beeps]  # the first look: a model may load
	game.learn()
	assert len(game.chats()) == 1  # a screen that sits still sends nothing

	beeps = len(tones.testing.beeps)
	game.server.queueChat(ollamaReply(["A menu opened ", "with Continue and Quit."]))
	game.scene.show(*MENU)
	game.check(2)  # it appears, then it has settled
	assert len(game.chats()) == 2
	assert FIRST_TEXT in lastPrompt(game.chats()[1])  # what was said before goes with it
	assert game.started.spoken[-1] == "A menu opened with Continue and Quit."
	assert braille.testing.shown() == "A menu opened with Continue and Quit."
	assert SENT_TONE not in [beep[:2] for beep in tones.testing.beeps[beeps:]]  # later requests are quiet

	# "Nothing important changed" is a marker word: never spoken, never shown.
	spokenBefore = list(game.started.spoken)
	game.server.queueChat(ollamaReply(["NO", "CHANGE", "."]))
	game.scene.show(*MENU, text(400, 180, "Options", (0, 0, 0)))
	game.check(2)
	assert len(game.chats()) == 3
	assert game.started.spoken == spokenBefore
	assert MARKER not in spokenText(game.started).upper().replace(" ", "")
	assert "CHANGE" not in braille.testing.shown()

	game.press("kb:g")
	assert game.started.spoken[-1] == STOPPED
	assert game.plugin.watching is None
	game.scene.show(ENEMY)
	pumpFor(0.2)
	assert len(game.chats()) == 3
	# Watching never opened a window nor moved the focus.
	assert set(wx.GetTopLevelWindows()) == windows | {game.scene.frame}
	assert api.getFocusObject() is focus


def test_aNewChangeCutsOffAnOlderReportStillBeingSpoken(game):
	import speech

	game.startWatching()
	game.learn()
	speech.testing.synthSaysAll()  # the first look has been heard
	game.server.queueChat(ollamaReply(["A menu opened ", "with Continue and Quit."]))
	game.scene.show(*MENU)
	game.check(2)
	game.server.queueChat(ollamaReply(["An enemy appeared on the left."]))
	game.scene.show(*MENU, ENEMY)
	game.check(2)  # the menu's report was never heard to its end: it is cut off
	assert speech.testing.cutOff == ["A menu opened with Continue and Quit."]
	assert game.started.spoken[-1] == "An enemy appeared on the left."
	assert [item for item in speech.testing.pending[-1] if isinstance(item, str)] == [
		"An enemy appeared on the left."
	]  # the add-on's own cancel did not silence the new report


def test_withInterruptingOffAnOlderReportIsSpokenToItsEnd(game):
	import speech
	from pluginDriver import configure

	configure(watchInterruptOlderReport=False)
	game.startWatching()
	game.learn()
	game.server.queueChat(ollamaReply(["A menu opened."]), ollamaReply(["An enemy appeared."]))
	game.scene.show(*MENU)
	game.check(2)
	game.scene.show(*MENU, ENEMY)
	game.check(2)
	assert speech.testing.cutOff == []
	assert game.started.spoken[-2:] == ["A menu opened.", "An enemy appeared."]


# --- Why watching stops: one sentence each ---------------------------------------------------------------


def test_theWatchedWindowClosingStopsWatching(game):
	import api

	game.startWatching()
	game.scene.close()  # the game exits: Windows brings another window to the front
	api.setForegroundObject(api.getDesktopObject())
	game.check()
	assert game.started.spoken[-1] == "The watched window closed, so watching stopped."
	assert game.plugin.watching is None
	assert len(game.chats()) == 1


@pytest.mark.parametrize("stopWhenNotInFront", [True, False])
def test_anotherWindowInFrontStopsWatchingOnlyWhenTheSettingSaysSo(game, stopWhenNotInFront):
	import api
	import controlTypes
	from nvdaHarness import makeObject
	from pluginDriver import configure

	configure(watchStopWhenTargetLeavesForeground=stopWhenNotInFront)
	game.startWatching()
	other = makeObject("Chat", controlTypes.Role.WINDOW, None, appName="discord", windowHandle=0x30030)
	api.setForegroundObject(other)
	game.check()
	if stopWhenNotInFront:
		assert game.started.spoken[-1] == "The watched window is no longer in front, so watching stopped."
		assert game.plugin.watching is None
	else:
		assert game.plugin.watching is not None and game.watcher.active
		assert "watching stopped" not in spokenText(game.started)


def test_lockingWindowsStopsWatchingAndItsRequestAtOnce(game):
	from winAPI import sessionTracking

	game.startWatching()
	game.learn()
	gate = gatedWatchReport(game)
	sessionTracking.testing.lock()
	assert game.plugin.watching is None
	assert pumpUntil(lambda: not game.plugin.describer.busy, 2)  # the request was cancelled at once
	gate.set()
	pumpFor(0.3)
	assert game.started.spoken[-1] == "Windows is locked, so watching stopped."
	assert "It offers Continue and Quit." not in spokenText(game.started)
	sessionTracking.testing.unlock()
	pumpFor(0.1)
	assert game.started.spoken[-1] == "Windows is locked, so watching stopped."


@pytest.mark.parametrize("era", ["2025.3", "2026.1"])
def test_screenCurtainStopsWatching(game, era):
	game.startWatching()
	turnOnScreenCurtain(era)
	game.check()
	assert game.started.spoken[-1] == "Screen Curtain is on, so watching stopped."
	assert game.plugin.watching is None
	assert len(game.chats()) == 1


def test_aBlackPictureStopsWatchingAndSaysToUseBorderlessMode(started):
	import api
	import controlTypes
	from locationHelper import RectLTWH
	from nvdaHarness import makeObject
	from pluginDriver import waitUntilPainted

	frame = wx.Frame(None, style=wx.BORDER_NONE)
	frame.SetBackgroundColour(wx.Colour(0, 0, 0))
	frame.ShowFullScreen(True)  # a game in exclusive full screen looks black to screen capture
	try:
		left, top, width, height = waitUntilPainted(frame, (0, 0, 0))
		game = makeObject(
			"Dungeon", controlTypes.Role.WINDOW, RectLTWH(left, top, width, height), windowHandle=0x70070
		)
		api.setForegroundObject(game)
		started.plugin.watchClock = FakeClock()
		started.plugin.script_startOrStopWatching(None)
		assert pumpUntil(lambda: started.plugin.watching is None)
		assert started.spoken == [
			"Watching for changes.",
			"The picture is black, so watching stopped. A game in exclusive full screen looks black to "
			"screen capture: switch the game to borderless or windowed mode.",
		]
		assert started.server.requests == []
	finally:
		frame.Destroy()


def test_aFailureStopsWatchingWithItsSentence(game):
	from servers.fakeOllama import ollamaError

	game.server.queueChat(ollamaError("model 'gemma3:4b' not found", 404))
	game.press("kb:g")
	game.settle()
	assert game.started.spoken == [
		STARTED,
		"The model gemma3:4b is not installed. Run: ollama pull gemma3:4b Watching stopped.",
	]
	assert game.plugin.watching is None


def test_watchingStopsAtTheTimeLimit(game):
	from pluginDriver import configure

	configure(watchTimeLimitMinutes=2)
	game.startWatching()
	game.check()
	game.clock.advance(120)
	game.watcher.tick()
	game.settle()
	assert game.started.spoken[-1] == "Stopped watching after 2 minutes, the time limit in settings."
	assert game.plugin.watching is None


def test_gRefusesUnderScreenCurtainAndNothingIsWatched(game):
	from visionDescriberCore import errors

	turnOnScreenCurtain("2026.1")
	game.press("kb:g")
	assert game.started.spoken[-1] == errors.ScreenCurtainOn().sentence
	assert game.plugin.watching is None
	pumpFor(0.1)
	assert game.chats() == []


# --- Shift+G: what changed? ------------------------------------------------------------------------------


def test_shiftGSendsBothPicturesAndIdenticalPicturesNeedNoRequest(game):
	game.server.queueChat(ollamaReply(["A dark green field."]))
	game.press("kb:w")
	game.settle()
	game.press("kb:shift+g")
	game.settle()
	assert game.started.spoken[-1] == "Nothing has changed since the last description."
	assert len(game.chats()) == 1  # said at once, without asking the model

	game.scene.show(*MENU)
	game.server.queueChat(ollamaReply(["A menu opened over the field."]))
	game.press("kb:shift+g")
	game.settle()
	compared = game.chats()[1]
	images = compared.json["messages"][-1]["images"]
	assert len(images) == 2  # gemma3 looks at both pictures in one request
	before, after = sentPicture(compared, 0), sentPicture(compared, 1)
	# The menu's middle, wherever the pictures' size (each a share of one picture, issue 14) puts it.
	box = game.scene.rect
	inMenu = (round(500 * after.width / box.width), round(200 * after.height / box.height))
	menuColour = (240, 235, 220)
	assert before.getpixel(inMenu) != menuColour
	assert all(abs(a - b) <= 12 for a, b in zip(after.getpixel(inMenu)[:3], menuColour, strict=True))
	assert game.started.spoken[-1] == "A menu opened over the field."
	game.press("kb:r")
	assert game.started.spoken[-1] == "A menu opened over the field."
	game.press("kb:shift+g")  # compared with the new picture now
	game.settle()
	assert game.started.spoken[-1] == "Nothing has changed since the last description."
	assert len(game.chats()) == 2


def test_shiftGBeforeAnyDescriptionSaysWhatToDo(game):
	game.press("kb:shift+g")
	assert game.started.spoken == [
		"Describe something on the screen first; then this says what changed since."
	]
	pumpFor(0.1)
	assert game.chats() == []


def test_gRightAfterADescriptionStartsFromItAndShiftGWhileWatchingTakesPrecedence(game):
	described = "A dark green field at the edge of a forest."
	game.server.queueChat(ollamaReply([described]))
	game.press("kb:w")
	game.settle()
	game.press("kb:g")
	game.settle()
	assert game.started.spoken[-1] == STARTED
	assert len(game.chats()) == 1  # no first look: the description just heard is where it starts
	game.learn()
	game.scene.show(*MENU)
	game.check()  # the menu appears; before the watch reports it, the user asks
	game.server.queueChat(ollamaReply(["A menu opened."]))
	game.press("kb:shift+g")
	game.settle()
	assert game.started.spoken[-1] == "A menu opened."
	assert len(game.chats()[-1].json["messages"][-1]["images"]) == 2
	assert game.plugin.watching is not None and not game.watcher.paused
	game.check(3)
	assert len(game.chats()) == 2  # the watch goes on from the compared picture: nothing to repeat


# --- Speech modes, braille, a paid service, NVDA exiting ------------------------------------------------


def test_onDemandGAndShiftGSayTheirImmediateAnswersAndReportsAreATone(game):
	import braille
	import speech
	import tones
	from visionDescriber.speechOutput import READY_TONE

	speech.setSpeechMode(speech.SpeechMode.onDemand)
	game.press("kb:shift+g")
	assert game.started.spoken == [
		"Describe something on the screen first; then this says what changed since."
	]
	game.startWatching()
	assert game.started.spoken[-1] == STARTED
	assert tones.testing.beeps[-1][:2] == READY_TONE  # the first look arrived, unheard
	assert braille.testing.shown() == FIRST_TEXT
	game.press("kb:r")
	assert game.started.spoken[-1] == FIRST_TEXT
	game.learn()
	game.server.queueChat(ollamaReply(["A menu opened."]))
	game.scene.show(*MENU)
	game.check(2)
	assert game.started.spoken[-1] == FIRST_TEXT and tones.testing.beeps[-1][:2] == READY_TONE
	game.press("kb:r")
	assert game.started.spoken[-1] == "A menu opened."
	game.press("kb:g")
	assert game.started.spoken[-1] == STOPPED

	game.server.queueChat(ollamaReply(["A menu over a field."]))
	game.press("kb:w")
	game.settle()
	beeps = len(tones.testing.beeps)
	game.press("kb:shift+g")
	game.settle()
	assert game.started.spoken[-1] == STOPPED
	assert READY_TONE in [beep[:2] for beep in tones.testing.beeps[beeps:]]
	game.press("kb:r")
	assert game.started.spoken[-1] == "Nothing has changed since the last description."


KEY = "sk-test-0123456789abcdef"


@pytest.fixture
def paidGame(request, nvdaGui, monkeypatch, tmp_path):
	from keyrings.alt.file import PlaintextKeyring
	from pluginDriver import configure, startPlugin
	from servers.fakeOpenAI import FakeOpenAI
	from visionDescriberCore.apiKeys import KeyStore, endpointIdFor

	request.getfixturevalue("noThreadLeak")
	with FakeOpenAI(apiKey=KEY) as server:
		running = startPlugin(monkeypatch, server, provider="openai", model="gpt-4o-mini")
		configure(baseUrl=f"{server.url}/v1", watchMaxRequestsPerMinute=1)
		backend = PlaintextKeyring()
		backend.file_path = str(tmp_path / "keyring.cfg")
		running.plugin.keyStore = KeyStore(backend=backend)
		running.plugin.keyStore.set(endpointIdFor("openai", f"{server.url}/v1"), KEY)
		game = Game(running)
		yield game
		game.close()
		running.plugin.terminate()


def test_withAPaidServiceWatchingSaysSoAndKeepsToTheCap(paidGame):
	from servers.fakeOpenAI import SSE, sseLines

	game = paidGame
	game.server.queueChat(Reply(200, sseLines(FIRST), SSE))
	game.press("kb:g")
	game.settle()
	assert game.started.spoken[0] == (
		"Watching for changes. Each change is a request to OpenAI, which may charge for it; "
		"at most 1 requests a minute."
	)
	assert game.chats()[0].header("authorization") == f"Bearer {KEY}"
	game.learn()
	game.scene.show(*MENU)
	game.check(3)
	assert len(game.chats()) == 1  # the first look used this minute's one request
	game.server.queueChat(Reply(200, sseLines(["A menu opened."]), SSE))
	game.clock.advance(60)
	game.check()
	assert len(game.chats()) == 2
	assert game.started.spoken[-1] == "A menu opened."


def test_terminatingEndsTheWatchAndItsTickerSilently(nvdaGui, ollama, monkeypatch):
	import speech
	from pluginDriver import configure, startPlugin

	running = startPlugin(monkeypatch, ollama)
	game = Game(running)
	running.plugin.watchClock = None  # the real ticker this time
	configure(watchIntervalMs=250)
	try:
		game.startWatching()
		tickers = [thread for thread in threading.enumerate() if thread.name == "visionDescriber.watchTicker"]
		assert len(tickers) == 1 and tickers[0].is_alive()
		watcher = game.watcher
		pumpFor(0.6)  # the ticker checks by itself; the screen sits still
		assert watcher.active and len(game.chats()) == 1
		spoken = list(speech.testing.spoken())
		running.plugin.terminate()
		assert not watcher.active and running.plugin.watching is None
		tickers[0].join(2)
		assert not tickers[0].is_alive()
		pumpFor(0.3)
		assert speech.testing.spoken() == spoken  # NVDA is leaving: nothing is said
	finally:
		game.close()
