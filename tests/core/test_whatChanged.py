""" "What changed?": the last description's target captured again and compared, through a real
Describer and its worker, against the fake Ollama and OpenAI servers over real sockets."""

import base64
import io
from dataclasses import replace

import pytest
from mainThread import MainThread
from PIL import Image, ImageDraw
from servers.fakeOllama import FakeOllama, ollamaReply
from servers.fakeOpenAI import FakeOpenAI, sseReply
from test_describing import Grabber, Recorder
from visionDescriberCore.describing import Describer, ImageSource
from visionDescriberCore.imaging.preparation import ImagePolicy
from visionDescriberCore.settings import Settings
from visionDescriberCore.watch.changes import askWhatChanged, takesSeveralImages
from visionDescriberCore.watch.pipeline import sharedPolicy

VISION = ["completion", "vision"]


def screen(menu: bool = False, caret: bool = False) -> Image.Image:
	image = Image.new("RGB", (1280, 720), (30, 70, 40))
	draw = ImageDraw.Draw(image)
	draw.rectangle((0, 600, 1279, 719), fill=(60, 50, 40))
	draw.text((20, 640), "Level 3: The Forest", fill=(250, 250, 200))
	if menu:
		draw.rectangle((900, 100, 1250, 500), fill=(240, 235, 220))
		draw.text((920, 120), "Continue", fill=(0, 0, 0))
	if caret:
		draw.rectangle((300, 640, 301, 660), fill=(255, 255, 255))
	return image


@pytest.fixture
def mainThread():
	thread = MainThread()
	yield thread
	thread.stop()
	assert thread.errors == []


class Setup:
	"""A describer whose last session described screen() (no menu) from `grabber`."""

	def __init__(self, mainThread, server, **settings):
		self.mainThread = mainThread
		self.settings = replace(Settings(), **{"baseUrl": server.url, **settings})
		self.describer = Describer(
			mainThread.post, lambda: self.settings, lambda s: "sk-test-0123456789abcdef"
		)
		self.grabber = Grabber(screen())
		first = Recorder(mainThread)
		assert self.describer.describe(ImageSource(self.grabber, "window"), first)
		first.wait()
		self.session = self.describer.lastSession

	def ask(self) -> Recorder:
		listener = Recorder(self.mainThread)
		pipeline = self.describer.pipeline(self.settings)
		assert askWhatChanged(pipeline, self.session, listener, self.settings.watchOptions())
		listener.wait()
		return listener


@pytest.fixture
def setups(mainThread):
	made = []

	def make(server, **settings):
		setup = Setup(mainThread, server, **settings)
		made.append(setup)
		return setup

	yield make
	for setup in made:
		assert setup.describer.terminate(2)


def colourAt(image: Image.Image, x: float, y: float) -> tuple:
	"""The colour at a point given as shares of the width and height, rounded to tens (JPEG)."""
	pixel = image.getpixel((int(image.width * x), int(image.height * y)))
	return tuple(round(channel, -1) for channel in pixel)


GREEN = (30, 70, 40)
MENU = (240, 240, 220)


def decoded(data: str) -> Image.Image:
	return Image.open(io.BytesIO(base64.b64decode(data.split(",")[-1]))).convert("RGB")


def test_bothPicturesGoInOneRequestWhenTheModelTakesSeveral(ollama, setups):
	ollama.models["qwen2.5vl:7b"] = VISION
	ollama.queueChat(ollamaReply(["A forest clearing."]))
	setup = setups(ollama, model="qwen2.5vl:7b")
	setup.grabber.image = screen(menu=True)
	ollama.queueChat(ollamaReply(["A menu opened ", "on the right."]))
	listener = setup.ask()

	assert listener.kinds() == ["sent", "phrase", "answer"]
	assert listener.phrases() == ["A menu opened on the right."]
	body = ollama.chatRequests()[-1].json
	message = body["messages"][-1]
	before, after = (decoded(image) for image in message["images"])
	assert colourAt(before, 0.85, 0.4) == GREEN
	assert colourAt(after, 0.85, 0.4) == MENU
	# Sized as the describe sized its picture (Qwen2.5-VL takes the 1280x720 screen whole), and
	# together within that one picture's pixels, in whole 28-px blocks.
	described = decoded(ollama.chatRequests()[0].json["messages"][-1]["images"][0])
	assert described.size == (1280, 720)
	assert before.size == after.size == (896, 504)
	assert 2 * 896 * 504 <= 1280 * 720
	assert "The first picture is the screen before" in message["content"]
	assert "A forest clearing." in message["content"]
	# The session now ends with this turn: a follow-up sees the latest picture (and both are re-sent).
	turn = setup.session.conversation.turns[-2]
	assert len(turn.images) == 2 and setup.session.conversation.lastImage is turn.image
	assert setup.session.lastAnswer == "A menu opened on the right."
	follow = Recorder(setup.mainThread)
	ollama.queueChat(ollamaReply(["It says Continue."]))
	assert setup.describer.ask(setup.session, "What does the menu say?", follow)
	follow.wait()
	assert len(ollama.chatRequests()[-1].json["messages"][1]["images"]) == 2


def test_aModelThatTakesOnePictureGetsTheEarlierDescriptionAsText(setups):
	with FakeOllama(models={"llava:7b": VISION}) as server:
		server.queueChat(ollamaReply(["A forest clearing."]))
		setup = setups(server, model="llava:7b")
		setup.grabber.image = screen(menu=True)
		server.queueChat(ollamaReply(["A menu opened."]))
		listener = setup.ask()
		message = server.chatRequests()[-1].json["messages"][-1]
		described = decoded(server.chatRequests()[0].json["messages"][-1]["images"][0])
	assert listener.phrases() == ["A menu opened."]
	assert len(message["images"]) == 1
	# The picture now is sized as the describe sized its own (llava 1.5 looks at 336 pixels).
	assert decoded(message["images"][0]).size == described.size == (336, 189)
	assert 'Earlier, this screen was described as:\n"""\nA forest clearing.\n"""' in message["content"]
	assert "This picture is the same screen now." in message["content"]


def test_practicallyIdenticalPicturesAreAnsweredWithoutARequest(ollama, setups):
	setup = setups(ollama, model="gemma3:4b")
	setup.grabber.image = screen(caret=True)  # only a caret blinked
	listener = setup.ask()
	assert listener.kinds() == ["phrase", "answer"]
	assert listener.phrases() == ["Nothing has changed since the last description."]
	assert len(ollama.chatRequests()) == 1  # the first description only
	assert len(setup.session.conversation.turns) == 2


def test_openAiModelsGetBothPicturesAsImageParts(setups):
	with FakeOpenAI(apiKey="sk-test-0123456789abcdef", models={"gpt-4.1-mini": True}) as server:
		server.queueChat(sseReply(["A forest clearing."], model="gpt-4.1-mini"))
		setup = setups(server, provider="openai", baseUrl=server.url + "/v1", model="gpt-4.1-mini")
		setup.grabber.image = screen(menu=True)
		server.queueChat(sseReply(["A menu opened."], model="gpt-4.1-mini"))
		listener = setup.ask()
		content = server.chatRequests()[-1].json["messages"][-1]["content"]
	assert listener.phrases() == ["A menu opened."]
	assert [part["type"] for part in content] == ["image_url", "image_url", "text"]
	before, after = (decoded(part["image_url"]["url"]) for part in content[:2])
	assert colourAt(before, 0.85, 0.4) == GREEN
	assert colourAt(after, 0.85, 0.4) == MENU


def test_theMarkerAnswerIsSaidAsASentence(ollama, setups):
	setup = setups(ollama, model="gemma3:4b")
	setup.grabber.image = screen(menu=True)
	ollama.queueChat(ollamaReply(["NOCHANGE", "."]))
	listener = setup.ask()
	assert listener.phrases() == ["Nothing important changed."]
	assert setup.session.lastAnswer == "Nothing important changed."


def test_withNothingDescribedOnTheScreenItSaysWhatToDo(mainThread, ollama):
	describer = Describer(mainThread.post, lambda: replace(Settings(), baseUrl=ollama.url), lambda s: None)
	try:
		listener = Recorder(mainThread)
		assert askWhatChanged(describer.pipeline(Settings()), None, listener, Settings().watchOptions())
		listener.wait()
		(_kind, error, _session) = listener.events[-1]
		assert error.sentence == "Describe something on the screen first; then this says what changed since."
		assert ollama.chatRequests() == []
	finally:
		assert describer.terminate(2)


def test_aBlackCaptureIsRefused(ollama, setups):
	setup = setups(ollama, model="gemma3:4b")
	setup.grabber.image = Image.new("RGB", (1280, 720))
	listener = setup.ask()
	assert listener.kinds() == ["error"]
	assert "black" in listener.events[-1][1].sentence
	assert len(ollama.chatRequests()) == 1


@pytest.mark.parametrize(
	("provider", "model", "several"),
	[
		("ollama", "qwen2.5vl:7b", True),
		("ollama", "qwen3-vl:8b", True),
		("ollama", "gemma3:4b", True),
		("ollama", "gemma3:1b", False),
		("ollama", "mistral-small3.2", True),
		("ollama", "minicpm-v:8b", True),
		("ollama", "llama3.2-vision:11b", False),
		("ollama", "llava:7b", False),
		("ollama", "hf.co/unsloth/gemma3-27b-GGUF", True),
		("ollama", "some-new-model", False),
		("openai", "anything", True),
		("azure", "my-deployment", True),
		("openaiCompatible", "gpt-4o-mini", True),
		("openaiCompatible", "llava-v1.6", False),
	],
)
def test_whichModelsTakeSeveralPictures(provider, model, several):
	assert takesSeveralImages(provider, model) is several


def test_sharedPolicyHalvesPixelsAndBytes():
	policy = ImagePolicy(maxLongSide=1568, maxShortSide=768, byteBudget=750_000)
	shared = sharedPolicy(policy, 2)
	assert (shared.maxLongSide, shared.maxShortSide, shared.byteBudget) == (1108, 543, 375_000)
	assert sharedPolicy(policy, 1) is policy
