"""Fake of NVDA's controlTypes.role: a subset of the roles, with NVDA's values and English labels."""

from utils.displayString import DisplayStringIntEnum


class Role(DisplayStringIntEnum):
	@property
	def _displayStringLabels(self):
		return _roleLabels

	UNKNOWN = 0
	WINDOW = 1
	PANE = 3
	DIALOG = 4
	CHECKBOX = 5
	STATICTEXT = 7
	EDITABLETEXT = 8
	BUTTON = 9
	LIST = 14
	LISTITEM = 15
	GRAPHIC = 16
	LINK = 19
	FRAME = 34
	DOCUMENT = 52
	APPLICATION = 54
	CANVAS = 58
	ICON = 62
	CHART = 96
	PANEL = 122
	FIGURE = 152


_roleLabels = {
	Role.UNKNOWN: "unknown",
	Role.WINDOW: "window",
	Role.PANE: "pane",
	Role.DIALOG: "dialog",
	Role.CHECKBOX: "check box",
	Role.STATICTEXT: "text",
	Role.EDITABLETEXT: "edit",
	Role.BUTTON: "button",
	Role.LIST: "list",
	Role.LISTITEM: "list item",
	Role.GRAPHIC: "graphic",
	Role.LINK: "link",
	Role.FRAME: "frame",
	Role.DOCUMENT: "document",
	Role.APPLICATION: "application",
	Role.CANVAS: "canvas",
	Role.ICON: "icon",
	Role.CHART: "chart",
	Role.PANEL: "panel",
	Role.FIGURE: "figure",
}
