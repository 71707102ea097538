"""The plugin as a blind user meets it in real NVDA (issue 10): keys cancel speech before their
script runs, speech modes, braille messages that replace each other and time out, windows that cut
off speech as they take the focus, a locked Windows. Keys go NVDA's whole way here
(`pressInNvda`: executeGesture, its speech cancel, executeScript), answers come from the fake Ollama
on 127.0.0.1, and the synthesizer says what it was given only when a test lets it
(`speech.testing.synthSaysAll()`)."""

import sys
import threading
import time
import types

import pytest
from pluginDriver import configure, pressInNvda, pumpFor, pumpUntil
from servers.fakeOllama import NDJSON, ollamaError, ollamaLines, ollamaReply
from servers.httpServer import Gate, Reply
from visionDescriberCore import errors

pytestmark = pytest.mark.display

PHRASES = [
	"A bar chart of monthly sales in four colours.",
	"March has the highest bar with twelve units.",
	"January is the lowest.",
]
#: The same answer as the model streams it.
PIECES = [phrase + " " for phrase in PHRASES[:-1]] + PHRASES[-1:]
ANSWER = "".join(PIECES)


@pytest.fixture
def followUps(nvdaFakes, monkeypatch):
	"""Stands in for the follow-up dialog: records when it was opened."""
	import visionDescriber

	opened = []
	stub = types.ModuleType("visionDescriber.followUpDialog")
	stub.showFollowUpDialog = lambda describer, session, speechOutput, voice=None: opened.append(session)
	stub.closeFollowUpDialog = lambda: None
	monkeypatch.setitem(sys.modules, "visionDescriber.followUpDialog", stub)
	monkeypatch.setattr(visionDescriber, "followUpDialog", stub, raising=False)
	return opened


def gatedAfter(phrases: int) -> tuple[Reply, threading.Event]:
	"""The answer streamed up to the first letter after its first `phrases` phrases (the splitter
	needs it to know the sentence ended), then nothing until the gate opens."""
	gate = threading.Event()
	cut = len("".join(PIECES[:phrases])) + 1
	first, rest = ollamaLines([ANSWER[:cut]], done=False), ollamaLines([ANSWER[cut:]])
	return Reply(200, [*first, Gate(gate, timeout=10), *rest], NDJSON), gate


def describeInNvda(started) -> None:
	assert pressInNvda(started.plugin, "kb:NVDA+alt+v")
	assert pressInNvda(started.plugin, "kb:v")


def pressControl(started) -> None:
	assert not pressInNvda(started.plugin, "kb:control", isModifier=True)


# --- 1. The user stops speech; windows wait until the answer has been heard -------------------------


def test_controlStopsTheRestOfAStreamingAnswerWhichStillArrives(started, picture):
	import speech

	reply, gate = gatedAfter(1)
	started.server.queueChat(reply)
	describeInNvda(started)
	assert pumpUntil(lambda: PHRASES[0] in started.spoken)
	pressControl(started)
	gate.set()
	started.waitForAnswer()
	assert started.spoken == [PHRASES[0]]
	assert speech.testing.cutOff == [PHRASES[0]]
	assert started.plugin.describer.lastSession.lastAnswer == ANSWER  # for R, B and the dialog

	pressInNvda(started.plugin, "kb:NVDA+alt+v")
	pressInNvda(started.plugin, "kb:r")
	assert started.spoken[-1] == ANSWER
	started.forgetSpeech()
	started.server.queueChat(ollamaReply(["A new picture."]))
	configure(preset="detailed")  # not from the cache
	from visionDescriber.commandLayer import doublePressSeconds

	time.sleep(doublePressSeconds())  # not a double press either
	describeInNvda(started)
	started.waitForAnswer()
	assert started.spoken == ["A new picture."]  # the next describe speaks normally


def test_theDialogAfterEachDescriptionWaitsUntilItIsHeard(started, picture, followUps):
	import speech

	configure(openDialogAfterDescribe=True)
	started.server.queueChat(ollamaReply(PIECES))
	describeInNvda(started)
	started.waitForAnswer()
	pumpFor(0.1)
	assert followUps == []  # opening now would cut off the description
	assert speech.testing.synthSaysAll() == 3
	assert pumpUntil(lambda: len(followUps) == 1)
	assert started.spoken == PHRASES


def test_anAnswerTheUserSilencedOpensTheDialogAsSoonAsItIsComplete(started, picture, followUps):
	configure(openDialogAfterDescribe=True)
	reply, gate = gatedAfter(1)
	started.server.queueChat(reply)
	describeInNvda(started)
	assert pumpUntil(lambda: PHRASES[0] in started.spoken)
	pressControl(started)
	gate.set()
	started.waitForAnswer()
	assert pumpUntil(lambda: len(followUps) == 1)  # no callback will ever come: at once


@pytest.mark.parametrize("mode", ["off", "beeps", "onDemand"])
def test_whenTheAnswerCannotBeHeardTheDialogOpensAtOnceAfterATone(started, picture, followUps, mode):
	import speech
	import tones

	speech.setSpeechMode(getattr(speech.SpeechMode, mode))
	configure(openDialogAfterDescribe=True)
	started.server.queueChat(ollamaReply(PIECES))
	describeInNvda(started)
	started.waitForAnswer()
	assert pumpUntil(lambda: len(followUps) == 1)
	assert started.spoken == []
	from visionDescriber.speechOutput import READY_TONE

	assert tones.testing.beeps[-1][:2] == READY_TONE  # the sign that it is complete


def test_theAddOnsOwnCancelDoesNotSilenceWhatItSays(started):
	import speech

	started.plugin.speech.say("An earlier answer.")
	started.plugin.speech.cancelAndSay("Listening.")
	assert speech.testing.cutOff == ["An earlier answer."]
	assert [item for item in speech.testing.pending[-1] if isinstance(item, str)] == ["Listening."]


# --- 2. Speech modes -------------------------------------------------------------------------------


def test_everyCommandWithAnImmediateAnswerSpeaksOnDemand(started):
	module = started.module
	marked = {
		command.name: getattr(module.GlobalPlugin, f"script_{command.name}").speakOnDemand
		for command in module.GlobalPlugin.commands
	}
	assert [name for name, onDemand in marked.items() if not onDemand] == ["commandLayer"]


def test_onDemandADescriptionEndsWithAToneAndRSpeaksIt(started, picture):
	import speech
	import tones

	speech.setSpeechMode(speech.SpeechMode.onDemand)
	started.server.queueChat(ollamaReply(PIECES))
	describeInNvda(started)
	started.waitForAnswer()
	assert started.spoken == []
	beeps = list(tones.testing.beeps)
	pressInNvda(started.plugin, "kb:NVDA+alt+v")
	pressInNvda(started.plugin, "kb:r")
	assert started.spoken == [ANSWER]
	pressInNvda(started.plugin, "kb:NVDA+alt+v")
	pressInNvda(started.plugin, "kb:h")
	assert started.spoken[-1].startswith("After NVDA+alt+v, press v or n: navigator object.")
	from visionDescriber.speechOutput import READY_TONE

	assert beeps[-1][:2] == READY_TONE  # when the description was complete


def test_onDemandAnErrorIsAToneAndBrailleAndRSaysIt(started, picture):
	import braille
	import speech
	import tones

	sentence = "The model gemma3:4b is not installed. Run: ollama pull gemma3:4b"
	speech.setSpeechMode(speech.SpeechMode.onDemand)
	started.server.queueChat(ollamaError("model 'gemma3:4b' not found", 404))
	describeInNvda(started)
	started.waitForAnswer()
	assert started.spoken == []
	assert braille.testing.shown() == sentence
	beeps = list(tones.testing.beeps)
	pressInNvda(started.plugin, "kb:NVDA+alt+v")
	pressInNvda(started.plugin, "kb:r")
	assert started.spoken == [sentence]
	from visionDescriber.speechOutput import ERROR_TONE

	assert beeps[-1][:2] == ERROR_TONE  # when the error came


# --- 3. Braille ------------------------------------------------------------------------------------


def test_brailleShowsTheAnswerSoFarKeepsItUpAndNeverThrowsAReaderBack(started, picture):
	import braille

	reply, gate = gatedAfter(2)
	started.server.queueChat(reply)
	describeInNvda(started)
	assert pumpUntil(lambda: braille.testing.shown() == " ".join(PHRASES[:2]))
	assert braille.testing.timerMs() is None  # kept up while the answer streams
	braille.handler.scrollForward()
	assert braille.handler.messageBuffer.windowStartPos == 40
	gate.set()
	started.waitForAnswer()
	assert braille.testing.shown() == " ".join(PHRASES)
	assert braille.handler.messageBuffer.windowStartPos == 40  # still where the reader was
	assert braille.testing.timerMs() == 4000  # complete: NVDA's message timeout
	assert braille.testing.timeoutPassed() and braille.testing.shown() is None


def test_enteringTheCommandLayerIsShownInBraille(started):
	import braille
	import tones
	from visionDescriber import commandLayer

	pressInNvda(started.plugin, "kb:NVDA+alt+v")
	assert tones.testing.beeps[-1][:2] == commandLayer.LAYER_TONE
	assert braille.testing.shown() == "Vision Describer: press a letter, h for help"
	assert started.spoken == []


# --- 4. What is spoken, shown and copied ------------------------------------------------------------


def test_anAnswerOfOnlyMarkdownSymbolsIsEmptyNeverBlank(started, picture):
	import ui

	started.server.queueChat(ollamaReply(["---\n\n", "***\n"]))
	describeInNvda(started)
	started.waitForAnswer()
	assert started.spoken == ["The model sent an empty answer."]
	pressInNvda(started.plugin, "kb:NVDA+alt+v")
	pressInNvda(started.plugin, "kb:r")
	assert started.spoken[-1] == "There is no description yet."
	assert "" not in ui.testing.messages


def test_controlCharactersAndBrokenBytesNeverReachSpeechBrailleOrTheClipboard(started, picture):
	import api
	import braille

	reply = ollamaReply(["The sign\x07 says ", "CAF@@ OPEN. ", "Lights\x1b are on."])
	reply.body = [
		piece.replace(b"@@", b"\xc3") if isinstance(piece, bytes) else piece for piece in reply.body
	]
	started.server.queueChat(reply)
	describeInNvda(started)
	started.waitForAnswer()
	assert started.spoken == ["The sign says CAF OPEN.", "Lights are on."]
	assert braille.testing.shown() == "The sign says CAF OPEN. Lights are on."
	pressInNvda(started.plugin, "kb:NVDA+alt+v")
	pressInNvda(started.plugin, "kb:c")
	assert api.testing.clipboard == "The sign says CAF OPEN. Lights are on."


def test_recentConversationsListsADescribeMadeWhileTheDialogIsOpenInPlainText(started, picture):
	from visionDescriber import followUpDialog

	started.server.queueChat(
		ollamaReply(["## Sales\n", "**March** is highest."]), ollamaReply(["A login form."])
	)
	started.plugin.script_describeNavigator(None)
	started.waitForAnswer()
	started.plugin.script_followUp(None)
	assert pumpUntil(lambda: followUpDialog.followUpDialog() is not None)
	dialog = followUpDialog.followUpDialog()
	assert len(dialog.recent.GetStrings()) == 1
	dialog.SetPosition((1500, 900))  # not over the picture
	pumpFor(0.3)
	configure(preset="detailed")
	started.plugin.script_describeNavigator(None)  # with the dialog in front
	started.waitForAnswer()
	labels = dialog.recent.GetStrings()
	assert len(labels) == 2
	assert labels[0].endswith(": A login form.") and labels[1].endswith(": Sales March is highest.")
	assert dialog.recent.GetSelection() == 1  # still on the conversation it shows


# --- 5. The dialog and a locked Windows --------------------------------------------------------------


@pytest.mark.parametrize("how", ["locked", "secureDesktop"])
def test_theDialogNeverOpensWhileWindowsIsLocked(started, picture, followUps, how):
	import speech
	from utils import security
	from winAPI import sessionTracking

	configure(openDialogAfterDescribe=True)
	started.server.queueChat(ollamaReply(PIECES))
	describeInNvda(started)
	started.waitForAnswer()
	if how == "locked":
		sessionTracking.testing.lock()
	else:
		security.testing.secureDesktop = True
	speech.testing.synthSaysAll()
	pumpFor(0.1)
	started.plugin.script_followUp(None)  # asking for it by hand is refused too (issue 11: the
	pumpFor(0.1)  # command itself refuses, as every command does there)
	assert followUps == []
	refusal = (errors.WindowsLocked() if how == "locked" else errors.SecureScreen()).sentence
	assert started.spoken[-2:] == ["Action unavailable while Windows is locked", refusal]
	if how == "locked":
		sessionTracking.testing.unlock()
		started.plugin.script_followUp(None)
		assert pumpUntil(lambda: len(followUps) == 1)


def test_theQuestionDialogNeverOpensWhileWindowsIsLocked(started, picture):
	from winAPI import sessionTracking

	started.plugin.script_askAboutNavigator(None)
	sessionTracking.testing.lock()  # locked while the picture is taken: the capture is cancelled
	pumpFor(0.5)
	assert started.plugin.questionDialog is None
	assert started.spoken == []  # nothing said over the lock screen (issue 11)
	assert not started.plugin.describer.busy
