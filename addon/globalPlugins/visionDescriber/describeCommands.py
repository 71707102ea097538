"""The commands that send a picture: describe a target, ask about it first, cancel.

Handlers run on NVDA's main thread, after the plugin's refusals (secure screen, missing libraries),
and return at once: they resolve the target (cheap reads of NVDA objects), hand the slow part to
the core's `Describer` (one worker, single flight) and hear back through listeners the describer
calls on the main thread.

Pressed twice, a describe opens the follow-up dialog on its result instead of describing again: a
direct gesture counts when NVDA's repeat count says so; through the layer (whose wrappers NVDA never
counts) when the same describe comes within NVDA's multi-press time of the previous one's start
(`commandLayer.doublePressSeconds`). If the answer has not arrived yet, the run is marked and the
dialog opens when it does. A describe that failed has nothing to follow up: pressed again quickly,
it describes again (the user is answered, by a description or by the error once more).

Asking first: `Describer.captureFirst` takes the picture before the question dialog opens, so the
dialog can never cover the target; the question is then sent with that very picture.
"""

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import addonHandler
import gui
import scriptHandler
from visionDescriberCore.describing import ImageSource, Session
from visionDescriberCore.errors import Cancelled, ScreenCurtainOn, VisionDescriberError

from . import questionDialog, resultCommands, screenState, targets
from .commandLayer import doublePressSeconds

if TYPE_CHECKING:
	from . import GlobalPlugin

addonHandler.initTranslation()


@dataclass
class DescribeRun:
	"""One describe command, from the key press to its answer or error."""

	#: Which command: the target kind for a describe ("navigator"), "ask:<kind>" for a question.
	command: str
	startedAt: float
	target: targets.Target
	session: Session | None = None
	finished: bool = False
	failed: bool = False
	#: Pressed twice: open the follow-up dialog on this result when it arrives.
	openDialogWhenDone: bool = False


class RunListener:
	"""The core's Listener for one run: speech as it arrives, then what follows the answer."""

	def __init__(self, plugin: "GlobalPlugin", run: DescribeRun):
		self.plugin = plugin
		self.run = run

	def onRequestSent(self) -> None:
		self.plugin.speech.requestSent()

	def onPhrase(self, text: str) -> None:
		self.plugin.speech.phrase(text)

	def onAnswer(self, session: Session, text: str) -> None:
		self.plugin.speech.stopWaiting()
		self.run.session = session
		self.run.finished = True
		if not text.strip():
			# Translators: Spoken when the model finished without writing anything.
			self.plugin.speech.say(_("The model sent an empty answer."))
			return
		_afterAnswer(self.plugin, self.run)

	def onError(self, error: VisionDescriberError, session: Session | None) -> None:
		self.run.finished = True
		self.run.failed = True
		self.plugin.speech.error(error)


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
	target = _resolve(plugin, kind)
	if target is None:
		return
	run = DescribeRun(kind, now, target)
	if not plugin.describer.describe(target.source, RunListener(plugin, run)):
		plugin.speech.say(plugin.busySentence())
		return
	plugin.lastRun = run
	plugin.layer.armRepeatWindow()


def _isDoublePress(plugin: "GlobalPlugin", run: DescribeRun, now: float) -> bool:
	if plugin.layer.viaLayer:
		return now - run.startedAt < doublePressSeconds()
	return scriptHandler.getLastScriptRepeatCount() > 0


def _followUpOn(plugin: "GlobalPlugin", run: DescribeRun) -> None:
	"""A second press: the follow-up dialog on this run's result, now or when it arrives."""
	if run.session is not None:
		resultCommands.openFollowUp(plugin, run.session)
	elif not run.finished:
		run.openDialogWhenDone = True


def _afterAnswer(plugin: "GlobalPlugin", run: DescribeRun) -> None:
	if run.openDialogWhenDone:
		resultCommands.openFollowUp(plugin, run.session)
		return
	settings = plugin.getSettings()
	if settings.openDialogAfterDescribe and (
		settings.allowDialogOverFullscreen or not run.target.foregroundIsFullscreen
	):
		resultCommands.openFollowUp(plugin, run.session)


def _busy(plugin: "GlobalPlugin") -> bool:
	if plugin.describer.busy:
		plugin.speech.say(plugin.busySentence())
		return True
	return False


def _resolve(plugin: "GlobalPlugin", kind: str) -> targets.Target | None:
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
	target = _resolve(plugin, kind)
	if target is None:
		return
	if not plugin.describer.captureFirst(target.source, _Captured(plugin, target)):
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


def _showQuestionDialog(plugin: "GlobalPlugin", target: targets.Target, source: ImageSource) -> None:
	closeQuestionDialog(plugin)
	if not screenState.windowsMayOpen():
		return  # Windows was locked since the key was pressed: the picture is dropped, unsent

	def answered(question: str | None) -> None:
		plugin.questionDialog = None
		if question is None:
			return
		if plugin.describer.busy:
			plugin.speech.say(plugin.busySentence())
			return
		run = DescribeRun(f"ask:{target.kind}", time.monotonic(), target)
		if plugin.describer.describe(source, RunListener(plugin, run), question=question or None):
			plugin.lastRun = run
		else:
			plugin.speech.say(plugin.busySentence())

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


def closeQuestionDialog(plugin: "GlobalPlugin") -> None:
	dialog, plugin.questionDialog = plugin.questionDialog, None
	if dialog:
		dialog.dismiss()


# --- Cancel ------------------------------------------------------------------------------------------


def cancel(plugin: "GlobalPlugin") -> None:
	cancelled = plugin.describer.cancel()
	plugin.speech.stopWaiting()
	if cancelled:
		plugin.speech.say(Cancelled().sentence)
	else:
		# Translators: Spoken when cancel is pressed while nothing is being described.
		plugin.speech.say(_("Nothing to cancel"))
