"""Watching a target: check it at an interval, and say what changed once the change has settled.

Threads. The main thread calls start, stop, giveWay, resume and conversation, and receives every
listener call. The ticker thread only calls `tick`, which posts to the main thread. The describer's
worker runs the checks and the requests, as jobs on the same single-flight runner as describes:

	tick (ticker) -> _onTick (main: time limit, target still valid, nothing in flight) -> submit
	check (worker): grab -> black or flat? -> thumbnail -> ChangeTracker.observe
	    -> changed and settled, within the request cap: prepare -> one request carrying what was
	       said before -> MarkerGate -> narrate (phrases posted) -> this frame is the new baseline
	-> _reported (main): the picture and the words remembered, onReport

It never queues: while a job is in flight (a request streaming), ticks are skipped, and the next
check captures the newest frame and compares it with the frame just described; only that is sent.
Only the watch's own job is ever cancelled (through its own token), never a describe.

A describe, question or voice question pressed while watching goes through `giveWay(then)`: the
watch's job is cancelled at once, `then` runs on the main thread as soon as the worker is free, and
`resume(picture, description)` with the new answer continues the watch from that picture. The first
check after it prepares the capture as the describe did and compares the two encoded pictures; if
the screen changed meanwhile, the described picture (decoded, so compared with more tolerance) stays
the baseline and the change is reported as usual.

Black frames for a few seconds stop the watch (a game in exclusive full screen, Screen Curtain);
a flat frame of another colour is skipped (never sent). Stops are spoken once, through onStopped.
"""

import functools
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PIL import Image

from ..cancellation import CancelToken
from ..conversation.conversation import Conversation
from ..conversation.prompts import languageInstruction
from ..errors import Cancelled, VisionDescriberError
from ..media import PreparedImage
from ..text.narration import narrate
from .changeDetection import ChangeTracker, Frame, frameOf, frameOfPrepared, practicallyIdentical
from .markerGate import MarkerGate, removeMarker
from .options import StopReason, WatchOptions, startSentence, stopSentence
from .pipeline import Pipeline, WatchListener
from .ticker import Ticker
from .watchPrompts import WATCH_SUMMARY, boundedContext, watchPrompt

log = logging.getLogger("visionDescriber")

_IDLE, _RUNNING, _PAUSED, _STOPPED = "idle", "running", "paused", "stopped"
REQUEST_WINDOW_SECONDS = 60.0


@dataclass(frozen=True)
class _Resume:
	picture: PreparedImage | None
	description: str


class Watcher:
	"""One watch of one target, from start() to its one onStopped.

	grab: worker; returns the target's pixels (a PIL image) or raises a VisionDescriberError.
	checkTarget: main thread, before each check; returns a StopReason when the target is gone (the
	window closed or, if the user wants, left the foreground; Windows locked; Screen Curtain on),
	None while it is fine.
	clock: monotonic seconds (tests pass a fake one); useTicker=False leaves the ticks to the caller.
	"""

	def __init__(
		self,
		pipeline: Pipeline,
		grab: Callable[[], Any],
		listener: WatchListener,
		options: WatchOptions | None = None,
		checkTarget: Callable[[], str | None] | None = None,
		clock: Callable[[], float] = time.monotonic,
		useTicker: bool = True,
	):
		self.options = options or WatchOptions()
		self._pipeline = pipeline
		self._runner = pipeline.runner
		self._grab = grab
		self._listener = listener
		self._checkTarget = checkTarget
		self._clock = clock
		self._useTicker = useTicker
		self._ticker: Ticker | None = None
		# Main thread.
		self._state = _IDLE
		self._startedAt = 0.0
		self._inFlight = False
		self._resume: _Resume | None = None
		self._firstDescription = ""
		self._changes: deque[str] = deque(maxlen=max(1, self.options.keptChanges))
		self._picture: PreparedImage | None = None
		self._requestsSent = 0
		self._answers = 0
		# Written by the worker when a job starts, read on the main thread to cancel that job only.
		self._jobToken: CancelToken | None = None
		# Worker.
		self._tracker = ChangeTracker(
			settleChecks=self.options.checks(self.options.settleSeconds),
			maxWaitChecks=self.options.checks(self.options.maxWaitSeconds),
			historyChecks=self.options.checks(self.options.historySeconds),
		)
		self._blackChecks = 0
		self._sentAt: deque[float] = deque()

	# --- State for the NVDA layer (main thread) -----------------------------------------------------

	@property
	def active(self) -> bool:
		"""Started and not stopped (paused counts: the watch resumes after a describe)."""
		return self._state in (_RUNNING, _PAUSED)

	@property
	def paused(self) -> bool:
		return self._state == _PAUSED

	@property
	def busy(self) -> bool:
		"""A check or a request of this watch is on the worker (its reports may still be on the way)."""
		return self._inFlight

	@property
	def requestsSent(self) -> int:
		return self._requestsSent

	@property
	def answers(self) -> int:
		"""Requests answered in full, "nothing changed" answers included."""
		return self._answers

	@property
	def latestPicture(self) -> PreparedImage | None:
		"""The last picture the model saw while watching."""
		return self._picture

	@property
	def said(self) -> str:
		"""What the watch has said, bounded: the first description, then the changes, oldest first."""
		return boundedContext(self._firstDescription, list(self._changes))

	def conversation(self) -> Conversation | None:
		"""A new conversation holding the latest picture and what was said about it, for the follow-up
		dialog or a spoken question; None before the model has seen anything."""
		if self._picture is None:
			return None
		conversation = Conversation(self._pipeline.systemPrompt)
		conversation.addUserTurn(WATCH_SUMMARY, self._picture)
		conversation.addAssistantTurn(self.said)
		return conversation

	# --- Commands (main thread) ---------------------------------------------------------------------

	def start(self, picture: PreparedImage | None = None, description: str = "") -> None:
		"""Starts watching and checks at once. With the picture and answer of a description the user
		has just heard (of this target), that picture is the baseline and nothing is asked first;
		otherwise the first check asks for a short description of the screen."""
		if self._state != _IDLE:
			raise RuntimeError("a Watcher is started once")
		self._state = _RUNNING
		self._startedAt = self._clock()
		if picture is not None or description.strip():
			self._firstDescription = description.strip()
			self._picture = picture
			self._resume = _Resume(picture, description)
		self._listener.onWatchStarted(startSentence(self.options))
		if self._useTicker:
			self._ticker = Ticker(self.options.intervalSeconds, self.tick)
			self._ticker.start()
		self._onTick()

	def stop(self, reason: str = StopReason.USER, error: VisionDescriberError | None = None) -> None:
		"""Ends the watch (a request in flight is cancelled at once) and says why, once."""
		if self._state in (_IDLE, _STOPPED):
			return
		self._state = _STOPPED
		if self._ticker is not None:
			self._ticker.stop()
		self._cancelJob()
		sentence = stopSentence(reason, self.options, error.sentence if error is not None else "")
		self._listener.onStopped(reason, sentence)

	def giveWay(self, then: Callable[[], None]) -> None:
		"""A describe or question takes precedence: the watch's job is cancelled and the watch pauses;
		then() runs on the main thread as soon as the worker is free. Call resume() afterwards."""
		if self._state == _RUNNING:
			self._state = _PAUSED
			self._cancelJob()
		self._runner.whenFree(then)

	def resume(self, picture: PreparedImage | None = None, description: str = "") -> None:
		"""Continues after giveWay. Pass the picture and answer of the describe that took precedence
		when it described the watched target: the watch goes on from that picture, and its words are
		what the next request says was said. Without them (another target, or the describe failed)
		the watch goes on from where it was."""
		if self._state != _PAUSED:
			return
		self._state = _RUNNING
		if description.strip():
			self._firstDescription = description.strip()
			self._changes.clear()
		if picture is not None:
			self._picture = picture
			self._resume = _Resume(picture, description)

	def tick(self) -> None:
		"""A check is due (any thread: the ticker calls it; tests call it by hand)."""
		self._runner.post(self._onTick)

	# --- Main thread --------------------------------------------------------------------------------

	def _onTick(self) -> None:
		if not self.active:
			return
		if self._clock() - self._startedAt >= self.options.timeLimitSeconds:
			self.stop(StopReason.TIME_LIMIT)
			return
		if self._state == _PAUSED:
			return
		if self._checkTarget is not None:
			try:
				reason = self._checkTarget()
			except Exception:
				log.exception("Checking the watched target failed")
				reason = None
			if reason:
				self.stop(reason)  # a request still streaming is cancelled
				return
		if self._inFlight:
			return  # this frame is skipped: the next check sees a newer one
		job = functools.partial(self._runCheck, self.said, self._resume)
		if self._runner.submit(job):
			self._inFlight = True
			self._resume = None

	def _cancelJob(self) -> None:
		token = self._jobToken
		if token is not None:
			token.cancel()

	def _jobEnded(self, token: CancelToken) -> None:
		if self._jobToken is token:
			self._jobToken = None
		self._inFlight = False

	def _requestSent(self) -> None:
		if self._state == _STOPPED:
			return
		self._requestsSent += 1
		self._listener.onRequestSent()

	def _reported(self, picture: PreparedImage, phrases: list[str], first: bool) -> None:
		if self._state == _STOPPED:
			return
		text = " ".join(phrases)
		self._picture = picture
		self._answers += 1
		if first:
			self._firstDescription = text
		elif text:
			self._changes.append(text)
		self._listener.onReport(text)

	def _stopFromJob(
		self, reason: str, token: CancelToken, error: VisionDescriberError | None = None
	) -> None:
		if not token.cancelled:
			self.stop(reason, error)

	# --- Worker -------------------------------------------------------------------------------------

	def _runCheck(self, said: str, resume: _Resume | None, token: CancelToken) -> None:
		self._jobToken = token
		try:
			if self._state == _RUNNING:
				self._check(said, resume, token)
		except Cancelled:
			pass
		except VisionDescriberError as error:
			if not token.cancelled:
				log.warning("Watching: %s: %s", type(error).__name__, error.detail)
				self._runner.post(functools.partial(self._stopFromJob, StopReason.ERROR, token, error))
		except Exception:
			if not token.cancelled:
				log.exception("Watching failed unexpectedly")
				self._runner.post(functools.partial(self._stopFromJob, StopReason.ERROR, token))
		finally:
			# Last, so that when it has run on the main thread every report of this job has too.
			self._runner.postWhenDone(functools.partial(self._jobEnded, token))

	def _check(self, said: str, resume: _Resume | None, token: CancelToken) -> None:
		image = self._grab()
		token.raiseIfCancelled()
		frame = frameOf(image)
		if frame.black:
			self._blackChecks += 1
			enough = self._blackChecks >= self.options.checks(self.options.blackSecondsToStop)
			if enough or not self._tracker.hasBaseline:
				self._runner.post(functools.partial(self._stopFromJob, StopReason.BLACK_FRAMES, token))
			return
		self._blackChecks = 0
		if frame.blank:
			return  # one flat colour (a loading screen): never sent, never a baseline
		if resume is not None and resume.picture is not None:
			self._applyResume(resume.picture, image, frame, token)
		if not self._tracker.hasBaseline:
			prompt = " ".join(
				part
				for part in (self.options.firstPrompt, languageInstruction(self.options.language))
				if part
			)
			self._send(image, frame, prompt, token, first=True)
			return
		verdict = self._tracker.observe(frame)
		if not verdict.report:
			return
		if not self._withinCap():
			log.debug("Watching: a change waits for the request cap")
			return
		log.debug("Watching: %s change of %.3f %%", verdict.why, verdict.changedShare * 100)
		self._send(image, frame, watchPrompt(said, self.options.language), token, first=False)

	def _applyResume(
		self, picture: PreparedImage, image: Image.Image, frame: Frame, token: CancelToken
	) -> None:
		"""The describe that took precedence is the new baseline, compared as it was sent."""
		described = frameOfPrepared(picture)
		now = frameOfPrepared(self._pipeline.prepare(image, token))
		if described.size != now.size or practicallyIdentical(described, now):
			self._tracker.setBaseline(frame)  # unchanged since (or another target): from this frame
			return
		rebuilt = described.thumbnail.resize(frame.size, Image.Resampling.BILINEAR)
		self._tracker.setBaseline(Frame(rebuilt, False, False), approximate=True)

	def _withinCap(self) -> bool:
		cap = self.options.maxRequestsPerMinute
		if cap <= 0:
			return True
		now = self._clock()
		while self._sentAt and now - self._sentAt[0] >= REQUEST_WINDOW_SECONDS:
			self._sentAt.popleft()
		return len(self._sentAt) < cap

	def _send(self, image: Image.Image, frame: Frame, prompt: str, token: CancelToken, first: bool) -> None:
		prepared = self._pipeline.prepare(image, token)
		token.raiseIfCancelled()
		request = Conversation(self._pipeline.systemPrompt)
		request.addUserTurn(prompt, prepared)
		self._sentAt.append(self._clock())
		self._runner.post(lambda: None if token.cancelled else self._requestSent())
		gate = MarkerGate()
		deltas = self._pipeline.streamAnswer(request, token)
		phrases: list[str] = []
		narrate(
			deltas if first else gate.filter(deltas),
			post=self._runner.post,
			onPhrase=self._phraseSink(phrases, mayInterrupt=not first),
			streamSpeech=self.options.streamSpeech,
			token=token,
		)
		self._tracker.setBaseline(frame, learn=first)
		self._runner.postWhenDone(functools.partial(self._reported, prepared, phrases, first))

	def _phraseSink(self, phrases: list[str], mayInterrupt: bool) -> Callable[[str], None]:
		"""Main thread: speaks a phrase of the current answer. The first phrase of a change may cut off
		an older one; the first look never interrupts (it follows "Watching for changes.")."""

		def onPhrase(text: str) -> None:
			text = removeMarker(text)
			if not text or self._state != _RUNNING:
				return
			interrupt = not phrases and mayInterrupt and self.options.interruptOlderReport
			phrases.append(text)
			self._listener.onPhrase(text, interrupt)

		return onPhrase
