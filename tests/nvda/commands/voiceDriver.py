"""Drives spoken questions through the plugin, for the voice tests: a fake microphone playing
espeak-ng speech (tests/core/voiceSamples.py) in place of the Windows recorder, the keys of the A
command as NVDA handles them, and what to wait for and look at (the tone pairs, whether NVDA's
speech is being kept quiet). The `stt` and `voice` fixtures (conftest.py) make one per test."""

from pluginDriver import pressInNvda, pumpFor, pumpUntil
from visionDescriberCore.voice.recorder import FakeMicrophone


class Voice:
	"""The plugin's microphone for a test, and how to drive a spoken question."""

	def __init__(self, started, stt, samples):
		self.started = started
		self.plugin = started.plugin
		self.stt = stt
		self.samples = samples
		self.microphone: FakeMicrophone | None = None
		self.plugin.recorderFactory = lambda: self.microphone

	def use(self, sample: str = "question", **options) -> FakeMicrophone:
		"""The microphone plays this sample (see voiceSamples.buildSamples); fast unless realtime."""
		self.microphone = FakeMicrophone(self.samples[sample].path, **options)
		return self.microphone

	def pressA(self) -> None:
		assert pressInNvda(self.plugin, "kb:NVDA+alt+v")
		assert pressInNvda(self.plugin, "kb:a")

	def pressCancelKey(self) -> None:
		assert pressInNvda(self.plugin, "kb:NVDA+alt+v")
		assert pressInNvda(self.plugin, "kb:x")

	def waitUntilListening(self) -> None:
		assert pumpUntil(lambda: self.microphone.isOpen, 5), "the microphone was never opened"

	def waitUntilIdle(self) -> None:
		assert pumpUntil(lambda: not self.plugin.voiceInput.busy and not self.plugin.describer.busy, 15)
		pumpFor(0.1)  # the tones' second notes, what was posted last

	@property
	def quiet(self) -> bool:
		"""NVDA's speech is being kept quiet (a handler on filter_speechSequence)."""
		import speech

		return bool(list(speech.extensions.filter_speechSequence.handlers))


def beepsOf(start: int = 0) -> list[tuple[int, int]]:
	import tones

	return [beep[:2] for beep in tones.testing.beeps[start:]]


def notesIn(beeps: list[tuple[int, int]], notes) -> bool:
	"""The notes of a tone pair appear in order among beeps."""
	position = 0
	for beep in beeps:
		if position < len(notes) and beep == notes[position]:
			position += 1
	return position == len(notes)
