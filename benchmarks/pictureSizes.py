"""Pictures sized for the model against today's sizes, per family, side by side in one run.

    .venv/bin/python benchmarks/pictureSizes.py [--ocr] [--repeat N]

Starts its own 3840x2160 Xvfb and draws real wx screens on it (tests/screens.py): a text-heavy
window on a 1920x1080 screen at 100 %, the same on a 3840x2160 screen at 200 %, and a 300x200 crop of
the first (a form with buttons). Each family's rule is learned as the add-on learns it: the Ollama
client asks the fake Ollama (tests/core/servers/fakeOllama.py) /api/version and /api/show, answering
as Ollama 0.24 (its own Go image code) or 0.30 (llama.cpp's mtmd) does; OpenAI models and the
unknown model from their ids.

Printed per family and picture:
- today: the size, image tokens and bytes (base64, as sent) of today's preparation (a long side of
  1568 for local servers; 2048/768 with detail "auto" for OpenAI), with the tokens the family's rule
  gives for that size;
- the same for Fast, Balanced and Detailed;
- preparation milliseconds (median) today and at Balanced;
- the prompt time Balanced saves against today at 20 tokens per second (a CPU-only laptop and a 4B
  model) and at 1,000 (a mid-range graphics card); negative when Balanced costs more (a family that
  today got fewer pixels than it can use, or a server floor).
With --ocr, also the share of words tesseract still reads on the text screens at each level (the
words it reads correctly from the full-size capture; text enlarged to 200 % for both readings).
Token counts come from re-implementing each server's rule; nothing here runs a model.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path[:0] = [
	str(REPOSITORY / "addon" / "packages"),
	str(REPOSITORY / "tests"),
	str(REPOSITORY / "tests" / "core"),
]

import ocr  # noqa: E402
import screens  # noqa: E402
from PIL import Image  # noqa: E402
from servers.fakeOllama import NEW_OLLAMA, OLD_OLLAMA, VISION_MODELS, FakeOllama  # noqa: E402
from visionDescriberCore.clients import EndpointConfig, OllamaClient  # noqa: E402
from visionDescriberCore.imaging import capture  # noqa: E402
from visionDescriberCore.imaging.capture import Rect  # noqa: E402
from visionDescriberCore.imaging.modelFamilies import geometryFromModelId, geometryFromOllama  # noqa: E402
from visionDescriberCore.imaging.preparation import policyForProvider, prepareImage  # noqa: E402
from visionDescriberCore.imaging.sizing import PICTURE_DETAILS, PicturePlan, prepareWithPlan  # noqa: E402
from xserver import startXvfb  # noqa: E402

OLLAMA_FAMILIES = (
	("gemma3", "gemma3:4b", (OLD_OLLAMA, NEW_OLLAMA)),
	("gemma4", "gemma4:12b", (OLD_OLLAMA, NEW_OLLAMA)),
	("qwen2.5vl", "qwen2.5vl:7b", (OLD_OLLAMA, NEW_OLLAMA)),
	("qwen3-vl", "qwen3-vl:8b", (OLD_OLLAMA, NEW_OLLAMA)),
	("llama3.2-vision", "llama3.2-vision:11b", (OLD_OLLAMA,)),
	("minicpm-v", "minicpm-v:8b", (NEW_OLLAMA,)),
	("granite3.2-vision", "granite3.2-vision:2b", (NEW_OLLAMA,)),
	("llava 1.6", "llava:7b", (NEW_OLLAMA,)),
	("llava 1.5", "llava-llama3:8b", (NEW_OLLAMA,)),
	("mistral-small 3", "mistral-small3.1:24b", (OLD_OLLAMA, NEW_OLLAMA)),
)
OPENAI_FAMILIES = (
	("gpt-4o-mini", "gpt-4o-mini"),
	("gpt-4.1-mini", "gpt-4.1-mini"),
	("unknown", "gpt-9-vision"),
)
RATES = (20, 1000)


def median(function, repeat: int):
	"""(median milliseconds, last result)."""
	times, result = [], None
	for _ in range(repeat):
		started = time.perf_counter()
		result = function()
		times.append((time.perf_counter() - started) * 1000)
	return statistics.median(times), result


def learnOllamaFamilies() -> list[tuple[str, str, object]]:
	"""(name, provider, geometry) for each Ollama family and generation, asked of the fake server."""
	found = []
	for version in (OLD_OLLAMA, NEW_OLLAMA):
		with FakeOllama(models=VISION_MODELS, version=version) as server:
			for name, model, versions in OLLAMA_FAMILIES:
				if version not in versions:
					continue
				with OllamaClient(EndpointConfig(baseUrl=server.url, model=model)) as client:
					geometry = geometryFromOllama(client.describeGeometry())
				found.append((f"{name} (Ollama {version[:4]})", "ollama", geometry))
	order = [name for name, _model, _versions in OLLAMA_FAMILIES]
	found.sort(key=lambda entry: (order.index(entry[0].split(" (")[0]), entry[0]))
	found += [(name, "openai", geometryFromModelId(model, "openai")) for name, model in OPENAI_FAMILIES]
	return found


def capturePictures() -> tuple[dict[str, Image.Image], dict[str, tuple], set[str]]:
	"""The three pictures, the text regions of the two screens, and the words drawn on them."""
	frame, words = screens.showApplicationWindow(0, 0, 1920, 1080, scale=1.0)
	screen1080 = screens.waitUntilStable(lambda: capture.grab(Rect(0, 0, 1920, 1080)))
	frame.Destroy()
	frame, more = screens.showApplicationWindow(0, 0, 3840, 2160, scale=2.0)
	screen4k = screens.waitUntilStable(lambda: capture.grab(Rect(0, 0, 3840, 2160)))
	frame.Destroy()
	screens.pump(0.05)
	pictures = {
		"1920x1080": screen1080,
		"3840x2160": screen4k,
		"300x200": screen1080.crop((1300, 800, 1600, 1000)),
	}
	regions = {
		"1920x1080": (screens.windowRegions(0, 0, 1920, 1080), 2.0),
		"3840x2160": (screens.windowRegions(0, 0, 3840, 2160), 1.0),
	}
	return pictures, regions, {word.lower() for word in words + more}


def cell(size, tokens, sent) -> str:
	return f"{f'{size[0]}x{size[1]}':>9} {tokens if tokens is not None else '?':>5} {sent / 1000:6.0f}K"


def main() -> None:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--ocr", action="store_true", help="also measure legibility with tesseract")
	parser.add_argument("--repeat", type=int, default=5, help="runs per preparation timing (median)")
	args = parser.parse_args()
	useOcr = args.ocr and ocr.available()

	display = startXvfb(3840, 2160)
	os.environ["DISPLAY"] = display.name
	try:
		import wx

		app = wx.App(redirect=False)  # noqa: F841 (kept alive for the run)
		pictures, regions, vocabulary = capturePictures()
		families = learnOllamaFamilies()
		legibility = {}
		print("Image tokens and bytes (base64, as sent): today against each picture detail.\n")
		header = (
			f"{'family':28} {'picture':9} | {'today':>22} | {'fast':>22} | {'balanced':>22} | {'detailed':>22} |"
			f" {'ms today':>8} {'ms bal.':>7} | {'saved s @20/s':>13} {'@1000/s':>7}"
		)
		print(header)
		print("-" * len(header))
		for name, provider, geometry in families:
			for pictureName, image in pictures.items():
				todayMs, today = median(
					lambda image=image, provider=provider: prepareImage(
						image, policyForProvider(provider, "auto")
					),
					args.repeat,
				)
				todayTokens = geometry.tokens(today.width, today.height) if geometry else None
				cells = [cell((today.width, today.height), todayTokens, len(today.base64()))]
				balancedMs = balancedTokens = 0
				for level in PICTURE_DETAILS:
					plan = PicturePlan(geometry, level, None, provider)
					ms, prepared = median(
						lambda image=image, plan=plan: prepareWithPlan(image, plan), args.repeat
					)
					tokens = plan.tokensFor(prepared.width, prepared.height)
					cells.append(cell((prepared.width, prepared.height), tokens, len(prepared.base64())))
					if level == "balanced":
						balancedMs, balancedTokens = ms, tokens
					if useOcr and pictureName in regions:
						legibility[(name, pictureName, level)] = measure(
							image, prepared, regions[pictureName], vocabulary
						)
				saved = [
					f"{(todayTokens - balancedTokens) / rate:+.1f}" if todayTokens is not None else "-"
					for rate in RATES
				]
				print(
					f"{name:28} {pictureName:9} | {' | '.join(cells)} | {todayMs:8.1f} {balancedMs:7.1f} |"
					f" {saved[0]:>13} {saved[1]:>7}"
				)
		if useOcr:
			printLegibility(families, legibility)
	finally:
		display.stop()


def measure(image, prepared, regionsAndEnlarge, vocabulary) -> str:
	regionBoxes, enlarge = regionsAndEnlarge
	decoded = Image.open(io.BytesIO(prepared.data))
	kept, count = ocr.legibility(image, decoded, regionBoxes, enlarge, vocabulary)
	return f"{kept:.0%}"


def printLegibility(families, legibility) -> None:
	print("\nWords tesseract still reads (of those it reads at full size), per picture detail.\n")
	header = f"{'family':28} {'picture':9} | {'fast':>5} {'balanced':>8} {'detailed':>8}"
	print(header)
	print("-" * len(header))
	for name, _provider, _geometry in families:
		for pictureName in ("1920x1080", "3840x2160"):
			values = [legibility.get((name, pictureName, level), "") for level in PICTURE_DETAILS]
			print(f"{name:28} {pictureName:9} | {values[0]:>5} {values[1]:>8} {values[2]:>8}")


if __name__ == "__main__":
	main()
