"""One wx.App per test process (wx allows only one). Call getWxApp() once an X display is set."""

import wx

_app = None  # kept here: wx forgets an app whose Python object is collected


def getWxApp() -> wx.App:
	global _app
	app = wx.App.Get()
	if app is None:
		app = _app = wx.App(redirect=False)
	return app
