"""One background worker that runs one job at a time and reports back to the main thread.

NVDA's main thread must never wait on the network. The NVDA layer submits a job (capture, prepare,
stream, narrate) and gets an answer at once: True when it started, False when a job is already
running (then it says "Still describing; press ... to stop"). Nothing is queued silently.

The runner never calls NVDA or wx. Jobs report back only through `post(fn)`, which the NVDA layer
sets to `wx.CallAfter`, so fn runs on the main thread. `cancel()` cancels the running job's
`CancelToken`, whose callbacks break blocking reads at once (a client shuts its socket down).
`terminate()` cancels and waits at most `timeout` seconds; a job that ignores cancellation longer
is abandoned (the thread is a daemon, so it cannot keep NVDA from exiting) and the log says so.
After `terminate()` nothing more is posted to the main thread.
"""

import logging
import threading
from collections.abc import Callable

from .cancellation import CancelToken
from .errors import Cancelled, VisionDescriberError

log = logging.getLogger("visionDescriber")

Job = Callable[[CancelToken], None]
Post = Callable[[Callable[[], None]], None]


class JobRunner:
	"""Single-flight job runner.

	post: runs a function on the main thread later (wx.CallAfter in NVDA).
	onError: called on the main thread with a VisionDescriberError when a job fails (not when it
	was cancelled: whoever cancels says "Cancelled" at once). Unexpected exceptions are logged with
	their traceback and reported as a plain VisionDescriberError ("Something went wrong...").
	"""

	def __init__(
		self,
		post: Post,
		onError: Callable[[VisionDescriberError], None] | None = None,
		name: str = "visionDescriber.worker",
	):
		self._post = post
		self.onError = onError
		self._name = name
		self._condition = threading.Condition()
		self._job: Job | None = None
		self._token: CancelToken | None = None
		self._running = False
		self._stopping = False
		self._whenDone: list[Callable[[], None]] = []
		self._thread: threading.Thread | None = None

	@property
	def busy(self) -> bool:
		"""True from a successful submit until that job has returned."""
		with self._condition:
			return self._job is not None or self._running

	@property
	def terminated(self) -> bool:
		return self._stopping

	def submit(self, job: Job) -> bool:
		"""Starts job(token) on the worker. False when a job is running or the runner was terminated."""
		with self._condition:
			if self._stopping or self._job is not None or self._running:
				return False
			self._job = job
			self._token = CancelToken()
			self._ensureThread()
			self._condition.notify_all()
			return True

	def cancel(self) -> bool:
		"""Cancels the running job at once (its token's callbacks run on this thread).
		Returns True when there was a job to cancel."""
		with self._condition:
			token = self._token if (self._job is not None or self._running) else None
		if token is None or token.cancelled:
			return False
		token.cancel()
		return True

	def terminate(self, timeout: float = 1.0) -> bool:
		"""Cancels any job and stops the worker, waiting at most timeout seconds.
		Returns True when the worker ended; False when it was abandoned."""
		with self._condition:
			self._stopping = True
			token = self._token
			self._condition.notify_all()
		if token is not None:
			token.cancel()
		thread = self._thread
		if thread is None or thread is threading.current_thread():
			return True
		thread.join(timeout)
		if thread.is_alive():
			log.warning(
				"The worker thread did not stop within %.1f s (a job ignored cancellation); "
				"abandoning it as a daemon thread",
				timeout,
			)
			return False
		return True

	def post(self, fn: Callable[[], None]) -> None:
		"""Runs fn on the main thread (through the post function given to the runner). Jobs use this
		for every report; after terminate() it does nothing."""
		if self._stopping:
			return
		try:
			self._post(fn)
		except Exception:
			log.exception("Could not post to the main thread")

	def postWhenDone(self, fn: Callable[[], None]) -> None:
		"""Like post, but only once the running job has returned and the runner is free: a job's last
		report (the answer, the error) then arrives when the next job can already start."""
		with self._condition:
			self._whenDone.append(fn)

	def whenFree(self, fn: Callable[[], None]) -> None:
		"""Runs fn on the main thread as soon as no job is running: now (posted) when the runner is
		idle, otherwise once the running job has returned. One lock decides, so fn cannot be left
		waiting for a job that has just ended (the watcher gives way to a describe through this)."""
		with self._condition:
			if self._job is not None or self._running:
				self._whenDone.append(fn)
				return
		self.post(fn)

	# --- The worker -----------------------------------------------------------------------------

	def _ensureThread(self) -> None:
		if self._thread is None:
			self._thread = threading.Thread(target=self._work, name=self._name, daemon=True)
			self._thread.start()

	def _work(self) -> None:
		while True:
			with self._condition:
				while self._job is None and not self._stopping:
					self._condition.wait()
				if self._stopping:
					self._job = None
					return  # terminated: a job submitted just before is dropped
				job, token = self._job, self._token
				self._job = None
				self._running = True
			try:
				self._run(job, token)
			finally:
				with self._condition:
					self._running = False
					self._token = None
					whenDone, self._whenDone = self._whenDone, []
				for fn in whenDone:
					self.post(fn)

	def _run(self, job: Job, token: CancelToken) -> None:
		try:
			job(token)
		except BaseException as error:
			if isinstance(error, Cancelled) or token.cancelled:
				log.debug("Job ended after cancellation: %s", type(error).__name__)
				return
			if isinstance(error, VisionDescriberError):
				log.warning("Job failed: %s: %s", type(error).__name__, error.detail)
				report = error
			elif isinstance(error, Exception):
				log.exception("Job failed unexpectedly")
				report = VisionDescriberError(f"{type(error).__name__} (traceback in the log)")
				report.__cause__ = error
			else:
				raise  # SystemExit and the like end the thread
			if self.onError is not None:
				onError = self.onError
				self.post(lambda: onError(report))
