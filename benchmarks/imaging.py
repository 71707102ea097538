"""Capture and preparation against the naive path, side by side in one run.

    .venv/bin/python benchmarks/imaging.py [--no-ocr] [--repeat N]

Starts its own 3840x2160 Xvfb, draws real wx screens on it (a text-heavy window at 100 % on
1920x1080, the same at 200 % on 3840x2160, and a desktop at each size with a photograph as wallpaper,
a window with a picture in its preview pane, and a taskbar), captures them with mss and prints, per
screen: capture, blank-check and preparation times (medians), the bytes sent (base64), the same for
the naive path (full-size PNG, base64), the ratios, and how many words tesseract still reads.
A 1920x1080 screen is a 1920x1080 rectangle of the display, which costs mss the same as a screen.
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import statistics
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(here, "..", "addon", "packages"), os.path.join(here, "..", "tests")]

import ocr  # noqa: E402
import screens  # noqa: E402
from PIL import Image  # noqa: E402
from visionDescriberCore.imaging import capture  # noqa: E402
from visionDescriberCore.imaging.blankDetection import blankness  # noqa: E402
from visionDescriberCore.imaging.capture import Rect  # noqa: E402
from visionDescriberCore.imaging.preparation import policyForProvider, prepareImage  # noqa: E402
from xserver import startXvfb  # noqa: E402


def median(function, repeat: int):
	"""(median milliseconds, last result)."""
	times = []
	result = None
	for _ in range(repeat):
		started = time.perf_counter()
		result = function()
		times.append((time.perf_counter() - started) * 1000)
	return statistics.median(times), result


def naivePath(image):
	buffer = io.BytesIO()
	image.save(buffer, "PNG")
	return base64.b64encode(buffer.getvalue())


# (name, width, height, text scale, desktop with wallpaper and taskbar?)
SCREENS = (
	("1920x1080 text window, 100 %", 1920, 1080, 1.0, False),
	("1920x1080 desktop, 100 %", 1920, 1080, 1.0, True),
	("3840x2160 text window, 200 %", 3840, 2160, 2.0, False),
	("3840x2160 desktop, 200 %", 3840, 2160, 2.0, True),
)


def main() -> None:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--no-ocr", action="store_true", help="skip the tesseract legibility figures")
	parser.add_argument("--repeat", type=int, default=7, help="runs per timing (median)")
	args = parser.parse_args()
	useOcr = not args.no_ocr and ocr.available()

	display = startXvfb(3840, 2160)
	os.environ["DISPLAY"] = display.name
	try:
		import wx

		app = wx.App(redirect=False)  # noqa: F841 (kept alive for the run)
		policies = {"local": policyForProvider("ollama"), "openai": policyForProvider("openai", "auto")}
		print(f"mss under Xvfb, Pillow preparation; medians of {args.repeat} runs; bytes are base64 as sent.")
		print("Naive path: the full-size capture as PNG (Pillow's default level 6), base64.\n")
		header = (
			f"{'screen':30} {'policy':6} {'capture':>8} {'blank':>6} {'prepare':>8} {'bytes sent':>10} "
			f"{'as':>4} {'size':>9} {'naive':>8} {'naive bytes':>11} {'bytes x':>7} {'time x':>6} {'OCR kept':>13}"
		)
		print(header)
		print("-" * len(header))
		for name, width, height, scale, desktop in SCREENS:
			if desktop:
				frames, vocabulary, window = screens.showDesktop(width, height, scale=scale)
				sideTop = 0.3
			else:
				frame, vocabulary = screens.showApplicationWindow(0, 0, width, height, scale=scale)
				frames, window, sideTop = [frame], (0, 0, width, height), 0.0
			rect = Rect(0, 0, width, height)
			screens.waitUntilStable(lambda rect=rect: capture.grab(rect))
			captureMs, image = median(lambda rect=rect: capture.grab(rect), args.repeat)
			blankMs, _ = median(lambda image=image: blankness(image), args.repeat)
			naiveMs, naive = median(lambda image=image: naivePath(image), max(3, args.repeat // 2))
			for policyName, policy in policies.items():
				prepareMs, prepared = median(
					lambda image=image, policy=policy: prepareImage(image, policy), args.repeat
				)
				sent = len(prepared.base64())
				legible = ""
				if useOcr and policyName == "local":
					decoded = Image.open(io.BytesIO(prepared.data))
					kept, count = ocr.legibility(
						image,
						decoded,
						screens.windowRegions(*window, sideTop=sideTop),
						enlarge=2.0 / scale,
						vocabulary={word.lower() for word in vocabulary},
					)
					legible = f"{kept:6.1%} of {count}"
				print(
					f"{name:30} {policyName:6} {captureMs:6.1f}ms {blankMs:4.1f}ms {prepareMs:6.1f}ms {sent:>10,} "
					f"{prepared.mimeType[6:]:>4} {f'{prepared.width}x{prepared.height}':>9} "
					f"{naiveMs:6.0f}ms {len(naive):>11,} {len(naive) / sent:6.1f}x "
					f"{(captureMs + naiveMs) / (captureMs + prepareMs):5.1f}x {legible:>13}"
				)
			for frame in frames:
				frame.Destroy()
			screens.pump(0.1)
		print(
			"\n'bytes x' and 'time x': naive / prepared (time includes the capture). 'OCR kept': share of "
			"the words tesseract reads correctly from the full-size capture that it still reads from the "
			"prepared image (text enlarged to 200 % for both readings)."
		)
	finally:
		display.stop()


if __name__ == "__main__":
	main()
