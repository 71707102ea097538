"""The panel's Watching group: how G watches the screen (the interval, what is watched, when it
stops, whether a new change cuts off an older one) and the cap on requests to a paid service.

The cap applies only to a service that may charge for each request (the core's `chargedBy`: OpenAI,
Azure, a server on the internet); a short note under it says what watching costs there, so the cost
is known before the first watch says so. The note is wrapped to the panel's row width (see
`fieldControls` on width). The controls have no access keys: the panel's free letters are few, and
Tab reaches every control in order.

Main thread only (wx).
"""

from collections.abc import Sequence

import addonHandler
import wx
from visionDescriberCore.settings import WATCH_TARGETS, Settings

from .fieldControls import ROW_WIDTH, CheckField, ChoiceField, FieldControl, NumberField, Section

addonHandler.initTranslation()


def watchTargetNames() -> dict[str, str]:
	return {
		# Translators: what watching looks at (a setting): the window in front.
		"foreground": _("The window in the foreground"),
		# Translators: what watching looks at (a setting): NVDA's navigator object.
		"navigator": _("The navigator object"),
		# Translators: what watching looks at (a setting): the monitor the navigator object is on.
		"monitor": _("The monitor"),
	}


def watchTargetChoices(settings: Settings) -> list[tuple[str, str]]:
	names = watchTargetNames()
	return [(target, names[target]) for target in WATCH_TARGETS]


def costNote() -> str:
	return _(
		# Translators: a note under the watching settings.
		"With a paid service, the first look and each change described are one request each, "
		"paid like one description. A local Ollama costs nothing."
	)


class WatchingSection(Section):
	def title(self) -> str:
		# Translators: a group in Vision Describer settings: watching the screen for changes (G).
		return _("Watching for changes")

	def fieldTable(self) -> Sequence[FieldControl]:
		return (
			NumberField(
				"watchIntervalMs",
				"watchIntervalSpin",
				# Translators: a label in Vision Describer settings; a number of milliseconds follows.
				_("Look at the screen every (milliseconds):"),
			),
			# Translators: a label in Vision Describer settings: what watching looks at.
			ChoiceField("watchTarget", "watchTargetChoice", _("Watch:"), watchTargetChoices),
			CheckField(
				"watchStopWhenTargetLeavesForeground",
				"watchStopCheck",
				# Translators: a check box in Vision Describer settings.
				_("Stop when the watched window is no longer in front"),
			),
			CheckField(
				"watchInterruptOlderReport",
				"watchInterruptCheck",
				# Translators: a check box in Vision Describer settings.
				_("A new change interrupts an older one"),
			),
			NumberField(
				"watchTimeLimitMinutes",
				"watchTimeLimitSpin",
				# Translators: a label in Vision Describer settings; a number of minutes follows.
				_("Stop watching after (minutes):"),
			),
			NumberField(
				"watchMaxRequestsPerMinute",
				"watchMaxRequestsSpin",
				# Translators: a label in Vision Describer settings.
				_("Most requests a minute to a paid service:"),
			),
		)

	def build(self, helper, settings: Settings) -> None:
		group, box = self.makeGroup(helper)
		self.createFields(group, box, settings)
		note = wx.StaticText(box, label=costNote())
		note.Wrap(self.panel.scaleSize(ROW_WIDTH - 40))
		self.panel.watchCostNote = group.addItem(note)
