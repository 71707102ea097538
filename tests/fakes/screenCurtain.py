"""Fake of NVDA's screenCurtain module, which exists from NVDA 2026.1 (see LATER_ADDITIONS).

Before 2026.1 there is no such module: importing this fake raises ImportError unless the test called
`config.testing.emulate("2026.1")`, as `import screenCurtain` does in NVDA 2025.x. As in NVDA,
`screenCurtain.screenCurtain` is None until `initialize()`; its `enabled` is True while the curtain is
on (`enable()` / `disable()`), and it reads its settings from `config.conf["screenCurtain"]`.
"""

import config
from logHandler import log

if not config.testing.emulating("2026.1"):
	raise ImportError("No module named 'screenCurtain' (NVDA added it in 2026.1)", name="screenCurtain")


class _ScreenCurtain:
	def __init__(self):
		super().__init__()
		self._settings = config.conf["screenCurtain"]
		self._enabled = False
		if self.settings["enabled"]:
			self.enable()

	@property
	def settings(self):
		return self._settings

	@property
	def enabled(self):
		return self._enabled

	def enable(self, *, persist=False):
		if self._enabled:
			log.debug("ScreenCurtain is already enabled.")
			return
		log.debug("Enabling ScreenCurtain")
		self._enabled = True
		if persist:
			self.settings["enabled"] = True

	def disable(self, *, persist=True):
		if not self._enabled:
			log.debug("ScreenCurtain is already disabled")
			return
		log.debug("Disabling ScreenCurtain")
		self._enabled = False
		if persist:
			self.settings["enabled"] = False


screenCurtain = None


def initialize():
	global screenCurtain
	if screenCurtain is None:
		screenCurtain = _ScreenCurtain()


def terminate():
	global screenCurtain
	if screenCurtain is not None:
		screenCurtain.disable(persist=False)
		screenCurtain = None
