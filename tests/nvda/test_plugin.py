"""The global plugin, imported and run against the NVDA fakes as NVDA would run it."""

import inspect

import pytest


@pytest.fixture
def pluginModule():
	import visionDescriber

	return visionDescriber


@pytest.fixture
def plugin(pluginModule):
	instance = pluginModule.GlobalPlugin()
	yield instance
	instance.terminate()


def test_announceReadySpeaksAndBraillesThatItIsReady(plugin):
	import braille
	import speech
	import ui

	plugin.script_announceReady(None)
	assert ui.testing.messages == ["Vision Describer is ready"]
	assert speech.testing.spoken() == ["Vision Describer is ready"]
	assert braille.testing.messages == ["Vision Describer is ready"]


def test_announceReadySaysWhatIsWrongWhenLibrariesAreMissing(pluginModule, plugin):
	import ui

	broken = pluginModule.libraryLoader.LoaderStatus(
		"C:\\addon", (3, 14), 64, problem="Vision Describer has no libraries for this version of NVDA."
	)
	pluginModule.libraryStatus = broken
	plugin.script_announceReady(None)
	assert ui.testing.messages == ["Vision Describer has no libraries for this version of NVDA."]


def test_scriptsHaveADescriptionAndTheAddonsCategory(pluginModule):
	cls = pluginModule.GlobalPlugin
	assert cls.scriptCategory == "Vision Describer"
	scripts = {name: member for name, member in inspect.getmembers(cls) if name.startswith("script_")}
	assert "script_announceReady" in scripts
	assert (
		scripts["script_announceReady"].__doc__
		== "Says whether Vision Describer is ready to describe the screen"
	)
	for name, script in scripts.items():
		assert script.__doc__, f"{name} has no description for Input Gestures"
		assert script.category == "Vision Describer", name


def test_theCoreSpeaksThroughTheAddonsTranslations(pluginModule):
	from visionDescriberCore import i18n

	assert i18n._translate == pluginModule._  # the add-on's gettext, not the identity
	assert pluginModule._.__self__.__class__.__name__ in ("NullTranslations", "GNUTranslations")


def test_nvdaCanLoadThePlugin(pluginModule):
	"""NVDA imports every module in globalPlugins whose name does not start with "_" and takes its
	GlobalPlugin, a subclass of globalPluginHandler.GlobalPlugin."""
	import globalPluginHandler

	assert not pluginModule.__name__.split(".")[-1].startswith("_")
	assert issubclass(pluginModule.GlobalPlugin, globalPluginHandler.GlobalPlugin)
	assert pluginModule.libraryStatus.ready, pluginModule.libraryStatus.problem
