"""The picture rule of each model, learned once per server and model and kept while NVDA runs.

Runs on the describer's worker only (one thread, so no lock). For OpenAI and compatible servers the
rule comes from the model id and costs nothing. Ollama is asked (`describe`, the Ollama client's
`describeGeometry`, passed down as a plain callable since imaging sits below the clients) the first
time a model is used at a server; changing the model or the server asks again.

Failures never stop a describe: today's sizes apply and the reason goes to the log, not to speech.
A failure is remembered like an answer (a server whose /api/show is broken is not asked before every
picture), except two: a model that is not installed yet (asked again once it is pulled), and a
server that cannot be reached at all, which is raised as the request itself would raise it, so the
user hears the same sentence without waiting for two connection timeouts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from ..errors import Cancelled, ModelNotFound, ServerUnreachable, TimedOut, VisionDescriberError
from .modelFamilies import geometryFromOllama
from .modelGeometry import VisionGeometry
from .sizing import geometryFromSettings

log = logging.getLogger("visionDescriber")


class GeometryCache:
	"""Worker: provider, server and model -> the family's rule (None when not known)."""

	def __init__(self):
		self._known: dict[tuple[str, str, str], VisionGeometry | None] = {}

	def clear(self) -> None:
		self._known.clear()

	def geometryFor(
		self,
		provider: str,
		baseUrl: str,
		model: str,
		describe: Callable[[], Mapping] | None = None,
	) -> VisionGeometry | None:
		if provider != "ollama":
			return geometryFromSettings(provider, model)
		key = (provider, baseUrl, model)
		if key in self._known:
			return self._known[key]
		geometry = None
		if describe is not None:
			try:
				geometry = geometryFromOllama(describe())
			except Cancelled:
				raise
			except (ServerUnreachable, TimedOut) as error:
				if not isinstance(error, TimedOut) or error.phase == TimedOut.CONNECT:
					raise
				log.info("Ollama did not say how %s sees pictures: %s", model, error.detail)
			except ModelNotFound as error:
				log.info("Ollama does not know %s yet: %s", model, error.detail)
				return None
			except VisionDescriberError as error:
				log.info("Ollama did not say how %s sees pictures: %s", model, error.detail)
		log.debug("Picture rule for %s at %s: %s", model, baseUrl, geometry)
		self._known[key] = geometry
		return geometry
