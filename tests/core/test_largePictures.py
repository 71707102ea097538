"""Large pictures (issue 16): up to 200 megapixels are described within a stated peak memory, measured
in a child process (its own high-water mark, VmHWM), as the add-on and the command-line tool read them; HEIC gets its
own sentence; the band reader gives exactly what Pillow's whole decode gives."""

import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from largePictureFiles import BANDS, writeBandsPng, writeJpeg
from PIL import Image, ImageChops, ImageDraw
from visionDescriberCore import errors
from visionDescriberCore.imaging import bandedPng
from visionDescriberCore.imaging.imageSources import MAX_DECODED_PIXELS, loadImageFile
from visionDescriberCore.imaging.preparation import toRgb

REPOSITORY = Path(__file__).resolve().parents[2]
#: The peak the readme states for reading and preparing any picture up to 200 megapixels.
PEAK_MEMORY_MB = 250

_MEASURE = """
import json, resource, sys

def peakMB():
	# This process's own high-water mark: ru_maxrss would also count the parent's memory, which a
	# child started with vfork holds until it calls exec.
	try:
		with open("/proc/self/status") as status:
			for line in status:
				if line.startswith("VmHWM:"):
					return int(line.split()[1]) / 1024
	except OSError:
		pass
	return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

from visionDescriberCore.imaging.imageSources import loadImageFile
from visionDescriberCore.imaging.preparation import policyForProvider, prepareImage
draft = int(sys.argv[2]) or None
image = loadImageFile(sys.argv[1], draftLongSide=draft)
prepared = prepareImage(image, policyForProvider("ollama"))
colours = [image.getpixel((image.width // 4, image.height * row // 8)) for row in (1, 3, 5, 7)]
colours += [image.getpixel((image.width * 3 // 4, image.height // 2))]
print(json.dumps({
	"loaded": image.size, "sent": [prepared.width, prepared.height], "colours": colours,
	"peakMB": peakMB(),
}))
"""


def measure(path, draftLongSide: int | None = None) -> dict:
	"""Reads and prepares the picture in a fresh Python; returns sizes, colours and peak memory."""
	env = {**os.environ, "PYTHONPATH": str(REPOSITORY / "addon" / "packages")}
	result = subprocess.run(
		[sys.executable, "-c", _MEASURE, str(path), str(draftLongSide or 0)],
		capture_output=True,
		text=True,
		env=env,
		timeout=50,
	)
	assert result.returncode == 0, result.stderr
	assert result.stderr == ""  # no warning from Pillow either
	return json.loads(result.stdout)


def close(colour, expected, tolerance=12) -> bool:
	return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))


@pytest.fixture(scope="module")
def hugePng(tmp_path_factory) -> Path:
	path = tmp_path_factory.mktemp("large") / "poster.png"
	writeBandsPng(path, 16000, 12500)  # 200 megapixels
	return path


@pytest.mark.timeout(120)
@pytest.mark.parametrize("draftLongSide", [1568, None], ids=["cli", "addon"])
def test_a_200_megapixel_png_is_described_within_the_stated_memory(hugePng, draftLongSide):
	figures = measure(hugePng, draftLongSide)
	assert figures["peakMB"] < PEAK_MEMORY_MB, figures
	width, height = figures["loaded"]
	assert width * height <= MAX_DECODED_PIXELS and abs(width / height - 16000 / 12500) < 0.01
	if draftLongSide:
		assert max(width, height) >= draftLongSide  # never reduced below what is sent
	assert figures["sent"] == [1568, 1225]
	for colour, expected in zip(figures["colours"][:4], BANDS, strict=True):
		assert close(colour, expected), figures


@pytest.mark.timeout(120)
def test_a_200_megapixel_jpeg_is_described_within_the_stated_memory(tmp_path):
	path = tmp_path / "phone.jpg"
	writeJpeg(path, 16000, 12500)
	for draftLongSide in (1568, None):
		figures = measure(path, draftLongSide)
		assert figures["peakMB"] < PEAK_MEMORY_MB, figures
		assert figures["sent"] == [1568, 1225]
		assert close(figures["colours"][0], (200, 30, 30)) and close(figures["colours"][4], (250, 250, 250))


def test_the_largest_picture_read_whole_stays_within_the_stated_memory(tmp_path):
	"""Just under the whole-decode limit, with transparency: the most memory any picture takes."""
	path = tmp_path / "overlay.png"
	writeBandsPng(path, 6000, 3999, alpha=128)  # 23.99 megapixels, RGBA
	assert MAX_DECODED_PIXELS >= 6000 * 3999
	figures = measure(path)
	assert figures["peakMB"] < PEAK_MEMORY_MB, figures
	assert figures["loaded"] == [6000, 3999]
	assert close(figures["colours"][0], (227, 142, 142))  # red at half alpha, on white


@pytest.mark.parametrize("kind", ["RGB", "L", "RGBA", "LA", "P"])
@pytest.mark.parametrize("factor", [1, 3])
def test_the_band_reader_gives_what_a_whole_decode_gives(tmp_path, monkeypatch, kind, factor):
	monkeypatch.setattr(bandedPng, "BAND_PIXELS", 40_000)  # many bands, one of them short
	picture = Image.effect_noise((701, 433), 60).convert("RGB")
	ImageDraw.Draw(picture).rectangle((50, 40, 400, 300), fill=(200, 30, 30))
	if kind == "P":
		picture = picture.quantize(64)
		picture.info["transparency"] = 3
	else:
		picture = picture.convert(kind)
	if kind in ("RGBA", "LA"):
		picture.putalpha(Image.linear_gradient("L").resize(picture.size))
	path = tmp_path / "picture.png"
	picture.save(path, "PNG")  # Pillow's encoder picks a filter per row
	got = bandedPng.readReduced(path, factor)
	with Image.open(path) as whole:
		expected = toRgb(whole).convert("RGB").reduce(factor)
	assert got.size == expected.size
	assert ImageChops.difference(got, expected).getbbox() is None


def test_a_png_that_claims_many_pixels_but_holds_no_data_is_refused_quickly(tmp_path):
	path = tmp_path / "claims.png"
	writeBandsPng(path, 10000, 9000)
	data = path.read_bytes()
	path.write_bytes(data[:200] + data[-12:])  # the header, a sliver of data, the end
	with pytest.raises(errors.UnreadableImage) as caught:
		loadImageFile(path)
	assert caught.value.reason == ""


def test_a_16_bit_png_over_the_limit_is_refused_as_too_large(tmp_path):
	header = bandedPng.PngHeader(8000, 4000, 16, 2, False)
	assert not header.canRead
	path = tmp_path / "deep.png"

	def chunk(kind, body):
		return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

	path.write_bytes(
		b"\x89PNG\r\n\x1a\n"
		+ chunk(b"IHDR", struct.pack(">IIBBBBB", 8000, 4000, 16, 2, 0, 0, 0))
		+ chunk(b"IDAT", zlib.compress(b"\0" * 64))
		+ chunk(b"IEND", b"")
	)
	with pytest.raises(errors.UnreadableImage) as caught:
		loadImageFile(path)
	assert caught.value.reason == errors.UnreadableImage.TOO_LARGE


@pytest.mark.parametrize("brand", [b"heic", b"heix", b"mif1"])
def test_a_heic_photo_says_to_export_it_as_jpeg(tmp_path, brand):
	path = tmp_path / "IMG_0042.HEIC"
	path.write_bytes(b"\x00\x00\x00\x18ftyp" + brand + b"\x00\x00\x00\x00mif1heic" + bytes(100))
	with pytest.raises(errors.UnreadableImage) as caught:
		loadImageFile(path)
	assert caught.value.sentence == (
		"IMG_0042.HEIC is a HEIC picture, which cannot be read here. Export it as JPEG first."
	)


def test_a_picture_with_many_megapixels_prints_no_warning(tmp_path):
	"""12000x8000 is over Pillow's 89-megapixel warning: nothing may reach standard error."""
	path = tmp_path / "scan.png"
	writeBandsPng(path, 12000, 8000)
	figures = measure(path)
	assert figures["sent"] == [1568, 1045]
