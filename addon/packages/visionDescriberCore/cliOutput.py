"""Where the command-line tool writes, for every command: text on standard output, sentences on
standard error, the log on standard error with --verbose, and the exit status for a failure.

Writing can fail: the reader of a pipe goes away (`describe photo.png | head -c 10`) or the disk
fills up (`> /dev/full`). Either becomes `OutputFailed`, never a traceback: a closed pipe ends the
command quietly (no one is reading; exit status 1), a full disk is said on standard error. After a
failed write the stream is pointed at the null device, so Python's own flush at exit cannot
complain either. A sentence that cannot be written to standard error is dropped: there is nowhere
left to say it. Runs on the main thread of the tool's process.
"""

import contextlib
import logging
import os
import sys
from collections.abc import Iterator

from .cliWording import OutputFailed, UsageError, cliSentence, shortUsage
from .errors import Cancelled, VisionDescriberError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

log = logging.getLogger("visionDescriber")


def write(stream, text: str) -> None:
	"""Writes and flushes at once (an answer streams as it arrives); raises OutputFailed."""
	try:
		stream.write(text)
		stream.flush()
	except BrokenPipeError:
		_silence(stream)
		raise OutputFailed("the reader closed the pipe", closed=True) from None
	except (OSError, ValueError) as error:  # ValueError: the stream was closed
		_silence(stream)
		raise OutputFailed(getattr(error, "strerror", None) or str(error)) from None


def say(text: str) -> None:
	"""A line on standard error, or nothing when even that cannot be written."""
	with contextlib.suppress(OutputFailed):
		write(sys.stderr, text + "\n")


def _silence(stream) -> None:
	"""Points a broken stream at the null device, so nothing complains when it is flushed at exit."""
	with contextlib.suppress(OSError, ValueError, AttributeError):
		devnull = os.open(os.devnull, os.O_WRONLY)
		os.dup2(devnull, stream.fileno())
		os.close(devnull)


def prepareStreams() -> None:
	"""Unprintable characters as replacements, not a crash."""
	for stream in (sys.stdout, sys.stderr):
		if hasattr(stream, "reconfigure"):
			with contextlib.suppress(OSError, ValueError):
				stream.reconfigure(errors="replace")


@contextlib.contextmanager
def verboseLog(enabled: bool) -> Iterator[None]:
	"""With --verbose, the core's log (every request, how each answer ended, failures) goes to
	standard error while the command runs; keys never reach it (the clients redact them)."""
	if not enabled:
		yield
		return
	handler = logging.StreamHandler(sys.stderr)
	handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
	previous = log.level
	log.addHandler(handler)
	log.setLevel(logging.DEBUG)
	try:
		yield
	finally:
		log.removeHandler(handler)
		log.setLevel(previous)


def usageFailure(error: UsageError, program: str, commands: list[str]) -> int:
	say(error.sentence)
	if error.showUsage:
		say(shortUsage(program, commands))
	return EXIT_USAGE


def failure(error: BaseException, verbose: bool) -> int:
	"""Says what went wrong in one sentence on standard error; returns the exit status."""
	if isinstance(error, KeyboardInterrupt | Cancelled):
		say("\n" + cliSentence(Cancelled()) + ".")
		return EXIT_INTERRUPTED
	if isinstance(error, OutputFailed):
		if not error.closed:
			say(cliSentence(error))
		return EXIT_FAILED
	if not isinstance(error, VisionDescriberError):
		# A fault of the tool itself: one sentence; the traceback only for --verbose.
		log.error("Unexpected failure", exc_info=error)
		error = VisionDescriberError(f"{type(error).__name__}: {error}")
	if error.partialText:
		with contextlib.suppress(OutputFailed):
			write(sys.stdout, "\n")
	say(cliSentence(error))
	if verbose and error.detail and not error.logged:
		say(f"Detail: {error.detail}")
	return EXIT_FAILED
