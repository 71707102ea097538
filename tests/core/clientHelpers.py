"""Shared fixtures and helpers for the client, CLI and benchmark code that talk to the fake servers."""

import threading
import time
from collections.abc import Callable

import pytest
from servers.fakeOllama import FakeOllama
from servers.fakeOpenAI import FakeOpenAI
from visionDescriberCore.clients.streaming import Finished, ReasoningDelta, TextDelta
from visionDescriberCore.conversation.conversation import Conversation
from visionDescriberCore.media import PreparedImage

PICTURE = PreparedImage(b"\x89PNG\r\n\x1a\n fake picture bytes \x00\xff", "image/png", 640, 480)


def conversationWithPicture(question: str = "Describe this picture.", systemPrompt: str = "") -> Conversation:
	conversation = Conversation(systemPrompt)
	conversation.addUserTurn(question, PICTURE)
	return conversation


def textOf(events) -> str:
	return "".join(event.text for event in events if isinstance(event, TextDelta))


def reasoningOf(events) -> str:
	return "".join(event.text for event in events if isinstance(event, ReasoningDelta))


def finishedOf(events) -> Finished:
	finals = [event for event in events if isinstance(event, Finished)]
	assert len(finals) == 1 and events[-1] is finals[0]
	return finals[0]


class Worker:
	"""Runs a call on its own thread, like the add-on's job runner, and keeps its result or error."""

	def __init__(self, call: Callable):
		self.result = None
		self.error: BaseException | None = None
		self.endedAt: float | None = None
		self._thread = threading.Thread(target=self._run, args=(call,), name="test-worker")
		self._thread.start()

	def _run(self, call):
		try:
			self.result = call()
		except BaseException as error:  # noqa: BLE001 - handed to the test
			self.error = error
		finally:
			self.endedAt = time.perf_counter()

	def join(self, timeout: float = 10.0) -> "Worker":
		self._thread.join(timeout)
		assert not self._thread.is_alive(), "the worker is still blocked"
		return self


def waitUntil(condition: Callable[[], bool], timeout: float = 5.0) -> None:
	deadline = time.monotonic() + timeout
	while not condition():
		assert time.monotonic() < deadline, "condition not reached in time"
		time.sleep(0.005)


@pytest.fixture
def noThreadLeak():
	"""Fails the test when a thread it started (client, worker or server) is still running afterwards."""
	before = set(threading.enumerate())
	yield
	deadline = time.monotonic() + 5
	while True:
		extra = [thread for thread in threading.enumerate() if thread not in before and thread.is_alive()]
		if not extra or time.monotonic() > deadline:
			break
		time.sleep(0.01)
	assert not extra, f"threads left behind: {extra}"


@pytest.fixture
def ollama(noThreadLeak):
	with FakeOllama() as server:
		yield server


@pytest.fixture
def openai(noThreadLeak):
	with FakeOpenAI(apiKey="sk-test-0123456789abcdef") as server:
		yield server
