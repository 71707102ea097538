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
	e.UnreadableImage("photo.heic"),
	e.UnreadableImage("photo.png", reason=e.UnreadableImage.NOT_FOUND),
	e.UnreadableImage("huge.png", reason=e.UnreadableImage.TOO_LARGE),
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
		if issubclass(cls, e.VisionDescriberError) and cls is not e.Cancelled
	}
	assert classes - {type(error) for error in SPOKEN_ERRORS} == set()
