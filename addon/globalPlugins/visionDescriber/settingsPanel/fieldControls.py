"""Settings fields bound to controls, and the section a table of them belongs to.

Each section of the panel declares its settings once, as a table of records: the `Settings` field,
the panel attribute that will hold the control, the label with its access key, and, when it depends
on other settings, when the control is enabled (`enabledWhen`). The panel builds, shows, reads back,
enables and validates every setting from these tables, so a setting is one field in
`visionDescriberCore.settings` and one record here; nothing else lists the fields. Limits and
choices come from the field's declaration (a spin control's range is the field's min and max).

The kinds: `CheckField` (wx.CheckBox), `TextField` (wx.TextCtrl), `NumberField` (wx.SpinCtrl) and
`ChoiceField` (wx.Choice over (value, display name) pairs); a section may subclass `FieldControl`
for a setting shown by more than one control (the answer language is a list plus a code field).

Main thread only (wx). A section's records are made when the panel opens (so labels are translated
then) and each keeps the control it made: one set of records per panel.

Controls are laid out with NVDA's `guiHelper`, so every labelled control gets a wx.StaticText
before it. A check box or a choice, when changed, asks the panel to update which controls are
enabled, unless its record names its own `onChange`.

Width, for users who read the screen magnified: NVDA's settings dialog gives a category about 580
pixels (at 96 DPI) and scrolls it up and down; a panel wider than that also scrolls sideways, which
is hard to follow with a magnifier. So labels and check boxes stay short enough that no row is
wider than `ROW_WIDTH`, and a field whose value is long (an address, a model name, a key, a status,
the user's own prompt) is `wide`: it takes what its row leaves after its label (`fillRow`), at least
`WIDE_FIELD` wide, so its value is seen whole rather than a dozen characters at a time. Sizes are
given at 96 DPI and scaled as NVDA's own panels scale theirs (`scaleSize`).
"""

from collections.abc import Callable, Sequence
from dataclasses import fields
from typing import TYPE_CHECKING, Any, NamedTuple

import wx
from gui import guiHelper
from visionDescriberCore.settings import Settings

if TYPE_CHECKING:
	from .panel import VisionDescriberPanel

#: The pairs a ChoiceField offers for the settings shown: (value, display name).
Options = Callable[[Settings], Sequence[tuple[Any, str]]]

#: The widest a row of the panel may be (96 DPI pixels): it must fit NVDA's settings dialog at its
#: opening size, scroll bar and group borders included.
ROW_WIDTH = 500
#: The narrowest a wide field may be (96 DPI pixels).
WIDE_FIELD = 250
#: Lines of text the multi-line prompt field shows.
PROMPT_LINES = 4


def fillRow(panel, group, control: wx.Window, minimumWidth: int = WIDE_FIELD) -> None:
	"""A labelled control takes the rest of its row after its label, at least minimumWidth (96 DPI)
	wide. `group` is the BoxSizerHelper it was added to with addLabeledControl."""
	row = control.GetContainingSizer()
	row.GetItem(control).SetProportion(1)
	rowItem = group.sizer.GetItem(row)
	rowItem.SetFlag(rowItem.GetFlag() | wx.EXPAND)
	control.SetMinSize((panel.scaleSize(minimumWidth), control.GetMinSize().height))


def plainLabel(label: str) -> str:
	"""A control's label as NVDA's validation message names the option: no access key, no colon."""
	return label.replace("&", "").strip().rstrip(":")


class Refusal(NamedTuple):
	"""Why the panel cannot save: the sentence, the option it names, the control that gets focus."""

	sentence: str
	label: str
	control: wx.Window


class FieldControl:
	"""One Settings field and the control that shows it."""

	def __init__(
		self,
		field: str,
		attribute: str,
		label: str,
		enabledWhen: Callable[[Settings], bool] | None = None,
		onChange: Callable[[wx.Event], None] | None = None,
	):
		self.field = field
		#: The panel attribute that holds the control (sections and tests reach it by this name).
		self.attribute = attribute
		self.label = label
		self.enabledWhen = enabledWhen
		self.onChange = onChange
		self.control: wx.Window | None = None

	def create(self, panel: "VisionDescriberPanel", group, box: wx.Window, settings: Settings) -> None:
		"""Makes the control in the section's group; `settings` are those about to be shown."""
		self.control = self.makeControl(panel, group, box, settings)
		setattr(panel, self.attribute, self.control)

	def makeControl(self, panel, group, box: wx.Window, settings: Settings) -> wx.Window:
		"""Each kind makes its control here: a check box or a button is a child of `box` (the
		group's static box), a labelled control a child of the panel (`group.addLabeledControl`)."""
		raise NotImplementedError

	def show(self, settings: Settings) -> None:
		self.control.SetValue(getattr(settings, self.field))

	def read(self) -> Any:
		return self.control.GetValue()

	def updateEnabled(self, settings: Settings) -> None:
		if self.enabledWhen is not None:
			self.control.Enable(self.enabledWhen(settings))

	def refusal(self, sentence: str) -> Refusal:
		"""How to refuse a value of this field: the option named, the control focused."""
		return Refusal(sentence, plainLabel(self.label), self.control)

	def bindChange(self, panel, control: wx.Window, eventType) -> None:
		"""A change calls the record's onChange, or updates which controls are enabled."""
		control.Bind(eventType, self.onChange or (lambda event: panel.updateEnabled()))


class CheckField(FieldControl):
	def makeControl(self, panel, group, box, settings):
		control = group.addItem(wx.CheckBox(box, label=self.label))
		self.bindChange(panel, control, wx.EVT_CHECKBOX)
		return control


class TextField(FieldControl):
	"""A text field; `wide` when its value is long (see the module's note on width). A multi-line
	one is wide, shows `PROMPT_LINES` lines, and takes Enter as a new line: NVDA's settings dialog
	turns Enter in any control into OK (its EVT_CHAR_HOOK handler) unless the control lets the key
	through first."""

	def __init__(self, field: str, attribute: str, label: str, style: int = 0, wide: bool = False, **kwargs):
		super().__init__(field, attribute, label, **kwargs)
		self._style = style
		self._wide = wide or bool(style & wx.TE_MULTILINE)

	def makeControl(self, panel, group, box, settings):
		control = group.addLabeledControl(self.label, wx.TextCtrl, style=self._style)
		if self._style & wx.TE_MULTILINE:
			control.Bind(wx.EVT_CHAR_HOOK, enterMakesANewLine)
			control.SetMinSize((-1, control.GetCharHeight() * PROMPT_LINES + panel.scaleSize(12)))
		if self._wide:
			fillRow(panel, group, control)
		return control


def enterMakesANewLine(event: wx.KeyEvent) -> None:
	"""EVT_CHAR_HOOK of a multi-line field: Enter goes to the field (a new line) and no further, so the
	dialog does not press OK (wx then sends the key on to the field: on Windows, where NVDA runs;
	wxGTK does not). Control+Enter, and every other key, go on to the dialog as usual."""
	if event.GetKeyCode() in (wx.WXK_RETURN, wx.WXK_NUMPAD_ENTER) and not event.ControlDown():
		event.DoAllowNextEvent()
	else:
		event.Skip()


class NumberField(FieldControl):
	"""A whole number, limited to the range the field declares."""

	def makeControl(self, panel, group, box, settings):
		meta = next(spec.metadata for spec in fields(Settings) if spec.name == self.field)
		return group.addLabeledControl(self.label, wx.SpinCtrl, min=meta["min"], max=meta["max"])


class ChoiceField(FieldControl):
	"""One value out of a list; `options(settings)` gives (value, display name) pairs, and may
	depend on the settings shown (a saved value outside the usual list can be offered too)."""

	def __init__(self, field: str, attribute: str, label: str, options: Options, **kwargs):
		super().__init__(field, attribute, label, **kwargs)
		self.options = options
		self._values: list[Any] = []

	def makeControl(self, panel, group, box, settings):
		pairs = self.options(settings)
		self._values = [value for value, _name in pairs]
		control = group.addLabeledControl(self.label, wx.Choice, choices=[name for _value, name in pairs])
		self.bindChange(panel, control, wx.EVT_CHOICE)
		return control

	def show(self, settings: Settings) -> None:
		pairs = self.options(settings)
		values = [value for value, _name in pairs]
		if values != self._values:
			self._values = values
			self.control.SetItems([name for _value, name in pairs])
		self.control.SetSelection(values.index(getattr(settings, self.field)))

	def read(self) -> Any:
		return self._values[self.control.GetSelection()]


class Section:
	"""One part of the panel: a group (when it has a title), its table of fields, and whatever else
	it shows and does. The panel calls the hooks below on the main thread, in section order."""

	def __init__(self, panel: "VisionDescriberPanel"):
		self.panel = panel
		#: This section's fields, in the order their controls are made.
		self.fields: tuple[FieldControl, ...] = tuple(self.fieldTable())

	def title(self) -> str | None:
		"""The group's label; None puts the section's controls straight into the panel."""
		return None

	def fieldTable(self) -> Sequence[FieldControl]:
		return ()

	def build(self, helper, settings: Settings) -> None:
		"""Makes the section's controls; `settings` are those about to be shown. A section with
		controls besides its fields overrides this and calls the two steps itself."""
		group, box = self.makeGroup(helper)
		self.createFields(group, box, settings)

	def createFields(self, group, box: wx.Window, settings: Settings) -> None:
		for item in self.fields:
			item.create(self.panel, group, box, settings)

	def makeGroup(self, helper):
		"""(group helper, static box) for the section's title, or the panel's own helper and the
		panel when the section has no title."""
		title = self.title()
		if title is None:
			return helper, self.panel
		sizer = wx.StaticBoxSizer(wx.VERTICAL, self.panel, label=title)
		group = guiHelper.BoxSizerHelper(self.panel, sizer=sizer)
		helper.addItem(group)
		return group, sizer.GetStaticBox()

	def show(self, settings: Settings) -> None:
		for item in self.fields:
			item.show(settings)

	def start(self) -> None:
		"""The saved settings are shown: start any lookups the section makes."""

	def updateEnabled(self, settings: Settings) -> None:
		for item in self.fields:
			item.updateEnabled(settings)

	def refusal(self, settings: Settings) -> Refusal | None:
		"""A reason beyond `Settings.problems()` not to save these (valid) settings, or None."""
		return None

	def save(self, settings: Settings) -> None:
		"""The settings were written to config: save what is kept elsewhere."""

	def discard(self) -> None:
		"""The dialog was cancelled."""
