"""The voice path's one audio format, WAV files in memory, and conversion of any PCM WAV to it.

Everything recorded, detected and sent is 16 kHz, mono, signed 16-bit little-endian PCM: what
Whisper-family models work on internally (a server resamples anything else to it first), so a
recording at that rate loses nothing they would use, and a 30-second question is under 1 MB.

WAV files are parsed here rather than with the standard `wave` module because Python 3.11's `wave`
(NVDA 2025.x) refuses WAVE_FORMAT_EXTENSIBLE files and 32-bit float ones, which sound editors and
sox write for anything beyond 16-bit stereo. Conversion is pure Python: downmix by averaging the
channels, then resample. Downsampling first smooths with a triangular (twice-applied box) filter a
few samples wide, which keeps most of what lies above the new Nyquist frequency from folding back
into the speech band, then interpolates linearly. That is crude next to a polyphase filter, and
good enough for speech recognition, which is robust to a little aliasing above 4 kHz. No audioop
(gone in Python 3.13, NVDA 2026) and no NumPy (not bundled). Runs on any thread; nothing touches
the disk except `readWav` given a path.
"""

import io
import itertools
import struct
import sys
import wave
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import UnreadableAudio

SAMPLE_RATE = 16000
SAMPLE_WIDTH = 2
CHANNELS = 1
BYTES_PER_SECOND = SAMPLE_RATE * SAMPLE_WIDTH * CHANNELS

_PCM = 0x0001
_IEEE_FLOAT = 0x0003
_EXTENSIBLE = 0xFFFE
_BIG_ENDIAN = sys.byteorder == "big"


def seconds(pcm: bytes) -> float:
	"""Length of 16 kHz mono 16-bit PCM in seconds."""
	return len(pcm) / BYTES_PER_SECOND


def samplesOf(pcm: bytes) -> array:
	"""16-bit little-endian PCM as an array of ints (an odd trailing byte is dropped)."""
	samples = array("h")
	samples.frombytes(pcm[: len(pcm) - len(pcm) % 2])
	if _BIG_ENDIAN:
		samples.byteswap()
	return samples


def bytesOf(samples: Sequence[int]) -> bytes:
	"""Ints in the 16-bit range as little-endian PCM."""
	packed = array("h", samples)
	if _BIG_ENDIAN:
		packed.byteswap()
	return packed.tobytes()


def wavBytes(pcm: bytes, sampleRate: int = SAMPLE_RATE) -> bytes:
	"""A complete mono 16-bit WAV file, in memory."""
	buffer = io.BytesIO()
	with wave.open(buffer, "wb") as writer:
		writer.setnchannels(1)
		writer.setsampwidth(SAMPLE_WIDTH)
		writer.setframerate(sampleRate)
		writer.writeframes(pcm)
	return buffer.getvalue()


@dataclass(frozen=True)
class WavFormat:
	encoding: int  # _PCM or _IEEE_FLOAT
	channels: int
	sampleRate: int
	bitsPerSample: int


def readWav(source: "bytes | str | Path", name: str | None = None) -> bytes:
	"""Any PCM or float WAV file as 16 kHz mono 16-bit PCM. Raises UnreadableAudio with a sentence."""
	label = name or (Path(source).name if not isinstance(source, bytes) else "the audio")
	if isinstance(source, bytes):
		data = source
	else:
		try:
			data = Path(source).read_bytes()
		except FileNotFoundError:
			raise UnreadableAudio(label, detail=f"{source} does not exist", missing=True) from None
		except OSError as error:
			raise UnreadableAudio(label, detail=f"{type(error).__name__}: {error}") from None
	try:
		fmt, payload = parseWav(data)
		samples = decodeSamples(fmt, payload)
	except (ValueError, struct.error) as error:
		raise UnreadableAudio(label, detail=str(error)) from None
	mono = downmix(samples, fmt.channels)
	return bytesOf(resample(mono, fmt.sampleRate, SAMPLE_RATE))


def parseWav(data: bytes) -> tuple[WavFormat, bytes]:
	"""The format and sample bytes of a RIFF/WAVE file; ValueError for anything else."""
	if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
		raise ValueError("not a RIFF WAVE file")
	fmt: WavFormat | None = None
	position = 12
	while position + 8 <= len(data):
		kind = data[position : position + 4]
		size = struct.unpack_from("<I", data, position + 4)[0]
		body = position + 8
		if kind == b"fmt ":
			fmt = _format(data[body : body + size])
		elif kind == b"data":
			if fmt is None:
				raise ValueError("the data chunk comes before the format chunk")
			# A size of 0 or 0xFFFFFFFF (a stream written to a pipe) means "up to the end".
			end = len(data) if size in (0, 0xFFFFFFFF) else min(len(data), body + size)
			return fmt, data[body:end]
		position = body + size + (size & 1)  # chunks are padded to an even length
	raise ValueError("no audio data in the file")


def _format(chunk: bytes) -> WavFormat:
	if len(chunk) < 16:
		raise ValueError("the format chunk is too short")
	encoding, channels, sampleRate, _byteRate, _blockAlign, bits = struct.unpack_from("<HHIIHH", chunk)
	if encoding == _EXTENSIBLE:
		if len(chunk) < 26:
			raise ValueError("the extensible format chunk is too short")
		encoding = struct.unpack_from("<H", chunk, 24)[0]  # the sub-format GUID starts with the code
	if encoding not in (_PCM, _IEEE_FLOAT):
		raise ValueError(f"compressed audio (format {encoding:#06x}) is not supported")
	supported = (32, 64) if encoding == _IEEE_FLOAT else (8, 16, 24, 32)
	if bits not in supported:
		raise ValueError(f"{bits}-bit samples are not supported")
	if not 1 <= channels <= 32 or not 1000 <= sampleRate <= 384000:
		raise ValueError(f"{channels} channels at {sampleRate} Hz is not a usable format")
	return WavFormat(encoding, channels, sampleRate, bits)


def decodeSamples(fmt: WavFormat, payload: bytes) -> list[int]:
	"""Interleaved samples scaled to the 16-bit range."""
	width = fmt.bitsPerSample // 8
	payload = payload[: len(payload) - len(payload) % (width * fmt.channels)]
	if fmt.encoding == _IEEE_FLOAT:
		values = array("f" if width == 4 else "d")
		values.frombytes(payload)
		if _BIG_ENDIAN:
			values.byteswap()
		return [int(max(-1.0, min(1.0, value)) * 32767) for value in values]
	if width == 1:
		return [(byte - 128) << 8 for byte in payload]  # 8-bit WAV is unsigned
	if width == 2:
		return list(samplesOf(payload))
	if width == 3:
		# Widen to 32 bits with a zero low byte, then keep the top 16 bits.
		count = len(payload) // 3
		widened = bytearray(count * 4)
		widened[1::4] = payload[0::3]
		widened[2::4] = payload[1::3]
		widened[3::4] = payload[2::3]
		payload = bytes(widened)
	values = array("i")
	values.frombytes(payload)
	if _BIG_ENDIAN:
		values.byteswap()
	return [value >> 16 for value in values]


def downmix(samples: Sequence[int], channels: int) -> list[int]:
	if channels == 1:
		return list(samples)
	columns = [samples[channel::channels] for channel in range(channels)]
	return [sum(frame) // channels for frame in zip(*columns, strict=False)]


def resample(samples: Sequence[int], fromRate: int, toRate: int = SAMPLE_RATE) -> list[int]:
	"""Linear interpolation, after a triangular low-pass when downsampling."""
	count = len(samples)
	if fromRate == toRate or count == 0:
		return list(samples)
	ratio = fromRate / toRate
	source: Sequence[float] = samples
	width = round(ratio)
	if width > 1:
		source = _boxFilter(_boxFilter(samples, width), width)
	outCount = int(count / ratio)
	out = []
	last = count - 1
	for index in range(outCount):
		position = index * ratio
		left = int(position)
		fraction = position - left
		a = source[left]
		b = source[left + 1] if left < last else a
		value = round(a + (b - a) * fraction)
		out.append(-32768 if value < -32768 else 32767 if value > 32767 else value)
	return out


def _boxFilter(samples: Sequence[float], width: int) -> list[float]:
	"""Moving average over `width` samples centred on each one (shorter at the edges)."""
	count = len(samples)
	sums = [0, *itertools.accumulate(samples)]
	before = width // 2
	after = width - before
	result = []
	for index in range(count):
		start = max(0, index - before)
		end = min(count, index + after)
		result.append((sums[end] - sums[start]) / (end - start))
	return result
