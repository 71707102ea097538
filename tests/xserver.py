"""Starts a real X server (Xvfb) for tests that need a display: wx windows and mss captures."""

import os
import shutil
import subprocess
from dataclasses import dataclass


@dataclass
class VirtualDisplay:
	name: str  # e.g. ":42"
	width: int
	height: int
	process: subprocess.Popen

	def stop(self) -> None:
		self.process.terminate()
		try:
			self.process.wait(timeout=5)
		except subprocess.TimeoutExpired:
			self.process.kill()
			self.process.wait()


def startXvfb(width: int = 3840, height: int = 2160, extraArgs: tuple[str, ...] = ()) -> VirtualDisplay:
	"""Starts Xvfb on a free display number and waits until it accepts clients."""
	xvfb = shutil.which("Xvfb")
	if not xvfb:
		raise RuntimeError("Xvfb is not installed: run `bash scripts/setup-env`")
	readEnd, writeEnd = os.pipe()
	process = subprocess.Popen(
		[
			xvfb,
			"-displayfd",
			str(writeEnd),
			"-screen",
			"0",
			f"{width}x{height}x24",
			"-nolisten",
			"tcp",
			# Without -noreset the server resets whenever its last client disconnects, and a client
			# connecting during that reset is refused: GTK's start-up makes a short-lived connection
			# of its own, so wx.App() failed about one time in three.
			"-noreset",
			*extraArgs,
		],
		pass_fds=(writeEnd,),
		stdout=subprocess.DEVNULL,
		stderr=subprocess.DEVNULL,
	)
	os.close(writeEnd)
	with os.fdopen(readEnd) as reader:
		number = reader.readline().strip()  # Xvfb writes the number once it is ready
	if not number:
		process.kill()
		raise RuntimeError("Xvfb did not start")
	return VirtualDisplay(f":{number}", width, height, process)
