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

# --- Settings panel (settingsPanel.py): the config spec now, the panel while the plugin runs. ---
from . import settingsPanel  # noqa: E402 - needs the core, importable only once the loader has run

settingsPanel.registerConfigSpec()
# --- End of the settings panel block. ---


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

	def __init__(self):
		super().__init__()
		settingsPanel.register()  # settings panel (not on secure screens)

	def terminate(self):
		settingsPanel.unregister()  # settings panel
		super().terminate()
