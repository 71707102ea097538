"""The commands that send a picture: describe a target, ask about it first, cancel.

Handlers run on NVDA's main thread, after the plugin's refusals (secure screen, missing libraries),
and return at once: they resolve the target (cheap reads of NVDA objects), hand the slow part to
the core's `Describer` (one worker, single flight) and hear back through listeners the describer
calls on the main thread.

Pressed twice, a describe opens the follow-up dialog on its result instead of describing again: a
direct gesture counts when NVDA's repeat count says so; through the layer (whose wrappers NVDA never
counts) when the same describe comes within NVDA's multi-press time of the previous one's start
(`commandLayer.doublePressSeconds`). If the answer has not arrived yet, the run is marked and the
dialog opens once the answer has been heard to its end (a dialog taking the focus makes NVDA cut off
speech), or at once when it will not be heard (speech off, beeps or on demand, or the user silenced
it; see speechOutput.py). The dialog never opens while Windows is locked or on a secure desktop
(resultCommands.openFollowUp). A describe that failed has nothing to follow up: pressed again
quickly, it describes again (the user is answered, by a description or by the error once more).

Asking first: `Describer.captureFirst` takes the picture before the question dialog opens, so the
dialog can never cover the target; the question is then sent with that very picture.

While watching (G), a describe or a question takes precedence: `watching.startJob` has the watch
give way (its request is cancelled) and starts the describer's job once the worker is free; the
watch goes on afterwards, from this answer's picture when it is of the watched area. The watch's own
checks do not make the describer "busy" (`watching.describerBusy`). The question dialog keeps the
watch waiting while it is open.
"""

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import addonHandler
import gui
import scriptHandler
from gui import blockAction
from visionDescriberCore.conversation.transcript import plainAnswer
from visionDescriberCore.describing import ImageSource, Session
from visionDescriberCore.errors import Cancelled, ScreenCurtainOn, VisionDescriberError

from . import questionDialog, resultCommands, screenState, targets, watching
from .commandLayer import doublePressSeconds
from .speechOutput import ERROR_TONE, AnswerOutput

if TYPE_CHECKING:
	from . import GlobalPlugin

addonHandler.initTranslation()


@dataclass
class DescribeRun:
	"""One describe command, from the key press to its answer or error."""

	#: Which command: the target kind for a describe ("navigator"), "ask:<kind>" for a question,
	#: "voice" for a spoken question (voiceCommands.py).
	command: str
	startedAt: float
	#: What was captured; None for a question about the last conversation's picture.
	target: targets.Target | None
	session: Session | None = None
	finished: bool = False
	failed: bool = False
	#: Pressed twice: open the follow-up dialog on this result when it has been heard.
	openDialogWhenDone: bool = False
	#: "Open the follow-up dialog after each description" applies (not to spoken questions, whose
	#: point is to need no window).
	offersDialog: bool = True
	#: The error it ended with, and whether its sentence could be spoken (R says it otherwise).
	error: VisionDescriberError | None = None
	errorHeard: bool = True


class RunListener:
	"""The core's Listener for one run: the answer spoken and brailled as it arrives, then what
	follows it once it has been heard (the follow-up dialog)."""

	def __init__(self, plugin: "GlobalPlugin", run: DescribeRun):
		self.plugin = plugin
		self.run = run
		self._answer: AnswerOutput | None = None

	def answer(self) -> AnswerOutput:
		"""Started with the request (a cached answer starts with its first phrase)."""
		if self._answer is None:
			self._answer = self.plugin.speech.startAnswer()
		return self._answer

	def onRequestSent(self) -> None:
		self.answer()
		self.plugin.speech.requestSent()

	def onPhrase(self, text: str) -> None:
		self.answer().phrase(text)

	def onAnswer(self, session: Session, text: str) -> None:
		run = self.run
		run.session = session
		run.finished = True
		answer = self.answer()
		answer.finish()
		resultCommands.conversationsChanged()
		if not plainAnswer(text):
			# Translators: Spoken when the model finished without writing anything.
			self.plugin.speech.say(_("The model sent an empty answer."), signal=ERROR_TONE)
			return
		answer.whenHeard(lambda: _afterAnswer(self.plugin, run))

	def onError(self, error: VisionDescriberError, session: Session | None) -> None:
		self.run.finished = True
		self.run.failed = True
		if self._answer is not None:
			self._answer.release()
		self.run.error = error
		self.run.errorHeard = self.plugin.speech.error(error)


# --- Describing ------------------------------------------------------------------------------------


def describes(kind: str):
	"""The handler of the command that describes this kind of target (see targets.KINDS)."""

	def handler(plugin: "GlobalPlugin") -> None:
		describe(plugin, kind)

	return handler


def describe(plugin: "GlobalPlugin", kind: str) -> None:
	now = time.monotonic()
	run = plugin.lastRun
	if run is not None and run.command == kind and not run.failed and _isDoublePress(plugin, run, now):
		_followUpOn(plugin, run)
		return
	if _busy(plugin):
		return
	target = resolveTarget(plugin, kind)
	if target is None:
		return
	run = DescribeRun(kind, now, target)
	listener = RunListener(plugin, run)

	def start() -> bool:
		return _started(run, plugin.describer.describe(target.source, listener))

	if not watching.startJob(plugin, target, start, lambda: run.session):
		plugin.speech.say(plugin.busySentence())
		return
	plugin.lastRun = run
	plugin.layer.armRepeatWindow()


def _started(run: DescribeRun, started: bool) -> bool:
	"""A run the worker refused is over: nothing follows it up."""
	if not started:
		run.finished = run.failed = True
	return started


def _isDoublePress(plugin: "GlobalPlugin", run: DescribeRun, now: float) -> bool:
	if plugin.layer.viaLayer:
		return now - run.startedAt < doublePressSeconds()
	return scriptHandler.getLastScriptRepeatCount() > 0


def _followUpOn(plugin: "GlobalPlugin", run: DescribeRun) -> None:
	"""A second press: the follow-up dialog on this run's result, now (the key press already cut off
	speech) or once the answer has been heard."""
	if run.session is not None:
		resultCommands.openFollowUp(plugin, run.session)
	elif not run.finished:
		run.openDialogWhenDone = True


def _afterAnswer(plugin: "GlobalPlugin", run: DescribeRun) -> None:
	"""The answer has been heard to its end (or never will be): the dialog, if asked for."""
	if run.openDialogWhenDone:
		resultCommands.openFollowUp(plugin, run.session)
		return
	if not run.offersDialog or run.target is None:
		return
	settings = plugin.getSettings()
	if settings.openDialogAfterDescribe and (
		settings.allowDialogOverFullscreen or not run.target.foregroundIsFullscreen
	):
		resultCommands.openFollowUp(plugin, run.session)


def _busy(plugin: "GlobalPlugin") -> bool:
	if watching.describerBusy(plugin):  # a watch's own checks give way, so they do not count
		plugin.speech.say(plugin.busySentence())
		return True
	return False


def resolveTarget(plugin: "GlobalPlugin", kind: str) -> targets.Target | None:
	"""Main thread: the target, or None after saying why there is none."""
	try:
		target = targets.resolve(kind, plugin.getSettings())
		if target.isScreenCapture and screenState.isScreenCurtainOn():
			raise ScreenCurtainOn("Screen Curtain is on")
	except VisionDescriberError as error:
		plugin.speech.error(error)
		return None
	return target


# --- Asking a question before the picture is sent -----------------------------------------------------


def asksAbout(kind: str):
	"""The handler of the command that captures this kind of target, then asks for a question."""

	def handler(plugin: "GlobalPlugin") -> None:
		askAbout(plugin, kind)

	return handler


def askAbout(plugin: "GlobalPlugin", kind: str) -> None:
	if _busy(plugin):
		return
	target = resolveTarget(plugin, kind)
	if target is None:
		return
	captured = _Captured(plugin, target)
	if not watching.startJob(plugin, target, lambda: plugin.describer.captureFirst(target.source, captured)):
		plugin.speech.say(plugin.busySentence())


class _Captured:
	"""The describer's CaptureListener: the picture is taken, now ask what to ask about it."""

	def __init__(self, plugin: "GlobalPlugin", target: targets.Target):
		self.plugin = plugin
		self.target = target

	def onCaptured(self, source: ImageSource) -> None:
		_showQuestionDialog(self.plugin, self.target, source)

	def onError(self, error: VisionDescriberError, session: Session | None) -> None:
		self.plugin.speech.error(error)


@blockAction.when(blockAction.Context.SECURE_MODE, blockAction.Context.WINDOWS_LOCKED)
def _showQuestionDialog(plugin: "GlobalPlugin", target: targets.Target, source: ImageSource) -> None:
	"""Not on a locked or secure desktop: NVDA says why, and nothing opens. A watch waits while the
	dialog is open (it covers the screen), and gives way to the question sent from it."""
	closeQuestionDialog(plugin)
	hold = watching.holdWhileDialogOpen(plugin)

	def answered(question: str | None) -> None:
		plugin.questionDialog = None
		try:
			if question is not None:
				_ask(plugin, target, source, question)
		finally:
			if hold is not None:
				hold.release()

	if target.kind == targets.SCREEN:
		# Translators: The title of the dialog asking a question about the captured screen.
		title = _("Ask about the screen")
	else:
		# Translators: The title of the dialog asking a question about the captured object.
		title = _("Ask about the navigator object")
	gui.mainFrame.prePopup()
	plugin.questionDialog = questionDialog.QuestionDialog(gui.mainFrame, title, answered)
	plugin.questionDialog.Show()
	gui.mainFrame.postPopup()


def _ask(plugin: "GlobalPlugin", target: targets.Target, source: ImageSource, question: str) -> None:
	if _busy(plugin):
		return
	run = DescribeRun(f"ask:{target.kind}", time.monotonic(), target)
	listener = RunListener(plugin, run)

	def start() -> bool:
		return _started(run, plugin.describer.describe(source, listener, question=question or None))

	if watching.startJob(plugin, target, start, lambda: run.session):
		plugin.lastRun = run
	else:
		plugin.speech.say(plugin.busySentence())


def closeQuestionDialog(plugin: "GlobalPlugin") -> None:
	dialog, plugin.questionDialog = plugin.questionDialog, None
	if dialog:
		dialog.dismiss()


# --- Cancel ------------------------------------------------------------------------------------------


def cancel(plugin: "GlobalPlugin") -> None:
	"""Stops what the worker is doing: a description, a question, or a spoken question being
	recorded or transcribed (its speech is given back first, so "Cancelled" is heard)."""
	cancelled = plugin.voiceInput.cancel()
	cancelled = plugin.describer.cancel() or cancelled
	plugin.speech.stopWaiting()
	if cancelled:
		plugin.speech.silence()  # the key press did it already in NVDA; a gesture from elsewhere may not
		plugin.speech.say(Cancelled().sentence)
	else:
		# Translators: Spoken when cancel is pressed while nothing is being described.
		plugin.speech.say(_("Nothing to cancel"))
