"""Fake of NVDA's ui: messages go to the speech and braille fakes, as in NVDA, and are recorded.

`testing.messages` lists the text of every `message`/`reviewMessage` in order; `testing.calls` keeps
each call's name and arguments; `testing.browseable` keeps every `browseableMessage` as a dict of its
arguments. On a secure screen (`globalVars.appArgs.secure`) browseableMessage shows nothing, as NVDA
does, and records that in `testing.browseableRefused`.
"""

import braille
import globalVars
import speech
from logHandler import log


class testing:
	"""Test-only namespace of this fake (see tests/fakes/README.md)."""

	messages: list[str] = []
	calls: list[tuple] = []
	browseable: list[dict] = []
	browseableRefused: list[str | None] = []


def message(text, speechPriority=None, brailleText=None):
	testing.messages.append(text)
	testing.calls.append(("message", text, speechPriority, brailleText))
	speech.speakMessage(text, priority=speechPriority)
	braille.handler.message(brailleText if brailleText is not None else text)


def reviewMessage(text, speechPriority=None):
	testing.messages.append(text)
	testing.calls.append(("reviewMessage", text, speechPriority))
	speech.speakMessage(text, priority=speechPriority)


def browseableMessage(message, title=None, isHtml=False, closeButton=False, copyButton=False):
	"""closeButton and copyButton exist from NVDA 2025.1 (see LATER_ADDITIONS in the API-surface test)."""
	if globalVars.appArgs.secure:
		log.debug("Browseable messages are not available on secure screens")
		testing.browseableRefused.append(title)
		return
	testing.calls.append(("browseableMessage", message, title))
	testing.browseable.append(
		{
			"message": message,
			"title": title,
			"isHtml": isHtml,
			"closeButton": closeButton,
			"copyButton": copyButton,
		}
	)


def reportTextCopiedToClipboard(text=None):
	if not text:
		message("Unable to copy")
		return
	spokenText = text if len(text) < 1024 else f"{len(text)} characters"
	message(text=f"Copied to clipboard: {spokenText}", brailleText=f"Copied: {text}")
