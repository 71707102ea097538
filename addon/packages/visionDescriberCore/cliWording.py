"""The command-line tool's words, for every command (describe, ask, models, check and those to come).

A failure's fact is the same in NVDA and in a terminal, but what to do is not: the add-on says
"Choose a vision model in settings", the terminal says "Choose a vision model with --model NAME".
`CLI_HINTS` words each `errors.Hint` with the tool's options, and `cliSentence(error)` is what a
command prints for any failure (see the `errors` package). A command added later gets the same
wording by calling `cliSentence`; a hint added later needs a line here (a test checks every hint has
one). `UsageError` (a mistake in the command: exit status 2) and `OutputFailed` (standard output
could not be written) are the tool's own failures; the option sentences below are shared by every
command that takes those options. No I/O here.
"""

from .errors import Hint, Hints, VisionDescriberError
from .i18n import _

#: The command-line tool's words for each hint: its options instead of the add-on's settings.
CLI_HINTS: Hints = {
	# Translators: command-line tool; what to do when the server's answer or address is wrong.
	Hint.CHECK_ADDRESS: lambda: _("Check the address given with --base-url."),
	# Translators: command-line tool; the server at the address speaks another provider's language.
	Hint.CHECK_PROVIDER: lambda: _("Check --base-url and --provider."),
	# Translators: command-line tool; no server address was given.
	Hint.ENTER_ADDRESS: lambda: _("Give one with --base-url URL."),
	# Translators: command-line tool; Ollama does not answer.
	Hint.START_OLLAMA: lambda: _("Start Ollama (ollama serve), or check --base-url."),
	# Translators: command-line tool; no server answers on this computer.
	Hint.START_SERVER: lambda: _("Start the server, or check --base-url."),
	# Translators: command-line tool; the model is slow to start answering.
	Hint.RAISE_TIMEOUT: lambda: _("It may still be loading: try again, or raise --timeout SECONDS."),
	# Translators: command-line tool; no model, or a model that cannot see, was named.
	Hint.CHOOSE_VISION_MODEL: lambda: _(
		"Choose a vision model with --model NAME; the models command lists them."
	),
	# Translators: command-line tool; the server does not know the model.
	Hint.CHOOSE_ANOTHER_MODEL: lambda: _(
		"Choose another model with --model NAME; the models command lists them."
	),
	# Translators: command-line tool; the server needs a key and none was given.
	Hint.ADD_KEY: lambda: _(
		"Put it in an environment variable and name that variable with --api-key-env NAME."
	),
	# Translators: command-line tool; the server refused the key.
	Hint.REPLACE_KEY: lambda: _("Check the key in the environment variable that holds it."),
	# Translators: command-line tool; the key holds characters that cannot be sent.
	Hint.PASTE_KEY_AGAIN: lambda: _("Set the environment variable again to the exact key."),
	# Translators: command-line tool; where a key goes instead of the server address.
	Hint.KEY_ELSEWHERE: lambda: _("A key goes in an environment variable named with --api-key-env NAME."),
	# Translators: command-line tool; a key would be sent over plain http to another computer.
	Hint.ALLOW_UNENCRYPTED_KEY: lambda: _(
		"Use an https address, or add --allow-unencrypted-key if you trust the network."
	),
	# Translators: command-line tool; the picture and the prompt are too long for the model.
	Hint.SHORTEN_CONVERSATION: lambda: _(
		"Send a smaller picture with --max-side PIXELS, or a shorter prompt."
	),
	# Translators: command-line tool; the picture is too large for the server.
	Hint.LOWER_IMAGE_SIZE: lambda: _("Send a smaller picture with --max-side PIXELS."),
	# Translators: command-line tool; why a screen capture may be all black.
	Hint.BLACK_SCREEN: lambda: _("The screen may be locked, asleep or showing protected video."),
	# Translators: command-line tool; where the details of a failure are.
	Hint.SEE_LOG: lambda: _("Add --verbose to see the details."),
	# Translators: command-line tool; the speech-to-text server refused a recording for its size.
	Hint.SHORTER_RECORDING: lambda: _("Use a shorter recording."),
	# Translators: command-line tool; the speech-to-text server does not know the language.
	Hint.CHOOSE_LANGUAGE: lambda: _("Name another with --stt-language CODE, or leave it out."),
	# Translators: command-line tool; the speech-to-text address is wrong.
	Hint.CHECK_STT_ADDRESS: lambda: _("Check the address given with --stt-base-url."),
}


def cliSentence(error: VisionDescriberError) -> str:
	"""What a command prints for a failure: its fact, and what to do in the tool's own words."""
	return error.sentenceIn(CLI_HINTS)


class UsageError(VisionDescriberError):
	"""A mistake in the command (exit status 2). showUsage: print the short usage line after it."""

	hint = None

	def __init__(self, sentence: str, showUsage: bool = False):
		super().__init__(sentence)
		self._sentence = sentence
		self.showUsage = showUsage

	@property
	def fact(self) -> str:
		return self._sentence


class OutputFailed(VisionDescriberError):
	"""Standard output could not be written. closed: the reader went away (`| head`), nothing to say."""

	hint = None

	def __init__(self, reason: str, closed: bool = False):
		super().__init__(reason)
		self.reason = reason
		self.closed = closed

	@property
	def fact(self) -> str:
		# Translators: command-line tool; {reason} is the system's words, such as "No space left on device".
		return _("Could not write the output: {reason}.").format(reason=self.reason)


# --- Sentences about options, for every command that takes them --------------------------------


def keyOnCommandLine() -> str:
	return _(
		# Translators: command-line tool; a key was typed on the command line.
		"A key is never taken on the command line. Put it in an environment variable "
		"and name that variable with --api-key-env NAME."
	)


def badVariableName() -> str:
	# Translators: command-line tool; what was given is not a variable name (it is not repeated).
	return _("--api-key-env takes the name of an environment variable, such as OPENAI_API_KEY.")


def variableNotSet(variable: str) -> str:
	# Translators: command-line tool; {variable} is an environment variable's name.
	return _("The environment variable {variable} is not set or is empty.").format(variable=variable)


def badSeconds(option: str) -> str:
	# Translators: command-line tool; {option} is an option such as --timeout.
	return _("{option} takes a number of seconds above 0, such as 120.").format(option=option)


def badWholeNumber(option: str, minimum: int, maximum: int) -> str:
	# Translators: command-line tool; {option} is an option such as --max-tokens.
	return _("{option} takes a whole number from {minimum} to {maximum}.").format(
		option=option, minimum=minimum, maximum=maximum
	)


def badDuration(option: str) -> str:
	# Translators: command-line tool; {option} is an option such as --keep-alive.
	return _("{option} takes a duration such as 30m, 2h or 300 (seconds); -1 keeps the model loaded.").format(
		option=option
	)


def badPictureDetail() -> str:
	# Translators: command-line tool; fast, balanced and detailed are typed as they are, in English.
	return _("--picture-detail takes fast, balanced or detailed.")


def badOldDetail() -> str:
	# Translators: command-line tool; low, auto, high, fast, balanced and detailed are typed in English.
	return _(
		"--detail takes low, auto or high; its new name --picture-detail takes fast, balanced or detailed."
	)


def badRegion() -> str:
	# Translators: command-line tool; how to write a rectangle of the screen.
	return _("Give the region as LEFT,TOP,WIDTH,HEIGHT with a width and height above 0, such as 0,0,800,600.")


def regionOffScreen(region: str) -> str:
	# Translators: command-line tool; {region} is like 0,0,800,600.
	return _("The region {region} is off the screen, so there is nothing to capture.").format(region=region)


def notACommand(word: str, suggestion: str | None, commands: list[str]) -> str:
	if suggestion:
		# Translators: command-line tool; {word} was typed, {suggestion} is a command.
		return _("{word} is not a command. Did you mean {suggestion}?").format(
			word=word, suggestion=suggestion
		)
	# Translators: command-line tool; {commands} lists the commands.
	return _("{word} is not a command. The commands are: {commands}.").format(
		word=word, commands=", ".join(commands)
	)


def shortUsage(program: str, commands: list[str]) -> str:
	# Translators: command-line tool; printed after a mistake in the command.
	return _(
		"Usage: {program} COMMAND [options], where COMMAND is {commands}. Add --help for every option."
	).format(program=program, commands=", ".join(commands))
