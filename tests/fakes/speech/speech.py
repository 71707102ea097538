"""Fake of NVDA's speech.speech: speech modes, cancelling and what the synthesizer still has to say.

Mirrors NVDA 2024.4's source/speech/speech.py where the add-on depends on it:
- `speak()` first applies `extensions.filter_speechSequence`; a sequence the filter empties is not
  spoken (recorded in `testing.filtered`). Then it notifies `extensions.pre_speech` and follows the
  speech mode (`getState().speechMode`): off says nothing; beeps plays a beep instead (tones.beep); onDemand speaks only while a script
  marked `speakOnDemand=True` is running (`scriptHandler.getCurrentScript()`), so speech queued
  later (from wx.CallAfter or core.callLater) is dropped; talk speaks.
- `cancelSpeech()` notifies `extensions.pre_speechCanceled` first, always; then returns at once if
  nothing was spoken since the last cancel, or in off and beeps modes; otherwise drops everything the
  synthesizer had not said yet and notifies `extensions.speechCanceled`.
- Speech the synthesizer has not reached yet is kept in order; `testing.synthSaysAll()` lets it reach
  the end, running each `CallbackCommand` as NVDA's speech manager does. What a cancel dropped before
  it was said is in `testing.cutOff`.

Recordings: `testing.sequences` holds (speechSequence, priority) for every `speak` that was spoken
(not dropped by the mode); `testing.spoken()` flattens their text; `testing.cancelCount` counts
`cancelSpeech()` calls that cancelled something or were asked for; `testing.events` keeps speech and
cancellations in order: ("speak", text) / ("cancel",).
"""

from utils.displayString import DisplayStringIntEnum

from . import commands, extensions
from .priorities import Spri


class SpeechMode(DisplayStringIntEnum):
	off = 0
	beeps = 1
	talk = 2
	onDemand = 3

	@property
	def _displayStringLabels(self):
		return {
			SpeechMode.off: "off",
			SpeechMode.beeps: "beeps",
			SpeechMode.talk: "talk",
			SpeechMode.onDemand: "on-demand",
		}


class SpeechState:
	beenCanceled = True
	isPaused = False
	speechMode = SpeechMode.talk
	speechMode_beeps_ms = 15


_speechState = SpeechState()


class testing:
	"""Test-only namespace of this fake (see tests/fakes/README.md)."""

	sequences: list = []
	events: list = []
	cancelCount = 0
	#: Sequences given to the synthesizer that it has not finished saying, in order.
	pending: list = []
	#: Text that was queued but cancelled before the synthesizer said it.
	cutOff: list = []
	#: Sequences the speech mode dropped (off, beeps, or on demand outside a speakOnDemand script).
	dropped: list = []
	#: Sequences `extensions.filter_speechSequence` emptied, as they were before the filter.
	filtered: list = []

	@staticmethod
	def spoken() -> list[str]:
		return [
			item for sequence, _priority in testing.sequences for item in sequence if isinstance(item, str)
		]

	@staticmethod
	def synthSaysAll() -> int:
		"""The synthesizer says everything queued; each CallbackCommand runs as it is reached."""
		ran = 0
		while testing.pending:
			sequence = testing.pending.pop(0)
			for item in sequence:
				if isinstance(item, commands.CallbackCommand):
					item.run()
					ran += 1
		return ran


def getState():
	"""A copy of the speech state, as NVDA returns it."""
	state = SpeechState()
	for name in ("beenCanceled", "isPaused", "speechMode", "speechMode_beeps_ms"):
		setattr(state, name, getattr(_speechState, name))
	return state


def setSpeechMode(newMode):
	_speechState.speechMode = newMode


def speak(speechSequence, symbolLevel=None, priority=None):
	if priority is None:
		priority = Spri.NORMAL
	original = list(speechSequence)
	sequence = list(extensions.filter_speechSequence.apply(original))
	if not sequence:
		if original:
			testing.filtered.append(original)
		return
	extensions.pre_speech.notify(speechSequence=sequence, symbolLevel=symbolLevel, priority=priority)
	mode = _speechState.speechMode
	if mode == SpeechMode.beeps:
		import config
		import tones

		tones.beep(config.conf["speech"]["beepSpeechModePitch"], _speechState.speechMode_beeps_ms)
	if mode == SpeechMode.onDemand:
		import scriptHandler

		script = scriptHandler.getCurrentScript()
		if not (script and getattr(script, "speakOnDemand", False)):
			mode = SpeechMode.off  # on demand, outside a speakOnDemand script: nothing is said
	if mode in (SpeechMode.off, SpeechMode.beeps):
		testing.dropped.append(sequence)
		return
	_speechState.beenCanceled = False
	testing.sequences.append((sequence, priority))
	testing.pending.append(sequence)
	for item in sequence:
		if isinstance(item, str):
			testing.events.append(("speak", item))


def speakMessage(text, priority=None):
	# NVDA speaks nothing for an empty message.
	if text:
		speak([text], priority=priority)


def cancelSpeech():
	extensions.pre_speechCanceled.notify()
	testing.cancelCount += 1
	testing.events.append(("cancel",))
	if _speechState.beenCanceled:
		return
	if _speechState.speechMode in (SpeechMode.off, SpeechMode.beeps):
		return
	for sequence in testing.pending:
		testing.cutOff += [item for item in sequence if isinstance(item, str)]
	testing.pending.clear()
	extensions.speechCanceled.notify()
	_speechState.beenCanceled = True
	_speechState.isPaused = False
