"""The describe pipeline end to end in the core: image source -> guard -> prepare -> fake Ollama or
OpenAI over real sockets -> phrases on a stand-in main thread -> conversation remembered."""

import base64
import io
import threading
import time
from dataclasses import replace

import pytest
from mainThread import MainThread
from PIL import Image, ImageDraw
from servers.fakeOllama import ollamaReply
from servers.httpServer import Reply, Stall, freePort
from visionDescriberCore import errors
from visionDescriberCore.clients import createClient
from visionDescriberCore.describing import Describer, ImageSource, endpointConfigFor
from visionDescriberCore.settings import Settings


def screenshot() -> Image.Image:
	"""A small UI-like picture: white window, dark title bar, a button with text."""
	image = Image.new("RGB", (640, 400), "white")
	draw = ImageDraw.Draw(image)
	draw.rectangle((0, 0, 639, 30), fill=(30, 60, 120))
	draw.rectangle((250, 180, 390, 220), outline="black", fill=(220, 220, 220))
	draw.text((280, 192), "Submit", fill="black")
	return image


class Recorder:
	"""A Listener that records what reached the main thread, in order."""

	def __init__(self, mainThread: MainThread):
		self.mainThread = mainThread
		self.events: list[tuple] = []
		self.done = threading.Event()
		self.wrongThread = False
		self.describer = None
		self.busyAtAnswer = None

	def _record(self, *event) -> None:
		self.wrongThread |= not self.mainThread.isCurrent()
		self.events.append(event)

	def onRequestSent(self):
		self._record("sent")

	def onPhrase(self, text):
		self._record("phrase", text)

	def onAnswer(self, session, text):
		self._record("answer", session, text)
		self.busyAtAnswer = self.describer.busy if self.describer else None
		self.done.set()

	def onError(self, error, session):
		self._record("error", error, session)
		self.done.set()

	def phrases(self) -> list[str]:
		return [event[1] for event in self.events if event[0] == "phrase"]

	def kinds(self) -> list[str]:
		return [event[0] for event in self.events]

	def wait(self) -> None:
		assert self.done.wait(10), f"no answer or error; got {self.kinds()}"
		self.mainThread.drain()


class Grabber:
	def __init__(self, image: Image.Image):
		self.image = image
		self.calls = 0

	def __call__(self) -> Image.Image:
		self.calls += 1
		return self.image


@pytest.fixture
def mainThread():
	thread = MainThread()
	yield thread
	thread.stop()
	assert thread.errors == []


def makeDescriber(mainThread, server, **overrides) -> Describer:
	settings = replace(Settings(), **{"baseUrl": server.url, "model": "gemma3:4b", **overrides})
	describer = Describer(mainThread.post, lambda: settings, lambda s: None, lambda: "en")
	return describer


@pytest.fixture
def describerFor(mainThread):
	made = []

	def make(server, **overrides):
		describer = makeDescriber(mainThread, server, **overrides)
		made.append(describer)
		return describer

	yield make
	for describer in made:
		assert describer.terminate(2)


def test_describe_speaks_phrases_in_order_and_remembers_the_conversation(ollama, mainThread, describerFor):
	ollama.queueChat(
		ollamaReply(["A form with a blue title bar. ", "It has one button, ", "labelled Submit."])
	)
	describer = describerFor(ollama)
	listener = Recorder(mainThread)
	listener.describer = describer
	source = ImageSource(
		Grabber(screenshot()), "navigator object", "This is a button labelled 'Submit' in Notepad."
	)

	assert describer.describe(source, listener)
	listener.wait()

	assert listener.kinds()[0] == "sent"
	assert listener.kinds()[-1] == "answer"
	assert " ".join(listener.phrases()) == "A form with a blue title bar. It has one button, labelled Submit."
	assert not listener.wrongThread
	session = describer.lastSession
	assert session is listener.events[-1][1]
	assert listener.busyAtAnswer is False  # a follow-up can be sent straight from the answer
	assert [turn.role for turn in session.conversation.turns] == ["user", "assistant"]
	assert session.lastAnswer == "A form with a blue title bar. It has one button, labelled Submit."
	# On the wire: bare base64 of the prepared image, the object context in the prompt, no thinking.
	body = ollama.chatRequests()[0].json
	assert body["think"] is False
	userMessage = body["messages"][-1]
	assert "labelled 'Submit' in Notepad" in userMessage["content"]
	sent = Image.open(io.BytesIO(base64.b64decode(userMessage["images"][0])))
	assert sent.size == (640, 400)
	assert session.conversation.turns[0].image.data == base64.b64decode(userMessage["images"][0])
	assert body["messages"][0]["role"] == "system"


def test_a_second_describe_while_busy_is_refused_and_cancel_is_silent(ollama, mainThread, describerFor):
	# The server sends nothing, not even headers, as Ollama does while it loads a model.
	ollama.queueChat(
		Reply(200, ollamaReply(["Too late."]).body, "application/x-ndjson", beforeHeaders=[Stall(30)])
	)
	describer = describerFor(ollama)
	stalled = Recorder(mainThread)
	assert describer.describe(ImageSource(Grabber(screenshot()), "screen"), stalled)
	assert waitUntil(lambda: len(ollama.chatRequests()) == 1)
	assert describer.busy
	second = Recorder(mainThread)
	assert not describer.describe(ImageSource(Grabber(screenshot()), "screen"), second)

	assert describer.cancel()
	assert waitUntil(lambda: not describer.busy)
	mainThread.drain()
	assert "answer" not in stalled.kinds() and "error" not in stalled.kinds()
	assert second.events == []
	assert describer.lastSession is None

	# The cancelled connection was shut down; the next describe works on a fresh one.
	ollama.queueChat(ollamaReply(["A form."]))
	again = Recorder(mainThread)
	assert describer.describe(ImageSource(Grabber(screenshot()), "screen"), again)
	again.wait()
	assert again.phrases() == ["A form."]
	first, retry = ollama.chatRequests()
	assert first.clientAddress != retry.clientAddress


def test_the_connection_is_kept_between_requests_until_a_setting_changes(ollama, mainThread, noThreadLeak):
	"""Reusing the open connection spares a new connection (for https, a handshake) before the first
	words; a changed address, model or key must get a fresh client."""
	settings = {"value": replace(Settings(), baseUrl=ollama.url, model="gemma3:4b")}
	keys = {"value": None}
	made = []

	def clientFactory(config):
		made.append(config)
		return createClient(config)

	describer = Describer(
		mainThread.post, lambda: settings["value"], lambda s: keys["value"], clientFactory=clientFactory
	)
	try:
		ollama.queueChat(
			ollamaReply(["One."]), ollamaReply(["Two."]), ollamaReply(["Three."]), ollamaReply(["Four."])
		)
		for index, change in enumerate((None, None, "model", "key")):
			if change == "model":
				settings["value"] = replace(settings["value"], model="qwen2.5vl:7b")
			elif change == "key":
				keys["value"] = "proxy-key-0123456789"
			listener = Recorder(mainThread)
			describer.describe(ImageSource(Grabber(screenshot().rotate(index * 90)), "screen"), listener)
			listener.wait()
			assert listener.kinds()[-1] == "answer"
	finally:
		assert describer.terminate(2)
	addresses = [request.clientAddress for request in ollama.chatRequests()]
	assert addresses[0] == addresses[1]  # the same connection, reused
	assert [config.model for config in made] == ["gemma3:4b", "qwen2.5vl:7b", "qwen2.5vl:7b"]
	assert [config.apiKey for config in made] == [None, None, "proxy-key-0123456789"]


def waitUntil(condition, timeout: float = 5.0) -> bool:
	deadline = time.monotonic() + timeout
	while not condition():
		if time.monotonic() > deadline:
			return False
		time.sleep(0.01)
	return True


def test_follow_up_resends_the_stored_image_and_the_history(ollama, mainThread, describerFor):
	ollama.queueChat(ollamaReply(["A chart of sales."]), ollamaReply(["The highest bar is March."]))
	describer = describerFor(ollama)
	grabber = Grabber(screenshot())
	first = Recorder(mainThread)
	describer.describe(ImageSource(grabber, "navigator object"), first)
	first.wait()
	session = describer.lastSession

	followUp = Recorder(mainThread)
	assert describer.ask(session, "Which bar is highest?", followUp)
	followUp.wait()

	assert grabber.calls == 1  # a follow-up never captures again
	assert followUp.phrases() == ["The highest bar is March."]
	messages = ollama.chatRequests()[1].json["messages"]
	assert [message["role"] for message in messages] == ["system", "user", "assistant", "user"]
	assert messages[1]["images"] == ollama.chatRequests()[0].json["messages"][1]["images"]
	assert messages[3]["content"] == "Which bar is highest?"
	assert [turn.text for turn in session.conversation.turns][2:] == [
		"Which bar is highest?",
		"The highest bar is March.",
	]
	assert describer.sessions == [session]


def test_new_image_captures_again_into_the_same_conversation(ollama, mainThread, describerFor):
	ollama.queueChat(ollamaReply(["Level one."]), ollamaReply(["Level two, health low."]))
	describer = describerFor(ollama)
	grabber = Grabber(screenshot())
	first = Recorder(mainThread)
	describer.describe(ImageSource(grabber, "foreground window"), first)
	first.wait()
	session = describer.lastSession

	grabber.image = screenshot().rotate(180)
	again = Recorder(mainThread)
	assert describer.addImage(session, again, "Is the health bar low?")
	again.wait()

	assert grabber.calls == 2
	images = [turn.image for turn in session.conversation.turns if turn.image is not None]
	assert len(images) == 2 and images[0].data != images[1].data
	lastMessage = ollama.chatRequests()[1].json["messages"][-1]
	assert lastMessage["content"] == "Is the health bar low?"
	assert base64.b64decode(lastMessage["images"][0]) == images[1].data


def test_new_image_of_another_source_joins_the_conversation_and_the_target_stays(
	ollama, mainThread, describerFor
):
	"""A spoken question with a picture of its own: that source is captured into the conversation;
	the session keeps its own target for the dialog's New image."""
	ollama.queueChat(ollamaReply(["A chart."]), ollamaReply(["You have little health."]))
	describer = describerFor(ollama)
	chart = Grabber(screenshot())
	first = Recorder(mainThread)
	describer.describe(ImageSource(chart, "navigator object"), first)
	first.wait()
	session = describer.lastSession

	game = Grabber(screenshot().rotate(180))
	again = Recorder(mainThread)
	assert describer.addImage(session, again, "How much health do I have left?", ImageSource(game, "screen"))
	again.wait()

	assert (chart.calls, game.calls) == (1, 1)
	assert session.source.grab is chart and describer.sessions == [session]
	lastMessage = ollama.chatRequests()[1].json["messages"][-1]
	assert lastMessage["content"] == "How much health do I have left?"
	assert base64.b64decode(lastMessage["images"][0]) == session.conversation.turns[-2].image.data
	assert len(session.conversation.turns) == 4  # one conversation: the chart, then the new picture


def test_model_not_found_is_reported_with_its_sentence_and_nothing_is_kept(ollama, mainThread, describerFor):
	describer = describerFor(ollama, model="llava:missing")
	listener = Recorder(mainThread)
	describer.describe(ImageSource(Grabber(screenshot()), "screen"), listener)
	listener.wait()

	kind, error, session = listener.events[-1]
	assert kind == "error"
	assert isinstance(error, errors.ModelNotFound)
	assert "ollama pull llava:missing" in error.sentence
	assert session is None
	assert describer.sessions == []


def test_a_black_capture_is_refused_before_anything_is_sent(ollama, mainThread, describerFor):
	describer = describerFor(ollama)
	listener = Recorder(mainThread)
	describer.describe(ImageSource(Grabber(Image.new("RGB", (1920, 1080), "black")), "screen"), listener)
	listener.wait()

	assert listener.kinds() == ["error"]
	assert isinstance(listener.events[0][1], errors.BlankCapture)
	assert ollama.chatRequests() == []


def test_an_image_file_is_not_refused_for_being_flat(ollama, mainThread, describerFor):
	ollama.queueChat(ollamaReply(["A plain black picture."]))
	describer = describerFor(ollama)
	listener = Recorder(mainThread)
	black = Image.new("RGB", (200, 200), "black")
	describer.describe(ImageSource(Grabber(black), "picture.png", isScreenCapture=False), listener)
	listener.wait()
	assert listener.kinds()[-1] == "answer"


def test_an_identical_request_is_answered_from_the_cache(ollama, mainThread, describerFor):
	ollama.queueChat(ollamaReply(["A login form."]))
	describer = describerFor(ollama)
	for _ in range(2):
		listener = Recorder(mainThread)
		describer.describe(ImageSource(Grabber(screenshot()), "screen"), listener)
		listener.wait()
		assert listener.phrases() == ["A login form."]
	assert len(ollama.chatRequests()) == 1
	assert len(describer.sessions) == 2


def test_a_stream_cut_short_keeps_what_arrived(ollama, mainThread, describerFor):
	ollama.queueChat(ollamaReply(["The window shows ", "a list of files. ", "The first"], done=False))
	describer = describerFor(ollama)
	listener = Recorder(mainThread)
	describer.describe(ImageSource(Grabber(screenshot()), "screen"), listener)
	listener.wait()

	kind, error, _ = listener.events[-1]
	assert kind == "error" and isinstance(error, errors.StreamCutShort)
	assert "".join(listener.phrases()).startswith("The window shows a list of files.")
	assert describer.lastSession.lastAnswer == "The window shows a list of files. The first"


def brokenBytes(reply):
	"""reply with "@@" replaced by a UTF-8 sequence cut short (as a proxy that splits bytes sends it)
	and "%%" by the JSON escape of a lone surrogate (half an emoji)."""

	def broken(piece):
		return piece.replace(b"@@", b"\xc3").replace(b"%%", b"\\ud83d") if isinstance(piece, bytes) else piece

	reply.body = [broken(piece) for piece in reply.body]
	return reply


def test_broken_bytes_and_control_characters_never_reach_speech_or_the_conversation(
	ollama, mainThread, describerFor
):
	# "\x07" travels as a JSON escape; "@@" becomes a byte that is not UTF-8, "%%" half an emoji.
	ollama.queueChat(brokenBytes(ollamaReply(["The caf@@ sign\x07 says ", "OPEN%%. ", "Lights are on."])))
	describer = describerFor(ollama)
	listener = Recorder(mainThread)
	describer.describe(ImageSource(Grabber(screenshot()), "screen"), listener)
	listener.wait()
	assert listener.phrases() == ["The caf sign says OPEN.", "Lights are on."]
	assert describer.lastSession.lastAnswer == "The caf sign says OPEN. Lights are on."


def test_what_arrived_before_a_cut_is_kept_clean(ollama, mainThread, describerFor):
	ollama.queueChat(brokenBytes(ollamaReply(["A form@@ with ", "two\x00 fields. ", "The"], done=False)))
	describer = describerFor(ollama)
	listener = Recorder(mainThread)
	describer.describe(ImageSource(Grabber(screenshot()), "screen"), listener)
	listener.wait()
	assert listener.kinds()[-1] == "error"
	assert describer.lastSession.lastAnswer == "A form with two fields. The"


def test_reasoning_is_never_spoken(ollama, mainThread, describerFor):
	ollama.queueChat(ollamaReply(["Two icons."], thinking=["Let me look at the icons first."]))
	describer = describerFor(ollama)
	listener = Recorder(mainThread)
	describer.describe(ImageSource(Grabber(screenshot()), "screen"), listener)
	listener.wait()
	assert listener.phrases() == ["Two icons."]
	assert describer.lastSession.lastAnswer == "Two icons."


def test_an_unreachable_server_names_its_address(mainThread, noThreadLeak):
	url = f"http://127.0.0.1:{freePort()}"
	settings = replace(Settings(), baseUrl=url)
	describer = Describer(mainThread.post, lambda: settings, lambda s: None)
	listener = Recorder(mainThread)
	describer.describe(ImageSource(Grabber(screenshot()), "screen"), listener)
	listener.wait()
	error = listener.events[-1][1]
	assert isinstance(error, errors.ServerUnreachable)
	assert "127.0.0.1" in error.sentence
	assert describer.terminate(2)


def test_endpoint_config_takes_the_key_only_from_the_key_store():
	settings = replace(
		Settings(), provider="openai", baseUrl="https://api.openai.com/v1", keepModelLoaded=True
	)
	config = endpointConfigFor(settings, "sk-secret-value-123456")
	assert config.apiKey == "sk-secret-value-123456"
	assert "sk-secret" not in repr(config)
	assert config.keepAlive == -1
	assert endpointConfigFor(replace(settings, keepModelLoaded=False), None).apiKey is None


# --- Capturing first, asking after -------------------------------------------------------------------


class CaptureRecorder:
	"""A CaptureListener that records what reached the main thread, and whether the worker was free."""

	def __init__(self, mainThread: MainThread, describer: Describer):
		self.mainThread = mainThread
		self.describer = describer
		self.events: list[tuple] = []
		self.done = threading.Event()
		self.wrongThread = False
		self.busyAtCapture = None

	def onCaptured(self, source):
		self.wrongThread |= not self.mainThread.isCurrent()
		self.busyAtCapture = self.describer.busy
		self.events.append(("captured", source))
		self.done.set()

	def onError(self, error, session):
		self.wrongThread |= not self.mainThread.isCurrent()
		self.events.append(("error", error, session))
		self.done.set()

	def wait(self) -> None:
		assert self.done.wait(10), f"nothing reported; got {self.events}"
		self.mainThread.drain()


class ThreadGrabber(Grabber):
	"""A Grabber that notes the thread each grab ran on."""

	def __init__(self, image: Image.Image):
		super().__init__(image)
		self.threads: list[str] = []

	def __call__(self) -> Image.Image:
		self.threads.append(threading.current_thread().name)
		return super().__call__()


def sentPicture(request) -> Image.Image:
	return Image.open(io.BytesIO(base64.b64decode(request.json["messages"][-1]["images"][0])))


TITLE_BAR = (30, 60, 120)


def test_capture_first_takes_the_picture_and_the_question_goes_with_that_picture(
	ollama, mainThread, describerFor
):
	ollama.queueChat(ollamaReply(["The title bar is blue."]), ollamaReply(["Now it is at the bottom."]))
	describer = describerFor(ollama)
	grabber = ThreadGrabber(screenshot())
	source = ImageSource(grabber, "navigator object", "This is a graphic labelled 'chart1' in Excel.")
	captured = CaptureRecorder(mainThread, describer)

	assert describer.captureFirst(source, captured)
	captured.wait()

	[(kind, held)] = captured.events
	assert kind == "captured" and not captured.wrongThread
	assert captured.busyAtCapture is False  # the question can be sent straight from onCaptured
	assert (held.label, held.context, held.isScreenCapture) == (source.label, source.context, True)
	assert grabber.calls == 1 and grabber.threads == ["visionDescriber.worker"]
	assert ollama.requests == []  # nothing is sent before the question
	assert describer.sessions == []

	grabber.image = screenshot().rotate(180)  # meanwhile the screen changed (a dialog over it)
	answer = Recorder(mainThread)
	assert describer.describe(held, answer, question="What colour is the title bar?")
	answer.wait()
	assert answer.phrases() == ["The title bar is blue."]
	assert grabber.calls == 1  # the picture taken before the question, not a new one
	content = ollama.chatRequests()[0].json["messages"][-1]["content"]
	assert content.endswith("What colour is the title bar?")
	assert "labelled 'chart1' in Excel" in content
	assert sentPicture(ollama.chatRequests()[0]).getpixel((5, 5)) == TITLE_BAR

	# A new image in the same conversation looks again.
	session = describer.lastSession
	again = Recorder(mainThread)
	assert describer.addImage(session, again, "And now?")
	again.wait()
	assert grabber.calls == 2 and grabber.threads == ["visionDescriber.worker"] * 2
	picture = sentPicture(ollama.chatRequests()[1])
	assert picture.getpixel((5, 5)) == (255, 255, 255)
	assert picture.getpixel((5, picture.height - 5)) == TITLE_BAR


def test_capture_first_refuses_a_black_screen_but_not_a_black_picture_file(ollama, mainThread, describerFor):
	describer = describerFor(ollama)
	black = Image.new("RGB", (800, 600), "black")
	refused = CaptureRecorder(mainThread, describer)
	assert describer.captureFirst(ImageSource(Grabber(black), "whole screen"), refused)
	refused.wait()
	[(kind, error, session)] = refused.events
	assert kind == "error" and isinstance(error, errors.BlankCapture) and error.black
	assert session is None and not refused.wrongThread

	accepted = CaptureRecorder(mainThread, describer)
	assert describer.captureFirst(ImageSource(Grabber(black), "night.png", isScreenCapture=False), accepted)
	accepted.wait()
	assert [event[0] for event in accepted.events] == ["captured"]
	assert ollama.requests == []


def test_capture_first_while_busy_is_refused_and_reports_nothing(ollama, mainThread, describerFor):
	ollama.queueChat(
		Reply(200, ollamaReply(["Too late."]).body, "application/x-ndjson", beforeHeaders=[Stall(30)])
	)
	describer = describerFor(ollama)
	assert describer.describe(ImageSource(Grabber(screenshot()), "screen"), Recorder(mainThread))
	ollama.waitForRequests(1)
	grabber = Grabber(screenshot())
	captured = CaptureRecorder(mainThread, describer)
	assert not describer.captureFirst(ImageSource(grabber, "screen"), captured)
	assert describer.cancel()
	assert waitUntil(lambda: not describer.busy)
	mainThread.drain()
	assert captured.events == [] and grabber.calls == 0


def test_a_cancel_during_the_capture_reports_nothing(ollama, mainThread, describerFor):
	describer = describerFor(ollama)
	started, release = threading.Event(), threading.Event()

	def slowGrab():
		started.set()
		release.wait(5)
		return screenshot()

	captured = CaptureRecorder(mainThread, describer)
	assert describer.captureFirst(ImageSource(slowGrab, "screen"), captured)
	assert started.wait(5)
	assert describer.cancel()
	release.set()
	assert waitUntil(lambda: not describer.busy)
	mainThread.drain()
	assert captured.events == []
	assert ollama.requests == []


def test_an_unexpected_capture_failure_is_one_plain_sentence_and_a_logged_traceback(
	ollama, mainThread, describerFor, caplog
):
	describer = describerFor(ollama)

	def brokenGrab():
		raise RuntimeError("the display went away")

	captured = CaptureRecorder(mainThread, describer)
	with caplog.at_level("ERROR", logger="visionDescriber"):
		assert describer.captureFirst(ImageSource(brokenGrab, "screen"), captured)
		captured.wait()
	[(kind, error, session)] = captured.events
	assert kind == "error" and type(error) is errors.VisionDescriberError and session is None
	assert error.sentence == "Something went wrong. Details are in the NVDA log."
	assert "RuntimeError" in error.detail
	assert any(
		record.exc_info and "the display went away" in str(record.exc_info[1]) for record in caplog.records
	)
