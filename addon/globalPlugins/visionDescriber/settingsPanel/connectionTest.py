"""The panel's Test connection button: the command-line tool's `check`, run on the settings as the
panel shows them (not yet saved), with its report spoken.

The test runs in the background (`BackgroundCalls`, kind "test") with the key the key section would
use; pressing the button again while it runs says so instead of starting a second test. Invalid
settings are refused with their sentence before any server is asked. The report's lines are spoken
with the key removed, in case a server quotes it.

Main thread, apart from the `work` function handed to the background call.
"""

import addonHandler
import ui
import wx
from visionDescriberCore.clients.endpoint import displayUrl
from visionDescriberCore.errors import redact
from visionDescriberCore.settings import Settings

from .fieldControls import Section
from .keySection import KeySection

addonHandler.initTranslation()


class ConnectionTestSection(Section):
	def __init__(self, panel):
		super().__init__(panel)
		self._testing = False

	def build(self, helper, settings: Settings) -> None:
		self.panel.testButton = helper.addItem(
			# Translators: a button in Vision Describer settings; the result is spoken.
			wx.Button(self.panel, label=_("&Test connection"))
		)
		self.panel.testButton.Bind(wx.EVT_BUTTON, self.onTestConnection)

	def discard(self) -> None:
		self._testing = False  # its answer is dropped

	def onTestConnection(self, event) -> None:
		panel = self.panel
		services = panel.services
		if services is None:
			# Translators: spoken when the connection test cannot run.
			ui.message(_("The connection test is not available."))
			return
		if self._testing:
			# Translators: spoken when the connection test is pressed again while it runs.
			ui.message(_("Still testing the connection."))
			return
		settings = panel.settingsFromControls()
		problems = settings.problems()
		if problems:
			ui.message(problems[0].sentence)
			return
		self._testing = True
		# Translators: spoken when the connection test starts; {url} is the server's address.
		ui.message(_("Testing the connection to {url}…").format(url=displayUrl(settings.baseUrl)))
		panel.section(KeySection).callServer(
			"test", "connection test", services.checkConnection, settings, self._onReport, self._onFailed
		)

	def _onReport(self, lines: list[str], key: str | None) -> None:
		self._testing = False
		ui.message(" ".join(redact(line, key) for line in lines if line.strip()))

	def _onFailed(self) -> None:
		self._testing = False
