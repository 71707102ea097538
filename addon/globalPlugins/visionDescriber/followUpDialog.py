"""The follow-up dialog: ask more about the same picture, in a conversation kept while NVDA runs.

This module is what the plugin imports (when it first needs the dialog): `showFollowUpDialog(describer,
session, speechOutput)` opens it (or focuses the one already open) on a session, None meaning the one
shown last or the describer's newest; `closeFollowUpDialog()` closes it when the plugin terminates.
Both go to one `FollowUpDialogs`, the owner of the single dialog and of what outlives it. The parts
are in the `followUp` folder beside this file (see its docstring). What the user gets:

- Conversation history: a read-only multi-line text, every turn labelled ("You:", "Vision
  Describer:"), reviewed with the caret. Alt+L moves the caret to the newest answer.
- Question: a standard multi-line text field, so Windows voice typing (Windows+H) works in it. Enter
  sends, Shift+Enter starts a new line, and the field keeps the focus after sending.
- Send, Speak a question, Stop, New image, Copy answer, Save conversation, Close; Escape throws away
  a spoken question being recorded or stops an answer that is on its way, otherwise closes the
  dialog. Speak a question listens through the plugin's `VoiceInput` (passed as `voice`), as the A
  command does. Recent conversations switches between the last conversations.

Answers stream into the history and are spoken phrase by phrase through the same SpeechOutput as a
describe. An error is shown in the history as its plain sentence and spoken, and the question goes
back into the field to try again. Closing the dialog does not stop an answer; it is kept and shown
when the dialog opens again (NVDA cuts off speech as another window comes to the front, and the
rest of that answer is not spoken: see speechOutput.py). After Stop, what was heard stays in the
history, marked as stopped. Everything here runs on NVDA's main thread; the describer calls the
listener there too. Only a saved file is written on another thread, so the main thread never waits
on the disk.
"""

from collections.abc import Callable

import addonHandler
import gui
import wx
from visionDescriberCore.describing import Describer, Session

from .followUp.controller import FollowUpController
from .followUp.conversations import ConversationMemory
from .followUp.window import LATEST_ANSWER_KEY, FollowUpDialog, askForSavePath
from .speechOutput import SpeechOutput
from .voiceInput import VoiceInput

addonHandler.initTranslation()


class FollowUpDialogs:
	"""Owns the one follow-up dialog and the memory that outlives it. Main thread only."""

	def __init__(self):
		self._dialog: FollowUpDialog | None = None
		self._memory: ConversationMemory | None = None
		#: Called with the conversation shown when the open dialog closes (see whenClosed).
		self._whenClosed: list[Callable[[Session | None], None]] = []

	@property
	def dialog(self) -> FollowUpDialog | None:
		"""The open dialog, if any."""
		# A destroyed wx window is false.
		return self._dialog if self._dialog else None

	def show(
		self,
		describer: Describer,
		session: Session | None,
		speechOutput: SpeechOutput,
		voice: VoiceInput | None = None,
	) -> None:
		"""Opens the dialog on session (None: the last conversation), or focuses the open one.
		With no conversation at all, says so and opens nothing. voice: spoken questions (None: the
		Speak a question button says they are not available)."""
		if self._memory is None or self._memory.describer is not describer:
			self.close()
			self._memory = ConversationMemory(describer, self._openController)
		memory = self._memory
		if session is None:
			session = memory.sessionToShow()
		if session is None:
			# Translators: Spoken when the follow-up dialog is asked for before anything was described.
			speechOutput.say(_("No description yet. Describe something first."))
			return
		memory.offeredLast = describer.lastSession
		dialog = self.dialog
		if dialog is None:
			controller = FollowUpController(memory, speechOutput, wx.CallAfter, voice)
			dialog = self._dialog = FollowUpDialog(gui.mainFrame, controller, session, self._closed)
		elif dialog.session is not session:
			dialog.controller.showSession(session)
		else:
			dialog.controller.refreshRecent()
		dialog.controller.voice = voice
		dialog.present()

	def close(self) -> None:
		"""Closes the dialog and forgets its notes; an answer still on its way is ignored."""
		dialog = self.dialog
		self._dialog = None
		session = dialog.session if dialog is not None else None
		if dialog is not None:
			dialog.Destroy()
		if self._memory is not None and self._memory.exchange is not None:
			self._memory.exchange.detach()
		self._memory = None
		self._tellClosed(session)

	def whenClosed(self, callback: Callable[[Session | None], None]) -> None:
		"""callback(session shown) once the open dialog closes, however it closes; at once, with None,
		when no dialog is open. (A watch waits while the dialog is open.)"""
		if self.dialog is None:
			callback(None)
			return
		self._whenClosed.append(callback)

	def _tellClosed(self, session: Session | None) -> None:
		waiting, self._whenClosed = self._whenClosed, []
		for callback in waiting:
			callback(session)

	def _openController(self) -> FollowUpController | None:
		dialog = self.dialog
		return dialog.controller if dialog is not None else None

	def _closed(self, dialog: FollowUpDialog) -> None:
		if self._dialog is dialog:
			self._dialog = None
			self._tellClosed(dialog.session)


#: The add-on's one owner, behind the functions the plugin calls.
dialogs = FollowUpDialogs()


def showFollowUpDialog(
	describer: Describer,
	session: Session | None,
	speechOutput: SpeechOutput,
	voice: VoiceInput | None = None,
) -> None:
	"""Opens the dialog on session (None: the last conversation), or focuses the open one.
	Call on the main thread. With no conversation at all, says so and opens nothing."""
	dialogs.show(describer, session, speechOutput, voice)


def closeFollowUpDialog() -> None:
	"""Closes the dialog and forgets its notes; the plugin calls this when it terminates."""
	dialogs.close()


def whenClosed(callback: Callable[[Session | None], None]) -> None:
	"""callback(session shown) once the open dialog closes; at once, with None, if none is open."""
	dialogs.whenClosed(callback)


def followUpDialog() -> FollowUpDialog | None:
	"""The open dialog, if any."""
	return dialogs.dialog


def refreshRecent() -> None:
	"""The describer has a new conversation: the open dialog's recent conversations list shows it."""
	dialog = dialogs.dialog
	if dialog is not None:
		dialog.controller.refreshRecent()


__all__ = [
	"LATEST_ANSWER_KEY",
	"FollowUpDialog",
	"FollowUpDialogs",
	"askForSavePath",
	"closeFollowUpDialog",
	"dialogs",
	"followUpDialog",
	"refreshRecent",
	"showFollowUpDialog",
	"whenClosed",
]
