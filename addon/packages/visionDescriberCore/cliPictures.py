"""The command-line tool's picture: read from a file or the screen, then prepared as the add-on does.

Runs on the tool's one thread. The picture is read first, so a missing file or a blank screen stops
the command before anything is asked or sent; then it is sized for the model's family at
--picture-detail (the family asked of Ollama as the add-on asks it) and encoded, PNG or JPEG by
content. --save-image writes the very bytes that are sent.
"""

import argparse
import logging

from .cancellation import CancelToken
from .cliWording import UsageError, regionOffScreen
from .errors import CaptureRefused
from .i18n import _
from .imaging.sizing import geometryFromSettings
from .media import PreparedImage


def loadInputImage(args: argparse.Namespace, client=None, token: CancelToken | None = None) -> PreparedImage:
	"""The picture to send, from a file or the screen, prepared as the add-on prepares it: read first
	(a missing file or a blank screen: nothing is asked or sent), then sized for the model's family
	at --picture-detail, the family asked of Ollama through client as the add-on asks it.

	Screen captures that are black or one flat colour are refused (nothing is sent), as in NVDA.
	With --save-image the prepared bytes are also written to that file.
	"""
	from .imaging import requirePillow

	requirePillow()  # a damaged Pillow is a sentence, not a traceback from reading the picture
	return sizedForModel(readPicture(args), args, client, token)


def sizedForModel(
	image, args: argparse.Namespace, client=None, token: CancelToken | None = None
) -> PreparedImage:
	"""The picture read, prepared for the model of client (asked of Ollama once), or without a client
	for the model named in args."""
	config = client.config if client is not None else None
	geometry = _geometry(client, token or CancelToken()) if client is not None else None
	return prepareInputImage(image, args, geometry, config)


def prepareInputImage(image, args: argparse.Namespace, geometry=None, config=None) -> PreparedImage:
	"""The picture sized for geometry (the model's picture rule; None: known from the model's name,
	else today's sizes) and encoded. With --save-image the bytes are also written to that file."""
	from .imaging.sizing import planFor, prepareWithPlan

	provider = config.provider if config is not None else args.provider
	model = config.model if config is not None else args.model or ""
	geometry = geometry or geometryFromSettings(provider, model)
	plan = planFor(geometry, args.pictureDetail, args.maxSide, provider)
	prepared = prepareWithPlan(image, plan)
	logging.getLogger("visionDescriber").info(
		"Sending %dx%d %s, %s image tokens (%s)",
		prepared.width,
		prepared.height,
		prepared.mimeType,
		plan.tokensFor(prepared.width, prepared.height) or "unknown",
		geometry.label if geometry is not None else "today's sizes",
	)
	if args.saveImage:
		try:
			with open(args.saveImage, "wb") as file:
				file.write(prepared.data)
		except OSError as error:
			# Translators: command-line tool; {path} is a file name, {reason} the system's words.
			sentence = _("Could not write {path}: {reason}.")
			raise UsageError(sentence.format(path=args.saveImage, reason=error.strerror or error)) from None
	return prepared


def _geometry(client, token: CancelToken):
	"""The model's picture rule, asked of Ollama as the add-on asks it (see imaging.geometryCache)."""
	from .imaging.geometryCache import GeometryCache

	config = client.config
	ask = getattr(client, "describeGeometry", None)
	describe = (lambda: ask(token)) if ask is not None else None
	return GeometryCache().geometryFor(config.provider, config.baseUrl, config.model, describe)


def readPicture(args: argparse.Namespace):
	from .imaging.blankDetection import checkNotBlank
	from .imaging.capture import grab, grabScreen
	from .imaging.imageSources import loadImageFile

	if args.image:
		# Never decoded below the long side sent: only --max-side bounds it before the family is known.
		return loadImageFile(args.image, draftLongSide=args.maxSide)
	try:
		image = grabScreen() if args.screen else grab(args.region)
	except CaptureRefused:
		region = args.region
		raise UsageError(
			regionOffScreen(f"{region.left},{region.top},{region.width},{region.height}")
		) from None
	checkNotBlank(image)
	return image
