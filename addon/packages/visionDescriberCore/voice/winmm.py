"""The default recording device on Windows, through winmm's waveIn functions and ctypes.

Why winmm. It is in every Windows since 3.1, in both NVDA eras (32-bit Python 3.11, 64-bit Python
3.13), needs nothing bundled (no compiled module to build twice and have scanned by the add-on
store), and the "Microsoft Sound Mapper" (`WAVE_MAPPER`) records from the default recording device
the user chose in Windows, converting to 16 kHz mono 16-bit itself. WASAPI would need COM
plumbing in ctypes for the same result; PortAudio-based libraries (sounddevice, PyAudio) would add
a native DLL per target. NVDA itself plays sound through the same API family.

How it records. `waveInOpen` with `CALLBACK_EVENT`: Windows signals an event each time a buffer is
full. `BUFFER_COUNT` buffers of `BUFFER_SECONDS` are queued; `read` waits on the event, takes every
buffer marked done, in order, copies its bytes and queues it again. All of it runs on the thread
that records (the job worker); nothing calls back into Python from a Windows thread, so there is no
callback to keep alive and no GIL taken by the audio driver. `close` resets the device (which
returns every queued buffer), unprepares the buffers, closes the device and the event, in that
order, so no buffer memory is freed while Windows may still write to it.

Both pointer sizes. Handles, pointers and `DWORD_PTR` fields are 4 bytes in NVDA 2025.x and 8 in
NVDA 2026.x (NVDA's own old waveOut bindings declared `dwUser` as DWORD, which is wrong on 64-bit).
So the structures and signatures are built for a given pointer width by `structuresFor(bits)` and
`SIGNATURES`; the tests build both widths on any machine and check sizes and offsets against the
Windows SDK layouts. `WAVEFORMATEX` is byte-packed in the SDK (`sizeof` is 18), the others are
naturally aligned (their fields already are).

Nothing here loads winmm until `WinmmRecorder.open()`: importing this module on Linux is fine.
"""

import ctypes
import struct
import threading
from dataclasses import dataclass

from ..errors import MicrophoneUnavailable
from .pcm import SAMPLE_RATE, SAMPLE_WIDTH

WAVE_FORMAT_PCM = 1
WAVE_MAPPER = 0xFFFFFFFF  # (UINT)-1: the default recording device, with format conversion
CALLBACK_EVENT = 0x00050000
WHDR_DONE = 0x00000001
WAIT_OBJECT_0 = 0
WAIT_TIMEOUT = 0x00000102
MAXPNAMELEN = 32

MMSYSERR_NOERROR = 0
MMSYSERR_BADDEVICEID = 2
MMSYSERR_NOTENABLED = 3
MMSYSERR_ALLOCATED = 4
MMSYSERR_NODRIVER = 6
MMSYSERR_NOMEM = 7
WAVERR_BADFORMAT = 32

BUFFER_SECONDS = 0.03
BUFFER_COUNT = 20  # 600 ms queued: room for a worker that is late by a garbage collection or two


@dataclass(frozen=True)
class Structures:
	WAVEFORMATEX: type
	WAVEHDR: type
	WAVEINCAPSW: type


def structuresFor(pointerBits: int) -> Structures:
	"""The winmm structures for a pointer width. Pointer-sized fields are unsigned integers of that
	width: on the running Python they hold addresses (`ctypes.addressof`)."""
	pointer = {32: ctypes.c_uint32, 64: ctypes.c_uint64}[pointerBits]
	word, dword = ctypes.c_uint16, ctypes.c_uint32

	class WAVEFORMATEX(ctypes.Structure):
		_pack_ = 1
		_fields_ = [
			("wFormatTag", word),
			("nChannels", word),
			("nSamplesPerSec", dword),
			("nAvgBytesPerSec", dword),
			("nBlockAlign", word),
			("wBitsPerSample", word),
			("cbSize", word),
		]

	class WAVEHDR(ctypes.Structure):
		_fields_ = [
			("lpData", pointer),  # LPSTR
			("dwBufferLength", dword),
			("dwBytesRecorded", dword),
			("dwUser", pointer),  # DWORD_PTR
			("dwFlags", dword),
			("dwLoops", dword),
			("lpNext", pointer),  # struct wavehdr_tag *
			("reserved", pointer),  # DWORD_PTR
		]

	class WAVEINCAPSW(ctypes.Structure):
		_fields_ = [
			("wMid", word),
			("wPid", word),
			("vDriverVersion", ctypes.c_uint32),  # MMVERSION = UINT
			("szPname", word * MAXPNAMELEN),  # WCHAR: 2 bytes on Windows (c_wchar is 4 on Linux)
			("dwFormats", dword),
			("wChannels", word),
			("wReserved1", word),
		]

	return Structures(WAVEFORMATEX, WAVEHDR, WAVEINCAPSW)


# Symbolic C types of each function, resolved per pointer width by `ctypesFor`.
# "ptr" is any pointer or handle (HWAVEIN, LPWAVEHDR, LPHWAVEIN, HANDLE, UINT_PTR, DWORD_PTR).
SIGNATURES: dict[str, tuple[str, tuple[str, ...]]] = {
	"waveInGetNumDevs": ("UINT", ()),
	"waveInGetDevCapsW": ("MMRESULT", ("ptr", "ptr", "UINT")),  # UINT_PTR uDeviceID
	"waveInOpen": ("MMRESULT", ("ptr", "UINT", "ptr", "ptr", "ptr", "DWORD")),
	"waveInPrepareHeader": ("MMRESULT", ("ptr", "ptr", "UINT")),
	"waveInUnprepareHeader": ("MMRESULT", ("ptr", "ptr", "UINT")),
	"waveInAddBuffer": ("MMRESULT", ("ptr", "ptr", "UINT")),
	"waveInStart": ("MMRESULT", ("ptr",)),
	"waveInStop": ("MMRESULT", ("ptr",)),
	"waveInReset": ("MMRESULT", ("ptr",)),
	"waveInClose": ("MMRESULT", ("ptr",)),
	# kernel32
	"CreateEventW": ("ptr", ("ptr", "BOOL", "BOOL", "ptr")),
	"WaitForSingleObject": ("DWORD", ("ptr", "DWORD")),
	"CloseHandle": ("BOOL", ("ptr",)),
}
KERNEL32_FUNCTIONS = ("CreateEventW", "WaitForSingleObject", "CloseHandle")


def ctypesFor(pointerBits: int, native: bool = False) -> dict[str, type]:
	"""The ctypes type of each symbolic C type. native=True uses c_void_p for pointers (the running
	Python's width), so byref() arguments are accepted; otherwise an integer of pointerBits."""
	pointer = ctypes.c_void_p if native else {32: ctypes.c_uint32, 64: ctypes.c_uint64}[pointerBits]
	return {
		"UINT": ctypes.c_uint32,
		"DWORD": ctypes.c_uint32,
		"MMRESULT": ctypes.c_uint32,
		"BOOL": ctypes.c_int32,
		"ptr": pointer,
	}


def nativePointerBits() -> int:
	return struct.calcsize("P") * 8


def _bind(library, name: str, types: dict[str, type]):
	restype, argtypes = SIGNATURES[name]
	function = getattr(library, name)
	function.restype = types[restype]
	function.argtypes = [types[argument] for argument in argtypes]
	return function


class _Api:
	"""winmm and kernel32 with exact signatures, loaded on first use (Windows only)."""

	_instance: "_Api | None" = None
	_lock = threading.Lock()

	def __init__(self):
		windll = ctypes.WinDLL  # AttributeError off Windows
		winmm, kernel32 = windll("winmm"), windll("kernel32")
		types = ctypesFor(nativePointerBits(), native=True)
		for name in SIGNATURES:
			setattr(self, name, _bind(kernel32 if name in KERNEL32_FUNCTIONS else winmm, name, types))
		self.structures = structuresFor(nativePointerBits())

	@classmethod
	def get(cls) -> "_Api":
		with cls._lock:
			if cls._instance is None:
				cls._instance = cls()
			return cls._instance


def inputDeviceNames() -> list[str]:
	"""Names of the recording devices Windows lists (index = device ID)."""
	api = _Api.get()
	names = []
	for deviceId in range(api.waveInGetNumDevs()):
		caps = api.structures.WAVEINCAPSW()
		if api.waveInGetDevCapsW(deviceId, ctypes.byref(caps), ctypes.sizeof(caps)) == MMSYSERR_NOERROR:
			raw = bytes(caps.szPname)
			names.append(raw.decode("utf-16-le", errors="replace").split("\x00", 1)[0])
	return names


def _openFailure(code: int) -> MicrophoneUnavailable:
	if code == MMSYSERR_ALLOCATED:
		reason = MicrophoneUnavailable.BUSY
	elif code in (MMSYSERR_BADDEVICEID, MMSYSERR_NODRIVER, MMSYSERR_NOTENABLED):
		reason = MicrophoneUnavailable.NONE
	else:
		reason = MicrophoneUnavailable.FAILED
	return MicrophoneUnavailable(reason, detail=f"waveInOpen failed with MMRESULT {code}")


class WinmmRecorder:
	"""Records 16 kHz mono 16-bit PCM from a waveIn device (the default one unless deviceId is given).
	All methods on one thread: the one that records."""

	def __init__(self, deviceId: int = WAVE_MAPPER, api=None):
		self.deviceId = deviceId
		#: winmm and kernel32 (tests pass a stand-in; the real ones load on the first open).
		self._apiSource = api
		self._api = None
		self._handle = ctypes.c_void_p()
		self._event = None
		self._headers: list = []
		self._buffers: list = []
		self._next = 0

	def open(self) -> None:
		try:
			api = self._api = self._apiSource or _Api.get()
		except (AttributeError, OSError) as error:
			raise MicrophoneUnavailable(MicrophoneUnavailable.FAILED, detail=f"winmm: {error}") from None
		if api.waveInGetNumDevs() == 0:
			raise MicrophoneUnavailable(
				MicrophoneUnavailable.NONE, detail="Windows lists no recording device"
			)
		self._event = api.CreateEventW(None, False, False, None)
		if not self._event:
			raise MicrophoneUnavailable(MicrophoneUnavailable.FAILED, detail="CreateEventW failed")
		fmt = api.structures.WAVEFORMATEX(
			WAVE_FORMAT_PCM, 1, SAMPLE_RATE, SAMPLE_RATE * SAMPLE_WIDTH, SAMPLE_WIDTH, SAMPLE_WIDTH * 8, 0
		)
		code = api.waveInOpen(
			ctypes.byref(self._handle), self.deviceId, ctypes.byref(fmt), self._event, 0, CALLBACK_EVENT
		)
		if code != MMSYSERR_NOERROR:
			self._closeEvent()
			raise _openFailure(code)
		try:
			self._queueBuffers()
			self._check(api.waveInStart(self._handle), "waveInStart")
		except MicrophoneUnavailable:
			self.close()
			raise

	def _queueBuffers(self) -> None:
		api = self._api
		size = round(BUFFER_SECONDS * SAMPLE_RATE) * SAMPLE_WIDTH
		for _ in range(BUFFER_COUNT):
			buffer = ctypes.create_string_buffer(size)
			header = api.structures.WAVEHDR()
			header.lpData = ctypes.addressof(buffer)
			header.dwBufferLength = size
			self._buffers.append(buffer)
			self._headers.append(header)
			self._check(
				api.waveInPrepareHeader(self._handle, ctypes.byref(header), ctypes.sizeof(header)),
				"waveInPrepareHeader",
			)
			self._check(
				api.waveInAddBuffer(self._handle, ctypes.byref(header), ctypes.sizeof(header)),
				"waveInAddBuffer",
			)
		self._next = 0

	def read(self, timeout: float) -> bytes:
		api = self._api
		if api is None or not self._handle:
			raise RuntimeError("read from a closed recorder")
		data = self._takeDone()
		if data:
			return data
		api.WaitForSingleObject(self._event, max(0, int(timeout * 1000)))
		return self._takeDone()

	def _takeDone(self) -> bytes:
		api = self._api
		parts = []
		for _ in range(len(self._headers)):
			header = self._headers[self._next]
			if not header.dwFlags & WHDR_DONE:
				break
			parts.append(ctypes.string_at(self._buffers[self._next], header.dwBytesRecorded))
			header.dwFlags &= ~WHDR_DONE
			header.dwBytesRecorded = 0
			self._check(
				api.waveInAddBuffer(self._handle, ctypes.byref(header), ctypes.sizeof(header)),
				"waveInAddBuffer",
			)
			self._next = (self._next + 1) % len(self._headers)
		return b"".join(parts)

	def close(self) -> None:
		api = self._api
		if api is not None and self._handle:
			api.waveInReset(self._handle)  # returns every queued buffer, marked done
			for header in self._headers:
				api.waveInUnprepareHeader(self._handle, ctypes.byref(header), ctypes.sizeof(header))
			api.waveInClose(self._handle)
			self._handle = ctypes.c_void_p()
		self._headers.clear()
		self._buffers.clear()
		self._closeEvent()

	def _closeEvent(self) -> None:
		if self._event and self._api is not None:
			self._api.CloseHandle(self._event)
		self._event = None

	@staticmethod
	def _check(code: int, what: str) -> None:
		if code != MMSYSERR_NOERROR:
			raise MicrophoneUnavailable(
				MicrophoneUnavailable.FAILED, detail=f"{what} failed with MMRESULT {code}"
			)
