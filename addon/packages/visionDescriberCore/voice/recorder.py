"""Where the audio comes from: the `Recorder` interface, and a fake microphone fed from WAV files.

A recorder delivers 16 kHz mono 16-bit PCM. Its three methods run on one thread, the one that
records (the job worker inside NVDA, never NVDA's main thread): `open()` claims the device or raises
`MicrophoneUnavailable` with a sentence; `read(timeout)` returns what arrived since the last call, or
b"" when nothing did within timeout; `close()` releases the device and is safe to call twice.

The Windows recorder is `winmm.WinmmRecorder`. `FakeMicrophone` plays WAV files instead: the flow
tests, the command line's tests and the benchmark use it. It keeps time in one of two ways: as fast
as it is read (tests: the detector counts samples, not seconds, so its decisions are the same), or
paced like a real device (`realtime=True`, optionally `speed` times faster), which is what second
presses and latency figures need. `wallTimeOf(seconds)` says when a position of the audio was
handed out, for measuring how long after the end of speech the recording stopped.
"""

import threading
import time
from pathlib import Path
from typing import Protocol

from .pcm import BYTES_PER_SECOND, readWav


class Recorder(Protocol):
	def open(self) -> None: ...

	def read(self, timeout: float) -> bytes: ...

	def close(self) -> None: ...


class FakeMicrophone:
	"""Plays 16 kHz mono PCM (or WAV files, converted) as if it were the default recording device.

	after: what comes once the audio is used up: "zeros" (digital silence, as a muted input gives),
	or "nothing" (reads time out, as a device that stopped delivering does).
	openError: raised by open(), e.g. MicrophoneUnavailable() for "no microphone".
	"""

	def __init__(
		self,
		*sources: "bytes | str | Path",
		realtime: bool = False,
		speed: float = 1.0,
		chunkSeconds: float = 0.03,
		after: str = "zeros",
		openError: BaseException | None = None,
	):
		self.pcm = b"".join(source if isinstance(source, bytes) else readWav(source) for source in sources)
		self.realtime = realtime
		self.speed = speed
		self.chunkBytes = max(2, round(chunkSeconds * BYTES_PER_SECOND) // 2 * 2)
		self.after = after
		self.openError = openError
		self.openedAt: float | None = None
		self.closedAt: float | None = None
		self.opens = 0
		self.position = 0  # bytes handed out so far
		self._stopped = threading.Event()

	# --- Recorder ------------------------------------------------------------------------------------

	def open(self) -> None:
		self.opens += 1
		if self.openError is not None:
			raise self.openError
		self.openedAt = time.perf_counter()
		self.closedAt = None
		self.position = 0
		self._stopped.clear()

	def read(self, timeout: float) -> bytes:
		if self.openedAt is None or self.closedAt is not None:
			raise RuntimeError("read from a closed microphone")
		if self.position >= len(self.pcm) and self.after == "nothing":
			self._stopped.wait(timeout)
			return b""
		if self.realtime:
			due = self.wallTimeOf((self.position + self.chunkBytes) / BYTES_PER_SECOND)
			wait = due - time.perf_counter()
			if wait > timeout:
				self._stopped.wait(timeout)
				return b""
			if wait > 0:
				self._stopped.wait(wait)
		chunk = self.pcm[self.position : self.position + self.chunkBytes]
		if len(chunk) < self.chunkBytes:
			chunk += bytes(self.chunkBytes - len(chunk))  # "zeros" after the audio
		self.position += self.chunkBytes
		return chunk

	def close(self) -> None:
		if self.closedAt is None and self.openedAt is not None:
			self.closedAt = time.perf_counter()
		self._stopped.set()

	# --- For tests and the benchmark --------------------------------------------------------------

	@property
	def isOpen(self) -> bool:
		return self.openedAt is not None and self.closedAt is None

	@property
	def seconds(self) -> float:
		return len(self.pcm) / BYTES_PER_SECOND

	def wallTimeOf(self, seconds: float) -> float:
		"""perf_counter time at which the audio at `seconds` is (or was) handed out, when realtime."""
		if self.openedAt is None:
			raise RuntimeError("the microphone was never opened")
		return self.openedAt + seconds / self.speed
