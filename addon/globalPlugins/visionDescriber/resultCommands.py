"""The commands about what was already said, and the add-on itself: repeat, show and copy the last
description, follow-up questions, settings, "is it ready".

While watching (G), R says the newest of the last description and the last change the watch (or
"what changed?") reported; D opens the follow-up dialog on the watch's latest picture and what it
said (`watching.watchSession`), and the watch waits while the dialog is open, whichever way it
opened.

Handlers run on NVDA's main thread after the plugin's refusals and never touch the network: the last
result is the describer's newest conversation, kept in memory. Repeat and copy use the answer's plain
text (`transcript.plainAnswer`), the same the follow-up dialog shows and copies; repeat first says
an error the user could not hear when it came (speech on demand, beeps or off). The follow-up dialog
is imported only when first opened (it is the largest module, and a plugin whose dialog fails to
load must still describe); windows open through `wx.CallAfter`, after the script has returned, and
never while Windows is locked or on a secure desktop (`gui.blockAction` says why instead).
"""

import sys
from typing import TYPE_CHECKING

import addonHandler
import api
import gui
import ui
import wx
from gui import blockAction
from logHandler import log
from visionDescriberCore.conversation.transcript import plainAnswer
from visionDescriberCore.describing import Session
from visionDescriberCore.text.markdownHtml import markdownToHtml

from . import watching

if TYPE_CHECKING:
	from . import GlobalPlugin

addonHandler.initTranslation()


def _lastResult(plugin: "GlobalPlugin") -> Session | None:
	session = plugin.describer.lastSession
	if session is None or not plainAnswer(session.lastAnswer):
		# Translators: Spoken when there is no description to repeat, show or copy yet.
		plugin.speech.say(_("There is no description yet."))
		return None
	return session


def repeatLastResult(plugin: "GlobalPlugin") -> None:
	run = plugin.lastRun
	if run is not None and run.error is not None and not run.errorHeard:
		run.errorHeard = plugin.speech.say(run.error.sentence)
		return
	report = plugin.lastReport
	if report is not None and (run is None or report.at >= run.startedAt):
		# A watch report, or "what changed?", came after the last describe started: that is newest.
		plugin.speech.say(plainAnswer(report.text))
		return
	session = _lastResult(plugin)
	if session is not None:
		plugin.speech.say(plainAnswer(session.lastAnswer))


def showLastResult(plugin: "GlobalPlugin") -> None:
	session = _lastResult(plugin)
	if session is None:
		return
	ui.browseableMessage(
		markdownToHtml(session.lastAnswer),
		# Translators: The title of the window showing a description; {title} is its time and target.
		title=_("Vision Describer: {title}").format(title=session.title),
		isHtml=True,
		closeButton=True,
		copyButton=True,
	)


def copyLastResult(plugin: "GlobalPlugin") -> None:
	session = _lastResult(plugin)
	if session is None:
		return
	if api.copyToClip(plainAnswer(session.lastAnswer)):
		# Translators: Spoken when the last description was copied to the clipboard.
		plugin.speech.say(_("Description copied"))
	else:
		# Translators: Spoken when the clipboard could not be written.
		plugin.speech.say(_("Could not copy the description"))


# --- Follow-up questions -------------------------------------------------------------------------------


def followUp(plugin: "GlobalPlugin") -> None:
	run = plugin.lastRun
	if run is not None and not run.finished and watching.describerBusy(plugin):
		run.openDialogWhenDone = True
		return
	watched = watching.watchSession(plugin)
	if watched is not None:
		# While watching: the latest picture the watch sent and what it said about it.
		openFollowUp(plugin, watched)
		return
	if plugin.describer.lastSession is None:
		# Said here, while the script runs, so that speech on demand says it too.
		# Translators: Spoken when the follow-up dialog is asked for before anything was described.
		plugin.speech.say(_("No description yet. Describe something first."))
		return
	# None: the dialog shows the conversation it showed last, or the newest one.
	openFollowUp(plugin, None)


def openFollowUp(plugin: "GlobalPlugin", session: Session | None) -> None:
	try:
		from . import followUpDialog
	except ImportError:
		log.error("Vision Describer: the follow-up dialog could not be loaded", exc_info=True)
		# Translators: Spoken when the follow-up dialog cannot be opened.
		plugin.speech.say(_("The follow-up dialog is not available."))
		return
	wx.CallAfter(_showFollowUp, followUpDialog, plugin, session)


@blockAction.when(blockAction.Context.SECURE_MODE, blockAction.Context.WINDOWS_LOCKED)
def _showFollowUp(followUpDialog, plugin: "GlobalPlugin", session: Session | None) -> None:
	"""Asked when the window would open: Windows may have been locked since the command. A watch
	waits while the dialog is open."""
	followUpDialog.showFollowUpDialog(plugin.describer, session, plugin.speech, voice=plugin.voiceInput)
	watching.holdWhileFollowUpOpen(plugin, followUpDialog)


def conversationsChanged() -> None:
	"""A describe added a conversation: the open follow-up dialog lists it at once (the dialog
	refreshes its list when it comes to the front, but it may be in front already)."""
	followUps = sys.modules.get(f"{__package__}.followUpDialog")
	refresh = getattr(followUps, "refreshRecent", None)
	if refresh is not None:
		refresh()


def closeFollowUpDialog() -> None:
	"""At terminate: closes the dialog if it was ever loaded (never imports it just for that)."""
	followUps = sys.modules.get(f"{__package__}.followUpDialog")
	if followUps is not None:
		followUps.closeFollowUpDialog()


# --- The add-on itself -----------------------------------------------------------------------------------


def openSettings(plugin: "GlobalPlugin") -> None:
	from gui.settingsDialogs import NVDASettingsDialog

	title = plugin.scriptCategory
	panel = next((cls for cls in NVDASettingsDialog.categoryClasses if cls.title == title), None)
	if panel is None:
		# Translators: Spoken when Vision Describer's settings panel cannot be found.
		plugin.speech.say(_("Vision Describer's settings are not available."))
		return
	wx.CallAfter(_showSettings, NVDASettingsDialog, panel)


@blockAction.when(blockAction.Context.SECURE_MODE, blockAction.Context.WINDOWS_LOCKED)
def _showSettings(dialogClass, panel) -> None:
	"""Asked when the window would open, as for the follow-up dialog."""
	gui.mainFrame.popupSettingsDialog(dialogClass, panel)


def announceReady(plugin: "GlobalPlugin") -> None:
	"""Reached only when the plugin's refusals let it through: secure screens and missing libraries
	are said there, in the same words."""
	# Translators: Spoken when Vision Describer loaded everything it needs.
	ui.message(_("Vision Describer is ready"))
