"""Reads words from an in-memory image with the tesseract command (no temporary files)."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from PIL import Image


def available() -> bool:
	return shutil.which("tesseract") is not None


def readText(image: Image.Image, enlarge: float = 1.0) -> str:
	"""OCR text of image, optionally enlarged first (tesseract reads glyphs about 20-30 px tall best)."""
	if enlarge != 1.0:
		size = (round(image.width * enlarge), round(image.height * enlarge))
		image = image.resize(size, Image.Resampling.BICUBIC)
	buffer = io.BytesIO()
	image.save(buffer, "PNG", compress_level=1)
	# One thread per tesseract: several processes side by side are faster than its own threading.
	result = subprocess.run(
		["tesseract", "stdin", "stdout"],
		input=buffer.getvalue(),
		capture_output=True,
		check=True,
		timeout=120,
		env={**os.environ, "OMP_THREAD_LIMIT": "1"},
	)
	return result.stdout.decode("utf-8", "replace")


def readMany(jobs: list[tuple[Image.Image, float]]) -> list[str]:
	"""readText for several (image, enlarge) pairs at once, one tesseract process per CPU."""
	with ThreadPoolExecutor(max_workers=max(1, os.cpu_count() or 1)) as pool:
		return list(pool.map(lambda job: readText(*job), jobs))


def words(text: str) -> Counter:
	"""Lower-case words of two or more letters or digits, with how often each occurs."""
	return Counter(word.lower() for word in re.findall(r"[A-Za-z0-9]{2,}", text))


def keptShare(reference: Counter, candidate: Counter) -> float:
	"""Share of reference's words (counting repeats) that candidate also has."""
	total = sum(reference.values())
	return sum((reference & candidate).values()) / total if total else 1.0


def legibility(
	full: Image.Image, prepared: Image.Image, regions, enlarge: float = 1.0, vocabulary=None
) -> tuple[float, int]:
	"""How much of full's text prepared keeps: (share of words kept, words in the reference).

	Both pictures are brought to full's size times enlarge (bicubic) and read in the same regions
	(boxes in full-size pixels). With a vocabulary, the reference keeps only words from it: words the
	screen really shows, read correctly at full size; junk from half lines at a region's edge is
	left out.
	"""
	size = (round(full.width * enlarge), round(full.height * enlarge))
	reference = full if size == full.size else full.resize(size, Image.Resampling.BICUBIC)
	candidate = prepared.convert("RGB").resize(size, Image.Resampling.BICUBIC)
	jobs = []
	for box in regions:
		scaled = tuple(round(value * enlarge) for value in box)
		jobs += [(reference.crop(scaled), 1.0), (candidate.crop(scaled), 1.0)]
	texts = readMany(jobs)
	referenceWords = words(" ".join(texts[0::2]))
	if vocabulary is not None:
		referenceWords = Counter({word: n for word, n in referenceWords.items() if word in vocabulary})
	return keptShare(referenceWords, words(" ".join(texts[1::2]))), sum(referenceWords.values())
