"""Fake of NVDA's gui.dpiScalingHelper: sizes given in pixels at 96 DPI, scaled to the screen's DPI.

NVDA's settings panels and dialogs mix in `DpiScalingHelperMixinWithoutInit` and write fixed sizes
as `self.scaleSize((250, -1))`, so a control keeps its proportions when Windows scales text to 150 %
or 200 % (common for low vision). NVDA asks Windows for the window's scale factor
(`getScaleFactor`, windowUtils.getWindowScalingFactor); Xvfb has no scaling, so it is 1 here.
"""


def scaleSize(scaleFactor, size):
	if isinstance(size, tuple):
		return (round(scaleFactor * size[0]), round(scaleFactor * size[1]))
	return round(scaleFactor * size)


def getScaleFactor(windowHandle):
	return 1


class DpiScalingHelperMixinWithoutInit:
	_scaleFactor = None

	def scaleSize(self, size):
		if self._scaleFactor is None:
			self._scaleFactor = getScaleFactor(self.GetHandle())
		return scaleSize(self._scaleFactor, size)
