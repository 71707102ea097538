"""The follow-up dialog on real wx (Xvfb), with the NVDA fakes, a real Describer and a fake Ollama on
127.0.0.1 speaking Ollama's wire format.

Keys are pressed two ways: real key presses through wx.UIActionSimulator (the X server delivers them
to the focused control), and key events built by hand and sent to the control they are meant for,
which reach the same EVT_CHAR_HOOK handler.
"""

import re
import threading
from dataclasses import replace

import pytest
import wx
import wxHelpers
from clientHelpers import noThreadLeak  # noqa: F401 - a fixture
from followUpSupport import (
	CONTEXT,
	DESCRIPTION,
	QUESTION,
	Grabber,
	PluginListener,
	gatedReply,
	preparePng,
	stalledReply,
)
from servers.fakeOllama import NDJSON, ollamaError, ollamaReply
from servers.httpServer import Reply, Stall
from visionDescriberCore.describing import Describer, ImageSource
from visionDescriberCore.settings import Settings

pytestmark = pytest.mark.display


class Setup:
	def __init__(self, ollama, settings):
		from visionDescriber.speechOutput import SpeechOutput

		self.ollama = ollama
		self.settings = settings
		self.describer = Describer(
			wx.CallAfter,
			lambda: self.settings,
			lambda settings: None,
			lambda: "en",
			prepare=preparePng,
			checkNotBlank=lambda image: None,
		)
		self.speechOutput = SpeechOutput(lambda: self.settings)
		self.grabber = Grabber()

	def describe(self, pieces=DESCRIPTION):
		self.ollama.queueChat(ollamaReply(pieces))
		listener = PluginListener()
		assert self.describer.describe(ImageSource(self.grabber, "navigator object", CONTEXT), listener)
		assert wxHelpers.waitFor(listener.ended.is_set), "the describe did not end"
		assert listener.events[-1] == "answer"
		assert waitIdle(self.describer)
		return self.describer.lastSession

	def open(self, session=None):
		from visionDescriber.followUpDialog import followUpDialog, showFollowUpDialog

		showFollowUpDialog(self.describer, session, self.speechOutput)
		dialog = followUpDialog()
		assert dialog is not None
		assert wxHelpers.waitFor(dialog.IsShownOnScreen)
		return dialog


@pytest.fixture
def setup(noThreadLeak, nvdaGui):  # noqa: F811 - the fixture imported above
	from servers.fakeOllama import FakeOllama
	from visionDescriber.followUpDialog import closeFollowUpDialog

	ollama = FakeOllama().start()
	setup = Setup(ollama, replace(Settings(), baseUrl=ollama.url, model="gemma3:4b", progressTones=False))
	yield setup
	closeFollowUpDialog()
	setup.speechOutput.stopWaiting()
	assert setup.describer.terminate(2)
	ollama.stop()
	wxHelpers.processEvents()


def waitIdle(describer) -> bool:
	return wxHelpers.waitFor(lambda: not describer.busy)


def messages() -> list[str]:
	"""What was spoken, in order (phrases go to speech directly, messages through ui.message)."""
	import speech

	return speech.testing.spoken()


def sendKey(target: wx.Window, keyCode: int, modifiers: int = wx.MOD_NONE) -> None:
	"""A key press as wx first reports it (EVT_CHAR_HOOK), sent to target and on up to the dialog."""
	event = wx.KeyEvent(wx.wxEVT_CHAR_HOOK)
	event.SetKeyCode(keyCode)
	event.SetShiftDown(bool(modifiers & wx.MOD_SHIFT))
	event.SetControlDown(bool(modifiers & wx.MOD_CONTROL))
	event.SetAltDown(bool(modifiers & wx.MOD_ALT))
	event.SetEventObject(target)
	event.ResumePropagation(wx.EVENT_PROPAGATE_MAX)
	target.GetEventHandler().ProcessEvent(event)
	wxHelpers.processEvents()


def pressKey(keyCode: int, modifiers: int = wx.MOD_NONE, until=None) -> None:
	"""A real key press through the X server, to whatever has the focus; then waits until the
	condition holds (or briefly, for the callers that wait for their own condition)."""
	simulator = wx.UIActionSimulator()
	simulator.KeyDown(keyCode, modifiers)
	simulator.KeyUp(keyCode, modifiers)
	if until is None:
		wxHelpers.waitFor(lambda: False, timeout=0.1)
	else:
		assert wxHelpers.waitFor(until), "the key press had no effect"


def typeText(control: wx.TextCtrl, text: str) -> None:
	control.SetFocus()
	assert wxHelpers.waitFor(lambda: wx.Window.FindFocus() is control)
	wx.UIActionSimulator().Text(text.encode("ascii"))
	assert wxHelpers.waitFor(lambda: control.GetValue() == text), repr(control.GetValue())


def click(button: wx.Button) -> None:
	event = wx.CommandEvent(wx.wxEVT_BUTTON, button.GetId())
	event.SetEventObject(button)
	button.GetEventHandler().ProcessEvent(event)
	wxHelpers.processEvents()


def historyOf(dialog) -> str:
	return dialog.history.GetValue()


# --- Asking --------------------------------------------------------------------------------------


def test_enter_sends_the_question_with_the_whole_history_and_the_stored_image(setup):
	import speech
	import tones

	setup.settings = replace(setup.settings, progressTones=True)
	session = setup.describe()
	dialog = setup.open()
	assert wx.Window.FindFocus() is dialog.question
	gate = threading.Event()
	setup.ollama.queueChat(gatedReply(["January is lowest. ", "It is"], [" about a third of March."], gate))

	typeText(dialog.question, QUESTION)
	pressKey(wx.WXK_RETURN)

	# Sent: the field is empty and still focused, the dialog says it is answering.
	assert wxHelpers.waitFor(lambda: "January is lowest." in messages())
	assert dialog.question.GetValue() == ""
	assert wx.Window.FindFocus() is dialog.question
	assert "Answering..." in messages()
	assert dialog.status.GetValue() == "Answering..."
	assert tones.testing.beeps, "the request-sent tone"
	# The answer streams into the history while the model still writes.
	assert historyOf(dialog).endswith(f"You: {QUESTION}\n\nVision Describer: January is lowest.")
	assert len(session.conversation.turns) == 2  # nothing kept before the answer is complete

	gate.set()
	assert wxHelpers.waitFor(lambda: len(session.conversation.turns) == 4)
	assert historyOf(dialog).endswith(
		f"You: {QUESTION}\n\nVision Describer: January is lowest. It is about a third of March."
	)
	assert "It is about a third of March." in speech.testing.spoken()
	assert dialog.status.GetValue() == "Type a question and press Enter."

	# On the wire: the system prompt, the first picture and answer, then the question.
	first, second = setup.ollama.chatRequests()
	sent = second.json["messages"]
	assert [message["role"] for message in sent] == ["system", "user", "assistant", "user"]
	assert sent[1]["images"] == first.json["messages"][1]["images"]
	assert sent[1]["images"] and "images" not in sent[3]
	assert sent[2]["content"] == "A bar chart of sales. March has the highest bar."
	assert sent[3]["content"] == QUESTION
	assert setup.grabber.calls == 1  # a follow-up never captures again


def test_the_history_labels_every_turn_and_alt_l_moves_to_the_newest_answer(setup):
	session = setup.describe()
	dialog = setup.open()
	setup.ollama.queueChat(ollamaReply(["January.\n\nIt has the **shortest** bar."]))
	dialog.question.ChangeValue(QUESTION)
	sendKey(dialog.question, wx.WXK_RETURN)
	assert wxHelpers.waitFor(lambda: len(session.conversation.turns) == 4)
	assert historyOf(dialog) == (
		"You: Picture of navigator object. Standard description.\n\n"
		"Vision Describer: A bar chart of sales. March has the highest bar.\n\n"
		f"You: {QUESTION}\n\n"
		"Vision Describer: January.\nIt has the shortest bar."
	)
	waitIdle(setup.describer)

	dialog.question.SetFocus()
	assert wxHelpers.waitFor(lambda: wx.Window.FindFocus() is dialog.question)
	pressKey(ord("L"), wx.MOD_ALT)
	assert wxHelpers.waitFor(lambda: wx.Window.FindFocus() is dialog.history)
	caret = dialog.history.GetInsertionPoint()
	assert dialog.history.GetRange(caret, dialog.history.GetLastPosition()).startswith(
		"Vision Describer: January."
	)

	# Pressed again while the history has the focus, it says the line (NVDA would not).
	dialog.history.SetInsertionPoint(0)
	sendKey(dialog.history, ord("L"), wx.MOD_ALT)
	assert dialog.history.GetInsertionPoint() == caret
	assert messages()[-1] == "Vision Describer: January."


def test_shift_enter_starts_a_new_line_and_sends_nothing(setup):
	setup.describe()
	dialog = setup.open()
	typeText(dialog.question, "Two lines")
	pressKey(wx.WXK_RETURN, wx.MOD_SHIFT)
	assert wxHelpers.waitFor(lambda: dialog.question.GetValue() == "Two lines\n")
	wx.UIActionSimulator().Text(b"please")
	assert wxHelpers.waitFor(lambda: dialog.question.GetValue() == "Two lines\nplease")
	assert len(setup.ollama.chatRequests()) == 1
	assert "Answering..." not in messages()


def test_an_empty_question_is_not_sent(setup):
	setup.describe()
	dialog = setup.open()
	dialog.question.ChangeValue("   ")
	sendKey(dialog.question, wx.WXK_RETURN)
	assert messages()[-1] == "Type a question first."
	assert len(setup.ollama.chatRequests()) == 1


def test_enter_elsewhere_does_not_send(setup):
	setup.describe()
	dialog = setup.open()
	dialog.question.ChangeValue(QUESTION)
	sendKey(dialog.history, wx.WXK_RETURN)
	assert dialog.question.GetValue() == QUESTION
	assert len(setup.ollama.chatRequests()) == 1


# --- Stopping ------------------------------------------------------------------------------------


def test_escape_stops_a_streaming_answer_then_closes_the_dialog(setup):
	import speech
	from visionDescriber.followUpDialog import followUpDialog

	session = setup.describe()
	dialog = setup.open()
	setup.ollama.queueChat(stalledReply(["January is lowest. ", "And"]))
	typeText(dialog.question, QUESTION)
	pressKey(wx.WXK_RETURN)
	assert wxHelpers.waitFor(lambda: "January is lowest." in messages())
	cancelsBefore = speech.testing.cancelCount

	pressKey(wx.WXK_ESCAPE)

	assert wxHelpers.waitFor(lambda: not setup.describer.busy), "the request was not cancelled"
	assert speech.testing.cancelCount == cancelsBefore + 1
	assert messages()[-1] == "Stopped."
	assert followUpDialog() is dialog  # the first Escape only stopped
	assert dialog.question.GetValue() == QUESTION  # back in the field to ask again
	assert dialog.status.GetValue() == "Stopped."
	assert historyOf(dialog).endswith(
		f"You: {QUESTION}\n\nVision Describer: January is lowest.\n\nStopped before the answer was complete."
	)
	assert len(session.conversation.turns) == 2
	wxHelpers.waitFor(lambda: False, timeout=0.2)
	assert messages()[-1] == "Stopped."  # nothing spoken after the stop

	pressKey(wx.WXK_ESCAPE)
	assert wxHelpers.waitFor(lambda: followUpDialog() is None and not dialog)


def test_the_stop_button_cancels_and_the_question_can_be_sent_again(setup):
	session = setup.describe()
	dialog = setup.open()
	setup.ollama.queueChat(stalledReply(["January is lowest. ", "And"]))
	dialog.question.ChangeValue(QUESTION)
	click(dialog.sendButton)
	assert wxHelpers.waitFor(lambda: "January is lowest." in messages())

	click(dialog.stopButton)
	assert waitIdle(setup.describer)
	assert dialog.question.GetValue() == QUESTION

	setup.ollama.queueChat(ollamaReply(["January."]))
	sendKey(dialog.question, wx.WXK_RETURN)
	assert wxHelpers.waitFor(lambda: len(session.conversation.turns) == 4)
	assert historyOf(dialog).endswith(
		f"You: {QUESTION}\n\nVision Describer: January is lowest.\n\n"
		"Stopped before the answer was complete.\n\n"
		f"You: {QUESTION}\n\nVision Describer: January."
	)
	click(dialog.stopButton)
	assert messages()[-1] == "Nothing to stop."


def test_escape_with_nothing_streaming_closes_and_focus_is_not_trapped(setup):
	from visionDescriber.followUpDialog import followUpDialog

	setup.describe()
	dialog = setup.open()
	sendKey(dialog.question, wx.WXK_ESCAPE)
	assert wxHelpers.waitFor(lambda: not dialog)
	assert followUpDialog() is None
	assert len(setup.ollama.chatRequests()) == 1


# --- Errors and busy -----------------------------------------------------------------------------


def test_an_error_is_shown_and_spoken_and_the_question_stays_to_retry(setup):
	session = setup.describe()
	dialog = setup.open()
	setup.ollama.queueChat(ollamaError("model runner has unexpectedly stopped", 500))
	dialog.question.ChangeValue(QUESTION)
	sendKey(dialog.question, wx.WXK_RETURN)

	sentence = "The server had a problem (error 500). Try again later."
	assert wxHelpers.waitFor(lambda: sentence in messages())
	assert "unexpectedly stopped" not in " ".join(messages())  # the raw body is for the log only
	assert dialog.question.GetValue() == QUESTION
	assert dialog.status.GetValue() == sentence
	assert historyOf(dialog).endswith(f"You: {QUESTION}\n\nError: {sentence}")
	assert len(session.conversation.turns) == 2

	waitIdle(setup.describer)
	setup.ollama.queueChat(ollamaReply(["January."]))
	sendKey(dialog.question, wx.WXK_RETURN)
	assert wxHelpers.waitFor(lambda: len(session.conversation.turns) == 4)
	assert historyOf(dialog).endswith(f"Error: {sentence}\n\nYou: {QUESTION}\n\nVision Describer: January.")


def test_a_cut_short_answer_is_kept_and_the_question_returns(setup):
	session = setup.describe()
	dialog = setup.open()
	setup.ollama.queueChat(ollamaReply(["January is lowest. ", "It is"], done=False))
	dialog.question.ChangeValue(QUESTION)
	sendKey(dialog.question, wx.WXK_RETURN)
	assert wxHelpers.waitFor(lambda: "The answer was cut off before it finished." in messages())
	assert session.lastAnswer == "January is lowest. It is"
	assert historyOf(dialog).endswith(
		f"You: {QUESTION}\n\nVision Describer: January is lowest. It is\n\n"
		"Error: The answer was cut off before it finished."
	)
	assert historyOf(dialog).count(f"You: {QUESTION}") == 1
	assert dialog.question.GetValue() == QUESTION


def test_send_while_a_describe_runs_says_still_answering_and_keeps_the_question(setup):
	setup.describe()
	dialog = setup.open()
	setup.ollama.queueChat(Reply(200, [Stall(30)], NDJSON))
	assert setup.describer.describe(ImageSource(setup.grabber, "screen"), PluginListener())
	# the plugin's second describe is waiting for the model
	assert wxHelpers.waitFor(lambda: len(setup.ollama.chatRequests()) == 2)
	dialog.question.ChangeValue(QUESTION)
	sendKey(dialog.question, wx.WXK_RETURN)
	assert messages()[-1] == "Still answering..."
	assert dialog.question.GetValue() == QUESTION
	# The dialog's Stop is for its own answers: the plugin's describe goes on.
	click(dialog.stopButton)
	assert messages()[-1] == "Nothing to stop."
	assert setup.describer.busy
	assert setup.describer.cancel()
	assert waitIdle(setup.describer)


# --- Keeping conversations -----------------------------------------------------------------------


def test_reopening_shows_the_same_history_and_opening_again_focuses_the_one_dialog(setup):
	import gui
	from visionDescriber.followUpDialog import FollowUpDialog, followUpDialog

	session = setup.describe()
	dialog = setup.open()
	setup.ollama.queueChat(ollamaReply(["January."]))
	dialog.question.ChangeValue(QUESTION)
	sendKey(dialog.question, wx.WXK_RETURN)
	assert wxHelpers.waitFor(lambda: len(session.conversation.turns) == 4)
	history = historyOf(dialog)
	assert waitIdle(setup.describer)

	dialog.history.SetFocus()
	assert setup.open() is dialog  # opening again: the same dialog
	assert [w for w in wx.GetTopLevelWindows() if isinstance(w, FollowUpDialog)] == [dialog]
	assert gui.testing.popups[-2:] == ["prePopup", "postPopup"]

	click(dialog.closeButton)
	assert wxHelpers.waitFor(lambda: not dialog)
	assert followUpDialog() is None
	reopened = setup.open()
	assert reopened is not dialog
	assert historyOf(reopened) == history
	assert wx.Window.FindFocus() is reopened.question


def foregroundChanges() -> None:
	"""What NVDA does when a window comes to the foreground (as the one behind a closed dialog does):
	its foreground event cancels speech."""
	from NVDAObjects import NVDAObject

	NVDAObject().event_foreground()


def test_closing_does_not_stop_an_answer_but_its_speech_does_not_resume_mid_sentence(setup):
	import speech
	import tones

	session = setup.describe()
	dialog = setup.open()
	gate = threading.Event()
	setup.ollama.queueChat(gatedReply(["January is lowest. ", "It is"], [" small."], gate))
	dialog.question.ChangeValue(QUESTION)
	sendKey(dialog.question, wx.WXK_RETURN)
	assert wxHelpers.waitFor(lambda: "January is lowest." in messages())
	click(dialog.closeButton)
	assert wxHelpers.waitFor(lambda: not dialog)
	foregroundChanges()  # NVDA cuts off "January is lowest." as the window behind comes back

	reopened = setup.open()
	foregroundChanges()
	assert reopened.status.GetValue() == "Answering..."
	assert historyOf(reopened).endswith(f"You: {QUESTION}\n\nVision Describer: January is lowest.")
	click(reopened.closeButton)
	foregroundChanges()
	gate.set()
	assert wxHelpers.waitFor(lambda: len(session.conversation.turns) == 4)
	wxHelpers.processEvents()
	assert "It is small." not in messages()  # not resumed in the middle of the answer
	assert speech.testing.cutOff[-1] == "January is lowest."
	from visionDescriber.speechOutput import READY_TONE

	assert tones.testing.beeps[-1][:2] == READY_TONE  # but a sign that it is complete
	assert historyOf(setup.open()).endswith("Vision Describer: January is lowest. It is small.")


def test_a_new_describe_starts_a_new_conversation_and_the_old_one_can_be_reopened(setup):
	first = setup.describe()
	dialog = setup.open()
	firstHistory = historyOf(dialog)
	click(dialog.closeButton)
	second = setup.describe(["A login form. ", "It asks for a password."])
	assert second is not first

	dialog = setup.open()
	assert dialog.session is second
	assert "A login form." in historyOf(dialog) and "bar chart" not in historyOf(dialog)
	labels = dialog.recent.GetStrings()
	assert len(labels) == 2
	assert labels[0].endswith("A login form. It asks for a password.")  # newest first
	assert labels[1].endswith("A bar chart of sales. March has the highest bar.")
	assert dialog.recent.GetSelection() == 0

	dialog.recent.SetSelection(1)
	event = wx.CommandEvent(wx.wxEVT_CHOICE, dialog.recent.GetId())
	event.SetEventObject(dialog.recent)
	event.SetInt(1)
	dialog.recent.GetEventHandler().ProcessEvent(event)
	assert dialog.session is first
	assert historyOf(dialog) == firstHistory
	assert dialog.GetTitle() == f"Vision Describer conversation: {first.title}"

	# Closed and opened again with nothing new described: the conversation the user chose.
	click(dialog.closeButton)
	dialog = setup.open()
	assert dialog.session is first
	# The plugin opening it on a conversation (after a describe) switches the open dialog to it.
	assert setup.open(second) is dialog
	assert dialog.session is second and dialog.recent.GetSelection() == 0


def test_no_conversation_yet_opens_nothing(setup):
	from visionDescriber.followUpDialog import FollowUpDialog, followUpDialog, showFollowUpDialog

	showFollowUpDialog(setup.describer, None, setup.speechOutput)
	wxHelpers.processEvents()
	assert messages() == ["No description yet. Describe something first."]
	assert followUpDialog() is None
	assert not [w for w in wx.GetTopLevelWindows() if isinstance(w, FollowUpDialog)]


# --- New image, copy, save -----------------------------------------------------------------------


def test_new_image_adds_a_second_picture_to_the_same_conversation(setup):
	session = setup.describe()
	dialog = setup.open()
	setup.ollama.queueChat(ollamaReply(["Yes, the health bar is low."]))
	dialog.question.ChangeValue("Is the health bar low?")
	click(dialog.newImageButton)
	assert wxHelpers.waitFor(lambda: len(session.conversation.turns) == 4)

	assert setup.grabber.calls == 2
	images = [turn.image for turn in session.conversation.turns if turn.image is not None]
	assert len(images) == 2 and images[0].data != images[1].data
	import base64

	last = setup.ollama.chatRequests()[-1].json["messages"][-1]
	assert last["content"] == "Is the health bar low?"
	assert base64.b64decode(last["images"][0]) == images[1].data
	assert historyOf(dialog).endswith(
		"You: Picture of navigator object. Is the health bar low?\n\nVision Describer: Yes, the health bar is low."
	)
	assert dialog.question.GetValue() == ""


def test_new_image_without_a_question_describes_it_again(setup):
	session = setup.describe()
	dialog = setup.open()
	setup.ollama.queueChat(ollamaReply(["A new level."]))
	click(dialog.newImageButton)
	assert wxHelpers.waitFor(lambda: len(session.conversation.turns) == 4)
	assert historyOf(dialog).endswith(
		"You: Picture of navigator object. Standard description.\n\nVision Describer: A new level."
	)


def test_copy_answer_copies_the_newest_answer(setup):
	import api

	setup.describe(["A **bar chart** of sales."])
	dialog = setup.open()
	click(dialog.copyButton)
	assert api.testing.clipboard == "A bar chart of sales."
	assert messages()[-1] == "Answer copied."
	api.testing.clipboardFails = True
	click(dialog.copyButton)
	assert messages()[-1] == "Could not copy. Another program may be using the clipboard; try again."


@pytest.mark.parametrize("name", ["chat.md", "chat.txt"])
def test_save_writes_the_conversation_to_the_chosen_file(setup, tmp_path, name):
	setup.describe(["A **bar chart** of sales."])
	dialog = setup.open()
	offered = []

	def choose(parent, defaultName):
		offered.append((parent, defaultName))
		return str(tmp_path / name)

	dialog.chooseSavePath = choose
	click(dialog.saveButton)
	dialog.saveThread.join(5)
	assert wxHelpers.waitFor(lambda: messages()[-1:] == [f"Saved {name}."])
	assert offered[0][0] is dialog
	assert re.fullmatch(r"Vision Describer conversation \d{4}-\d\d-\d\d \d\d-\d\d\.txt", offered[0][1])
	text = (tmp_path / name).read_text(encoding="utf-8")
	if name.endswith(".md"):
		assert text.startswith("# Vision Describer conversation: ")
		assert "## You\n\nPicture of navigator object. Standard description.\n" in text
		assert "## Vision Describer\n\nA **bar chart** of sales.\n" in text
	else:
		assert text.startswith("Vision Describer conversation: ")
		assert text.endswith(
			"You: Picture of navigator object. Standard description.\n\n"
			"Vision Describer: A bar chart of sales.\n"
		)


def test_save_cancelled_writes_nothing_and_a_failed_save_is_spoken(setup, tmp_path):
	setup.describe()
	dialog = setup.open()
	dialog.chooseSavePath = lambda parent, defaultName: None
	click(dialog.saveButton)
	assert dialog.saveThread is None
	assert list(tmp_path.iterdir()) == []

	dialog.chooseSavePath = lambda parent, defaultName: str(tmp_path / "missing" / "chat.txt")
	click(dialog.saveButton)
	dialog.saveThread.join(5)
	expected = "Could not save chat.txt: that folder does not exist. Choose another folder or name."
	assert wxHelpers.waitFor(lambda: messages()[-1:] == [expected])
	assert list(tmp_path.iterdir()) == []


# --- Accessible design ---------------------------------------------------------------------------

FOCUSABLE = (wx.TextCtrl, wx.Choice, wx.Button)


def tabOrder(dialog) -> list:
	"""Every control a keyboard user reaches, in the order Tab reaches them."""
	return [
		dialog.recent,
		dialog.history,
		dialog.status,
		dialog.question,
		dialog.sendButton,
		dialog.speakButton,
		dialog.stopButton,
		dialog.newImageButton,
		dialog.copyButton,
		dialog.saveButton,
		dialog.closeButton,
	]


def test_every_control_is_labelled_in_a_logical_tab_order_with_distinct_access_keys(setup):
	from visionDescriber.followUpDialog import LATEST_ANSWER_KEY

	setup.describe()
	dialog = setup.open()
	children = list(dialog.GetChildren())
	focusable = [child for child in children if isinstance(child, FOCUSABLE)]
	assert focusable == tabOrder(dialog)
	labels = {}
	for control in focusable[:4]:
		label = children[children.index(control) - 1]
		assert isinstance(label, wx.StaticText), f"{control} has no label just before it"
		labels[control] = label.GetLabel()
	assert labels == {
		dialog.recent: "&Recent conversations:",
		dialog.history: "Conversation &history:",
		dialog.status: "Stat&us:",
		dialog.question: "&Question:",
	}
	buttonLabels = [button.GetLabel() for button in focusable[4:]]
	assert buttonLabels == [
		"&Send",
		"S&peak a question",
		"S&top",
		"New &image",
		"Copy &answer",
		"Sa&ve conversation...",
		"&Close",
	]
	keys = [re.search(r"&(\w)", label).group(1).lower() for label in [*labels.values(), *buttonLabels]]
	assert len(set(keys)) == len(keys), keys
	assert LATEST_ANSWER_KEY.lower() not in keys
	# The history is read-only and multi-line; the question is a standard multi-line field; neither
	# keeps Tab for itself.
	assert dialog.history.IsMultiLine() and not dialog.history.IsEditable()
	assert dialog.question.IsMultiLine() and dialog.question.IsEditable()
	assert not dialog.status.IsEditable()
	for control in (dialog.history, dialog.question):
		assert not control.HasFlag(wx.TE_PROCESS_TAB)
	assert type(dialog.question) is wx.TextCtrl


def test_tab_goes_through_every_control_and_comes_back(setup):
	setup.describe()
	dialog = setup.open()
	assert wx.Window.FindFocus() is dialog.question
	visited = [dialog.question]
	for _press in range(11):
		previous = wx.Window.FindFocus()
		pressKey(wx.WXK_TAB, until=lambda previous=previous: wx.Window.FindFocus() is not previous)
		focus = wx.Window.FindFocus()
		if focus is None and "gtk3" in wx.PlatformInfo:
			# GTK focuses a button inside a wx.Choice, which wx does not report; only the Choice is
			# between the last button and the history.
			focus = dialog.recent
		visited.append(focus)
	assert visited[-1] is dialog.question, "Tab did not come back to the question"
	assert visited[1:8] == [
		dialog.sendButton,
		dialog.speakButton,
		dialog.stopButton,
		dialog.newImageButton,
		dialog.copyButton,
		dialog.saveButton,
		dialog.closeButton,
	]
	assert set(visited) == set(tabOrder(dialog))


def test_close_follow_up_dialog_closes_it(setup):
	from visionDescriber.followUpDialog import closeFollowUpDialog, followUpDialog

	setup.describe()
	dialog = setup.open()
	closeFollowUpDialog()
	assert wxHelpers.waitFor(lambda: not dialog)
	assert followUpDialog() is None
