"""Pictures that do not come from the screen: an image file, or the clipboard.

Every picture comes back as an RGB `PIL.Image.Image`, fully decoded (so a damaged file fails here,
with a sentence, not later in preparation), turned upright by its EXIF orientation, first frame only
for animations, transparency flattened onto white. Files are read in place: no temporary copies.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import NoImageFound, UnreadableImage
from ..i18n import _
from .preparation import toRgb

# Pictures with more pixels than this are refused before their pixels are decoded: a small file can
# claim enormous dimensions (a "decompression bomb") and exhaust memory, which inside NVDA (a 32-bit
# process before 2026.1) would take the screen reader down with it. 80 megapixels is a 10,000x8,000
# picture, more than any camera most people own; JPEG files are decoded at reduced size when the
# caller gives a size hint, so only the pixels actually decoded count.
MAX_PIXELS = 80_000_000


def _sourceName(path: str | os.PathLike) -> str:
	return os.path.basename(os.fspath(path)) or os.fspath(path)


def _normalise(image: Image.Image) -> Image.Image:
	"""Upright, first frame, RGB, transparency on white. The result shares nothing with a file."""
	image = ImageOps.exif_transpose(image) or image
	mode = image.mode
	if mode == "RGB":
		return image.copy() if image.readonly else image
	if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
		# Deep greyscale: stretch the values actually used to 0-255 instead of clipping them.
		low, high = image.getextrema()
		scale = 255 / (high - low) if high > low else 0
		image = image.convert("F").point(lambda value: (value - low) * scale).convert("L")
		return image.convert("RGB")
	return toRgb(image).convert("RGB")


def _checkPixels(image: Image.Image, source: str, maxPixels: int) -> None:
	if image.width * image.height > maxPixels:
		raise UnreadableImage(
			source,
			f"{image.width}x{image.height} is over the limit of {maxPixels} pixels",
			reason=UnreadableImage.TOO_LARGE,
		)


def _decode(opener, source: str, maxPixels: int, draftLongSide: int | None) -> Image.Image:
	"""Opens twice: once to verify the file's structure, once to decode its pixels."""
	try:
		with opener() as probe:
			_checkPixels(
				probe,
				source,
				max(maxPixels, 1) * 64 if probe.format == "JPEG" and draftLongSide else maxPixels,
			)
			probe.verify()
		with opener() as image:
			image.seek(0)
			if draftLongSide and image.format == "JPEG":
				# Let libjpeg decode at 1/2, 1/4 or 1/8 size, never below what the caller will use.
				scale = draftLongSide / max(image.size)
				if scale < 1:
					image.draft("RGB", (max(1, int(image.width * scale)), max(1, int(image.height * scale))))
			_checkPixels(image, source, maxPixels)
			image.load()
			return _normalise(image)
	except UnreadableImage:
		raise
	except Image.DecompressionBombError as e:
		raise UnreadableImage(source, str(e), reason=UnreadableImage.TOO_LARGE) from e
	except FileNotFoundError as e:
		raise UnreadableImage(source, str(e), reason=UnreadableImage.NOT_FOUND) from e
	except UnidentifiedImageError as e:
		raise UnreadableImage(source, f"not a picture Pillow can read: {e}") from e
	except Exception as e:  # truncated data, bad chunks, unsupported variants, I/O errors
		raise UnreadableImage(source, f"{type(e).__name__}: {e}") from e


def loadImageFile(
	path: str | os.PathLike, maxPixels: int = MAX_PIXELS, draftLongSide: int | None = None
) -> Image.Image:
	"""Reads any picture Pillow can read (PNG, JPEG, GIF, BMP, TIFF, WebP, ICO and more).

	Raises UnreadableImage with the file's name: reason NOT_FOUND for a missing file, TOO_LARGE for
	more than maxPixels pixels, and no reason for anything that is not a picture or is damaged or cut
	short. draftLongSide lets big JPEG photos decode at a reduced size no smaller than that.
	"""
	source = _sourceName(path)
	if os.path.isdir(path):
		raise UnreadableImage(source, f"{os.fspath(path)} is a folder")
	return _decode(lambda: Image.open(path), source, maxPixels, draftLongSide)


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
			_checkPixels(content, source, maxPixels)
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
