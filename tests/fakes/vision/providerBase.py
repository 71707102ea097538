"""Fake of NVDA's vision.providerBase: the base classes of vision enhancement providers."""

from abc import abstractmethod

from baseObject import AutoPropertyObject


class VisionEnhancementProviderSettings(AutoPropertyObject):
	"""NVDA derives this from autoSettingsUtils' AutoSettings (not faked); providers override getId."""

	@classmethod
	def _getConfigSection(cls):
		return "vision"


class VisionEnhancementProvider(AutoPropertyObject):
	cachePropertiesByDefault = True

	@classmethod
	@abstractmethod
	def getSettings(cls):
		"""The provider's VisionEnhancementProviderSettings."""

	@classmethod
	@abstractmethod
	def canStart(cls):
		"""Whether the provider's dependencies are there."""

	def reinitialize(self):
		self.terminate()
		self.__init__()

	@abstractmethod
	def terminate(self):
		"""Stops the provider."""

	@abstractmethod
	def registerEventExtensionPoints(self, extensionPoints):
		"""Subscribes the provider to NVDA's events; nothing is sent to them in the fakes."""
