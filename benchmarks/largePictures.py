"""Huge picture files: the add-on's reading (JPEG draft, PNG in bands) against a whole decode, side by side.

    .venv/bin/python benchmarks/largePictures.py [--sizes 50,100,200]

For each size in megapixels (4:3 pictures) it writes a PNG and a JPEG to a temporary folder, then in a
fresh Python for each (so peaks do not mix) reads and prepares it as the add-on does (no size hint,
the most memory it takes) and as the command-line tool does (the long side it sends, 1568), and
decodes it whole with Pillow for comparison. It prints seconds and peak memory (VmHWM, which
includes about 20 MB of Python and Pillow). The limit the readme states is checked in
tests/core/test_largePictures.py.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
PACKAGES = os.path.join(here, "..", "addon", "packages")
sys.path[:0] = [PACKAGES, os.path.join(here, "..", "tests", "core")]

from largePictureFiles import writeBandsPng, writeJpeg  # noqa: E402

_READ = """
import json, resource, sys, time

def peakMB():
	# This process's own high-water mark (ru_maxrss would also count the parent's, see the test).
	try:
		with open("/proc/self/status") as status:
			for line in status:
				if line.startswith("VmHWM:"):
					return int(line.split()[1]) / 1024
	except OSError:
		pass
	return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

started = time.perf_counter()
how, path = sys.argv[1], sys.argv[2]
if how == "whole":
	from PIL import Image
	Image.MAX_IMAGE_PIXELS = None
	with Image.open(path) as image:
		image.load()
		image = image.convert("RGB")
else:
	from visionDescriberCore.imaging.imageSources import loadImageFile
	from visionDescriberCore.imaging.preparation import policyForProvider, prepareImage
	image = loadImageFile(path, draftLongSide=1568 if how == "cli" else None)
	prepareImage(image, policyForProvider("ollama"))
print(json.dumps({"seconds": time.perf_counter() - started,
	"peakMB": peakMB()}))
"""


def read(how: str, path: str) -> dict:
	env = {**os.environ, "PYTHONPATH": PACKAGES}
	result = subprocess.run([sys.executable, "-c", _READ, how, path], capture_output=True, text=True, env=env)
	if result.returncode:
		return {"failed": result.stderr.strip().splitlines()[-1]}
	return json.loads(result.stdout)


def cell(figures: dict) -> str:
	if "failed" in figures:
		return f"{'failed':>18}"
	return f"{figures['seconds']:6.2f} s {figures['peakMB']:6.0f} MB"


def main() -> None:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--sizes", default="50,100,200", help="megapixels, comma-separated")
	args = parser.parse_args()
	print(f"{'picture':<18}{'add-on':>20}{'command line':>20}{'whole decode':>20}")
	with tempfile.TemporaryDirectory() as folder:
		for megapixels in (int(size) for size in args.sizes.split(",")):
			height = int((megapixels * 1_000_000 * 3 / 4) ** 0.5)
			width = megapixels * 1_000_000 // height
			for kind in ("png", "jpeg"):
				path = os.path.join(folder, f"{megapixels}.{kind}")
				(writeBandsPng if kind == "png" else writeJpeg)(path, width, height)
				row = [read(how, path) for how in ("addon", "cli", "whole")]
				label = f"{megapixels} MP {kind.upper()}"
				print(f"{label:<18}" + "".join(f"{cell(figures):>20}" for figures in row))
				os.remove(path)


if __name__ == "__main__":
	main()
