"""Reads a PNG too large to hold in memory, a band of rows at a time, reduced as it goes.

Why. Pillow decodes a PNG whole, at 4 bytes a pixel: a 200-megapixel picture would need 800 MB at
once, which a 32-bit NVDA cannot give. JPEG has a reduced decode (`draft`); PNG does not, because
each row is stored relative to the row above (its filter), so rows cannot be decoded on their own.

How. The compressed image data is inflated as a stream (zlib, bounded at each step, so a small file
cannot expand without limit) into filtered rows. Each band of rows is handed to Pillow's own PNG row
decoder ("zip", through `Image.frombytes`), with the row above it put in front, unfiltered (filter
type 0, "None"): that is all the band's first row needs to be unfiltered correctly. The band becomes
RGB (transparency on white), is box-reduced by a whole factor and pasted into the result; the last
row of the band, packed back to its raw bytes, goes in front of the next band. Only one band and the
reduced result are ever in memory.

What it takes: 8 bits per sample, not interlaced; greyscale, RGB, palette, each with or without
alpha (`canRead`). Other PNGs (16-bit, 1-, 2- or 4-bit, interlaced) are read whole, within the
caller's limit. Runs on the caller's thread (the worker); no files are written.
"""

from __future__ import annotations

import math
import struct
import zlib
from dataclasses import dataclass

from PIL import Image

from .preparation import toRgb

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Colour type -> (Pillow mode and raw mode, samples per pixel), for 8-bit samples.
_COLOUR_TYPES = {0: ("L", 1), 2: ("RGB", 3), 3: ("P", 1), 4: ("LA", 2), 6: ("RGBA", 4)}
#: About this many pixels are decoded at a time.
BAND_PIXELS = 2_000_000
_READ_SIZE = 1024 * 1024


@dataclass
class PngHeader:
	width: int
	height: int
	bitDepth: int
	colourType: int
	interlaced: bool
	palette: bytes = b""
	alpha: bytes = b""  # tRNS for a palette picture: one alpha value per palette entry
	dataOffset: int = 0  # where the first IDAT chunk starts

	@property
	def canRead(self) -> bool:
		return self.bitDepth == 8 and self.colourType in _COLOUR_TYPES and not self.interlaced


def _chunks(file):
	"""(type, data offset, length) of each chunk, reading only the ancillary ones' data."""
	if file.read(8) != PNG_SIGNATURE:
		raise ValueError("not a PNG file")
	while True:
		head = file.read(8)
		if len(head) < 8:
			raise ValueError("the PNG file ends before its last chunk")
		length, kind = struct.unpack(">I4s", head)
		offset = file.tell()
		yield kind, offset, length
		file.seek(offset + length + 4)  # past the data and its checksum


def readHeader(path) -> PngHeader:
	"""The picture's size and layout, its palette, and where its pixels start."""
	with open(path, "rb") as file:
		header: PngHeader | None = None
		for kind, offset, length in _chunks(file):
			if kind == b"IHDR":
				file.seek(offset)
				width, height, depth, colour, _c, _f, interlace = struct.unpack(">IIBBBBB", file.read(13))
				header = PngHeader(width, height, depth, colour, interlace == 1)
			elif header is None:
				raise ValueError("the PNG file does not start with its header")
			elif kind in (b"PLTE", b"tRNS") and length <= 1024:
				file.seek(offset)
				data = file.read(length)
				if kind == b"PLTE":
					header.palette = data
				else:
					header.alpha = data
			elif kind == b"IDAT":
				header.dataOffset = offset - 8
				return header
			elif kind == b"IEND":
				break
		raise ValueError("the PNG file has no image data")


def _compressedData(path, offset: int):
	"""The bytes of every IDAT chunk in turn, a piece at a time."""
	with open(path, "rb") as file:
		file.seek(offset)
		while True:
			head = file.read(8)
			if len(head) < 8:
				return
			length, kind = struct.unpack(">I4s", head)
			if kind != b"IDAT":
				return
			remaining = length
			while remaining:
				piece = file.read(min(remaining, _READ_SIZE))
				if not piece:
					raise ValueError("the PNG file is cut short")
				remaining -= len(piece)
				yield piece
			file.read(4)  # the checksum (the caller has verified the file)


class _FilteredRows:
	"""The inflated image data, handed out a number of rows at a time."""

	def __init__(self, path, header: PngHeader, rowSize: int):
		self._pieces = _compressedData(path, header.dataOffset)
		self._inflater = zlib.decompressobj()
		self._rowSize = rowSize
		self._pending = b""

	def take(self, rows: int) -> bytes:
		wanted = rows * self._rowSize
		buffer = bytearray()
		while len(buffer) < wanted:
			data = self._inflater.unconsumed_tail or next(self._pieces, b"")
			if not data and self._inflater.eof:
				break
			if not data:
				raise ValueError("the PNG image data is cut short")
			buffer += self._inflater.decompress(data, wanted - len(buffer))
		if len(buffer) < wanted:
			raise ValueError("the PNG image data is cut short")
		return bytes(buffer)


def _palette(header: PngHeader) -> bytes:
	"""The palette as RGBA, so a transparent entry flattens onto white like any other alpha."""
	entries = len(header.palette) // 3
	alpha = header.alpha + b"\xff" * max(0, entries - len(header.alpha))
	return b"".join(header.palette[3 * i : 3 * i + 3] + alpha[i : i + 1] for i in range(entries))


def readReduced(path, factor: int, header: PngHeader | None = None) -> Image.Image:
	"""The PNG at path as RGB, each side divided by factor (rounded up), decoded band by band."""
	header = header or readHeader(path)
	if not header.canRead:
		raise ValueError("this PNG layout is read whole")
	mode, samples = _COLOUR_TYPES[header.colourType]
	width, height = header.width, header.height
	rowSize = 1 + width * samples  # the filter byte, then the samples
	bandRows = max(1, BAND_PIXELS // max(1, width) // factor) * factor
	rows = _FilteredRows(path, header, rowSize)
	result = Image.new("RGB", (math.ceil(width / factor), math.ceil(height / factor)))
	palette = _palette(header) if mode == "P" else b""
	above = b""  # the raw row above the band, or nothing at the top
	for top in range(0, height, bandRows):
		count = min(bandRows, height - top)
		filtered = rows.take(count)
		prefix = b"\x00" + above if above else b""
		band = Image.frombytes(
			mode, (width, count + (1 if above else 0)), zlib.compress(prefix + filtered, 0), "zip", mode
		)
		if above:
			band = band.crop((0, 1, width, count + 1))
		above = band.crop((0, count - 1, width, count)).tobytes("raw", mode)
		if palette:
			band.putpalette(palette, "RGBA")
			band = band.convert("RGBA")
		band = toRgb(band)
		result.paste(band.reduce(factor) if factor > 1 else band, (0, top // factor))
	return result
