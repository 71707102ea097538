"""Pictures that do not come from the screen: an image file, or the clipboard.

Every picture comes back as an RGB `PIL.Image.Image`, fully decoded (so a damaged file fails here,
with a sentence, not later in preparation), turned upright by its EXIF orientation, first frame only
for animations, transparency flattened onto white. Files are read in place: no temporary copies.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Iterable

from PIL import Image, ImageOps, JpegImagePlugin, PngImagePlugin, UnidentifiedImageError

from ..errors import NoImageFound, UnreadableImage
from ..i18n import _
from . import bandedPng
from .preparation import toRgb

# Memory. Inside NVDA (a 32-bit process before 2026.1, with 2 GB of address space that NVDA itself
# shares) a picture must never be decoded whole when it is huge: Pillow holds 4 bytes a pixel, so a
# 200-megapixel photo would need 800 MB at once. So no more than MAX_DECODED_PIXELS are ever decoded
# into memory (24 megapixels, 96 MB): JPEG photos larger than that are decoded at 1/2, 1/4 or 1/8 of
# their size by libjpeg itself (Pillow's draft mode), and large PNGs band by band (`bandedPng`),
# reduced as they are read. That covers pictures up to MAX_PIXELS (200 megapixels: a 16,000 by
# 12,500 picture, more than any phone or camera makes); other formats, and PNG layouts the band
# reader does not take, are read whole and so only up to MAX_DECODED_PIXELS. A picture is never
# reduced below what the caller will send (`draftLongSide`). The peak memory this costs is measured
# in tests/core/test_largePictures.py and benchmarks/largePictures.py.
MAX_PIXELS = 200_000_000
MAX_DECODED_PIXELS = 24_000_000
_JPEG_DIVISORS = (1, 2, 4, 8)
_ORIENTATION = 0x0112  # the EXIF tag
# HEIC (phone photos) is an ISO media file; Pillow cannot read it without a plug-in.
_HEIC_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs")


def _sourceName(path: str | os.PathLike) -> str:
	return os.path.basename(os.fspath(path)) or os.fspath(path)


def _normalise(image: Image.Image) -> Image.Image:
	"""Upright, first frame, RGB, transparency on white. The result shares nothing with a file."""
	if image.getexif().get(_ORIENTATION, 1) != 1:
		image = ImageOps.exif_transpose(image) or image  # it copies even an upright picture: not asked then
	mode = image.mode
	if mode == "RGB":
		return image.copy() if image.readonly else image
	if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
		# Deep greyscale: stretch the values actually used to 0-255 instead of clipping them.
		low, high = image.getextrema()
		scale = 255 / (high - low) if high > low else 0
		image = image.convert("F").point(lambda value: (value - low) * scale).convert("L")
		return image.convert("RGB")
	image = toRgb(image)
	return image if image.mode == "RGB" else image.convert("RGB")  # convert would copy an RGB picture


def _tooLarge(image: Image.Image, source: str, limit: int) -> UnreadableImage:
	return UnreadableImage(
		source,
		f"{image.width}x{image.height} is over the limit of {limit} pixels",
		reason=UnreadableImage.TOO_LARGE,
	)


def _checkPixels(image: Image.Image, source: str, maxPixels: int) -> None:
	if image.width * image.height > maxPixels:
		raise _tooLarge(image, source, maxPixels)


def _isHeic(path) -> bool:
	with open(path, "rb") as file:
		head = file.read(64)
	if head[4:8] != b"ftyp":
		return False
	brand = head[8:12]
	return brand in _HEIC_BRANDS or (brand in (b"mif1", b"msf1") and b"avif" not in head)


def _openLazily(path) -> Image.Image:
	"""Opens a picture without decoding its pixels. PNG and JPEG are opened by their plug-ins
	directly: Image.open refuses anything over 179 megapixels (its guard against decompression
	bombs) and warns on standard error over 89, while the limits here are this module's own."""
	with open(path, "rb") as file:
		magic = file.read(8)
	if magic == bandedPng.PNG_SIGNATURE:
		return PngImagePlugin.PngImageFile(path)
	if magic[:3] == b"\xff\xd8\xff":
		return JpegImagePlugin.JpegImageFile(path)
	with warnings.catch_warnings():
		warnings.simplefilter("ignore", Image.DecompressionBombWarning)
		return Image.open(path)


def _jpegDivisor(image: Image.Image, source: str, draftLongSide: int | None) -> int:
	"""How much libjpeg shrinks the photo while decoding it: enough to stay within the memory limit,
	more when the caller sends it smaller anyway, never below draftLongSide."""
	fitting = [d for d in _JPEG_DIVISORS if (image.width // d) * (image.height // d) <= MAX_DECODED_PIXELS]
	if not fitting:
		raise _tooLarge(image, source, MAX_DECODED_PIXELS * 64)
	wanted = 1
	if draftLongSide:
		wanted = max(d for d in _JPEG_DIVISORS if d == 1 or max(image.size) // d >= draftLongSide)
	return max(fitting[0], wanted)


def _pngFactor(width: int, height: int, draftLongSide: int | None) -> int:
	"""The whole factor a huge PNG is reduced by while it is read: within the memory limit, and more
	when the caller sends it smaller anyway, never below draftLongSide."""
	factor = math.ceil(math.sqrt(width * height / MAX_DECODED_PIXELS))
	if draftLongSide:
		factor = max(factor, max(width, height) // draftLongSide)
	return max(1, factor)


def _readPixels(path, image: Image.Image, source: str, draftLongSide: int | None) -> Image.Image:
	"""The decoded picture, reduced as it is read when it is too large to hold whole."""
	image.seek(0)
	if image.format == "JPEG":
		divisor = _jpegDivisor(image, source, draftLongSide)
		if divisor > 1:
			image.draft("RGB", (image.width // divisor, image.height // divisor))
	elif image.width * image.height > MAX_DECODED_PIXELS and image.format == "PNG":
		header = bandedPng.readHeader(path)
		if header.canRead:
			return bandedPng.readReduced(path, _pngFactor(image.width, image.height, draftLongSide), header)
	_checkPixels(image, source, MAX_DECODED_PIXELS)
	image.load()
	return _normalise(image)


def _decode(path, source: str, maxPixels: int, draftLongSide: int | None) -> Image.Image:
	"""Opens twice: once to verify the file's structure, once to decode its pixels."""
	try:
		if _isHeic(path):
			raise UnreadableImage(source, "a HEIC picture", reason=UnreadableImage.HEIC)
		with _openLazily(path) as probe:
			_checkPixels(probe, source, maxPixels)
			probe.verify()
		with _openLazily(path) as image:
			return _readPixels(path, image, source, draftLongSide)
	except UnreadableImage:
		raise
	except Image.DecompressionBombError as e:
		raise UnreadableImage(source, str(e), reason=UnreadableImage.TOO_LARGE) from e
	except FileNotFoundError as e:
		raise UnreadableImage(source, str(e), reason=UnreadableImage.NOT_FOUND) from e
	except UnidentifiedImageError as e:
		raise UnreadableImage(source, f"not a picture Pillow can read: {e}") from e
	except Exception as e:  # truncated data, bad chunks, unsupported variants, I/O errors, memory
		raise UnreadableImage(source, f"{type(e).__name__}: {e}") from e


def loadImageFile(
	path: str | os.PathLike, maxPixels: int = MAX_PIXELS, draftLongSide: int | None = None
) -> Image.Image:
	"""Reads any picture Pillow can read (PNG, JPEG, GIF, BMP, TIFF, WebP, ICO and more).

	Raises UnreadableImage with the file's name: reason NOT_FOUND for a missing file, TOO_LARGE for
	more than maxPixels pixels, and no reason for anything that is not a picture or is damaged or cut
	short, HEIC for a HEIC photo. draftLongSide: the long side the caller will send at most, so a
	huge picture may be decoded reduced, but never below that (see MAX_DECODED_PIXELS).
	"""
	source = _sourceName(path)
	if os.path.isdir(path):
		raise UnreadableImage(source, f"{os.fspath(path)} is a folder")
	return _decode(path, source, maxPixels, draftLongSide)


def _clipboardName() -> str:
	return _("the clipboard")


def imageFromClipboardContent(
	content: object, maxPixels: int = MAX_PIXELS, draftLongSide: int | None = None
) -> Image.Image:
	"""Interprets what `PIL.ImageGrab.grabclipboard()` returned.

	An image (copied pixels) is decoded and normalised. A list of file names (files copied in File
	Explorer) gives the first one that is a readable picture; if none is, the first file's error is
	raised. None, an empty list, or anything else raises NoImageFound.
	"""
	if isinstance(content, Image.Image):
		source = _clipboardName()
		try:
			_checkPixels(content, source, min(maxPixels, MAX_DECODED_PIXELS))  # already decoded whole
			content.load()
			return _normalise(content)
		except UnreadableImage:
			raise
		except Exception as e:
			raise UnreadableImage(source, f"{type(e).__name__}: {e}") from e
	if isinstance(content, (list, tuple)) and content and all(isinstance(item, str) for item in content):
		return _firstReadable(content, maxPixels, draftLongSide)
	raise NoImageFound(f"clipboard content: {type(content).__name__}")


def _firstReadable(paths: Iterable[str], maxPixels: int, draftLongSide: int | None) -> Image.Image:
	firstError: UnreadableImage | None = None
	for path in paths:
		try:
			return loadImageFile(path, maxPixels, draftLongSide)
		except UnreadableImage as e:
			firstError = firstError or e
	assert firstError is not None
	raise firstError


def readClipboardImage(maxPixels: int = MAX_PIXELS, draftLongSide: int | None = None) -> Image.Image:
	"""The picture on the clipboard, or the first picture among files copied to it.

	On Linux (the command-line tool) Pillow needs xclip or wl-paste; without them, or when the
	clipboard cannot be read, this raises NoImageFound with the reason in its detail.
	"""
	from PIL import ImageGrab

	try:
		content = ImageGrab.grabclipboard()
	except (NotImplementedError, ChildProcessError, OSError) as e:
		raise NoImageFound(f"could not read the clipboard: {e}") from e
	except Exception as e:  # a picture on the clipboard that Pillow cannot even open
		raise UnreadableImage(_clipboardName(), f"{type(e).__name__}: {e}") from e
	return imageFromClipboardContent(content, maxPixels, draftLongSide)
