"""The user guide's troubleshooting table explains every sentence the add-on can speak for a failure:
each variant of each typed error must match one row of the table (placeholders such as (name) stand
for any words). A new error class without a row fails here."""

import inspect
import re
from pathlib import Path

from visionDescriberCore import errors as e

README = Path(__file__).resolve().parent.parent / "readme.md"

#: Every variant of every typed error, built with sample values.
SPOKEN_ERRORS = [
	e.VisionDescriberError(),
	e.ServerUnreachable("http://127.0.0.1:11434", provider="ollama"),
	e.ServerUnreachable("https://example.invalid/v1", provider="openai"),
	e.ServerUnreachable("http://127.0.0.1:8080/v1", provider="openaiCompatible", refusedHere=True),
	e.NotAnOllamaServer("http://127.0.0.1:1234"),
	*(
		e.InvalidAddress(reason)
		for reason in (
			e.InvalidAddress.MISSING,
			e.InvalidAddress.SCHEME,
			e.InvalidAddress.PORT,
			e.InvalidAddress.SHAPE,
			e.InvalidAddress.CREDENTIALS,
		)
	),
	*(e.TimedOut(phase, 30) for phase in (e.TimedOut.CONNECT, e.TimedOut.FIRST_RESPONSE, e.TimedOut.STREAM)),
	e.ModelNotFound("llava", provider="ollama"),
	e.ModelNotFound("gpt-x", provider="openai"),
	e.ModelNotChosen(),
	e.ModelCannotSee("llama3.2"),
	e.AuthenticationFailed(keyMissing=True),
	e.AuthenticationFailed(),
	e.AuthenticationFailed(keyMalformed=True),
	e.PermissionDenied(),
	e.QuotaExceeded(),
	e.RateLimited(12),
	e.RateLimited(),
	e.InsecureConnection("192.0.2.7"),
	e.ContextTooLong(),
	e.ImageTooLarge(),
	e.ServerError(500),
	e.ServerError(500, reason="model requires more system memory (5.6 GiB) than is available."),
	e.ServerError(reason="out of memory."),
	e.ServerError(),
	e.StreamCutShort("Some text"),
	e.StreamCutShort(),
	e.UnexpectedResponse(),
	*(
		e.CaptureRefused(reason)
		for reason in (e.CaptureRefused.NO_LOCATION, e.CaptureRefused.EMPTY, e.CaptureRefused.OFF_SCREEN)
	),
	e.CaptureFailed(),
	e.BlankCapture(black=True),
	e.BlankCapture(black=False),
	e.ScreenCurtainOn(),
	e.SecureScreen(),
	e.WindowsLocked(),
	e.UnreadableImage("photo.heic"),
	e.UnreadableImage("photo.png", reason=e.UnreadableImage.NOT_FOUND),
	e.UnreadableImage("huge.png", reason=e.UnreadableImage.TOO_LARGE),
	e.UnreadableImage("IMG_0042.HEIC", reason=e.UnreadableImage.HEIC),
	e.ImagingUnavailable(),
	e.NoImageFound(),
	*(
		e.KeyStoreUnavailable(operation)
		for operation in (
			e.KeyStoreUnavailable.READ,
			e.KeyStoreUnavailable.SAVE,
			e.KeyStoreUnavailable.DELETE,
		)
	),
	*(
		e.MicrophoneUnavailable(reason)
		for reason in (
			e.MicrophoneUnavailable.NONE,
			e.MicrophoneUnavailable.BUSY,
			e.MicrophoneUnavailable.FAILED,
		)
	),
	e.MicrophoneSilent(),
	e.NothingHeard(),
	e.UnreadableAudio("question.mp3"),
	e.UnreadableAudio("question.wav", missing=True),
	e.AudioTooLarge(),
	e.AudioRejected(),
	e.AudioRejected(tooShort=True),
	e.LanguageNotSupported("xx"),
	e.NoTranscriptionService("http://127.0.0.1:8000/v1"),
	e.EmptyTranscript(),
]


def troubleshootingRows() -> list[re.Pattern]:
	text = README.read_text(encoding="utf-8")
	section = text.split("### Troubleshooting", 1)[1].split("\n### ", 1)[0]
	rows = []
	for line in section.splitlines():
		cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
		if len(cells) < 2 or cells[0] in ("NVDA says", "---", ""):
			continue
		pattern = re.escape(cells[0])
		pattern = re.sub(r"\\\([a-z ]+\\\)", ".+", pattern)  # (name), (n), (address) ...
		rows.append(re.compile(pattern + r"\Z"))
	return rows


def test_every_spoken_error_has_a_row_in_the_troubleshooting_table():
	rows = troubleshootingRows()
	assert len(rows) > 20
	missing = [
		error.sentence for error in SPOKEN_ERRORS if not any(row.match(error.sentence) for row in rows)
	]
	assert missing == []


def test_the_list_above_covers_every_error_class():
	classes = {
		cls
		for _, cls in inspect.getmembers(e, inspect.isclass)
		# A command-line mistake (cliWording.UsageError) is not in this package: NVDA never speaks it.
		if issubclass(cls, e.VisionDescriberError) and cls is not e.Cancelled
	}
	assert classes - {type(error) for error in SPOKEN_ERRORS} == set()
