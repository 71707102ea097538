"""What the follow-up dialog's tests share (the window's in test_followUpDialog.py, the controller's
in test_followUpController.py): a picture to describe, the plugin's listener, and fake Ollama replies
that stop halfway. (tests/nvda/conftest.py makes the fake servers in tests/core importable.)"""

import io
import threading

from PIL import Image, ImageDraw
from servers.fakeOllama import NDJSON, ollamaLines
from servers.httpServer import Gate, Reply, Stall
from visionDescriberCore.media import PreparedImage
from visionDescriberCore.settings import Settings

CONTEXT = "This is a graphic labelled 'chart1' in Excel."
DESCRIPTION = ["A bar chart of sales. ", "March has the highest bar."]
QUESTION = "Which month is lowest?"


def screenshot(shade: int = 0) -> Image.Image:
	image = Image.new("RGB", (320, 200), "white")
	draw = ImageDraw.Draw(image)
	for index, height in enumerate((60, 90, 150)):
		draw.rectangle((40 + index * 80, 180 - height, 90 + index * 80, 180), fill=(30, 60 + shade, 120))
	return image


def preparePng(image: Image.Image, settings: Settings, plan=None) -> PreparedImage:
	"""Stands in for the image preparation module: PNG bytes of the grabbed picture."""
	buffer = io.BytesIO()
	image.save(buffer, "PNG")
	return PreparedImage(buffer.getvalue(), "image/png", image.width, image.height)


class Grabber:
	def __init__(self):
		self.calls = 0

	def __call__(self) -> Image.Image:
		self.calls += 1
		return screenshot(shade=self.calls * 40)


class PluginListener:
	"""What the plugin's describe command would listen with: records the end of the answer."""

	def __init__(self):
		self.ended = threading.Event()
		self.events: list[str] = []

	def onRequestSent(self):
		self.events.append("sent")

	def onPhrase(self, text):
		self.events.append("phrase")

	def onAnswer(self, session, text):
		self.events.append("answer")
		self.ended.set()

	def onError(self, error, session):
		self.events.append("error")
		self.ended.set()


def gatedReply(first: list[str], rest: list[str], gate: threading.Event) -> Reply:
	"""An Ollama stream that sends `first`, then waits for the test to open the gate."""
	lines = ollamaLines(first + rest)
	return Reply(200, [*lines[: len(first)], Gate(gate, timeout=10), *lines[len(first) :]], NDJSON)


def stalledReply(first: list[str]) -> Reply:
	"""Sends the first pieces, then nothing more until the client hangs up (as a stuck model)."""
	return Reply(200, [*ollamaLines(first, done=False), Stall(30)], NDJSON)
