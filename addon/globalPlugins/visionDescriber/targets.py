"""What the user pointed at, turned into an `ImageSource` the core can describe.

Split by thread, as NVDA needs: `resolve()` runs on the main thread and only reads NVDA object
properties (name, role, application, location, window handle), which is cheap; it already refuses a
target without a location or without size. The `grab` it returns runs on the worker: it adds context
around a tiny target, clips to the screen (refusing a target that is entirely off it), and captures
with mss; for the clipboard and the file selected in File Explorer it reads the picture there. An
object also gets a `ScreenObject`, so the core may capture it with more of its surroundings where
the model's server would enlarge a small picture anyway.

Coordinates: NVDA runs per-monitor DPI aware, so `NVDAObject.location` is in physical pixels, the
space mss captures in. A location can be None (COM errors), have zero width or height, reach past the
screen, or start at negative coordinates on a monitor left of or above the primary one.
"""

import os
from dataclasses import dataclass, field
from typing import Any

import addonHandler
import api
from logHandler import log
from visionDescriberCore.conversation import prompts
from visionDescriberCore.describing import ImageSource, ScreenObject
from visionDescriberCore.errors import CaptureRefused
from visionDescriberCore.settings import Settings

from . import explorerSelection

addonHandler.initTranslation()

NAVIGATOR = "navigator"
FOCUS = "focus"
FOREGROUND = "foreground"
MONITOR = "monitor"
SCREEN = "screen"
CLIPBOARD = "clipboard"
KINDS = (NAVIGATOR, FOCUS, FOREGROUND, MONITOR, SCREEN, CLIPBOARD)
#: Kinds that capture the screen (and so are refused under Screen Curtain and checked for blankness).
SCREEN_KINDS = (NAVIGATOR, FOCUS, FOREGROUND, MONITOR, SCREEN)


#: NVDA's executable name for File Explorer (appModule.appName).
EXPLORER_APP = "explorer"

LTWH = tuple[int, int, int, int]


@dataclass(frozen=True)
class ObjectFacts:
	"""What NVDA knows about an object, read once on the main thread."""

	name: str = ""
	roleName: str = ""
	appName: str = ""
	location: LTWH | None = None
	windowHandle: int = 0


@dataclass
class Target:
	kind: str
	source: ImageSource
	#: The foreground window's rectangle when the command ran (None for the desktop).
	foregroundRect: LTWH | None = None
	#: Set on the worker after the grab: whether that window covered its whole monitor.
	foregroundIsFullscreen: bool = field(default=False)
	#: The object's rectangle, for a navigator, focus or foreground target (what `sameArea` compares).
	rect: LTWH | None = None

	@property
	def isScreenCapture(self) -> bool:
		return self.source.isScreenCapture


def labelFor(kind: str) -> str:
	"""Short words naming the target, for session titles (translated when called)."""
	labels = {
		# Translators: What was described, shown in the titles of results and conversations.
		NAVIGATOR: _("navigator object"),
		# Translators: What was described: the object with the keyboard focus.
		FOCUS: _("focus"),
		# Translators: What was described: the window in the foreground.
		FOREGROUND: _("window"),
		# Translators: What was described: the monitor showing the navigator object.
		MONITOR: _("monitor"),
		# Translators: What was described: every monitor together.
		SCREEN: _("whole screen"),
		# Translators: What was described: the picture on the clipboard.
		CLIPBOARD: _("clipboard image"),
	}
	return labels[kind]


def readFacts(obj: Any) -> ObjectFacts:
	"""Each property on its own: an object that fails one (a COM error) still gives the others."""
	if obj is None:
		return ObjectFacts()
	name = _safely(lambda: obj.name, "") or ""
	roleName = _safely(lambda: obj.role.name, "") or ""
	appName = _safely(lambda: obj.appModule.appName, "") or ""
	location = _safely(lambda: _ltwh(obj.location), None)
	windowHandle = _safely(lambda: int(obj.windowHandle or 0), 0)
	return ObjectFacts(str(name), str(roleName), str(appName), location, windowHandle)


def _ltwh(location: Any) -> LTWH | None:
	if location is None:
		return None
	left, top, width, height = location
	return int(left), int(top), int(width), int(height)


def _safely(read, default):
	try:
		return read()
	except Exception:
		log.debugWarning("Vision Describer: could not read an object property", exc_info=True)
		return default


def objectRect(facts: ObjectFacts) -> LTWH:
	"""The object's rectangle, refused at once when it has no location or no size."""
	if facts.location is None:
		raise CaptureRefused(CaptureRefused.NO_LOCATION, "the object reports no location")
	left, top, width, height = facts.location
	if width <= 0 or height <= 0:
		raise CaptureRefused(CaptureRefused.EMPTY, f"the object's location has no area: {facts.location}")
	return facts.location


def _objectFor(kind: str) -> Any:
	if kind == NAVIGATOR:
		return api.getNavigatorObject()
	if kind == FOCUS:
		return api.getFocusObject()
	return api.getForegroundObject()


def _foregroundRect() -> LTWH | None:
	foreground = api.getForegroundObject()
	if foreground is None or foreground is api.getDesktopObject():
		return None
	return readFacts(foreground).location


def resolve(kind: str, settings: Settings) -> Target:
	"""Main thread: reads the target's facts and returns a Target whose grab runs on the worker.
	Raises CaptureRefused for an object without a location or without size."""
	if kind not in KINDS:
		raise ValueError(f"unknown target {kind!r}")
	foregroundRect = _foregroundRect()
	if kind == CLIPBOARD:
		return _clipboardTarget(foregroundRect)
	target = Target(kind, ImageSource(lambda: None, labelFor(kind)), foregroundRect)
	if kind in (NAVIGATOR, FOCUS, FOREGROUND):
		facts = readFacts(_objectFor(kind))
		rect = target.rect = objectRect(facts)
		target.source.context = prompts.objectContext(facts.name, facts.roleName, facts.appName)
		tinySize, margin = settings.tinyTargetSize, settings.tinyTargetMargin

		def grabObject():
			from visionDescriberCore.imaging import capture

			region = capture.addContextMargin(capture.Rect(*rect), tinySize, margin)
			return _afterGrab(target, capture.grab(region))

		target.source.grab = grabObject
		target.source.screenObject = _screenObject(target, rect)
	elif kind == MONITOR:
		x, y = _monitorPoint()

		def grabMonitor():
			from visionDescriberCore.imaging import capture

			return _afterGrab(target, capture.grab(capture.monitorContaining(x, y)))

		target.source.grab = grabMonitor
	else:

		def grabScreen():
			from visionDescriberCore.imaging import capture

			return _afterGrab(target, capture.grabScreen())

		target.source.grab = grabScreen
	return target


def _screenObject(target: Target, rect: LTWH) -> ScreenObject:
	"""Lets the core capture the object with its surroundings (worker), where the model's server
	would enlarge a small picture anyway (see visionDescriberCore.imaging.widening)."""
	left, top, width, height = rect

	def grabRect(region):
		from visionDescriberCore.imaging import capture

		return _afterGrab(target, capture.grab(region))

	def monitor():
		from visionDescriberCore.imaging import capture

		return capture.monitorContaining(left + width // 2, top + height // 2)

	return ScreenObject(rect, grabRect, monitor)


def sameArea(first: Target, second: Target) -> bool:
	"""Whether two targets capture the same part of the screen: objects with the same rectangle
	(the navigator on a window is that window), or both the monitor, or both the whole screen. (Two
	monitor targets are taken as the same monitor: which monitor a point is on is asked on the worker.)"""
	if first.rect is not None or second.rect is not None:
		return first.rect == second.rect
	return first.kind == second.kind and first.kind in (MONITOR, SCREEN)


def _monitorPoint() -> tuple[int, int]:
	"""The centre of the navigator object, else of the foreground window, else the primary monitor's origin."""
	for obj in (api.getNavigatorObject(), api.getForegroundObject()):
		location = readFacts(obj).location
		if location is not None:
			left, top, width, height = location
			return left + max(width, 0) // 2, top + max(height, 0) // 2
	return 0, 0


def _afterGrab(target: Target, image: Any) -> Any:
	"""Worker: notes whether the foreground window is full screen (for opening the dialog later)."""
	target.foregroundIsFullscreen = isFullscreen(target.foregroundRect)
	return image


def isFullscreen(rect: LTWH | None) -> bool:
	"""Worker: True when the window covers the whole monitor it is on (a game, a full-screen video)."""
	if rect is None:
		return False
	left, top, width, height = rect
	if width <= 0 or height <= 0:
		return False
	try:
		from visionDescriberCore.imaging import capture

		monitor = capture.monitorContaining(left + width // 2, top + height // 2)
	except Exception:
		log.debugWarning("Vision Describer: could not read the monitor layout", exc_info=True)
		return False
	return (
		left <= monitor.left
		and top <= monitor.top
		and left + width >= monitor.right
		and top + height >= monitor.bottom
	)


# --- The clipboard, or the file selected in File Explorer ------------------------------------------


def _clipboardTarget(foregroundRect: LTWH | None) -> Target:
	foreground = readFacts(api.getForegroundObject())
	explorerWindow = foreground.windowHandle if foreground.appName.lower() == EXPLORER_APP else 0
	source = ImageSource(lambda: None, labelFor(CLIPBOARD), isScreenCapture=False)
	target = Target(CLIPBOARD, source, foregroundRect)

	def grabPicture():
		image = _selectedExplorerImage(explorerWindow, source) if explorerWindow else None
		if image is None:
			image = _clipboardImage(source)
		return _afterGrab(target, image)

	source.grab = grabPicture
	return target


def _selectedExplorerImage(windowHandle: int, source: ImageSource) -> Any:
	"""Worker: the first file selected in the foreground Explorer window, or None if none is."""
	try:
		paths = explorerSelection.selectedFiles(windowHandle)
	except Exception:
		log.debugWarning("Vision Describer: could not read File Explorer's selection", exc_info=True)
		return None
	if not paths:
		return None
	from visionDescriberCore.imaging import imageSources

	source.label = os.path.basename(paths[0]) or paths[0]
	return imageSources.loadImageFile(paths[0])


def _clipboardImage(source: ImageSource) -> Any:
	"""Worker: the picture on the clipboard, or the first picture among files copied there
	(raises NoImageFound when there is none)."""
	from visionDescriberCore.imaging import imageSources

	return imageSources.readClipboardImage()
