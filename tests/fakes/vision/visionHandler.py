"""Fake of NVDA's vision.visionHandler: starts and stops vision enhancement providers.

As in NVDA 2024.4 and 2025.x: `getProviderInfo(providerId)` raises LookupError for an unknown
provider, `getProviderInstance(info)` is the running instance or None, `initializeProvider(info)`
starts one and `terminateProvider(info)` stops it. Providers are not written to the configuration
here (NVDA would also enable them in config.conf["vision"]).
"""

import importlib

import config
import queueHandler
from baseObject import AutoPropertyObject
from logHandler import log

from . import providerInfo


def _getProviderClass(moduleName, caseSensitive=True):
	return importlib.import_module(f"visionEnhancementProviders.{moduleName}").VisionEnhancementProvider


def _getProvidersFromFileSystem():
	# NVDA walks the visionEnhancementProviders package; the fakes have Screen Curtain only, which
	# NVDA 2026.1 took out of the vision framework.
	moduleNames = [] if config.testing.emulating("2026.1") else ["screenCurtain"]
	for moduleName in moduleNames:
		provider = _getProviderClass(moduleName)
		settings = provider.getSettings()
		yield providerInfo.ProviderInfo(
			providerId=settings.getId(),
			moduleName=moduleName,
			displayName=settings.getDisplayName(),
			providerClass=provider,
		)


class VisionHandler(AutoPropertyObject):
	_allProviders = []

	def __init__(self):
		self._providers = {}
		self.extensionPoints = None
		queueHandler.queueFunction(queueHandler.eventQueue, self.postGuiInit)

	def postGuiInit(self):
		self._updateAllProvidersList()

	def _updateAllProvidersList(self):
		self._allProviders = sorted(_getProvidersFromFileSystem(), key=lambda info: info.providerId.lower())

	def getProviderList(self, onlyStartable=True, reloadFromSystem=False):
		if reloadFromSystem or not self._allProviders:
			self._updateAllProvidersList()
		return [info for info in self._allProviders if not onlyStartable or info.providerClass.canStart()]

	def getProviderInfo(self, providerId):
		for info in self._allProviders:
			if info.providerId == providerId:
				return info
		raise LookupError(f"Provider with id ({providerId}) does not exist.")

	def getProviderInstance(self, provider):
		return self._providers.get(provider.providerId)

	def initializeProvider(self, provider, temporary=False):
		instance = self._providers.pop(provider.providerId, None)
		if instance is not None:
			instance.reinitialize()
		else:
			if not provider.providerClass.canStart():
				raise RuntimeError(
					f"Trying to initialize provider {provider.providerId} which is unable to start"
				)
			instance = provider.providerClass()
			instance.registerEventExtensionPoints(self.extensionPoints)
		self._providers[provider.providerId] = instance

	def terminateProvider(self, provider, saveSettings=True):
		instance = self._providers.pop(provider.providerId, None)
		if not instance:
			raise RuntimeError(f"Tried to terminate uninitialized provider {provider.providerId!r}")
		instance.terminate()

	def terminate(self):
		for instance in self._providers.values():
			try:
				instance.terminate()
			except Exception:
				log.error("Error terminating a vision provider", exc_info=True)
		self._providers.clear()
