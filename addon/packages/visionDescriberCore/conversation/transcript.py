"""A conversation as people read it: the follow-up dialog's history and the saved file.

The kept conversation holds what was sent to the model: the first user turn is the whole describe
request (object context, preset instruction, language sentence), which nobody wants to read again.
Here each user turn with a picture is shown as "Picture of <target>." plus what was asked (the
preset's name when it was a describe request), and answers are shown without markdown symbols, so
NVDA reads the history without "star star". Saving as markdown keeps the answers as written.

`Note`s are things the history shows that are not part of the conversation: a question that failed
(with the error sentence) or was stopped (with the part of the answer heard before the stop). The
dialog keeps them beside the session.

`plainAnswer` is the one plain-text form of an answer: the history, the recent conversations list,
the dialog's Copy answer and the plugin's copy and repeat commands all use it, so they agree.
"""

import time
from dataclasses import dataclass

from ..i18n import _
from ..text.markdownStripping import stripMarkdown
from .conversation import ASSISTANT, USER, Turn
from .prompts import PRESETS, presetDisplayNames

USER_BLOCK = "user"
ANSWER_BLOCK = "answer"
ERROR_BLOCK = "error"
STOPPED_BLOCK = "stopped"

BLOCK_SEPARATOR = "\n\n"

MARKDOWN_EXTENSIONS = (".md", ".markdown")


@dataclass
class Note:
	"""Shown after `position` turns of the conversation: `question` (if it is not in the
	conversation) and then `text`: an error sentence, or for a stopped answer the plain text heard
	before the stop (empty when nothing had arrived)."""

	kind: str  # ERROR_BLOCK or STOPPED_BLOCK
	position: int
	question: str
	text: str = ""


@dataclass
class Block:
	kind: str
	text: str

	@property
	def label(self) -> str:
		return blockLabel(self.kind)

	def render(self) -> str:
		label = self.label
		if not self.text:
			return label
		return f"{label} {self.text}" if label else self.text


def blockLabel(kind: str) -> str:
	if kind == USER_BLOCK:
		# Translators: Labels the user's turns in the follow-up dialog's history and saved files.
		return _("You:")
	if kind == ANSWER_BLOCK:
		# Translators: Labels the model's answers in the follow-up dialog's history and saved files.
		return _("Vision Describer:")
	if kind == ERROR_BLOCK:
		# Translators: Labels an error sentence in the follow-up dialog's history.
		return _("Error:")
	# Translators: Shown in the follow-up dialog's history when the user stopped an answer.
	return _("Stopped before the answer was complete.")


def speakerName(kind: str) -> str:
	"""The heading of a turn in a saved markdown file."""
	if kind == USER_BLOCK:
		# Translators: A heading for the user's turns in a saved conversation.
		return _("You")
	# Translators: A heading for the model's answers in a saved conversation.
	return _("Vision Describer")


def requestText(turn: Turn, targetLabel: str = "", context: str = "") -> str:
	"""What the user asked, as a person would say it (see the module's docstring)."""
	text = turn.text.strip()
	if turn.image is None:
		return text
	if context and text.startswith(context):
		text = text[len(context) :].strip()
	names = presetDisplayNames()
	for preset in PRESETS.values():
		if preset.instruction and preset.instruction in text:
			# Translators: How a describe request is shown in the history, e.g. "Standard description."
			text = _("{preset}.").format(preset=names[preset.id])
			break
	return pictureIntro(targetLabel) + (" " + text if text else "")


def pictureIntro(targetLabel: str) -> str:
	if not targetLabel:
		# Translators: Starts a request that sent a picture, in the follow-up dialog's history.
		return _("Picture.")
	# Translators: Starts a request that sent a picture, e.g. "Picture of navigator object."
	return _("Picture of {target}.").format(target=targetLabel)


def plainAnswer(text: str) -> str:
	"""An answer as it is spoken, shown and copied: without the markdown symbols ("##", "**", "`")."""
	return stripMarkdown(text).strip()


def conversationBlocks(
	turns: list[Turn], targetLabel: str = "", context: str = "", notes: list[Note] | tuple = ()
) -> list[Block]:
	"""The blocks of the history: turns in order, each note after the turns it followed."""
	blocks: list[Block] = []
	pending = sorted(notes, key=lambda note: note.position)

	def addNotesUpTo(position: int) -> None:
		while pending and (pending[0].position <= position or position >= len(turns)):
			note = pending.pop(0)
			if note.question:
				blocks.append(Block(USER_BLOCK, note.question))
			if note.kind == ERROR_BLOCK:
				blocks.append(Block(ERROR_BLOCK, note.text))
				continue
			if note.text:
				blocks.append(Block(ANSWER_BLOCK, note.text))  # what was heard before the stop
			blocks.append(Block(STOPPED_BLOCK, ""))

	for index, turn in enumerate(turns):
		addNotesUpTo(index)
		if turn.role == USER:
			blocks.append(Block(USER_BLOCK, requestText(turn, targetLabel, context)))
		elif turn.role == ASSISTANT:
			blocks.append(Block(ANSWER_BLOCK, plainAnswer(turn.text)))
	addNotesUpTo(len(turns))
	return blocks


def renderBlocks(blocks: list[Block]) -> tuple[str, int | None]:
	"""The history text, and where the last answer starts in it (None when there is none)."""
	parts: list[str] = []
	length = 0
	lastAnswer = None
	for block in blocks:
		if parts:
			length += len(BLOCK_SEPARATOR)
		if block.kind == ANSWER_BLOCK:
			lastAnswer = length
		rendered = block.render()
		parts.append(rendered)
		length += len(rendered)
	return BLOCK_SEPARATOR.join(parts), lastAnswer


def heading(title: str, createdAt: float) -> str:
	date = time.strftime("%Y-%m-%d", time.localtime(createdAt))
	# Translators: The first line of a saved conversation, e.g. "Vision Describer conversation: 14:03
	# navigator object (2026-05-04)".
	return _("Vision Describer conversation: {title} ({date})").format(title=title, date=date)


def asPlainText(
	turns: list[Turn], title: str, createdAt: float, targetLabel: str = "", context: str = ""
) -> str:
	blocks = conversationBlocks(turns, targetLabel, context)
	text, _lastAnswer = renderBlocks(blocks)
	return heading(title, createdAt) + BLOCK_SEPARATOR + text + "\n"


def asMarkdown(
	turns: list[Turn], title: str, createdAt: float, targetLabel: str = "", context: str = ""
) -> str:
	lines = ["# " + heading(title, createdAt)]
	for turn in turns:
		if turn.role == USER:
			lines += ["", "## " + speakerName(USER_BLOCK), "", requestText(turn, targetLabel, context)]
		elif turn.role == ASSISTANT:
			lines += ["", "## " + speakerName(ANSWER_BLOCK), "", turn.text.strip()]
	return "\n".join(lines) + "\n"


def isMarkdownPath(path: str) -> bool:
	return path.lower().endswith(MARKDOWN_EXTENSIONS)


__all__ = [
	"ANSWER_BLOCK",
	"ERROR_BLOCK",
	"STOPPED_BLOCK",
	"USER_BLOCK",
	"Block",
	"Note",
	"asMarkdown",
	"asPlainText",
	"blockLabel",
	"conversationBlocks",
	"isMarkdownPath",
	"pictureIntro",
	"plainAnswer",
	"renderBlocks",
	"requestText",
	"speakerName",
]
