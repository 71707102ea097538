"""Fake of NVDA's gui.blockAction: actions NVDA refuses in some situations, with a spoken reason.

As in NVDA (source/gui/blockAction.py): each `Context` has a test (`blockActionIf`) and a message;
`when(*contexts)` decorates a function so that, when any context applies, the message is spoken
(`ui.message`) and the function does not run. WINDOWS_LOCKED applies while Windows is locked
(winAPI.sessionTracking) or NVDA runs on a secure desktop, SECURE_MODE on a secure copy of NVDA (`globalVars.appArgs.secure`),
MODAL_DIALOG_OPEN while NVDA shows a modal message box.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import wraps

import globalVars
import ui
from utils.security import isRunningOnSecureDesktop
from winAPI.sessionTracking import isLockScreenModeActive

from .message import isModalMessageBoxActive


@dataclass
class _Context:
	blockActionIf: Callable[[], bool]
	translatedMessage: str


class Context(_Context, Enum):
	SECURE_MODE = (lambda: globalVars.appArgs.secure, "Action unavailable in secure context")
	MODAL_DIALOG_OPEN = (isModalMessageBoxActive, "Action unavailable while a dialog requires a response")
	WINDOWS_LOCKED = (
		lambda: isLockScreenModeActive() or isRunningOnSecureDesktop(),
		"Action unavailable while Windows is locked",
	)


def when(*contexts):
	def decorator(func):
		@wraps(func)
		def funcWrapper(*args, **kwargs):
			for context in contexts:
				if context.blockActionIf():
					ui.message(context.translatedMessage)
					return None
			return func(*args, **kwargs)

		return funcWrapper

	return decorator
