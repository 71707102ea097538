"""Windows locked, and secure desktops, as NVDA reports them.

Locking Windows (NVDA's `utils.security.post_sessionLockStateChanged`, from winAPI.sessionTracking)
stops a description being made, with its speech, and no window of the add-on opens over the lock
screen, even one asked for just before. Secure desktops are detected as NVDA's own code detects
them: `utils.security.isRunningOnSecureDesktop()` as well as `globalVars.appArgs.secure`.
"""

import sys
import threading
import types

import pytest
import wx
from pluginDriver import RED, pointNavigatorAt, pumpFor, pumpUntil, showPicture, waitUntilPainted
from servers.fakeOllama import NDJSON, ollamaReply
from servers.httpServer import Gate, Reply
from visionDescriberCore import errors

pytestmark = pytest.mark.display

#: Every command's script name (commandTable.COMMANDS), checked against the table below.
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
	"askAloud",
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


def lock():
	from winAPI import sessionTracking

	sessionTracking.testing.lock()


def test_theCommandListIsComplete(started):
	assert [command.name for command in started.plugin.commands] == COMMANDS


def test_lockingWindowsStopsTheDescriptionBeingMadeAndItsSpeech(started, picture):
	import speech
	import tones
	from visionDescriber.speechOutput import WAITING_TONE

	gate = threading.Event()
	lines = ollamaReply(
		["The screen shows a letter. ", "It is short. ", "It says the password is swordfish."]
	).body
	started.server.queueChat(Reply(200, [*lines[:2], Gate(gate), *lines[2:]], NDJSON))
	cancels = []
	speech.extensions.pre_speechCanceled.register(lambda: cancels.append("cancel"))
	started.plugin.script_describeNavigator(None)
	assert pumpUntil(lambda: "The screen shows a letter." in speech.testing.spoken())
	cancels.clear()
	lock()
	assert pumpUntil(lambda: not started.plugin.describer.busy, timeout=2)  # cancelled at once
	assert cancels == ["cancel"]  # what was still to be said is cut off
	beeps = len(tones.testing.beeps)
	gate.set()  # the rest of the answer arrives, too late
	pumpFor(1.7)
	assert "It says the password is swordfish." not in " ".join(speech.testing.spoken())
	assert WAITING_TONE not in [beep[:2] for beep in tones.testing.beeps[beeps:]]
	assert errors.Cancelled().sentence not in started.spoken  # nothing said over the lock screen


def test_unlockingSaysNothingAndDescribingWorksAgain(started, picture):
	from winAPI import sessionTracking

	lock()
	sessionTracking.testing.unlock()
	pumpFor(0.1)
	assert started.spoken == []
	started.server.queueChat(ollamaReply(["A chart."]))
	started.plugin.script_describeNavigator(None)
	started.waitForAnswer()
	assert started.spoken == ["A chart."]


def test_aQuestionDialogAskedForJustBeforeTheLockNeverOpens(started, picture):
	started.plugin.script_askAboutNavigator(None)  # the picture is taken on the worker first
	lock()
	pumpFor(0.5)
	assert started.plugin.questionDialog is None
	assert not [window for window in wx.GetTopLevelWindows() if type(window).__name__ == "QuestionDialog"]
	assert started.server.requests == []


def test_aFollowUpDialogAskedForJustBeforeTheLockNeverOpens(started, followUps):
	started.plugin.script_followUp(None)  # the dialog opens after the script returns
	lock()
	pumpFor(0.3)
	assert followUps == []


def test_settingsAskedForJustBeforeTheLockNeverOpen(started):
	from gui.settingsDialogs import NVDASettingsDialog

	started.plugin.script_openSettings(None)
	lock()
	pumpFor(0.3)
	assert not [window for window in wx.GetTopLevelWindows() if isinstance(window, NVDASettingsDialog)]


def test_whileLockedNoKeyReachesTheAddonAndNoCommandRuns(started, picture, monkeypatch):
	import inputCore
	from nvdaHarness import makeGesture
	from visionDescriberCore.imaging import capture

	grabs = []
	monkeypatch.setattr(capture, "grab", lambda rect: grabs.append(rect))
	lock()
	with pytest.raises(inputCore.NoInputGestureAction):
		inputCore.manager.executeGesture(makeGesture("kb:NVDA+alt+v"))  # NVDA finds no add-on script
	for command in COMMANDS:  # any other way in is refused too
		getattr(started.plugin, f"script_{command}")(None)
		assert started.spoken[-1] == errors.WindowsLocked().sentence, command
	pumpFor(0.2)
	assert grabs == [] and started.server.requests == []
	assert not [window for window in wx.GetTopLevelWindows() if isinstance(window, wx.Dialog) and window]


def test_aSecureDesktopIsRecognisedAsNvdaRecognisesIt(started, picture, monkeypatch):
	"""A copy of NVDA on the sign-in desktop started with the serviceDebug setting has secure off."""
	import globalVars
	import visionDescriber
	from gui.settingsDialogs import NVDASettingsDialog
	from utils import security
	from visionDescriberCore.imaging import capture

	grabs = []
	monkeypatch.setattr(capture, "grab", lambda rect: grabs.append(rect))
	security.testing.secureDesktop = True
	assert not globalVars.appArgs.secure
	for command in COMMANDS:
		getattr(started.plugin, f"script_{command}")(None)
		assert started.spoken[-1] == errors.SecureScreen().sentence, command
	pumpFor(0.2)
	assert grabs == [] and started.server.requests == []
	# A plugin started there offers no settings panel either.
	started.plugin.terminate()
	plugin = visionDescriber.GlobalPlugin()
	assert visionDescriber.settingsPanel.VisionDescriberPanel not in NVDASettingsDialog.categoryClasses
	plugin.terminate()


@pytest.fixture
def picture(started):
	frame = showPicture(400, 300)
	pointNavigatorAt(waitUntilPainted(frame, RED), name="letter", appName="winword")
	yield frame
	frame.Destroy()


def test_anOpenFollowUpDialogClosesAndItsConversationIsKept(started, picture):
	from visionDescriber import followUpDialog
	from winAPI import sessionTracking

	started.server.queueChat(ollamaReply(["A letter."]))
	started.plugin.script_describeNavigator(None)
	started.waitForAnswer()
	session = started.plugin.describer.lastSession
	started.plugin.script_followUp(None)
	assert pumpUntil(lambda: followUpDialog.followUpDialog() is not None)
	lock()
	assert followUpDialog.followUpDialog() is None
	sessionTracking.testing.unlock()
	started.plugin.script_followUp(None)
	assert pumpUntil(lambda: followUpDialog.followUpDialog() is not None)
	assert followUpDialog.followUpDialog().session is session
