"""The shared speech and braille path, against fakes that behave as NVDA does: speech the user cancels
(pre_speechCanceled), speech modes, callbacks when the synthesizer reaches them, braille messages
that replace each other and time out."""

from dataclasses import replace

import pytest
from visionDescriberCore import errors
from visionDescriberCore.settings import Settings

LONG = [
	"A bar chart of sales in four colours.",
	"March has the highest bar, twelve units.",
	"January is the lowest at three units.",
]


def makeOutput(**overrides):
	from visionDescriber.speechOutput import SpeechOutput

	settings = replace(Settings(), **overrides)
	return SpeechOutput(lambda: settings)


def userPressesAKey():
	"""What NVDA does for any key press (Control, a command, a typed letter): cancels speech."""
	import speech

	speech.cancelSpeech()


# --- Speaking an answer ---------------------------------------------------------------------------


def test_phrases_are_spoken_and_errors_spoken_and_brailled():
	import braille
	import speech

	output = makeOutput()
	answer = output.startAnswer()
	answer.phrase("A chart of sales.")
	answer.finish()
	output.error(errors.ModelNotFound("llava", provider="ollama", detail="404 model 'llava' not found"))
	assert speech.testing.spoken() == [
		"A chart of sales.",
		"The model llava is not installed. Run: ollama pull llava",
	]
	assert braille.testing.shown().startswith("The model llava")


def test_waiting_tones_repeat_until_the_first_words():
	import core
	import queueHandler
	import tones
	from visionDescriber.speechOutput import SENT_TONE, WAITING_TONE

	output = makeOutput(progressTones=True)
	answer = output.startAnswer()
	output.requestSent()
	assert tones.testing.beeps[0][:2] == SENT_TONE
	for _ in range(2):
		core.testing.runPending()
		queueHandler.testing.pump()
	assert [beep[:2] for beep in tones.testing.beeps] == [SENT_TONE, WAITING_TONE, WAITING_TONE]
	answer.phrase("Hello.")
	core.testing.runPending()
	queueHandler.testing.pump()
	assert len(tones.testing.beeps) == 3
	assert not output.waiting


def test_waiting_for_a_transcription_plays_only_the_waiting_tones():
	import core
	import queueHandler
	import tones
	from visionDescriber.speechOutput import WAITING_TONE

	output = makeOutput(progressTones=True)
	output.startWaiting()  # a spoken question being turned into words: no request tone
	for _ in range(2):
		core.testing.runPending()
		queueHandler.testing.pump()
	assert [beep[:2] for beep in tones.testing.beeps] == [WAITING_TONE, WAITING_TONE]
	output.stopWaiting()
	core.testing.runPending()
	queueHandler.testing.pump()
	assert len(tones.testing.beeps) == 2 and not output.waiting
	makeOutput(progressTones=False).startWaiting()
	core.testing.runPending()
	queueHandler.testing.pump()
	assert len(tones.testing.beeps) == 2


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


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_text_is_never_sent_to_nvda(text):
	import braille
	import ui

	output = makeOutput()
	assert not output.say(text)
	answer = output.startAnswer()
	answer.phrase(text)
	answer.finish()
	assert ui.testing.messages == [] and braille.testing.messages == []


# --- The user stops speech (speech.extensions.pre_speechCanceled) ---------------------------------


def test_a_user_cancel_silences_the_rest_of_the_answer_which_keeps_arriving():
	import speech

	output = makeOutput()
	answer = output.startAnswer()
	answer.phrase(LONG[0])
	userPressesAKey()
	answer.phrase(LONG[1])
	answer.phrase(LONG[2])
	answer.finish()
	assert speech.testing.spoken() == [LONG[0]]
	assert speech.testing.cutOff == [LONG[0]]
	assert answer.text == " ".join(LONG)  # for repeat, show and the dialog
	nextAnswer = output.startAnswer()
	nextAnswer.phrase("A new description.")
	assert speech.testing.spoken()[-1] == "A new description."  # the next one speaks normally


def test_a_cancel_before_the_first_words_silences_nothing():
	import speech

	output = makeOutput()
	answer = output.startAnswer()  # the request went out; the user reads something else meanwhile
	userPressesAKey()
	answer.phrase(LONG[0])
	answer.finish()
	assert speech.testing.spoken() == [LONG[0]]


def test_the_add_ons_own_cancel_to_speak_does_not_silence_anything():
	import speech

	output = makeOutput()
	answer = output.startAnswer()
	answer.phrase(LONG[0])
	output.cancelAndSay("Listening.")
	answer.phrase(LONG[1])
	assert speech.testing.cutOff == [LONG[0]]
	assert speech.testing.spoken() == [LONG[0], "Listening.", LONG[1]]
	assert [item for item in speech.testing.pending[0] if isinstance(item, str)] == ["Listening."]


def test_the_add_ons_own_cancel_for_quiet_silences_nothing_the_user_hears_later():
	import speech

	output = makeOutput()
	answer = output.startAnswer()
	answer.phrase(LONG[0])
	output.cancelOwn()  # a spoken question starts listening
	answer.phrase(LONG[1])
	assert speech.testing.cutOff == [LONG[0]]
	assert speech.testing.spoken() == LONG[:2]
	assert not answer.silenced


def test_the_pre_speech_canceled_handler_goes_with_terminate():
	import speech

	output = makeOutput()
	output.terminate()
	answer = output.startAnswer()
	answer.phrase(LONG[0])
	userPressesAKey()
	answer.phrase(LONG[1])
	assert speech.testing.spoken() == LONG[:2]


# --- Heard to its end (speech.commands.CallbackCommand) ----------------------------------------------


def test_what_waits_for_the_answer_runs_when_the_synthesizer_has_said_it():
	import speech

	output = makeOutput()
	heard = []
	answer = output.startAnswer()
	for phrase in LONG:
		answer.phrase(phrase)
	answer.finish()
	answer.whenHeard(lambda: heard.append("dialog"))
	assert heard == []
	assert speech.testing.synthSaysAll() == 3
	assert heard == ["dialog"]


def test_a_cancel_means_the_callback_never_comes_so_what_waits_runs_at_once():
	import queueHandler

	output = makeOutput()
	heard = []
	answer = output.startAnswer()
	answer.phrase(LONG[0])
	answer.finish()
	answer.whenHeard(lambda: heard.append("dialog"))
	userPressesAKey()
	assert heard == []  # not from inside NVDA's cancelSpeech
	queueHandler.testing.pump()
	assert heard == ["dialog"]


def test_an_answer_silenced_while_streaming_is_heard_as_soon_as_it_is_complete():
	import tones
	from visionDescriber.speechOutput import READY_TONE

	output = makeOutput()
	heard = []
	answer = output.startAnswer()
	answer.phrase(LONG[0])
	userPressesAKey()
	answer.phrase(LONG[1])
	answer.finish()
	answer.whenHeard(lambda: heard.append("dialog"))
	assert heard == ["dialog"]
	assert tones.testing.beeps[-1][:2] == READY_TONE  # complete, not heard: a sign


# --- Speech modes (speech.getState().speechMode) ---------------------------------------------------


@pytest.mark.parametrize("mode", ["off", "beeps", "onDemand"])
def test_an_answer_that_cannot_be_heard_ends_with_a_tone_and_never_waits(mode):
	import speech
	import tones
	from visionDescriber.speechOutput import READY_TONE

	speech.setSpeechMode(getattr(speech.SpeechMode, mode))
	output = makeOutput()
	heard = []
	answer = output.startAnswer()
	for phrase in LONG:
		answer.phrase(phrase)
	answer.finish()
	answer.whenHeard(lambda: heard.append("dialog"))
	assert speech.testing.spoken() == []
	assert heard == ["dialog"]
	assert tones.testing.beeps[-1][:2] == READY_TONE
	# Beeps mode: NVDA's own beep for each phrase, then the ready tone.
	assert len(tones.testing.beeps) == (4 if mode == "beeps" else 1)


def test_on_demand_speaks_what_a_speak_on_demand_script_says():
	import scriptHandler
	import speech
	import tones

	speech.setSpeechMode(speech.SpeechMode.onDemand)
	output = makeOutput()

	@scriptHandler.script(speakOnDemand=True)
	def script_repeat(gesture):
		assert output.say("The last description.")

	scriptHandler.executeScript(script_repeat, None)
	assert not output.say("Later, from wx.CallAfter.")
	assert not output.error(errors.ServerUnreachable("http://127.0.0.1:11434"))
	assert speech.testing.spoken() == ["The last description."]
	from visionDescriber.speechOutput import ERROR_TONE

	assert tones.testing.beeps[-1][:2] == ERROR_TONE  # the error is not heard: a low tone


# --- Braille --------------------------------------------------------------------------------------


def test_braille_shows_the_answer_so_far_and_keeps_it_up_while_it_streams():
	import braille

	output = makeOutput()
	answer = output.startAnswer()
	answer.phrase(LONG[0])
	answer.phrase(LONG[1])
	assert braille.testing.shown() == " ".join(LONG[:2])
	assert braille.testing.timerMs() is None  # held while the answer streams
	assert not braille.testing.timeoutPassed()
	answer.phrase(LONG[2])
	answer.finish()
	assert braille.testing.shown() == " ".join(LONG)
	assert braille.testing.timerMs() == 4000  # complete: NVDA's message timeout again
	assert braille.testing.timeoutPassed() and braille.testing.shown() is None


def test_a_reader_panning_the_answer_stays_where_they_are():
	import braille

	output = makeOutput()
	answer = output.startAnswer()
	answer.phrase(LONG[0])
	answer.phrase(LONG[1])
	braille.handler.scrollForward()
	assert braille.handler.messageBuffer.windowStartPos == 40
	answer.phrase(LONG[2])
	assert braille.handler.messageBuffer.windowStartPos == 40  # not thrown back to the start
	assert braille.testing.shown() == " ".join(LONG)
	answer.finish()
	assert braille.handler.messageBuffer.windowStartPos == 40
	assert braille.testing.timerMs() == 4000


def test_shown_indefinitely_stays_and_messages_turned_off_show_nothing():
	import braille
	import config

	config.conf["braille"]["showMessages"] = 2
	output = makeOutput()
	answer = output.startAnswer()
	answer.phrase(LONG[0])
	answer.finish()
	assert braille.testing.timerMs() is None and braille.testing.shown() == LONG[0]
	config.conf["braille"]["showMessages"] = 0
	second = output.startAnswer()
	second.phrase(LONG[1])
	second.finish()
	assert braille.testing.messages == [LONG[0]]


def test_a_message_that_timed_out_comes_back_unless_the_user_moved_on():
	import braille

	output = makeOutput(progressTones=False)
	answer = output.startAnswer()
	answer.phrase(LONG[0])
	braille.handler.scrollForward()  # the reader pans, which restarts NVDA's timer...
	assert braille.testing.timeoutPassed()  # ...and it runs out before the next phrase
	answer.phrase(LONG[1])
	assert braille.testing.shown() == " ".join(LONG[:2])  # shown again with the answer so far
	braille.handler._dismissMessage()  # NVDA takes it down after the user pressed a key...
	userPressesAKey()
	answer.phrase(LONG[2])
	assert braille.testing.shown() is None  # ...and it is not pushed back over what they read
	answer.finish()
	assert braille.testing.shown() is None
	assert answer.text == " ".join(LONG)
