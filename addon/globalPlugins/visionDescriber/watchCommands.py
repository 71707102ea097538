"""The watching commands: G starts and stops watching, Shift+G says what changed since the last
description.

Handlers run on NVDA's main thread after the plugin's refusals (secure screen, locked Windows,
missing libraries) and return at once. The watch itself is `watching.Watching` (the core's
`Watcher` on the describer's worker, its speech, its target check and what pauses it); the plugin
holds the one running watch in `plugin.watching`.

G resolves the target named by the "Watch" setting (the foreground window, the navigator object, or
the monitor the navigator object is on) as a describe would, refusing under Screen Curtain, and
starts watching it. When the last description was of the same area and was made moments ago
(`JUST_HEARD_SECONDS`), the watch starts from that picture and those words instead of asking for a
first description again. Its start sentence (with the paid-service notice) is said while the
script runs, and G again says the stop sentence the same way, so both are heard in speech on demand.

Shift+G compares the last description's picture with the same area now (the core's
`askWhatChanged`) and is answered like a describe (`describeCommands.RunListener`): spoken and
brailled, the follow-up dialog afterwards if the settings say so. "Describe something first" and
Screen Curtain are said at once, while the script runs. While watching, Shift+G makes the watch give
way first, as a describe does. Its answer is also kept as the latest report, so R says it.
"""

import time
from typing import TYPE_CHECKING

import addonHandler
import languageHandler
from visionDescriberCore.describing import Session
from visionDescriberCore.errors import ScreenCurtainOn

from . import describeCommands, screenState, targets, watching
from .describeCommands import DescribeRun, RunListener

if TYPE_CHECKING:
	from . import GlobalPlugin

addonHandler.initTranslation()

#: A description at most this old (seconds) of the same area is where a new watch starts from.
JUST_HEARD_SECONDS = 120
#: DescribeRun.command of "what changed?".
WHAT_CHANGED = "whatChanged"


# --- G ---------------------------------------------------------------------------------------------


def startOrStopWatching(plugin: "GlobalPlugin") -> None:
	current = watching.activeWatch(plugin)
	if current is not None:
		current.stop()
		return
	if watching.describerBusy(plugin):
		plugin.speech.say(plugin.busySentence())
		return
	target = describeCommands.resolveTarget(plugin, plugin.getSettings().watchTarget)
	if target is None:
		return
	picture, description = _justHeard(plugin, target)
	plugin.watching = watching.Watching(plugin, target)
	plugin.watching.start(picture, description)


def _justHeard(plugin: "GlobalPlugin", target: targets.Target) -> tuple:
	"""(picture, words) of the last description when it is of this area and recent, else (None, "")."""
	run = plugin.lastRun
	if (
		run is None
		or run.failed
		or run.session is None
		or run.session is not plugin.describer.lastSession
		or time.monotonic() - run.startedAt > JUST_HEARD_SECONDS
		or not targets.sameArea(run.target, target)
	):
		return None, ""
	return run.session.conversation.lastImage, run.session.lastAnswer


# --- Shift+G -------------------------------------------------------------------------------------------


class _ChangesListener(RunListener):
	"""A describe's listener whose answer is also the latest report (R says it, "nothing has changed"
	included, which joins no conversation)."""

	def onAnswer(self, session: Session, text: str) -> None:
		if text.strip():
			self.plugin.lastReport = watching.Report(text, time.monotonic())
		super().onAnswer(session, text)


def sayWhatChanged(plugin: "GlobalPlugin") -> None:
	from visionDescriberCore.watch.changes import NothingToCompare, askWhatChanged

	if watching.describerBusy(plugin):
		plugin.speech.say(plugin.busySentence())
		return
	session = plugin.describer.lastSession
	if session is None or session.conversation.lastImage is None or not session.source.isScreenCapture:
		plugin.speech.error(NothingToCompare("no screen picture described yet"))
		return
	if screenState.isScreenCurtainOn():
		plugin.speech.error(ScreenCurtainOn("Screen Curtain is on"))
		return
	target = _targetOf(plugin, session)
	run = DescribeRun(WHAT_CHANGED, time.monotonic(), target)
	listener = _ChangesListener(plugin, run)
	settings = plugin.getSettings()
	options = settings.watchOptions(languageHandler.getLanguage())

	def start() -> bool:
		if askWhatChanged(plugin.describer.pipeline(settings), session, listener, options):
			return True
		run.finished = run.failed = True
		return False

	if watching.startJob(plugin, target, start, lambda: run.session):
		plugin.lastRun = run
	else:
		plugin.speech.say(plugin.busySentence())


def _targetOf(plugin: "GlobalPlugin", session: Session) -> targets.Target:
	"""What the session captured: the last run's target, the watch's, or just its source."""
	run = plugin.lastRun
	if run is not None and run.session is session:
		return run.target
	current = watching.activeWatch(plugin)
	if current is not None and session.source is current.target.source:
		return current.target
	return targets.Target(WHAT_CHANGED, session.source)
