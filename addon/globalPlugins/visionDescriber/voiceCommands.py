"""Asking aloud: the A command. Press, speak, and hear the answer, with no window.

The handler runs on NVDA's main thread after the plugin's refusals (secure screen, locked Windows,
missing libraries) and returns at once; listening, recording and transcription happen through the
plugin's `VoiceInput` (voiceInput.py) on the describer's single worker, so a spoken question and a
description never overlap and "still describing" means the same for both.

- First press: listening starts (the rising tone; NVDA's speech quiet meanwhile). A press while
  listening stops it and keeps what was said; the end of speech or the longest recording stops it
  too (the falling tone). Escape, taken only while listening (`escapeWhileListening`, from the
  plugin's `getScript`, so Escape belongs to the application at every other time), or the layer's
  cancel key throws the recording away; the cancel key also stops a transcription. A press while
  transcribing or while a description is being made gets the busy sentence.
- The words: "You asked: ..." first (setting `speakTranscript`), then the question goes on exactly
  as a description does (`describeCommands.RunListener`: the same busy and cancel rules, speech,
  braille, R, B, C and D afterwards):
  - to the current conversation with its picture (`Describer.ask` on the newest conversation);
  - with no conversation yet, or with `voiceNewPicture`, the target `voiceTarget` (navigator object,
    foreground window or screen) is captured first: a new conversation with that picture and the
    question (`Describer.describe(source, listener, question=text)`), or, when there is a
    conversation, the new picture is added to it as the follow-up dialog's New image does
    (`Describer.addImage(session, listener, question, source)`).
  A spoken answer never opens the follow-up dialog by itself (its point is to need no window).
- A failure (no microphone, nothing heard, the speech-to-text server) is its sentence, or the error
  tone when speech cannot be heard (R says it then).

Speech modes: the command is `speakOnDemand`, so in on-demand mode what it answers at once (busy,
"Cancelled", a refusal) is said; what comes later ("You asked", the answer, a failure) follows the
rules of a description: the high tone when the answer is complete, the low tone for an error.
"""

import time
from typing import TYPE_CHECKING, Any

import addonHandler
import inputCore
from visionDescriberCore.errors import Cancelled, VisionDescriberError

from .describeCommands import DescribeRun, RunListener, resolveTarget
from .voiceInput import transcriptSentence

if TYPE_CHECKING:
	from . import GlobalPlugin

addonHandler.initTranslation()

VOICE_COMMAND = "voice"
ESCAPE = "kb:escape"


def askAloud(plugin: "GlobalPlugin") -> None:
	"""The A command: start listening, or stop it."""
	voice = plugin.voiceInput
	if voice.listening:
		voice.stop()
		return
	if voice.busy or (plugin.describer.busy and not _watching(plugin)):
		plugin.speech.say(plugin.busySentence())
		return
	if not voice.listen(QuestionByVoice(plugin), onRefused=lambda: plugin.speech.say(plugin.busySentence())):
		plugin.speech.say(plugin.busySentence())


def _watching(plugin: "GlobalPlugin") -> bool:
	"""A watch in progress: its jobs give way to a spoken question (voiceInput.py)."""
	watcher = plugin.watcher
	return watcher is not None and getattr(watcher, "active", False)


class QuestionByVoice:
	"""The words of one spoken question, on to the vision model (main thread)."""

	def __init__(self, plugin: "GlobalPlugin"):
		self.plugin = plugin

	def onTranscript(self, text: str) -> None:
		plugin = self.plugin
		settings = plugin.getSettings()
		if settings.speakTranscript:
			plugin.speech.say(transcriptSentence(text))
		describer = plugin.describer
		session = describer.lastSession
		target = None
		if session is None or settings.voiceNewPicture:
			target = resolveTarget(plugin, settings.voiceTarget)
			if target is None:
				return  # its sentence was said
		run = DescribeRun(VOICE_COMMAND, time.monotonic(), target, offersDialog=False)
		listener = RunListener(plugin, run)
		if target is None:
			started = describer.ask(session, text, listener)
		elif session is None:
			started = describer.describe(target.source, listener, question=text)
		else:
			started = describer.addImage(session, listener, question=text, source=target.source)
		if started:
			plugin.lastRun = run
		else:
			plugin.speech.say(plugin.busySentence())

	def onError(self, error: VisionDescriberError) -> None:
		plugin = self.plugin
		run = DescribeRun(
			VOICE_COMMAND, time.monotonic(), None, finished=True, failed=True, offersDialog=False
		)
		run.error = error
		run.errorHeard = plugin.speech.error(error)
		plugin.lastRun = run


# --- Escape while listening --------------------------------------------------------------------------


def escapeWhileListening(plugin: "GlobalPlugin", gesture: Any):
	"""The plugin's script for gesture when it is Escape and a spoken question is being recorded;
	None otherwise (then Escape goes where it always goes)."""
	if not plugin.voiceInput.listening:
		return None
	if inputCore.normalizeGestureIdentifier(ESCAPE) not in gesture.normalizedIdentifiers:
		return None

	def cancelListening(gesture: Any) -> None:
		if plugin.voiceInput.cancel():
			plugin.speech.say(Cancelled().sentence)

	cancelListening.speakOnDemand = True  # "Cancelled" is said in on-demand mode too
	return cancelListening
