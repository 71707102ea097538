"""Vision Describer: NVDA describes what is on the screen with a vision model.

This package is the thin NVDA layer; this module is its shell. On import it makes the core and the
bundled libraries importable (libraryLoader), gives the core NVDA's translations, and registers the
settings' config spec. `GlobalPlugin` owns what lives while NVDA runs: one `Describer` (the core's
single worker; everything slow runs there, every script returns at once), one `SpeechOutput`, the
key store, the log bridge and the command layer; `terminate` ends them in that order of need.

The commands are not written here: each is one record in commandTable.py, which also makes the
`script_*` methods NVDA's Input Gestures dialog lists; the layer (NVDA+alt+v, then a letter) is
commandLayer.py; the handlers are in describeCommands.py, resultCommands.py, watchCommands.py and
voiceCommands.py (the running watch, if any, is `watching.Watching`, held in `self.watching`).

Spoken questions: one `VoiceInput` (voiceInput.py) over the core's `VoiceQuestions`, on the
describer's worker; the A command and the follow-up dialog's "Speak a question" button share it.
Escape is the plugin's only while a question is being recorded (`getScript`).
"""

import addonHandler
import globalPluginHandler
import languageHandler
import ui
import wx
from logHandler import log
from utils.security import post_sessionLockStateChanged

from . import libraryLoader

addonHandler.initTranslation()

#: How the libraries were found; `problem` is the sentence to speak when the add-on cannot work.
libraryStatus = libraryLoader.load()

# Importable only once the loader has run.
from visionDescriberCore import apiKeys, i18n  # noqa: E402
from visionDescriberCore.clients.endpoint import hostOf, isLoopbackHost  # noqa: E402
from visionDescriberCore.describing import Describer  # noqa: E402
from visionDescriberCore.errors import KeyStoreUnavailable, SecureScreen, WindowsLocked  # noqa: E402
from visionDescriberCore.settings import Settings  # noqa: E402
from visionDescriberCore.voiceQuestions import VoiceQuestions, defaultRecorder  # noqa: E402
from visionDescriberCore.watch.options import StopReason  # noqa: E402

from . import commandLayer, commandTable, logBridge, panelServices, savedSettings, screenState, watching  # noqa: E402
from .describeCommands import DescribeRun, closeQuestionDialog  # noqa: E402
from .questionDialog import QuestionDialog  # noqa: E402
from .resultCommands import closeFollowUpDialog  # noqa: E402
from .speechOutput import SpeechOutput  # noqa: E402
from .voiceCommands import escapeWhileListening  # noqa: E402
from .voiceInput import VoiceInput  # noqa: E402

i18n.setTranslator(_)

# The config spec before anything reads the section; the settings panel while the plugin runs.
savedSettings.registerConfigSpec()
from . import settingsPanel  # noqa: E402 - needs the core, importable only once the loader has run


def postToMainThread(fn) -> None:
	"""How the core's worker reaches NVDA's main thread (the benchmark wraps this to time callbacks)."""
	wx.CallAfter(fn)


class GlobalPlugin(globalPluginHandler.GlobalPlugin):
	"""Its scripts (`script_describeNavigator` ...) are added from the command table below the class."""

	# Translators: The category of Vision Describer's commands in NVDA's Input Gestures dialog.
	scriptCategory = _("Vision Describer")
	#: Every command (commandTable.py); the layer, its help and the scripts all read this.
	commands = commandTable.COMMANDS
	#: Bound when the plugin starts and again whenever the layer closes: only the layer's entry.
	__gestures = commandLayer.defaultGestures(commands)

	#: The core's image preparation and blank check; None means the core's own. Tests may inject.
	prepare = None
	checkNotBlank = None
	#: A watch's clock (time.monotonic when None); tests give one and tick the watch by hand.
	watchClock = None
	#: Makes the recorder of each spoken question (called on the main thread when listening starts;
	#: the recorder is used on the worker); None means the core's default, the Windows default
	#: recording device (voice/winmm.py). Tests set one on the plugin that makes a FakeMicrophone.
	recorderFactory = None

	@property
	def watcher(self):
		"""The core `Watcher` of the watch in progress, if any: a spoken question makes it give way."""
		return self.watching.watcher if self.watching is not None else None

	def __init__(self):
		super().__init__()
		self._logBridge = logBridge.install()
		self.keyStore = apiKeys.KeyStore()
		self.speech = SpeechOutput(self.getSettings)
		self.describer = self._makeDescriber()
		self.voiceInput = VoiceInput(
			self._makeVoiceQuestions(), self.speech, self.getSettings, lambda: self.watcher
		)
		self.layer = commandLayer.CommandLayer(self)
		#: The newest describe or question, for a second press and the follow-up key.
		self.lastRun: DescribeRun | None = None
		#: The question dialog while one is open (asking before the picture is sent).
		self.questionDialog: QuestionDialog | None = None
		#: The watch G started, while it runs; the last change a watch or "what changed?" reported.
		self.watching: watching.Watching | None = None
		self.lastReport: watching.Report | None = None
		post_sessionLockStateChanged.register(self._onSessionLockStateChanged)
		if libraryStatus.ready and not screenState.isSecureScreen() and self.getSettings().warmUpOnStart:
			self.describer.warmUp()
		# Last: NVDA never calls terminate() on a plugin whose __init__ raised, so a panel registered
		# earlier would stay in NVDA's settings, bound to a plugin that never ran. With the libraries
		# missing the panel is still offered (its settings need none of them).
		settingsPanel.register(panelServices.services())  # not on secure screens

	def _makeDescriber(self) -> Describer:
		return Describer(
			post=lambda fn: postToMainThread(fn),
			getSettings=self.getSettings,
			getApiKey=self._getApiKey,
			getLanguage=languageHandler.getLanguage,
			prepare=self.prepare,
			checkNotBlank=self._checkNotBlank,
		)

	def _makeVoiceQuestions(self) -> VoiceQuestions:
		return VoiceQuestions(
			self.describer.runner,
			lambda fn: postToMainThread(fn),
			self.getSettings,
			getTranscriptionKey=self._getTranscriptionKey,
			getLanguage=languageHandler.getLanguage,
			recorderFactory=lambda: (self.recorderFactory or defaultRecorder)(),
		)

	def terminate(self):
		try:
			post_sessionLockStateChanged.unregister(self._onSessionLockStateChanged)
			self.layer.leave()
			watching.stopWatching(self, StopReason.TERMINATED)  # says nothing
			# Speech given back at once: what the after-recording hook would do may never run now.
			self.voiceInput.terminate()
			self.speech.terminate()
			# The worker first: nothing may be spoken or shown once NVDA is leaving.
			if not self.describer.terminate(timeout=1.0):
				log.warning("Vision Describer: the worker did not stop within a second")
			for close in (lambda: closeQuestionDialog(self), closeFollowUpDialog):
				try:
					close()
				except Exception:
					log.exception("Vision Describer: a dialog could not be closed")
		finally:
			settingsPanel.unregister()  # settings panel
			self._logBridge.remove()
			super().terminate()

	# --- Settings, keys, checks -------------------------------------------------------------------

	def getSettings(self) -> Settings:
		"""The saved settings; one nvda.ini holds that NVDA refuses gets its default (savedSettings)."""
		return savedSettings.load()

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

	def _getTranscriptionKey(self, settings: Settings) -> str | None:
		"""Worker thread: the speech-to-text server's key (its own, or the vision server's when both
		have the same scheme, host and port; see apiKeys.transcriptionKey)."""
		try:
			key = apiKeys.transcriptionKey(
				self.keyStore, settings.sttBaseUrl, settings.provider, settings.baseUrl
			)
		except ValueError:
			return None
		except KeyStoreUnavailable:
			if isLoopbackHost(hostOf(settings.sttBaseUrl)):
				# A server on this computer needs no key; one is only sent when the user saved one.
				log.debugWarning("Vision Describer: the credential store could not be read; no key sent")
				return None
			raise
		if key:
			self._logBridge.addSecret(key)
		return key

	def _checkNotBlank(self, image) -> None:
		check = self.checkNotBlank
		if check is None:
			from visionDescriberCore.imaging.blankDetection import checkNotBlank as check
		check(image)

	def refused(self) -> bool:
		"""Says why nothing can be done here, if so: a secure screen, a locked Windows, or libraries
		missing. Every command's script calls this first (commandTable), once it has left the layer.
		(While Windows is locked NVDA runs no add-on script for a key; this covers any other way in.)"""
		if screenState.isSecureScreen():
			self.speech.error(SecureScreen("secure screen"))
			return True
		if screenState.isWindowsLocked():
			self.speech.error(WindowsLocked("Windows is locked"))
			return True
		if not libraryStatus.ready:
			ui.message(libraryStatus.problem)
			return True
		return False

	def busySentence(self) -> str:
		return commandLayer.busySentence(self)

	def _onSessionLockStateChanged(self, isNowLocked: bool) -> None:
		"""NVDA's session-lock notification (main thread). Locked: a description being made stops at
		once, with its speech and its waiting tones, and nothing it would have opened opens (the
		follow-up dialog a double press asked for is forgotten). The add-on's windows close: the
		question dialog holds a picture not yet sent, and the follow-up dialog would otherwise wait
		for an answer that was cancelled (its conversations are kept: D opens it again). A watch stops
		and says so in one sentence (it would otherwise be taken for still running); nothing else is
		said: the lock screen speaks for itself."""
		if not isNowLocked:
			return
		self.layer.leave()
		if self.voiceInput.cancel():  # the recording is thrown away, speech given back, nothing said
			log.info("Vision Describer: Windows was locked; the spoken question was thrown away")
		closeQuestionDialog(self)
		closeFollowUpDialog()
		if self.lastRun is not None:
			self.lastRun.openDialogWhenDone = False
		if self.describer.cancel():
			log.info("Vision Describer: Windows was locked; the request being made was cancelled")
			self.speech.silence()
		else:
			self.speech.stopWaiting()
		# Last, so that its one sentence is not cut off with the description's speech.
		watching.stopWatching(self, StopReason.LOCKED)

	# --- The command layer --------------------------------------------------------------------------

	def getScript(self, gesture):
		if not self.layer.active:
			escape = escapeWhileListening(self, gesture)
			if escape is not None:
				return escape
		return self.layer.getScript(gesture, super().getScript)


commandTable.addScripts(GlobalPlugin)
