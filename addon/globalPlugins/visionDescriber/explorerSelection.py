"""The files selected in a File Explorer window, through Windows' Shell.Application COM object.

Windows only, and the only code of the add-on that talks to Explorer. It runs on the worker thread
(Explorer can be slow to answer), so it initialises COM for that thread and releases every COM
object before uninitialising. It is not tested on Linux: the tests replace `selectedFiles` with a
stand-in, and the readme says so.

Known limits: the desktop's own icons are not a Shell window, and on Windows 11 every tab of one
Explorer window shares the window handle, so the selection comes from the first tab Windows lists.
"""


def selectedFiles(windowHandle: int) -> list[str]:
	"""Full paths of the items selected in the Explorer window with this handle ([] if none)."""
	import comtypes

	comtypes.CoInitialize()
	try:
		return _selectedFiles(windowHandle)
	finally:
		comtypes.CoUninitialize()


def _selectedFiles(windowHandle: int) -> list[str]:
	# Every COM object lives in this frame only, so all are released before CoUninitialize.
	import comtypes.client

	shell = comtypes.client.CreateObject("Shell.Application", dynamic=True)
	windows = shell.Windows()
	for index in range(windows.Count):
		window = windows.Item(index)
		if window is None:
			continue
		try:
			if int(window.HWND) != int(windowHandle):
				continue
			items = window.Document.SelectedItems()
		except Exception:
			continue  # Internet Explorer windows and closing windows have no usable Document
		return [str(items.Item(i).Path) for i in range(items.Count)]
	return []
