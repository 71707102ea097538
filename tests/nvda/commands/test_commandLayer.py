"""The command layer as NVDA drives it: keys found through NVDA's gesture lookup (user's gesture map
first), braille and touch gestures passing on, the layer closing by itself, double presses within
NVDA's multi-press time, a failed describe pressed again, the help and busy sentences naming the
gestures the user has, every command leaving the layer, the letters kept for coming commands."""

import dataclasses
import sys
import time
import types

import pytest
from nvdaHarness import makeGesture
from pluginDriver import RED, pointNavigatorAt, press, pumpFor, pumpUntil, showPicture, waitUntilPainted
from servers.fakeOllama import ollamaError, ollamaReply

pytestmark = pytest.mark.display


def execute(identifier: str) -> bool:
	"""A gesture as NVDA executes it (inputCore.manager.executeGesture, then its event queue); False
	when NVDA found no script and passed it on."""
	import inputCore
	import queueHandler

	try:
		inputCore.manager.executeGesture(makeGesture(identifier))
	except inputCore.NoInputGestureAction:
		return False
	queueHandler.testing.pump()
	return True


def layerOpen(plugin) -> bool:
	"""The layer's letters are bound (as NVDA would find them)."""
	return "kb:v" in plugin._gestureMap


def remap(plugin, entries: dict) -> None:
	"""What the user changed in NVDA's Input Gestures dialog (gestures.ini): script -> gestures,
	"None" -> gestures removed from the plugin."""
	import inputCore

	cls = type(plugin)
	inputCore.manager.userGestureMap.update({f"{cls.__module__}.{cls.__name__}": entries})


@pytest.fixture
def followUps(nvdaFakes, monkeypatch):
	"""Stands in for the follow-up dialog: records when it would have opened."""
	import visionDescriber

	opened = []
	stub = types.ModuleType("visionDescriber.followUpDialog")
	stub.showFollowUpDialog = lambda describer, session, speechOutput, voice=None: opened.append(session)
	stub.closeFollowUpDialog = lambda: None
	monkeypatch.setitem(sys.modules, "visionDescriber.followUpDialog", stub)
	monkeypatch.setattr(visionDescriber, "followUpDialog", stub, raising=False)
	return opened


@pytest.fixture
def picture(started):
	frame = showPicture(400, 300)
	pointNavigatorAt(waitUntilPainted(frame, RED))
	yield frame
	frame.Destroy()


def multiPressTimeout(milliseconds: int) -> None:
	import config

	config.conf["keyboard"]["multiPressTimeout"] = milliseconds  # NVDA's Keyboard settings


# --- Gestures that are not keys -----------------------------------------------------------------------


@pytest.mark.parametrize(
	"identifier",
	["br(freedomScientific):leftWizWheelDown", "bk:dot1+dot2+space", "ts:2finger_flickDown"],
	ids=["brailleDisplayKey", "brailleKeyboard", "touch"],
)
def test_aBrailleOrTouchGestureLeavesTheLayerAndGoesOnToNvda(started, identifier):
	import tones
	from visionDescriber import commandLayer

	assert execute("kb:NVDA+alt+v")
	assert not execute(identifier)  # NVDA takes it from here (braille scrolling, touch navigation)
	assert not layerOpen(started.plugin)
	assert commandLayer.UNKNOWN_KEY_TONE not in [beep[:2] for beep in tones.testing.beeps]
	assert not execute("kb:v")  # the letters went with the layer
	assert started.spoken == []


# --- The layer closes by itself ----------------------------------------------------------------------


def test_theLayerClosesByItselfWithAToneAndABrailleFlash(started, monkeypatch):
	import braille
	import tones
	from visionDescriber import commandLayer

	assert execute("kb:NVDA+alt+v")
	default = getattr(commandLayer, "TIMEOUT_SECONDS", None)
	monkeypatch.setattr(commandLayer, "TIMEOUT_SECONDS", 0.3, raising=False)
	assert execute("kb:NVDA+alt+v")  # entered again, with a short time for the test
	pumpFor(0.1)
	assert layerOpen(started.plugin)  # not yet
	assert pumpUntil(lambda: not layerOpen(started.plugin), timeout=2)
	assert tones.testing.beeps[-1][:2] == commandLayer.TIMEOUT_TONE
	assert braille.testing.messages[-1] == "Vision Describer commands closed"
	assert braille.testing.shown() == "Vision Describer commands closed"
	assert started.spoken == []  # nothing spoken over whatever NVDA is reading
	assert not execute("kb:v")
	assert 3 <= default <= 10  # a few seconds


def test_aKeyBeforeTheTimeLeavesNoLateFlash(started, monkeypatch):
	import braille
	import tones
	from visionDescriber import commandLayer

	monkeypatch.setattr(commandLayer, "TIMEOUT_SECONDS", 0.3, raising=False)
	assert execute("kb:NVDA+alt+v")
	assert execute("kb:escape")
	assert execute("kb:NVDA+alt+v")  # a new entry gets a time of its own
	pumpFor(0.2)
	assert execute("kb:NVDA+alt+v")
	pumpFor(0.2)
	assert layerOpen(started.plugin)  # the first entry's timer did not close the later one
	assert execute("kb:escape")
	pumpFor(0.5)
	assert commandLayer.TIMEOUT_TONE not in [beep[:2] for beep in tones.testing.beeps]
	assert "Vision Describer commands closed" not in braille.testing.messages


# --- Double presses follow NVDA's multi-press time -------------------------------------------------------


@pytest.mark.parametrize(
	("milliseconds", "pause", "isDouble"),
	[(2000, 1.0, True), (100, 0.3, False)],
	ids=["longSetting", "shortSetting"],
)
def test_theDoublePressTimeIsNvdas(started, picture, followUps, milliseconds, pause, isDouble):
	multiPressTimeout(milliseconds)
	started.server.queueChat(ollamaReply(["A chart."]))
	assert execute("kb:NVDA+alt+v") and execute("kb:v")
	started.waitForAnswer()
	time.sleep(max(0.0, pause - (time.monotonic() - started.plugin.lastRun.startedAt)))
	assert execute("kb:v") is isDouble
	pumpFor(0.1)
	assert len(followUps) == (1 if isDouble else 0)
	assert len(started.server.chatRequests()) == 1


def test_aQuickSecondPressAfterAFailedDescribeDescribesAgain(started, picture):
	multiPressTimeout(5000)
	failure = ollamaError("llama runner process has terminated: exit status 2", 500)
	started.server.queueChat(failure, ollamaReply(["A chart."]))
	assert execute("kb:NVDA+alt+v") and execute("kb:v")
	started.waitForAnswer()
	[sentence] = started.spoken
	assert execute("kb:v")  # quickly again: a failure has nothing to follow up, so it is tried again
	started.waitForAnswer()
	assert started.spoken == [sentence, "A chart."]
	assert len(started.server.chatRequests()) == 2


def test_aQuickSecondDirectPressAfterAFailedDescribeDescribesAgain(started, picture):
	import scriptHandler

	multiPressTimeout(5000)
	remap(started.plugin, {"describeNavigator": "kb:NVDA+shift+n"})
	started.server.queueChat(ollamaError("model 'gemma3:4b' not found", 404), ollamaReply(["A chart."]))
	assert execute("kb:NVDA+shift+n")
	started.waitForAnswer()
	assert execute("kb:NVDA+shift+n")
	assert scriptHandler.getLastScriptRepeatCount() == 1  # NVDA counts it as a double press
	started.waitForAnswer()
	assert started.spoken[-1] == "A chart."
	assert len(started.server.chatRequests()) == 2


# --- The help and the busy sentence name the gestures the user has --------------------------------------


def test_afterRemappingTheHelpAndBusySentenceNameTheNewGestures(started, picture):
	remap(
		started.plugin,
		{
			"commandLayer": "kb:NVDA+shift+v",
			"describeFocus": "kb:NVDA+shift+f",
			"None": "kb:NVDA+alt+v",  # the default entry removed
		},
	)
	assert not execute("kb:NVDA+alt+v")
	assert execute("kb:NVDA+shift+v")
	assert execute("kb:h")
	[help] = started.spoken
	assert help.startswith("After NVDA+shift+v, press v or n: navigator object. f: focus, also NVDA+shift+f.")
	assert "x: cancel." in help and help.endswith("escape: leave.")
	assert started.plugin.busySentence() == "Still describing; press NVDA+shift+v then x to stop."
	remap(started.plugin, {"cancel": "kb:NVDA+alt+x"})
	assert started.plugin.busySentence() == "Still describing; press NVDA+alt+x to stop."


def test_withNoGestureLeftToStopItTheBusySentenceSaysWhatToDo(started):
	remap(started.plugin, {"None": "kb:NVDA+alt+v"})
	assert started.plugin.busySentence() == (
		"Still describing. To stop it, give Vision Describer's cancel command a gesture in Input Gestures."
	)


# --- Every command leaves the layer --------------------------------------------------------------------


@pytest.fixture
def recordingPlugin(started):
	"""The plugin class with every record of the real table, each handler replaced by a recorder."""
	import visionDescriber
	from visionDescriber import commandTable

	ran = []
	records = tuple(
		dataclasses.replace(command, handler=lambda plugin, name=command.name: ran.append(name))
		for command in visionDescriber.GlobalPlugin.commands
	)

	class Recording(visionDescriber.GlobalPlugin):
		commands = records

	commandTable.addScripts(Recording)
	plugin = Recording()
	yield plugin, ran
	plugin.terminate()


def test_everyCommandLeavesTheLayerAnnounceReadyIncluded(recordingPlugin, monkeypatch):
	import braille
	from visionDescriber import commandLayer

	monkeypatch.setattr(commandLayer, "TIMEOUT_SECONDS", 0.3, raising=False)
	plugin, ran = recordingPlugin
	names = [command.name for command in plugin.commands]
	assert "announceReady" in names
	for name in names:
		plugin.layer.enter()
		getattr(plugin, f"script_{name}")(None)  # as from a gesture of its own in Input Gestures
		assert not press(plugin, "kb:f"), name  # the layer's letters are gone
	assert ran == names
	pumpFor(0.5)
	assert "Vision Describer commands closed" not in braille.testing.messages  # none left to time out


# --- Letters kept for the coming commands ----------------------------------------------------------------


def test_theLettersForAskingAloudAndWatchingAreTheirCommandsOnly(started):
	import inputCore
	import tones
	from visionDescriber import commandLayer

	reserved = {
		inputCore.normalizeGestureIdentifier(key): name for key, name in commandLayer.RESERVED_KEYS.items()
	}
	assert reserved == {"kb:a": "askAloud", "kb:g": "startOrStopWatching", "kb:g+shift": "sayWhatChanged"}
	names = {command.name for command in started.plugin.commands}
	for key, name in commandLayer.layerGestures(started.plugin.commands).items():
		owner = reserved.get(inputCore.normalizeGestureIdentifier(key))
		assert owner in (None, name), f"{key} is kept for {owner}, not {name}"
	# A asks aloud (voiceCommands.py), G and Shift+G watch (watchCommands.py)
	assert {"askAloud", "startOrStopWatching", "sayWhatChanged"} <= names
	for key, name in commandLayer.RESERVED_KEYS.items():
		if name in names:
			continue
		assert execute("kb:NVDA+alt+v") and execute(key)  # until its command exists: an unknown key
		assert tones.testing.beeps[-1][:2] == commandLayer.UNKNOWN_KEY_TONE
	assert started.spoken == []
