"""Fake of NVDA's logHandler: `log` is a real logging.Logger subclass whose records are kept.

`testing.records` holds every logging.LogRecord (level DEBUG and up, as with NVDA's debug log level),
each with the `codepath` NVDA's formatter writes (given by the caller here, "unknown" otherwise);
`testing.text()` is the whole log as NVDA would write it, tracebacks included, so a test can prove
that a secret or a traceback never reached it.
"""

import logging
import traceback


class Logger(logging.Logger):
	IO = 12
	DEBUGWARNING = 15
	OFF = 100

	def _log(
		self,
		level,
		msg,
		args,
		exc_info=None,
		extra=None,
		codepath=None,
		activateLogViewer=False,
		stack_info=False,
	):
		# NVDA records where each message came from (NVDA finds it from the stack when not given).
		extra = dict(extra or {})
		extra["codepath"] = codepath or "unknown"
		super()._log(level, msg, args, exc_info=exc_info, extra=extra, stack_info=stack_info)

	def debugWarning(self, msg, *args, **kwargs):
		if self.isEnabledFor(self.DEBUGWARNING):
			self._log(self.DEBUGWARNING, msg, args, **kwargs)

	def io(self, msg, *args, **kwargs):
		if self.isEnabledFor(self.IO):
			self._log(self.IO, msg, args, **kwargs)

	def exception(self, msg="", exc_info=True, **kwargs):
		self.error(msg, exc_info=exc_info, **kwargs)


logging.addLevelName(Logger.IO, "IO")
logging.addLevelName(Logger.DEBUGWARNING, "DEBUGWARNING")
logging.addLevelName(Logger.OFF, "OFF")


class testing:
	"""Test-only namespace of this fake (see tests/fakes/README.md)."""

	records: list[logging.LogRecord] = []

	class RecordingHandler(logging.Handler):
		def emit(self, record):
			testing.records.append(record)

	@staticmethod
	def messages(levelName: str | None = None) -> list[str]:
		"""The formatted messages, optionally only those of one level (e.g. "ERROR")."""
		return [r.getMessage() for r in testing.records if levelName in (None, r.levelname)]

	@staticmethod
	def text() -> str:
		"""Everything that reached the log, with tracebacks, as one string."""
		lines = []
		for record in testing.records:
			lines.append(f"{record.levelname} - {record.name}: {record.getMessage()}")
			if record.exc_info:
				lines.append("".join(traceback.format_exception(*record.exc_info)))
			if record.stack_info:
				lines.append(record.stack_info)
		return "\n".join(lines)


log = Logger("nvda", logging.DEBUG)
log.propagate = False
log.addHandler(testing.RecordingHandler())
