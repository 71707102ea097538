"""The follow-up dialog's "Speak a question" button through the plugin: the same listening as the A
command (the fake microphone, the fake speech-to-text server, the fake Ollama on 127.0.0.1), the
words sent as a typed question would be, or put in the question field to be corrected first
(`voiceFillQuestion`); Escape, Stop and closing the dialog throw a recording away."""

import re

import pytest
import wx
from pluginDriver import configure, pressInNvda, pumpUntil
from servers.fakeOllama import ollamaReply
from servers.fakeTranscription import QUESTION
from visionDescriberCore import errors

pytestmark = pytest.mark.display

ANSWER = "March has the highest bar."


def click(button: wx.Button) -> None:
	event = wx.CommandEvent(wx.wxEVT_BUTTON, button.GetId())
	event.SetEventObject(button)
	button.GetEventHandler().ProcessEvent(event)


def sendEscape(target: wx.Window) -> None:
	"""Escape as wx first reports it to the dialog (EVT_CHAR_HOOK)."""
	event = wx.KeyEvent(wx.wxEVT_CHAR_HOOK)
	event.SetKeyCode(wx.WXK_ESCAPE)
	event.SetEventObject(target)
	event.ResumePropagation(wx.EVENT_PROPAGATE_MAX)
	target.GetEventHandler().ProcessEvent(event)


@pytest.fixture
def dialog(started, picture, voice):
	"""The follow-up dialog open on a description of the picture."""
	from visionDescriber import followUpDialog

	started.server.queueChat(ollamaReply(["A bar chart of sales."]))
	started.plugin.script_describeNavigator(None)
	started.waitForAnswer()
	started.plugin.script_followUp(None)
	assert pumpUntil(lambda: followUpDialog.followUpDialog() is not None)
	opened = followUpDialog.followUpDialog()
	assert pumpUntil(opened.IsShownOnScreen)
	started.forgetSpeech()
	return opened


def test_aSpokenQuestionIsSentAsATypedOneWould(started, voice, dialog):
	started.server.queueChat(ollamaReply([ANSWER]))
	voice.use(realtime=True, speed=3)
	click(dialog.speakButton)
	voice.waitUntilListening()
	assert voice.quiet
	assert dialog.status.GetValue().startswith("Listening.")
	assert pumpUntil(lambda: ANSWER in started.spoken, 15)
	voice.waitUntilIdle()
	assert not voice.quiet
	assert started.spoken[:2] == [f"You asked: {QUESTION}", "Answering..."]
	request = started.server.chatRequests()[-1]
	assert request.json["messages"][-1]["content"] == QUESTION
	history = dialog.history.GetValue()
	assert f"You: {QUESTION}" in history and ANSWER in history
	assert dialog.status.GetValue() == "Type a question and press Enter."


def test_withTheSettingTheWordsWaitInTheQuestionFieldToBeCorrected(started, voice, dialog):
	configure(voiceFillQuestion=True)
	voice.use()
	click(dialog.speakButton)
	assert pumpUntil(lambda: dialog.question.GetValue() == QUESTION, 15)
	voice.waitUntilIdle()
	assert len(started.server.chatRequests()) == 1  # only the description: nothing asked yet
	assert wx.Window.FindFocus() is dialog.question
	assert dialog.status.GetValue() == "Correct the question if needed, then press Enter."
	assert started.spoken == [QUESTION]


def test_pressingTheButtonAgainStopsListening(started, voice, dialog):
	started.server.queueChat(ollamaReply([ANSWER]))
	sample = voice.samples["question"]
	microphone = voice.use(realtime=True, speed=2)
	click(dialog.speakButton)
	voice.waitUntilListening()
	assert pumpUntil(lambda: microphone.position / 32000 > sample.speechEnd - 0.3, 10)
	click(dialog.speakButton)
	assert pumpUntil(lambda: not microphone.isOpen, 2)
	assert pumpUntil(lambda: ANSWER in started.spoken, 15)
	voice.waitUntilIdle()


@pytest.mark.parametrize("how", ["escapeInTheDialog", "stopButton", "escapeTakenByThePlugin"])
def test_escapeOrStopThrowsTheRecordingAwayAndTheDialogStays(started, voice, dialog, how):
	microphone = voice.use("roomTone", realtime=True)
	click(dialog.speakButton)
	voice.waitUntilListening()
	if how == "escapeInTheDialog":
		sendEscape(dialog.question)
	elif how == "stopButton":
		click(dialog.stopButton)
	else:  # in NVDA a global plugin's script comes before the dialog sees the key
		assert pressInNvda(started.plugin, "kb:escape")
	assert started.spoken == [errors.Cancelled().sentence]
	assert pumpUntil(lambda: not microphone.isOpen, 2)
	voice.waitUntilIdle()
	assert not voice.quiet and voice.stt.requests == []
	assert dialog and dialog.IsShown()  # Escape did not close it
	assert dialog.status.GetValue() == "Type a question and press Enter."


def test_closingTheDialogWhileListeningThrowsTheRecordingAway(started, voice, dialog):
	from visionDescriber import followUpDialog

	microphone = voice.use("roomTone", realtime=True)
	click(dialog.speakButton)
	voice.waitUntilListening()
	dialog.Close()
	assert pumpUntil(lambda: not microphone.isOpen, 2)
	voice.waitUntilIdle()
	assert followUpDialog.followUpDialog() is None
	assert not voice.quiet and voice.stt.requests == [] and started.spoken == []


def test_aSpokenQuestionWhileAnAnswerIsOnItsWayIsRefused(started, voice, dialog):
	import threading

	from servers.httpServer import Gate, Reply

	gate = threading.Event()
	lines = ollamaReply([ANSWER]).body
	started.server.queueChat(Reply(200, [Gate(gate, timeout=10), *lines], "application/x-ndjson"))
	dialog.controller.send("Which month is lowest?")
	voice.use()
	click(dialog.speakButton)
	assert started.spoken[-1] == "Still answering..."
	assert voice.microphone.opens == 0
	gate.set()
	voice.waitUntilIdle()


def test_everyButtonAndLabelHasItsOwnAccessKey(dialog):
	from visionDescriber.followUp.window import LATEST_ANSWER_KEY

	labels = [
		child.GetLabel() for child in dialog.GetChildren() if isinstance(child, (wx.Button, wx.StaticText))
	]
	keys = [match.group(1).lower() for label in labels if (match := re.search(r"&(\w)", label))]
	assert "S&peak a question" in labels
	assert len(keys) == len(set(keys)), labels
	assert LATEST_ANSWER_KEY.lower() not in keys


def test_aFailureIsSaidAndShownInTheStatus(started, voice, dialog):
	unavailable = errors.MicrophoneUnavailable(errors.MicrophoneUnavailable.BUSY)
	voice.use(openError=unavailable)
	click(dialog.speakButton)
	assert pumpUntil(lambda: unavailable.sentence in started.spoken, 10)
	voice.waitUntilIdle()
	assert dialog.status.GetValue() == unavailable.sentence
	assert not voice.quiet and voice.stt.requests == []
	started.server.queueChat(ollamaReply([ANSWER]))
	voice.use()
	click(dialog.speakButton)  # and it listens again
	assert pumpUntil(lambda: ANSWER in started.spoken, 15)
