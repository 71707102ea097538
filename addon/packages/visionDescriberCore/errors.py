"""Every failure a user can meet, as a typed error carrying a sentence they can act on.

`error.sentence` is what NVDA speaks: plain, translated, never a traceback or a raw HTTP body.
`error.detail` is for the log only (status codes, trimmed bodies); it must never contain an API key,
which is why clients build details through `redact` before raising.
"""

from .i18n import _


class VisionDescriberError(Exception):
	"""Base class. Subclasses override `sentence`.

	`partialText` is the answer text that had already arrived when a stream failed (the client sets
	it), so a caller can keep what was spoken.
	"""

	partialText: str = ""

	def __init__(self, detail: str = ""):
		super().__init__(detail or self.__class__.__name__)
		self.detail = detail

	@property
	def sentence(self) -> str:
		return _("Something went wrong. Details are in the NVDA log.")

	def __str__(self) -> str:
		# str(error) is the user sentence; the detail is reached explicitly for logs.
		return self.sentence


# --- Connection and protocol -------------------------------------------------------------------


class ServerUnreachable(VisionDescriberError):
	def __init__(self, url: str, provider: str = "", detail: str = ""):
		super().__init__(detail)
		self.url = url
		self.provider = provider

	@property
	def sentence(self) -> str:
		if self.provider == "ollama":
			return _(
				# Translators: {url} is an address such as http://127.0.0.1:11434.
				"Ollama is not running at {url}. Start Ollama, or check the address in settings."
			).format(url=self.url)
		# Translators: {url} is the address of the vision server.
		return _("Could not connect to {url}. Check the address and your network.").format(url=self.url)


class TimedOut(VisionDescriberError):
	CONNECT = "connect"
	FIRST_RESPONSE = "firstResponse"
	STREAM = "stream"

	def __init__(self, phase: str, seconds: float, detail: str = ""):
		super().__init__(detail)
		self.phase = phase
		self.seconds = seconds

	@property
	def sentence(self) -> str:
		seconds = max(1, round(self.seconds))
		if self.phase == self.CONNECT:
			# Translators: {seconds} is a whole number.
			return _("The server did not answer the connection within {seconds} seconds.").format(
				seconds=seconds
			)
		if self.phase == self.FIRST_RESPONSE:
			return _(
				"The model did not start answering within {seconds} seconds. It may still be loading: "
				"try again, or raise the timeout in settings."
			).format(seconds=seconds)
		return _("The answer stopped for {seconds} seconds, so it was abandoned.").format(seconds=seconds)


class ModelNotFound(VisionDescriberError):
	def __init__(self, model: str, provider: str = "", detail: str = ""):
		super().__init__(detail)
		self.model = model
		self.provider = provider

	@property
	def sentence(self) -> str:
		if self.provider == "ollama":
			# Translators: {model} is a model name such as gemma3.
			return _("The model {model} is not installed. Run: ollama pull {model}").format(model=self.model)
		return _("The server does not know the model {model}. Choose another model in settings.").format(
			model=self.model
		)


class ModelNotChosen(VisionDescriberError):
	@property
	def sentence(self) -> str:
		return _("No model is chosen. Choose a vision model in settings.")


class ModelCannotSee(VisionDescriberError):
	def __init__(self, model: str, detail: str = ""):
		super().__init__(detail)
		self.model = model

	@property
	def sentence(self) -> str:
		return _("The model {model} cannot see images. Choose a vision model in settings.").format(
			model=self.model
		)


class AuthenticationFailed(VisionDescriberError):
	def __init__(self, keyMissing: bool = False, detail: str = "", keyMalformed: bool = False):
		super().__init__(detail)
		self.keyMissing = keyMissing
		self.keyMalformed = keyMalformed

	@property
	def sentence(self) -> str:
		if self.keyMalformed:
			return _(
				"The API key contains spaces or characters that cannot be sent. Paste the key again in settings."
			)
		if self.keyMissing:
			return _("This server needs an API key. Add one in Vision Describer settings.")
		return _("The server refused the API key. Check or replace the key in settings.")


class PermissionDenied(VisionDescriberError):
	@property
	def sentence(self) -> str:
		return _("The server refused access to this model or from your region.")


class QuotaExceeded(VisionDescriberError):
	@property
	def sentence(self) -> str:
		return _("Your account has no credit or has used its quota. Check billing with your provider.")


class RateLimited(VisionDescriberError):
	def __init__(self, retryAfter: float | None = None, detail: str = ""):
		super().__init__(detail)
		self.retryAfter = retryAfter

	@property
	def sentence(self) -> str:
		if self.retryAfter:
			return _("Too many requests. Try again in {seconds} seconds.").format(
				seconds=max(1, round(self.retryAfter))
			)
		return _("Too many requests. Wait a moment and try again.")


class InsecureConnection(VisionDescriberError):
	"""The API key would travel unencrypted (plain http) to a host that is not this computer."""

	def __init__(self, host: str, detail: str = ""):
		super().__init__(detail)
		self.host = host

	@property
	def sentence(self) -> str:
		# Translators: {host} is a server name or address.
		return _(
			"The API key would travel unencrypted to {host}. Use an https address, "
			"or allow unencrypted keys in settings."
		).format(host=self.host)


class ContextTooLong(VisionDescriberError):
	@property
	def sentence(self) -> str:
		return _(
			"The picture and the conversation are too long for this model. "
			"Start a new conversation, or lower the image size in settings."
		)


class ImageTooLarge(VisionDescriberError):
	@property
	def sentence(self) -> str:
		return _("The image is too large for this server. Lower the image size in settings.")


class ServerError(VisionDescriberError):
	def __init__(self, status: int | None = None, detail: str = ""):
		super().__init__(detail)
		self.status = status

	@property
	def sentence(self) -> str:
		if self.status:
			return _("The server had a problem (error {status}). Try again later.").format(status=self.status)
		return _("The server reported a problem. Details are in the NVDA log.")


class StreamCutShort(VisionDescriberError):
	"""The answer stopped without its end marker; `partialText` keeps what arrived."""

	def __init__(self, partialText: str = "", detail: str = ""):
		super().__init__(detail)
		self.partialText = partialText

	@property
	def sentence(self) -> str:
		if self.partialText:
			return _("The answer was cut off before it finished.")
		return _("The connection closed before any answer arrived.")


class UnexpectedResponse(VisionDescriberError):
	@property
	def sentence(self) -> str:
		return _(
			"The server sent something that is not a vision model's answer. Check the address in settings."
		)


class Cancelled(VisionDescriberError):
	@property
	def sentence(self) -> str:
		return _("Cancelled")


# --- Capture and images ------------------------------------------------------------------------


class CaptureRefused(VisionDescriberError):
	"""The target has no pixels to grab: no location, zero size, or entirely off-screen."""

	NO_LOCATION = "noLocation"
	EMPTY = "empty"
	OFF_SCREEN = "offScreen"

	def __init__(self, reason: str, detail: str = ""):
		super().__init__(detail)
		self.reason = reason

	@property
	def sentence(self) -> str:
		if self.reason == self.NO_LOCATION:
			return _("This object has no position on the screen, so there is nothing to capture.")
		if self.reason == self.OFF_SCREEN:
			return _("This object is off the screen, so there is nothing to capture.")
		return _("This object has no size on the screen, so there is nothing to capture.")


class CaptureFailed(VisionDescriberError):
	"""The screen could not be read at all (no display, the capture call failed)."""

	@property
	def sentence(self) -> str:
		return _("Could not capture the screen. Details are in the NVDA log.")


class BlankCapture(VisionDescriberError):
	"""Every pixel is black or one flat colour: nothing worth sending."""

	def __init__(self, black: bool, detail: str = ""):
		super().__init__(detail)
		self.black = black

	@property
	def sentence(self) -> str:
		if self.black:
			return _("The screen is black: Screen Curtain may be on. Nothing was sent.")
		return _("The capture is a single flat colour, so there is nothing to describe. Nothing was sent.")


class ScreenCurtainOn(VisionDescriberError):
	@property
	def sentence(self) -> str:
		return _(
			"Screen Curtain is on, so captures are black. Turn it off to describe the screen. Nothing was sent."
		)


class SecureScreen(VisionDescriberError):
	@property
	def sentence(self) -> str:
		return _("Vision Describer is not available on secure screens.")


class UnreadableImage(VisionDescriberError):
	"""`reason` says why: "" (not an image, or a damaged one), NOT_FOUND or TOO_LARGE."""

	NOT_FOUND = "notFound"
	TOO_LARGE = "tooLarge"

	def __init__(self, source: str, detail: str = "", reason: str = ""):
		super().__init__(detail)
		self.source = source
		self.reason = reason

	@property
	def sentence(self) -> str:
		if self.reason == self.NOT_FOUND:
			# Translators: {source} is a file name.
			return _("The file {source} was not found.").format(source=self.source)
		if self.reason == self.TOO_LARGE:
			# Translators: {source} is a file name, or "the clipboard".
			return _("The picture in {source} is too large to open safely.").format(source=self.source)
		return _(
			# Translators: {source} is a file name, or "the clipboard".
			"Could not read an image from {source}. Use a PNG, JPEG, GIF, BMP, TIFF or WebP picture."
		).format(source=self.source)


class ImagingUnavailable(VisionDescriberError):
	"""Pillow, which reads and encodes every picture, is missing or its compiled part cannot load
	(a damaged or missing file in the add-on's folder). The detail names the import error."""

	@property
	def sentence(self) -> str:
		# Translators: Pillow is the name of a software library; keep it as it is.
		return _(
			"Pillow, the library that prepares pictures, could not be loaded. Reinstall Vision Describer."
		)


class NoImageFound(VisionDescriberError):
	@property
	def sentence(self) -> str:
		return _("There is no image on the clipboard and no image file is selected.")


# --- Credential store --------------------------------------------------------------------------


class KeyStoreUnavailable(VisionDescriberError):
	"""The credential store (Windows Credential Manager) could not read, save or delete a key."""

	READ = "read"
	SAVE = "save"
	DELETE = "delete"

	def __init__(self, operation: str, detail: str = ""):
		super().__init__(detail)
		self.operation = operation

	@property
	def sentence(self) -> str:
		if self.operation == self.SAVE:
			return _(
				"The API key could not be saved in Windows Credential Manager. Details are in the NVDA log."
			)
		if self.operation == self.DELETE:
			return _(
				"The API key could not be removed from Windows Credential Manager. Details are in the NVDA log."
			)
		return _(
			"The API key could not be read from Windows Credential Manager. Details are in the NVDA log."
		)


def redact(text: str, *secrets: str | None) -> str:
	"""Removes every secret from text meant for a log line or an error detail."""
	for secret in secrets:
		if secret:
			text = text.replace(secret, "[redacted]")
	return text
