"""Whether capturing, or opening a window, makes sense right now: secure screens, a locked Windows,
Screen Curtain.

Secure screens (sign-in, User Account Control) are detected as NVDA's own code detects them: a
secure copy of NVDA (`globalVars.appArgs.secure`) or NVDA running on a secure desktop
(`utils.security.isRunningOnSecureDesktop()`; a copy started with the serviceDebug setting runs
there with secure off). A locked Windows is NVDA's lock-screen mode
(`winAPI.sessionTracking.isLockScreenModeActive()`): NVDA then runs none of an add-on's scripts for a
key, but work started before the lock still reports back, so every window the add-on opens later
(a question, a follow-up, settings) goes through `gui.blockAction` (WINDOWS_LOCKED, SECURE_MODE)
when it would appear.

Screen Curtain moved in NVDA 2026.1. Up to 2025.x it is a vision enhancement provider, running while
`vision.handler.getProviderInstance(vision.handler.getProviderInfo("screenCurtain"))` is truthy.
From 2026.1 it is the `screenCurtain` module, on while `screenCurtain.screenCurtain.enabled` (and the
provider is gone, so `getProviderInfo` raises LookupError). Both are asked, newest first; a failure
to ask is logged and counted as "off", because the blank-capture guard still refuses the black
picture a curtain makes, so nothing is sent either way.
"""

import globalVars
from logHandler import log


def isSecureScreen() -> bool:
	"""NVDA runs on a secure screen (sign-in, UAC): nothing may be captured or sent there."""
	from utils.security import isRunningOnSecureDesktop

	return bool(getattr(globalVars.appArgs, "secure", False)) or bool(isRunningOnSecureDesktop())


def isWindowsLocked() -> bool:
	from winAPI.sessionTracking import isLockScreenModeActive

	return bool(isLockScreenModeActive())


def isScreenCurtainOn() -> bool:
	try:
		import screenCurtain  # NVDA 2026.1 and later
	except ImportError:
		return _screenCurtainProviderRunning()
	try:
		curtain = screenCurtain.screenCurtain
		return curtain is not None and bool(curtain.enabled)
	except Exception:
		log.debugWarning("Vision Describer: could not ask screenCurtain whether it is on", exc_info=True)
		return False


def _screenCurtainProviderRunning() -> bool:
	"""NVDA 2025.x: Screen Curtain is a vision enhancement provider."""
	try:
		import vision

		handler = vision.handler
		if handler is None:
			return False
		try:
			info = handler.getProviderInfo("screenCurtain")
		except LookupError:
			return False
		return bool(info and handler.getProviderInstance(info))
	except Exception:
		log.debugWarning(
			"Vision Describer: could not ask the vision handler about Screen Curtain", exc_info=True
		)
		return False
