"""A small object described with Qwen-VL on Ollama 0.30 (which pays a 1,024-token floor for any
picture) is captured with its real surroundings: the plugin's target gives the core the object's
rectangle, the core widens the capture on the worker, and the request says where the object is."""

import pytest
from pluginDriver import RED, TEAL, near, pointNavigatorAt, showPicture, startPlugin, waitUntilPainted
from servers.fakeOllama import NEW_OLLAMA, OLD_OLLAMA, VISION_MODELS, FakeOllama, ollamaReply

pytestmark = pytest.mark.display


@pytest.fixture
def window(nvdaGui):
	frame = showPicture(600, 400)
	yield waitUntilPainted(frame, RED)
	frame.Destroy()


def describeButton(monkeypatch, window, version):
	import controlTypes

	left, top, width, height = window
	with FakeOllama(models=VISION_MODELS, version=version) as server:
		started = startPlugin(monkeypatch, server, model="qwen2.5vl:7b")
		try:
			# A 60x40 button on the red half, next to the teal half.
			pointNavigatorAt(
				(left + 60, top + 25, 60, 40), name="Send", role=controlTypes.Role.BUTTON, appName="mail"
			)
			server.queueChat(ollamaReply(["A red button."]))
			started.plugin.script_describeNavigator(None)
			started.waitForAnswer()
		finally:
			started.plugin.terminate()
		return started, server.chatRequests()[0].json["messages"][-1]["content"]


def test_aSmallObjectIsCapturedWithItsSurroundingsWhereTheServerPaysAFloor(monkeypatch, noThreadLeak, window):
	started, prompt = describeButton(monkeypatch, window, NEW_OLLAMA)
	[picture] = started.recorder.captured
	assert picture.size == (896, 896)  # the floor's 32 x 32 blocks of real screen
	assert near(picture.getpixel((448, 448)), RED)  # the button, in the middle
	assert any(near(picture.getpixel((x, 448)), TEAL) for x in range(448, 896, 8))  # and what is beside it
	assert prompt.startswith("This is a button labelled 'Send' in mail. The picture shows the object")
	assert "the area in the centre of the picture" in prompt
	assert started.spoken == ["A red button."]


def test_theSameObjectIsCapturedAloneOnAnOlderOllama(monkeypatch, noThreadLeak, window):
	started, prompt = describeButton(monkeypatch, window, OLD_OLLAMA)
	[picture] = started.recorder.captured
	assert picture.size == (60 + 2 * 24, 40 + 2 * 24)  # the tiny-target margin as before, no more
	assert "surroundings" not in prompt
