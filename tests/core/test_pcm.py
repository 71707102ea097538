"""WAV files in memory and conversion of any PCM WAV to 16 kHz mono 16-bit: real files from sox, and
hand-built ones for the formats sox does not write by default."""

import io
import math
import struct
import wave

import pytest
from visionDescriberCore import errors
from visionDescriberCore.voice import pcm


def tone(frequency: float, rate: int, seconds: float, amplitude: float = 0.5) -> list[int]:
	return [
		round(amplitude * 32767 * math.sin(2 * math.pi * frequency * i / rate))
		for i in range(int(rate * seconds))
	]


def rms(samples) -> float:
	return math.sqrt(sum(value * value for value in samples) / len(samples))


def zeroCrossings(samples) -> int:
	return sum(1 for a, b in zip(samples, samples[1:], strict=False) if (a < 0) != (b < 0))


def riff(formatChunk: bytes, data: bytes, extraChunks: bytes = b"") -> bytes:
	body = b"WAVE" + b"fmt " + struct.pack("<I", len(formatChunk)) + formatChunk + extraChunks
	body += b"data" + struct.pack("<I", len(data)) + data
	return b"RIFF" + struct.pack("<I", len(body)) + body


def test_wavBytesIsAStandardWavFile():
	samples = tone(440, 16000, 0.25)
	data = pcm.wavBytes(pcm.bytesOf(samples))
	with wave.open(io.BytesIO(data)) as reader:
		assert (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) == (1, 2, 16000)
		assert list(pcm.samplesOf(reader.readframes(reader.getnframes()))) == samples
	assert pcm.readWav(data) == pcm.bytesOf(samples)


def test_aSoundEditorsFileBecomesTheSameQuestion(voiceSamples):
	"""44.1 kHz stereo 24-bit (written by sox) comes back at 16 kHz mono with the same length and level."""
	original = pcm.samplesOf(voiceSamples["question"].pcm)
	converted = pcm.samplesOf(pcm.readWav(voiceSamples["stereoQuestion"].path))
	assert abs(len(converted) - len(original)) <= 16000 * 0.002
	speech = slice(16000, 16000 * 2)
	assert rms(converted[speech]) == pytest.approx(rms(original[speech]), rel=0.1)


def test_downsamplingKeepsTheSpeechBandAndDampsWhatWouldFoldBack():
	kept = pcm.resample(tone(1000, 48000, 0.5), 48000)
	assert len(kept) == 8000
	assert zeroCrossings(kept) == pytest.approx(1000, abs=4)  # still 1 kHz
	assert rms(kept) == pytest.approx(rms(tone(1000, 16000, 0.5)), rel=0.1)
	# 12 kHz cannot exist at 16 kHz; unfiltered it would come back as a 4 kHz tone at full level.
	folded = pcm.resample(tone(12000, 48000, 0.5), 48000)
	assert rms(folded) < rms(kept) * 0.2


def test_upsamplingFromEightKilohertz():
	out = pcm.resample(tone(500, 8000, 0.5), 8000)
	assert len(out) == 8000
	assert zeroCrossings(out) == pytest.approx(500, abs=4)


@pytest.mark.parametrize(
	("encoding", "bits", "encode"),
	[
		(1, 8, lambda values: bytes((v >> 8) + 128 for v in values)),
		(1, 32, lambda values: struct.pack(f"<{len(values)}i", *(v << 16 for v in values))),
		(3, 32, lambda values: struct.pack(f"<{len(values)}f", *(v / 32767 for v in values))),
	],
)
def test_otherSampleFormats(encoding, bits, encode):
	values = tone(300, 16000, 0.1)
	fmt = struct.pack("<HHIIHH", encoding, 1, 16000, 16000 * bits // 8, bits // 8, bits)
	out = pcm.samplesOf(pcm.readWav(riff(fmt, encode(values))))
	assert len(out) == len(values)
	assert max(abs(a - b) for a, b in zip(out, values, strict=True)) <= 256


def test_extensibleFormatWithAnOddSizedChunkBeforeTheData():
	values = tone(300, 16000, 0.05)
	subformat = struct.pack("<H", 1) + bytes(14)  # KSDATAFORMAT_SUBTYPE_PCM starts with 0x0001
	fmt = struct.pack("<HHIIHHHHI", 0xFFFE, 2, 16000, 64000, 4, 16, 22, 16, 3) + subformat
	stereo = [value for value in values for _ in range(2)]
	listChunk = b"LIST" + struct.pack("<I", 3) + b"abc" + b"\x00"  # odd size, padded
	out = pcm.samplesOf(pcm.readWav(riff(fmt, pcm.bytesOf(stereo), listChunk)))
	assert list(out) == values


@pytest.mark.parametrize(
	"data",
	[
		b"",
		b"ID3\x03 an mp3 file" + bytes(100),
		b"RIFF\x00\x00\x00\x00WAVEdata\x04\x00\x00\x00abcd",  # data before fmt
		riff(struct.pack("<HHIIHH", 0x55, 1, 16000, 2000, 1, 0), b"\x00" * 20),  # MP3 inside a WAV
		riff(struct.pack("<HHIIHH", 1, 1, 16000, 32000, 2, 12), b"\x00" * 20),  # 12-bit
	],
)
def test_whatIsNotReadableAudioSaysSoInOneSentence(data):
	with pytest.raises(errors.UnreadableAudio) as raised:
		pcm.readWav(data, "question.wav")
	assert raised.value.sentence == "Could not read audio from question.wav. Use a WAV file (PCM)."


def test_aMissingFile(tmp_path):
	with pytest.raises(errors.UnreadableAudio) as raised:
		pcm.readWav(tmp_path / "nothing.wav")
	assert raised.value.sentence == "The file nothing.wav was not found."


def test_aStreamedWavWithoutADataSizeIsReadToTheEnd():
	values = tone(300, 16000, 0.05)
	fmt = struct.pack("<HHIIHH", 1, 1, 16000, 32000, 2, 16)
	data = riff(fmt, pcm.bytesOf(values))
	streamed = data[: -len(values) * 2 - 4] + struct.pack("<I", 0xFFFFFFFF) + data[-len(values) * 2 :]
	assert list(pcm.samplesOf(pcm.readWav(streamed))) == values
