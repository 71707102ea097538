"""Vision Describer: NVDA describes what is on the screen with a vision model.

This package is the thin NVDA layer. It makes the core and the bundled libraries importable
(libraryLoader), gives the core NVDA's translations, and defines the scripts users press.
"""

import addonHandler
import globalPluginHandler
import ui
from scriptHandler import script

from . import libraryLoader

addonHandler.initTranslation()

#: How the libraries were found; `problem` is the sentence to speak when the add-on cannot work.
libraryStatus = libraryLoader.load()

from visionDescriberCore import i18n  # noqa: E402 - importable only once the loader has run

i18n.setTranslator(_)


class GlobalPlugin(globalPluginHandler.GlobalPlugin):
	# Translators: The category of Vision Describer's commands in NVDA's Input Gestures dialog.
	scriptCategory = _("Vision Describer")

	@script(
		# Translators: Describes a command in NVDA's Input Gestures dialog.
		description=_("Says whether Vision Describer is ready to describe the screen"),
		category=scriptCategory,
	)
	def script_announceReady(self, gesture):
		if libraryStatus.ready:
			# Translators: Spoken when Vision Describer loaded everything it needs.
			ui.message(_("Vision Describer is ready"))
		else:
			ui.message(libraryStatus.problem)

	def terminate(self):
		super().terminate()
