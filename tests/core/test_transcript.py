"""The conversation as people read it: history blocks, notes, plain text and markdown files."""

from visionDescriberCore.conversation.conversation import Conversation
from visionDescriberCore.conversation.prompts import buildDescribePrompt
from visionDescriberCore.conversation.transcript import (
	ERROR_BLOCK,
	STOPPED_BLOCK,
	Note,
	asMarkdown,
	asPlainText,
	conversationBlocks,
	isMarkdownPath,
	plainAnswer,
	renderBlocks,
	requestText,
)
from visionDescriberCore.media import PreparedImage

PICTURE = PreparedImage(b"\x89PNG first", "image/png", 10, 10)
SECOND = PreparedImage(b"\x89PNG second", "image/png", 10, 10)
CONTEXT = "This is a graphic labelled 'chart1' in Excel."


def chat() -> Conversation:
	conversation = Conversation("system")
	conversation.addUserTurn(buildDescribePrompt("standard", "", CONTEXT, "de"), PICTURE)
	conversation.addAssistantTurn("A **bar chart** of sales.\n\n- March is highest.")
	conversation.addUserTurn("Which month is lowest?")
	conversation.addAssistantTurn("January.")
	return conversation


def test_a_describe_request_reads_as_the_picture_and_the_presets_name():
	[first, _answer, question, _second] = chat().turns
	assert (
		requestText(first, "navigator object", CONTEXT)
		== "Picture of navigator object. Standard description."
	)
	assert requestText(question, "navigator object", CONTEXT) == "Which month is lowest?"


def test_a_question_sent_with_a_picture_keeps_the_question_without_the_context():
	conversation = Conversation()
	turn = conversation.addUserTurn(CONTEXT + "\n\nWhat is the title?", PICTURE)
	assert requestText(turn, "navigator object", CONTEXT) == "Picture of navigator object. What is the title?"
	assert requestText(turn) == "Picture. " + CONTEXT + "\n\nWhat is the title?"


def test_history_labels_every_turn_strips_markdown_and_finds_the_last_answer():
	blocks = conversationBlocks(chat().turns, "navigator object", CONTEXT)
	text, lastAnswer = renderBlocks(blocks)
	# Blank lines only between turns: an answer's own paragraphs are single lines.
	assert text == (
		"You: Picture of navigator object. Standard description.\n\n"
		"Vision Describer: A bar chart of sales.\nMarch is highest.\n\n"
		"You: Which month is lowest?\n\n"
		"Vision Describer: January."
	)
	assert text[lastAnswer:] == "Vision Describer: January."


def test_notes_come_after_the_turns_they_followed():
	turns = chat().turns
	notes = [
		Note(STOPPED_BLOCK, 2, "What colour is March?"),
		Note(ERROR_BLOCK, 4, "Is there a legend?", "Ollama is not running at 127.0.0.1:11434."),
	]
	text, lastAnswer = renderBlocks(conversationBlocks(turns, "screen", "", notes))
	assert text.split("\n\n")[2:4] == [
		"You: What colour is March?",
		"Stopped before the answer was complete.",
	]
	assert text.endswith(
		"Vision Describer: January.\n\nYou: Is there a legend?\n\nError: Ollama is not running at 127.0.0.1:11434."
	)
	assert text[lastAnswer:].startswith("Vision Describer: January.")


def test_a_stopped_answer_keeps_the_part_heard_marked_as_stopped():
	turns = chat().turns
	notes = [Note(STOPPED_BLOCK, 4, "Is there a legend?", "Yes, at the bottom, with")]
	text, lastAnswer = renderBlocks(conversationBlocks(turns, "screen", "", notes))
	assert text.endswith(
		"You: Is there a legend?\n\n"
		"Vision Describer: Yes, at the bottom, with\n\n"
		"Stopped before the answer was complete."
	)
	assert text[lastAnswer:].startswith("Vision Describer: Yes, at the bottom, with")


def test_the_plain_answer_is_what_the_history_shows():
	answer = "## Sales\n\n**March** is `highest`, then _April_.\n- [Details](https://example.com)"
	assert plainAnswer(answer) == "Sales\nMarch is highest, then April.\nDetails"
	conversation = Conversation()
	conversation.addUserTurn("Describe.", PICTURE)
	conversation.addAssistantTurn(answer)
	[_request, shown] = conversationBlocks(conversation.turns)
	assert shown.text == plainAnswer(answer)


def test_a_note_without_a_question_follows_a_partial_answer_already_in_the_conversation():
	conversation = Conversation()
	conversation.addUserTurn("Describe.", PICTURE)
	conversation.addAssistantTurn("The window shows")
	notes = [Note(ERROR_BLOCK, 2, "", "The answer was cut off before it finished.")]
	text, _lastAnswer = renderBlocks(conversationBlocks(conversation.turns, notes=notes))
	assert text.endswith(
		"Vision Describer: The window shows\n\nError: The answer was cut off before it finished."
	)
	assert text.count("You:") == 1


def test_no_answer_means_no_last_answer():
	assert renderBlocks([]) == ("", None)
	conversation = Conversation()
	notes = [Note(ERROR_BLOCK, 0, "Hello?", "The server could not be reached.")]
	text, lastAnswer = renderBlocks(conversationBlocks(conversation.turns, notes=notes))
	assert lastAnswer is None and text.startswith("You: Hello?")


def test_a_new_picture_in_the_same_conversation_says_so():
	conversation = chat()
	conversation.addUserTurn("Is the health bar low?", SECOND)
	conversation.addAssistantTurn("Yes.")
	text, _lastAnswer = renderBlocks(conversationBlocks(conversation.turns, "foreground window"))
	assert "You: Picture of foreground window. Is the health bar low?" in text


def test_plain_text_and_markdown_files():
	turns = chat().turns
	createdAt = 1_760_000_000.0
	plain = asPlainText(turns, "14:03 navigator object", createdAt, "navigator object", CONTEXT)
	assert plain.startswith("Vision Describer conversation: 14:03 navigator object (2025-10-")
	assert "Vision Describer: A bar chart of sales." in plain and "**" not in plain
	assert plain.endswith("Vision Describer: January.\n")
	markdown = asMarkdown(turns, "14:03 navigator object", createdAt, "navigator object", CONTEXT)
	lines = markdown.splitlines()
	assert lines[0].startswith("# Vision Describer conversation: 14:03 navigator object")
	assert lines[1:5] == ["", "## You", "", "Picture of navigator object. Standard description."]
	assert "A **bar chart** of sales.\n\n- March is highest." in markdown  # as the model wrote it
	assert markdown.count("## Vision Describer") == 2
	assert CONTEXT not in markdown and "German" not in markdown


def test_the_file_format_follows_the_extension():
	assert isMarkdownPath("C:\\Users\\me\\chat.md")
	assert isMarkdownPath("notes.MARKDOWN")
	assert not isMarkdownPath("chat.txt")
	assert not isMarkdownPath("chat.md.txt")
