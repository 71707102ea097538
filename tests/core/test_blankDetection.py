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
