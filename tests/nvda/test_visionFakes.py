"""Screen Curtain in the fakes, in both of NVDA's eras: a vision provider up to 2025.x, its own
module from 2026.1. The add-on detects it both ways, so both must behave as in NVDA."""

import pytest


def startVision():
	import queueHandler
	import vision

	vision.initialize()
	queueHandler.testing.pump()  # the handler lists its providers from the event queue, as in NVDA
	return vision.handler


def test_screenCurtainIsAVisionProviderBefore2026():
	handler = startVision()
	info = handler.getProviderInfo("screenCurtain")
	assert info.providerId == "screenCurtain" and info.moduleName == "screenCurtain"
	assert handler.getProviderInstance(info) is None
	handler.initializeProvider(info)
	assert handler.getProviderInstance(info)
	handler.terminateProvider(info)
	assert handler.getProviderInstance(info) is None
	with pytest.raises(LookupError):
		handler.getProviderInfo("magnifier")


def test_theScreenCurtainModuleDoesNotExistBefore2026():
	with pytest.raises(ImportError):
		import screenCurtain  # noqa: F401


def test_from2026ScreenCurtainIsItsOwnModuleAndNoLongerAProvider():
	import config

	config.testing.emulate("2026.1")
	import screenCurtain

	assert screenCurtain.screenCurtain is None
	screenCurtain.initialize()
	assert screenCurtain.screenCurtain.enabled is False
	screenCurtain.screenCurtain.enable(persist=True)
	assert screenCurtain.screenCurtain.enabled is True
	assert config.conf["screenCurtain"]["enabled"] is True
	screenCurtain.terminate()
	assert screenCurtain.screenCurtain is None
	handler = startVision()
	with pytest.raises(LookupError):
		handler.getProviderInfo("screenCurtain")


def test_aCurtainSavedAsOnStartsOnIn2026():
	import config

	config.testing.emulate("2026.1")
	config.conf["screenCurtain"]["enabled"] = True
	import screenCurtain

	screenCurtain.initialize()
	assert screenCurtain.screenCurtain.enabled


def test_gestureDisplayTextPutsNvdaFirstAndTheMainKeyLast():
	import inputCore

	assert inputCore.getDisplayTextForGestureIdentifier("kb:alt+NVDA+v") == (
		"keyboard, all layouts",
		"NVDA+alt+v",
	)
	assert inputCore.getDisplayTextForGestureIdentifier("kb:x") == ("keyboard, all layouts", "x")
	assert inputCore.getDisplayTextForGestureIdentifier("kb:q+shift")[1] == "shift+q"
	with pytest.raises(LookupError):
		inputCore.getDisplayTextForGestureIdentifier("br(freedomScientific):leftWizWheelUp")
