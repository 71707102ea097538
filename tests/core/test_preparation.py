"""Preparation: sizes per provider, format by content, byte budgets, and legibility of real
screenshots (wx windows captured with mss under Xvfb) checked with tesseract.

Legibility: tesseract reads words from the full-size capture and from the prepared image brought
back to the same size, in a region of the file list and a region of paragraph text. Of the words it
reads correctly from the full-size capture (words the window really shows, counting repeats; half
lines cut by a region's edge give junk that is left out), the prepared image must keep at least
95 %. Tesseract reads glyphs about 20-30 px tall best, so screens drawn at 100 % are enlarged 2x for
both readings and screens at 200 % are not.
"""

import dataclasses
import io

import ocr
import pytest
import screens
from PIL import Image, JpegImagePlugin
from visionDescriberCore.errors import ImageTooLarge
from visionDescriberCore.imaging import capture
from visionDescriberCore.imaging.capture import Rect
from visionDescriberCore.imaging.preparation import (
	DEFAULT_BYTE_BUDGET,
	ImagePolicy,
	flatShare,
	policyForProvider,
	prepareImage,
	targetSize,
)
from visionDescriberCore.media import PreparedImage

LOCAL = policyForProvider("ollama")


def decode(prepared: PreparedImage) -> Image.Image:
	image = Image.open(io.BytesIO(prepared.data))
	assert image.format == {"image/png": "PNG", "image/jpeg": "JPEG"}[prepared.mimeType]
	assert image.size == (prepared.width, prepared.height)
	image.load()
	return image


def pngSize(image: Image.Image) -> int:
	buffer = io.BytesIO()
	image.save(buffer, "PNG")
	return len(buffer.getvalue())


def naiveBytesSent(image: Image.Image) -> int:
	"""What the naive path sends: the full-size PNG in base64."""
	return 4 * -(-pngSize(image) // 3)


# --- Policies and sizes ---------------------------------------------------------------------------


def test_localPolicy():
	for provider in ("ollama", "openaiCompatible", "openai-compatible", "somethingNew"):
		policy = policyForProvider(provider)
		assert (policy.maxLongSide, policy.maxShortSide) == (1568, None)
		assert policy.byteBudget == DEFAULT_BYTE_BUDGET
	assert policyForProvider("ollama", maxLongSide=2560).maxLongSide == 2560


def test_openAiHighDetailRule():
	for detail in ("auto", "high"):
		policy = policyForProvider("openai", detail)
		assert (policy.maxLongSide, policy.maxShortSide) == (2048, 768)
	policy = policyForProvider("OpenAI", "high")
	assert targetSize(3840, 2160, policy) == (1365, 768)
	assert targetSize(1920, 1080, policy) == (1365, 768)
	assert targetSize(4000, 1000, policy) == (2048, 512)  # fits 2048 first; short side already small
	assert targetSize(1000, 3000, policy) == (683, 2048)
	assert targetSize(800, 600, policy) == (800, 600)


def test_openAiLowDetailAndUserLimits():
	low = policyForProvider("openai", "low")
	assert targetSize(3840, 2160, low) == (512, 288)
	assert policyForProvider("openai", "high", maxLongSide=1000).maxLongSide == 1000
	assert policyForProvider("openai", "high", maxLongSide=4000).maxLongSide == 2048  # OpenAI would shrink it
	assert policyForProvider("ollama", maxLongSide=10).maxLongSide == 64
	assert policyForProvider("ollama", maxLongSide=100_000).maxLongSide == 8192


def test_targetSizeDownscalesKeepingTheAspectRatio():
	assert targetSize(3840, 2160, LOCAL) == (1568, 882)
	assert targetSize(2160, 3840, LOCAL) == (882, 1568)
	assert targetSize(1568, 1000, LOCAL) == (1568, 1000)
	assert targetSize(20000, 10, LOCAL) == (1568, 1)


def test_smallPicturesAreEnlargedByAWholeFactorOnly():
	assert targetSize(32, 32, LOCAL) == (64, 64)  # at most maxUpscale (2)
	assert targetSize(300, 200, LOCAL) == (300, 200)  # 512 // 300 = 1: no fractional enlarging
	assert targetSize(32, 32, ImagePolicy(maxUpscale=1)) == (32, 32)
	assert targetSize(32, 32, ImagePolicy(maxUpscale=8)) == (256, 256)
	assert targetSize(32, 32, ImagePolicy(maxUpscale=8, maxLongSide=100)) == (96, 96)  # never past the limit
	assert targetSize(100, 20, ImagePolicy(maxUpscale=8, maxShortSide=50)) == (200, 40)


def test_policyRejectsNonsense():
	with pytest.raises(ValueError):
		ImagePolicy(forceFormat="gif")
	with pytest.raises(ValueError):
		ImagePolicy(maxLongSide=0)
	with pytest.raises(ValueError):
		ImagePolicy(maxUpscale=0.5)


# --- Format, budget and modes on synthetic pictures --------------------------------------------


def interfaceCrop() -> Image.Image:
	"""A small dialog-like picture: flat background, a few boxes, text-like strokes."""
	from PIL import ImageDraw, ImageFont

	image = Image.new("RGB", (600, 300), (240, 240, 240))
	draw = ImageDraw.Draw(image)
	font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 14)
	for row in range(8):
		draw.text((20, 20 + row * 30), f"Setting number {row}: value {row * 17}", font=font, fill=(0, 0, 0))
	draw.rectangle((420, 240, 560, 275), outline=(0, 90, 200), fill=(255, 255, 255))
	draw.text((465, 249), "Save", font=font, fill=(0, 90, 200))
	return image


def test_smallInterfacePictureIsSentAsExactPng():
	image = interfaceCrop()
	assert flatShare(image) > 0.8
	prepared = prepareImage(image, LOCAL)
	assert (prepared.mimeType, prepared.width, prepared.height) == ("image/png", 600, 300)
	assert decode(prepared).convert("RGB").tobytes() == image.tobytes()


def test_photoIsSentAsJpegWithChromaSubsampling():
	photo = screens.photoLikeImage(1200, 800)
	assert flatShare(photo) < 0.1
	prepared = prepareImage(photo, LOCAL)
	assert (prepared.mimeType, prepared.width, prepared.height) == ("image/jpeg", 1200, 800)
	assert JpegImagePlugin.get_sampling(decode(prepared)) == 2  # 4:2:0
	assert len(prepared.data) < pngSize(photo) / 4


def test_largeResampledInterfaceIsJpegWithFullColourResolution():
	image = interfaceCrop().resize((3000, 1500), Image.Resampling.NEAREST)
	prepared = prepareImage(image, LOCAL)
	assert (prepared.mimeType, prepared.width, prepared.height) == ("image/jpeg", 1568, 784)
	assert JpegImagePlugin.get_sampling(decode(prepared)) == 0  # 4:4:4 keeps coloured text sharp


def test_forcedFormat():
	assert (
		prepareImage(screens.photoLikeImage(400, 300), ImagePolicy(forceFormat="png")).mimeType == "image/png"
	)
	assert prepareImage(interfaceCrop(), ImagePolicy(forceFormat="jpeg")).mimeType == "image/jpeg"


def test_byteBudgetStepsQualityThenSizeDown():
	photo = screens.photoLikeImage(1568, 882)
	full = prepareImage(photo, LOCAL)
	assert len(full.data) > 150_000
	tighter = prepareImage(photo, ImagePolicy(byteBudget=150_000))
	assert len(tighter.data) <= 150_000 and (tighter.width, tighter.height) == (1568, 882)
	tiny = prepareImage(photo, ImagePolicy(byteBudget=30_000))
	assert len(tiny.data) <= 30_000
	assert tiny.width < 1568 and abs(tiny.width / tiny.height - 1568 / 882) < 0.01
	assert decode(tiny).size == (tiny.width, tiny.height)


def test_pngOverBudgetBecomesJpegUnlessForced():
	image = interfaceCrop()
	budget = pngSize(image) // 2
	assert prepareImage(image, ImagePolicy(byteBudget=budget)).mimeType == "image/jpeg"
	forced = prepareImage(image, ImagePolicy(byteBudget=budget, forceFormat="png"))
	assert forced.mimeType == "image/png" and len(forced.data) <= budget and forced.width < 600


def test_impossibleBudgetIsATypedError():
	with pytest.raises(ImageTooLarge) as info:
		prepareImage(screens.photoLikeImage(800, 600), ImagePolicy(byteBudget=200))
	assert "too large" in info.value.sentence


def test_iconIsEnlargedWithCrispPixels():
	icon = Image.new("RGB", (32, 32), (255, 255, 255))
	icon.paste((200, 0, 0), (8, 8, 24, 24))
	icon.putpixel((0, 0), (0, 0, 0))
	prepared = prepareImage(icon, LOCAL)
	assert (prepared.mimeType, prepared.width, prepared.height) == ("image/png", 64, 64)
	big = decode(prepared).convert("RGB")
	assert big.getpixel((0, 0)) == big.getpixel((1, 1)) == (0, 0, 0)
	assert big.getpixel((2, 2)) == (255, 255, 255)
	assert big.getpixel((16, 16)) == big.getpixel((47, 47)) == (200, 0, 0)


def test_transparencyIsFlattenedOntoWhite():
	image = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
	image.paste((0, 0, 255, 255), (50, 25, 150, 75))
	decoded = decode(prepareImage(image, LOCAL)).convert("RGB")
	assert decoded.getpixel((5, 5)) == (255, 255, 255)
	assert decoded.getpixel((100, 50)) == (0, 0, 255)


def test_otherModesArePrepared():
	for mode in ("1", "L", "LA", "P", "CMYK", "I;16", "RGBA"):
		image = interfaceCrop().convert(mode) if mode != "I;16" else Image.new("I;16", (300, 200), 1000)
		prepared = prepareImage(image, LOCAL)
		assert decode(prepared).size == image.size, mode


def test_preparationIsDeterministic():
	image = screens.photoLikeImage(2000, 1000)
	assert prepareImage(image, LOCAL).data == prepareImage(image, LOCAL).data


def test_emptyImageIsRefused():
	with pytest.raises(ValueError):
		prepareImage(Image.new("RGB", (0, 0)), LOCAL)


# --- Edges: limits, thresholds, modes and the budget loop ----------------------------------------

BLACK, WHITE = (0, 0, 0), (255, 255, 255)
PNG_ONLY = ImagePolicy(forceFormat="png")


def columns(colours, height: int = 2) -> Image.Image:
	"""A picture whose column x is colours[x] from top to bottom."""
	image = Image.new("RGB", (len(colours), height))
	image.putdata([colour for _ in range(height) for colour in colours])
	return image


def columnsWithShare(identical: int, pairs: int) -> Image.Image:
	"""pairs + 1 grey columns of which exactly `identical` neighbouring pairs match."""
	colours, grey = [(0, 0, 0)], 0
	for pair in range(pairs):
		if pair >= identical:
			grey += 1
		colours.append((grey, grey, grey))
	return columns(colours, height=4)


def checkerboard(width: int, height: int) -> Image.Image:
	image = Image.new("RGB", (width, height))
	image.putdata([BLACK if (x + y) % 2 else WHITE for y in range(height) for x in range(width)])
	return image


def jpegQuality(prepared: PreparedImage) -> int:
	"""The quality a JPEG was saved at: the one whose quantization tables Pillow writes the same."""
	tables = decode(prepared).quantization
	for quality in range(1, 101):
		buffer = io.BytesIO()
		Image.new("RGB", (8, 8)).save(buffer, "JPEG", quality=quality)
		if Image.open(buffer).quantization == tables:
			return quality
	raise AssertionError("not a JPEG quality Pillow writes")


def test_policyLimitsAtTheirEdges():
	ImagePolicy(maxLongSide=1, maxShortSide=1, byteBudget=1, maxUpscale=1)  # the least that makes sense
	for nonsense in ({"maxLongSide": 0}, {"maxShortSide": 0}, {"byteBudget": 0}, {"maxUpscale": 0.99}):
		with pytest.raises(ValueError):
			ImagePolicy(**nonsense)
	# With base64's third more, the default stays under the 1 MiB body limit of nginx proxies.
	assert ImagePolicy().byteBudget == 750_000
	with pytest.raises(dataclasses.FrozenInstanceError):
		LOCAL.maxLongSide = 10  # shared by every caller


def test_enlargementStopsAt512PixelsAndTwiceTheSize():
	assert targetSize(256, 100, LOCAL) == (512, 200)  # twice reaches 512 exactly
	assert targetSize(257, 100, LOCAL) == (257, 100)
	assert targetSize(171, 100, ImagePolicy(maxUpscale=8)) == (342, 200)  # 3x would pass 512
	assert targetSize(5, 20000, LOCAL) == (1, 1568)  # no side shrinks to nothing
	assert targetSize(20000, 5, LOCAL) == (1568, 1)


def test_flatShareCountsNeighboursIdenticalInEveryChannel():
	a, b, c, d = (10, 10, 10), (10, 10, 11), (10, 11, 10), (11, 10, 10)
	assert flatShare(columns([a, a, b, b, b, c, d, d, d, d])) == pytest.approx(6 / 9)
	for other in (b, c, d):  # a difference in any one channel is a difference
		assert flatShare(columns([a, other] * 8)) == 0.0
	assert flatShare(columns([a, a, a, other], height=1)) == pytest.approx(2 / 3)
	rows = Image.new("RGB", (4, 2), a)
	rows.putpixel((3, 1), b)  # the second row has one pair fewer
	assert flatShare(rows) == pytest.approx(5 / 6)
	assert flatShare(Image.new("L", (3, 3), 7)) == 1.0
	assert flatShare(columns([BLACK, WHITE])) == 0.0
	assert flatShare(Image.new("RGB", (1, 50), (200, 0, 0))) == 1.0  # nothing to compare: flat


def test_flatShareSamplesLargePicturesWithoutSmoothing():
	assert flatShare(columns([BLACK, WHITE] * 128)) == 0.0  # 256 wide: measured whole
	# 257 wide: the 256-column sample drops one column, which makes one identical pair per row.
	assert flatShare(columns([BLACK, WHITE] * 128 + [BLACK])) == pytest.approx(1 / 255)
	# 3 x 1000: sampled at two columns (the first and the last), never narrowed to one.
	assert flatShare(columns([BLACK, WHITE, WHITE], height=1000)) == 0.0
	assert flatShare(Image.new("RGB", (3000, 1), (9, 9, 9))) == 1.0  # sampled at one row, not none
	wide = interfaceCrop().resize((3000, 40), Image.Resampling.NEAREST)
	assert flatShare(wide) == flatShare(wide.resize((256, 3), Image.Resampling.NEAREST))


def test_interfaceFromHalfTheNeighboursIdentical():
	whole = ImagePolicy(maxUpscale=1)  # measured at its own size
	half = prepareImage(columnsWithShare(100, 200), whole)
	assert (half.mimeType, half.width) == ("image/png", 201)
	assert prepareImage(columnsWithShare(99, 200), whole).mimeType == "image/jpeg"


def test_resampledInterfaceIsPngUpTo640x480():
	image = interfaceCrop().resize((1280, 960), Image.Resampling.NEAREST)
	assert prepareImage(image, LOCAL, size=(640, 480)).mimeType == "image/png"
	assert prepareImage(image, LOCAL, size=(641, 480)).mimeType == "image/jpeg"
	assert prepareImage(image, LOCAL, size=(640, 481)).mimeType == "image/jpeg"
	big = interfaceCrop().resize((1200, 900), Image.Resampling.NEAREST)
	prepared = prepareImage(big, LOCAL)  # at its own size, however large: exact PNG
	assert (prepared.mimeType, prepared.width, prepared.height) == ("image/png", 1200, 900)
	assert decode(prepared).convert("RGB").tobytes() == big.tobytes()


def test_onlyAWholeFactorOnBothSidesRepeatsPixels():
	for source, size in (((2, 4), (3, 4)), ((4, 2), (6, 2)), ((2, 2), (4, 5)), ((2, 3), (4, 8))):
		sent = decode(prepareImage(checkerboard(*source), PNG_ONLY, size=size)).convert("RGB")
		assert {colour for _, colour in sent.getcolors()} - {BLACK, WHITE}, (
			source,
			size,
		)  # smoothed (Lanczos)
	sent = decode(prepareImage(checkerboard(2, 3), PNG_ONLY, size=(6, 9))).convert("RGB")
	assert {colour for _, colour in sent.getcolors()} == {BLACK, WHITE}


def test_jpegQualityByKindAndStepsOfTenDownToFifty():
	photo = screens.photoLikeImage(1568, 882)
	full = prepareImage(photo, LOCAL)
	assert jpegQuality(full) == 85
	interface = prepareImage(interfaceCrop().resize((3000, 1500), Image.Resampling.NEAREST), LOCAL)
	assert (interface.mimeType, jpegQuality(interface)) == ("image/jpeg", 80)
	assert prepareImage(photo, ImagePolicy(byteBudget=len(full.data))).data == full.data  # exactly fits
	lower = prepareImage(photo, ImagePolicy(byteBudget=len(full.data) - 1))
	assert (jpegQuality(lower), lower.width) == (75, 1568)
	# Once quality 50 is over budget, the picture shrinks by a quarter at a time.
	tiny = prepareImage(photo, ImagePolicy(byteBudget=30_000))
	widths = [1568]
	while widths[-1] > 64:
		widths.append(round(widths[-1] * 0.75))
	assert jpegQuality(tiny) == 50 and tiny.width in widths[1:-1]


def test_greyscaleStaysGreyAndEveryTransparencyIsFlattenedOntoWhite():
	assert decode(prepareImage(Image.new("L", (300, 200), 90), LOCAL)).mode == "L"
	rgba = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
	rgba.paste((0, 0, 255, 255), (50, 25, 150, 75))
	palette = Image.new("P", (200, 100), 0)
	palette.putpalette([0, 0, 0, 0, 0, 255])
	palette.paste(1, (50, 25, 150, 75))
	palette.info["transparency"] = 0
	pictures = {
		"P": palette,
		"PA": palette.convert("PA"),
		"RGBa": rgba.convert("RGBa"),
		"La": rgba.convert("LA").convert("La"),
	}
	for mode, picture in pictures.items():
		assert picture.mode == mode
		decoded = decode(prepareImage(picture, PNG_ONLY)).convert("RGB")
		assert decoded.getpixel((5, 5)) == WHITE, mode
		assert decoded.getpixel((100, 50)) != WHITE, mode
	opaquePalette = palette.copy()
	del opaquePalette.info["transparency"]
	assert decode(prepareImage(opaquePalette, PNG_ONLY)).convert("RGB").getpixel((5, 5)) == BLACK


def test_defaultsAndSizesThatCannotBe():
	image = interfaceCrop()
	assert prepareImage(image).data == prepareImage(image, ImagePolicy()).data
	tiny = prepareImage(Image.new("RGB", (1, 1), (9, 9, 9)), LOCAL)
	assert (tiny.width, tiny.height) == (2, 2)
	for empty in ((0, 5), (5, 0)):
		with pytest.raises(ValueError):
			prepareImage(Image.new("RGB", empty), LOCAL, size=(10, 10))
		with pytest.raises(ValueError):
			prepareImage(image, LOCAL, size=empty)
	for least in ((1, 1), (1, 5), (5, 1)):
		assert prepareImage(image, LOCAL, size=least).width == least[0]


# --- Real screenshots ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shots(xDisplay):
	"""Captured once per module: a text-heavy window at 1920x1080 (100 %), a maximised text-heavy
	window at 3840x2160 (200 %), and a 3840x2160 desktop (wallpaper, window with a picture, taskbar)."""
	from wxApp import getWxApp

	getWxApp()
	result = {}
	frame, words = screens.showApplicationWindow(0, 0, 1920, 1080, scale=1.0)
	result["ui1080"] = screens.waitUntilStable(lambda: capture.grab(Rect(0, 0, 1920, 1080)))
	frame.Destroy()
	frame, more = screens.showApplicationWindow(0, 0, 3840, 2160, scale=2.0)
	words += more
	result["ui4k"] = screens.waitUntilStable(lambda: capture.grab(Rect(0, 0, 3840, 2160)))
	frame.Destroy()
	frames, more, window = screens.showDesktop(3840, 2160, scale=2.0)
	result["vocabulary"] = {word.lower() for word in words + more}
	result["desktop4k"] = screens.waitUntilStable(capture.grabScreen)
	result["desktop4kWindow"] = window
	for frame in frames:
		frame.Destroy()
	screens.pump(0.05)
	return result


def keptWords(full: Image.Image, prepared: PreparedImage, regions, enlarge: float, vocabulary):
	return ocr.legibility(full, decode(prepared), regions, enlarge, vocabulary)


def test_textHeavy1080pScreen(shots):
	full = shots["ui1080"]
	prepared = prepareImage(full, LOCAL)
	assert (prepared.mimeType, prepared.width, prepared.height) == ("image/jpeg", 1568, 882)
	assert len(prepared.data) <= DEFAULT_BYTE_BUDGET
	if ocr.available():
		kept, count = keptWords(
			full, prepared, screens.windowRegions(0, 0, 1920, 1080), enlarge=2, vocabulary=shots["vocabulary"]
		)
		assert count > 100
		assert kept >= 0.95, f"kept {kept:.3f} of {count} words"


def test_textHeavy4kScreen(shots):
	full = shots["ui4k"]
	prepared = prepareImage(full, LOCAL)
	assert (prepared.mimeType, prepared.width, prepared.height) == ("image/jpeg", 1568, 882)
	# Flat grey interface text is PNG's best case: JPEG at a sixth of the pixels is still over 2x smaller.
	assert naiveBytesSent(full) >= 2 * len(prepared.base64())
	if ocr.available():
		kept, count = keptWords(
			full, prepared, screens.windowRegions(0, 0, 3840, 2160), enlarge=1, vocabulary=shots["vocabulary"]
		)
		assert count > 100
		assert kept >= 0.95, f"kept {kept:.3f} of {count} words"


def test_4kDesktopIsTenTimesCheaperAndLegible(shots):
	full = shots["desktop4k"]
	prepared = prepareImage(full, LOCAL)
	assert (prepared.mimeType, prepared.width, prepared.height) == ("image/jpeg", 1568, 882)
	assert naiveBytesSent(full) >= 10 * len(prepared.base64())
	if ocr.available():
		regions = screens.windowRegions(*shots["desktop4kWindow"], sideTop=0.3)
		kept, count = keptWords(full, prepared, regions, enlarge=1, vocabulary=shots["vocabulary"])
		assert count > 100
		assert kept >= 0.95, f"kept {kept:.3f} of {count} words"


def test_openAiSizeForA4kDesktop(shots):
	prepared = prepareImage(shots["desktop4k"], policyForProvider("openai", "auto"))
	assert (prepared.mimeType, prepared.width, prepared.height) == ("image/jpeg", 1365, 768)
	assert len(prepared.data) < 400_000


def test_dialogCropOfARealScreenIsExactPng(shots):
	dialog = shots["ui1080"].crop((1150, 780, 1920, 1080))
	prepared = prepareImage(dialog, LOCAL)
	assert (prepared.mimeType, prepared.width, prepared.height) == ("image/png", 770, 300)
	assert decode(prepared).convert("RGB").tobytes() == dialog.tobytes()
