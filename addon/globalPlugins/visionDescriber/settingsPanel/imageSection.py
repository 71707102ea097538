"""The panel's Image group: how big the picture sent to the model is, and how closely OpenAI looks.

"Automatic" (0) lets the core choose the size that suits the provider; the list also offers a few
common sizes and, when the saved size is none of them (set in nvda.ini by hand), that size too, so
opening and saving the panel never changes it. Image detail is an OpenAI option, so it is disabled
while the provider is Ollama.

Main thread only (wx).
"""

from collections.abc import Sequence

import addonHandler
from visionDescriberCore.settings import IMAGE_DETAILS, Settings

from .fieldControls import ChoiceField, FieldControl, Section

addonHandler.initTranslation()

#: Image sizes offered besides "Automatic" (0): the longest side in pixels.
IMAGE_SIZES = (768, 1024, 1568, 2048)


def imageSizeName(pixels: int) -> str:
	if pixels == 0:
		# Translators: an image size in Vision Describer settings.
		return _("Automatic (the best size for the provider)")
	# Translators: an image size in Vision Describer settings; {pixels} is a whole number.
	return _("{pixels} pixels on the longest side").format(pixels=pixels)


def imageSizeChoices(settings: Settings) -> list[tuple[int, str]]:
	return [(pixels, imageSizeName(pixels)) for pixels in sorted({0, *IMAGE_SIZES, settings.maxImageSide})]


def imageDetailNames() -> dict[str, str]:
	return {
		# Translators: how closely OpenAI looks at an image (a setting).
		"auto": _("Automatic"),
		# Translators: how closely OpenAI looks at an image (a setting).
		"low": _("Low (faster and cheaper)"),
		# Translators: how closely OpenAI looks at an image (a setting).
		"high": _("High (small text and details)"),
	}


class ImageSection(Section):
	def title(self) -> str:
		# Translators: a group in Vision Describer settings: how the picture is sent.
		return _("Image")

	def fieldTable(self) -> Sequence[FieldControl]:
		details = imageDetailNames()
		return (
			# Translators: a label in Vision Describer settings.
			ChoiceField("maxImageSide", "imageSizeChoice", _("&Image size:"), imageSizeChoices),
			ChoiceField(
				"imageDetail",
				"imageDetailChoice",
				# Translators: a label in Vision Describer settings (OpenAI's "detail" option for images).
				_("Image detail (OpenAI-style servers):"),
				lambda settings: [(detail, details[detail]) for detail in IMAGE_DETAILS],
				enabledWhen=lambda settings: settings.provider != "ollama",
			),
		)
