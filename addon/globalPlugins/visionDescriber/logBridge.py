"""The core logs to `logging.getLogger("visionDescriber")`; inside NVDA those records belong in
NVDA's log. `install()` adds a handler that hands each record to `logHandler.log` (NVDA's level
decides what is written), and `remove()` takes it away again when the plugin terminates.

Keys never reach the log: the core never logs one, and as a second line of defence every message
and traceback is cleaned of the keys the plugin has used (`addSecret`) before NVDA sees it.
"""

import logging
import traceback

from logHandler import log as nvdaLog
from visionDescriberCore.errors import redact

CORE_LOGGER = "visionDescriber"


class NvdaLogBridge(logging.Handler):
	def __init__(self, target: logging.Logger = nvdaLog):
		super().__init__(logging.DEBUG)
		self._target = target
		self._secrets: set[str] = set()
		self._logger: logging.Logger | None = None
		self._savedLevel = logging.NOTSET
		self._savedPropagate = True

	def addSecret(self, secret: str | None) -> None:
		"""Remembers a key so that it is cut out of anything logged from now on."""
		if secret:
			self._secrets.add(secret)

	def emit(self, record: logging.LogRecord) -> None:
		if not self._target.isEnabledFor(record.levelno):
			return
		try:
			message = record.getMessage()
			if record.exc_info:
				message += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip()
			message = redact(message, *self._secrets)
			# The traceback is already in the message (cleaned), so NVDA is given no exc_info.
			self._target.log(
				record.levelno,
				f"Vision Describer: {message}",
				codepath=f"visionDescriberCore.{record.module}.{record.funcName}",
			)
		except Exception:
			self.handleError(record)

	def install(self) -> "NvdaLogBridge":
		logger = logging.getLogger(CORE_LOGGER)
		self._logger = logger
		self._savedLevel, self._savedPropagate = logger.level, logger.propagate
		# Every record reaches the handler, which asks NVDA's log whether it wants it; records do not
		# also travel to the root logger, where NVDA or another add-on might write them twice.
		logger.setLevel(logging.DEBUG)
		logger.propagate = False
		logger.addHandler(self)
		return self

	def remove(self) -> None:
		logger, self._logger = self._logger, None
		if logger is None:
			return
		logger.removeHandler(self)
		logger.setLevel(self._savedLevel)
		logger.propagate = self._savedPropagate
		self._secrets.clear()


def install() -> NvdaLogBridge:
	return NvdaLogBridge().install()
