"""Real speech for the voice tests and the benchmark: sentences spoken by Debian's espeak-ng, room
noise, silence and padding made with sox (both installed by scripts/setup-env).

Every sample is 16 kHz mono 16-bit PCM in a temporary folder, made once per test session. Where the
speech is (start, end, the pause inside a question) is measured on the clean spoken track before the
noise is mixed in: the first and last sample louder than -40 dBFS. sox runs with -R (repeatable
noise) and -D (no dither, so silence is exact zeros).
"""

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from visionDescriberCore.voice.pcm import readWav, samplesOf

RATE = 16000
LOUD = 328  # -40 dBFS
ROOM_NOISE = 0.01  # pink noise at about -55 dBFS: a quiet room
LOUD_NOISE = 0.05  # about -40 dBFS: a fan or a loud computer next to the microphone

QUESTION = "How much health do I have left?"


@dataclass
class Sample:
	path: Path
	#: Seconds from the start of the file; None where there is no speech.
	speechStart: float | None = None
	speechEnd: float | None = None
	#: Silent gaps inside the speech: (start, end) in seconds.
	pauses: list[tuple[float, float]] = field(default_factory=list)

	@property
	def pcm(self) -> bytes:
		return readWav(self.path)


def toolsMissing() -> list[str]:
	return [tool for tool in ("espeak-ng", "sox") if shutil.which(tool) is None]


def _run(*command: str) -> None:
	subprocess.run(command, check=True, capture_output=True, timeout=60)


def _sox(*arguments: str) -> None:
	_run("sox", "-R", "-D", *arguments)


def _spoken(directory: Path, name: str, text: str) -> Path:
	raw = directory / f"{name}-raw.wav"
	_run("espeak-ng", "-v", "en-us", "-s", "165", "-w", str(raw), text)
	clean = directory / f"{name}-16k.wav"
	_sox(str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(clean))
	return clean


def _duration(path: Path) -> float:
	return len(readWav(path)) / 2 / RATE


def _loudSpan(path: Path) -> tuple[float, float]:
	samples = samplesOf(readWav(path))
	loud = [index for index, value in enumerate(samples) if abs(value) > LOUD]
	return loud[0] / RATE, (loud[-1] + 1) / RATE


def _noise(directory: Path, name: str, seconds: float, volume: float, colour: str = "pinknoise") -> Path:
	path = directory / f"{name}-noise.wav"
	_sox(
		"-n",
		"-r",
		str(RATE),
		"-c",
		"1",
		"-b",
		"16",
		str(path),
		"synth",
		f"{seconds:.4f}",
		colour,
		"vol",
		str(volume),
	)
	return path


def _withNoise(directory: Path, name: str, clean: Path, volume: float) -> Path:
	noise = _noise(directory, name, _duration(clean), volume)
	out = directory / f"{name}.wav"
	_sox("-m", "-v", "1", str(clean), "-v", "1", str(noise), str(out))
	return out


def _speechSample(
	directory: Path, name: str, pieces: list[str], gaps: list[float], lead: float, tail: float, volume: float
) -> Sample:
	"""Spoken pieces with silent gaps between them, lead and tail silence, then room noise over all."""
	parts = []
	for index, text in enumerate(pieces):
		spoken = _spoken(directory, f"{name}{index}", text)
		trimmed = directory / f"{name}{index}-trim.wav"
		start, end = _loudSpan(spoken)
		_sox(str(spoken), str(trimmed), "trim", f"{start:.4f}", f"{end - start:.4f}")
		parts.append(trimmed)
	padded = []
	for index, part in enumerate(parts):
		before = lead if index == 0 else 0.0
		after = gaps[index] if index < len(gaps) else tail
		out = directory / f"{name}{index}-pad.wav"
		_sox(str(part), str(out), "pad", f"{before:.4f}", f"{after:.4f}")
		padded.append(out)
	clean = directory / f"{name}-clean.wav"
	_sox(*[str(path) for path in padded], str(clean))
	position = 0.0
	spans = []
	for index, part in enumerate(parts):
		start = position + (lead if index == 0 else 0.0)
		end = start + _duration(part)
		spans.append((start, end))
		position = end + (gaps[index] if index < len(gaps) else tail)
	pauses = [(spans[i][1], spans[i + 1][0]) for i in range(len(spans) - 1)]
	return Sample(_withNoise(directory, name, clean, volume), spans[0][0], spans[-1][1], pauses)


def buildSamples(directory: Path) -> dict[str, Sample]:
	directory.mkdir(parents=True, exist_ok=True)
	samples = {
		"question": _speechSample(directory, "question", [QUESTION], [], 1.0, 3.0, ROOM_NOISE),
		# A thinking pause of half a second in the middle: not the end.
		"pausedQuestion": _speechSample(
			directory, "pausedQuestion", ["How much health", "do I have left?"], [0.5], 1.0, 3.0, ROOM_NOISE
		),
		# A pause longer than the end-of-speech pause: the recording ends after the first sentence.
		"twoSentences": _speechSample(
			directory, "twoSentences", ["Read the title.", "And the menu."], [2.0], 1.0, 3.0, ROOM_NOISE
		),
		# Speech over a loud fan, which is there from the start.
		"noisyQuestion": _speechSample(directory, "noisyQuestion", [QUESTION], [], 1.0, 3.0, LOUD_NOISE),
	}
	steady = Sample(_noise(directory, "steady", 12.0, LOUD_NOISE, "brownnoise"))
	room = Sample(_noise(directory, "room", 12.0, ROOM_NOISE))
	silence = Sample(directory / "silence.wav")
	_sox("-n", "-r", str(RATE), "-c", "1", "-b", "16", str(silence.path), "trim", "0", "3")
	# The question as a sound editor saves it: 44.1 kHz stereo, 24-bit.
	stereo = Sample(directory / "question-44k-stereo-24bit.wav")
	_sox(str(samples["question"].path), "-r", "44100", "-c", "2", "-b", "24", str(stereo.path))
	samples.update(steadyNoise=steady, roomTone=room, digitalSilence=silence, stereoQuestion=stereo)
	return samples
