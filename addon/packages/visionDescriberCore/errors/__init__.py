"""Every failure a user can meet, as a typed error carrying a sentence they can act on.

`error.sentence` is what NVDA speaks: plain, translated, never a traceback or a raw HTTP body.
`error.detail` is for the log only (status codes, trimmed bodies); it must never contain an API key,
which is why clients build details through `redact` before raising.

A sentence is a fact ("No model is chosen.") and, for most failures, a `Hint` at what to do
("Choose a vision model in settings."). The fact is the same everywhere; a hint depends on where
the user is, so each front end words the hints itself: the add-on's words, which speak of its
settings and NVDA's log, are `ADDON_HINTS`, and the command-line tool's, which name its options,
are in `cliWording`. `error.sentenceIn(hints)` puts the two together; `error.sentence` is
`error.sentenceIn(ADDON_HINTS)`. A class that words its whole sentence itself (it overrides
`sentence`) says the same everywhere, so it must not speak of NVDA.

What lives here: `base` (the base class, the hints, `redact` and `plainReason`), `server` (the
address, the connection, the model, the key, the answer) and `local` (capture, pictures, the
credential store) and `voice` (the microphone, the recording, speech to text). Everything is imported from this package: `from ..errors import TimedOut`.
"""

from .base import ADDON_HINTS, REASON_LIMIT, Hint, Hints, VisionDescriberError, plainReason, redact
from .local import (
	BlankCapture,
	CaptureFailed,
	CaptureRefused,
	ImagingUnavailable,
	KeyStoreUnavailable,
	NoImageFound,
	ScreenCurtainOn,
	SecureScreen,
	UnreadableImage,
	WindowsLocked,
)
from .server import (
	AuthenticationFailed,
	Cancelled,
	ContextTooLong,
	ImageTooLarge,
	InsecureConnection,
	InvalidAddress,
	ModelCannotSee,
	ModelNotChosen,
	ModelNotFound,
	NotAnOllamaServer,
	PermissionDenied,
	QuotaExceeded,
	RateLimited,
	ServerError,
	ServerUnreachable,
	StreamCutShort,
	TimedOut,
	UnexpectedResponse,
)
from .voice import (
	AudioRejected,
	AudioTooLarge,
	EmptyTranscript,
	LanguageNotSupported,
	MicrophoneSilent,
	MicrophoneUnavailable,
	NothingHeard,
	NoTranscriptionService,
	UnreadableAudio,
)

__all__ = [
	"ADDON_HINTS",
	"REASON_LIMIT",
	"AudioRejected",
	"AudioTooLarge",
	"AuthenticationFailed",
	"BlankCapture",
	"Cancelled",
	"CaptureFailed",
	"CaptureRefused",
	"ContextTooLong",
	"EmptyTranscript",
	"Hint",
	"Hints",
	"ImageTooLarge",
	"ImagingUnavailable",
	"InsecureConnection",
	"InvalidAddress",
	"KeyStoreUnavailable",
	"LanguageNotSupported",
	"MicrophoneSilent",
	"MicrophoneUnavailable",
	"ModelCannotSee",
	"ModelNotChosen",
	"ModelNotFound",
	"NoImageFound",
	"NoTranscriptionService",
	"NotAnOllamaServer",
	"NothingHeard",
	"PermissionDenied",
	"QuotaExceeded",
	"RateLimited",
	"ScreenCurtainOn",
	"SecureScreen",
	"ServerError",
	"ServerUnreachable",
	"StreamCutShort",
	"TimedOut",
	"UnexpectedResponse",
	"UnreadableAudio",
	"UnreadableImage",
	"WindowsLocked",
	"VisionDescriberError",
	"plainReason",
	"redact",
]
