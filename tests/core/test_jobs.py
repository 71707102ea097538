import logging
import socket
import threading
import time

import pytest
from mainThread import MainThread
from visionDescriberCore.cancellation import CancelToken
from visionDescriberCore.errors import Cancelled, ModelNotFound, VisionDescriberError
from visionDescriberCore.jobs import JobRunner

WAIT = 5.0  # generous bound for events that should happen at once


@pytest.fixture
def main():
	thread = MainThread()
	yield thread
	thread.stop()
	assert thread.errors == []


@pytest.fixture
def runner(main):
	errors: list[VisionDescriberError] = []
	errorThreads: list[bool] = []

	def onError(error):
		errorThreads.append(main.isCurrent())
		errors.append(error)

	jobRunner = JobRunner(main.post, onError=onError)
	jobRunner.reportedErrors = errors
	jobRunner.errorThreads = errorThreads
	yield jobRunner
	assert jobRunner.terminate(timeout=WAIT)
	assert not [t for t in threading.enumerate() if t.name == "visionDescriber.worker"]


def blockingRead(token: CancelToken, ended: threading.Event):
	"""A job blocked in a real socket read; cancelling shuts the socket down, which wakes it."""
	reader, writer = socket.socketpair()
	try:
		token.onCancel(lambda: reader.shutdown(socket.SHUT_RDWR))
		data = reader.recv(1024)  # blocks: nobody writes
		if not data:
			token.raiseIfCancelled()
	finally:
		reader.close()
		writer.close()
		ended.set()


def test_a_job_runs_on_the_worker_and_reports_on_the_main_thread(main, runner):
	seen = {}
	reported = threading.Event()

	def job(token):
		seen["worker"] = threading.current_thread().name

		def report():
			seen["mainThread"] = main.isCurrent()
			reported.set()

		runner.post(report)

	assert not runner.busy
	assert runner.submit(job)
	assert reported.wait(WAIT)
	assert seen == {"worker": "visionDescriber.worker", "mainThread": True}


def test_a_second_job_while_busy_is_refused_not_queued(runner):
	release = threading.Event()
	started = threading.Event()
	second = []
	assert runner.submit(lambda token: (started.set(), release.wait(WAIT)))
	assert started.wait(WAIT)
	assert runner.busy
	assert runner.submit(lambda token: second.append("ran")) is False
	release.set()
	deadline = time.monotonic() + WAIT
	while runner.busy and time.monotonic() < deadline:
		time.sleep(0.01)
	assert not runner.busy
	assert second == []
	done = threading.Event()
	assert runner.submit(lambda token: done.set())
	assert done.wait(WAIT)


def test_cancel_wakes_a_job_blocked_on_a_socket(runner):
	ended = threading.Event()
	assert runner.cancel() is False  # nothing to cancel
	assert runner.submit(lambda token: blockingRead(token, ended))
	time.sleep(0.05)  # let it block in recv
	assert not ended.is_set()
	assert runner.cancel() is True
	assert ended.wait(WAIT)
	assert runner.cancel() is False  # already cancelled
	runner.terminate(WAIT)
	assert runner.reportedErrors == []  # a cancelled job is not an error to announce


def test_a_typed_error_is_reported_on_the_main_thread(main, runner, caplog):
	caplog.set_level(logging.DEBUG, logger="visionDescriber")

	def job(token):
		raise ModelNotFound("llava", provider="ollama", detail="404 from /api/chat")

	assert runner.submit(job)
	deadline = time.monotonic() + WAIT
	while not runner.reportedErrors and time.monotonic() < deadline:
		time.sleep(0.01)
	main.drain()
	[error] = runner.reportedErrors
	assert isinstance(error, ModelNotFound)
	assert runner.errorThreads == [True]
	assert "404 from /api/chat" in caplog.text


def test_an_unexpected_exception_is_logged_and_reported_plainly(main, runner, caplog):
	caplog.set_level(logging.DEBUG, logger="visionDescriber")
	assert runner.submit(lambda token: {}["missing"])
	deadline = time.monotonic() + WAIT
	while not runner.reportedErrors and time.monotonic() < deadline:
		time.sleep(0.01)
	[error] = runner.reportedErrors
	assert type(error) is VisionDescriberError
	assert error.sentence == "Something went wrong. Details are in the NVDA log."
	assert isinstance(error.__cause__, KeyError)
	assert "Traceback" in caplog.text and "KeyError" in caplog.text
	# The worker survived and takes the next job.
	done = threading.Event()
	deadline = time.monotonic() + WAIT
	while not runner.submit(lambda token: done.set()):
		assert time.monotonic() < deadline
		time.sleep(0.01)
	assert done.wait(WAIT)


def test_terminate_stops_an_idle_or_cancellable_worker(runner):
	assert runner.terminate() is True  # never started
	fresh = JobRunner(lambda fn: fn())
	ended = threading.Event()
	assert fresh.submit(lambda token: blockingRead(token, ended))
	time.sleep(0.05)
	assert fresh.terminate(timeout=1.0) is True
	assert ended.is_set()
	assert fresh.submit(lambda token: None) is False  # terminated


def test_terminate_abandons_a_job_that_ignores_cancellation(main, caplog):
	caplog.set_level(logging.DEBUG, logger="visionDescriber")
	runner = JobRunner(main.post)
	release = threading.Event()
	started = threading.Event()
	posted = []

	def stubborn(token):
		started.set()
		release.wait(WAIT)  # ignores the token
		runner.post(lambda: posted.append("late"))

	assert runner.submit(stubborn)
	assert started.wait(WAIT)
	before = time.monotonic()
	assert runner.terminate(timeout=0.2) is False
	assert time.monotonic() - before < WAIT  # returned by itself, not when the job ended
	assert runner._thread.daemon and runner._thread.is_alive()
	assert "abandoning it as a daemon thread" in caplog.text
	# Let the job end so no thread outlives the test; its late report never reaches the main thread.
	release.set()
	runner._thread.join(WAIT)
	assert not runner._thread.is_alive()
	main.drain()
	assert posted == []


def test_a_failing_post_is_logged_not_raised(caplog):
	def brokenPost(fn):
		raise RuntimeError("no wx app")

	runner = JobRunner(brokenPost, onError=lambda error: None)
	posted = threading.Event()
	with caplog.at_level(logging.ERROR, logger="visionDescriber"):
		assert runner.submit(lambda token: (runner.post(lambda: None), posted.set()))
		assert posted.wait(WAIT)
		assert runner.terminate(timeout=WAIT)
	assert "Could not post to the main thread" in caplog.text


def test_a_job_that_raises_cancelled_by_itself_is_quiet(runner, main):
	ran = threading.Event()

	def job(token):
		ran.set()
		raise Cancelled()

	assert runner.submit(job)
	assert ran.wait(WAIT)
	deadline = time.monotonic() + WAIT
	while runner.busy and time.monotonic() < deadline:
		time.sleep(0.01)
	main.drain()
	assert runner.reportedErrors == []


def test_a_last_report_arrives_when_the_next_job_can_start(main, runner):
	"""postWhenDone: the final report runs on the main thread only after the job has returned and the
	worker is free, so it can submit the next job at once (a follow-up question straight from an
	answer). The job lingers after posting: a plain post would run the report while it is still busy."""
	seen = []
	reportRan = threading.Event()
	nextJobRan = threading.Event()

	def report():
		seen.append(("report", runner.busy, runner.submit(lambda token: nextJobRan.set())))
		reportRan.set()

	def job(token):
		runner.postWhenDone(report)
		reportRan.wait(0.3)  # the report must not run yet
		seen.append(("job returns", reportRan.is_set()))

	assert runner.submit(job)
	assert nextJobRan.wait(5)
	main.drain()
	assert seen == [("job returns", False), ("report", False, True)]


def test_whenFree_runs_at_once_when_idle_and_after_the_job_when_busy(main, runner):
	ran: list[str] = []
	runner.whenFree(lambda: ran.append("idle"))
	main.drain()
	assert ran == ["idle"]
	release = threading.Event()
	assert runner.submit(lambda token: release.wait(WAIT))
	runner.whenFree(lambda: ran.append("after the job"))
	main.drain()
	assert ran == ["idle"]  # still running
	release.set()
	deadline = time.monotonic() + WAIT
	while runner.busy and time.monotonic() < deadline:
		time.sleep(0.005)
	main.drain()
	assert ran == ["idle", "after the job"]


def test_whenFree_never_waits_for_a_job_that_has_just_ended(main, runner):
	"""Asked in a tight loop against jobs that end at once: every call is answered."""
	answered: list[int] = []
	for number in range(200):
		runner.submit(lambda token: None)
		runner.whenFree(lambda number=number: answered.append(number))
	deadline = time.monotonic() + WAIT
	while len(answered) < 200 and time.monotonic() < deadline:
		main.drain()
	assert sorted(answered) == list(range(200))
