"""The describe pipeline sizes pictures for the model: Ollama asked once per server and model (over
real sockets, the fake answering as Ollama 0.24 or 0.30), failures that fall back to today's sizes
without a word spoken, OpenAI's detail from picture detail, and small screen objects widened with
their surroundings where Ollama 0.30 would enlarge them to Qwen-VL's token floor."""

import base64
import io
import logging
import threading
from dataclasses import replace

import pytest
from mainThread import MainThread
from PIL import Image, ImageDraw
from servers.fakeOllama import NEW_OLLAMA, OLD_OLLAMA, VISION_MODELS, FakeOllama, ollamaError, ollamaReply
from servers.fakeOpenAI import FakeOpenAI, sseReply
from servers.httpServer import freePort
from visionDescriberCore import errors
from visionDescriberCore.describing import Describer, ImageSource, ScreenObject
from visionDescriberCore.imaging.capture import Rect
from visionDescriberCore.settings import Settings

KEY = "sk-test-0123456789abcdef"


class Listener:
	def __init__(self, mainThread):
		self.mainThread = mainThread
		self.events: list[tuple] = []
		self.done = threading.Event()

	def onRequestSent(self):
		self.events.append(("sent",))

	def onPhrase(self, text):
		self.events.append(("phrase", text))

	def onAnswer(self, session, text):
		self.events.append(("answer", text))
		self.done.set()

	def onError(self, error, session):
		self.events.append(("error", error))
		self.done.set()

	def wait(self):
		assert self.done.wait(10), f"no answer or error: {self.events}"
		self.mainThread.drain()
		return self.events[-1]


def screen(width: int = 1920, height: int = 1080) -> Image.Image:
	image = Image.new("RGB", (width, height), (235, 235, 235))
	draw = ImageDraw.Draw(image)
	for top in range(20, height - 20, 24):
		draw.text((20, top), f"Row {top} of a long list of files and folders", fill=(0, 0, 0))
	return image


def sentPicture(request, openai: bool = False) -> Image.Image:
	if openai:
		url = request.json["messages"][-1]["content"][0]["image_url"]["url"]
		data = base64.b64decode(url.split(",", 1)[1])
	else:
		data = base64.b64decode(request.json["messages"][-1]["images"][0])
	return Image.open(io.BytesIO(data))


@pytest.fixture
def mainThread():
	thread = MainThread()
	yield thread
	thread.stop()
	assert thread.errors == []


@pytest.fixture
def run(mainThread, noThreadLeak):
	"""run(settings, source) -> (last event, listener); one describer per test, ended afterwards."""
	describers = []
	current = {}

	def describe(settings: Settings, source: ImageSource):
		current["settings"] = settings
		if not describers:
			describers.append(
				Describer(mainThread.post, lambda: current["settings"], lambda s: KEY, lambda: "en")
			)
		listener = Listener(mainThread)
		assert describers[0].describe(source, listener)
		return listener.wait(), listener

	yield describe
	for describer in describers:
		assert describer.terminate(2)


def ollamaSettings(server, model: str, **changes) -> Settings:
	return replace(Settings(), baseUrl=server.url, model=model, **changes)


def test_ollama_is_asked_once_per_server_and_model_and_the_picture_fits_the_family(run):
	with FakeOllama(models=VISION_MODELS, version=NEW_OLLAMA) as server:
		for _ in range(2):
			event, _listener = run(
				ollamaSettings(server, "qwen3-vl:8b"), ImageSource(lambda: screen(), "screen")
			)
			assert event[0] == "answer"
		assert len(server.requestsTo("/api/show")) == len(server.requestsTo("/api/version")) == 1
		assert sentPicture(server.chatRequests()[0]).size == (1344, 768)  # Balanced, in 32-px blocks
		# A changed model is asked again.
		run(
			ollamaSettings(server, "gemma3:4b", pictureDetail="fast"), ImageSource(lambda: screen(), "screen")
		)
		assert [request.json["model"] for request in server.requestsTo("/api/show")] == [
			"qwen3-vl:8b",
			"gemma3:4b",
		]
		assert sentPicture(server.chatRequests()[-1]).size == (896, 896)


def test_when_ollama_cannot_say_todays_sizes_apply_and_nothing_is_said(run, caplog):
	with FakeOllama(models=VISION_MODELS, version=NEW_OLLAMA) as server:
		server.route("POST", "/api/show", lambda request: ollamaError("something broke", 500))
		with caplog.at_level(logging.INFO, logger="visionDescriber"):
			for _ in range(2):
				event, listener = run(
					ollamaSettings(server, "qwen3-vl:8b"), ImageSource(lambda: screen(), "screen")
				)
				assert event == ("answer", "A small black square sits in the middle of a white picture.")
				assert not [item for item in listener.events if item[0] == "error"]
		assert sentPicture(server.chatRequests()[0]).size == (1568, 882)  # today's long side
		assert len(server.requestsTo("/api/show")) == 1  # the failure is remembered too
		assert "did not say how qwen3-vl:8b sees pictures" in caplog.text


def test_a_model_not_yet_pulled_is_asked_about_again(run):
	with FakeOllama(models=VISION_MODELS, version=NEW_OLLAMA) as server:
		for _ in range(2):
			event, _listener = run(
				ollamaSettings(server, "qwen9:1b"), ImageSource(lambda: screen(), "screen")
			)
			assert isinstance(event[1], errors.ModelNotFound)
		assert len(server.requestsTo("/api/show")) == 2


def test_a_server_that_cannot_be_reached_is_reported_once_as_before(run):
	settings = replace(Settings(), baseUrl=f"http://127.0.0.1:{freePort()}", model="gemma3:4b")
	event, listener = run(settings, ImageSource(lambda: screen(), "screen"))
	assert isinstance(event[1], errors.ServerUnreachable)
	assert [item[0] for item in listener.events] == ["error"]  # nothing was sent


def test_openai_gets_the_detail_and_size_of_the_level(run):
	with FakeOpenAI(models={"gpt-4o-mini": True}, apiKey=KEY) as server:
		server.queueChat(sseReply(["One."]), sseReply(["Two."]))
		base = replace(Settings(), provider="openai", baseUrl=server.url + "/v1", model="gpt-4o-mini")
		for level in ("fast", "detailed"):
			event, _listener = run(
				replace(base, pictureDetail=level), ImageSource(lambda: screen(), "screen")
			)
			assert event[0] == "answer", event
		fast, detailed = server.chatRequests()
		assert fast.json["messages"][-1]["content"][0]["image_url"]["detail"] == "low"
		assert sentPicture(fast, openai=True).size == (512, 288)
		assert detailed.json["messages"][-1]["content"][0]["image_url"]["detail"] == "high"
		assert sentPicture(detailed, openai=True).size == (1365, 768)


class ScreenStandIn:
	"""A 1920x1080 screen with a small button; grabs any rectangle of it and records which."""

	def __init__(self):
		self.picture = screen()
		draw = ImageDraw.Draw(self.picture)
		draw.rectangle((900, 500, 1019, 539), fill=(0, 90, 200))
		draw.text((940, 512), "Send", fill=(255, 255, 255))
		self.grabbed: list[Rect] = []

	def grab(self, rect: Rect) -> Image.Image:
		self.grabbed.append(rect)
		return self.picture.crop((rect.left, rect.top, rect.right, rect.bottom))

	def source(self, isScreenCapture: bool = True) -> ImageSource:
		button = (900, 500, 120, 40)
		source = ImageSource(
			lambda: self.grab(Rect(*button)),
			"navigator object",
			"This is a button labelled 'Send'.",
			isScreenCapture,
		)
		source.screenObject = ScreenObject(button, self.grab, lambda: Rect(0, 0, 1920, 1080))
		return source


@pytest.mark.parametrize("model", ["qwen2.5vl:7b", "qwen3-vl:8b"])
def test_a_small_object_is_shown_with_its_surroundings_where_ollama_030_pays_qwens_floor(run, model):
	stand = ScreenStandIn()
	with FakeOllama(models=VISION_MODELS, version=NEW_OLLAMA) as server:
		event, _listener = run(ollamaSettings(server, model, pictureDetail="fast"), stand.source())
		assert event[0] == "answer"
		side = 896 if model.startswith("qwen2.5") else 1024
		assert stand.grabbed == [Rect(900, 500, 120, 40), Rect(960 - side // 2, 520 - side // 2, side, side)]
		picture = sentPicture(server.chatRequests()[0])
		assert picture.size == (side, side)  # the floor's 1,024 blocks, sent as they are
		left, top = 960 - side // 2, 520 - side // 2
		assert picture.convert("RGB").getpixel((903 - left, 503 - top)) == (0, 90, 200)  # the button, centred
		prompt = server.chatRequests()[0].json["messages"][-1]["content"]
		assert prompt.startswith("This is a button labelled 'Send'. The picture shows the object together")
		assert "The object itself is the area in the centre of the picture" in prompt


@pytest.mark.parametrize(("model", "version"), [("qwen2.5vl:7b", OLD_OLLAMA), ("gemma3:4b", NEW_OLLAMA)])
def test_no_widening_where_the_server_has_no_floor(run, model, version):
	stand = ScreenStandIn()
	with FakeOllama(models=VISION_MODELS, version=version) as server:
		run(ollamaSettings(server, model), stand.source())
		assert stand.grabbed == [Rect(900, 500, 120, 40)]
		assert "surroundings" not in server.chatRequests()[0].json["messages"][-1]["content"]


def test_files_and_the_clipboard_are_never_widened(run):
	stand = ScreenStandIn()
	with FakeOllama(models=VISION_MODELS, version=NEW_OLLAMA) as server:
		run(ollamaSettings(server, "qwen2.5vl:7b"), stand.source(isScreenCapture=False))
		assert stand.grabbed == [Rect(900, 500, 120, 40)]
		assert sentPicture(server.chatRequests()[0]).size == (120, 40)  # as it is: the server enlarges it
		assert "surroundings" not in server.chatRequests()[0].json["messages"][-1]["content"]


def test_a_follow_up_picture_of_the_same_object_is_widened_too(run, mainThread):
	stand = ScreenStandIn()
	with FakeOllama(models=VISION_MODELS, version=NEW_OLLAMA) as server:
		server.queueChat(ollamaReply(["A blue button."]), ollamaReply(["Still a blue button."]))
		settings = ollamaSettings(server, "qwen2.5vl:7b")
		describer = Describer(mainThread.post, lambda: settings, lambda s: None, lambda: "en")
		try:
			first = Listener(mainThread)
			describer.describe(stand.source(), first)
			first.wait()
			again = Listener(mainThread)
			describer.addImage(describer.lastSession, again, "Has it changed?")
			assert again.wait()[0] == "answer"
		finally:
			assert describer.terminate(2)
		prompt = server.chatRequests()[1].json["messages"][-1]["content"]
		assert prompt.startswith("The picture shows the object") and prompt.endswith("Has it changed?")
		assert sentPicture(server.chatRequests()[1]).size == (896, 896)


class Captured:
	def __init__(self):
		self.held: ImageSource | None = None
		self.done = threading.Event()

	def onCaptured(self, source):
		self.held = source
		self.done.set()

	def onError(self, error, session):
		self.done.set()


def test_asking_first_widens_from_the_screen_as_it_was_at_the_press(run, mainThread):
	"""captureFirst takes the object and its monitor at the press: the widened picture is cut from
	that monitor picture, even if the screen changed while the question was typed (a dialog over
	it); a new image afterwards looks at the screen again."""
	stand = ScreenStandIn()
	with FakeOllama(models=VISION_MODELS, version=NEW_OLLAMA) as server:
		server.queueChat(ollamaReply(["A blue button."]), ollamaReply(["A grey dialog."]))
		settings = ollamaSettings(server, "qwen2.5vl:7b")
		describer = Describer(mainThread.post, lambda: settings, lambda s: None, lambda: "en")
		try:
			captured = Captured()
			assert describer.captureFirst(stand.source(), captured)
			assert captured.done.wait(10) and captured.held is not None
			assert stand.grabbed == [Rect(900, 500, 120, 40), Rect(0, 0, 1920, 1080)]
			assert not server.requests  # nothing asked of the server before the question
			cover = ImageDraw.Draw(stand.picture)  # a dialog over the target while the question is typed
			cover.rectangle((0, 0, 1919, 1079), fill=(128, 128, 128))
			cover.text((930, 512), "Question", fill=(0, 0, 0))
			first = Listener(mainThread)
			assert describer.describe(captured.held, first, "What does it say?")
			assert first.wait()[0] == "answer"
			again = Listener(mainThread)
			assert describer.addImage(describer.lastSession, again, "And now?")
			assert again.wait()[0] == "answer"
		finally:
			assert describer.terminate(2)
		pressed, later = (sentPicture(request).convert("RGB") for request in server.chatRequests())
		assert pressed.size == later.size == (896, 896)
		assert pressed.getpixel((903 - 512, 503 - 72)) == (0, 90, 200)  # the button, as at the press
		assert later.getpixel((903 - 512, 503 - 72)) == (128, 128, 128)  # looked again
		assert stand.grabbed[2:] == [Rect(900, 500, 120, 40), Rect(512, 72, 896, 896)]


def test_a_server_slow_to_describe_the_model_costs_a_short_wait_and_then_todays_sizes(
	run, monkeypatch, caplog
):
	from servers.httpServer import Reply, Stall
	from visionDescriberCore.clients import ollama

	monkeypatch.setattr(ollama, "GEOMETRY_TIMEOUT", 0.3)
	with FakeOllama(models=VISION_MODELS, version=NEW_OLLAMA) as server:
		server.route("POST", "/api/show", lambda request: Reply(200, [b"{}"], beforeHeaders=[Stall(5)]))
		with caplog.at_level(logging.INFO, logger="visionDescriber"):
			event, listener = run(
				ollamaSettings(server, "qwen3-vl:8b"), ImageSource(lambda: screen(), "screen")
			)
		assert event[0] == "answer" and not [item for item in listener.events if item[0] == "error"]
		assert sentPicture(server.chatRequests()[0]).size == (1568, 882)
		assert "did not say how qwen3-vl:8b sees pictures" in caplog.text
