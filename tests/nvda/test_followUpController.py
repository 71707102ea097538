"""The follow-up dialog's controller with no window: wx and gui cannot even be imported while these run.

A recording view stands in for the window and keeps what it is told (and the question the user
"typed"); a real Describer talks to the fake Ollama on 127.0.0.1 in Ollama's wire format. What the
describer (and a finished save) posts to the main thread waits in a queue until the test pumps it,
on the test's own thread, so each step happens when the test says and not before.
"""

import contextlib
import queue
import re
import sys
import threading
import time
from dataclasses import replace

import pytest
from clientHelpers import noThreadLeak  # noqa: F401 - a fixture
from followUpSupport import (
	CONTEXT,
	DESCRIPTION,
	QUESTION,
	Grabber,
	PluginListener,
	gatedReply,
	preparePng,
	stalledReply,
)
from servers.fakeOllama import NDJSON, FakeOllama, ollamaError, ollamaReply
from servers.httpServer import Reply, Stall
from visionDescriberCore.describing import Describer, ImageSource
from visionDescriberCore.settings import Settings

PARTS = [f"visionDescriber.followUp.{name}" for name in ("conversations", "controller", "saving", "window")]


@pytest.fixture
def withoutWx(monkeypatch):
	"""The plugin package is imported first (it uses wx itself); then wx and gui are made
	unimportable and the follow-up dialog's parts are imported afresh."""
	import visionDescriber  # noqa: F401

	for name in PARTS:
		monkeypatch.delitem(sys.modules, name, raising=False)
	monkeypatch.setitem(sys.modules, "wx", None)
	monkeypatch.setitem(sys.modules, "gui", None)


class MainQueue:
	"""NVDA's main thread as the describer sees it (wx.CallAfter): run here when the test pumps."""

	def __init__(self):
		self._queue: queue.SimpleQueue = queue.SimpleQueue()

	def post(self, fn) -> None:
		self._queue.put(fn)

	def pumpUntil(self, condition, timeout: float = 10.0) -> bool:
		deadline = time.monotonic() + timeout
		while not condition():
			if time.monotonic() > deadline:
				return False
			with contextlib.suppress(queue.Empty):
				self._queue.get(timeout=0.01)()
		return True

	def pumpFor(self, seconds: float) -> None:
		self.pumpUntil(lambda: False, timeout=seconds)


class RecordingView:
	"""The window as the controller sees it: keeps what it was told, in order, and its state."""

	def __init__(self):
		self.told: list[tuple] = []
		self.title = ""
		self.recent: list[str] = []
		self.selected: int | None = None
		self.history = ""
		self.latestAnswer: int | None = None
		self.status = ""
		self.question = ""
		self.historyFocused = False
		#: What askSavePath answers; the names it was offered.
		self.savePath: str | None = None
		self.offeredNames: list[str] = []

	def _tell(self, *what) -> None:
		self.told.append(what)

	def showTitle(self, title):
		self._tell("showTitle", title)
		self.title = title

	def showRecent(self, labels):
		self._tell("showRecent", list(labels))
		self.recent = list(labels)

	def selectRecent(self, index):
		self._tell("selectRecent", index)
		self.selected = index

	def showHistory(self, text, latestAnswer):
		self._tell("showHistory", text, latestAnswer)
		self.history, self.latestAnswer = text, latestAnswer

	def appendToHistory(self, text):
		self._tell("appendToHistory", text)
		self.history += text

	def showStatus(self, text):
		self._tell("showStatus", text)
		self.status = text

	def questionText(self):
		return self.question

	def setQuestion(self, text):
		self._tell("setQuestion", text)
		self.question = text

	def focusQuestion(self):
		self._tell("focusQuestion")

	def historyHasFocus(self):
		return self.historyFocused

	def focusHistoryAt(self, index):
		self._tell("focusHistoryAt", index)
		self.historyFocused = True

	def askSavePath(self, defaultName):
		self.offeredNames.append(defaultName)
		return self.savePath

	def close(self):
		self._tell("close")

	def said(self, what: str) -> bool:
		return any(entry[0] == what for entry in self.told)


class Setup:
	def __init__(self, ollama):
		from visionDescriber.followUp.conversations import ConversationMemory
		from visionDescriber.speechOutput import SpeechOutput

		self.ollama = ollama
		self.settings = replace(Settings(), baseUrl=ollama.url, model="gemma3:4b", progressTones=False)
		self.main = MainQueue()
		self.describer = Describer(
			self.main.post,
			lambda: self.settings,
			lambda settings: None,
			lambda: "en",
			prepare=preparePng,
			checkNotBlank=lambda image: None,
		)
		self.speechOutput = SpeechOutput(lambda: self.settings)
		self.grabber = Grabber()
		#: The controller of the "open dialog" (None: closed), as the owner would answer.
		self.controller = None
		self.memory = ConversationMemory(self.describer, lambda: self.controller)

	def describe(self, pieces=DESCRIPTION):
		self.ollama.queueChat(ollamaReply(pieces))
		listener = PluginListener()
		assert self.describer.describe(ImageSource(self.grabber, "navigator object", CONTEXT), listener)
		assert self.main.pumpUntil(listener.ended.is_set), "the describe did not end"
		assert listener.events[-1] == "answer"
		assert self.idle()
		return self.describer.lastSession

	def open(self, session=None):
		"""What the owner does on opening: a controller with a view, showing the session."""
		from visionDescriber.followUp.controller import FollowUpController

		view = RecordingView()
		self.controller = FollowUpController(self.memory, self.speechOutput, self.main.post)
		self.controller.attach(view)
		self.controller.showSession(session or self.memory.sessionToShow())
		return self.controller, view

	def close(self):
		self.controller = None

	def idle(self) -> bool:
		return self.main.pumpUntil(lambda: not self.describer.busy)

	def pumpUntilTurns(self, session, count: int) -> bool:
		return self.main.pumpUntil(lambda: len(session.conversation.turns) == count)


@pytest.fixture
def setup(noThreadLeak, withoutWx):  # noqa: F811 - the fixture imported above
	ollama = FakeOllama().start()
	setup = Setup(ollama)
	yield setup
	if setup.memory.exchange is not None:
		setup.memory.exchange.detach()
	assert setup.describer.terminate(2)
	ollama.stop()


def messages() -> list[str]:
	"""What was spoken, in order (phrases go to speech directly, messages through ui.message)."""
	import speech

	return speech.testing.spoken()


# --- The parts know nothing of wx ----------------------------------------------------------------


def test_the_window_is_the_only_part_that_needs_wx(withoutWx):
	import importlib

	for name in PARTS[:-1]:
		importlib.import_module(name)
	with pytest.raises(ImportError):
		importlib.import_module("visionDescriber.followUp.window")


# --- Asking --------------------------------------------------------------------------------------


def test_a_question_streams_into_the_history_and_ends_ready_for_the_next(setup):
	session = setup.describe()
	controller, view = setup.open()
	assert view.title == f"Vision Describer conversation: {session.title}"
	assert view.status == "Type a question and press Enter."
	gate = threading.Event()
	setup.ollama.queueChat(gatedReply(["January is lowest. ", "It is"], [" about a third of March."], gate))

	view.question = QUESTION
	controller.send(view.question)

	assert view.question == "" and view.status == "Answering..."
	assert messages()[-1] == "Answering..."
	assert view.history.endswith(f"You: {QUESTION}\n\nVision Describer:")
	assert setup.main.pumpUntil(lambda: "January is lowest." in messages())
	assert view.history.endswith(f"You: {QUESTION}\n\nVision Describer: January is lowest.")
	assert ("appendToHistory", " January is lowest.") in view.told

	gate.set()
	assert setup.pumpUntilTurns(session, 4)
	answer = "Vision Describer: January is lowest. It is about a third of March."
	assert view.history.endswith(f"You: {QUESTION}\n\n{answer}")
	assert view.history[view.latestAnswer :] == answer
	assert view.status == "Type a question and press Enter."
	assert "It is about a third of March." in messages()
	assert setup.ollama.chatRequests()[-1].json["messages"][-1]["content"] == QUESTION


def test_an_empty_question_is_not_sent_and_the_field_gets_the_focus(setup):
	setup.describe()
	controller, view = setup.open()
	controller.send("  \n ")
	assert messages()[-1] == "Type a question first."
	assert view.told[-1] == ("focusQuestion",)
	assert len(setup.ollama.chatRequests()) == 1


def test_busy_with_a_describe_says_still_answering_and_keeps_the_question(setup):
	setup.describe()
	controller, view = setup.open()
	setup.ollama.queueChat(Reply(200, [Stall(30)], NDJSON))
	assert setup.describer.describe(ImageSource(setup.grabber, "screen"), PluginListener())
	setup.ollama.waitForRequests(2)
	view.question = QUESTION
	controller.send(view.question)
	assert messages()[-1] == "Still answering..."
	assert view.question == QUESTION and not view.said("setQuestion")
	controller.stop()  # the dialog's Stop is for its own answers
	assert messages()[-1] == "Nothing to stop."
	assert setup.describer.busy
	assert setup.describer.cancel()
	assert setup.idle()


# --- Errors --------------------------------------------------------------------------------------


def test_an_error_is_a_sentence_in_the_history_is_spoken_and_the_question_stays(setup):
	session = setup.describe()
	controller, view = setup.open()
	setup.ollama.queueChat(ollamaError("model runner has unexpectedly stopped", 500))
	view.question = QUESTION
	controller.send(view.question)
	assert view.question == ""

	sentence = "The server had a problem (error 500). Try again later."
	assert setup.main.pumpUntil(lambda: sentence in messages())
	assert "unexpectedly stopped" not in " ".join(messages())  # the raw body is for the log only
	assert view.history.endswith(f"You: {QUESTION}\n\nError: {sentence}")
	assert view.status == sentence
	assert view.question == QUESTION  # back in the field to try again
	assert len(session.conversation.turns) == 2

	# Tried again: the error stays in the history above the answer.
	assert setup.idle()
	setup.ollama.queueChat(ollamaReply(["January."]))
	controller.send(view.question)
	assert setup.pumpUntilTurns(session, 4)
	assert view.history.endswith(f"Error: {sentence}\n\nYou: {QUESTION}\n\nVision Describer: January.")


def test_an_error_leaves_a_new_question_the_user_typed_alone(setup):
	setup.describe()
	controller, view = setup.open()
	setup.ollama.queueChat(ollamaError("out of memory", 500))
	controller.send(QUESTION)
	view.question = "Is there a legend?"  # typed while the answer was on its way
	assert setup.main.pumpUntil(lambda: view.status.startswith("The server had a problem"))
	assert view.question == "Is there a legend?"


def test_a_cut_short_answer_is_kept_once_and_the_question_returns(setup):
	session = setup.describe()
	controller, view = setup.open()
	setup.ollama.queueChat(ollamaReply(["January is lowest. ", "It is"], done=False))
	controller.send(QUESTION)
	assert setup.main.pumpUntil(lambda: "The answer was cut off before it finished." in messages())
	assert session.lastAnswer == "January is lowest. It is"
	assert view.history.endswith(
		f"You: {QUESTION}\n\nVision Describer: January is lowest. It is\n\n"
		"Error: The answer was cut off before it finished."
	)
	assert view.history.count(f"You: {QUESTION}") == 1
	assert view.question == QUESTION


# --- Stopping and closing ------------------------------------------------------------------------


def test_stop_silences_cancels_notes_it_and_gives_the_question_back(setup):
	import speech

	session = setup.describe()
	controller, view = setup.open()
	setup.ollama.queueChat(stalledReply(["January is lowest. ", "And"]))
	controller.send(QUESTION)
	assert setup.main.pumpUntil(lambda: "January is lowest." in messages())

	controller.escape()  # Escape while answering stops

	assert not view.said("close")
	assert speech.testing.events[-2:] == [("cancel",), ("speak", "Stopped.")]
	assert view.status == "Stopped."
	assert view.question == QUESTION
	# What was heard stays in the history, marked as stopped.
	assert view.history.endswith(
		f"You: {QUESTION}\n\nVision Describer: January is lowest.\n\nStopped before the answer was complete."
	)
	assert setup.idle(), "the request was not cancelled"
	setup.main.pumpFor(0.2)
	assert messages()[-1] == "Stopped."  # nothing spoken after the stop
	assert len(session.conversation.turns) == 2

	controller.stop()
	assert messages()[-1] == "Nothing to stop."
	controller.escape()  # nothing on its way: Escape closes
	assert view.told[-1] == ("close",)


def test_with_the_dialog_closed_the_answer_is_still_spoken_and_shown_on_reopening(setup):
	session = setup.describe()
	controller, view = setup.open()
	gate = threading.Event()
	setup.ollama.queueChat(gatedReply(["January is lowest. ", "It is"], [" small."], gate))
	controller.send(QUESTION)
	assert setup.main.pumpUntil(lambda: "January is lowest." in messages())
	setup.close()
	toldBefore = len(view.told)
	gate.set()
	assert setup.pumpUntilTurns(session, 4)
	assert "It is small." in messages()
	assert len(view.told) == toldBefore  # a closed window is told nothing

	_controller, reopened = setup.open()
	assert reopened.history.endswith("Vision Describer: January is lowest. It is small.")
	assert reopened.status == "Type a question and press Enter."


# --- Recent conversations, new image, Alt+L ------------------------------------------------------


def test_recent_conversations_are_named_in_plain_text(setup):
	session = setup.describe(["## Sales\n", "**March** is `highest`.\n", "- January is lowest."])
	controller, view = setup.open()
	assert view.recent == [f"{session.title}: Sales March is highest. January is lowest."]


def test_recent_conversations_are_newest_first_and_choosing_one_shows_it(setup):
	first = setup.describe()
	second = setup.describe(["A login form. ", "It asks for a password."])
	controller, view = setup.open()
	assert controller.session is second
	assert view.recent == [
		f"{second.title}: A login form. It asks for a password.",
		f"{first.title}: A bar chart of sales. March has the highest bar.",
	]
	assert view.selected == 0

	controller.chooseRecent(1)
	assert controller.session is first and setup.memory.shown is first
	assert view.title == f"Vision Describer conversation: {first.title}"
	assert "bar chart" in view.history and "login form" not in view.history
	assert view.selected == 1
	showsBefore = [entry for entry in view.told if entry[0] == "showRecent"]
	controller.chooseRecent(5)  # out of range: nothing
	controller.refreshRecent()  # nothing changed: the list is not sent again
	assert controller.session is first
	assert [entry for entry in view.told if entry[0] == "showRecent"] == showsBefore


def test_new_image_shows_the_picture_request_and_adds_the_picture(setup):
	session = setup.describe()
	controller, view = setup.open()
	setup.ollama.queueChat(ollamaReply(["Yes, the health bar is low."]))
	controller.newImage(" Is the health bar low? ")
	assert view.history.endswith(
		"You: Picture of navigator object. Is the health bar low?\n\nVision Describer:"
	)
	assert setup.pumpUntilTurns(session, 4)
	assert setup.grabber.calls == 2
	assert view.history.endswith("Vision Describer: Yes, the health bar is low.")


def test_alt_l_moves_to_the_newest_answer_and_says_its_line_when_already_there(setup):
	setup.describe()
	controller, view = setup.open()
	spoken = len(messages())
	controller.focusLatestAnswer()
	assert view.told[-1] == ("focusHistoryAt", view.latestAnswer)
	assert view.history[view.latestAnswer :].startswith("Vision Describer: A bar chart")
	assert len(messages()) == spoken  # NVDA itself reads the line the focus lands on

	controller.focusLatestAnswer()  # again, the history already focused: NVDA would say nothing
	assert messages()[-1] == "Vision Describer: A bar chart of sales. March has the highest bar."
	assert len(messages()) == spoken + 1


# --- Copy and save -------------------------------------------------------------------------------


def test_copy_answer_copies_the_newest_answer_without_markdown(setup):
	import api

	setup.describe(["A **bar chart** of sales."])
	controller, _view = setup.open()
	controller.copyAnswer()
	assert api.testing.clipboard == "A bar chart of sales."
	assert messages()[-1] == "Answer copied."
	api.testing.clipboardFails = True
	controller.copyAnswer()
	assert messages()[-1] == "Could not copy. Another program may be using the clipboard; try again."


def test_save_writes_off_the_main_thread_and_says_so_on_it(setup, tmp_path):
	setup.describe(["A **bar chart** of sales."])
	controller, view = setup.open()
	view.savePath = str(tmp_path / "chat.md")
	controller.save()
	assert re.fullmatch(r"Vision Describer conversation \d{4}-\d\d-\d\d \d\d-\d\d\.txt", view.offeredNames[0])
	thread = controller.saveThread
	assert thread is not threading.current_thread() and thread.name == "visionDescriber.saveConversation"
	thread.join(5)
	assert "Saved chat.md." not in messages()  # said on the main thread, not the writer's
	assert setup.main.pumpUntil(lambda: messages()[-1:] == ["Saved chat.md."])
	text = (tmp_path / "chat.md").read_text(encoding="utf-8")
	assert text.startswith("# Vision Describer conversation: ")
	assert "## Vision Describer\n\nA **bar chart** of sales.\n" in text


def test_a_cancelled_save_writes_nothing_and_a_failed_one_says_what_to_do(setup, tmp_path):
	setup.describe()
	controller, view = setup.open()
	controller.save()  # the user cancelled the file dialog (savePath None)
	assert controller.saveThread is None
	view.savePath = str(tmp_path / "missing" / "chat.txt")
	controller.save()
	controller.saveThread.join(5)
	expected = "Could not save chat.txt: that folder does not exist. Choose another folder or name."
	assert setup.main.pumpUntil(lambda: messages()[-1:] == [expected])
	assert list(tmp_path.iterdir()) == []
