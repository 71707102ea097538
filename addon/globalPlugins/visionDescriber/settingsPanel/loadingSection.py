"""The panel's Loading and timeouts group: keeping an Ollama model in memory, loading it when NVDA
starts, and how long to wait for a connection and for the first words of an answer.

The two loading options are Ollama's, so they are disabled for other providers. The timeouts'
ranges come from their declaration in `Settings`.

Main thread only (wx).
"""

from collections.abc import Sequence

import addonHandler

from .fieldControls import CheckField, FieldControl, NumberField, Section

addonHandler.initTranslation()


def _isOllama(settings) -> bool:
	return settings.provider == "ollama"


class LoadingSection(Section):
	def title(self) -> str:
		# Translators: a group in Vision Describer settings.
		return _("Loading and timeouts")

	def fieldTable(self) -> Sequence[FieldControl]:
		return (
			CheckField(
				"keepModelLoaded",
				"keepLoadedCheck",
				# Translators: a check box in Vision Describer settings.
				_("Keep the Ollama model loaded in memory"),
				enabledWhen=_isOllama,
			),
			CheckField(
				"warmUpOnStart",
				"warmUpCheck",
				# Translators: a check box in Vision Describer settings.
				_("Load the Ollama model when NVDA starts"),
				enabledWhen=_isOllama,
			),
			# Translators: a label in Vision Describer settings.
			NumberField("connectTimeout", "connectTimeoutSpin", _("Seconds to wait for a connection:")),
			NumberField(
				"readTimeout",
				"readTimeoutSpin",
				# Translators: a label in Vision Describer settings; the wait covers loading the model.
				_("Seconds to wait for the first words of an answer:"),
			),
		)
