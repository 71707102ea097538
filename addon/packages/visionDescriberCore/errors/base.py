"""What every error shares: the base class, the hints at what to do, and the helpers that shape what
is logged and spoken (`redact`, `plainReason`). See the package's docstring for how a sentence is
made of a fact and a hint. Pure: no I/O, any thread.
"""

import re
from collections.abc import Callable, Mapping

from ..i18n import _


class Hint:
	"""What a user can do about a failure, named by meaning; `ADDON_HINTS` and the command-line
	tool's table give each its words."""

	CHECK_ADDRESS = "checkAddress"
	CHECK_PROVIDER = "checkProvider"
	ENTER_ADDRESS = "enterAddress"
	START_OLLAMA = "startOllama"
	START_SERVER = "startServer"
	RAISE_TIMEOUT = "raiseTimeout"
	CHOOSE_VISION_MODEL = "chooseVisionModel"
	CHOOSE_ANOTHER_MODEL = "chooseAnotherModel"
	ADD_KEY = "addKey"
	REPLACE_KEY = "replaceKey"
	PASTE_KEY_AGAIN = "pasteKeyAgain"
	KEY_ELSEWHERE = "keyElsewhere"
	ALLOW_UNENCRYPTED_KEY = "allowUnencryptedKey"
	SHORTEN_CONVERSATION = "shortenConversation"
	LOWER_IMAGE_SIZE = "lowerImageSize"
	BLACK_SCREEN = "blackScreen"
	SEE_LOG = "seeLog"
	SHORTER_RECORDING = "shorterRecording"
	CHOOSE_LANGUAGE = "chooseLanguage"
	CHECK_STT_ADDRESS = "checkSttAddress"


Hints = Mapping[str, Callable[[], str]]

#: The add-on's words for each hint (called when a sentence is built, so translations apply).
ADDON_HINTS: Hints = {
	# Translators: what to do when the server's answer or address is wrong.
	Hint.CHECK_ADDRESS: lambda: _("Check the address in settings."),
	# Translators: what to do when the server at the address speaks another provider's language.
	Hint.CHECK_PROVIDER: lambda: _("Check the address and the provider in settings."),
	# Translators: what to do when no server address is set.
	Hint.ENTER_ADDRESS: lambda: _("Enter one in settings."),
	# Translators: what to do when Ollama does not answer.
	Hint.START_OLLAMA: lambda: _("Start Ollama, or check the address in settings."),
	# Translators: what to do when no server answers on this computer.
	Hint.START_SERVER: lambda: _("Start the server, or check the address in settings."),
	# Translators: what to do when a model is slow to start answering.
	Hint.RAISE_TIMEOUT: lambda: _("It may still be loading: try again, or raise the timeout in settings."),
	# Translators: what to do when no model, or a model that cannot see, is chosen.
	Hint.CHOOSE_VISION_MODEL: lambda: _("Choose a vision model in settings."),
	# Translators: what to do when the server does not know the model.
	Hint.CHOOSE_ANOTHER_MODEL: lambda: _("Choose another model in settings."),
	# Translators: what to do when a server needs an API key and none is stored.
	Hint.ADD_KEY: lambda: _("Add one in Vision Describer settings."),
	# Translators: what to do when the server refused the API key.
	Hint.REPLACE_KEY: lambda: _("Check or replace the key in settings."),
	# Translators: what to do when the API key holds characters that cannot be sent.
	Hint.PASTE_KEY_AGAIN: lambda: _("Paste the key again in settings."),
	# Translators: where a key goes instead of the server address.
	Hint.KEY_ELSEWHERE: lambda: _("Put a key in the API key field."),
	# Translators: what to do when a key would be sent over plain http to another computer.
	Hint.ALLOW_UNENCRYPTED_KEY: lambda: _("Use an https address, or allow unencrypted keys in settings."),
	# Translators: what to do when the picture and the conversation are too long for the model.
	Hint.SHORTEN_CONVERSATION: lambda: _("Start a new conversation, or lower the image size in settings."),
	# Translators: what to do when the picture is too large for the server.
	Hint.LOWER_IMAGE_SIZE: lambda: _("Lower the image size in settings."),
	# Translators: why a screen capture may be all black.
	Hint.BLACK_SCREEN: lambda: _("Screen Curtain may be on."),
	# Translators: where the details of a failure are.
	Hint.SEE_LOG: lambda: _("Details are in the NVDA log."),
	# Translators: the speech-to-text server refused a recording for its size.
	Hint.SHORTER_RECORDING: lambda: _(
		"Ask a shorter question, or lower the longest recording in the voice settings."
	),
	# Translators: the speech-to-text server does not know the language asked for.
	Hint.CHOOSE_LANGUAGE: lambda: _("Choose another language in the voice settings."),
	# Translators: the speech-to-text address does not answer as a speech-to-text server.
	Hint.CHECK_STT_ADDRESS: lambda: _("Check the speech-to-text address in the voice settings."),
}


class VisionDescriberError(Exception):
	"""Base class. Subclasses override `fact` and, where the user can do something, `hint`.

	`partialText` is the answer text that had already arrived when a stream failed (the client sets
	it), so a caller can keep what was spoken. `logged` is True once the detail went to the log, so a
	front end does not show it twice.
	"""

	partialText: str = ""
	logged: bool = False
	#: What the user can do (a `Hint` name), or None.
	hint: str | None = Hint.SEE_LOG

	def __init__(self, detail: str = ""):
		super().__init__(detail or self.__class__.__name__)
		self.detail = detail

	@property
	def fact(self) -> str:
		return _("Something went wrong.")

	def sentenceIn(self, hints: Hints) -> str:
		"""The sentence with the hint in the words of one front end (see the module's docstring)."""
		if type(self).sentence is not VisionDescriberError.sentence:
			return self.sentence  # worded whole by its class
		hint = self.hint
		words = (hints.get(hint) or ADDON_HINTS[hint])() if hint else ""
		return f"{self.fact} {words}" if words else self.fact

	@property
	def sentence(self) -> str:
		return self.sentenceIn(ADDON_HINTS)

	def __str__(self) -> str:
		# str(error) is the user sentence; the detail is reached explicitly for logs.
		return self.sentence


# --- Shaping what is logged and spoken -----------------------------------------------------------


def redact(text: str, *secrets: str | None) -> str:
	"""Removes every secret from text meant for a log line or an error detail."""
	for secret in secrets:
		if secret:
			text = text.replace(secret, "[redacted]")
	return text


_MARKUP = re.compile(r"<[^<>]{0,300}>")
REASON_LIMIT = 200


def plainReason(text: str, *secrets: str | None, limit: int = REASON_LIMIT) -> str:
	"""A server's own words about a failure, safe to speak: no secret, no markup, one short line
	ending in a full stop; "" when nothing readable is left (a web page says nothing useful)."""
	text = redact(str(text or ""), *secrets)
	if text.lstrip()[:1] == "<" and re.search(r"<(html|head|body|!doctype)", text, re.IGNORECASE):
		return ""
	text = _MARKUP.sub(" ", text)
	text = " ".join("".join(c if c.isprintable() else " " for c in text).split())
	if len(text) > limit:
		text = text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "..."
	if text and text[-1] not in ".!?":
		text += "."
	return text if any(c.isalnum() for c in text) else ""
