"""The picture step of a request, on the worker: grab, blank guard, sizing for the model, widening.

`describing.Describer` holds one `PictureStep` and calls it on the job runner's single worker; nothing
here runs on NVDA's main thread. The grab comes first, at the moment of the press, and a blank screen
capture is refused before the server is asked anything.

Picture size. Before preparing, the worker learns how the model uses pictures (`imaging.sizing`):
from the model id for OpenAI and compatible servers, and for Ollama by asking the server once per
server and model (`OllamaClient.describeGeometry`, kept until either changes). If Ollama cannot
say, today's sizes apply and the reason goes to the log only; a server that cannot be reached at all
is reported as the request would report it, without waiting twice. Where the server enlarges small
pictures to a token floor, a small screen object is captured with its surroundings instead
(`imaging.widening`) and the request says where the object is.
"""

import logging
from collections.abc import Callable
from typing import Any

from .cancellation import CancelToken
from .clients import VisionClient
from .imaging.geometryCache import GeometryCache
from .imaging.sizing import PicturePlan, geometryFromSettings, planFor
from .media import ImageSource, PreparedImage
from .settings import Settings

log = logging.getLogger("visionDescriber")


class PictureStep:
	"""Worker: the picture of one request. clientFor gives the client (kept by the Describer) that
	Ollama is asked through; prepare and checkNotBlank default to the core's own."""

	def __init__(
		self,
		clientFor: Callable[[Settings], VisionClient],
		prepare: Callable[[Any, Settings, PicturePlan | None], PreparedImage] | None = None,
		checkNotBlank: Callable[[Any], None] | None = None,
	):
		self._clientFor = clientFor
		self._prepare = prepare or prepareForSettings
		self._checkNotBlank = checkNotBlank or _defaultBlankCheck()
		#: Worker only: what each (provider, server, model) does with pictures.
		self._geometries = GeometryCache()

	def capture(
		self, source: ImageSource, settings: Settings, token: CancelToken
	) -> tuple[PreparedImage, str]:
		"""The prepared picture, and a sentence saying where the object is when the capture was
		widened around it ("" otherwise). The grab comes first, at the moment of the press, and a
		blank one is refused before the server is asked anything."""
		image = self.grab(source, token)
		plan = self.planFor(settings, token)
		position = ""
		widened = self.widened(source, plan)
		if widened is not None:
			image, position = widened
			token.raiseIfCancelled()
		prepared = self._prepare(image, settings, plan)
		token.raiseIfCancelled()
		return prepared, position

	def grab(self, source: ImageSource, token: CancelToken) -> Any:
		image = source.grab()
		token.raiseIfCancelled()
		if source.isScreenCapture:
			self._checkNotBlank(image)
		return image

	def planFor(self, settings: Settings, token: CancelToken) -> PicturePlan:
		"""Worker: how pictures are sized for the model of these settings (may ask Ollama, once)."""
		plan = planFor(
			self._geometryFor(settings, token),
			settings.pictureDetail,
			settings.maxImageSide,
			settings.provider,
		)
		token.raiseIfCancelled()
		return plan

	@staticmethod
	def widened(source: ImageSource, plan: PicturePlan) -> tuple[Any, str] | None:
		"""A screen object captured again with its surroundings, where the server would enlarge a
		small picture to a token floor anyway; None otherwise (files and the clipboard never)."""
		screenObject = source.screenObject
		if not (source.isScreenCapture and screenObject is not None and plan.floorTokens):
			return None
		from .imaging.capture import Rect
		from .imaging.widening import widenAroundObject

		widening = widenAroundObject(
			Rect(*screenObject.rect), screenObject.screen(), plan.floorTokens, plan.geometry.floorBlock
		)
		if widening is None:
			return None
		log.debug("Capturing %s around the object at %s", widening.rect, screenObject.rect)
		return screenObject.grab(widening.rect), widening.phrase

	@staticmethod
	def surroundings(source: ImageSource) -> tuple[Any, Any] | None:
		"""Worker, for `captureFirst`: the monitor that shows a screen object and its picture, taken
		at the press with the object, so a capture widened around it later shows that same moment."""
		screenObject = source.screenObject
		if not source.isScreenCapture or screenObject is None:
			return None
		screen = screenObject.screen()
		return screen, screenObject.grab(screen)

	def _geometryFor(self, settings: Settings, token: CancelToken) -> Any:
		"""Worker: the model's picture rule (None: today's sizes), see imaging.geometryCache."""
		describe = None
		if settings.provider == "ollama":
			ask = getattr(self._clientFor(settings), "describeGeometry", None)
			describe = (lambda: ask(token)) if ask is not None else None
		return self._geometries.geometryFor(settings.provider, settings.baseUrl, settings.model, describe)


def prepareForSettings(image: Any, settings: Settings, plan: PicturePlan | None = None) -> PreparedImage:
	"""Scales and encodes a captured image as the plan says; without a plan, as the settings say for a
	model whose family is known from its name (OpenAI and compatible servers), else today's sizes."""
	from .imaging.sizing import prepareWithPlan

	if plan is None:
		plan = planFor(
			geometryFromSettings(settings.provider, settings.model),
			settings.pictureDetail,
			settings.maxImageSide,
			settings.provider,
		)
	return prepareWithPlan(image, plan)


def _defaultBlankCheck() -> Callable[[Any], None]:
	"""The core's blank check, imported when first used (it needs Pillow, which the NVDA layer may
	not have found; the plugin must still load and say so)."""

	def check(image: Any) -> None:
		from .imaging.blankDetection import checkNotBlank

		checkNotBlank(image)

	return check
