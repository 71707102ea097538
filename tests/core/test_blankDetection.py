"""The blank guard: black and flat captures are refused, anything with visible content is not."""

import pytest
import screens
from PIL import Image, ImageDraw, ImageFont
from visionDescriberCore.errors import BlankCapture
from visionDescriberCore.imaging import capture
from visionDescriberCore.imaging.blankDetection import blankness, checkNotBlank, isBlank
from visionDescriberCore.imaging.capture import Rect

MONO_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"


def black4k() -> Image.Image:
	return Image.new("RGB", (3840, 2160), (0, 0, 0))


def test_blackScreenIsRefusedAsBlack():
	with pytest.raises(BlankCapture) as info:
		checkNotBlank(black4k())
	assert info.value.black is True
	assert "Screen Curtain may be on" in info.value.sentence
	assert "Nothing was sent" in info.value.sentence


def test_flatColourIsRefusedButNotAsBlack():
	for colour in ((255, 255, 255), (0, 120, 215), (30, 30, 30)):
		with pytest.raises(BlankCapture) as info:
			checkNotBlank(Image.new("RGB", (1920, 1080), colour))
		assert info.value.black is False
		assert "single flat colour" in info.value.sentence


def test_aLittleNoiseIsStillBlank():
	# Grey with gentle noise (sigma 2 levels), as dithering or compression leaves it.
	noise = Image.effect_noise((1920, 1080), 2).convert("RGB")
	assert isBlank(noise)
	assert not blankness(noise)[1]
	# A black screen with a few stray pixels.
	image = black4k()
	for index in range(10):
		image.putpixel((100 + index * 300, 50 + index * 200), (255, 255, 255))
	blank, black, stray = blankness(image)
	assert (blank, black, stray) == (True, True, 10)
	# Twenty are more than the allowance of 16: that is content, however little.
	for index in range(10):
		image.putpixel((200 + index * 300, 50 + index * 200), (255, 255, 255))
	assert blankness(image) == (False, False, 20)


def test_aMousePointerOnBlackIsContent():
	image = black4k()
	draw = ImageDraw.Draw(image)
	draw.polygon(
		[(1000, 500), (1000, 519), (1004, 515), (1008, 523), (1010, 522), (1006, 514), (1012, 514)],
		fill="white",
		outline="grey",
	)
	assert not isBlank(image)
	checkNotBlank(image)  # does not raise


def test_aOnePixelLineIsContent():
	image = black4k()
	ImageDraw.Draw(image).line([(0, 1000), (3839, 1000)], fill=(80, 80, 80))
	assert not isBlank(image)
	short = black4k()
	ImageDraw.Draw(short).line([(500, 500), (540, 500)], fill=(200, 200, 200))
	assert not isBlank(short)


def test_aSingleWordOnABlackConsoleIsContent():
	image = black4k()
	font = ImageFont.truetype(MONO_FONT, 16)
	ImageDraw.Draw(image).text((8, 8), "C:\\>", font=font, fill=(192, 192, 192))
	assert not isBlank(image)


def test_tinyImagesGetNoStrayAllowance():
	icon = Image.new("RGB", (16, 16), (40, 90, 200))
	assert isBlank(icon)
	icon.putpixel((8, 8), (255, 255, 255))
	assert not isBlank(icon)


def test_gradientIsContent():
	gradient = Image.linear_gradient("L").resize((1920, 1080)).point(lambda v: v // 4)  # 0-63, dark
	assert not isBlank(gradient)
	assert not isBlank(gradient.convert("RGB"))


def test_otherModes():
	assert isBlank(Image.new("L", (800, 600), 0))
	assert blankness(Image.new("RGBA", (800, 600), (0, 0, 0, 0)))[1]
	assert isBlank(Image.new("P", (800, 600), 3))
	two = Image.new("L", (800, 600), 0)
	two.paste(255, (0, 0, 400, 600))
	assert not isBlank(two)


def test_photoIsContent():
	assert not isBlank(screens.photoLikeImage(1280, 720))


@pytest.fixture(scope="module")
def applicationWindow(xDisplay):
	from wxApp import getWxApp

	getWxApp()
	frame, _ = screens.showApplicationWindow(0, 0, 1600, 900)
	image = screens.waitUntilStable(lambda: capture.grab(Rect(0, 0, 1600, 900)))
	yield image
	frame.Destroy()
	screens.pump(0.05)


def test_realScreenshotIsNotRefused(applicationWindow):
	checkNotBlank(applicationWindow)
	assert blankness(applicationWindow)[2] > 100_000


def test_realBlackAreaOfTheScreenIsRefused(applicationWindow):
	# Nothing is drawn right of the window: the bare X root window is black.
	with pytest.raises(BlankCapture) as info:
		checkNotBlank(capture.grab(Rect(2000, 1000, 1800, 1100)))
	assert info.value.black


# --- Every threshold at its edge, every channel, every reference colour ---------------------------


def withPixels(colour, *groups, size=(800, 600)) -> Image.Image:
	"""A flat image of `colour` (800x600: the full allowance of 16 stray pixels) with, for each
	(count, pixelColour) group, that many pixels of pixelColour along a diagonal of their own."""
	image = Image.new("RGB", size, colour)
	for row, (count, pixelColour) in enumerate(groups):
		for index in range(count):
			image.putpixel((index * 7 % size[0], (row * 50 + index * 3) % size[1]), pixelColour)
	return image


def test_sixteenStrayPixelsAreNoiseSeventeenAreContent():
	assert blankness(withPixels((0, 0, 0), (16, (255, 255, 255)))) == (True, True, 16)
	assert blankness(withPixels((0, 0, 0), (17, (255, 255, 255)))) == (False, False, 17)


def test_aFewWhiteSpecksAreCountedOnceNotOncePerChannel():
	# The count goes into the log: five specks are five pixels, not fifteen.
	assert blankness(withPixels((0, 0, 0), (5, (255, 255, 255)))) == (True, True, 5)


@pytest.mark.parametrize("channel", [0, 1, 2])
def test_strayPixelsInAnyOneChannelCount(channel):
	colour = [0, 0, 0]
	colour[channel] = 200
	assert blankness(withPixels((0, 0, 0), (16, tuple(colour)))) == (True, True, 16)
	assert blankness(withPixels((0, 0, 0), (17, tuple(colour)))) == (False, False, 17)


def test_strayPixelsSpreadOverDifferentChannelsAddUp():
	red, green, blue = (200, 0, 0), (0, 200, 0), (0, 0, 200)
	# No channel alone has more than 16, together they are 17 pixels: content.
	assert blankness(withPixels((0, 0, 0), (9, red), (8, green))) == (False, False, 17)
	assert blankness(withPixels((0, 0, 0), (16, red), (1, blue))) == (False, False, 17)
	assert blankness(withPixels((0, 0, 0), (6, red), (5, green), (6, blue))) == (False, False, 17)
	assert blankness(withPixels((0, 0, 0), (8, red), (8, blue))) == (True, True, 16)


def test_twelveLevelsOffIsNoiseThirteenIsContent():
	# On black, one channel or all of them, and on mid grey in both directions.
	for offset, blank in ((12, True), (13, False)):
		for colour in ((offset, 0, 0), (0, offset, 0), (0, 0, offset), (offset, offset, offset)):
			assert isBlank(withPixels((0, 0, 0), (100, colour))) is blank, (offset, colour)
		assert isBlank(withPixels((100, 100, 100), (100, (100 + offset,) * 3))) is blank
		assert isBlank(withPixels((100, 100, 100), (100, (100 - offset,) * 3))) is blank
	# The same edge when pixels stray in several channels and are counted one by one.
	image = withPixels((0, 0, 0), (10, (13, 13, 0)), (10, (12, 12, 12)))
	assert blankness(image) == (True, True, 10)


def test_aWhitePageWithAFewBlackDotsIsContent():
	# The dominant colour at the top of the scale: its tolerance window must not run past 255.
	assert blankness(withPixels((255, 255, 255), (17, (0, 0, 0)))) == (False, False, 17)
	assert blankness(withPixels((255, 0, 0), (17, (0, 0, 0)))) == (False, False, 17)
	# Red at full strength with a touch of green: the dots differ in red only, and red's window must
	# not borrow the green channel's counts.
	assert blankness(withPixels((255, 12, 0), (17, (0, 0, 0)))) == (False, False, 17)
	assert blankness(withPixels((250, 250, 250), (16, (0, 0, 0)))) == (True, False, 16)


@pytest.mark.parametrize("colour", [(0, 120, 215), (30, 30, 30), (200, 40, 90), (255, 255, 255)])
def test_aFlatColouredScreenWithAFewStrayPixelsIsNotSent(colour):
	# The stray pixels differ in several channels, so they are counted exactly against the screen's
	# own colour: a flat screen with a few specks is refused, a few more specks are content.
	speck = tuple(255 - level for level in colour)
	with pytest.raises(BlankCapture) as info:
		checkNotBlank(withPixels(colour, (10, speck)))
	assert info.value.black is False
	assert "(10 stray pixels)" in info.value.detail
	assert blankness(withPixels(colour, (10, speck))) == (True, False, 10)
	assert blankness(withPixels(colour, (17, speck)))[:2] == (False, False)


def test_blackMeansEveryChannelAtMostSixteen():
	assert blankness(Image.new("RGB", (800, 600), (16, 16, 16))) == (True, True, 0)
	assert blankness(Image.new("RGB", (800, 600), (17, 17, 17))) == (True, False, 0)
	for colour in ((17, 0, 0), (0, 17, 0), (0, 0, 17)):
		assert blankness(Image.new("RGB", (800, 600), colour)) == (True, False, 0)
	assert blankness(Image.new("L", (800, 600), 16))[1]
	assert not blankness(Image.new("L", (800, 600), 17))[1]


def test_theAllowanceIsOnePixelPerTenThousand():
	# 100x100 is 10,000 pixels: one stray pixel is allowed; 9,999 pixels allow none.
	assert blankness(withPixels((0, 0, 0), (1, (255, 255, 255)), size=(100, 100))) == (True, True, 1)
	assert blankness(withPixels((0, 0, 0), (1, (255, 255, 255)), size=(101, 99))) == (False, False, 1)
	# 160,000 pixels reach the full allowance of 16; 159,900 allow 15.
	assert isBlank(withPixels((0, 0, 0), (16, (255, 255, 255)), size=(400, 400)))
	assert not isBlank(withPixels((0, 0, 0), (16, (255, 255, 255)), size=(1599, 100)))


def test_aPaletteImageIsJudgedByItsColoursNotItsPaletteNumbers():
	# Palette entries 0 and 1 are black and white: near in number, far apart on screen.
	image = Image.new("P", (800, 600), 0)
	image.putpalette([0, 0, 0, 255, 255, 255] + [0, 0, 0] * 254)
	image.paste(1, (0, 0, 400, 600))
	assert not isBlank(image)
	assert blankness(image)[2] == 400 * 600


def test_anEmptyImageIsBlankAndBlack():
	assert blankness(Image.new("RGB", (0, 0))) == (True, True, 0)
	with pytest.raises(BlankCapture):
		checkNotBlank(Image.new("RGB", (0, 600)))
