"""How a watch behaves (`WatchOptions`), why it stops (`StopReason`), and who may charge for it.

`settings.Settings.watchOptions()` builds the options from the user's settings; the command-line
tool builds them from its arguments. Timings are given in seconds and turned into numbers of checks
here, so a shorter interval keeps the same feel (a change must stay still for about a second).

A watch sends a request for every change it reports. On a local server that costs time only; a
cloud service may charge for each request, so with one the watch says so when it starts and keeps
to `maxRequestsPerMinute`. Which providers may charge: OpenAI and Azure always; any other server
whose address is a public name or address (OpenRouter, Ollama's cloud). An address on this
computer or the local network (a private IP, a name without dots, `.local`, `.lan`, `.home.arpa`,
`.internal`) is taken as free.
"""

import ipaddress
import math
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..clients.endpoint import AZURE, DEFAULT_BASE_URLS, OPENAI, isLoopbackHost
from ..i18n import _
from .watchPrompts import FIRST_LOOK

_LOCAL_SUFFIXES = (".local", ".lan", ".home.arpa", ".internal", ".localdomain")


@dataclass(frozen=True)
class WatchOptions:
	intervalSeconds: float = 1.0
	timeLimitSeconds: float = 30 * 60
	#: 0: no cap (a local server). Counted over the last 60 seconds, the first look included.
	maxRequestsPerMinute: int = 0
	#: The name of a service that may charge for each request ("" when free): said at the start.
	chargedBy: str = ""
	interruptOlderReport: bool = True
	streamSpeech: bool = True
	language: str = ""
	provider: str = ""
	model: str = ""
	settleSeconds: float = 1.0
	maxWaitSeconds: float = 5.0
	#: Motion in at least half of this window makes a block restless (see changeDetection).
	historySeconds: float = 8.0
	#: Black frames for this long stop the watch (a fade to black between scenes is shorter).
	blackSecondsToStop: float = 3.0
	firstPrompt: str = FIRST_LOOK
	#: Changes kept as text for the next request, the follow-up dialog and a spoken question.
	keptChanges: int = 8

	def checks(self, seconds: float) -> int:
		"""How many checks at this interval cover seconds (at least one)."""
		return max(1, math.ceil(seconds / max(0.05, self.intervalSeconds) - 1e-9))


def chargedBy(provider: str, baseUrl: str) -> str:
	"""The name to say when this provider may charge for each request; "" when it is taken as free."""
	if provider == OPENAI:
		return "OpenAI"
	if provider == AZURE:
		return "Azure OpenAI"
	host = (urlsplit((baseUrl or DEFAULT_BASE_URLS.get(provider, "")).strip()).hostname or "").lower()
	if not host or isLoopbackHost(host) or _isLocalHost(host):
		return ""
	return host


def _isLocalHost(host: str) -> bool:
	try:
		address = ipaddress.ip_address(host.strip("[]"))
	except ValueError:
		return "." not in host.rstrip(".") or host.rstrip(".").endswith(_LOCAL_SUFFIXES)
	return address.is_private or address.is_link_local


def startSentence(options: WatchOptions) -> str:
	"""What is said when a watch starts."""
	if not options.chargedBy:
		# Translators: Spoken when watching the screen for changes starts.
		return _("Watching for changes.")
	return _(
		# Translators: Spoken when watching starts with a paid service. {service} is its name (OpenAI),
		# {count} a whole number.
		"Watching for changes. Each change is a request to {service}, which may charge for it; "
		"at most {count} requests a minute."
	).format(service=options.chargedBy, count=options.maxRequestsPerMinute)


class StopReason:
	"""Why a watch ended. The NVDA layer passes the ones it detects to `Watcher.stop`."""

	USER = "user"
	TARGET_CLOSED = "targetClosed"
	TARGET_LEFT_FOREGROUND = "targetLeftForeground"
	LOCKED = "locked"
	SCREEN_CURTAIN = "screenCurtain"
	SECURE_SCREEN = "secureScreen"
	TIME_LIMIT = "timeLimit"
	BLACK_FRAMES = "blackFrames"
	ERROR = "error"
	#: NVDA is exiting or the add-on is being reloaded: nothing is said.
	TERMINATED = "terminated"


def stopSentence(reason: str, options: WatchOptions | None = None, errorSentence: str = "") -> str:
	"""One sentence per reason; "" for TERMINATED."""
	if reason == StopReason.TERMINATED:
		return ""
	if reason == StopReason.ERROR:
		if not errorSentence:
			# Translators: Said when watching stops because of a problem nobody foresaw.
			return _("Something went wrong, so watching stopped. Details are in the NVDA log.")
		# Translators: Said when watching stops because of a problem; {problem} is a sentence about it.
		return _("{problem} Watching stopped.").format(problem=errorSentence)
	if reason == StopReason.TIME_LIMIT:
		minutes = max(1, round((options or WatchOptions()).timeLimitSeconds / 60))
		return _(
			# Translators: Said when watching reaches its time limit; {minutes} is a whole number.
			"Stopped watching after {minutes} minutes, the time limit in settings."
		).format(minutes=minutes)
	sentences = {
		# Translators: Said when the user stops watching the screen.
		StopReason.USER: _("Stopped watching."),
		# Translators: Said when the watched window closed.
		StopReason.TARGET_CLOSED: _("The watched window closed, so watching stopped."),
		# Translators: Said when another window came to the foreground while watching.
		StopReason.TARGET_LEFT_FOREGROUND: _(
			"The watched window is no longer in front, so watching stopped."
		),
		# Translators: Said when Windows was locked while watching.
		StopReason.LOCKED: _("Windows is locked, so watching stopped."),
		# Translators: Said when Screen Curtain was turned on while watching.
		StopReason.SCREEN_CURTAIN: _("Screen Curtain is on, so watching stopped."),
		# Translators: Said when a secure screen (sign-in, User Account Control) appeared while watching.
		StopReason.SECURE_SCREEN: _("A secure screen is showing, so watching stopped."),
		StopReason.BLACK_FRAMES: _(
			# Translators: Said when the watched picture stays black. Borderless and windowed are game
			# display modes.
			"The picture is black, so watching stopped. A game in exclusive full screen looks black to "
			"screen capture: switch the game to borderless or windowed mode."
		),
	}
	return sentences.get(reason, sentences[StopReason.USER])
