"""Whether the words on a text-heavy screen survive each family's Balanced picture (tesseract, as the
preparation tests read them; see tests/ocr.py): at least 95 % of the words tesseract reads at full
size, wherever the family's geometry allows it. Where it does not (Gemma 3's 896x896, Llama 3.2
Vision's four 560-px tiles, llava's 336-px tiles, Gemma 4's 1056x576), Balanced already sends the
most the family can use, and readme.md says so. The same figures at every level are printed by
benchmarks/pictureSizes.py --ocr.

Screens: wx windows drawn on Xvfb and captured with mss, a 1920x1080 screen at 100 % and a 3840x2160
screen at 200 %, as in test_preparation. Each distinct size is read once per module.
"""

import io

import ocr
import pytest
import screens
from PIL import Image
from visionDescriberCore.imaging import capture
from visionDescriberCore.imaging import modelFamilies as rules
from visionDescriberCore.imaging.capture import Rect
from visionDescriberCore.imaging.modelFamilies import OLLAMA_GO, OLLAMA_MTMD, geometryFromModelId
from visionDescriberCore.imaging.sizing import BALANCED, DETAILED, PicturePlan, chooseSize, prepareWithPlan

pytestmark = [
	pytest.mark.display,
	pytest.mark.skipif(not ocr.available(), reason="tesseract is not installed"),
]

FULL_HD, UHD = "1920x1080", "3840x2160"

# Families whose Balanced picture must keep 95 % of the words, and on which screens.
READABLE = [
	(rules.qwenVl("qwen2.5vl", OLLAMA_GO, 14), (FULL_HD, UHD)),
	(rules.qwenVl("qwen2.5vl", OLLAMA_MTMD, 14), (FULL_HD, UHD)),
	(rules.qwenVl("qwen3-vl", OLLAMA_GO, 16, goMinPixels=65536), (FULL_HD, UHD)),
	(rules.qwenVl("qwen3-vl", OLLAMA_MTMD, 16), (FULL_HD, UHD)),
	(rules.minicpmV(OLLAMA_MTMD), (FULL_HD, UHD)),
	(rules.mistral3(OLLAMA_GO), (FULL_HD, UHD)),
	(rules.mistral3(OLLAMA_MTMD), (FULL_HD,)),  # at most 1,024 tokens: 1176x672 of a 4K screen is too few
	(geometryFromModelId("gpt-4o-mini", "openai"), (FULL_HD, UHD)),
	(geometryFromModelId("gpt-4.1-mini", "openai"), (FULL_HD, UHD)),
]
# Families whose own geometry is the limit: Balanced sends the most they use, all of Detailed.
LIMITED = [
	rules.gemma3(OLLAMA_GO),
	rules.gemma3(OLLAMA_MTMD),
	rules.gemma4(OLLAMA_GO),
	rules.gemma4(OLLAMA_MTMD),
	rules.llama32Vision(OLLAMA_GO),
	rules.llava15(OLLAMA_MTMD),
	rules.mistral3(OLLAMA_MTMD),
]


@pytest.fixture(scope="module")
def shots(xDisplay):
	from wxApp import getWxApp

	getWxApp()
	frame, words = screens.showApplicationWindow(0, 0, 1920, 1080, scale=1.0)
	fullHd = screens.waitUntilStable(lambda: capture.grab(Rect(0, 0, 1920, 1080)))
	frame.Destroy()
	frame, more = screens.showApplicationWindow(0, 0, 3840, 2160, scale=2.0)
	uhd = screens.waitUntilStable(lambda: capture.grab(Rect(0, 0, 3840, 2160)))
	frame.Destroy()
	screens.pump(0.05)
	return {
		FULL_HD: (fullHd, screens.windowRegions(0, 0, 1920, 1080), 2.0),
		UHD: (uhd, screens.windowRegions(0, 0, 3840, 2160), 1.0),
		"vocabulary": {word.lower() for word in words + more},
	}


class Reader:
	"""Reads each screen at full size once, and each prepared size once."""

	def __init__(self, shots):
		self.shots = shots
		self.reference: dict[str, object] = {}
		self.kept: dict[tuple, tuple[float, int]] = {}

	def keptWords(self, screenName: str, prepared) -> tuple[float, int]:
		key = (screenName, prepared.width, prepared.height, prepared.mimeType)
		if key not in self.kept:
			full, regions, enlarge = self.shots[screenName]
			size = (round(full.width * enlarge), round(full.height * enlarge))
			boxes = [tuple(round(value * enlarge) for value in box) for box in regions]
			if screenName not in self.reference:
				reference = full if size == full.size else full.resize(size, Image.Resampling.BICUBIC)
				words = ocr.words(" ".join(ocr.readMany([(reference.crop(box), 1.0) for box in boxes])))
				vocabulary = self.shots["vocabulary"]
				self.reference[screenName] = type(words)({w: n for w, n in words.items() if w in vocabulary})
			candidate = (
				Image.open(io.BytesIO(prepared.data)).convert("RGB").resize(size, Image.Resampling.BICUBIC)
			)
			words = ocr.words(" ".join(ocr.readMany([(candidate.crop(box), 1.0) for box in boxes])))
			reference = self.reference[screenName]
			self.kept[key] = (ocr.keptShare(reference, words), sum(reference.values()))
		return self.kept[key]


@pytest.fixture(scope="module")
def reader(shots):
	return Reader(shots)


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
	("geometry", "screenNames"), READABLE, ids=lambda value: getattr(value, "label", None) or "+".join(value)
)
def test_balanced_keeps_the_words_where_the_family_can(reader, shots, geometry, screenNames):
	for screenName in screenNames:
		full = shots[screenName][0]
		prepared = prepareWithPlan(full, PicturePlan(geometry, BALANCED, None, "ollama"))
		kept, count = reader.keptWords(screenName, prepared)
		assert count > 100
		assert kept >= 0.95, (
			f"{screenName}: kept {kept:.3f} of {count} words at {prepared.width}x{prepared.height}"
		)


@pytest.mark.parametrize("geometry", LIMITED, ids=lambda value: value.label)
def test_where_the_family_is_the_limit_balanced_already_sends_all_it_uses(geometry):
	for width, height in ((1920, 1080), (3840, 2160)):
		assert chooseSize(geometry, width, height, BALANCED) == chooseSize(geometry, width, height, DETAILED)


@pytest.mark.timeout(120)
def test_gemma3_cannot_keep_small_text_at_896_and_detail_does_not_change_that(reader, shots):
	"""What readme.md says about Gemma 3, measured: its square costs the same at every level."""
	full = shots[FULL_HD][0]
	prepared = prepareWithPlan(full, PicturePlan(rules.gemma3(OLLAMA_MTMD), DETAILED, None, "ollama"))
	assert (prepared.width, prepared.height) == (896, 896)
	kept, _count = reader.keptWords(FULL_HD, prepared)
	assert kept < 0.95  # the day this passes, the readme's advice changes
