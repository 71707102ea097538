"""Pictures: where they come from and how they are made ready to send.

- `capture`: rectangles of the screen grabbed with mss, clipped and refused where nothing can be seen;
- `blankDetection`: the guard that keeps a black or flat capture from being described;
- `imageSources`: image files and the clipboard, read with Pillow, huge ones reduced as they are read
  (JPEG in draft mode, PNG band by band with `bandedPng`), HEIC told apart;
- `preparation`: scaling and encoding for the model, within a byte budget;
- `modelGeometry`: what a server does with the pixels it is sent, by kind of rule (pure arithmetic);
- `tiledGeometry`: the tiled kinds of rule (canvases of tiles, slices);
- `modelFamilies`: which rule and figures each model follows, from Ollama's answers or a model id;
- `sizing`: the picture-detail policy that turns those rules into the size sent;
- `geometryCache`: each model's rule, learned once per server and model (on the describer's worker);
- `widening`: a small screen target captured with its surroundings where a server pays a floor.

May import: the bottom of the core (`errors`, `i18n`, `cancellation`, `media`) and Pillow / mss.
What the Ollama client learns about a model comes down as plain data (imaging sits below `clients`).
"""

from ..errors import ImagingUnavailable


def requirePillow() -> None:
	"""Imports Pillow with its compiled core; a missing or broken copy raises ImagingUnavailable.

	Callers that import this package's modules lazily (the command-line tool, `check`'s test picture)
	call it first, so a damaged Pillow is a sentence, not a traceback. Python does not remember a
	failed import, so each call tries again and fails the same way.
	"""
	try:
		from PIL import Image  # noqa: F401 - Image loads the compiled core, _imaging
	except (ImportError, OSError) as error:
		raise ImagingUnavailable(f"{type(error).__name__}: {error}") from error
