"""Shows a window with known text on Wine's desktop until told to stop (Windows Python, under Wine).

	python.exe showWindow.py STOP_FILE "TEXT"

A plain Win32 window made with ctypes (no toolkit in this Python): white, borderless, topmost, with
TEXT drawn large in black by its WM_PAINT handler. Once it has been painted, one JSON line goes to
standard output: {"rect": [left, top, width, height]} in screen pixels. It then keeps answering
messages (so it repaints if asked) until STOP_FILE exists, or for two minutes at most.
"""

import ctypes
import json
import os
import sys
import time
from ctypes import wintypes

LEFT, TOP, WIDTH, HEIGHT = 96, 112, 760, 180
LIFETIME = 120.0

WM_PAINT = 0x000F
WS_POPUP = 0x80000000
WS_VISIBLE = 0x10000000
WS_EX_TOPMOST = 0x00000008
DT_CENTER, DT_VCENTER, DT_SINGLELINE = 0x1, 0x4, 0x20
PM_REMOVE = 0x1
FW_BOLD = 700
TRANSPARENT = 1
WHITE_BRUSH = 0

user32 = ctypes.WinDLL("user32", use_last_error=True)
gdi32 = ctypes.WinDLL("gdi32", use_last_error=True)
kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)

LRESULT = ctypes.c_ssize_t
WNDPROC = ctypes.WINFUNCTYPE(LRESULT, wintypes.HWND, wintypes.UINT, wintypes.WPARAM, wintypes.LPARAM)


class WNDCLASSW(ctypes.Structure):
	_fields_ = [
		("style", wintypes.UINT),
		("lpfnWndProc", WNDPROC),
		("cbClsExtra", ctypes.c_int),
		("cbWndExtra", ctypes.c_int),
		("hInstance", wintypes.HINSTANCE),
		("hIcon", wintypes.HICON),
		("hCursor", wintypes.HANDLE),
		("hbrBackground", wintypes.HBRUSH),
		("lpszMenuName", wintypes.LPCWSTR),
		("lpszClassName", wintypes.LPCWSTR),
	]


class PAINTSTRUCT(ctypes.Structure):
	_fields_ = [
		("hdc", wintypes.HDC),
		("fErase", wintypes.BOOL),
		("rcPaint", wintypes.RECT),
		("fRestore", wintypes.BOOL),
		("fIncUpdate", wintypes.BOOL),
		("rgbReserved", ctypes.c_byte * 32),
	]


user32.DefWindowProcW.argtypes = [wintypes.HWND, wintypes.UINT, wintypes.WPARAM, wintypes.LPARAM]
user32.DefWindowProcW.restype = LRESULT
user32.CreateWindowExW.argtypes = [
	wintypes.DWORD,
	wintypes.LPCWSTR,
	wintypes.LPCWSTR,
	wintypes.DWORD,
	ctypes.c_int,
	ctypes.c_int,
	ctypes.c_int,
	ctypes.c_int,
	wintypes.HWND,
	wintypes.HMENU,
	wintypes.HINSTANCE,
	wintypes.LPVOID,
]
user32.CreateWindowExW.restype = wintypes.HWND
user32.BeginPaint.argtypes = [wintypes.HWND, ctypes.POINTER(PAINTSTRUCT)]
user32.BeginPaint.restype = wintypes.HDC
user32.EndPaint.argtypes = [wintypes.HWND, ctypes.POINTER(PAINTSTRUCT)]
user32.DrawTextW.argtypes = [
	wintypes.HDC,
	wintypes.LPCWSTR,
	ctypes.c_int,
	ctypes.POINTER(wintypes.RECT),
	wintypes.UINT,
]
user32.GetClientRect.argtypes = [wintypes.HWND, ctypes.POINTER(wintypes.RECT)]
user32.GetWindowRect.argtypes = [wintypes.HWND, ctypes.POINTER(wintypes.RECT)]
user32.UpdateWindow.argtypes = [wintypes.HWND]
user32.PeekMessageW.argtypes = [
	ctypes.POINTER(wintypes.MSG),
	wintypes.HWND,
	wintypes.UINT,
	wintypes.UINT,
	wintypes.UINT,
]
user32.TranslateMessage.argtypes = [ctypes.POINTER(wintypes.MSG)]
user32.DispatchMessageW.argtypes = [ctypes.POINTER(wintypes.MSG)]
gdi32.CreateFontW.argtypes = [ctypes.c_int] * 5 + [wintypes.DWORD] * 8 + [wintypes.LPCWSTR]
gdi32.CreateFontW.restype = wintypes.HFONT
gdi32.SelectObject.argtypes = [wintypes.HDC, wintypes.HGDIOBJ]
gdi32.SelectObject.restype = wintypes.HGDIOBJ
gdi32.SetBkMode.argtypes = [wintypes.HDC, ctypes.c_int]
gdi32.GetStockObject.restype = wintypes.HGDIOBJ
kernel32.GetModuleHandleW.restype = wintypes.HMODULE


def main(stopFile: str, text: str) -> int:
	font = gdi32.CreateFontW(-64, 0, 0, 0, FW_BOLD, 0, 0, 0, 0, 0, 0, 0, 0, "Arial")
	painted = []

	@WNDPROC
	def windowProc(hwnd, message, wParam, lParam):
		if message == WM_PAINT:
			paint = PAINTSTRUCT()
			dc = user32.BeginPaint(hwnd, ctypes.byref(paint))
			client = wintypes.RECT()
			user32.GetClientRect(hwnd, ctypes.byref(client))
			gdi32.SelectObject(dc, font)
			gdi32.SetBkMode(dc, TRANSPARENT)
			user32.DrawTextW(dc, text, -1, ctypes.byref(client), DT_CENTER | DT_VCENTER | DT_SINGLELINE)
			user32.EndPaint(hwnd, ctypes.byref(paint))
			painted.append(True)
			return 0
		return user32.DefWindowProcW(hwnd, message, wParam, lParam)

	windowClass = WNDCLASSW()
	windowClass.lpfnWndProc = windowProc
	windowClass.lpszClassName = "visionDescriberTestWindow"
	windowClass.hInstance = kernel32.GetModuleHandleW(None)
	windowClass.hbrBackground = gdi32.GetStockObject(WHITE_BRUSH)
	if not user32.RegisterClassW(ctypes.byref(windowClass)):
		raise ctypes.WinError(ctypes.get_last_error())
	hwnd = user32.CreateWindowExW(
		WS_EX_TOPMOST,
		windowClass.lpszClassName,
		text,
		WS_POPUP | WS_VISIBLE,
		LEFT,
		TOP,
		WIDTH,
		HEIGHT,
		None,
		None,
		windowClass.hInstance,
		None,
	)
	if not hwnd:
		raise ctypes.WinError(ctypes.get_last_error())
	user32.UpdateWindow(hwnd)
	message = wintypes.MSG()
	announced = False
	deadline = time.monotonic() + LIFETIME
	while time.monotonic() < deadline and not os.path.exists(stopFile):
		while user32.PeekMessageW(ctypes.byref(message), None, 0, 0, PM_REMOVE):
			user32.TranslateMessage(ctypes.byref(message))
			user32.DispatchMessageW(ctypes.byref(message))
		if painted and not announced:
			# Let the X server draw what GDI painted before anyone looks at it.
			time.sleep(0.3)
			rect = wintypes.RECT()
			user32.GetWindowRect(hwnd, ctypes.byref(rect))
			print(json.dumps({"rect": [rect.left, rect.top, rect.right - rect.left, rect.bottom - rect.top]}))
			sys.stdout.flush()
			announced = True
		time.sleep(0.02)
	user32.DestroyWindow(hwnd)
	return 0


if __name__ == "__main__":
	sys.exit(main(sys.argv[1], sys.argv[2]))
