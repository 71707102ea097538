"""The guard that keeps black and flat captures from being sent.

Screen Curtain (and a locked or secure screen, or a window that refuses capture) makes mss return
black pixels; asking a model to describe them wastes time and money and produces a confident
description of nothing. So before anything is sent, a capture is checked here.

What counts as blank: all but a handful of pixels lie within `tolerance` levels, in every channel,
of one colour. The handful is at most 16 pixels, and one per 10,000 pixels in smaller images (so a
16x16 icon gets no allowance at all). That tolerates noise (dithering, compression artefacts,
a stray hot pixel) but not content: a mouse pointer, a one-pixel line across the screen or a single
short word on a black console all make the image real, and it is sent. Refusing a real screen would
cost the user more than sending an almost empty one. (mss does not draw the mouse pointer, so
Screen Curtain's black stays exactly black.)

Cost: one histogram pass in C over the image, about 20 ms for a 3840x2160 capture, and no copy;
only a nearly blank image with a few stray pixels costs one more pass to count them exactly.
"""

from PIL import Image, ImageChops

from ..errors import BlankCapture

TOLERANCE = 12
MAX_STRAY_PIXELS = 16
STRAY_PIXELS_PER = 10_000
BLACK_LEVEL = 16


def blankness(image: Image.Image, tolerance: int = TOLERANCE) -> tuple[bool, bool, int]:
	"""Returns (blank, black, strayPixels): strayPixels is how many pixels lie further than tolerance
	from the dominant colour in some channel (a lower bound when it is clearly more than allowed)."""
	if image.mode not in ("RGB", "L"):
		image = image.convert("RGB")
	total = image.width * image.height
	# An empty image needs no case of its own: its histogram is all zeros, so it comes out blank.
	histogram = image.histogram()
	dominant: list[int] = []
	strayPerChannel: list[int] = []
	for band in range(len(histogram) // 256):
		counts = histogram[band * 256 : (band + 1) * 256]
		mode = max(range(256), key=counts.__getitem__)
		dominant.append(mode)
		strayPerChannel.append(total - sum(counts[max(0, mode - tolerance) : mode + tolerance + 1]))
	allowance = min(MAX_STRAY_PIXELS, total // STRAY_PIXELS_PER)
	# A pixel can stray in one channel or in all of them: the worst channel is a lower bound on the
	# stray pixels, exact when no other channel has any. Beyond the allowance it already says "content";
	# within it, pixels straying in several channels are counted exactly (a few white specks on black
	# are that many pixels, not three times as many).
	stray = max(strayPerChannel)
	if stray <= allowance and stray != sum(strayPerChannel):
		stray = _exactStrayPixels(image, dominant, tolerance)
	blank = stray <= allowance
	black = blank and max(dominant) <= BLACK_LEVEL
	return blank, black, stray


def _exactStrayPixels(image: Image.Image, dominant: list[int], tolerance: int) -> int:
	"""Pixels further than tolerance from the dominant colour in their furthest channel. Only an RGB
	image gets here: a one-channel image's count is always exact already."""
	reference = Image.new("RGB", image.size, tuple(dominant))
	red, green, blue = ImageChops.difference(image, reference).split()
	furthest = ImageChops.lighter(ImageChops.lighter(red, green), blue)
	return sum(furthest.histogram()[tolerance + 1 :])


def isBlank(image: Image.Image) -> bool:
	return blankness(image)[0]


def checkNotBlank(image: Image.Image) -> None:
	"""Raises BlankCapture (black=True for a black image) unless the image has real content."""
	blank, black, stray = blankness(image)
	if blank:
		raise BlankCapture(
			black=black,
			detail=f"{image.width}x{image.height} capture is one flat colour ({stray} stray pixels)",
		)
