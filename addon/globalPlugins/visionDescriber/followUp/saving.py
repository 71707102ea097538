"""Saving a follow-up conversation to a text or markdown file, off NVDA's main thread.

The text comes from the NVDA-free `transcript` (markdown when the name ends in .md or .markdown,
plain text otherwise). The file is written on a short-lived thread so the main thread never waits
on the disk (a network folder can take seconds); what to say about it is handed to `report` on that
thread, and the caller posts it to the main thread. Nothing here imports wx.
"""

import os
import threading
import time
from collections.abc import Callable

import addonHandler
from logHandler import log
from visionDescriberCore.conversation.transcript import asMarkdown, asPlainText, isMarkdownPath
from visionDescriberCore.describing import Session

addonHandler.initTranslation()


def defaultFileName(session: Session) -> str:
	stamp = time.strftime("%Y-%m-%d %H-%M", time.localtime(session.createdAt))
	# Translators: The suggested file name for a saved conversation (no extension).
	return _("Vision Describer conversation {time}").format(time=stamp) + ".txt"


def fileText(session: Session, path: str) -> str:
	"""The conversation as the file at path holds it: markdown for a markdown name, else plain text."""
	write = asMarkdown if isMarkdownPath(path) else asPlainText
	return write(
		session.conversation.turns,
		session.title,
		session.createdAt,
		session.source.label,
		session.source.context,
	)


def startWriting(path: str, content: str, report: Callable[[str], None]) -> threading.Thread:
	"""Writes content to path on a new thread (started and returned); report gets what to say."""
	thread = threading.Thread(
		target=writeConversation,
		args=(path, content, report),
		name="visionDescriber.saveConversation",
		daemon=True,
	)
	thread.start()
	return thread


def writeConversation(path: str, content: str, report: Callable[[str], None]) -> None:
	"""Writes UTF-8 text; calls report(sentence) with what to say (on the calling thread)."""
	name = os.path.basename(path)
	try:
		with open(path, "w", encoding="utf-8") as file:
			file.write(content)
	except OSError as error:
		log.warning(f"Vision Describer could not save a conversation: {type(error).__name__}: {error}")
		if isinstance(error, PermissionError):
			# Translators: Why a conversation could not be saved.
			reason = _("Windows did not allow writing there")
		elif isinstance(error, FileNotFoundError):
			# Translators: Why a conversation could not be saved.
			reason = _("that folder does not exist")
		else:
			# Translators: Why a conversation could not be saved.
			reason = _("the file could not be written")
		report(
			# Translators: Spoken when saving a conversation failed, e.g. "Could not save chat.txt:
			# that folder does not exist. Choose another folder or name."
			_("Could not save {name}: {reason}. Choose another folder or name.").format(
				name=name, reason=reason
			)
		)
		return
	# Translators: Spoken when a conversation was saved, e.g. "Saved chat.txt."
	report(_("Saved {name}.").format(name=name))
