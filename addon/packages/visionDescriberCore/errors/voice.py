"""Failures of spoken questions: the microphone, the recording and the speech-to-text server.

Where the user acts on the speech-to-text settings, the fact comes with a `Hint` that each front end
words itself (the add-on's voice settings, the terminal tool's --stt options); the others already say
what to do in their fact, the same everywhere.
"""

from ..i18n import _
from .base import Hint, VisionDescriberError


class MicrophoneUnavailable(VisionDescriberError):
	"""No recording device could be opened: none connected, turned off, or in use."""

	hint = None  # the fact says what to do

	NONE = "none"  # Windows lists no recording device
	BUSY = "busy"  # another program holds it and does not share
	FAILED = "failed"  # the device refused to start for another reason

	def __init__(self, reason: str = NONE, detail: str = ""):
		super().__init__(detail)
		self.reason = reason

	@property
	def fact(self) -> str:
		if self.reason == self.BUSY:
			# Translators: said when recording a spoken question cannot start.
			return _("The microphone is in use by another program. Close that program and try again.")
		return _(
			# Translators: said when recording a spoken question cannot start; the places named are
			# those of Windows 11 Settings.
			"No microphone could be opened. Connect one, and check that it is turned on in Windows "
			"Settings, System, Sound, and allowed in Privacy & security, Microphone."
		)


class MicrophoneSilent(VisionDescriberError):
	"""The recording was exact digital silence: what Windows delivers when privacy settings block it."""

	hint = None  # the fact says what to do

	@property
	def fact(self) -> str:
		return _(
			# Translators: said when a recording is exact digital silence.
			"The microphone sends only silence: Windows may be blocking it. Allow desktop apps to use "
			"the microphone in Windows Settings, Privacy & security, Microphone."
		)


class NothingHeard(VisionDescriberError):
	"""The recording ended with no speech in it; nothing was sent."""

	hint = None  # the fact says what to do

	@property
	def fact(self) -> str:
		# Translators: said when a spoken question was recorded but nothing was said.
		return _("I heard nothing.")


class UnreadableAudio(VisionDescriberError):
	"""An audio file that is not a WAV file this tool can read (command line)."""

	hint = None  # the fact says what to do

	def __init__(self, source: str, detail: str = "", missing: bool = False):
		super().__init__(detail)
		self.source = source
		self.missing = missing

	@property
	def fact(self) -> str:
		if self.missing:
			# Translators: {source} is a file name.
			return _("The file {source} was not found.").format(source=self.source)
		# Translators: {source} is a file name.
		return _("Could not read audio from {source}. Use a WAV file (PCM).").format(source=self.source)


class AudioTooLarge(VisionDescriberError):
	"""The speech-to-text server refused the recording's size (413, or a size message)."""

	hint = Hint.SHORTER_RECORDING

	@property
	def fact(self) -> str:
		# Translators: the speech-to-text server refused a recording for its size.
		return _("The recording is too long for the speech-to-text server.")


class AudioRejected(VisionDescriberError):
	"""The speech-to-text server could not use the audio (a 400 about the file, or a decode error)."""

	hint = None  # the fact says what to do

	def __init__(self, tooShort: bool = False, detail: str = ""):
		super().__init__(detail)
		self.tooShort = tooShort

	@property
	def fact(self) -> str:
		if self.tooShort:
			# Translators: the speech-to-text server refused a recording as too short.
			return _("The recording was too short to understand. Speak again.")
		return _(
			# Translators: the speech-to-text server refused the recording (bad or damaged audio).
			"The speech-to-text server could not use the recording. Try again; if it repeats, "
			"check the server's log."
		)


class LanguageNotSupported(VisionDescriberError):
	hint = Hint.CHOOSE_LANGUAGE

	def __init__(self, language: str, detail: str = ""):
		super().__init__(detail)
		self.language = language

	@property
	def fact(self) -> str:
		# Translators: {language} is a language code such as pt.
		return _("The speech-to-text server does not know the language {language}.").format(
			language=self.language
		)


class NoTranscriptionService(VisionDescriberError):
	"""The address answers, but not as a speech-to-text server (404 for the path, a web page)."""

	hint = Hint.CHECK_STT_ADDRESS

	def __init__(self, url: str, detail: str = ""):
		super().__init__(detail)
		self.url = url

	@property
	def fact(self) -> str:
		# Translators: {url} is the address of the speech-to-text server.
		return _("There is no speech-to-text service at {url}.").format(url=self.url)


class EmptyTranscript(VisionDescriberError):
	"""The server transcribed the recording as nothing (or only a silence marker); nothing was asked."""

	hint = None  # the fact says what to do

	@property
	def fact(self) -> str:
		# Translators: the speech-to-text server found no words in a recording.
		return _("No words were recognised. Speak again, a little closer to the microphone.")
