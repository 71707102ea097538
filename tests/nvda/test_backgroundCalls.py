"""The shared "run in the background, deliver on the main thread" helper, on real wx and real threads.

The owner is a real wx.Frame, so "the owner is gone" is a destroyed wx window, as for the settings
panel. Work functions wait on events the test sets, so every ordering below is forced, not hoped for.
"""

import threading

import pytest
import wx
import wxHelpers

pytestmark = pytest.mark.display

PREFIX = "backgroundCallsTest"


@pytest.fixture
def frame(wxApp):
	window = wx.Frame(None)
	yield window
	if window:
		window.Destroy()
	for worker in [t for t in threading.enumerate() if t.name.startswith(PREFIX)]:
		worker.join(timeout=5)
	wxHelpers.processEvents()


def makeCalls(owner):
	from visionDescriber.backgroundCalls import BackgroundCalls

	return BackgroundCalls(owner, PREFIX)


class Recorder:
	"""Callbacks that note what they got and on which thread."""

	def __init__(self):
		self.results = []
		self.errors = []
		self.threads = []

	def onResult(self, value):
		self.results.append(value)
		self.threads.append(threading.current_thread())

	def onError(self, error):
		self.errors.append(error)
		self.threads.append(threading.current_thread())


def joinWorkers():
	for worker in [t for t in threading.enumerate() if t.name.startswith(PREFIX)]:
		worker.join(timeout=5)
	wxHelpers.processEvents()


def test_workRunsOnANamedThreadAndItsResultArrivesOnTheMainThread(frame):
	calls = makeCalls(frame)
	recorder = Recorder()
	ranOn = []

	def work():
		ranOn.append(threading.current_thread())
		return 42

	calls.run("sum", work, recorder.onResult, recorder.onError)
	assert wxHelpers.waitFor(lambda: recorder.results)
	assert recorder.results == [42] and recorder.errors == []
	assert ranOn[0] is not threading.main_thread() and ranOn[0].name == f"{PREFIX}.sum"
	assert ranOn[0].daemon
	assert recorder.threads == [threading.main_thread()]


def test_aFailureArrivesOnTheMainThreadAsTheErrorItself(frame):
	calls = makeCalls(frame)
	recorder = Recorder()
	failure = OSError(13, "Permission denied")

	def work():
		raise failure

	calls.run("read", work, recorder.onResult, recorder.onError)
	assert wxHelpers.waitFor(lambda: recorder.errors)
	assert recorder.errors == [failure] and recorder.results == []
	assert recorder.threads == [threading.main_thread()]


def test_aNewerCallOfTheSameKindWinsOverAnOlderOneThatAnswersLater(frame):
	calls = makeCalls(frame)
	recorder = Recorder()
	older, newer = threading.Event(), threading.Event()
	calls.run("list", lambda: older.wait(5) and "older", recorder.onResult, recorder.onError)
	calls.run("list", lambda: newer.wait(5) and "newer", recorder.onResult, recorder.onError)
	other = Recorder()
	calls.run("other", lambda: older.wait(5) and "other kind", other.onResult, other.onError)
	newer.set()
	assert wxHelpers.waitFor(lambda: recorder.results)
	older.set()  # the older answer arrives last
	joinWorkers()
	assert recorder.results == ["newer"]
	assert other.results == ["other kind"]  # another kind is not affected


@pytest.mark.parametrize("how", ["drop", "dropAll"])
def test_droppingMakesAnAnswerOnItsWayStale(frame, how):
	calls = makeCalls(frame)
	recorder = Recorder()
	gate = threading.Event()
	calls.run("key", lambda: gate.wait(5) and "stale", recorder.onResult, recorder.onError)
	calls.run("models", lambda: gate.wait(5) and "kept", recorder.onResult, recorder.onError)
	if how == "drop":
		calls.drop("key")
	else:
		calls.dropAll()
	gate.set()
	joinWorkers()
	assert recorder.results == (["kept"] if how == "drop" else [])
	assert recorder.errors == []


@pytest.mark.parametrize("failing", [False, True], ids=["answer", "failure"])
def test_nothingIsDeliveredOnceTheOwnerWindowIsDestroyed(frame, failing):
	calls = makeCalls(frame)
	recorder = Recorder()
	gate = threading.Event()

	def work():
		gate.wait(5)
		if failing:
			raise RuntimeError("too late")
		return "too late"

	calls.run("slow", work, recorder.onResult, recorder.onError)
	frame.Destroy()
	assert wxHelpers.waitFor(lambda: not frame)
	gate.set()
	joinWorkers()
	assert recorder.results == [] and recorder.errors == []


def test_withoutAnOwnerTheOutcomeArrivesEvenAfterTheWindowClosed(frame):
	"""Saving a key when OK closes the settings: the user must still hear whether it worked."""
	calls = makeCalls(None)
	recorder = Recorder()
	gate = threading.Event()

	def failingWork():
		gate.wait(5)
		raise OSError("the store is locked")

	calls.run("save", failingWork, recorder.onResult, recorder.onError)
	frame.Destroy()
	gate.set()
	joinWorkers()
	assert [str(error) for error in recorder.errors] == ["the store is locked"]
	assert recorder.threads == [threading.main_thread()]
