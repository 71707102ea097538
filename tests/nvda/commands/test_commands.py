"""Every describe command end to end: what the user points at -> a real capture of a real window
on Xvfb -> the request on the wire to a fake Ollama -> phrases spoken (and brailled) in order ->
the last result kept."""

import threading

import pytest
from pluginDriver import (
	MODEL,
	RED,
	TEAL,
	configure,
	near,
	pointNavigatorAt,
	press,
	pumpUntil,
	sentImage,
	showPicture,
	waitUntilPainted,
)
from servers.fakeOllama import ollamaReply

pytestmark = pytest.mark.display

ANSWER = ["A bar chart of **sales**. ", "March is the highest. ", "It sold twelve units."]
PHRASES = ["A bar chart of sales.", "March is the highest.", "It sold twelve units."]


@pytest.fixture
def picture(redWindow):
	"""Here each test points the navigator itself."""
	return redWindow


def test_describeNavigatorObjectThroughTheLayer(started, picture):
	import braille
	import tones
	from visionDescriber import commandLayer
	from visionDescriber.speechOutput import SENT_TONE

	pointNavigatorAt(picture, name="chart1", appName="excel")
	started.server.queueChat(ollamaReply(ANSWER))

	assert press(started.plugin, "kb:NVDA+alt+v")
	assert tones.testing.beeps[-1][:2] == commandLayer.LAYER_TONE
	assert press(started.plugin, "kb:v")
	started.waitForAnswer()

	[request] = started.server.chatRequests()
	body = request.json
	assert body["model"] == MODEL
	userMessage = body["messages"][-1]
	assert "This is a graphic labelled 'chart1' in excel." in userMessage["content"]
	assert "Answer in English" in userMessage["content"]
	assert started.recorder.captured[0].size == picture[2:]  # exactly the object's pixels
	image = sentImage(request)  # prepared: a small picture is enlarged by a whole factor
	assert image.width * picture[3] == image.height * picture[2]
	assert near(image.getpixel((5, 5)), RED) and near(image.getpixel((image.width - 5, 5)), TEAL)
	# Captured on the worker, never on NVDA's main thread.
	assert started.recorder.threads == ["visionDescriber.worker"]
	assert threading.current_thread().name != "visionDescriber.worker"
	assert started.spoken == PHRASES
	assert braille.testing.shown() == " ".join(PHRASES)  # the whole answer, as one braille message
	assert tones.testing.beeps[-1][:2] == SENT_TONE
	session = started.plugin.describer.lastSession
	assert session.lastAnswer == "".join(ANSWER)
	assert session.source.label == "navigator object"


def test_describeFocusAndForegroundCaptureTheirOwnObjects(started, picture):
	import api
	import controlTypes
	from locationHelper import RectLTWH
	from nvdaHarness import makeObject

	left, top, width, height = picture
	focusRect = RectLTWH(left, top, width // 2 + 20, height)  # the red half and a little teal
	api.setFocusObject(makeObject("Save", controlTypes.Role.BUTTON, focusRect))
	api.setForegroundObject(
		makeObject("Report", controlTypes.Role.WINDOW, RectLTWH(*picture), appName="winword")
	)
	started.server.queueChat(ollamaReply(["A red button."]), ollamaReply(["A window."]))

	started.plugin.script_describeFocus(None)
	started.waitForAnswer()
	started.plugin.script_describeForeground(None)
	started.waitForAnswer()

	focusRequest, windowRequest = started.server.chatRequests()
	assert "This is a button labelled 'Save' in unknown." in focusRequest.json["messages"][-1]["content"]
	focusPicture, windowPicture = started.recorder.captured
	assert focusPicture.size == (width // 2 + 20, height)
	assert near(focusPicture.getpixel((width // 2 - 3, 5)), RED)
	assert near(focusPicture.getpixel((width // 2 + 3, 5)), TEAL)
	assert "This is a window labelled 'Report' in winword." in windowRequest.json["messages"][-1]["content"]
	assert windowPicture.size == (width, height)
	assert started.spoken == ["A red button.", "A window."]
	assert [session.source.label for session in started.plugin.describer.sessions] == ["focus", "window"]


def test_aTinyTargetGetsContextAroundIt(started, picture):
	import controlTypes

	left, top, width, height = picture
	configure(tinyTargetSize=48, tinyTargetMargin=10)
	# A 16x16 icon on the red half, close to the teal half.
	pointNavigatorAt(
		(left + width // 2 - 20, top + 30, 16, 16), name="", role=controlTypes.Role.UNKNOWN, appName=""
	)
	started.server.queueChat(ollamaReply(["An icon."]))
	started.plugin.script_describeNavigator(None)
	started.waitForAnswer()

	[captured] = started.recorder.captured
	assert captured.size == (36, 36)
	assert near(captured.getpixel((0, 0)), RED) and near(captured.getpixel((35, 0)), TEAL)
	# Nothing known about the object: no context sentence at all.
	assert "This is" not in started.server.chatRequests()[0].json["messages"][-1]["content"]


def test_aTargetPartlyOffTheScreenIsClipped(started):
	frame = showPicture(3840 - 50, 2160 - 40, size=(25, 40))
	waitUntilPainted(frame, RED)
	pointNavigatorAt((3840 - 50, 2160 - 40, 200, 200))
	started.server.queueChat(ollamaReply(["The corner of the desktop."]))
	started.plugin.script_describeNavigator(None)
	started.waitForAnswer()
	frame.Destroy()
	assert started.recorder.captured[0].size == (50, 40)
	assert started.spoken == ["The corner of the desktop."]


def test_monitorAndScreenCaptureWholeMonitors(started, picture, monkeypatch):
	from visionDescriberCore.imaging import capture

	asked = []
	real = capture.monitorContaining
	monkeypatch.setattr(capture, "monitorContaining", lambda x, y: asked.append((x, y)) or real(x, y))
	pointNavigatorAt(picture)
	started.server.queueChat(ollamaReply(["A desktop."]), ollamaReply(["The whole desktop."]))

	started.plugin.script_describeMonitor(None)
	started.waitForAnswer()
	# One monitor: the same picture. Another preset, so the answer does not come from the cache.
	configure(preset="detailed")
	started.plugin.script_describeScreen(None)
	started.waitForAnswer()

	left, top, width, height = picture
	assert asked[0] == (left + width // 2, top + height // 2)
	assert [image.size for image in started.recorder.captured] == [(3840, 2160), (3840, 2160)]
	# The window is in the picture, where it is on the screen.
	assert near(started.recorder.captured[1].getpixel((left + 5, top + 5)), RED)
	assert started.spoken == ["A desktop.", "The whole desktop."]
	assert [s.source.label for s in started.plugin.describer.sessions] == ["monitor", "whole screen"]


def test_theAnswerIsInNvdasLanguageUnlessSetOtherwise(started, picture):
	import languageHandler

	languageHandler.testing.language = "de_DE"
	pointNavigatorAt(picture)
	started.server.queueChat(ollamaReply(["Ein Diagramm."]), ollamaReply(["Un graphique."]))
	started.plugin.script_describeNavigator(None)
	started.waitForAnswer()
	configure(responseLanguage="fr")
	started.plugin.script_describeFocus(None)  # the focus is the desktop
	started.waitForAnswer()
	first, second = started.server.chatRequests()
	assert "Answer in German" in first.json["messages"][0]["content"]
	assert "Answer in German" in first.json["messages"][-1]["content"]
	assert "Answer in French" in second.json["messages"][-1]["content"]


def test_speakingOnlyWhenComplete(started, picture):
	configure(streamSpeech=False)
	pointNavigatorAt(picture)
	started.server.queueChat(ollamaReply(ANSWER))
	started.plugin.script_describeNavigator(None)
	started.waitForAnswer()
	assert started.spoken == [" ".join(PHRASES)]


def test_anIdenticalPictureIsAnsweredFromTheCache(started, picture):
	pointNavigatorAt(picture)
	started.server.queueChat(ollamaReply(ANSWER))
	started.plugin.script_describeNavigator(None)
	started.waitForAnswer()
	started.plugin.script_describeNavigator(None)  # not a double press: the repeat count is 0
	started.waitForAnswer()
	assert len(started.server.chatRequests()) == 1
	assert started.spoken == PHRASES + PHRASES
	assert len(started.plugin.describer.sessions) == 2


def test_anEmptyAnswerIsSaidToBeEmpty(started, picture):
	pointNavigatorAt(picture)
	started.server.queueChat(ollamaReply([]))
	started.plugin.script_describeNavigator(None)
	started.waitForAnswer()
	assert started.spoken == ["The model sent an empty answer."]


def test_progressTonesWhileWaitingForTheFirstWords(started, picture):
	import threading as threads

	import tones
	from servers.httpServer import Gate, Reply
	from visionDescriber.speechOutput import SENT_TONE, WAITING_TONE

	gate = threads.Event()
	lines = ollamaReply(["Ready."]).body
	started.server.queueChat(Reply(200, [Gate(gate), *lines], "application/x-ndjson"))
	pointNavigatorAt(picture)
	started.plugin.script_describeNavigator(None)
	assert pumpUntil(lambda: [b[:2] for b in tones.testing.beeps].count(WAITING_TONE) >= 1, timeout=5)
	gate.set()
	started.waitForAnswer()
	heard = [beep[:2] for beep in tones.testing.beeps]
	assert heard[0] == SENT_TONE and WAITING_TONE in heard
	count = len(tones.testing.beeps)
	assert started.spoken == ["Ready."]
	pumpUntil(lambda: False, 2.0)
	assert len(tones.testing.beeps) == count  # the waiting tone stopped with the first words
