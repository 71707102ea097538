"""What the model is asked while watching, and for "what changed?".

English on purpose, like `conversation/prompts.py` (small models follow English instructions best);
the answer's language is one sentence at the end. Every request about a change carries what was said
before as text, so the model can leave out what the user already knows, and asks for the marker word
(`markerGate.MARKER`) when nothing important changed, so that "nothing changed" costs no speech.
What was said before is bounded (`MAX_CONTEXT_CHARS`), newest kept, so a long watch still fits a
small model's context.
"""

from ..conversation.prompts import languageInstruction
from .markerGate import MARKER

MAX_CONTEXT_CHARS = 2000

FIRST_LOOK = (
	"The user has asked you to watch this screen, usually a video game, and to tell them when it "
	"changes. In two or three sentences, say what it shows and anything that needs the player's "
	"attention now, such as a prompt, a choice, a danger or low health. Read important on-screen text "
	"exactly as written."
)

_WHAT_MATTERS = (
	"The most urgent first: danger, damage or health, a prompt or choice waiting for the player, new "
	"dialogue or text (read it exactly as written), a menu that opened or closed, a new place or scene. "
	"Do not repeat what was already said and do not describe what stayed the same. "
	f"If nothing important changed, answer only with the word {MARKER}."
)


def _join(*parts: str) -> str:
	return " ".join(part.strip() for part in parts if part and part.strip())


def boundedContext(firstDescription: str, changes: list[str], maxChars: int = MAX_CONTEXT_CHARS) -> str:
	"""What was said so far as one text: the first description, then the changes since, oldest
	first; the oldest changes (then the start of the description) give way when it is too long."""
	changes = [change.strip() for change in changes if change.strip()]
	while changes and len(_contextText(firstDescription, changes)) > maxChars:
		changes.pop(0)
	text = _contextText(firstDescription, changes)
	return text if len(text) <= maxChars else "…" + text[-(maxChars - 1) :]


def _contextText(firstDescription: str, changes: list[str]) -> str:
	lines = [firstDescription.strip()] if firstDescription.strip() else []
	lines += [f"Then: {change}" for change in changes]
	return "\n".join(lines)


def watchPrompt(said: str, language: str = "") -> str:
	"""A watched screen has changed: what is new that matters, in one or two sentences."""
	before = f'What you said about this screen before:\n"""\n{said}\n"""\n' if said.strip() else ""
	return before + _join(
		"This picture is the screen now. In one or two sentences, say what changed that matters to "
		"the player.",
		_WHAT_MATTERS,
		languageInstruction(language),
	)


def comparePrompt(said: str, twoPictures: bool, language: str = "") -> str:
	""" "What changed?": two pictures (before, now) in one request, or the picture now and what was
	said about the earlier one. The same prompt serves the command-line tool's `changes`."""
	before = f'Earlier, this screen was described as:\n"""\n{said}\n"""\n' if said.strip() else ""
	if twoPictures:
		pictures = (
			"The first picture is the screen before; the second picture is the same screen now. "
			"Say what changed between them, in one to three sentences."
		)
	else:
		pictures = (
			"This picture is the same screen now. Say what changed since then, in one to three sentences."
		)
	return before + _join(pictures, _WHAT_MATTERS, languageInstruction(language))


#: The user turn that stands for a watch in the follow-up dialog and for a spoken question.
WATCH_SUMMARY = "This is the latest picture of the screen I am watching. What does it show, and what changed?"
