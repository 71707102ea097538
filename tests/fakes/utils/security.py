"""Fake of NVDA's utils.security: the session lock extension point and the secure desktop check.

As in NVDA (source/utils/security.py): `post_sessionLockStateChanged` is an Action notified with
`isNowLocked` when Windows is locked or unlocked (winAPI.sessionTracking's `testing.lock()` does it
here); `isRunningOnSecureDesktop()` is what NVDA's own code checks for the sign-in and UAC desktops,
which is not always the same as `globalVars.appArgs.secure` (a copy started with the serviceDebug
setting runs there with secure off). `testing.secureDesktop` sets its answer.
`getSafeScripts()` are the scripts NVDA still runs while Windows is locked: a few of NVDA's own
global commands (report focus, time, braille scrolling, ...), never an add-on's. NVDA's global
commands are not faked, so the set is empty here (scriptHandler.findScript uses it).
"""

import extensionPoints


class testing:
	"""Test-only namespace of this fake (see tests/fakes/README.md)."""

	secureDesktop = False


post_sessionLockStateChanged = extensionPoints.Action()


def isRunningOnSecureDesktop():
	return testing.secureDesktop


def getSafeScripts():
	return set()
