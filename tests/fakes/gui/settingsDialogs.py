"""Fake of NVDA's gui.settingsDialogs: settings panels and NVDA's multi-category settings dialog.

Real wx throughout. As in NVDA, `SettingsPanel` is an abstract wx.Panel (makeSettings and onSave must
be overridden); `NVDASettingsDialog.categoryClasses` starts with NVDA's General panel (a stand-in
here) and add-ons append theirs; a panel is created only when its category is first shown (the
initial category, or `_doCategoryChange(index)`), so panels never shown get neither onSave nor
onDiscard. OK validates every created panel (`isValid`), then calls `onSave` on each, then `postSave`;
a panel returning False from isValid stops the save and keeps the dialog open. Cancel calls
`onDiscard`. A panel explains a refusal with `_validationErrorMessageBox` (gui.messageBox, so a test
queues the answer in `gui.message.testing.answers` and reads `gui.message.testing.shown`).

Keys, as NVDA's SettingsDialog handles them (`_enterActivatesOk_ctrlSActivatesApply`, bound to
EVT_CHAR_HOOK): Enter in ANY control presses OK, and Control+S presses Apply, unless the control
stops the char-hook event itself (NVDA's own panels do that for multi-line text with a control-level
EVT_CHAR_HOOK handler that calls `evt.DoAllowNextEvent()` instead of skipping).

Size and scrolling, as NVDA lays the dialog out: it opens at `INITIAL_SIZE` (800 x 480, scaled to
the screen's DPI) with the categories list and the panel's container side by side in a grid whose
columns share the width 1 : 3, both allowed to shrink to nothing, so the container is about 580
pixels wide whatever the panel wants. The container is a `nvdaControls.TabbableScrolledPanel`: a
panel taller than it scrolls, and a control that gets the focus is scrolled into view; a panel wider
than it scrolls sideways too (NVDA's panels are built to fit, since reading a line that runs off the
side is hard with a magnifier). After a panel changes its own layout it calls
`_sendLayoutUpdatedEvent()`, and the dialog lays the container out again and resets the scrolling
(`_onPanelLayoutChanged`); NVDA sends a wx command event up to the dialog for this, here the panel
calls the dialog directly.
"""

from abc import abstractmethod

import wx
from logHandler import log

from . import guiHelper, nvdaControls
from .dpiScalingHelper import DpiScalingHelperMixinWithoutInit


class SettingsPanel(DpiScalingHelperMixinWithoutInit, wx.Panel, metaclass=guiHelper.SIPABCMeta):
	title = ""
	panelDescription = ""

	def __init__(self, parent):
		super().__init__(parent)
		self._buildGui()

	def _buildGui(self):
		self.mainSizer = wx.BoxSizer(wx.VERTICAL)
		self.settingsSizer = wx.BoxSizer(wx.VERTICAL)
		self.makeSettings(self.settingsSizer)
		self.mainSizer.Add(self.settingsSizer, flag=wx.ALL | wx.EXPAND)
		self.mainSizer.Fit(self)
		self.SetSizer(self.mainSizer)

	@abstractmethod
	def makeSettings(self, sizer):
		raise NotImplementedError

	def onPanelActivated(self):
		self.Show()

	def onPanelDeactivated(self):
		self.Hide()

	@abstractmethod
	def onSave(self):
		raise NotImplementedError

	def isValid(self):
		return True

	def _validationErrorMessageBox(self, message, option, category=None):
		"""NVDA's way for a panel to say why it refused to save (an error message box, which NVDA
		reads aloud); the text has the same shape as NVDA 2024.4's (untranslated here)."""
		import gui

		if category is None:
			category = self.title
		gui.messageBox(
			message=f'{message}\n\nCategory: "{category}"\nOption: "{option}"',
			caption="Invalid configuration",
			style=wx.OK | wx.ICON_ERROR,
			parent=self,
		)

	def postSave(self):
		pass

	def onDiscard(self):
		pass

	def _sendLayoutUpdatedEvent(self):
		dialog = wx.GetTopLevelParent(self)
		if isinstance(dialog, MultiCategorySettingsDialog):
			dialog._onPanelLayoutChanged(None)


class SettingsDialog(DpiScalingHelperMixinWithoutInit, wx.Dialog, metaclass=guiHelper.SIPABCMeta):
	title = ""

	def __init__(
		self,
		parent,
		resizeable=False,
		hasApplyButton=False,
		settingsSizerOrientation=wx.VERTICAL,
		multiInstanceAllowed=False,
		buttons=frozenset({wx.OK, wx.CANCEL}),
	):
		style = wx.DEFAULT_DIALOG_STYLE
		if resizeable:
			style |= wx.RESIZE_BORDER | wx.MAXIMIZE_BOX | wx.MINIMIZE_BOX
		super().__init__(parent, title=self.title, style=style)
		buttonFlags = 0
		for button in buttons:
			buttonFlags |= button
		if hasApplyButton:
			buttonFlags |= wx.APPLY
		self.hasApply = hasApplyButton or wx.APPLY in buttons
		self.mainSizer = wx.BoxSizer(wx.VERTICAL)
		self.settingsSizer = wx.BoxSizer(settingsSizerOrientation)
		self.makeSettings(self.settingsSizer)
		self.mainSizer.Add(
			self.settingsSizer, border=guiHelper.BORDER_FOR_DIALOGS, flag=wx.ALL | wx.EXPAND, proportion=1
		)
		self.mainSizer.Add(
			self.CreateSeparatedButtonSizer(buttonFlags),
			border=guiHelper.BORDER_FOR_DIALOGS,
			flag=wx.EXPAND | wx.BOTTOM | wx.LEFT | wx.RIGHT,
		)
		self.mainSizer.Fit(self)
		self.SetSizer(self.mainSizer)
		self.Bind(wx.EVT_BUTTON, self.onOk, id=wx.ID_OK)
		self.Bind(wx.EVT_BUTTON, self.onCancel, id=wx.ID_CANCEL)
		self.Bind(wx.EVT_BUTTON, self.onClose, id=wx.ID_CLOSE)
		self.Bind(wx.EVT_BUTTON, self.onApply, id=wx.ID_APPLY)
		self.Bind(wx.EVT_CHAR_HOOK, self._enterActivatesOk_ctrlSActivatesApply)
		self.postInit()
		if resizeable:
			self.SetMinSize(self.mainSizer.GetMinSize())

	def _enterActivatesOk_ctrlSActivatesApply(self, evt):
		if evt.KeyCode in (wx.WXK_RETURN, wx.WXK_NUMPAD_ENTER):
			self.ProcessEvent(wx.CommandEvent(wx.wxEVT_COMMAND_BUTTON_CLICKED, wx.ID_OK))
		elif self.hasApply and evt.UnicodeKey == ord("S") and evt.controlDown:
			self.ProcessEvent(wx.CommandEvent(wx.wxEVT_COMMAND_BUTTON_CLICKED, wx.ID_APPLY))
		else:
			evt.Skip()

	@abstractmethod
	def makeSettings(self, sizer):
		raise NotImplementedError

	def postInit(self):
		pass

	def onOk(self, evt):
		self.DestroyLater()
		self.SetReturnCode(wx.ID_OK)

	def onCancel(self, evt):
		self.DestroyLater()
		self.SetReturnCode(wx.ID_CANCEL)

	def onClose(self, evt):
		self.DestroyLater()
		self.SetReturnCode(wx.ID_CLOSE)

	def onApply(self, evt):
		self.postInit()
		self.SetReturnCode(wx.ID_APPLY)


class MultiCategorySettingsDialog(SettingsDialog):
	categoryClasses = []
	INITIAL_SIZE = (800, 480)
	MIN_SIZE = (470, 240)

	def __init__(self, parent, initialCategory=None):
		if initialCategory and not issubclass(initialCategory, SettingsPanel):
			raise TypeError("initialCategory should be an instance of SettingsPanel")
		if initialCategory and initialCategory not in self.categoryClasses:
			raise ValueError(f"Unable to open category: {initialCategory}")
		self.initialCategory = initialCategory
		self.currentCategory = None
		self.catIdToInstanceMap = {}
		super().__init__(
			parent,
			resizeable=True,
			settingsSizerOrientation=wx.HORIZONTAL,
			buttons={wx.OK, wx.CANCEL, wx.APPLY},
		)
		self.SetMinSize(self.scaleSize(self.MIN_SIZE))
		self.SetSize(self.scaleSize(self.INITIAL_SIZE))
		self.CentreOnScreen()

	def makeSettings(self, settingsSizer):
		catListDim = self.scaleSize((150, 10))
		containerWidth = self.scaleSize(self.INITIAL_SIZE[0]) - catListDim[0] - self.scaleSize(20)
		self.catListCtrl = wx.ListBox(
			self, choices=[cls.title for cls in self.categoryClasses], size=catListDim
		)
		self.container = nvdaControls.TabbableScrolledPanel(
			parent=self, style=wx.TAB_TRAVERSAL | wx.BORDER_THEME, size=(containerWidth, self.scaleSize(10))
		)
		# Both may shrink below the size they were made with: the grid shares the dialog's width.
		self.container.SetMinSize((1, 1))
		self.catListCtrl.SetMinSize((1, 1))
		self.containerSizer = wx.BoxSizer(wx.VERTICAL)
		self.container.SetSizer(self.containerSizer)
		initialIndex = self.categoryClasses.index(self.initialCategory) if self.initialCategory else 0
		self.catListCtrl.SetSelection(initialIndex)
		self.catListCtrl.Bind(wx.EVT_LISTBOX, self.onCategoryChange)
		self._doCategoryChange(initialIndex)
		grid = wx.GridBagSizer(
			hgap=guiHelper.SPACE_BETWEEN_BUTTONS_HORIZONTAL, vgap=guiHelper.SPACE_BETWEEN_BUTTONS_VERTICAL
		)
		grid.Add(wx.StaticText(self, label="&Categories:"), pos=(0, 0), span=(1, 2))
		grid.Add(self.catListCtrl, pos=(1, 0), flag=wx.EXPAND)
		grid.Add(self.container, pos=(1, 1), flag=wx.EXPAND)
		grid.AddGrowableRow(1)
		grid.AddGrowableCol(0, proportion=1)
		grid.AddGrowableCol(1, proportion=3)
		settingsSizer.Add(grid, flag=wx.EXPAND, proportion=1)
		self.container.Layout()

	def _getCategoryPanel(self, catId):
		panel = self.catIdToInstanceMap.get(catId)
		if panel is None:
			try:
				cls = self.categoryClasses[catId]
			except IndexError:
				raise ValueError(f"Unable to create panel for unknown category ID: {catId}") from None
			panel = cls(parent=self.container)
			panel.Hide()
			self.containerSizer.Add(
				panel, flag=wx.ALL | wx.EXPAND, border=guiHelper.SPACE_BETWEEN_ASSOCIATED_CONTROL_HORIZONTAL
			)
			self.catIdToInstanceMap[catId] = panel
			panel.SetLabel(panel.title.replace("&", "&&"))
		return panel

	def _doCategoryChange(self, newCatId):
		oldCategory = self.currentCategory
		newCategory = self._getCategoryPanel(newCatId)
		if oldCategory is newCategory:
			return
		if oldCategory is not None:
			oldCategory.onPanelDeactivated()
		self.currentCategory = newCategory
		newCategory.onPanelActivated()
		self.container.Layout()
		self.container.SetupScrolling()

	def _onPanelLayoutChanged(self, evt):
		self.container.Layout()
		self.container.SetupScrolling()
		self.container.Refresh()

	def onCategoryChange(self, evt):
		self._doCategoryChange(evt.GetSelection())

	def _validateAllPanels(self):
		for panel in self.catIdToInstanceMap.values():
			if panel.isValid() is False:
				raise ValueError(f"Validation for {type(panel).__name__} blocked saving settings")

	def _saveAllPanels(self):
		for panel in self.catIdToInstanceMap.values():
			panel.onSave()

	def _notifyAllPanelsSaveOccurred(self):
		for panel in self.catIdToInstanceMap.values():
			panel.postSave()

	def _doSave(self):
		self._validateAllPanels()
		self._saveAllPanels()
		self._notifyAllPanelsSaveOccurred()

	def onOk(self, evt):
		try:
			self._doSave()
		except ValueError:
			log.debugWarning("Error while saving settings:", exc_info=True)
			evt.StopPropagation()
		else:
			super().onOk(evt)

	def onCancel(self, evt):
		for panel in self.catIdToInstanceMap.values():
			panel.onDiscard()
		super().onCancel(evt)

	def onApply(self, evt):
		try:
			self._doSave()
		except ValueError:
			log.debugWarning("Error while saving settings:", exc_info=True)
			evt.StopPropagation()
		else:
			super().onApply(evt)


class GeneralSettingsPanel(SettingsPanel):
	"""Stand-in for NVDA's first settings category (it has no controls here)."""

	title = "General"

	def makeSettings(self, settingsSizer):
		pass

	def onSave(self):
		pass


class NVDASettingsDialog(MultiCategorySettingsDialog):
	title = "NVDA Settings"
	categoryClasses = [GeneralSettingsPanel]
