"""Huge test pictures, made quickly and without holding them in memory (shared by
tests/core/test_largePictures.py and benchmarks/largePictures.py).

`writeBandsPng` writes a PNG row by row: the first row of each colour band with filter type 0 and the
others with filter type 2 ("Up") and nothing but zeros, so 200 megapixels compress in under a second
and every decoder still has to unfilter every row. `writeJpeg` runs Pillow in a child process (a
200-megapixel JPEG needs 800 MB while it is encoded, which must not count in the caller's peak).
"""

import struct
import subprocess
import sys
import zlib

BANDS = ((200, 30, 30), (30, 30, 200), (30, 160, 30), (250, 250, 250))


def _chunk(kind: bytes, data: bytes) -> bytes:
	return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def writeBandsPng(path, width: int, height: int, colours=BANDS, alpha: int | None = None) -> None:
	"""Horizontal bands of colour, top to bottom; RGBA with that alpha when alpha is given."""
	colourType, samples = (6, 4) if alpha is not None else (2, 3)
	bandHeight = -(-height // len(colours))
	with open(path, "wb") as file:
		header = struct.pack(">IIBBBBB", width, height, 8, colourType, 0, 0, 0)
		file.write(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header))
		compressor = zlib.compressobj(1)
		unchanged = b"\x02" + bytes(width * samples)
		pending = bytearray()
		for index, colour in enumerate(colours):
			pixel = bytes(colour) + (bytes((alpha,)) if alpha is not None else b"")
			rows = min(bandHeight, height - index * bandHeight)
			pending += compressor.compress(b"\x00" + pixel * width)
			for _row in range(rows - 1):
				pending += compressor.compress(unchanged)
				if len(pending) > 1 << 20:
					file.write(_chunk(b"IDAT", bytes(pending)))
					pending.clear()
		pending += compressor.flush()
		file.write(_chunk(b"IDAT", bytes(pending)) + _chunk(b"IEND", b""))


_JPEG_WRITER = """
import sys
from PIL import Image, ImageDraw
width, height = int(sys.argv[2]), int(sys.argv[3])
Image.MAX_IMAGE_PIXELS = None
image = Image.new("RGB", (width, height), (250, 250, 250))
ImageDraw.Draw(image).rectangle((0, 0, width // 2, height), fill=(200, 30, 30))
image.save(sys.argv[1], "JPEG", quality=70)
"""


def writeJpeg(path, width: int, height: int) -> None:
	"""A photo-sized JPEG: its left half red, its right half near white."""
	subprocess.run([sys.executable, "-c", _JPEG_WRITER, str(path), str(width), str(height)], check=True)
