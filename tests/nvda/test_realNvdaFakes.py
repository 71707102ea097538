"""The fakes behave as real NVDA does where a blind user would notice (shared NVDA notes, "How real
NVDA behaves where simple fakes don't"): each test names the NVDA code it checks the fake against."""

import sys
import time
import types

import pytest
import wx

# --- speech: NVDA cancels speech itself (speech/speech.py cancelSpeech, inputCore.executeGesture) ---


def test_cancelNotifiesPreSpeechCanceledAlwaysAndDropsWhatWasNotSaid():
	import speech

	heard = []
	speech.extensions.pre_speechCanceled.register(lambda: heard.append("pre"))
	speech.extensions.speechCanceled.register(lambda: heard.append("canceled"))
	speech.cancelSpeech()  # nothing spoken yet: pre_speechCanceled still fires, speechCanceled does not
	assert heard == ["pre"]
	speech.speak(["first phrase"])
	speech.speak(["second phrase"])
	speech.cancelSpeech()
	assert heard == ["pre", "pre", "canceled"]
	assert speech.testing.cutOff == ["first phrase", "second phrase"]
	assert speech.testing.pending == []


def test_aCallbackRunsWhenTheSynthesizerReachesItAndNeverAfterACancel():
	import speech
	from speech.commands import CallbackCommand

	reached = []
	speech.speak(["one", CallbackCommand(lambda: reached.append("one"))])
	assert reached == []
	assert speech.testing.synthSaysAll() == 1
	assert reached == ["one"]
	speech.speak(["two", CallbackCommand(lambda: reached.append("two"))])
	speech.cancelSpeech()
	assert speech.testing.synthSaysAll() == 0
	assert reached == ["one"]


def test_everyGestureCancelsSpeechBeforeItsScriptRuns():
	import globalPluginHandler
	import inputCore
	import queueHandler
	import speech
	from nvdaHarness import makeGesture

	ran = []

	class Plugin(globalPluginHandler.GlobalPlugin):
		def script_hello(self, gesture):
			ran.append(speech.getState().beenCanceled)

		__gestures = {"kb:h": "hello"}

	plugin = Plugin()
	globalPluginHandler.runningPlugins.add(plugin)
	speech.speak(["an answer being read"])
	inputCore.manager.executeGesture(makeGesture("kb:h"))
	queueHandler.testing.pump()
	assert speech.testing.cutOff == ["an answer being read"]
	assert ran == [True]
	with pytest.raises(inputCore.NoInputGestureAction):
		inputCore.manager.executeGesture(makeGesture("kb:z"))  # unbound: the key goes to the application
	globalPluginHandler.runningPlugins.discard(plugin)


def test_aLoneControlCancelsSpeechAndRunsNoScript():
	"""inputCore.InputManager.executeGesture: the speech effect comes before `isModifier` stops it."""
	import inputCore
	import queueHandler
	import speech
	from nvdaHarness import makeGesture

	control = makeGesture("kb:control")
	control.isModifier = True
	speech.speak(["an answer being read"])
	with pytest.raises(inputCore.NoInputGestureAction):
		inputCore.manager.executeGesture(control)
	queueHandler.testing.pump()
	assert speech.testing.cutOff == ["an answer being read"]


def test_aWindowComingToTheForegroundCancelsSpeech():
	import speech
	from NVDAObjects import NVDAObject

	speech.speak(["queued"])
	NVDAObject().event_foreground()
	assert speech.testing.cutOff == ["queued"]


# --- speech modes (speech/speech.py speak, scriptHandler.executeScript) -------------------------


@pytest.mark.parametrize("mode", ["off", "beeps"])
def test_offAndBeepsModesSpeakNothing(mode):
	import speech
	import tones

	speech.setSpeechMode(getattr(speech.SpeechMode, mode))
	speech.speak(["hello"])
	assert speech.testing.spoken() == []
	assert len(tones.testing.beeps) == (1 if mode == "beeps" else 0)


def test_aSpeechFilterThatEmptiesASequenceSilencesItBeforeTheSpeechMode():
	"""speech.speak applies extensions.filter_speechSequence first; nothing is left, nothing is said
	(in beeps mode not even the beep), and the filter's other handlers still run."""
	import speech
	import tones

	seen = []

	def quiet(speechSequence):
		seen.append(list(speechSequence))
		return []

	def broken(speechSequence):
		raise RuntimeError("a handler that fails is logged, the others go on")

	speech.extensions.filter_speechSequence.register(broken)
	speech.extensions.filter_speechSequence.register(quiet)
	speech.setSpeechMode(speech.SpeechMode.beeps)
	speech.speak(["while recording"])
	speech.setSpeechMode(speech.SpeechMode.talk)
	speech.speak(["still quiet"])
	assert seen == [["while recording"], ["still quiet"]]
	assert speech.testing.spoken() == [] and tones.testing.beeps == []
	assert speech.testing.filtered == [["while recording"], ["still quiet"]]
	speech.extensions.filter_speechSequence.unregister(quiet)
	speech.speak(["heard again"])
	assert speech.testing.spoken() == ["heard again"]


def test_onDemandSpeaksOnlyInsideAScriptMarkedSpeakOnDemand():
	import scriptHandler
	import speech

	speech.setSpeechMode(speech.SpeechMode.onDemand)

	@scriptHandler.script(speakOnDemand=True)
	def script_asked(gesture):
		speech.speak(["asked for"])

	@scriptHandler.script()
	def script_notAsked(gesture):
		speech.speak(["not asked for"])

	scriptHandler.executeScript(script_asked, None)
	scriptHandler.executeScript(script_notAsked, None)
	speech.speak(["later, from wx.CallAfter"])
	assert speech.testing.spoken() == ["asked for"]


# --- braille messages (braille.py BrailleHandler.message and _resetMessageTimer) ------------------


def test_aBrailleMessageReplacesTheLastAndTimesOut():
	import braille

	braille.handler.message("first")
	braille.handler.message("second")
	assert braille.testing.shown() == "second"
	assert braille.testing.timerMs() == 4000  # messageTimeout's default, 4 s
	assert braille.testing.timeoutPassed()
	assert braille.testing.shown() is None


def test_showIndefinitelyKeepsTheMessageAndPanningRestartsTheTimer():
	import braille
	import config

	braille.handler.message("x" * 100)
	braille.handler.scrollForward()
	assert braille.handler.messageBuffer.windowStartPos == 40
	braille.handler.message("x" * 100)  # a new message puts the reader back at the start
	assert braille.handler.messageBuffer.windowStartPos == 0
	braille.handler._dismissMessage()
	config.conf["braille"]["showMessages"] = 2
	braille.handler.message("stays")
	assert braille.testing.timerMs() is None
	assert not braille.testing.timeoutPassed()
	assert braille.testing.shown() == "stays"


def test_theMessageTimerIsAWxCallLaterThatStopsAndRestarts():
	"""NVDA keeps the timeout in a wx.CallLater (`_messageCallLater`): Stop() halts it, and the next
	message or pan restarts that same timer (BrailleHandler._resetMessageTimer)."""
	import braille

	braille.handler.message("x" * 100)
	timer = braille.handler._messageCallLater
	timer.Stop()
	assert braille.testing.timerMs() is None
	assert not braille.testing.timeoutPassed()
	assert braille.testing.shown() == "x" * 100
	braille.handler.scrollForward()
	assert braille.handler._messageCallLater is timer and braille.testing.timerMs() == 4000
	assert braille.testing.timeoutPassed()
	assert braille.handler._messageCallLater is None and braille.testing.shown() is None


def test_aRegionChangedInPlaceKeepsTheWindowWhereTheReaderIs():
	"""How NVDA's regions change their text (braille.py Region.update, BrailleBuffer.update and
	updateDisplay): the window start is left alone, unlike a new message."""
	import braille

	braille.handler.message("a" * 60)
	braille.handler.scrollForward()
	[region] = braille.handler.messageBuffer.regions
	region.rawText = "a" * 60 + " and more"
	region.update()
	braille.handler.messageBuffer.update()
	braille.handler.messageBuffer.updateDisplay()
	assert braille.handler.messageBuffer.windowStartPos == 40
	assert braille.testing.shown().endswith(" and more")
	assert braille.handler.messageBuffer.windowRawText == "a" * 20 + " and more"


# --- locked sessions and secure desktops (winAPI.sessionTracking, utils.security, blockAction) ---


def test_lockingWindowsNotifiesAndBlocksActions():
	import ui
	from gui import blockAction
	from utils import security
	from winAPI import sessionTracking

	states = []
	security.post_sessionLockStateChanged.register(lambda isNowLocked: states.append(isNowLocked))

	@blockAction.when(blockAction.Context.WINDOWS_LOCKED)
	def openDialog():
		return "opened"

	sessionTracking.testing.lock()
	assert openDialog() is None
	assert ui.testing.messages == ["Action unavailable while Windows is locked"]
	sessionTracking.testing.unlock()
	assert openDialog() == "opened"
	assert states == [True, False]
	security.testing.secureDesktop = True  # NVDA treats a secure desktop as locked too
	assert openDialog() is None


# --- window handles (winUser.isWindow: user32 IsWindow) ------------------------------------------


def test_aWindowHandleNamesAWindowUntilTheWindowIsDestroyed(nvdaGui):
	import winUser

	frame = wx.Frame(None)
	winUser.testing.track(0x40040, frame)
	assert winUser.isWindow(0x40040)
	assert winUser.isWindow(0x50050)  # a handle NVDA handed out: its window exists
	assert not winUser.isWindow(0)
	frame.Destroy()
	wx.GetApp().Yield(True)  # wx destroys a top-level window once idle
	assert not winUser.isWindow(0x40040)


# --- config values validated when read (config/__init__.py AggregatedSection.__getitem__) --------


@pytest.mark.parametrize(
	("stored", "error"),
	[("601", "VdtValueTooBigError"), ("0", "VdtValueTooSmallError"), ("abc", "VdtTypeError")],
)
def test_aBadValueInNvdaIniRaisesWhenRead(stored, error):
	import config

	config.conf.spec["vdTest"] = {"timeout": "integer(default=30, min=1, max=600)"}
	config.conf.profiles[0]["vdTest"] = {"timeout": stored}  # as a hand edit of nvda.ini leaves it
	with pytest.raises(Exception) as raised:
		config.conf["vdTest"]["timeout"]
	assert type(raised.value).__name__ == error
	assert not isinstance(raised.value, KeyError)


# --- the settings dialog's Enter (gui/settingsDialogs.py _enterActivatesOk_ctrlSActivatesApply) ---


def charHook(target, keyCode):
	event = wx.KeyEvent(wx.wxEVT_CHAR_HOOK)
	event.SetKeyCode(keyCode)
	event.SetEventObject(target)
	event.ResumePropagation(wx.EVENT_PROPAGATE_MAX)
	target.GetEventHandler().ProcessEvent(event)
	return event


@pytest.mark.display
def test_enterInAnyControlPressesOkUnlessTheControlLetsItThrough(nvdaGui):
	import wxHelpers
	from gui import guiHelper, settingsDialogs

	saved = []

	class Panel(settingsDialogs.SettingsPanel):
		title = "Test panel"

		def makeSettings(self, sizer):
			helper = guiHelper.BoxSizerHelper(self, sizer=sizer)
			self.single = helper.addLabeledControl("Name:", wx.TextCtrl)
			self.multi = helper.addLabeledControl("Prompt:", wx.TextCtrl, style=wx.TE_MULTILINE)
			self.multi.Bind(wx.EVT_CHAR_HOOK, self.letEnterThrough)

		def letEnterThrough(self, evt):
			if evt.KeyCode == wx.WXK_RETURN:
				evt.DoAllowNextEvent()
			else:
				evt.Skip()

		def onSave(self):
			saved.append(True)

	settingsDialogs.NVDASettingsDialog.categoryClasses.append(Panel)
	dialog = settingsDialogs.NVDASettingsDialog(nvdaGui.mainFrame, initialCategory=Panel)
	panel = dialog.currentCategory
	assert isinstance(dialog.container, wx.ScrolledWindow)  # the panel scrolls inside the dialog
	event = charHook(panel.multi, wx.WXK_RETURN)
	assert event.IsNextEventAllowed() and saved == []  # the new line reaches the control
	charHook(panel.single, wx.WXK_RETURN)
	assert saved == [True]  # Enter in a one-line field is OK
	assert wxHelpers.waitFor(lambda: not dialog)


# --- pressing twice (scriptHandler.executeScript, getLastScriptRepeatCount) ------------------------


def test_theRepeatCountFollowsMultiPressTimeoutAndTheSameScriptFunction():
	import config
	import globalPluginHandler
	import inputCore
	import queueHandler
	import scriptHandler
	from nvdaHarness import makeGesture

	counts = []

	class Plugin(globalPluginHandler.GlobalPlugin):
		def script_count(self, gesture):
			counts.append(scriptHandler.getLastScriptRepeatCount())

	plugin = Plugin()
	gesture = makeGesture("kb:NVDA+shift+c")
	scriptHandler.executeScript(plugin.script_count, gesture)
	scriptHandler.executeScript(plugin.script_count, gesture)  # a bound method: the same function
	scriptHandler.executeScript(plugin.script_count, gesture)
	assert counts == [0, 1, 2]
	# A wrapper made for each press is a new function each time: never a repeat.
	scriptHandler.executeScript(lambda gesture: plugin.script_count(gesture), gesture)
	scriptHandler.executeScript(lambda gesture: plugin.script_count(gesture), gesture)
	assert counts[-2:] == [0, 0]
	config.conf["keyboard"]["multiPressTimeout"] = 100  # the user's setting, in milliseconds
	scriptHandler.executeScript(plugin.script_count, gesture)
	time.sleep(0.15)
	assert scriptHandler.getLastScriptRepeatCount() == 0  # the window has passed
	scriptHandler.executeScript(plugin.script_count, gesture)
	assert counts[-2:] == [0, 0]
	# An unbound key between two presses makes the second a first press again.
	config.conf["keyboard"]["multiPressTimeout"] = 5000
	globalPluginHandler.runningPlugins.add(plugin)
	plugin.bindGesture("kb:NVDA+shift+c", "count")
	scriptHandler.clearLastScript()
	for _press in range(2):
		inputCore.manager.executeGesture(gesture)
		queueHandler.testing.pump()
	assert counts[-2:] == [0, 1]
	with pytest.raises(inputCore.NoInputGestureAction):
		inputCore.manager.executeGesture(makeGesture("kb:z"))
	inputCore.manager.executeGesture(gesture)
	queueHandler.testing.pump()
	assert counts[-1] == 0
	globalPluginHandler.runningPlugins.discard(plugin)


# --- Input Gestures: the user's gesture map (inputCore.GlobalGestureMap, scriptHandler.findScript) --


class _MappedPlugin:
	"""A running global plugin with a script bound to NVDA+shift+m by the plugin itself."""

	def __init__(self):
		import globalPluginHandler
		import scriptHandler

		ran = self.ran = []

		class Plugin(globalPluginHandler.GlobalPlugin):
			@scriptHandler.script(description="Says hello", category="Tests", gesture="kb:NVDA+shift+m")
			def script_hello(self, gesture):
				ran.append("hello")

		Plugin.__module__ = "globalPlugins.mapped"
		self.cls = Plugin
		self.plugin = Plugin()
		globalPluginHandler.runningPlugins.add(self.plugin)

	def press(self, identifier):
		import inputCore
		import queueHandler
		from nvdaHarness import makeGesture

		try:
			inputCore.manager.executeGesture(makeGesture(identifier))
		except inputCore.NoInputGestureAction:
			return False
		queueHandler.testing.pump()
		return True

	def remove(self):
		import globalPluginHandler

		globalPluginHandler.runningPlugins.discard(self.plugin)


@pytest.fixture
def mapped(monkeypatch):
	plugin = _MappedPlugin()
	monkeypatch.setitem(sys.modules, "globalPlugins.mapped", types.SimpleNamespace(Plugin=plugin.cls))
	yield plugin
	plugin.remove()


def test_theUsersGestureMapWinsOverThePluginsOwnBindings(mapped):
	import inputCore

	assert mapped.press("kb:NVDA+shift+m") and mapped.ran == ["hello"]
	# In Input Gestures the user adds NVDA+F5 and removes NVDA+shift+m (gestures.ini).
	inputCore.manager.userGestureMap.update(
		{"globalPlugins.mapped.Plugin": {"hello": "kb:NVDA+f5", "None": "kb:NVDA+shift+m"}}
	)
	assert not mapped.press("kb:NVDA+shift+m")
	assert mapped.press("kb:f5+NVDA") and mapped.ran == ["hello", "hello"]
	mappings = inputCore.manager.getAllGestureMappings()
	[info] = mappings["Tests"].values()
	assert info.displayName == "Says hello" and info.scriptName == "hello"
	assert info.gestures == ["kb:f5+nvda"]  # what the Input Gestures dialog lists


def test_aPluginsOwnBindingsAreListedUntilTheUserChangesThem(mapped):
	import inputCore

	[info] = inputCore.manager.getAllGestureMappings()["Tests"].values()
	assert info.gestures == ["kb:m+nvda+shift"]
	assert info.moduleName == "globalPlugins.mapped" and info.className == "Plugin"


def test_aBrailleOrTouchGestureNoPluginTakesGoesOnToNvda(mapped):
	import inputCore
	import queueHandler
	from nvdaHarness import makeGesture

	for identifier in ("br(freedomScientific):leftWizWheelDown", "ts:2finger_flickDown"):
		with pytest.raises(inputCore.NoInputGestureAction):
			inputCore.manager.executeGesture(makeGesture(identifier))
		with pytest.raises(LookupError):
			inputCore.getDisplayTextForGestureIdentifier(identifier)  # no keyboard names for it
	queueHandler.testing.pump()
	assert mapped.ran == []


def test_whileWindowsIsLockedNoAddonScriptIsFound(mapped):
	from winAPI import sessionTracking

	sessionTracking.testing.lock()
	assert not mapped.press("kb:NVDA+shift+m")
	sessionTracking.testing.unlock()
	assert mapped.press("kb:NVDA+shift+m") and mapped.ran == ["hello"]


# --- the settings dialog's size and scrolling (gui/settingsDialogs.py, gui/nvdaControls.py) -------


@pytest.mark.display
def test_theDialogOpensAtNvdasSizeAndItsContainerScrollsToTheFocusedControl(nvdaGui):
	import wxHelpers
	from gui import guiHelper, settingsDialogs

	class Tall(settingsDialogs.SettingsPanel):
		title = "Tall panel"

		def makeSettings(self, sizer):
			helper = guiHelper.BoxSizerHelper(self, sizer=sizer)
			self.fields = []
			for group in range(6):
				box = wx.StaticBoxSizer(wx.VERTICAL, self, label=f"Group {group}")
				groupHelper = guiHelper.BoxSizerHelper(self, sizer=box)
				helper.addItem(groupHelper)
				for row in range(4):
					self.fields.append(groupHelper.addLabeledControl(f"Field {group}.{row}:", wx.TextCtrl))

		def grow(self):
			self.wide = self.settingsSizer.Add(wx.TextCtrl(self, size=(900, -1)))
			self._sendLayoutUpdatedEvent()

		def onSave(self):
			pass

	settingsDialogs.NVDASettingsDialog.categoryClasses.append(Tall)
	dialog = settingsDialogs.NVDASettingsDialog(nvdaGui.mainFrame, initialCategory=Tall)
	dialog.Show()
	assert wxHelpers.waitFor(dialog.IsShownOnScreen)
	assert tuple(dialog.GetSize()) == settingsDialogs.NVDASettingsDialog.INITIAL_SIZE
	container = dialog.container
	visible = container.GetClientSize()
	assert 500 < visible.width < 640  # the categories list takes a quarter of the width
	assert container.GetVirtualSize().height > visible.height  # a tall panel scrolls
	assert container.GetVirtualSize().width <= visible.width
	last = dialog.currentCategory.fields[-1]  # inside a group: its parent is not the container
	last.SetFocus()
	assert wxHelpers.waitFor(lambda: _shownIn(container, last))
	dialog.currentCategory.grow()
	wxHelpers.processEvents()
	assert container.GetVirtualSize().width > visible.width  # now it scrolls sideways too


def _shownIn(container, control) -> bool:
	area = container.GetScreenRect()
	rect = control.GetScreenRect()
	return area.top <= rect.top and rect.bottom <= area.bottom
