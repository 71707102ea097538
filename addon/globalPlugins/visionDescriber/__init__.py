"""Vision Describer: NVDA describes what is on the screen with a vision model.

This package is the thin NVDA layer. It makes the core and the bundled libraries importable
(libraryLoader), gives the core NVDA's translations and NVDA's log, and defines the commands users
press. Everything slow runs on the core's single worker (`Describer`); every script returns at once.

Commands are reached through a command layer: NVDA+alt+v, then one letter (h lists them). Every
command is also a script of its own, with a description in the "Vision Describer" category, so any
of them can be given a direct gesture in NVDA's Input Gestures dialog.
"""

import functools
import sys
import time
from dataclasses import dataclass

import addonHandler
import api
import config
import globalPluginHandler
import gui
import inputCore
import languageHandler
import scriptHandler
import tones
import ui
import wx
from logHandler import log
from scriptHandler import script

from . import libraryLoader

addonHandler.initTranslation()

#: How the libraries were found; `problem` is the sentence to speak when the add-on cannot work.
libraryStatus = libraryLoader.load()

# Importable only once the loader has run.
from visionDescriberCore import apiKeys, i18n  # noqa: E402
from visionDescriberCore.describing import Describer, ImageSource, Session  # noqa: E402
from visionDescriberCore.errors import (  # noqa: E402
	Cancelled,
	KeyStoreUnavailable,
	ScreenCurtainOn,
	SecureScreen,
	VisionDescriberError,
)
from visionDescriberCore.settings import Settings  # noqa: E402
from visionDescriberCore.text.markdownHtml import markdownToHtml  # noqa: E402
from visionDescriberCore.text.phrases import stripMarkdown  # noqa: E402

from . import logBridge, panelServices, questionDialog, screenState, targets  # noqa: E402
from .speechOutput import SpeechOutput  # noqa: E402

i18n.setTranslator(_)

# --- Settings panel (settingsPanel.py): the config spec now, the panel while the plugin runs. ---
from . import settingsPanel  # noqa: E402 - needs the core, importable only once the loader has run

settingsPanel.registerConfigSpec()
# --- End of the settings panel block. ---

#: The one default gesture: it opens the command layer.
ENTRY_GESTURE = "kb:NVDA+alt+v"
#: The layer's keys. One table for the bindings, the help and the busy sentence.
LAYER_GESTURES = {
	"kb:v": "describeNavigator",
	"kb:n": "describeNavigator",
	"kb:f": "describeFocus",
	"kb:w": "describeForeground",
	"kb:m": "describeMonitor",
	"kb:s": "describeScreen",
	"kb:i": "describeClipboard",
	"kb:q": "askAboutNavigator",
	"kb:shift+q": "askAboutScreen",
	"kb:r": "repeatLastResult",
	"kb:b": "showLastResult",
	"kb:c": "copyLastResult",
	"kb:d": "followUp",
	"kb:x": "cancel",
	"kb:o": "openSettings",
	"kb:h": "layerHelp",
}
LEAVE_LAYER_GESTURE = "kb:escape"
CANCEL_LAYER_GESTURE = "kb:x"
#: A describe command repeated within this time (from the previous one's start) through the layer
#: counts as a double press, as NVDA's own repeat count does for direct gestures.
DOUBLE_PRESS_SECONDS = 0.6
#: Tones: a short high one when the layer opens, a low one for a key the layer does not know.
LAYER_TONE = (880, 30)
UNKNOWN_KEY_TONE = (220, 80)


def postToMainThread(fn) -> None:
	"""How the core's worker reaches NVDA's main thread (the benchmark wraps this to time callbacks)."""
	wx.CallAfter(fn)


@dataclass
class DescribeRun:
	"""One describe command, from the key press to its answer or error."""

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
		self.plugin._afterAnswer(self.run)

	def onError(self, error: VisionDescriberError, session: Session | None) -> None:
		self.run.finished = True
		self.run.failed = True
		self.plugin.speech.error(error)


class GlobalPlugin(globalPluginHandler.GlobalPlugin):
	# Translators: The category of Vision Describer's commands in NVDA's Input Gestures dialog.
	scriptCategory = _("Vision Describer")

	#: The core's image preparation and blank check; None means the core's own. Tests may inject.
	prepare = None
	checkNotBlank = None

	def __init__(self):
		super().__init__()
		settingsPanel.register(panelServices.services())  # settings panel (not on secure screens)
		self._logBridge = logBridge.install()
		self.keyStore = apiKeys.KeyStore()
		self.speech = SpeechOutput(self.getSettings)
		self.describer = self._makeDescriber()
		self._layerActive = False
		self._viaLayer = False
		#: (normalized gesture, script name, deadline): the describe key just used in the layer works
		#: on its own until the deadline, so "NVDA+alt+v, v, v" is a double press.
		self._repeatWindow: tuple[str, str, float] | None = None
		self._lastRun: DescribeRun | None = None
		self._questionDialog: questionDialog.QuestionDialog | None = None
		if libraryStatus.ready and not screenState.isSecureScreen() and self.getSettings().warmUpOnStart:
			self.describer.warmUp()

	def _makeDescriber(self) -> Describer:
		return Describer(
			post=lambda fn: postToMainThread(fn),
			getSettings=self.getSettings,
			getApiKey=self._getApiKey,
			getLanguage=languageHandler.getLanguage,
			prepare=self.prepare,
			checkNotBlank=self._checkNotBlank,
		)

	def terminate(self):
		try:
			self._leaveLayer()
			self.speech.stopWaiting()
			# The worker first: nothing may be spoken or shown once NVDA is leaving.
			if not self.describer.terminate(timeout=1.0):
				log.warning("Vision Describer: the worker did not stop within a second")
			for close in (self._closeQuestionDialog, self._closeFollowUpDialog):
				try:
					close()
				except Exception:
					log.exception("Vision Describer: a dialog could not be closed")
		finally:
			settingsPanel.unregister()  # settings panel
			self._logBridge.remove()
			super().terminate()

	def _closeQuestionDialog(self) -> None:
		dialog, self._questionDialog = self._questionDialog, None
		if dialog:
			dialog.dismiss()

	def _closeFollowUpDialog(self) -> None:
		followUps = sys.modules.get(f"{__name__}.followUpDialog")
		if followUps is not None:
			followUps.closeFollowUpDialog()

	# --- Settings, keys, checks -------------------------------------------------------------------

	def getSettings(self) -> Settings:
		try:
			return Settings.fromConfig(config.conf["visionDescriber"])
		except KeyError:
			return Settings()

	def _getApiKey(self, settings: Settings) -> str | None:
		"""Worker thread: the key saved for the configured endpoint, if any."""
		try:
			endpoint = apiKeys.endpointIdFor(settings.provider, settings.baseUrl)
		except ValueError:
			return None
		try:
			key = self.keyStore.get(endpoint)
		except KeyStoreUnavailable:
			if settings.provider == "ollama":
				# Ollama needs no key; one is only sent when the user saved one (behind a proxy).
				log.debugWarning("Vision Describer: the credential store could not be read; no key sent")
				return None
			raise
		self._logBridge.addSecret(key)
		return key

	def _checkNotBlank(self, image) -> None:
		check = self.checkNotBlank
		if check is None:
			from visionDescriberCore.imaging.blankDetection import checkNotBlank as check
		check(image)

	def _refused(self) -> bool:
		"""Says why nothing can be done here, if so: a secure screen, or libraries missing.
		Every command calls this first. It also closes the layer: a command the user gave a gesture
		of its own in Input Gestures reaches NVDA's gesture map before the layer's getScript."""
		self._leaveLayer()
		if screenState.isSecureScreen():
			self.speech.error(SecureScreen("secure screen"))
			return True
		if not libraryStatus.ready:
			ui.message(libraryStatus.problem)
			return True
		return False

	def _busy(self) -> bool:
		if self.describer.busy:
			self.speech.say(self.busySentence())
			return True
		return False

	def busySentence(self) -> str:
		return _(
			# Translators: Spoken when a describe command is pressed while one is still running.
			# {entry} is the command layer's gesture (NVDA+alt+v), {cancel} the layer key that cancels (x).
			"Still describing; press {entry} then {cancel} to stop."
		).format(entry=gestureText(ENTRY_GESTURE), cancel=gestureText(CANCEL_LAYER_GESTURE))

	# --- The command layer --------------------------------------------------------------------------

	@script(
		category=scriptCategory,
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_("Vision Describer commands: press a letter next; h lists them"),
		gesture=ENTRY_GESTURE,
	)
	def script_commandLayer(self, gesture):
		if self._refused():
			return
		self._repeatWindow = None
		self._layerActive = True
		self.bindGestures(LAYER_GESTURES)
		tones.beep(*LAYER_TONE)

	def _leaveLayer(self) -> None:
		if not self._layerActive:
			return
		self._layerActive = False
		self.clearGestureBindings()
		self.bindGestures(self.__gestures)

	def getScript(self, gesture):
		identifiers = gesture.normalizedIdentifiers
		if self._layerActive:
			found = super().getScript(gesture)
			if found is not None:
				return self._inLayer(found)
			if inputCore.normalizeGestureIdentifier(LEAVE_LAYER_GESTURE) in identifiers:
				return self._leaveLayerQuietly
			return self._leaveLayerWithError
		window = self._repeatWindow
		if window is not None and window[0] in identifiers and time.monotonic() < window[2]:
			return self._inLayer(getattr(self, f"script_{window[1]}"))
		return super().getScript(gesture)

	def _inLayer(self, found):
		"""The layer's script: leaves the layer first, then runs it, marked as a layer press."""

		def runFromLayer(gesture):
			self._leaveLayer()
			self._repeatWindow = None
			self._viaLayer = True
			try:
				found(gesture)
			finally:
				self._viaLayer = False

		return functools.update_wrapper(runFromLayer, found)

	def _leaveLayerQuietly(self, gesture) -> None:
		self._leaveLayer()

	def _leaveLayerWithError(self, gesture) -> None:
		self._leaveLayer()
		tones.beep(*UNKNOWN_KEY_TONE)

	def layerHelp(self) -> str:
		"""The layer's keys and what they do, as one sentence to speak."""
		descriptions = layerDescriptions()
		keysByScript: dict[str, list[str]] = {}
		for identifier, scriptName in LAYER_GESTURES.items():
			keysByScript.setdefault(scriptName, []).append(gestureText(identifier))
		entries = [
			# Translators: One entry of the command layer's help: {keys} such as "v or n", then what it does.
			_("{keys}: {action}").format(
				# Translators: Joins two keys of the command layer's help, as in "v or n".
				keys=_(" or ").join(keys),
				action=descriptions[scriptName],
			)
			for scriptName, keys in keysByScript.items()
		]
		# Translators: The end of the command layer's help: Escape leaves the layer.
		entries.append(_("{key}: leave").format(key=gestureText(LEAVE_LAYER_GESTURE)))
		return ". ".join(entries) + "."

	@script(
		category=scriptCategory,
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_("Lists the letters of Vision Describer's command layer"),
	)
	def script_layerHelp(self, gesture):
		if not self._refused():
			self.speech.say(self.layerHelp())

	# --- Describing ---------------------------------------------------------------------------------

	@script(
		category=scriptCategory,
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_(
			"Describes the navigator object with the vision model. Pressed twice, opens follow-up questions"
		),
	)
	def script_describeNavigator(self, gesture):
		self._describe(targets.NAVIGATOR, "describeNavigator")

	@script(
		category=scriptCategory,
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_(
			"Describes the object with the keyboard focus. Pressed twice, opens follow-up questions"
		),
	)
	def script_describeFocus(self, gesture):
		self._describe(targets.FOCUS, "describeFocus")

	@script(
		category=scriptCategory,
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_("Describes the foreground window. Pressed twice, opens follow-up questions"),
	)
	def script_describeForeground(self, gesture):
		self._describe(targets.FOREGROUND, "describeForeground")

	@script(
		category=scriptCategory,
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_(
			"Describes the monitor showing the navigator object. Pressed twice, opens follow-up questions"
		),
	)
	def script_describeMonitor(self, gesture):
		self._describe(targets.MONITOR, "describeMonitor")

	@script(
		category=scriptCategory,
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_("Describes the whole screen, all monitors. Pressed twice, opens follow-up questions"),
	)
	def script_describeScreen(self, gesture):
		self._describe(targets.SCREEN, "describeScreen")

	@script(
		category=scriptCategory,
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_(
			"Describes the image on the clipboard, or the image file selected in File Explorer. "
			"Pressed twice, opens follow-up questions"
		),
	)
	def script_describeClipboard(self, gesture):
		self._describe(targets.CLIPBOARD, "describeClipboard")

	def _describe(self, kind: str, command: str) -> None:
		if self._refused():
			return
		now = time.monotonic()
		run = self._lastRun
		if run is not None and run.command == command and self._isDoublePress(run, now):
			self._followUpOn(run)
			return
		if self._busy():
			return
		target = self._resolve(kind)
		if target is None:
			return
		run = DescribeRun(command, now, target)
		if not self.describer.describe(target.source, RunListener(self, run)):
			self.speech.say(self.busySentence())
			return
		self._lastRun = run
		if self._viaLayer:
			self._armRepeatWindow(command)

	def _isDoublePress(self, run: DescribeRun, now: float) -> bool:
		if self._viaLayer:
			return now - run.startedAt < DOUBLE_PRESS_SECONDS
		return scriptHandler.getLastScriptRepeatCount() > 0

	def _armRepeatWindow(self, command: str) -> None:
		for identifier, scriptName in LAYER_GESTURES.items():
			if scriptName == command:
				normalized = inputCore.normalizeGestureIdentifier(identifier)
				self._repeatWindow = (normalized, command, time.monotonic() + DOUBLE_PRESS_SECONDS)
				return

	def _resolve(self, kind: str) -> targets.Target | None:
		"""Main thread: the target, or None after saying why there is none."""
		try:
			target = targets.resolve(kind, self.getSettings())
			if target.isScreenCapture and screenState.isScreenCurtainOn():
				raise ScreenCurtainOn("Screen Curtain is on")
		except VisionDescriberError as error:
			self.speech.error(error)
			return None
		return target

	def _afterAnswer(self, run: DescribeRun) -> None:
		if run.openDialogWhenDone:
			self._openFollowUp(run.session)
			return
		settings = self.getSettings()
		if settings.openDialogAfterDescribe and (
			settings.allowDialogOverFullscreen or not run.target.foregroundIsFullscreen
		):
			self._openFollowUp(run.session)

	def _followUpOn(self, run: DescribeRun) -> None:
		"""A second press: the follow-up dialog on this run's result, now or when it arrives."""
		if run.session is not None:
			self._openFollowUp(run.session)
		elif not run.finished:
			run.openDialogWhenDone = True

	# --- Asking a question before the picture is sent -----------------------------------------------

	@script(
		category=scriptCategory,
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_("Captures the navigator object, then asks what you want to know about it"),
	)
	def script_askAboutNavigator(self, gesture):
		self._ask(targets.NAVIGATOR)

	@script(
		category=scriptCategory,
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_("Captures the whole screen, then asks what you want to know about it"),
	)
	def script_askAboutScreen(self, gesture):
		self._ask(targets.SCREEN)

	def _ask(self, kind: str) -> None:
		if self._refused() or self._busy():
			return
		target = self._resolve(kind)
		if target is None:
			return
		speech = self.speech
		checkNotBlank = self._checkNotBlank
		post = self.describer.runner.post

		def capture(token) -> None:
			# Worker: capture first, so the question dialog can never cover the target.
			try:
				image = target.source.grab()
				token.raiseIfCancelled()
				if target.isScreenCapture:
					checkNotBlank(image)
			except Cancelled:
				return
			except VisionDescriberError as error:
				if not token.cancelled:
					post(lambda error=error: speech.error(error))
				return
			except Exception:
				if not token.cancelled:
					log.exception("Vision Describer: capturing before a question failed")
					failure = VisionDescriberError("capture failed (traceback in the log)")
					post(lambda: speech.error(failure))
				return
			if not token.cancelled:
				post(lambda: None if token.cancelled else self._showQuestionDialog(target, image))

		if not self.describer.runner.submit(capture):
			self.speech.say(self.busySentence())

	def _showQuestionDialog(self, target: targets.Target, image) -> None:
		if self._questionDialog:
			self._questionDialog.dismiss()
		grabAgain = target.source.grab
		held = [image]

		def grab():
			# The picture taken before the dialog opened; a later "new picture" captures afresh.
			return held.pop() if held else grabAgain()

		source = ImageSource(grab, target.source.label, target.source.context, target.source.isScreenCapture)

		def answered(question: str | None) -> None:
			self._questionDialog = None
			if question is None:
				return
			if self.describer.busy:
				self.speech.say(self.busySentence())
				return
			run = DescribeRun(f"ask:{target.kind}", time.monotonic(), target)
			if self.describer.describe(source, RunListener(self, run), question=question or None):
				self._lastRun = run
			else:
				self.speech.say(self.busySentence())

		if target.kind == targets.SCREEN:
			# Translators: The title of the dialog asking a question about the captured screen.
			title = _("Ask about the screen")
		else:
			# Translators: The title of the dialog asking a question about the captured object.
			title = _("Ask about the navigator object")
		gui.mainFrame.prePopup()
		self._questionDialog = questionDialog.QuestionDialog(gui.mainFrame, title, answered)
		self._questionDialog.Show()
		gui.mainFrame.postPopup()

	# --- The last result --------------------------------------------------------------------------

	def _lastResult(self) -> Session | None:
		session = self.describer.lastSession
		if session is None or not session.lastAnswer.strip():
			# Translators: Spoken when there is no description to repeat, show or copy yet.
			self.speech.say(_("There is no description yet."))
			return None
		return session

	@script(
		category=scriptCategory,
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_("Speaks the last description again"),
	)
	def script_repeatLastResult(self, gesture):
		if self._refused():
			return
		session = self._lastResult()
		if session is not None:
			self.speech.say(stripMarkdown(session.lastAnswer))

	@script(
		category=scriptCategory,
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_("Shows the last description in a window you can read and copy from"),
	)
	def script_showLastResult(self, gesture):
		if self._refused():
			return
		session = self._lastResult()
		if session is None:
			return
		ui.browseableMessage(
			markdownToHtml(session.lastAnswer),
			# Translators: The title of the window showing a description; {title} is its time and target.
			title=_("Vision Describer: {title}").format(title=session.title),
			isHtml=True,
			closeButton=True,
			copyButton=True,
		)

	@script(
		category=scriptCategory,
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_("Copies the last description to the clipboard"),
	)
	def script_copyLastResult(self, gesture):
		if self._refused():
			return
		session = self._lastResult()
		if session is None:
			return
		if api.copyToClip(session.lastAnswer):
			# Translators: Spoken when the last description was copied to the clipboard.
			self.speech.say(_("Description copied"))
		else:
			# Translators: Spoken when the clipboard could not be written.
			self.speech.say(_("Could not copy the description"))

	@script(
		category=scriptCategory,
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_("Opens follow-up questions about the last description"),
	)
	def script_followUp(self, gesture):
		if self._refused():
			return
		run = self._lastRun
		if run is not None and not run.finished and self.describer.busy:
			run.openDialogWhenDone = True
			return
		# None: the dialog shows the conversation it showed last, or the newest one.
		self._openFollowUp(None)

	def _openFollowUp(self, session: Session | None) -> None:
		try:
			from . import followUpDialog
		except ImportError:
			log.error("Vision Describer: the follow-up dialog could not be loaded", exc_info=True)
			# Translators: Spoken when the follow-up dialog cannot be opened.
			self.speech.say(_("The follow-up dialog is not available."))
			return
		wx.CallAfter(followUpDialog.showFollowUpDialog, self.describer, session, self.speech)

	# --- Cancel and settings ----------------------------------------------------------------------

	@script(
		category=scriptCategory,
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_("Stops the description that is being made"),
	)
	def script_cancel(self, gesture):
		if self._refused():
			return
		cancelled = self.describer.cancel()
		self.speech.stopWaiting()
		if cancelled:
			self.speech.say(Cancelled().sentence)
		else:
			# Translators: Spoken when cancel is pressed while nothing is being described.
			self.speech.say(_("Nothing to cancel"))

	@script(
		category=scriptCategory,
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_("Opens Vision Describer's settings"),
	)
	def script_openSettings(self, gesture):
		if self._refused():
			return
		from gui.settingsDialogs import NVDASettingsDialog

		title = self.scriptCategory
		panel = next((cls for cls in NVDASettingsDialog.categoryClasses if cls.title == title), None)
		if panel is None:
			# Translators: Spoken when Vision Describer's settings panel cannot be found.
			self.speech.say(_("Vision Describer's settings are not available."))
			return
		wx.CallAfter(gui.mainFrame.popupSettingsDialog, NVDASettingsDialog, panel)

	@script(
		category=scriptCategory,
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_("Says whether Vision Describer is ready to describe the screen"),
	)
	def script_announceReady(self, gesture):
		if screenState.isSecureScreen():
			self.speech.error(SecureScreen("secure screen"))
		elif libraryStatus.ready:
			# Translators: Spoken when Vision Describer loaded everything it needs.
			ui.message(_("Vision Describer is ready"))
		else:
			ui.message(libraryStatus.problem)


def layerDescriptions() -> dict[str, str]:
	"""What each layer key does, in a few words (for the help key)."""
	return {
		# Translators: Command layer help: what the key does.
		"describeNavigator": _("navigator object"),
		# Translators: Command layer help: what the key does.
		"describeFocus": _("focus"),
		# Translators: Command layer help: what the key does.
		"describeForeground": _("window"),
		# Translators: Command layer help: what the key does.
		"describeMonitor": _("monitor"),
		# Translators: Command layer help: what the key does.
		"describeScreen": _("whole screen"),
		# Translators: Command layer help: what the key does.
		"describeClipboard": _("clipboard image or selected file"),
		# Translators: Command layer help: what the key does.
		"askAboutNavigator": _("ask about the navigator object"),
		# Translators: Command layer help: what the key does.
		"askAboutScreen": _("ask about the screen"),
		# Translators: Command layer help: what the key does.
		"repeatLastResult": _("repeat"),
		# Translators: Command layer help: what the key does.
		"showLastResult": _("show in a window"),
		# Translators: Command layer help: what the key does.
		"copyLastResult": _("copy"),
		# Translators: Command layer help: what the key does.
		"followUp": _("follow-up questions"),
		# Translators: Command layer help: what the key does.
		"cancel": _("cancel"),
		# Translators: Command layer help: what the key does.
		"openSettings": _("settings"),
		# Translators: Command layer help: what the key does.
		"layerHelp": _("this help"),
	}


def gestureText(identifier: str) -> str:
	"""A gesture as NVDA shows it to users, e.g. "NVDA+alt+v"."""
	try:
		return inputCore.getDisplayTextForGestureIdentifier(inputCore.normalizeGestureIdentifier(identifier))[
			1
		]
	except (LookupError, ValueError, AttributeError):
		return identifier.split(":", 1)[-1]
