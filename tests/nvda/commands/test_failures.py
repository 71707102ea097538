"""When describing cannot or must not happen: busy, cancel, secure screens, Screen Curtain in both of
NVDA's eras, black and flat captures, every error the user can meet spoken as its sentence, the plugin
ending during a stream, and the API key kept out of speech, braille and the log."""

import threading
import time

import pytest
from pluginDriver import (
	RED,
	configure,
	pointNavigatorAt,
	pumpUntil,
	showPicture,
	startPlugin,
	waitUntilPainted,
)
from servers.fakeOllama import NDJSON, ollamaError, ollamaReply
from servers.httpServer import Delay, Reply, Stall, freePort
from visionDescriberCore import errors

pytestmark = pytest.mark.display


def lastSpoken() -> str:
	import speech
	import ui

	assert speech.testing.spoken()[-1] == ui.testing.messages[-1]
	return ui.testing.messages[-1]


# --- One at a time, and cancel --------------------------------------------------------------------


def test_aSecondDescribeWhileBusyIsAnsweredAndCancelStopsTheStreamAtOnce(started, picture):
	import tones
	from visionDescriber.speechOutput import WAITING_TONE

	# As Ollama while it loads a model: not even headers yet.
	started.server.queueChat(Reply(200, ollamaReply(["Too late."]).body, NDJSON, beforeHeaders=[Stall(30)]))
	plugin = started.plugin
	plugin.script_describeNavigator(None)
	assert pumpUntil(lambda: len(started.server.chatRequests()) == 1)

	plugin.script_describeFocus(None)
	assert lastSpoken() == "Still describing; press NVDA+alt+v then x to stop."
	plugin.script_describeNavigator(None)  # the same command again, not quickly enough to be a double press
	assert lastSpoken() == "Still describing; press NVDA+alt+v then x to stop."

	from pluginDriver import press

	press(plugin, "kb:NVDA+alt+v")
	cancelledAt = time.perf_counter()
	assert press(plugin, "kb:x")
	assert lastSpoken() == "Cancelled"
	request = started.server.chatRequests()[0]
	assert pumpUntil(lambda: request.clientClosedAt is not None, timeout=2)
	assert request.clientClosedAt - cancelledAt < 0.5  # the socket is shut, not left to time out
	assert pumpUntil(lambda: not plugin.describer.busy, timeout=2)
	beeps = len(tones.testing.beeps)
	pumpUntil(lambda: False, 1.7)
	assert len(tones.testing.beeps) == beeps  # no waiting tone after the cancel
	assert WAITING_TONE not in [beep[:2] for beep in tones.testing.beeps[beeps:]]
	assert started.spoken[-1] == "Cancelled"
	assert plugin.describer.lastSession is None
	assert len(started.server.chatRequests()) == 1


def test_cancelWithNothingRunning(started):
	started.plugin.script_cancel(None)
	assert lastSpoken() == "Nothing to cancel"


def test_theBusySentenceNamesTheGesturesInUse(started):
	assert started.plugin.busySentence() == "Still describing; press NVDA+alt+v then x to stop."


# --- Places and states where nothing may be captured ---------------------------------------------------

COMMANDS = [
	"commandLayer",
	"describeNavigator",
	"describeFocus",
	"describeForeground",
	"describeMonitor",
	"describeScreen",
	"describeClipboard",
	"askAboutNavigator",
	"askAboutScreen",
	"repeatLastResult",
	"showLastResult",
	"copyLastResult",
	"followUp",
	"startOrStopWatching",
	"sayWhatChanged",
	"cancel",
	"openSettings",
	"layerHelp",
	"announceReady",
]


def test_onASecureScreenEveryCommandSaysSoAndNothingIsCaptured(started, picture, clipboard, monkeypatch):
	import globalVars
	from pluginDriver import press
	from visionDescriberCore.imaging import capture

	grabs = []
	monkeypatch.setattr(capture, "grab", lambda rect: grabs.append(rect))
	globalVars.appArgs.secure = True
	sentence = errors.SecureScreen().sentence
	for command in COMMANDS:
		getattr(started.plugin, f"script_{command}")(None)
		assert lastSpoken() == sentence, command
	assert not press(started.plugin, "kb:v")  # the layer did not open
	pumpUntil(lambda: False, 0.2)
	assert grabs == [] and clipboard.selectionAskedFor == []
	assert started.server.requests == []
	assert not started.plugin.describer.busy


def turnOnScreenCurtain(era: str) -> None:
	import config

	if era == "2026.1":
		config.testing.emulate("2026.1")
		import screenCurtain

		screenCurtain.initialize()
		screenCurtain.screenCurtain.enable()
	else:
		import queueHandler
		import vision

		vision.initialize()
		queueHandler.testing.pump()
		vision.handler.initializeProvider(vision.handler.getProviderInfo("screenCurtain"))


@pytest.mark.parametrize("era", ["2025.3", "2026.1"])
def test_underScreenCurtainScreenCommandsRefuseBeforeCapturing(started, picture, clipboard, era, monkeypatch):
	from visionDescriberCore.imaging import capture

	grabs = []
	monkeypatch.setattr(capture, "grab", lambda rect: grabs.append(rect))
	turnOnScreenCurtain(era)
	sentence = errors.ScreenCurtainOn().sentence
	for command in ("Navigator", "Focus", "Foreground", "Monitor", "Screen"):
		getattr(started.plugin, f"script_describe{command}")(None)
		assert lastSpoken() == sentence
	started.plugin.script_askAboutScreen(None)
	assert lastSpoken() == sentence
	pumpUntil(lambda: False, 0.2)
	assert grabs == [] and started.server.requests == []

	# A picture on the clipboard is not the screen: it can still be described.
	from PIL import Image

	clipboard.image = Image.new("RGB", (64, 48), "black")
	started.server.queueChat(ollamaReply(["A black picture."]))
	started.plugin.script_describeClipboard(None)
	started.waitForAnswer()
	assert started.spoken[-1] == "A black picture."


def test_withScreenCurtainOffTheVisionHandlerIsAskedAndNothingIsRefused(started, picture):
	import queueHandler
	import vision

	vision.initialize()
	queueHandler.testing.pump()
	info = vision.handler.getProviderInfo("screenCurtain")
	vision.handler.initializeProvider(info)
	vision.handler.terminateProvider(info)
	started.server.queueChat(ollamaReply(["A chart."]))
	started.plugin.script_describeNavigator(None)
	started.waitForAnswer()
	assert started.spoken == ["A chart."]


def test_aBlackCaptureIsNeverSent(started):
	frame = showPicture(600, 500, colours=((0, 0, 0),), size=(300, 200))
	rect = waitUntilPainted(frame, (0, 0, 0))
	pointNavigatorAt(rect)
	started.plugin.script_describeNavigator(None)
	started.waitForAnswer()
	frame.Destroy()
	assert started.spoken == [errors.BlankCapture(black=True).sentence]
	assert started.server.requests == []


def test_aFlatCaptureIsNeverSent(started):
	frame = showPicture(600, 500, colours=(RED,), size=(300, 200))
	pointNavigatorAt(waitUntilPainted(frame, RED))
	started.plugin.script_describeNavigator(None)
	started.waitForAnswer()
	frame.Destroy()
	assert started.spoken == [errors.BlankCapture(black=False).sentence]
	assert started.server.requests == []


# --- Every error reaches speech as its sentence ------------------------------------------------------


@pytest.mark.parametrize(
	("location", "reason"),
	[
		(None, errors.CaptureRefused.NO_LOCATION),
		((500, 400, 0, 30), errors.CaptureRefused.EMPTY),
		((5000, 3000, 100, 100), errors.CaptureRefused.OFF_SCREEN),
		((-400, -300, 100, 100), errors.CaptureRefused.OFF_SCREEN),
	],
)
def test_aTargetWithNothingToCaptureIsRefused(started, location, reason):
	pointNavigatorAt(location)
	started.plugin.script_describeNavigator(None)
	started.waitForAnswer()
	assert started.spoken == [errors.CaptureRefused(reason).sentence]
	assert started.server.requests == []


def serverFailures(port: int):
	return [
		(
			{"model": "llava:missing"},
			None,
			errors.ModelNotFound("llava:missing", provider="ollama").sentence,
		),
		({"model": "llama3.2:3b"}, None, errors.ModelCannotSee("llama3.2:3b").sentence),
		(
			{},
			ollamaError("llama runner process has terminated: exit status 2", 500),
			errors.ServerError(500).sentence,
		),
		({}, Reply.json({"error": "slow down"}, 429, {"Retry-After": "30"}), errors.RateLimited(30).sentence),
		(
			{},
			Reply.text("<html><body>Welcome to nginx!</body></html>", contentType="text/html"),
			errors.UnexpectedResponse().sentence,
		),
		({}, Reply(200, [b"", Delay(0.01)], NDJSON), errors.StreamCutShort().sentence),
		(
			{"baseUrl": f"http://127.0.0.1:{port}"},
			None,
			errors.ServerUnreachable(f"http://127.0.0.1:{port}", provider="ollama").sentence,
		),
	]


@pytest.mark.parametrize("index", range(7))
def test_eachServerFailureIsSpokenAsItsSentence(started, picture, index):
	import braille

	settings, reply, sentence = serverFailures(freePort())[index]
	configure(**settings)
	if reply is not None:
		started.server.queueChat(reply)
	started.plugin.script_describeNavigator(None)
	started.waitForAnswer()
	assert started.spoken == [sentence]
	assert braille.testing.messages[-1] == sentence
	assert started.plugin.describer.lastSession is None


def test_anAnswerCutShortKeepsWhatWasSpoken(started, picture):
	started.server.queueChat(ollamaReply(["The window shows a list of files. ", "The first"], done=False))
	started.plugin.script_describeNavigator(None)
	started.waitForAnswer()
	assert started.spoken == [
		"The window shows a list of files.",
		"The first",
		errors.StreamCutShort("The first").sentence,
	]
	assert started.plugin.describer.lastSession.lastAnswer == "The window shows a list of files. The first"


def test_nothingOnTheClipboard(started, clipboard):
	started.plugin.script_describeClipboard(None)
	started.waitForAnswer()
	assert started.spoken == [errors.NoImageFound().sentence]
	assert started.server.requests == []


def test_aSelectedFileThatIsNotAPicture(started, clipboard, tmp_path):
	import api
	import controlTypes
	from nvdaHarness import makeObject

	notes = tmp_path / "notes.txt"
	notes.write_text("not a picture")
	clipboard.selected = [str(notes)]
	api.setForegroundObject(makeObject("Documents", controlTypes.Role.WINDOW, None, appName="explorer"))
	started.plugin.script_describeClipboard(None)
	started.waitForAnswer()
	assert len(started.spoken) == 1 and "notes.txt" in started.spoken[0]
	assert started.server.requests == []


# --- Ending the plugin --------------------------------------------------------------------------------


def test_terminatingDuringAStreamEndsTheWorkerWithinASecond(started, picture):
	pieces = [f"Sentence number {n}. " for n in range(200)]
	started.server.queueChat(ollamaReply(pieces, between=Delay(0.05)))
	started.plugin.script_describeNavigator(None)
	assert pumpUntil(lambda: len(started.spoken) >= 2)
	worker = next(thread for thread in threading.enumerate() if thread.name == "visionDescriber.worker")
	began = time.monotonic()
	started.plugin.terminate()
	assert time.monotonic() - began < 1.0
	assert not worker.is_alive()
	spoken = len(started.spoken)
	pumpUntil(lambda: False, 0.3)
	assert len(started.spoken) == spoken  # nothing is spoken after the end
	request = started.server.chatRequests()[0]
	assert pumpUntil(lambda: request.finishedAt is not None, timeout=2)


def test_terminatingRemovesTheLogBridge(started):
	import logging

	import logHandler

	core = logging.getLogger("visionDescriber")
	core.warning("before the end")
	started.plugin.terminate()
	core.warning("after the end")
	messages = logHandler.testing.messages()
	assert "Vision Describer: before the end" in messages
	assert not any("after the end" in message for message in messages)
	record = next(
		r for r in logHandler.testing.records if r.getMessage() == "Vision Describer: before the end"
	)
	assert record.codepath.startswith("visionDescriberCore.")
	assert not [h for h in core.handlers if type(h).__name__ == "NvdaLogBridge"] and core.propagate


# --- Keys ---------------------------------------------------------------------------------------------

KEY = "sk-test-0123456789abcdef"


@pytest.fixture
def keyedServer(request, nvdaGui, monkeypatch, tmp_path):
	from keyrings.alt.file import PlaintextKeyring
	from servers.fakeOpenAI import FakeOpenAI
	from visionDescriberCore.apiKeys import KeyStore, endpointIdFor

	request.getfixturevalue("noThreadLeak")
	with FakeOpenAI(apiKey=KEY, flavour="llamacpp") as server:
		running = startPlugin(monkeypatch, server, provider="openaiCompatible", model="gpt-4o-mini")
		configure(baseUrl=f"{server.url}/v1")
		backend = PlaintextKeyring()
		backend.file_path = str(tmp_path / "keyring.cfg")
		running.plugin.keyStore = KeyStore(backend=backend)
		running.plugin.keyStore.set(endpointIdFor("openaiCompatible", f"{server.url}/v1"), KEY)
		yield running
		running.plugin.terminate()


def test_theKeyIsSentButNeverSpokenBrailledOrLogged(keyedServer):
	import logging

	import braille
	import logHandler
	import speech
	from servers.fakeOpenAI import sseLines

	frame = showPicture(400, 300)
	pointNavigatorAt(waitUntilPainted(frame, RED))
	keyedServer.server.queueChat(Reply(200, sseLines(["A chart."], flavour="llamacpp"), "text/event-stream"))
	keyedServer.plugin.script_describeNavigator(None)
	keyedServer.waitForAnswer()
	assert keyedServer.spoken == ["A chart."]
	assert keyedServer.server.chatRequests()[0].header("authorization") == f"Bearer {KEY}"

	# The server now refuses the key; the error and everything logged stay free of it.
	keyedServer.server.apiKey = "sk-another-key-000000000"
	frame.Move(420, 300)
	keyedServer.plugin.script_describeNavigator(None)
	keyedServer.waitForAnswer()
	frame.Destroy()
	assert keyedServer.spoken[-1] == errors.AuthenticationFailed().sentence
	# Even a careless log line would lose the key on its way to NVDA's log.
	logging.getLogger("visionDescriber").warning(f"request failed with key {KEY}")
	keyedServer.plugin.terminate()
	everything = [logHandler.testing.text(), *speech.testing.spoken(), *braille.testing.messages]
	assert not any(KEY in text for text in everything)
	assert "request failed with key [redacted]" in logHandler.testing.text()
	assert "AuthenticationFailed" in logHandler.testing.text()


def test_theKeyIsReadOnTheWorkerNeverOnNvdasMainThread(keyedServer, monkeypatch):
	import threading

	from servers.fakeOpenAI import sseLines

	backend = keyedServer.plugin.keyStore.backend
	readOn = []
	read = backend.get_password

	def recordingRead(service, username):
		readOn.append(threading.current_thread())
		return read(service, username)

	monkeypatch.setattr(backend, "get_password", recordingRead)
	frame = showPicture(400, 300)
	pointNavigatorAt(waitUntilPainted(frame, RED))
	keyedServer.server.queueChat(Reply(200, sseLines(["A chart."], flavour="llamacpp"), "text/event-stream"))
	keyedServer.plugin.script_describeNavigator(None)
	keyedServer.waitForAnswer()
	frame.Destroy()
	assert keyedServer.spoken == ["A chart."]
	assert readOn and threading.main_thread() not in readOn
