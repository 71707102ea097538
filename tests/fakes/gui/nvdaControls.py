"""Fake of NVDA's gui.nvdaControls: the scrolled panel NVDA's settings dialog shows its categories in.

`TabbableScrolledPanel` is wx's ScrolledPanel with NVDA's fix (#12224, source/gui/nvdaControls.py):
when a control gets the focus (by Tab), wx scrolls it into view, but measures it relative to its
parent; for a control inside a group (a wx.StaticBox) that parent is not the scrolled panel, so the
scroll lands in the wrong place. NVDA measures the control from the screen instead, relative to the
scrolled panel itself (`GetChildRectRelativeToSelf`), and scrolls so that it is visible.
"""

import math

import wx
from wx.lib import scrolledpanel


class TabbableScrolledPanel(scrolledpanel.ScrolledPanel):
	def GetChildRectRelativeToSelf(self, child):
		screenRect = child.GetScreenRect()
		origin = self.GetScreenPosition()
		return wx.Rect(screenRect.x - origin.x, screenRect.y - origin.y, screenRect.width, screenRect.height)

	def ScrollChildIntoView(self, child):
		def scrolledStart(start, unit, near, far, visible):
			# The view start (scroll units) along one axis that shows [near, far] (pixels from the
			# visible area's origin), moving as little as possible; the near edge wins if both cannot.
			if unit <= 0:
				return start
			if near < 0:
				return start + math.floor(near / unit)
			if far >= visible:
				return start + min(math.ceil((far - visible + 1) / unit), math.floor(near / unit))
			return start

		rect = self.GetChildRectRelativeToSelf(child)
		unitX, unitY = self.GetScrollPixelsPerUnit()
		startX, startY = self.GetViewStart()
		client = self.GetClientSize()
		newX = scrolledStart(startX, unitX, rect.x, rect.right, client.width)
		newY = scrolledStart(startY, unitY, rect.y, rect.bottom, client.height)
		if (newX, newY) != (startX, startY):
			self.Scroll(newX, newY)
