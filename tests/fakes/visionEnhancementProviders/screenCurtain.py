"""Fake of NVDA's visionEnhancementProviders.screenCurtain (NVDA 2024.4 to 2025.x).

Screen Curtain runs as a vision enhancement provider: starting it makes the screen black (NVDA uses
the Windows magnification API; here nothing is drawn, so tests black the screen themselves when they
need black pixels too). NVDA 2026.1 replaced this with the top-level `screenCurtain` module.
"""

from logHandler import log
from vision import providerBase


class ScreenCurtainSettings(providerBase.VisionEnhancementProviderSettings):
	@classmethod
	def getId(cls):
		return "screenCurtain"

	@classmethod
	def getDisplayName(cls):
		return "Screen Curtain"


class ScreenCurtainProvider(providerBase.VisionEnhancementProvider):
	_settings = ScreenCurtainSettings()

	@classmethod
	def canStart(cls):
		return True

	@classmethod
	def getSettings(cls):
		return cls._settings

	def __init__(self):
		super().__init__()
		log.debug("Starting ScreenCurtain")

	def terminate(self):
		log.debug("Terminating ScreenCurtain")

	def registerEventExtensionPoints(self, extensionPoints):
		pass


VisionEnhancementProvider = ScreenCurtainProvider
