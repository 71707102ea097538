"""Failures on this computer: capturing the screen, reading a picture, the credential store."""

from ..i18n import _
from .base import Hint, VisionDescriberError


class CaptureRefused(VisionDescriberError):
	"""The target has no pixels to grab: no location, zero size, or entirely off-screen."""

	NO_LOCATION = "noLocation"
	EMPTY = "empty"
	OFF_SCREEN = "offScreen"
	hint = None

	def __init__(self, reason: str, detail: str = ""):
		super().__init__(detail)
		self.reason = reason

	@property
	def fact(self) -> str:
		if self.reason == self.NO_LOCATION:
			return _("This object has no position on the screen, so there is nothing to capture.")
		if self.reason == self.OFF_SCREEN:
			return _("This object is off the screen, so there is nothing to capture.")
		return _("This object has no size on the screen, so there is nothing to capture.")


class CaptureFailed(VisionDescriberError):
	"""The screen could not be read at all (no display, the capture call failed)."""

	@property
	def fact(self) -> str:
		return _("Could not capture the screen.")


class BlankCapture(VisionDescriberError):
	"""Every pixel is black or one flat colour: nothing worth sending."""

	def __init__(self, black: bool, detail: str = ""):
		super().__init__(detail)
		self.black = black

	@property
	def fact(self) -> str:
		if self.black:
			return _("The screen is black. Nothing was sent.")
		return _("The capture is a single flat colour, so there is nothing to describe. Nothing was sent.")

	@property
	def hint(self) -> str | None:
		return Hint.BLACK_SCREEN if self.black else None


class ScreenCurtainOn(VisionDescriberError):
	hint = None

	@property
	def fact(self) -> str:
		return _(
			"Screen Curtain is on, so captures are black. Turn it off to describe the screen. Nothing was sent."
		)


class SecureScreen(VisionDescriberError):
	hint = None

	@property
	def fact(self) -> str:
		return _("Vision Describer is not available on secure screens.")


class WindowsLocked(VisionDescriberError):
	"""Windows is locked: nothing is captured or sent, and no window opens over the lock screen."""

	hint = None

	@property
	def fact(self) -> str:
		# Translators: spoken when a Vision Describer command is used while Windows is locked.
		return _("Vision Describer is not available while Windows is locked.")


class UnreadableImage(VisionDescriberError):
	"""`reason` says why: "" (not an image, or a damaged one), NOT_FOUND, TOO_LARGE or HEIC."""

	NOT_FOUND = "notFound"
	TOO_LARGE = "tooLarge"
	HEIC = "heic"
	hint = None

	def __init__(self, source: str, detail: str = "", reason: str = ""):
		super().__init__(detail)
		self.source = source
		self.reason = reason

	@property
	def fact(self) -> str:
		if self.reason == self.NOT_FOUND:
			# Translators: {source} is a file name.
			return _("The file {source} was not found.").format(source=self.source)
		if self.reason == self.TOO_LARGE:
			# Translators: {source} is a file name, or "the clipboard".
			return _("The picture in {source} is too large to open safely.").format(source=self.source)
		if self.reason == self.HEIC:
			# Translators: {source} is a file name; HEIC is the format of many phone photos.
			return _(
				"{source} is a HEIC picture, which cannot be read here. Export it as JPEG first."
			).format(source=self.source)
		return _(
			# Translators: {source} is a file name, or "the clipboard".
			"Could not read an image from {source}. Use a PNG, JPEG, GIF, BMP, TIFF or WebP picture."
		).format(source=self.source)


class ImagingUnavailable(VisionDescriberError):
	"""Pillow, which reads and encodes every picture, is missing or its compiled part cannot load
	(a damaged or missing file in the add-on's folder). The detail names the import error."""

	hint = None  # the fact says what to do, the same in NVDA and in the terminal

	@property
	def fact(self) -> str:
		# Translators: Pillow is the name of a software library; keep it as it is.
		return _(
			"Pillow, the library that prepares pictures, could not be loaded. Reinstall Vision Describer."
		)


class NoImageFound(VisionDescriberError):
	hint = None

	@property
	def fact(self) -> str:
		return _("There is no image on the clipboard and no image file is selected.")


# --- Credential store --------------------------------------------------------------------------


class KeyStoreUnavailable(VisionDescriberError):
	"""The credential store (Windows Credential Manager) could not read, save or delete a key."""

	READ = "read"
	SAVE = "save"
	DELETE = "delete"

	def __init__(self, operation: str, detail: str = ""):
		super().__init__(detail)
		self.operation = operation

	@property
	def fact(self) -> str:
		if self.operation == self.SAVE:
			return _("The API key could not be saved in Windows Credential Manager.")
		if self.operation == self.DELETE:
			return _("The API key could not be removed from Windows Credential Manager.")
		return _("The API key could not be read from Windows Credential Manager.")
