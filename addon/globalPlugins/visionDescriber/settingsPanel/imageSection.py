"""The panel's Image group: how much of the picture the model looks at, and how big it is sent.

Picture detail is a budget in image tokens (`visionDescriberCore.imaging.sizing`): Fast, Balanced or
Detailed, for every provider, since the core turns it into the size the model's family uses (and,
for OpenAI, into its "detail" option). A note right below the list (the next text NVDA's object
navigation or a review of the dialog reaches) says what Detailed costs, since on a computer without
a graphics card that is tens of seconds per picture.

Image size "Automatic" (0) follows picture detail; the list also offers a few common sizes and, when
the saved size is none of them (set in nvda.ini by hand), that size too, so opening and saving the
panel never changes it.

Main thread only (wx).
"""

from collections.abc import Sequence

import addonHandler
import wx
from visionDescriberCore.imaging.sizing import PICTURE_DETAILS
from visionDescriberCore.settings import Settings

from .fieldControls import ROW_WIDTH, ChoiceField, FieldControl, Section

addonHandler.initTranslation()

#: Image sizes offered besides "Automatic" (0): the longest side in pixels.
IMAGE_SIZES = (768, 1024, 1568, 2048)


def imageSizeName(pixels: int) -> str:
	if pixels == 0:
		# Translators: an image size in Vision Describer settings: the size follows the picture detail.
		return _("Automatic (follows picture detail)")
	# Translators: an image size in Vision Describer settings; {pixels} is a whole number.
	return _("{pixels} pixels on the longest side").format(pixels=pixels)


def imageSizeChoices(settings: Settings) -> list[tuple[int, str]]:
	return [(pixels, imageSizeName(pixels)) for pixels in sorted({0, *IMAGE_SIZES, settings.maxImageSide})]


def pictureDetailNames() -> dict[str, str]:
	return {
		# Translators: a picture detail in Vision Describer settings (image tokens: what the model reads).
		"fast": _("Fast (about 300 image tokens)"),
		# Translators: a picture detail in Vision Describer settings (image tokens: what the model reads).
		"balanced": _("Balanced (about 1,000 image tokens)"),
		# Translators: a picture detail in Vision Describer settings.
		"detailed": _("Detailed (all the model can use)"),
	}


def pictureDetailChoices(settings: Settings) -> list[tuple[str, str]]:
	names = pictureDetailNames()
	return [(level, names[level]) for level in PICTURE_DETAILS]


def pictureDetailNote() -> str:
	# Translators: a note under "Picture detail" in Vision Describer settings.
	return _(
		"Detailed reads small text better; on a computer without a graphics card it can add tens of seconds."
	)


class PictureDetailField(ChoiceField):
	"""The picture-detail list, with its note below it, wrapped to the panel's row width."""

	def makeControl(self, panel, group, box, settings):
		control = super().makeControl(panel, group, box, settings)
		text = wx.StaticText(box, label=pictureDetailNote())
		text.Wrap(panel.scaleSize(ROW_WIDTH))
		group.addItem(text)
		return control


class ImageSection(Section):
	def title(self) -> str:
		# Translators: a group in Vision Describer settings: how the picture is sent.
		return _("Image")

	def fieldTable(self) -> Sequence[FieldControl]:
		return (
			PictureDetailField(
				"pictureDetail",
				"pictureDetailChoice",
				# Translators: a label in Vision Describer settings: how much of the picture the model reads.
				_("P&icture detail:"),
				pictureDetailChoices,
			),
			# Translators: a label in Vision Describer settings.
			ChoiceField("maxImageSide", "imageSizeChoice", _("Image si&ze:"), imageSizeChoices),
		)
