"""The command layer, double presses and the follow-up dialog, asking a question before sending,
and what can be done with the last result (repeat, show, copy), the clipboard command and settings."""

import sys
import time
import types

import pytest
import wx
from nvdaHarness import makeGesture
from pluginDriver import (
	RED,
	TEAL,
	configure,
	near,
	pointNavigatorAt,
	press,
	pumpFor,
	pumpUntil,
	sentImage,
	showPicture,
	waitUntilPainted,
)
from servers.fakeOllama import NDJSON, ollamaReply
from servers.httpServer import Gate, Reply

pytestmark = pytest.mark.display


@pytest.fixture
def followUps(nvdaFakes, monkeypatch):
	"""Stands in for the follow-up dialog (another part of the add-on): records who opened it."""
	import visionDescriber

	opened = []
	stub = types.ModuleType("visionDescriber.followUpDialog")
	stub.showFollowUpDialog = lambda describer, session, speechOutput, voice=None: opened.append(
		(describer, session, speechOutput)
	)
	stub.closeFollowUpDialog = lambda: None
	monkeypatch.setitem(sys.modules, "visionDescriber.followUpDialog", stub)
	monkeypatch.setattr(visionDescriber, "followUpDialog", stub, raising=False)
	return opened


# --- The layer ------------------------------------------------------------------------------------


def test_theLayerIsOneGestureAndEveryCommandIsAScriptOfItsOwn(started):
	import inputCore
	from visionDescriber import commandLayer

	module = started.module
	plugin = started.plugin
	# Only the entry gesture is bound by default; the letters only after it.
	bound = plugin._gestureMap
	assert set(bound) == {inputCore.normalizeGestureIdentifier("kb:NVDA+alt+v")}
	assert not press(plugin, "kb:v")
	for scriptName in set(commandLayer.layerGestures(module.GlobalPlugin.commands).values()):
		script = getattr(module.GlobalPlugin, f"script_{scriptName}")
		assert script.__doc__ and script.category == "Vision Describer", scriptName
	assert set(commandLayer.layerDescriptions(module.GlobalPlugin.commands)) == set(
		commandLayer.layerGestures(module.GlobalPlugin.commands).values()
	)


def test_aKeyTheLayerDoesNotKnowBeepsAndLeaves(started):
	import tones
	from visionDescriber import commandLayer

	plugin = started.plugin
	assert press(plugin, "kb:NVDA+alt+v")
	assert press(plugin, "kb:k")
	assert tones.testing.beeps[-1][:2] == commandLayer.UNKNOWN_KEY_TONE
	assert not press(plugin, "kb:v")  # the layer is closed again
	assert press(plugin, "kb:NVDA+alt+v")
	beeps = len(tones.testing.beeps)
	assert press(plugin, "kb:escape")
	assert len(tones.testing.beeps) == beeps  # Escape leaves without a sound
	assert not press(plugin, "kb:h")
	assert started.spoken == []


def test_aCommandWithItsOwnGestureClosesTheLayer(started, picture):
	"""A gesture the user gave a command in Input Gestures comes from NVDA's gesture map, not from the
	layer's getScript; the layer must still close."""
	plugin = started.plugin
	press(plugin, "kb:NVDA+alt+v")
	started.server.queueChat(ollamaReply(["A chart."]))
	plugin.script_describeNavigator(None)  # as NVDA runs a script found in its gesture map
	started.waitForAnswer()
	assert not press(plugin, "kb:v")
	assert started.spoken == ["A chart."]


def test_helpListsEveryKey(started):
	plugin = started.plugin
	press(plugin, "kb:NVDA+alt+v")
	press(plugin, "kb:h")
	[help] = started.spoken
	assert help.startswith("After NVDA+alt+v, press v or n: navigator object. f: focus. w: window.")
	for key in (
		"m: monitor",
		"s: whole screen",
		"i: clipboard image or selected file",
		"shift+q: ask about the screen",
	):
		assert key in help
	assert help.endswith("h: this help. escape: leave.")


def test_layerKeysWorkWithShift(started, picture):
	press(started.plugin, "kb:NVDA+alt+v")
	assert press(started.plugin, "kb:shift+q")
	assert pumpUntil(lambda: started.plugin.questionDialog is not None)
	started.plugin.questionDialog.dismiss()


# --- Pressing describe twice --------------------------------------------------------------------


def test_aDirectDoublePressOpensFollowUpsWhenTheAnswerHasBeenHeard(started, picture, followUps):
	import scriptHandler
	import speech

	gate = __import__("threading").Event()
	started.server.queueChat(Reply(200, [Gate(gate), *ollamaReply(["A chart."]).body], NDJSON))
	plugin = started.plugin
	gesture = makeGesture("kb:NVDA+shift+n")  # a gesture of its own, given in Input Gestures
	scriptHandler.executeScript(plugin.script_describeNavigator, gesture)
	# NVDA counts it as a repeat: the same script again within its multi-press time.
	scriptHandler.executeScript(plugin.script_describeNavigator, gesture)
	assert "Still describing" not in " ".join(started.spoken)
	pumpFor(0.1)
	assert followUps == []  # not before the answer
	gate.set()
	started.waitForAnswer()
	pumpFor(0.1)
	assert followUps == []  # the dialog would cut off the answer: not before it has been heard
	assert speech.testing.synthSaysAll() == 1  # the synthesizer reaches the end of the answer
	assert pumpUntil(lambda: len(followUps) == 1)
	describer, session, speechOutput = followUps[0]
	assert describer is plugin.describer and speechOutput is plugin.speech
	assert session is plugin.describer.lastSession and session.lastAnswer == "A chart."
	assert len(started.server.chatRequests()) == 1


def test_inTheLayerTheSameLetterAgainIsADoublePress(started, picture, followUps):
	import speech

	started.server.queueChat(ollamaReply(["A chart."]))
	plugin = started.plugin
	press(plugin, "kb:NVDA+alt+v")
	press(plugin, "kb:v")
	assert press(plugin, "kb:v")  # within 0.6 s, without the entry gesture again
	started.waitForAnswer()
	speech.testing.synthSaysAll()
	assert pumpUntil(lambda: len(followUps) == 1)
	assert len(started.server.chatRequests()) == 1


def test_theEntryGestureAndLetterAgainQuicklyIsADoublePress(started, picture, followUps):
	started.server.queueChat(ollamaReply(["A chart."]))
	plugin = started.plugin
	press(plugin, "kb:NVDA+alt+v")
	press(plugin, "kb:v")
	started.waitForAnswer()  # the answer is quick here; the second press opens the dialog at once
	press(plugin, "kb:NVDA+alt+v")
	press(plugin, "kb:v")
	assert pumpUntil(lambda: len(followUps) == 1)
	assert len(started.server.chatRequests()) == 1


def test_theSameLetterLaterIsAnotherDescribe(started, picture, followUps):
	from visionDescriber import commandLayer

	started.server.queueChat(ollamaReply(["A chart."]))
	plugin = started.plugin
	press(plugin, "kb:NVDA+alt+v")
	press(plugin, "kb:v")
	started.waitForAnswer()
	time.sleep(commandLayer.doublePressSeconds())
	assert not press(plugin, "kb:v")  # the repeat window has passed: v is the application's again
	press(plugin, "kb:NVDA+alt+v")
	press(plugin, "kb:v")
	started.waitForAnswer()
	assert followUps == []
	assert started.spoken == ["A chart.", "A chart."]  # the same picture: from the cache


def test_followUpKeyOpensTheDialogOnTheConversationItShowsLast(started, picture, followUps):
	plugin = started.plugin
	started.server.queueChat(ollamaReply(["A chart."]))
	plugin.script_describeNavigator(None)
	started.waitForAnswer()
	press(plugin, "kb:NVDA+alt+v")
	press(plugin, "kb:d")
	assert pumpUntil(lambda: len(followUps) == 1)
	# None: the dialog itself picks the conversation it showed last, or the newest.
	assert followUps[0] == (plugin.describer, None, plugin.speech)


def test_followUpKeyWithTheRealDialogBeforeAnyDescription(started):
	started.plugin.script_followUp(None)
	assert pumpUntil(lambda: started.spoken == ["No description yet. Describe something first."])


def test_doublePressOpensTheRealFollowUpDialogOnThatResult(started, picture):
	import scriptHandler
	import speech
	from visionDescriber import followUpDialog

	started.server.queueChat(ollamaReply(["A chart."]))
	gesture = makeGesture("kb:NVDA+shift+n")
	scriptHandler.executeScript(started.plugin.script_describeNavigator, gesture)
	scriptHandler.executeScript(started.plugin.script_describeNavigator, gesture)
	started.waitForAnswer()
	speech.testing.synthSaysAll()
	assert pumpUntil(lambda: followUpDialog.followUpDialog() is not None)
	assert followUpDialog.followUpDialog().session is started.plugin.describer.lastSession
	started.plugin.terminate()
	assert followUpDialog.followUpDialog() is None  # closed with the plugin


def test_withoutTheFollowUpDialogItSaysSo(started, picture, monkeypatch):
	monkeypatch.setitem(sys.modules, "visionDescriber.followUpDialog", None)  # importing it fails
	started.server.queueChat(ollamaReply(["A chart."]))
	started.plugin.script_describeNavigator(None)
	started.waitForAnswer()
	started.plugin.script_followUp(None)
	assert started.spoken[-1] == "The follow-up dialog is not available."


# --- Opening the dialog by itself after each description -------------------------------------------


def setForeground(rect):
	import api
	import controlTypes
	from locationHelper import RectLTWH
	from nvdaHarness import makeObject

	api.setForegroundObject(makeObject("Game", controlTypes.Role.WINDOW, RectLTWH(*rect), appName="game"))


@pytest.mark.parametrize(
	("foreground", "allowOverFullscreen", "opens"),
	[
		((100, 100, 1600, 900), False, True),
		((0, 0, 3840, 2160), False, False),
		((-8, -8, 3856, 2176), False, False),  # a maximised window's borders reach past the monitor
		((0, 0, 3840, 2160), True, True),
	],
)
def test_theDialogOpensAfterEachDescriptionButNotOverAFullScreenWindow(
	started, picture, followUps, foreground, allowOverFullscreen, opens
):
	import speech

	configure(openDialogAfterDescribe=True, allowDialogOverFullscreen=allowOverFullscreen)
	setForeground(foreground)
	started.server.queueChat(ollamaReply(["A chart."]))
	started.plugin.script_describeNavigator(None)
	started.waitForAnswer()
	speech.testing.synthSaysAll()
	pumpFor(0.05)
	assert len(followUps) == (1 if opens else 0)
	assert started.spoken == ["A chart."]


# --- Asking before sending -------------------------------------------------------------------------


def answerDialog(plugin, text: str | None) -> None:
	assert pumpUntil(lambda: plugin.questionDialog is not None and plugin.questionDialog.IsShown())
	dialog = plugin.questionDialog
	if text is None:
		button = wx.ID_CANCEL
	else:
		dialog.questionField.SetValue(text)
		button = wx.ID_OK
	event = wx.CommandEvent(wx.wxEVT_BUTTON, button)
	event.SetEventObject(dialog)
	dialog.ProcessEvent(event)


def test_askCapturesFirstThenAsksThenSendsTheQuestion(started, picture):
	import gui

	started.server.queueChat(ollamaReply(["March sold most."]))
	plugin = started.plugin
	left, top, width, height = picture
	press(plugin, "kb:NVDA+alt+v")
	press(plugin, "kb:q")
	assert pumpUntil(lambda: plugin.questionDialog is not None)
	dialog = plugin.questionDialog
	assert len(started.recorder.captured) == 0  # prepared only once the question is known
	assert gui.testing.popups[-2:] == ["prePopup", "postPopup"]
	# The dialog may sit right over the target now: the picture was taken before it opened.
	dialog.SetPosition((left, top))
	pumpFor(0.3)
	answerDialog(plugin, "Which month sold most?")
	started.waitForAnswer()

	[request] = started.server.chatRequests()
	question = request.json["messages"][-1]["content"]
	assert question.endswith("Which month sold most?")
	assert "This is a graphic labelled 'chart1' in excel." in question
	assert started.recorder.captured[0].size == (width, height)
	image = sentImage(request)
	assert near(image.getpixel((5, 5)), RED) and near(
		image.getpixel((image.width - 5, image.height - 5)), TEAL
	)
	assert started.spoken == ["March sold most."]
	assert not dialog  # destroyed


def test_askAboutTheScreenAndCancelTheDialog(started, picture):
	plugin = started.plugin
	plugin.script_askAboutScreen(None)
	assert pumpUntil(lambda: plugin.questionDialog is not None)
	assert plugin.questionDialog.GetTitle() == "Ask about the screen"
	answerDialog(plugin, None)
	pumpFor(0.2)
	assert plugin.questionDialog is None
	assert started.server.requests == [] and started.spoken == []


def test_askingABlankPictureIsRefusedBeforeTheDialog(started):
	frame = showPicture(600, 500, colours=((0, 0, 0),), size=(200, 200))
	pointNavigatorAt(waitUntilPainted(frame, (0, 0, 0)))
	started.plugin.script_askAboutNavigator(None)
	started.waitForAnswer()
	frame.Destroy()
	assert started.plugin.questionDialog is None
	assert started.spoken == ["The screen is black. Nothing was sent. Screen Curtain may be on."]


def test_anEmptyQuestionDescribesAsUsual(started, picture):
	started.server.queueChat(ollamaReply(["A chart."]))
	started.plugin.script_askAboutNavigator(None)
	answerDialog(started.plugin, "   ")
	started.waitForAnswer()
	content = started.server.chatRequests()[0].json["messages"][-1]["content"]
	assert "Describe this image." in content


# --- The last result ---------------------------------------------------------------------------------

MARKDOWN = ["## Sales chart\n", "- **March**: 12 units\n", "- April: 9 <units>\n"]


def describeOnce(started):
	started.server.queueChat(ollamaReply(MARKDOWN))
	started.plugin.script_describeNavigator(None)
	started.waitForAnswer()
	started.forgetSpeech()


def test_nothingToRepeatShowOrCopyYet(started):
	import ui

	for command in ("repeatLastResult", "showLastResult", "copyLastResult"):
		getattr(started.plugin, f"script_{command}")(None)
	assert started.spoken == ["There is no description yet."] * 3
	assert ui.testing.browseable == []


def test_repeatSpeaksTheLastResultWithoutMarkdown(started, picture):
	describeOnce(started)
	press(started.plugin, "kb:NVDA+alt+v")
	press(started.plugin, "kb:r")
	assert started.spoken == ["Sales chart\nMarch: 12 units\nApril: 9 <units>"]


def test_showRendersTheMarkdownInABrowseableWindow(started, picture):
	import ui

	describeOnce(started)
	press(started.plugin, "kb:NVDA+alt+v")
	press(started.plugin, "kb:b")
	[shown] = ui.testing.browseable
	assert shown["isHtml"] and shown["closeButton"] and shown["copyButton"]
	assert shown["title"].startswith("Vision Describer: ") and shown["title"].endswith("navigator object")
	assert shown["message"] == (
		"<h2>Sales chart</h2>\n<ul>\n<li><strong>March</strong>: 12 units</li>\n<li>April: 9 &lt;units&gt;</li>\n</ul>"
	)


def test_copyPutsThePlainAnswerOnTheClipboardAsTheDialogsCopyAnswerDoes(started, picture):
	import api
	from visionDescriber import followUpDialog

	describeOnce(started)
	press(started.plugin, "kb:NVDA+alt+v")
	press(started.plugin, "kb:c")
	assert api.testing.clipboard == "Sales chart\nMarch: 12 units\nApril: 9 <units>"  # no ##, ** or -
	assert started.spoken == ["Description copied"]
	copied = api.testing.clipboard
	api.testing.clipboard = ""
	started.plugin.script_followUp(None)
	assert pumpUntil(lambda: followUpDialog.followUpDialog() is not None)
	followUpDialog.followUpDialog().controller.copyAnswer()
	assert api.testing.clipboard == copied
	api.testing.clipboardFails = True
	started.plugin.script_copyLastResult(None)
	assert started.spoken[-1] == "Could not copy the description"


# --- The clipboard and the selected file -------------------------------------------------------------


def stripes(size=(80, 60)):
	from PIL import Image, ImageDraw

	image = Image.new("RGB", size, RED)
	ImageDraw.Draw(image).rectangle((size[0] // 2, 0, size[0], size[1]), fill=TEAL)
	return image


def test_thePictureOnTheClipboard(started, clipboard):
	clipboard.image = stripes()
	started.server.queueChat(ollamaReply(["Two stripes."]))
	started.plugin.script_describeClipboard(None)
	started.waitForAnswer()
	[request] = started.server.chatRequests()
	assert started.recorder.captured[0].size == (80, 60)
	assert sentImage(request).width * 60 == sentImage(request).height * 80
	assert started.spoken == ["Two stripes."]
	assert started.plugin.describer.lastSession.source.label == "clipboard image"
	assert clipboard.selectionAskedFor == []  # the foreground is not File Explorer


def test_theFileSelectedInFileExplorerComesFirst(started, clipboard, tmp_path):
	import api
	import controlTypes
	from nvdaHarness import makeObject

	path = tmp_path / "holiday.png"
	stripes((120, 90)).save(path)
	clipboard.selected = [str(path)]
	clipboard.image = stripes((10, 10))
	explorer = makeObject("Pictures", controlTypes.Role.WINDOW, None, appName="explorer", windowHandle=0x2040)
	api.setForegroundObject(explorer)
	started.server.queueChat(ollamaReply(["A holiday picture."]))
	started.plugin.script_describeClipboard(None)
	started.waitForAnswer()
	assert clipboard.selectionAskedFor == [0x2040]
	assert started.recorder.captured[0].size == (120, 90)
	assert len(started.server.chatRequests()) == 1
	assert started.plugin.describer.lastSession.source.label == "holiday.png"
	assert started.spoken == ["A holiday picture."]


def test_withNothingSelectedTheClipboardIsUsed(started, clipboard):
	import api
	import controlTypes
	from nvdaHarness import makeObject

	clipboard.image = stripes()
	api.setForegroundObject(makeObject("Pictures", controlTypes.Role.WINDOW, None, appName="explorer"))
	started.server.queueChat(ollamaReply(["Two stripes."]))
	started.plugin.script_describeClipboard(None)
	started.waitForAnswer()
	assert len(clipboard.selectionAskedFor) == 1
	assert started.spoken == ["Two stripes."]


# --- Settings ----------------------------------------------------------------------------------------


def test_settingsKeyOpensNvdaSettingsAtOurPanel(started):
	from gui import settingsDialogs
	from visionDescriber import settingsPanel

	press(started.plugin, "kb:NVDA+alt+v")
	press(started.plugin, "kb:o")

	def openDialog():
		return next(
			(w for w in wx.GetTopLevelWindows() if isinstance(w, settingsDialogs.NVDASettingsDialog)), None
		)

	assert pumpUntil(lambda: openDialog() is not None)
	assert isinstance(openDialog().currentCategory, settingsPanel.VisionDescriberPanel)
	openDialog().Destroy()


def test_settingsKeyWithoutThePanelSaysSo(started):
	from visionDescriber import settingsPanel

	settingsPanel.unregister()
	started.plugin.script_openSettings(None)
	assert started.spoken == ["Vision Describer's settings are not available."]


# --- Warming the model up ----------------------------------------------------------------------------


def test_warmUpAtStartDoesNotMakeDescribeWait(nvdaGui, ollama, monkeypatch):
	import threading

	from pluginDriver import startPlugin

	gate = threading.Event()
	load = Reply(200, [Gate(gate), *ollamaReply([]).body], NDJSON)
	ollama.enqueue("POST", "/api/chat", load)  # the warm-up's request waits, as a model load does
	running = startPlugin(monkeypatch, ollama, warmUpOnStart=True)
	try:
		assert pumpUntil(lambda: len(ollama.chatRequests()) == 1)
		assert ollama.chatRequests()[0].json["messages"] == []
		frame = showPicture(400, 300)
		pointNavigatorAt(waitUntilPainted(frame, RED))
		ollama.queueChat(ollamaReply(["A chart."]))
		running.plugin.script_describeNavigator(None)
		running.waitForAnswer()
		frame.Destroy()
		assert running.spoken == ["A chart."]
	finally:
		gate.set()
		running.plugin.terminate()
