"""The shared speech path: phrases and errors through ui.message, progress tones while waiting."""

from dataclasses import replace

from visionDescriberCore import errors
from visionDescriberCore.settings import Settings


def makeOutput(**overrides):
	from visionDescriber.speechOutput import SpeechOutput

	settings = replace(Settings(), **overrides)
	return SpeechOutput(lambda: settings)


def test_phrases_and_errors_are_spoken_and_brailled():
	import braille
	import ui

	output = makeOutput()
	output.phrase("A chart of sales.")
	output.error(errors.ModelNotFound("llava", provider="ollama", detail="404 model 'llava' not found"))
	assert ui.testing.messages == [
		"A chart of sales.",
		"The model llava is not installed. Run: ollama pull llava",
	]
	assert braille.testing.messages[-1].startswith("The model llava")


def test_waiting_tones_repeat_until_the_first_words():
	import core
	import queueHandler
	import tones
	from visionDescriber.speechOutput import SENT_TONE, WAITING_TONE

	output = makeOutput(progressTones=True)
	output.requestSent()
	assert tones.testing.beeps[0][:2] == SENT_TONE
	for _ in range(2):
		core.testing.runPending()
		queueHandler.testing.pump()
	assert [beep[:2] for beep in tones.testing.beeps] == [SENT_TONE, WAITING_TONE, WAITING_TONE]
	output.phrase("Hello.")
	core.testing.runPending()
	queueHandler.testing.pump()
	assert len(tones.testing.beeps) == 3
	assert not output.waiting


def test_no_tones_when_the_user_turned_them_off():
	import core
	import tones

	output = makeOutput(progressTones=False)
	output.requestSent()
	assert tones.testing.beeps == []
	assert core.testing.pending == []
	assert output.waiting


def test_silence_cuts_off_speech_and_ends_the_waiting():
	import core
	import speech
	import tones

	output = makeOutput(progressTones=True)
	output.requestSent()
	output.say("Answering...")
	output.silence()
	assert speech.testing.events[-1] == ("cancel",)  # after what was being said
	assert not output.waiting
	core.testing.runPending()
	assert len(tones.testing.beeps) == 1  # the request-sent tone, then no waiting tone
