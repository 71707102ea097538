"""Voice questions: recording, end-of-speech detection and the listening flow, without NVDA.

- `pcm`: the one audio format of the voice path (16 kHz, mono, 16-bit PCM), WAV files in memory,
  and conversion of any PCM WAV file to that format (the command line reads files);
- `recorder`: the `Recorder` interface and `FakeMicrophone`, fed from WAV files (tests, the CLI);
- `winmm`: `WinmmRecorder`, the default recording device through Windows' waveIn API (ctypes);
  nothing of winmm is loaded until a recorder is opened, so this folder imports on any system;
- `endOfSpeech`: `EndOfSpeechDetector`, pure feed/finish: audio in, events out (speech started,
  speech ended, digital silence, nothing said, maximum length);
- `listening`: `ListeningSession`, the flow the NVDA layer drives: before-recording hook, record on
  the worker until a second press, the end of speech, the maximum length or a cancel, after-recording
  hook (always), and the recording as WAV bytes in memory.

Transcription (sending the recording to a speech-to-text server) is a client like the vision ones:
`clients.transcription`.

May import: the bottom of the core (`errors`, `i18n`, `cancellation`) and the standard library.
No audio library is bundled: recording is ctypes over winmm, conversion is pure Python.
"""

from .endOfSpeech import DetectorOptions, EndOfSpeechDetector
from .listening import ListeningHooks, ListeningOptions, ListeningSession, Recording
from .pcm import SAMPLE_RATE, readWav, wavBytes
from .recorder import FakeMicrophone, Recorder

__all__ = [
	"SAMPLE_RATE",
	"DetectorOptions",
	"EndOfSpeechDetector",
	"FakeMicrophone",
	"ListeningHooks",
	"ListeningOptions",
	"ListeningSession",
	"Recorder",
	"Recording",
	"readWav",
	"wavBytes",
]
