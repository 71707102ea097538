"""Fake of NVDA's globalPluginHandler: the GlobalPlugin base class."""

import baseObject

runningPlugins = set()


class GlobalPlugin(baseObject.ScriptableObject):
	"""Base class for global plugins; NVDA instantiates each plugin's `GlobalPlugin` once."""

	def terminate(self):
		"""Called when NVDA is finished with this plugin (exit, reload of plugins, add-on disabled)."""

	def chooseNVDAObjectOverlayClasses(self, obj, clsList):
		"""Lets the plugin add overlay classes for an NVDA object; the base does nothing."""
