"""Fake of NVDA's gui.guiHelper: sizer helpers that label every control, built from real wx.

As in NVDA, `addLabeledControl` makes a real wx.StaticText for the label followed by the control,
and accepts only the pairings NVDA's `associateElements` knows (text field, choice, slider, spin
control, button, check box; list controls below their label); anything else raises
NotImplementedError, as NVDA does. Disabling or hiding the control does the same to its label
(NVDA posts an event for this; here it happens at once).
"""

import weakref
from abc import ABCMeta
from typing import Generic, TypeVar

import wx

BORDER_FOR_DIALOGS = 10
SPACE_BETWEEN_VERTICAL_DIALOG_ITEMS = 10
SPACE_BETWEEN_BUTTONS_HORIZONTAL = 7
SPACE_BETWEEN_BUTTONS_VERTICAL = 5
SPACE_BETWEEN_ASSOCIATED_CONTROL_HORIZONTAL = 10
SPACE_BETWEEN_ASSOCIATED_CONTROL_VERTICAL = 3

_LabeledControlT = TypeVar("_LabeledControlT")


class SIPABCMeta(wx.siplib.wrappertype, ABCMeta):
	"""Lets wx classes have abstract methods."""


def associateElements(firstElement, secondElement):
	"""Lays out a label (or a button or a text field) with the element it belongs to."""
	if isinstance(firstElement, ButtonHelper | LabeledControlHelper) or isinstance(
		secondElement, ButtonHelper | LabeledControlHelper
	):
		raise NotImplementedError("associateElements does not take helper objects")
	if isinstance(firstElement, wx.StaticText) and isinstance(
		secondElement, wx.Button | wx.Choice | wx.Slider | wx.SpinCtrl | wx.TextCtrl
	):
		sizer = wx.BoxSizer(wx.HORIZONTAL)
		sizer.Add(firstElement, flag=wx.ALIGN_CENTER_VERTICAL)
		sizer.AddSpacer(SPACE_BETWEEN_ASSOCIATED_CONTROL_HORIZONTAL)
		sizer.Add(secondElement)
	elif isinstance(firstElement, wx.StaticText) and isinstance(secondElement, wx.CheckBox):
		sizer = wx.BoxSizer(wx.HORIZONTAL)
		sizer.Add(secondElement)
		sizer.AddSpacer(SPACE_BETWEEN_ASSOCIATED_CONTROL_HORIZONTAL)
		sizer.Add(firstElement, flag=wx.ALIGN_CENTER_VERTICAL)
	elif isinstance(firstElement, wx.StaticText) and isinstance(
		secondElement, wx.ListCtrl | wx.ListBox | wx.TreeCtrl
	):
		sizer = wx.BoxSizer(wx.VERTICAL)
		sizer.Add(firstElement)
		sizer.AddSpacer(SPACE_BETWEEN_ASSOCIATED_CONTROL_VERTICAL)
		sizer.Add(secondElement, flag=wx.EXPAND, proportion=1)
	elif isinstance(firstElement, wx.Button) and isinstance(secondElement, wx.CheckBox):
		sizer = wx.BoxSizer(wx.HORIZONTAL)
		sizer.Add(firstElement)
		sizer.AddSpacer(SPACE_BETWEEN_ASSOCIATED_CONTROL_HORIZONTAL)
		sizer.Add(secondElement, flag=wx.ALIGN_CENTER_VERTICAL)
	elif isinstance(firstElement, wx.TextCtrl) and isinstance(secondElement, wx.Button):
		sizer = wx.BoxSizer(wx.HORIZONTAL)
		sizer.Add(firstElement, flag=wx.ALIGN_CENTER_VERTICAL, proportion=1)
		sizer.AddSpacer(SPACE_BETWEEN_BUTTONS_HORIZONTAL)
		sizer.Add(secondElement, flag=wx.ALIGN_CENTER_VERTICAL)
	else:
		raise NotImplementedError(
			"The firstElement and secondElement argument combination has no implementation"
		)
	return sizer


class LabeledControlHelper(Generic[_LabeledControlT]):
	"""A wx.StaticText label and the control it labels, laid out together."""

	def __init__(self, parent, labelText, wxCtrlClass, **kwargs):
		label = wx.StaticText(parent, label=labelText)

		class ControlWithLabel(wxCtrlClass):
			def Enable(self, enable=True):
				label.Enable(enable)
				return super().Enable(enable)

			def Disable(self):
				label.Disable()
				return super().Disable()

			def Show(self, show=True):
				label.Show(show)
				return super().Show(show)

			def Hide(self):
				label.Hide()
				return super().Hide()

		ControlWithLabel.__name__ = wxCtrlClass.__name__
		ControlWithLabel.__qualname__ = wxCtrlClass.__qualname__
		self._label = label
		self._ctrl = ControlWithLabel(parent, **kwargs)
		self._sizer = associateElements(self._label, self._ctrl)

	@property
	def control(self):
		return self._ctrl

	@property
	def sizer(self):
		return self._sizer


class ButtonHelper:
	"""A row (or column) of buttons with NVDA's spacing between them."""

	def __init__(self, orientation):
		self._firstButton = True
		self._sizer = wx.BoxSizer(orientation)
		self._space = (
			SPACE_BETWEEN_BUTTONS_HORIZONTAL
			if orientation == wx.HORIZONTAL
			else SPACE_BETWEEN_BUTTONS_VERTICAL
		)

	@property
	def sizer(self):
		return self._sizer

	def addButton(self, *args, **kwargs):
		button = wx.Button(*args, **kwargs)
		if not self._firstButton:
			self._sizer.AddSpacer(self._space)
		self._sizer.Add(button)
		self._firstButton = False
		return button


class BoxSizerHelper:
	"""Adds items to a box sizer with NVDA's spacing; labels controls; puts dismiss buttons last."""

	def __init__(self, parent, orientation=None, sizer=None):
		self._parentRef = weakref.ref(parent)
		self.hasFirstItemBeenAdded = False
		if orientation and sizer:
			raise ValueError("Supply either orientation OR sizer. Not both.")
		if orientation in (wx.VERTICAL, wx.HORIZONTAL):
			self.sizer = wx.BoxSizer(orientation)
		elif isinstance(sizer, wx.BoxSizer):
			self.sizer = sizer
		else:
			raise ValueError("Orientation OR Sizer must be supplied.")
		self.dialogDismissButtonsAdded = False

	def addItem(self, item, **keywordArgs):
		assert not self.dialogDismissButtonsAdded, "The dialog's dismiss buttons must be the last item added."
		toAdd = item
		addSpacer = self.hasFirstItemBeenAdded
		if isinstance(item, ButtonHelper):
			toAdd = item.sizer
			keywordArgs["border"] = 5
			keywordArgs["flag"] = keywordArgs.get("flag", 0) | wx.ALL
			addSpacer = False
		elif isinstance(item, BoxSizerHelper):
			toAdd = item.sizer
		elif isinstance(item, wx.CheckBox):
			if self.sizer.GetOrientation() == wx.HORIZONTAL:
				keywordArgs["flag"] = keywordArgs.get("flag", 0) | wx.EXPAND
		elif isinstance(item, LabeledControlHelper):
			raise NotImplementedError("Use addLabeledControl instead")
		if isinstance(toAdd, wx.StaticBoxSizer):
			keywordArgs["flag"] = keywordArgs.get("flag", 0) | wx.EXPAND
		if addSpacer:
			self.sizer.AddSpacer(SPACE_BETWEEN_VERTICAL_DIALOG_ITEMS)
		self.sizer.Add(toAdd, **keywordArgs)
		self.hasFirstItemBeenAdded = True
		return item

	def addLabeledControl(self, labelText, wxCtrlClass, **kwargs):
		parent = self._parentRef()
		if isinstance(self.sizer, wx.StaticBoxSizer):
			parent = self.sizer.GetStaticBox()
		labeledControl = LabeledControlHelper(parent, labelText, wxCtrlClass, **kwargs)
		if isinstance(labeledControl.control, wx.ListCtrl | wx.ListBox | wx.TreeCtrl):
			self.addItem(labeledControl.sizer, flag=wx.EXPAND, proportion=1)
		else:
			self.addItem(labeledControl.sizer)
		return labeledControl.control

	def addDialogDismissButtons(self, buttons, separated=False):
		if self.sizer.GetOrientation() != wx.VERTICAL:
			raise NotImplementedError("Dialog dismiss buttons go in a vertical BoxSizerHelper")
		if isinstance(buttons, ButtonHelper):
			toAdd = buttons.sizer
		elif isinstance(buttons, wx.Sizer | wx.Button):
			toAdd = buttons
		elif isinstance(buttons, int):
			toAdd = self._parentRef().CreateButtonSizer(buttons)
		else:
			raise NotImplementedError(f"Unknown type: {buttons}")
		if separated:
			parent = self._parentRef()
			if isinstance(self.sizer, wx.StaticBoxSizer):
				parent = self.sizer.GetStaticBox()
			self.addItem(wx.StaticLine(parent), flag=wx.EXPAND)
		self.addItem(toAdd, flag=wx.ALIGN_RIGHT)
		self.dialogDismissButtonsAdded = True
		return buttons
