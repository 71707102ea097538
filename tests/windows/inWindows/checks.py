"""Runs inside the Windows Python under Wine: the add-on's loader, then each bundled library at work.

	python.exe checks.py CONFIG_JSON_FILE

The configuration (written by tests/windows/test_windowsPython.py) names the unpacked add-on, the
fake NVDA modules, a folder for results and the steps to run. The loader comes first and the rest
only run when it made the libraries ready, so every library is the copy the loader found. Each step
records what it saw, or its traceback, in `report.json` in the results folder; the Linux side makes
the assertions (and reads the pictures written there with its own Pillow and tesseract).

Steps:
- loader: NVDA's modules faked (tests/fakes), the plugin's `libraryLoader.load()` as NVDA runs it;
- pillow: PNG and JPEG encoded and decoded back with the bundled Pillow;
- capture: the test window grabbed with mss, and with the core's `imaging.capture`;
- keyring: a key stored, read and deleted through keyring's own choice of backend, checked in the
  Windows Credential Manager with CredReadW;
- keyStore: the same through the core's `apiKeys.KeyStore`;
- clipboard: a picture put on the Windows clipboard (CF_DIB, made by hand), read by the core;
- compile: every Python file of the add-on and its libraries for this Python compiled.
"""

import builtins
import ctypes
import json
import os
import struct
import sys
import time
import traceback
import types
from ctypes import wintypes

CF_DIB = 8
GMEM_MOVEABLE = 0x2
CRED_TYPE_GENERIC = 1
ERROR_NOT_FOUND = 1168

user32 = ctypes.WinDLL("user32", use_last_error=True)
kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)
kernel32.GlobalAlloc.argtypes = [wintypes.UINT, ctypes.c_size_t]
kernel32.GlobalAlloc.restype = wintypes.HGLOBAL
kernel32.GlobalLock.argtypes = [wintypes.HGLOBAL]
kernel32.GlobalLock.restype = ctypes.c_void_p
kernel32.GlobalUnlock.argtypes = [wintypes.HGLOBAL]
user32.OpenClipboard.argtypes = [wintypes.HWND]
user32.SetClipboardData.argtypes = [wintypes.UINT, wintypes.HANDLE]
user32.SetClipboardData.restype = wintypes.HANDLE


class CREDENTIALW(ctypes.Structure):
	_fields_ = [
		("Flags", wintypes.DWORD),
		("Type", wintypes.DWORD),
		("TargetName", wintypes.LPWSTR),
		("Comment", wintypes.LPWSTR),
		("LastWritten", wintypes.FILETIME),
		("CredentialBlobSize", wintypes.DWORD),
		("CredentialBlob", ctypes.POINTER(ctypes.c_ubyte)),
		("Persist", wintypes.DWORD),
		("AttributeCount", wintypes.DWORD),
		("Attributes", ctypes.c_void_p),
		("TargetAlias", wintypes.LPWSTR),
		("UserName", wintypes.LPWSTR),
	]


advapi32.CredReadW.argtypes = [
	wintypes.LPCWSTR,
	wintypes.DWORD,
	wintypes.DWORD,
	ctypes.POINTER(ctypes.POINTER(CREDENTIALW)),
]
advapi32.CredFree.argtypes = [ctypes.c_void_p]


def credentialManagerEntry(target: str) -> dict | None:
	"""What the Windows Credential Manager itself holds for a generic credential, read without keyring."""
	pointer = ctypes.POINTER(CREDENTIALW)()
	if not advapi32.CredReadW(target, CRED_TYPE_GENERIC, 0, ctypes.byref(pointer)):
		error = ctypes.get_last_error()
		if error == ERROR_NOT_FOUND:
			return None
		raise ctypes.WinError(error)
	try:
		credential = pointer.contents
		blob = bytes(credential.CredentialBlob[: credential.CredentialBlobSize])
		return {"userName": credential.UserName, "secret": blob.decode("utf-16-le")}
	finally:
		advapi32.CredFree(pointer)


# --- Steps ------------------------------------------------------------------------------------------


def loader(config: dict) -> dict:
	"""The plugin's loader, as NVDA runs it at start, against the fake addonHandler and logHandler."""
	sys.path[:0] = [config["fakesDir"], config["testsDir"]]
	from nvdaHarness import TRANSLATION_BUILTINS

	builtins.__dict__.update(TRANSLATION_BUILTINS)
	import addonHandler
	import logHandler

	addonHandler.testing.addonDirs.append(config["addonRoot"])
	# The plugin package's __init__ needs wx and NVDA's GUI, which this Python lacks; the loader is the
	# first thing it runs, and it is loaded here from the unpacked package under its own name.
	package = types.ModuleType("visionDescriber")
	package.__path__ = [os.path.join(config["addonRoot"], "globalPlugins", "visionDescriber")]
	sys.modules["visionDescriber"] = package
	from visionDescriber import libraryLoader

	started = time.perf_counter()
	status = libraryLoader.load()
	seconds = time.perf_counter() - started
	config["depsPath"] = status.depsPath
	return {
		"loaderFile": libraryLoader.__file__,
		"ready": status.ready,
		"problem": status.problem,
		"tag": status.tag,
		"depsPath": status.depsPath,
		"pythonVersion": list(status.pythonVersion),
		"pointerBits": status.pointerBits,
		"copies": {
			name: {
				"origin": copy.origin,
				"version": copy.version,
				"bundled": copy.bundled,
				"loadedBefore": copy.loadedBefore,
				"error": copy.error,
			}
			for name, copy in status.copies.items()
		},
		"missing": status.missing,
		"importSeconds": status.importSeconds,
		"loadSeconds": seconds,
		"log": logHandler.testing.text(),
		"sysVersion": sys.version,
		"platform": sys.platform,
	}


def pillow(config: dict) -> dict:
	import io

	import PIL
	from PIL import Image, ImageChops, ImageStat

	image = Image.new("RGB", (96, 64))
	image.putdata([(x * 2, y * 3, 128) for y in range(64) for x in range(96)])  # smooth: JPEG keeps it
	results = {"pillowFile": PIL.__file__, "version": PIL.__version__, "coreFile": Image.core.__file__}
	for fmt, options in (("PNG", {}), ("JPEG", {"quality": 90})):
		buffer = io.BytesIO()
		image.save(buffer, fmt, **options)
		data = buffer.getvalue()
		with open(os.path.join(config["outDir"], f"pillow.{fmt.lower()}"), "wb") as file:
			file.write(data)
		decoded = Image.open(io.BytesIO(data))
		decoded.load()
		difference = ImageChops.difference(image, decoded.convert("RGB"))
		results[fmt] = {
			"bytes": len(data),
			"format": decoded.format,
			"size": list(decoded.size),
			"largestChannelError": max(high for _low, high in difference.getextrema()),
			"meanChannelError": sum(ImageStat.Stat(difference).mean) / 3,
		}
	return results


def capture(config: dict) -> dict:
	import mss
	import mss.tools
	from visionDescriberCore.imaging import capture as coreCapture

	left, top, width, height = config["windowRect"]
	with mss.MSS() as screen:
		monitors = screen.monitors
		shot = screen.grab({"left": left, "top": top, "width": width, "height": height})
		mss.tools.to_png(shot.rgb, shot.size, output=os.path.join(config["outDir"], "mss.png"))
	image = coreCapture.grab(coreCapture.Rect(left, top, width, height))
	image.save(os.path.join(config["outDir"], "core.png"))
	whole = coreCapture.grabScreen()
	return {
		"mssFile": mss.__file__,
		"mssBackend": type(screen._impl).__module__ + "." + type(screen._impl).__name__,
		"monitors": monitors,
		"coreSize": list(image.size),
		"screenSize": list(whole.size),
		"layout": [list(vars(rect).values()) for rect in coreCapture.currentLayout().monitors],
	}


def keyringStore(config: dict) -> dict:
	import keyring

	service, user, secret = config["keyringService"], "wine-user", "wine-test-secret-7f3a"
	chosen = keyring.get_keyring()
	keyring.set_password(service, user, secret)
	read = keyring.get_password(service, user)
	stored = credentialManagerEntry(service)
	keyring.delete_password(service, user)
	return {
		"keyringFile": keyring.__file__,
		"backend": f"{type(chosen).__module__}.{type(chosen).__name__}",
		"read": read,
		"inCredentialManager": stored,
		"afterDelete": keyring.get_password(service, user),
		"inCredentialManagerAfterDelete": credentialManagerEntry(service),
		"secret": secret,
		"user": user,
	}


def keyStore(config: dict) -> dict:
	from visionDescriberCore import apiKeys

	service = config["keyringService"] + "Core"
	store = apiKeys.KeyStore(serviceName=service)
	endpoint = apiKeys.endpointIdFor("openai", "https://api.openai.com/v1")
	store.set(endpoint, "  sk-wine-core-0123456789  ")
	read = store.get(endpoint)
	stored = credentialManagerEntry(service)
	store.delete(endpoint)
	store.delete(endpoint)  # a second delete finds nothing, and that is no failure
	return {
		"backend": type(store.backend).__name__,
		"endpoint": endpoint,
		"read": read,
		"inCredentialManager": stored,
		"afterDelete": store.get(endpoint),
		"hasAfterDelete": store.has(endpoint),
		"inCredentialManagerAfterDelete": credentialManagerEntry(service),
	}


#: The clipboard picture: left half red, right half blue, a yellow band along the top.
CLIPBOARD_SIZE = (90, 60)


def clipboardPixel(x: int, y: int) -> tuple[int, int, int]:
	if y < 10:
		return (255, 255, 0)
	return (220, 30, 40) if x < CLIPBOARD_SIZE[0] // 2 else (20, 90, 200)


def deviceIndependentBitmap() -> bytes:
	"""CF_DIB data written by hand (BITMAPINFOHEADER, then BGR rows bottom-up, each padded to 4 bytes),
	so the reader is not checked against Pillow's own writer."""
	width, height = CLIPBOARD_SIZE
	rows = []
	for y in reversed(range(height)):
		row = bytearray()
		for x in range(width):
			red, green, blue = clipboardPixel(x, y)
			row += bytes((blue, green, red))
		row += bytes(-len(row) % 4)
		rows.append(bytes(row))
	pixels = b"".join(rows)
	header = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
	return header + pixels


def putOnClipboard(dib: bytes | None) -> None:
	if not user32.OpenClipboard(None):
		raise ctypes.WinError(ctypes.get_last_error())
	try:
		user32.EmptyClipboard()
		if dib is not None:
			handle = kernel32.GlobalAlloc(GMEM_MOVEABLE, len(dib))
			ctypes.memmove(kernel32.GlobalLock(handle), dib, len(dib))
			kernel32.GlobalUnlock(handle)
			if not user32.SetClipboardData(CF_DIB, handle):
				raise ctypes.WinError(ctypes.get_last_error())
	finally:
		user32.CloseClipboard()


def clipboard(config: dict) -> dict:
	from visionDescriberCore.errors import NoImageFound
	from visionDescriberCore.imaging.imageSources import readClipboardImage

	putOnClipboard(deviceIndependentBitmap())
	image = readClipboardImage()
	width, height = CLIPBOARD_SIZE
	points = [(2, 2), (10, 30), (80, 30), (44, 59), (45, 59), (width - 1, height - 1)]
	putOnClipboard(None)
	try:
		readClipboardImage()
		empty = "read something from an empty clipboard"
	except NoImageFound as error:
		empty = error.sentence
	return {
		"size": list(image.size),
		"mode": image.mode,
		"pixels": {f"{x},{y}": [list(image.getpixel((x, y))), list(clipboardPixel(x, y))] for x, y in points},
		"emptyClipboard": empty,
	}


def compileAll(config: dict) -> dict:
	"""Compiles (never runs) every .py file of the add-on and of this Python's library folder."""
	roots = [
		os.path.join(config["addonRoot"], "globalPlugins"),
		os.path.join(config["addonRoot"], "packages"),
		config["depsPath"],
	]
	count, failures = 0, []
	for root in roots:
		for folder, _folders, files in os.walk(root):
			for name in files:
				if name.endswith(".py"):
					path = os.path.join(folder, name)
					count += 1
					try:
						with open(path, "rb") as file:
							compile(file.read(), path, "exec", dont_inherit=True)
					except SyntaxError as error:
						failures.append(f"{path}: {error}")
	return {"files": count, "failures": failures}


STEPS = {
	"loader": loader,
	"pillow": pillow,
	"capture": capture,
	"keyring": keyringStore,
	"keyStore": keyStore,
	"clipboard": clipboard,
	"compile": compileAll,
}


def main(configPath: str) -> int:
	with open(configPath, encoding="utf-8") as file:
		config = json.load(file)
	report = {}
	for name in config["steps"]:
		started = time.perf_counter()
		try:
			report[name] = {"ok": True, **STEPS[name](config)}
		except Exception:
			report[name] = {"ok": False, "traceback": traceback.format_exc()}
		report[name]["seconds"] = round(time.perf_counter() - started, 3)
		if name == "loader" and not report[name].get("ready"):
			break  # nothing else can use libraries the loader could not load
	with open(os.path.join(config["outDir"], "report.json"), "w", encoding="utf-8") as file:
		json.dump(report, file, indent=1, default=str)
	return 0


if __name__ == "__main__":
	sys.exit(main(sys.argv[1]))
