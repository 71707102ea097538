"""What the panel needs to ask a server safely: the calls the plugin gives it, the key a call may
use, and how a failure is told.

The sections that talk to servers (the model list, the key status, the connection test) share
these, so the rules are written once: a key is handed to a call only when it would not travel as
plain text without the user's permission, and a failure is spoken as one sentence while the log
gets the details with every key removed.

Threads: `keyForCall` runs on a worker thread (it may read the credential store); the rest on the
main thread.
"""

import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import addonHandler
import ui
from logHandler import log
from visionDescriberCore.apiKeys import KeyStore, endpointIdFor
from visionDescriberCore.errors import VisionDescriberError, redact
from visionDescriberCore.settings import Problem, Settings

addonHandler.initTranslation()


class ModelEntry(Protocol):
	"""One model a server offers (visionDescriberCore.clients.ModelInfo has this shape)."""

	name: str
	vision: bool | None  # None: the server does not say


@dataclass(frozen=True)
class PanelServices:
	"""Server calls the panel makes, always on a worker thread, never on NVDA's main thread.

	Both get the settings as they are in the panel (not yet saved, already `cleaned()` and valid)
	and the API key to use: the one typed in the panel, else the one stored for that endpoint, else
	None. Both may take as long as the timeouts in those settings allow. They report failures by
	raising a `VisionDescriberError`, whose `.sentence` the panel speaks; anything else is logged
	(with the key removed) and reported as a general failure.
	"""

	#: The models the server offers; items have `.name` and `.vision` (see ModelEntry), and an
	#: optional `.note` (e.g. "7B") shown after the name.
	listModels: Callable[[Settings, str | None], Sequence[ModelEntry]]
	#: The same check as the command-line tool's `check`: the lines of its report, in order.
	checkConnection: Callable[[Settings, str | None], Sequence[str]]


def addressProblem(settings: Settings) -> Problem | None:
	"""What is wrong with the provider or the server address, if anything."""
	return next(
		(problem for problem in settings.problems() if problem.field in ("provider", "baseUrl")), None
	)


def endpointIdOf(settings: Settings) -> str | None:
	"""The endpoint a key belongs to, or None while the address is not valid."""
	if addressProblem(settings) is not None:
		return None
	try:
		return endpointIdFor(settings.provider, settings.baseUrl)
	except ValueError:
		return None


def keyForCall(keyStore: KeyStore, settings: Settings, typed: str) -> str | None:
	"""Worker thread: the key a server call would use (typed, else stored), refused when it would
	travel as plain text and the user did not allow that."""
	if typed:
		key = typed
	else:
		endpoint = endpointIdOf(settings)
		key = keyStore.get(endpoint) if endpoint else None
	if key and settings.keyTravelsUnencrypted and not settings.allowUnencryptedRemote:
		raise UnencryptedKeyRefused("a key over plain http to another computer was refused")
	return key


class UnencryptedKeyRefused(VisionDescriberError):
	"""The panel will not hand a key to a server call that would send it as plain text."""

	@property
	def sentence(self) -> str:
		return unencryptedKeySentence()


def unencryptedKeySentence() -> str:
	return _(
		# Translators: said when settings cannot be saved, or a server cannot be asked, because a key
		# would be sent unprotected.
		"The API key would travel unencrypted over http to another computer. Use an https address, "
		"or tick the box that allows unencrypted keys."
	)


def reportFailure(action: str, error: BaseException, *secrets: str | None) -> None:
	"""Speaks a failure's sentence (the user asked for what failed); the log gets the details, never a
	key (`secrets` are removed)."""
	logFailure(action, error, *secrets)
	ui.message(error.sentence if isinstance(error, VisionDescriberError) else VisionDescriberError().sentence)


def logFailure(action: str, error: BaseException, *secrets: str | None) -> None:
	"""Logs a failure without a key, without speaking: for what the panel did on its own (looking up
	whether a key is stored), which must not interrupt the user."""
	if isinstance(error, VisionDescriberError):
		log.info(
			"Vision Describer: %s failed: %s",
			action,
			redact(f"{type(error).__name__}: {error.detail}", *secrets),
		)
		return
	details = redact("".join(traceback.format_exception(error)), *secrets)
	log.error("Vision Describer: %s failed:\n%s", action, details)
