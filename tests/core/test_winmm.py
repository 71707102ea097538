"""The winmm recorder without Windows: its structures and signatures for both NVDA eras (32-bit and
64-bit Python), checked against the Windows SDK layouts; its buffer cycle and error sentences
against a stand-in for winmm that behaves as the waveIn documentation says; and that importing it
loads nothing of Windows.

What only Windows can show (a real device, privacy settings) is covered by the listening flow's
fake microphone and, once the Windows-Python suite exists, by opening the recorder there."""

import ctypes
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from visionDescriberCore import errors
from visionDescriberCore.voice import winmm

PACKAGES = Path(__file__).resolve().parents[2] / "addon" / "packages"

# From the Windows SDK (mmeapi.h / mmsystem.h): field offsets and sizes per pointer width.
EXPECTED = {
	32: {
		"WAVEFORMATEX": (18, [0, 2, 4, 8, 12, 14, 16]),
		"WAVEHDR": (32, [0, 4, 8, 12, 16, 20, 24, 28]),
		"WAVEINCAPSW": (80, [0, 2, 4, 8, 72, 76, 78]),
	},
	64: {
		"WAVEFORMATEX": (18, [0, 2, 4, 8, 12, 14, 16]),
		"WAVEHDR": (48, [0, 8, 12, 16, 24, 28, 32, 40]),
		"WAVEINCAPSW": (80, [0, 2, 4, 8, 72, 76, 78]),
	},
}

# Argument sizes in bytes: handles, pointers, UINT_PTR and DWORD_PTR follow the pointer width.
EXPECTED_ARGUMENTS = {
	32: {
		"waveInOpen": [4, 4, 4, 4, 4, 4],
		"waveInGetDevCapsW": [4, 4, 4],
		"waveInAddBuffer": [4, 4, 4],
		"waveInStart": [4],
		"CreateEventW": [4, 4, 4, 4],
		"WaitForSingleObject": [4, 4],
	},
	64: {
		"waveInOpen": [8, 4, 8, 8, 8, 4],
		"waveInGetDevCapsW": [8, 8, 4],
		"waveInAddBuffer": [8, 8, 4],
		"waveInStart": [8],
		"CreateEventW": [8, 4, 4, 8],
		"WaitForSingleObject": [8, 4],
	},
}


@pytest.mark.parametrize("bits", [32, 64])
def test_structureLayoutsMatchTheWindowsSdk(bits):
	structures = winmm.structuresFor(bits)
	for name, (size, offsets) in EXPECTED[bits].items():
		structure = getattr(structures, name)
		assert ctypes.sizeof(structure) == size, name
		assert [getattr(structure, field).offset for field, _ in structure._fields_] == offsets, name


@pytest.mark.parametrize("bits", [32, 64])
def test_functionSignaturesFollowThePointerWidth(bits):
	types = winmm.ctypesFor(bits)
	for name, sizes in EXPECTED_ARGUMENTS[bits].items():
		_, arguments = winmm.SIGNATURES[name]
		assert [ctypes.sizeof(types[argument]) for argument in arguments] == sizes, name
	for name, (result, _) in winmm.SIGNATURES.items():
		expected = bits // 8 if name == "CreateEventW" else 4  # a HANDLE, or MMRESULT/UINT/DWORD/BOOL
		assert ctypes.sizeof(types[result]) == expected, name


def test_theRunningPythonUsesItsOwnWidth():
	bits = winmm.nativePointerBits()
	native = winmm.ctypesFor(bits, native=True)
	assert native["ptr"] is ctypes.c_void_p and ctypes.sizeof(native["ptr"]) * 8 == bits
	assert ctypes.sizeof(winmm.structuresFor(bits).WAVEHDR) == EXPECTED[bits]["WAVEHDR"][0]


def test_importingLoadsNothingOfWindowsAndOpeningSaysWhatIsWrong():
	"""In a fresh Python on Linux: import, construct, then open -> a sentence, not an AttributeError."""
	script = """
import ctypes
loaded = []
original = ctypes.CDLL.__init__
def spy(self, name, *args, **kwargs):
	loaded.append(name)
	original(self, name, *args, **kwargs)
ctypes.CDLL.__init__ = spy
from visionDescriberCore.voice import winmm
from visionDescriberCore.voice.listening import ListeningSession
recorder = winmm.WinmmRecorder()
assert loaded == [], loaded
assert winmm._Api._instance is None
try:
	recorder.open()
except Exception as error:
	print(type(error).__name__, "|", error.sentence)
"""
	result = subprocess.run(
		[sys.executable, "-c", script],
		capture_output=True,
		text=True,
		env={"PYTHONPATH": str(PACKAGES)},
		timeout=30,
	)
	assert result.returncode == 0, result.stderr
	name, sentence = result.stdout.strip().split(" | ")
	assert name == "MicrophoneUnavailable"
	assert "Windows Settings" in sentence and "Microphone" in sentence


# --- The buffer cycle, against a stand-in for winmm ----------------------------------------------------

WHDR_PREPARED = 0x2
WHDR_INQUEUE = 0x10
WAVERR_STILLPLAYING = 33


class FakeWinmm:
	"""waveIn as documented: buffers must be prepared to be queued, are filled in queue order and
	marked done, reset returns all of them, and a buffer still queued cannot be unprepared."""

	def __init__(self, devices: int = 1, openResult: int = 0):
		self.structures = winmm.structuresFor(winmm.nativePointerBits())
		self.devices = devices
		self.openResult = openResult
		self.calls: list[str] = []
		self.queue: list = []
		self.prepared: set[int] = set()
		self.format = None
		self.events: dict[int, threading.Event] = {}
		self.closedEvents: list[int] = []
		self.errors: list[str] = []

	@staticmethod
	def target(argument):
		return argument._obj  # what byref() points at

	def waveInGetNumDevs(self):
		return self.devices

	def CreateEventW(self, security, manualReset, initialState, name):
		handle = 1000 + len(self.events)
		self.events[handle] = threading.Event()
		return handle

	def CloseHandle(self, handle):
		self.calls.append("CloseHandle")
		self.closedEvents.append(handle)
		return 1

	def waveInOpen(self, handlePointer, deviceId, formatPointer, callback, instance, flags):
		self.calls.append("waveInOpen")
		fmt = self.target(formatPointer)
		self.format = (fmt.wFormatTag, fmt.nChannels, fmt.nSamplesPerSec, fmt.wBitsPerSample, fmt.nBlockAlign)
		self.deviceId, self.callback, self.flags = deviceId, callback, flags
		if self.openResult:
			return self.openResult
		self.target(handlePointer).value = 77
		return 0

	def waveInPrepareHeader(self, handle, headerPointer, size):
		header = self.target(headerPointer)
		header.dwFlags |= WHDR_PREPARED
		self.prepared.add(ctypes.addressof(header))
		return 0

	def waveInAddBuffer(self, handle, headerPointer, size):
		header = self.target(headerPointer)
		if not header.dwFlags & WHDR_PREPARED:
			self.errors.append("a buffer was queued without being prepared")
		if header.dwFlags & winmm.WHDR_DONE:
			self.errors.append("a buffer was queued still marked done")
		header.dwFlags |= WHDR_INQUEUE
		self.queue.append(header)
		return 0

	def waveInStart(self, handle):
		self.calls.append("waveInStart")
		return 0

	def waveInReset(self, handle):
		self.calls.append("waveInReset")
		for header in self.queue:
			header.dwFlags = (header.dwFlags & ~WHDR_INQUEUE) | winmm.WHDR_DONE
		self.queue.clear()
		return 0

	def waveInUnprepareHeader(self, handle, headerPointer, size):
		header = self.target(headerPointer)
		if header.dwFlags & WHDR_INQUEUE:
			return WAVERR_STILLPLAYING
		self.calls.append("waveInUnprepareHeader")
		self.prepared.discard(ctypes.addressof(header))
		header.dwFlags &= ~WHDR_PREPARED
		return 0

	def waveInClose(self, handle):
		self.calls.append("waveInClose")
		if self.prepared:
			self.errors.append("closed with buffers still prepared")
		return 0

	def WaitForSingleObject(self, handle, milliseconds):
		return 0 if self.events[handle].wait(milliseconds / 1000) else winmm.WAIT_TIMEOUT

	def deliver(self, data: bytes) -> None:
		"""The driver fills queued buffers in order with data, then signals the event."""
		while data:
			header = self.queue.pop(0)
			piece, data = data[: header.dwBufferLength], data[header.dwBufferLength :]
			ctypes.memmove(header.lpData, piece, len(piece))
			header.dwBytesRecorded = len(piece)
			header.dwFlags = (header.dwFlags & ~WHDR_INQUEUE) | winmm.WHDR_DONE
		for event in self.events.values():
			event.set()


def test_recordsTheDefaultDeviceAt16kMonoAndCyclesItsBuffersInOrder():
	api = FakeWinmm()
	recorder = winmm.WinmmRecorder(api=api)
	recorder.open()
	assert api.format == (1, 1, 16000, 16, 2)
	assert (api.deviceId, api.flags) == (winmm.WAVE_MAPPER, winmm.CALLBACK_EVENT)
	assert api.callback in api.events  # the event handle is the callback
	assert len(api.queue) == winmm.BUFFER_COUNT
	assert recorder.read(0.01) == b""  # nothing recorded yet: the wait times out
	bufferBytes = api.queue[0].dwBufferLength
	audio = bytes(range(256)) * (bufferBytes * 45 // 256)  # 45 buffers' worth, more than the queue
	delivered = b""
	for start in range(0, len(audio), bufferBytes * 5):
		api.deliver(audio[start : start + bufferBytes * 5])
		delivered += recorder.read(0.5)
	assert delivered == audio
	assert len(api.queue) == winmm.BUFFER_COUNT  # every buffer went back into the queue
	recorder.close()
	# Reset first (it hands back the queued buffers), then unprepare each, then close device and event.
	closing = api.calls[api.calls.index("waveInReset") :]
	assert closing == ["waveInReset"] + ["waveInUnprepareHeader"] * winmm.BUFFER_COUNT + [
		"waveInClose",
		"CloseHandle",
	]
	assert api.errors == []
	recorder.close()  # a second close does nothing
	assert api.calls.count("waveInClose") == 1


@pytest.mark.parametrize(
	("devices", "openResult", "reason"),
	[
		(0, 0, errors.MicrophoneUnavailable.NONE),
		(1, winmm.MMSYSERR_BADDEVICEID, errors.MicrophoneUnavailable.NONE),
		(1, winmm.MMSYSERR_NODRIVER, errors.MicrophoneUnavailable.NONE),
		(1, winmm.MMSYSERR_ALLOCATED, errors.MicrophoneUnavailable.BUSY),
		(1, winmm.WAVERR_BADFORMAT, errors.MicrophoneUnavailable.FAILED),
	],
)
def test_aMissingOrBusyMicrophoneIsOneSentenceAndLeavesNothingOpen(devices, openResult, reason):
	api = FakeWinmm(devices, openResult)
	with pytest.raises(errors.MicrophoneUnavailable) as raised:
		winmm.WinmmRecorder(api=api).open()
	assert raised.value.reason == reason
	if reason == errors.MicrophoneUnavailable.BUSY:
		assert raised.value.sentence == (
			"The microphone is in use by another program. Close that program and try again."
		)
	else:
		assert "Privacy & security, Microphone" in raised.value.sentence
	assert sorted(api.closedEvents) == sorted(api.events)  # the event handle was closed too
	assert "waveInStart" not in api.calls
