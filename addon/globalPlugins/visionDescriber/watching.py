"""One watch the user started with G: the core's `Watcher`, what it says, and what pauses it.

Main thread only, as the core's watcher calls its listener there. `Watching` is that listener.

What it says. The start sentence (with the paid-service notice) and the stop sentence are said while
the G script runs when G caused them, so speech on demand says them too. Each report is one answer
of the shared `SpeechOutput` (`startAnswer`): spoken and brailled phrase by phrase, a tone when it
could not be heard (speech mode, or the user silenced it with a key), nothing at all for the
"nothing important changed" answer. Only the first look plays the progress tones (a model may be
loading); later requests are silent. A report whose first phrase may interrupt (the setting) cuts
off an older report still being spoken, as the add-on's own cancel, so the new one is not
silenced; speech that is not an older report is never cut off for it. A stop sentence cuts off a
report still being spoken (it is stale), except after G, whose key press already did. The newest
report is kept on the plugin (`plugin.lastReport`), so R can say it.

The target check runs before each check: a secure screen, a locked Windows or Screen Curtain stop
the watch, and so does the watched window closing (`winUser.isWindow` on the window handle of the
object watched) or, with the setting, another window coming to the front (the handle of
`api.getForegroundObject()` against the one in front when the watch started; NVDA's own windows,
such as its menu or the add-on's dialog that has just closed, do not count). A monitor has no
window: only the first three apply to it.

Giving way. A describe, a question, "what changed?", the follow-up dialog and the question dialog
pause the watch through a `Hold` each (`Watcher.giveWay`: the watch's request is cancelled at once);
when the last hold is released the watch resumes, from the picture and words of the newest answer
that was about the watched area (`Watcher.resume`), or from where it was. A job's hold is released
once the job has ended and its last report has run, answered, failed or cancelled alike
(`Hold.releaseAfterJob`), so no path leaves a watch paused for ever.

The core's watch modules need Pillow, which the plugin may not have found: they are imported when
a watch starts, never when this module loads.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import addonHandler
import api
import globalVars
import languageHandler
import winUser
from logHandler import log
from visionDescriberCore.describing import Session
from visionDescriberCore.watch.options import StopReason

from . import screenState, targets
from .speechOutput import AnswerOutput

if TYPE_CHECKING:
	from . import GlobalPlugin

addonHandler.initTranslation()


@dataclass(frozen=True)
class Report:
	"""What a watch (or "what changed?") said last, and when (time.monotonic)."""

	text: str
	at: float


class Hold:
	"""One reason the watch is paused; release it once (releasing again does nothing)."""

	def __init__(self, watching: "Watching", job: bool):
		self._watching = watching
		#: A describer job holds the worker (the busy sentence applies); a dialog does not.
		self.job = job
		self.released = False

	def release(self, session: Session | None = None, target: targets.Target | None = None) -> None:
		"""session: the answer that was given meanwhile, if any; its picture becomes the watch's if
		it is of the watched area (target: what that answer captured)."""
		if self.released:
			return
		self.released = True
		self._watching._released(self, session, target)

	def releaseAfterJob(
		self, target: targets.Target | None, sessionOf: Callable[[], Session | None] = lambda: None
	) -> None:
		"""Call right after the describer took a job: once that job has ended and everything it
		posted has run (its answer or error included), release with `sessionOf()`. A cancelled job
		posts nothing, and is released all the same."""
		runner = self._watching.plugin.describer.runner
		# whenFree runs once the job is done; posting again puts the release after the job's own last
		# reports, which the worker may have posted just before or just after this one.
		runner.whenFree(lambda: runner.post(lambda: self.release(sessionOf(), target)))


class Watching:
	"""A watch of `target`, from G to its one stop sentence; also its `WatchListener`."""

	def __init__(self, plugin: "GlobalPlugin", target: targets.Target):
		from visionDescriberCore.watch.watcher import Watcher

		self.plugin = plugin
		self.target = target
		settings = plugin.getSettings()
		self._windowHandle, self._frontHandle = _windowsOf(
			target, settings.watchStopWhenTargetLeavesForeground
		)
		self._holds: list[Hold] = []
		self._resumeWith: tuple[Any, str] | None = None
		self._followUpHold: Hold | None = None
		#: The report streaming now, and the last one whose speech may still be going on.
		self._report: AnswerOutput | None = None
		self._speaking: AnswerOutput | None = None
		self._stoppedByUser = False
		clock = plugin.watchClock
		self.watcher = Watcher(
			plugin.describer.pipeline(settings),
			target.source.grab,
			self,
			settings.watchOptions(languageHandler.getLanguage()),
			checkTarget=self._checkTarget,
			**({"clock": clock, "useTicker": False} if clock is not None else {}),
		)

	@property
	def active(self) -> bool:
		return self.watcher.active

	@property
	def givingWay(self) -> bool:
		"""A describe, question or comparison holds the worker (or is about to)."""
		return any(hold.job for hold in self._holds)

	def start(self, picture=None, description: str = "") -> None:
		self.watcher.start(picture, description)

	def stop(self, reason: str = StopReason.USER) -> None:
		self._stoppedByUser = reason == StopReason.USER
		self.watcher.stop(reason)

	def session(self) -> Session | None:
		"""The latest picture and what was said about it, as a conversation of its own (for the
		follow-up dialog and a spoken question); None before the model has seen anything."""
		conversation = self.watcher.conversation()
		return Session(conversation, self.target.source) if conversation is not None else None

	# --- Giving way ---------------------------------------------------------------------------------

	def hold(self, job: bool, then: Callable[[Hold], None] | None = None) -> Hold:
		"""Pauses the watch (its request is cancelled); then(hold) runs once the worker is free."""
		hold = Hold(self, job)
		self._holds.append(hold)
		self.watcher.giveWay((lambda: then(hold)) if then is not None else _nothing)
		return hold

	def giveWayTo(
		self,
		target: targets.Target | None,
		start: Callable[[], bool],
		sessionOf: Callable[[], Session | None] = lambda: None,
	) -> None:
		"""A describer job pressed while watching: start() (which submits it; False when the worker
		refused) runs once the watch's own job has ended; the watch resumes after it."""

		def startNow(hold: Hold) -> None:
			if start():
				hold.releaseAfterJob(target, sessionOf)
				return
			hold.release()
			self.plugin.speech.say(self.plugin.busySentence())

		self.hold(True, startNow)

	def holdWhileFollowUpOpen(self, followUpDialog) -> None:
		"""The follow-up dialog is open: the watch waits until it closes (it covers the screen and
		has the focus), then goes on from the newest picture of the watch's conversation."""
		if self._followUpHold is not None or followUpDialog.followUpDialog() is None:
			return
		hold = self._followUpHold = self.hold(False)

		def closed(session: Session | None) -> None:
			if self._followUpHold is hold:
				self._followUpHold = None
			hold.release(session)

		followUpDialog.whenClosed(closed)

	def _released(self, hold: Hold, session: Session | None, target: targets.Target | None) -> None:
		if hold in self._holds:
			self._holds.remove(hold)
		if session is not None and self._isAboutTarget(session, target):
			picture = session.conversation.lastImage
			if picture is not None and picture is not self.watcher.latestPicture:
				self._resumeWith = (picture, session.lastAnswer)
		if self._holds:
			return
		picture, description = self._resumeWith or (None, "")
		self._resumeWith = None
		self.watcher.resume(picture, description)

	def _isAboutTarget(self, session: Session, target: targets.Target | None) -> bool:
		if session.source is self.target.source:
			return True  # the watch's own conversation (a new image in the follow-up dialog)
		return target is not None and targets.sameArea(self.target, target)

	# --- The target check (before each check) -----------------------------------------------------

	def _checkTarget(self) -> str | None:
		if screenState.isSecureScreen():
			return StopReason.SECURE_SCREEN
		if screenState.isWindowsLocked():
			return StopReason.LOCKED
		if screenState.isScreenCurtainOn():
			return StopReason.SCREEN_CURTAIN
		if self._windowHandle and not winUser.isWindow(self._windowHandle):
			return StopReason.TARGET_CLOSED
		if self._frontHandle and not _stillInFront(self._frontHandle):
			return StopReason.TARGET_LEFT_FOREGROUND
		return None

	# --- WatchListener (the watcher calls these) --------------------------------------------------

	def onWatchStarted(self, sentence: str) -> None:
		self.plugin.speech.say(sentence)

	def onRequestSent(self) -> None:
		self._report = self.plugin.speech.startAnswer()
		if self.watcher.answers == 0:
			self.plugin.speech.requestSent()  # the first look: a model may still be loading

	def onPhrase(self, text: str, interrupt: bool) -> None:
		if self._report is None:
			self._report = self.plugin.speech.startAnswer()
		if interrupt and self._speaking is not None and self._speaking is not self._report:
			self.plugin.speech.cancelOwn()
		self._report.phrase(text)

	def onReport(self, text: str) -> None:
		report, self._report = self._report, None
		if report is None:
			return
		if not text:
			report.release()  # nothing important changed: nothing was said, nothing is shown
			self.plugin.speech.stopWaiting()
			return
		report.finish()
		self.plugin.lastReport = Report(text, time.monotonic())
		self._speaking = report
		report.whenHeard(lambda: self._heard(report))

	def _heard(self, report: AnswerOutput) -> None:
		if self._speaking is report:
			self._speaking = None

	def onStopped(self, reason: str, sentence: str) -> None:
		if self.plugin.watching is self:
			self.plugin.watching = None
		self.plugin.speech.stopWaiting()
		if self._report is not None:
			self._report.release()
			self._report = None
		speaking, self._speaking = self._speaking, None
		if reason == StopReason.TERMINATED or not sentence:
			return
		log.info(f"Vision Describer: watching stopped ({reason})")
		if speaking is not None and not self._stoppedByUser:
			self.plugin.speech.cancelAndSay(sentence)
		else:
			self.plugin.speech.say(sentence)


def _nothing() -> None:
	pass


def _windowsOf(target: targets.Target, stopWhenNotInFront: bool) -> tuple[int, int]:
	"""(the handle of the window whose closing ends the watch, the handle that must stay in front)
	for this target; 0 where nothing is checked."""
	if target.kind == targets.MONITOR or target.kind == targets.SCREEN:
		return 0, 0
	watched = api.getForegroundObject() if target.kind == targets.FOREGROUND else api.getNavigatorObject()
	window = targets.readFacts(watched).windowHandle
	front = _foregroundHandle() if stopWhenNotInFront else 0
	return window, front


def _foregroundHandle() -> int:
	foreground = api.getForegroundObject()
	return targets.readFacts(foreground).windowHandle if foreground is not None else 0


def _stillInFront(handle: int) -> bool:
	"""The window is in front, or one of NVDA's own is (NVDA's menu, or the add-on's dialog that has
	just closed, before Windows has told NVDA the game is back in front): not another application."""
	foreground = api.getForegroundObject()
	if foreground is None:
		return False
	try:
		if foreground.processID == globalVars.appPid:
			return True
	except Exception:
		log.debugWarning("Vision Describer: the foreground object's process is unknown", exc_info=True)
	return targets.readFacts(foreground).windowHandle == handle


# --- What the describe commands ask ------------------------------------------------------------------


def activeWatch(plugin: "GlobalPlugin") -> Watching | None:
	watching = plugin.watching
	return watching if watching is not None and watching.active else None


def describerBusy(plugin: "GlobalPlugin") -> bool:
	"""Whether a describe, question or comparison is on its way. The watch's own checks and requests
	do not count: they give way."""
	watching = activeWatch(plugin)
	if watching is None:
		return plugin.describer.busy
	return watching.givingWay or (plugin.describer.busy and not watching.watcher.busy)


def startJob(
	plugin: "GlobalPlugin",
	target: targets.Target | None,
	start: Callable[[], bool],
	sessionOf: Callable[[], Session | None] = lambda: None,
) -> bool:
	"""Starts a describer job (start() submits it and says whether the worker took it): at once when
	nothing is watched, otherwise once the watch has given way, resuming it afterwards from
	`sessionOf()` when that is about the watched area. False only when the worker refused at once."""
	watching = activeWatch(plugin)
	if watching is None:
		return start()
	watching.giveWayTo(target, start, sessionOf)
	return True


def holdWhileDialogOpen(plugin: "GlobalPlugin") -> Hold | None:
	"""A window of the add-on opens over the screen (the question dialog): the watch waits until the
	caller releases the hold."""
	watching = activeWatch(plugin)
	return watching.hold(False) if watching is not None else None


def holdWhileFollowUpOpen(plugin: "GlobalPlugin", followUpDialog) -> None:
	watching = activeWatch(plugin)
	if watching is not None:
		watching.holdWhileFollowUpOpen(followUpDialog)


def watchSession(plugin: "GlobalPlugin") -> Session | None:
	"""While watching: the watch's latest picture and words, for the follow-up dialog or a spoken
	question (None when not watching, or before the model has seen anything)."""
	watching = activeWatch(plugin)
	return watching.session() if watching is not None else None


def stopWatching(plugin: "GlobalPlugin", reason: str) -> None:
	watching = plugin.watching
	if watching is not None:
		watching.stop(reason)
		plugin.watching = None
