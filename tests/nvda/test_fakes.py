"""The fakes behave like NVDA where the add-on depends on it (checked against NVDA's source)."""

import pytest

# --- config: values validated and converted by the spec, as NVDA's configobj config does ----------


@pytest.fixture
def addonSpec():
	import config

	config.conf.spec["visionDescriber"] = {
		"timeout": "integer(default=30, min=1, max=600)",
		"model": 'string(default="gemma3")',
		"speakWhileStreaming": "boolean(default=true)",
		"provider": 'option("ollama", "openai", default="ollama")',
	}
	return config


def test_configDefaultsComeFromTheSpec(addonSpec):
	section = addonSpec.conf["visionDescriber"]
	assert (section["timeout"], section["model"], section["speakWhileStreaming"]) == (30, "gemma3", True)
	assert not section.isSet("timeout")


def test_configConvertsAndStoresValidValues(addonSpec):
	section = addonSpec.conf["visionDescriber"]
	section["timeout"] = "45"
	section["speakWhileStreaming"] = "off"
	assert section["timeout"] == 45
	assert section["speakWhileStreaming"] is False
	assert addonSpec.conf.profiles[0]["visionDescriber"] == {"timeout": 45, "speakWhileStreaming": False}


@pytest.mark.parametrize(
	("key", "value", "error"),
	[
		("timeout", "abc", "VdtTypeError"),
		("timeout", 0, "VdtValueTooSmallError"),
		("timeout", 601, "VdtValueTooBigError"),
		("provider", "gemini", "VdtValueError"),
		("speakWhileStreaming", "perhaps", "VdtTypeError"),
	],
)
def test_configRefusesInvalidValuesLikeNvda(addonSpec, key, value, error):
	from configobj import validate

	section = addonSpec.conf["visionDescriber"]
	with pytest.raises(getattr(validate, error)):
		section[key] = value
	assert not section.isSet(key)


def test_configSectionsNeedASpecOrAValue():
	import config

	with pytest.raises(KeyError):
		config.conf["visionDescriber"]
	assert "visionDescriber" not in config.conf


# --- speech, braille and ui -------------------------------------------------------------------------


def test_uiMessageIsSpokenAndBrailled():
	import braille
	import speech
	import ui

	ui.message("Ready", brailleText="Rdy")
	ui.message("")
	assert ui.testing.messages == ["Ready", ""]
	assert speech.testing.spoken() == ["Ready"]  # NVDA speaks nothing for an empty message
	assert braille.testing.messages == ["Rdy", ""]


def test_brailleMessagesNeedADisplay():
	import braille
	import ui

	braille.testing.displayConnected = False
	ui.message("Nobody reads this")
	assert braille.testing.messages == []


def test_browseableMessageIsRefusedOnSecureScreens():
	import globalVars
	import ui

	ui.browseableMessage("<p>x</p>", title="Result", isHtml=True, copyButton=True)
	globalVars.appArgs.secure = True
	ui.browseableMessage("secret", title="Result")
	assert ui.testing.browseable == [
		{"message": "<p>x</p>", "title": "Result", "isHtml": True, "closeButton": False, "copyButton": True}
	]
	assert ui.testing.browseableRefused == ["Result"]


def test_speechEventsKeepTheirOrder():
	import speech
	from speech.priorities import SpeechPriority

	speech.speakMessage("one", priority=SpeechPriority.NOW)
	speech.cancelSpeech()
	speech.speakMessage("two")
	assert speech.testing.events == [("speak", "one"), ("cancel",), ("speak", "two")]
	assert [priority for _sequence, priority in speech.testing.sequences] == [
		SpeechPriority.NOW,
		SpeechPriority.NORMAL,
	]


# --- scripts and gestures ---------------------------------------------------------------------------


def test_scriptDecoratorAndGestureBindingWorkLikeNvda():
	import globalPluginHandler
	import inputCore
	import ui
	from scriptHandler import script

	class Plugin(globalPluginHandler.GlobalPlugin):
		@script(description="Describe", category="Vision", gesture="kb:NVDA+shift+v")
		def script_describe(self, gesture):
			ui.message("described")

	class Gesture(inputCore.InputGesture):
		def _get_identifiers(self):
			return ["kb:shift+NVDA+V"]

	plugin = Plugin()
	assert Plugin.script_describe.__doc__ == "Describe"
	assert Plugin.script_describe.category == "Vision"
	plugin.getScript(Gesture())(None)
	assert ui.testing.messages == ["described"]
	plugin.removeGestureBinding("kb:nvda+shift+v")
	assert plugin.getScript(Gesture()) is None
	with pytest.raises(LookupError):
		plugin.bindGesture("kb:nvda+x", "noSuchScript")


def test_scriptDecoratorRefusesMethodsNotNamedScript():
	import logHandler
	from scriptHandler import script

	def describe(self, gesture):
		pass

	assert not hasattr(script(description="x")(describe), "speakOnDemand")
	assert "does not start with 'script_'" in logHandler.testing.messages("WARNING")[0]


# --- objects, locations, clipboard, queues, translations -------------------------------------------


def test_objectsHaveNvdaDefaultsAndTakeAssignedProperties():
	import api
	import controlTypes
	from locationHelper import RectLTWH
	from NVDAObjects import NVDAObject

	obj = NVDAObject()
	assert (obj.name, obj.role) == ("", controlTypes.Role.UNKNOWN)
	with pytest.raises(NotImplementedError):
		_location = obj.location
	obj.location = None
	assert obj.location is None
	assert api.getNavigatorObject().name == "Desktop"
	assert api.getForegroundObject().location == RectLTWH(0, 0, 3840, 2160)
	assert api.getFocusObject().appModule.appName == "csrss"
	assert controlTypes.Role.GRAPHIC.displayString == "graphic"


def test_rectanglesBehaveLikeNvdas():
	from locationHelper import RectLTRB, RectLTWH

	rect = RectLTWH(-100, 20, 300, 200)
	assert (rect.right, rect.bottom, rect.center) == (200, 220, (50, 120))
	assert rect == RectLTRB(-100, 20, 200, 220)
	assert rect.intersection(RectLTWH(0, 0, 50, 50)) == RectLTWH(0, 20, 50, 30)
	assert rect.intersection(RectLTWH(1000, 1000, 5, 5)) == RectLTWH(0, 0, 0, 0)
	with pytest.raises(ValueError):
		RectLTRB(10, 0, 5, 5)


def test_clipboardCopiesAndReportsLikeNvda():
	import api
	import ui

	assert api.copyToClip("text", notify=True)
	assert api.getClipData() == "text"
	assert not api.copyToClip("")
	api.testing.clipboardFails = True
	assert not api.copyToClip("more", notify=True)
	assert ui.testing.messages == ["Copied to clipboard: text", "Unable to copy"]


def test_queuedFunctionsRunOnlyWhenPumped():
	import core
	import queueHandler

	ran = []
	queueHandler.queueFunction(queueHandler.eventQueue, ran.append, 1)
	core.callLater(500, ran.append, 2)
	assert ran == []
	assert queueHandler.testing.pump() == 1
	assert core.testing.runPending() == 1
	queueHandler.testing.pump()
	assert ran == [1, 2]


def test_queuedErrorsAreLoggedNotRaised():
	import logHandler
	import queueHandler

	queueHandler.queueFunction(queueHandler.eventQueue, lambda: 1 / 0)
	queueHandler.testing.pump()
	assert "ZeroDivisionError" in logHandler.testing.text()


def test_initTranslationOutsideAnAddonFailsLikeNvda():
	import addonHandler

	with pytest.raises(addonHandler.AddonError):
		addonHandler.initTranslation()


def test_initTranslationUsesTheAddonsCatalogue(tmp_path, monkeypatch):
	import gettext
	import shutil
	import subprocess
	import sys

	import addonHandler
	import languageHandler

	addonDir = tmp_path / "addon"
	moFolder = addonDir / "locale" / "de" / "LC_MESSAGES"
	moFolder.mkdir(parents=True)
	(moFolder / "nvda.po").write_text(
		'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Ready"\nmsgstr "Bereit"\n',
		encoding="utf-8",
	)
	subprocess.run([shutil.which("msgfmt"), "-o", moFolder / "nvda.mo", moFolder / "nvda.po"], check=True)
	pluginDir = addonDir / "globalPlugins"
	pluginDir.mkdir()
	(pluginDir / "translatedPlugin.py").write_text(
		"import addonHandler\naddonHandler.initTranslation()\n\n\ndef ready():\n\treturn _('Ready')\n"
	)
	addonHandler.testing.addonDirs.append(str(addonDir))
	languageHandler.testing.language = "de"
	monkeypatch.syspath_prepend(str(pluginDir))
	try:
		import translatedPlugin

		assert translatedPlugin.ready() == "Bereit"
		assert isinstance(translatedPlugin._.__self__, gettext.GNUTranslations)
	finally:
		sys.modules.pop("translatedPlugin", None)
