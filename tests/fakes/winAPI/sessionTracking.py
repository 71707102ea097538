"""Fake of NVDA's winAPI.sessionTracking: whether Windows is locked.

NVDA (source/winAPI/sessionTracking.py) follows the session's lock state from Windows' session
notifications and tells others through `utils.security.post_sessionLockStateChanged`.
`testing.lock()` / `testing.unlock()` do what Windows' notification would: change the state and
notify that extension point with `isNowLocked`.
"""


class testing:
	"""Test-only namespace of this fake (see tests/fakes/README.md)."""

	locked = False

	@staticmethod
	def lock() -> None:
		testing._change(True)

	@staticmethod
	def unlock() -> None:
		testing._change(False)

	@staticmethod
	def _change(locked: bool) -> None:
		from utils import security

		testing.locked = locked
		security.post_sessionLockStateChanged.notify(isNowLocked=locked)


def isLockScreenModeActive():
	return testing.locked
