"""Whether capturing makes sense right now: secure screens and Screen Curtain.

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
	return bool(getattr(globalVars.appArgs, "secure", False))


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
