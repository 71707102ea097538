"""Turns a captured or loaded picture into the bytes a vision model is sent.

Size. Models and servers scale every picture to their own working size (Ollama's vision models work
at 336 to about 1,500 pixels a side; OpenAI's high detail fits the picture into 2048x2048 and then
scales its short side to 768). Pixels beyond that buy nothing but upload, encoding and token time.
For a model whose family is known, `sizing` chooses the exact size (`prepareImage(size=...)`); for
any other, the long side is brought down to the policy's limit, as before:
- local and OpenAI-compatible servers: 1568 pixels (about 1.2 megapixels for a 16:9 screen);
- OpenAI, detail "high" or "auto": fit 2048x2048, then the short side at most 768 (a 3840x2160
  screen becomes 1365x768); detail "low": fit 512x512.
The user can choose another long side in settings. Pictures are never made larger, except that very
small ones (an icon) are enlarged by a whole factor, at most `maxUpscale`, with each pixel repeated,
so the model gets a few more pixels without blur. Any other change of size (a shrink, or a rounding
to whole blocks) is Lanczos.

Text. Downscaling uses Pillow's box reduction by a whole factor followed by Lanczos (`reducing_gap`),
which keeps small text legible (checked with tesseract in the tests) and is several times faster
than one Lanczos pass over a whole 4K screen.

Format. Screens drawn at their own size (a dialog, a window, a small crop) are mostly flat colour
and anti-aliased text: PNG keeps them exact and compact. Once a picture has been resampled, or it is
a photograph, PNG loses its advantage, and JPEG is several times smaller for the same legibility:
quality 80 with full colour resolution (4:4:4) for interface pictures, so coloured text stays sharp;
quality 85 with 4:2:0 for photographs. Which kind a picture is comes from a 256-pixel sample: the
share of neighbouring pixels that are identical (above 50 % for interfaces, almost none for photos).

Budget. The encoded bytes must fit `byteBudget` (default 750,000 bytes, so that with base64's third
more the request stays under 1 MiB, the default body limit of nginx proxies in front of many
self-hosted servers). Over budget, PNG gives way to JPEG, then JPEG quality steps down to 50, then the
picture shrinks by a quarter at a time.

Nothing touches the disk.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from functools import reduce

from PIL import Image, ImageChops

from ..errors import ImageTooLarge
from ..media import PreparedImage

PNG = "png"
JPEG = "jpeg"

DEFAULT_LONG_SIDE = 1568
OPENAI_HIGH_BOX = 2048
OPENAI_HIGH_SHORT_SIDE = 768
OPENAI_LOW_BOX = 512
DEFAULT_BYTE_BUDGET = 750_000
MIN_LONG_SIDE = 64
MAX_LONG_SIDE = 8192

INTERFACE_JPEG_QUALITY = 80
PHOTO_JPEG_QUALITY = 85
LOWEST_JPEG_QUALITY = 50
SMALL_PICTURE_PIXELS = 640 * 480
FLAT_SHARE_FOR_INTERFACE = 0.5
SAMPLE_SIDE = 256


@dataclass(frozen=True)
class ImagePolicy:
	"""How a picture is prepared for one provider and model.

	maxLongSide: the long side is brought down to at most this many pixels.
	maxShortSide: the short side is brought down to at most this (OpenAI's 768 rule), or None.
	maxUpscale: the largest whole factor a small picture is enlarged by (1 = never enlarge).
	minLongSide: pictures whose long side is under this are enlarged (within maxUpscale) towards it.
	byteBudget: the most encoded bytes (before base64) a picture may take.
	forceFormat: "png" or "jpeg" to override the choice by content; None to choose.
	"""

	maxLongSide: int = DEFAULT_LONG_SIDE
	maxUpscale: float = 2.0
	byteBudget: int = DEFAULT_BYTE_BUDGET
	forceFormat: str | None = None
	maxShortSide: int | None = None
	minLongSide: int = 512

	def __post_init__(self):
		if self.forceFormat not in (None, PNG, JPEG):
			raise ValueError(f"forceFormat must be 'png', 'jpeg' or None, not {self.forceFormat!r}")
		if self.maxLongSide < 1 or (self.maxShortSide is not None and self.maxShortSide < 1):
			raise ValueError("image sides must be positive")
		if self.byteBudget < 1 or self.maxUpscale < 1:
			raise ValueError("byteBudget must be positive and maxUpscale at least 1")


def _providerKey(provider: str) -> str:
	return re.sub(r"[^a-z0-9]", "", provider.lower())


def policyForProvider(
	provider: str, imageDetail: str = "auto", maxLongSide: int | None = None
) -> ImagePolicy:
	"""The policy for a provider ("ollama", "openai", "openaiCompatible"; others are treated as local).

	maxLongSide is the user's setting, clamped to 64-8192 pixels. For local and compatible servers it
	replaces the 1568 default; for OpenAI it can only lower the size OpenAI itself would use, since
	OpenAI scales larger pictures down on its side anyway.
	"""
	if maxLongSide is not None:
		maxLongSide = max(MIN_LONG_SIDE, min(MAX_LONG_SIDE, int(maxLongSide)))
	if _providerKey(provider) == "openai":
		if imageDetail == "low":
			box = OPENAI_LOW_BOX
			return ImagePolicy(maxLongSide=min(box, maxLongSide or box))
		return ImagePolicy(
			maxLongSide=min(OPENAI_HIGH_BOX, maxLongSide or OPENAI_HIGH_BOX),
			maxShortSide=OPENAI_HIGH_SHORT_SIDE,
		)
	return ImagePolicy(maxLongSide=maxLongSide or DEFAULT_LONG_SIDE)


def targetSize(width: int, height: int, policy: ImagePolicy) -> tuple[int, int]:
	"""The size a width x height picture is sent at under policy (aspect ratio kept)."""
	longSide, shortSide = max(width, height), min(width, height)
	scale = policy.maxLongSide / longSide
	if policy.maxShortSide is not None:
		scale = min(scale, policy.maxShortSide / shortSide)
	if scale >= 1.0:
		# Enlarge a small picture by a whole factor, never past the policy's own limits.
		factor = min(
			math.floor(policy.maxUpscale), policy.minLongSide // longSide, policy.maxLongSide // longSide
		)
		if policy.maxShortSide is not None:
			factor = min(factor, policy.maxShortSide // shortSide)
		factor = max(1, factor)
		return width * factor, height * factor
	return max(1, round(width * scale)), max(1, round(height * scale))


def flatShare(image: Image.Image) -> float:
	"""Share of horizontally neighbouring pixels that are identical, on a sample of at most 256 pixels a
	side taken without smoothing (so photographs keep their grain and interfaces their flat areas)."""
	sample = image
	if max(image.size) > SAMPLE_SIDE:
		scale = SAMPLE_SIDE / max(image.size)
		sample = image.resize(
			(max(2, round(image.width * scale)), max(1, round(image.height * scale))),
			Image.Resampling.NEAREST,
		)
	if sample.width < 2:
		return 1.0
	left = sample.crop((0, 0, sample.width - 1, sample.height))
	right = sample.crop((1, 0, sample.width, sample.height))
	# A pixel pair is identical when every channel is: the largest channel difference is 0.
	difference = reduce(ImageChops.lighter, ImageChops.difference(left, right).split())
	return difference.histogram()[0] / (difference.width * difference.height)


def looksLikeInterface(image: Image.Image) -> bool:
	return flatShare(image) >= FLAT_SHARE_FOR_INTERFACE


def toRgb(image: Image.Image) -> Image.Image:
	"""RGB (or L for greyscale) with any transparency flattened onto white."""
	if image.mode in ("RGB", "L"):
		return image
	if image.mode == "P":
		image = image.convert("RGBA") if "transparency" in image.info else image.convert("RGB")
	if image.mode in ("RGBa", "La", "PA"):
		image = image.convert("LA" if image.mode == "La" else "RGBA")  # Pillow has no La to RGBA
	if image.mode in ("RGBA", "LA"):
		# Pasted through its own alpha onto white: one new picture, not the four a composite makes
		# (a 24-megapixel picture is 96 MB each).
		background = Image.new("RGB", image.size, "white")
		background.paste(image, mask=image)
		return background
	return image.convert("RGB")


def _isWholeFactor(original: tuple[int, int], size: tuple[int, int]) -> bool:
	"""Whether size is original times one whole factor (1 included: the picture as it is)."""
	return (
		size[0] % original[0] == 0
		and size[1] % original[1] == 0
		and size[0] // original[0] == size[1] // original[1]
	)


def _resize(image: Image.Image, size: tuple[int, int]) -> Image.Image:
	if size == image.size:
		return image  # not even a copy
	if _isWholeFactor(image.size, size):
		return image.resize(size, Image.Resampling.NEAREST)
	return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=1.0)


def _encode(image: Image.Image, fmt: str, quality: int, photo: bool) -> bytes:
	buffer = io.BytesIO()
	if fmt == PNG:
		image.save(buffer, "PNG")
	else:
		image.save(buffer, "JPEG", quality=quality, subsampling="4:2:0" if photo else "4:4:4")
	return buffer.getvalue()


def prepareImage(
	image: Image.Image, policy: ImagePolicy | None = None, size: tuple[int, int] | None = None
) -> PreparedImage:
	"""Scales and encodes image under policy, at size when one is given (the model's own size, from
	`sizing`), else at the policy's. Raises ImageTooLarge only if even a 64-pixel version cannot fit
	the byte budget (which no sensible budget allows)."""
	policy = policy or ImagePolicy()
	if image.width < 1 or image.height < 1:
		raise ValueError("cannot prepare an empty image")
	image = toRgb(image)
	size = size or targetSize(image.width, image.height, policy)
	if size[0] < 1 or size[1] < 1:
		raise ValueError(f"cannot prepare an image at {size}")
	resampled = not _isWholeFactor(image.size, size)
	scaled = _resize(image, size)
	interface = looksLikeInterface(scaled)
	photo = not interface
	if policy.forceFormat:
		fmt = policy.forceFormat
	elif interface and (not resampled or scaled.width * scaled.height <= SMALL_PICTURE_PIXELS):
		fmt = PNG
	else:
		fmt = JPEG
	quality = PHOTO_JPEG_QUALITY if photo else INTERFACE_JPEG_QUALITY
	data = _encode(scaled, fmt, quality, photo)
	while len(data) > policy.byteBudget:
		if fmt == PNG and policy.forceFormat != PNG:
			fmt = JPEG
		elif fmt == JPEG and quality > LOWEST_JPEG_QUALITY:
			quality = max(LOWEST_JPEG_QUALITY, quality - 10)
		else:
			if max(scaled.size) <= MIN_LONG_SIDE:
				raise ImageTooLarge(
					f"{scaled.width}x{scaled.height} {fmt} is {len(data)} bytes, over the {policy.byteBudget} budget"
				)
			shrink = max(MIN_LONG_SIDE / max(scaled.size), 0.75)
			size = (
				round(scaled.width * shrink),
				round(scaled.height * shrink),
			)  # shrink >= 0.75: no side is 0
			scaled = _resize(image, size)
		data = _encode(scaled, fmt, quality, photo)
	mimeType = "image/png" if fmt == PNG else "image/jpeg"
	return PreparedImage(data, mimeType, scaled.width, scaled.height)
