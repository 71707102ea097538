"""Image files and the clipboard: every format Pillow reads, and a clear error for everything else."""

import io
import shutil
import struct
import subprocess
import time
import zlib

import pytest
from PIL import Image
from visionDescriberCore.errors import NoImageFound, UnreadableImage
from visionDescriberCore.imaging.imageSources import (
	MAX_PIXELS,
	imageFromClipboardContent,
	loadImageFile,
	readClipboardImage,
)

RED = (220, 20, 30)
BLUE = (20, 40, 220)


def halves(size=(40, 20)) -> Image.Image:
	"""Left half red, right half blue."""
	image = Image.new("RGB", size, RED)
	image.paste(BLUE, (size[0] // 2, 0, size[0], size[1]))
	return image


def save(tmp_path, name: str, image: Image.Image, **options) -> str:
	path = tmp_path / name
	image.save(path, **options)
	return str(path)


def close(a, b, tolerance=12) -> bool:
	return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


# --- Formats ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
	("name", "options"),
	[
		("picture.png", {}),
		("picture.bmp", {}),
		("picture.tiff", {}),
		("picture.webp", {"lossless": True}),
		("picture.gif", {}),
		("picture.ico", {"sizes": [(40, 20)]}),
	],
)
def test_losslessFormatsKeepEveryPixel(tmp_path, name, options):
	image = halves()
	loaded = loadImageFile(save(tmp_path, name, image, **options))
	assert loaded.mode == "RGB"
	if name.endswith(".ico"):
		assert close(loaded.getpixel((5, 10)), RED) and close(loaded.getpixel((35, 10)), BLUE)
	else:
		assert loaded.size == (40, 20) and loaded.tobytes() == image.tobytes()


def test_jpegIsRead(tmp_path):
	loaded = loadImageFile(save(tmp_path, "photo.jpg", halves((400, 200)), quality=95))
	assert (loaded.mode, loaded.size) == ("RGB", (400, 200))
	assert close(loaded.getpixel((50, 100)), RED) and close(loaded.getpixel((350, 100)), BLUE)


def test_exifOrientationIsApplied(tmp_path):
	exif = Image.Exif()
	exif[0x0112] = 6  # the camera was turned: rotate 90 degrees clockwise to display
	loaded = loadImageFile(save(tmp_path, "turned.jpg", halves((400, 200)), quality=95, exif=exif))
	assert loaded.size == (200, 400)
	assert close(loaded.getpixel((100, 50)), RED) and close(loaded.getpixel((100, 350)), BLUE)


def test_animationGivesItsFirstFrame(tmp_path):
	frames = [Image.new("RGB", (30, 30), colour) for colour in (RED, BLUE, (0, 200, 0))]
	path = tmp_path / "moving.gif"
	frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
	loaded = loadImageFile(path)
	assert loaded.getpixel((15, 15)) == RED and loaded.mode == "RGB"
	webp = tmp_path / "moving.webp"
	frames[0].save(webp, save_all=True, append_images=frames[1:], duration=100, lossless=True)
	assert loadImageFile(webp).getpixel((15, 15)) == RED


def test_transparencyIsFlattenedOntoWhite(tmp_path):
	image = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
	image.paste((0, 0, 255, 255), (5, 5, 15, 15))
	loaded = loadImageFile(save(tmp_path, "logo.png", image))
	assert loaded.getpixel((0, 0)) == (255, 255, 255) and loaded.getpixel((10, 10)) == (0, 0, 255)
	palette = image.convert("P", palette=Image.Palette.ADAPTIVE)
	palette.info["transparency"] = palette.getpixel((0, 0))
	loaded = loadImageFile(save(tmp_path, "logo8.png", palette, transparency=palette.getpixel((0, 0))))
	assert loaded.getpixel((0, 0)) == (255, 255, 255) and loaded.getpixel((10, 10)) == (0, 0, 255)


def test_otherModesBecomeRgb(tmp_path):
	grey = Image.new("L", (10, 10), 90)
	assert loadImageFile(save(tmp_path, "grey.png", grey)).getpixel((1, 1)) == (90, 90, 90)
	bilevel = Image.new("1", (10, 10), 1)
	assert loadImageFile(save(tmp_path, "fax.tiff", bilevel)).getpixel((1, 1)) == (255, 255, 255)
	cmyk = halves((100, 50)).convert("CMYK")
	assert close(loadImageFile(save(tmp_path, "print.jpg", cmyk, quality=95)).getpixel((10, 25)), RED, 25)


def test_sixteenBitGreyIsStretchedNotClipped(tmp_path):
	deep = Image.new("I;16", (20, 10), 1000)
	deep.paste(3000, (10, 0, 20, 10))
	loaded = loadImageFile(save(tmp_path, "scan.png", deep))
	assert loaded.getpixel((0, 0)) == (0, 0, 0) and loaded.getpixel((19, 9)) == (255, 255, 255)


def test_bigJpegCanBeDecodedAtReducedSize(tmp_path):
	path = save(tmp_path, "camera.jpg", halves((4000, 3000)), quality=80)
	assert loadImageFile(path).size == (4000, 3000)
	reduced = loadImageFile(path, draftLongSide=1000)
	assert reduced.size == (1000, 750)
	assert close(reduced.getpixel((100, 375)), RED)


# --- Refusals -----------------------------------------------------------------------------------


def assertUnreadable(path, name: str, reason: str = "") -> UnreadableImage:
	with pytest.raises(UnreadableImage) as info:
		loadImageFile(path)
	error = info.value
	assert error.source == name and error.reason == reason
	assert name in error.sentence
	return error


def test_randomBytesAreNotAPicture(tmp_path):
	path = tmp_path / "photo.png"
	path.write_bytes(bytes(range(256)) * 40)
	error = assertUnreadable(path, "photo.png")
	assert "Use a PNG, JPEG" in error.sentence


def test_textFileIsNotAPicture(tmp_path):
	path = tmp_path / "notes.txt"
	path.write_text("Shopping list: apples, bread\n")
	assertUnreadable(path, "notes.txt")


def test_truncatedFilesAreRefused(tmp_path):
	for name, options in (("cut.png", {}), ("cut.jpg", {"quality": 90})):
		buffer = io.BytesIO()
		Image.effect_noise((300, 300), 50).convert("RGB").save(
			buffer, name.split(".")[1].replace("jpg", "jpeg"), **options
		)
		path = tmp_path / name
		path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
		assertUnreadable(path, name)


def test_pngWithADamagedChunkIsRefused(tmp_path):
	buffer = io.BytesIO()
	halves().save(buffer, "PNG")
	data = bytearray(buffer.getvalue())
	data[-20] ^= 0xFF  # inside the image data: its checksum no longer matches
	path = tmp_path / "damaged.png"
	path.write_bytes(bytes(data))
	assertUnreadable(path, "damaged.png")


def test_missingFileAndFolder(tmp_path):
	error = assertUnreadable(tmp_path / "gone.png", "gone.png", UnreadableImage.NOT_FOUND)
	assert "was not found" in error.sentence
	folder = tmp_path / "Pictures"
	folder.mkdir()
	assertUnreadable(folder, "Pictures")


def pngHeaderOnly(width: int, height: int) -> bytes:
	"""A PNG that claims width x height pixels but carries almost no data (a decompression bomb)."""

	def chunk(kind: bytes, body: bytes) -> bytes:
		return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

	header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
	return (
		b"\x89PNG\r\n\x1a\n"
		+ chunk(b"IHDR", header)
		+ chunk(b"IDAT", zlib.compress(b"\0" * 64))
		+ chunk(b"IEND", b"")
	)


def test_decompressionBombsAreRefusedBeforeDecoding(tmp_path):
	for name, size in (("huge.png", (30000, 30000)), ("large.png", (15000, 14000))):
		assert size[0] * size[1] > MAX_PIXELS
		path = tmp_path / name
		path.write_bytes(pngHeaderOnly(*size))
		started = time.monotonic()
		error = assertUnreadable(path, name, UnreadableImage.TOO_LARGE)
		assert time.monotonic() - started < 1  # refused from the header, nothing decoded
		assert "too large to open safely" in error.sentence


def test_pixelLimitCanBeLowered(tmp_path):
	path = save(tmp_path, "small.png", halves((100, 100)))
	with pytest.raises(UnreadableImage) as info:
		loadImageFile(path, maxPixels=5000)
	assert info.value.reason == UnreadableImage.TOO_LARGE


# --- Clipboard content --------------------------------------------------------------------------


def test_clipboardImageIsNormalised():
	image = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
	loaded = imageFromClipboardContent(image)
	assert loaded.mode == "RGB" and loaded.getpixel((0, 0)) == (255, 255, 255)
	assert imageFromClipboardContent(halves()).tobytes() == halves().tobytes()


def test_lazyClipboardImageThatCannotDecodeIsUnreadable():
	buffer = io.BytesIO()
	Image.effect_noise((200, 200), 50).convert("RGB").save(buffer, "PNG")
	cut = Image.open(io.BytesIO(buffer.getvalue()[:3000]))  # opened lazily, as grabclipboard does
	with pytest.raises(UnreadableImage) as info:
		imageFromClipboardContent(cut)
	assert info.value.source == "the clipboard"
	assert "the clipboard" in info.value.sentence


def test_copiedFilesGiveTheFirstPicture(tmp_path):
	notes = tmp_path / "notes.txt"
	notes.write_text("not a picture")
	picture = save(tmp_path, "holiday.png", halves())
	second = save(tmp_path, "second.png", Image.new("RGB", (5, 5), BLUE))
	loaded = imageFromClipboardContent([str(notes), str(tmp_path / "gone.png"), picture, second])
	assert loaded.tobytes() == halves().tobytes()


def test_copiedFilesWithoutAPictureReportTheFirstFile(tmp_path):
	notes = tmp_path / "notes.txt"
	notes.write_text("not a picture")
	report = tmp_path / "report.docx"
	report.write_bytes(b"PK\x03\x04 not really")
	with pytest.raises(UnreadableImage) as info:
		imageFromClipboardContent([str(notes), str(report)])
	assert info.value.source == "notes.txt"


def test_nothingUsableOnTheClipboard():
	for content in (None, [], "some copied text", b"bytes", 42):
		with pytest.raises(NoImageFound) as info:
			imageFromClipboardContent(content)
		assert "no image on the clipboard" in info.value.sentence


# --- The real clipboard under Xvfb (xclip) ------------------------------------------------------


@pytest.fixture
def clipboardOwner(xDisplay):
	"""Puts data on the X clipboard with xclip in the foreground; ends it afterwards."""
	if not shutil.which("xclip"):
		pytest.fail("xclip is missing: run `bash scripts/setup-env`")
	owners = []

	def own(data: bytes, target: str | None) -> None:
		args = ["xclip", "-selection", "clipboard", "-quiet", "-i"]
		if target:
			args[3:3] = ["-t", target]
		owner = subprocess.Popen(
			args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
		)
		owner.stdin.write(data)
		owner.stdin.close()
		owners.append(owner)
		# xclip says "Waiting for selection requests" once it owns the clipboard.
		deadline = time.monotonic() + 5
		line = b""
		while b"Waiting" not in line and time.monotonic() < deadline:
			line = owner.stderr.readline()

	yield own
	for owner in owners:
		owner.terminate()
		owner.wait(timeout=5)
		owner.stderr.close()


def test_readClipboardPicture(clipboardOwner):
	buffer = io.BytesIO()
	halves((64, 32)).save(buffer, "PNG")
	clipboardOwner(buffer.getvalue(), "image/png")
	assert readClipboardImage().tobytes() == halves((64, 32)).tobytes()


def test_clipboardWithTextOnlyHasNoImage(clipboardOwner):
	clipboardOwner(b"just words", None)
	with pytest.raises(NoImageFound):
		readClipboardImage()


def test_clipboardWithoutAHelperProgramHasNoImage(xDisplay, monkeypatch, tmp_path):
	monkeypatch.setenv("PATH", str(tmp_path))  # neither xclip nor wl-paste can be found
	with pytest.raises(NoImageFound) as info:
		readClipboardImage()
	assert "xclip" in info.value.detail
