"""The panel's Speech and feedback group: how a description is spoken, the tones while waiting, and
whether the follow-up dialog opens after each description.

Opening the dialog over full-screen applications only applies when the dialog opens at all, so that
check box is enabled only while the one above it is ticked.

Main thread only (wx).
"""

from collections.abc import Sequence

import addonHandler

from .fieldControls import CheckField, FieldControl, Section

addonHandler.initTranslation()


class FeedbackSection(Section):
	def title(self) -> str:
		# Translators: a group in Vision Describer settings.
		return _("Speech and feedback")

	def fieldTable(self) -> Sequence[FieldControl]:
		return (
			CheckField(
				"streamSpeech",
				"streamSpeechCheck",
				# Translators: a check box in Vision Describer settings.
				_("Speak the description as it is &written"),
			),
			CheckField(
				"progressTones",
				"progressTonesCheck",
				# Translators: a check box in Vision Describer settings.
				_("Play progress to&nes while waiting"),
			),
			CheckField(
				"openDialogAfterDescribe",
				"openDialogCheck",
				# Translators: a check box in Vision Describer settings.
				_("Open the follow-up dialo&g after each description"),
			),
			CheckField(
				"allowDialogOverFullscreen",
				"overFullscreenCheck",
				# Translators: a check box in Vision Describer settings.
				_("Open it even over full-screen applications"),
				enabledWhen=lambda settings: settings.openDialogAfterDescribe,
			),
		)
