"""Failures between the add-on and a server: the address, the connection, the model, the key, the
answer. Raised by the clients (`clients/`), on the worker thread.
"""

from ..i18n import _
from .base import Hint, VisionDescriberError


class InvalidAddress(VisionDescriberError):
	"""The server address cannot be a server's: `reason` says why; nothing was sent."""

	MISSING = "missing"
	SCHEME = "scheme"
	PORT = "port"
	SHAPE = "shape"
	CREDENTIALS = "credentials"

	def __init__(self, reason: str, detail: str = ""):
		super().__init__(detail)
		self.reason = reason

	@property
	def fact(self) -> str:
		if self.reason == self.MISSING:
			return _("No server address is set.")
		if self.reason == self.SCHEME:
			return _("The server address must start with http:// or https://.")
		if self.reason == self.PORT:
			# Translators: the port is the number after the colon in an address.
			return _("The port in the server address is not valid.")
		if self.reason == self.CREDENTIALS:
			# The address is saved and logged as plain text: no secrets in it.
			return _("Leave the user name and password out of the server address.")
		return _("The server address is not valid. Write it like http://127.0.0.1:11434.")

	@property
	def hint(self) -> str | None:
		return {self.MISSING: Hint.ENTER_ADDRESS, self.CREDENTIALS: Hint.KEY_ELSEWHERE}.get(self.reason)


class ServerUnreachable(VisionDescriberError):
	"""No connection. `refusedHere`: this computer refused it, so no server runs at that port."""

	def __init__(self, url: str, provider: str = "", detail: str = "", refusedHere: bool = False):
		super().__init__(detail)
		self.url = url
		self.provider = provider
		self.refusedHere = refusedHere

	@property
	def fact(self) -> str:
		if self.provider == "ollama":
			# Translators: {url} is an address such as http://127.0.0.1:11434.
			return _("Ollama is not running at {url}.").format(url=self.url)
		if self.refusedHere:
			# Translators: {url} is an address on the user's own computer, such as http://127.0.0.1:8080/v1.
			return _("No server is running at {url} on this computer.").format(url=self.url)
		# Translators: {url} is the address of the vision server.
		return _("Could not connect to {url}. Check the address and your network.").format(url=self.url)

	@property
	def hint(self) -> str | None:
		if self.provider == "ollama":
			return Hint.START_OLLAMA
		return Hint.START_SERVER if self.refusedHere else None


class NotAnOllamaServer(VisionDescriberError):
	"""The Ollama provider reached a server that does not speak Ollama's API."""

	hint = Hint.CHECK_PROVIDER

	def __init__(self, url: str, detail: str = ""):
		super().__init__(detail)
		self.url = url

	@property
	def fact(self) -> str:
		# Translators: {url} is the address the user gave for Ollama.
		return _("The server at {url} is not an Ollama server.").format(url=self.url)


class TimedOut(VisionDescriberError):
	CONNECT = "connect"
	FIRST_RESPONSE = "firstResponse"
	STREAM = "stream"

	def __init__(self, phase: str, seconds: float, detail: str = ""):
		super().__init__(detail)
		self.phase = phase
		self.seconds = seconds

	@property
	def fact(self) -> str:
		seconds = max(1, round(self.seconds))
		if self.phase == self.CONNECT:
			# Translators: {seconds} is a whole number.
			return _("The server did not answer the connection within {seconds} seconds.").format(
				seconds=seconds
			)
		if self.phase == self.FIRST_RESPONSE:
			# Translators: {seconds} is a whole number.
			return _("The model did not start answering within {seconds} seconds.").format(seconds=seconds)
		# Translators: {seconds} is a whole number.
		return _("The answer stopped for {seconds} seconds, so it was abandoned.").format(seconds=seconds)

	@property
	def hint(self) -> str | None:
		return Hint.RAISE_TIMEOUT if self.phase == self.FIRST_RESPONSE else None


class ModelNotFound(VisionDescriberError):
	def __init__(self, model: str, provider: str = "", detail: str = ""):
		super().__init__(detail)
		self.model = model
		self.provider = provider

	@property
	def fact(self) -> str:
		if self.provider == "ollama":
			# Translators: {model} is a model name such as gemma3.
			return _("The model {model} is not installed. Run: ollama pull {model}").format(model=self.model)
		# Translators: {model} is a model name.
		return _("The server does not know the model {model}.").format(model=self.model)

	@property
	def hint(self) -> str | None:
		return None if self.provider == "ollama" else Hint.CHOOSE_ANOTHER_MODEL


class ModelNotChosen(VisionDescriberError):
	hint = Hint.CHOOSE_VISION_MODEL

	@property
	def fact(self) -> str:
		return _("No model is chosen.")


class ModelCannotSee(VisionDescriberError):
	hint = Hint.CHOOSE_VISION_MODEL

	def __init__(self, model: str, detail: str = ""):
		super().__init__(detail)
		self.model = model

	@property
	def fact(self) -> str:
		# Translators: {model} is a model name.
		return _("The model {model} cannot see images.").format(model=self.model)


class AuthenticationFailed(VisionDescriberError):
	def __init__(self, keyMissing: bool = False, detail: str = "", keyMalformed: bool = False):
		super().__init__(detail)
		self.keyMissing = keyMissing
		self.keyMalformed = keyMalformed

	@property
	def fact(self) -> str:
		if self.keyMalformed:
			return _("The API key contains spaces or characters that cannot be sent.")
		if self.keyMissing:
			return _("This server needs an API key.")
		return _("The server refused the API key.")

	@property
	def hint(self) -> str | None:
		if self.keyMalformed:
			return Hint.PASTE_KEY_AGAIN
		return Hint.ADD_KEY if self.keyMissing else Hint.REPLACE_KEY


class PermissionDenied(VisionDescriberError):
	hint = None

	@property
	def fact(self) -> str:
		return _("The server refused access to this model or from your region.")


class QuotaExceeded(VisionDescriberError):
	hint = None

	@property
	def fact(self) -> str:
		return _("Your account has no credit or has used its quota. Check billing with your provider.")


class RateLimited(VisionDescriberError):
	hint = None

	def __init__(self, retryAfter: float | None = None, detail: str = ""):
		super().__init__(detail)
		self.retryAfter = retryAfter

	@property
	def fact(self) -> str:
		if self.retryAfter:
			# Translators: {seconds} is a whole number.
			return _("Too many requests. Try again in {seconds} seconds.").format(
				seconds=max(1, round(self.retryAfter))
			)
		return _("Too many requests. Wait a moment and try again.")


class InsecureConnection(VisionDescriberError):
	"""The API key would travel unencrypted (plain http) to a host that is not this computer."""

	hint = Hint.ALLOW_UNENCRYPTED_KEY

	def __init__(self, host: str, detail: str = ""):
		super().__init__(detail)
		self.host = host

	@property
	def fact(self) -> str:
		# Translators: {host} is a server name or address.
		return _("The API key would travel unencrypted to {host}.").format(host=self.host)


class ContextTooLong(VisionDescriberError):
	hint = Hint.SHORTEN_CONVERSATION

	@property
	def fact(self) -> str:
		return _("The picture and the conversation are too long for this model.")


class ImageTooLarge(VisionDescriberError):
	hint = Hint.LOWER_IMAGE_SIZE

	@property
	def fact(self) -> str:
		return _("The image is too large for this server.")


class ServerError(VisionDescriberError):
	"""The server failed. `reason` is its own words, made safe to speak (see `plainReason`)."""

	def __init__(self, status: int | None = None, detail: str = "", reason: str = ""):
		super().__init__(detail)
		self.status = status
		self.reason = reason

	@property
	def fact(self) -> str:
		if self.status and self.reason:
			# Translators: {status} is an HTTP status such as 500; {reason} is the server's own sentence.
			return _("The server had a problem (error {status}): {reason}").format(
				status=self.status, reason=self.reason
			)
		if self.status:
			# Translators: {status} is an HTTP status such as 500.
			return _("The server had a problem (error {status}). Try again later.").format(status=self.status)
		if self.reason:
			# Translators: {reason} is the server's own sentence, often in English.
			return _("The server reported a problem: {reason}").format(reason=self.reason)
		return _("The server reported a problem.")

	@property
	def hint(self) -> str | None:
		return None if self.status or self.reason else Hint.SEE_LOG


class StreamCutShort(VisionDescriberError):
	"""The answer stopped without its end marker; `partialText` keeps what arrived."""

	hint = None

	def __init__(self, partialText: str = "", detail: str = ""):
		super().__init__(detail)
		self.partialText = partialText

	@property
	def fact(self) -> str:
		if self.partialText:
			return _("The answer was cut off before it finished.")
		return _("The connection closed before any answer arrived.")


class UnexpectedResponse(VisionDescriberError):
	hint = Hint.CHECK_ADDRESS

	@property
	def fact(self) -> str:
		return _("The server sent something that is not a vision model's answer.")


class Cancelled(VisionDescriberError):
	hint = None

	@property
	def fact(self) -> str:
		return _("Cancelled")
