"""The panel's API key group: whether a key is stored for the server the panel names, a field for a
new key, deleting the stored key, and the permission to send a key over plain http.

A key belongs to one endpoint (`apiKeys.endpointIdFor`), so the status follows the server: the
server section calls `followServer` whenever the provider or the address changes. The credential
store is never used on NVDA's main thread (the first use of keyring imports it, and the Windows
credential store can be slow): looking a key up and deleting it run through the panel's
`BackgroundCalls` (kind "key", so the newest wins), and saving a typed key runs on `keyWrites`,
whose outcome is spoken even when OK has closed the dialog meanwhile. A failed lookup, which the
user did not ask for, shows in the status field and the log but is not spoken; a failed delete or
save is. The refusal to save a key that would travel unencrypted uses the looked-up status, never
the store. A typed key is saved when the settings are saved, and never shown again; a stored key is
never shown at all.

The key never reaches config.conf, the log or spoken text: failures go through
`serverAccess.reportFailure` / `logFailure` with every key removed.

Main thread, apart from the work handed to the background calls.
"""

from collections.abc import Callable, Sequence
from typing import Any

import addonHandler
import ui
import wx
from visionDescriberCore.apiKeys import endpointIdFor
from visionDescriberCore.settings import Settings

from ..backgroundCalls import BackgroundCalls
from .fieldControls import CheckField, FieldControl, Refusal, Section, fillRow
from .serverAccess import endpointIdOf, keyForCall, logFailure, reportFailure, unencryptedKeySentence

addonHandler.initTranslation()

#: The new key field's narrowest width (96 DPI): a little narrower than other wide fields, to leave
#: room for its label's hint; what it shows is dots anyway.
KEY_FIELD = 200


def addKeyControls(
	panel, group, box, statusLabel: str, newKeyLabel: str, deleteLabel: str, onDelete: Callable
) -> tuple[wx.TextCtrl, wx.TextCtrl, wx.Button]:
	"""A key's three controls, as the API key and the speech-to-text key both have them: whether one
	is stored (read only), a field for a new one (its characters hidden), and a button deleting it."""
	status = group.addLabeledControl(statusLabel, wx.TextCtrl, style=wx.TE_READONLY)
	fillRow(panel, group, status)
	newKey = group.addLabeledControl(newKeyLabel, wx.TextCtrl, style=wx.TE_PASSWORD)
	fillRow(panel, group, newKey, KEY_FIELD)
	delete = group.addItem(wx.Button(box, label=deleteLabel))
	delete.Bind(wx.EVT_BUTTON, onDelete)
	return status, newKey, delete


def saveTypedKey(
	section: Section, callName: str, endpoint: str, key: str, field: wx.TextCtrl, settled, savedSentence: str
) -> None:
	"""Stores a typed key off NVDA's main thread. Once stored, the field is emptied (unless another
	key was typed meanwhile), settled() records it and savedSentence is spoken; the other settings
	are saved already, so if the key is not, the user hears why."""
	keyStore, panel = section.panel.keyStore, section.panel

	def saved(_result) -> None:
		if panel:  # OK may have closed the dialog meanwhile
			if field.GetValue().strip() == key:
				field.SetValue("")
			settled()
		ui.message(savedSentence)

	section.keyWrites.run(
		callName,
		lambda: keyStore.set(endpoint, key),
		saved,
		lambda error: reportFailure("saving the key", error, key),
	)


class KeySection(Section):
	def __init__(self, panel):
		super().__init__(panel)
		#: The endpoint the key status describes (None: the address is not valid).
		self.endpoint: str | None = None
		self._keyStored: bool | None = None  # None: not known
		#: Saving a key: no owner, so its outcome is spoken even after the dialog closed.
		self.keyWrites = BackgroundCalls(None, f"{panel.background.threadPrefix}.save")

	def title(self) -> str:
		# Translators: a group in Vision Describer settings.
		return _("API key")

	def fieldTable(self) -> Sequence[FieldControl]:
		return (
			CheckField(
				"allowUnencryptedRemote",
				"allowUnencryptedCheck",
				# Translators: a check box in Vision Describer settings.
				_("Allow sending the API key &unencrypted (http) to another computer"),
			),
		)

	def build(self, helper, settings: Settings) -> None:
		panel = self.panel
		group, box = self.makeGroup(helper)
		panel.keyStatusField, panel.newKeyField, panel.deleteKeyButton = addKeyControls(
			panel,
			group,
			box,
			# Translators: a label in Vision Describer settings; the field says whether a key is stored.
			_("Stored key:"),
			# Translators: a label in Vision Describer settings; the field hides what is typed.
			_("New API &key (empty keeps the stored one):"),
			# Translators: a button in Vision Describer settings.
			_("D&elete the stored key"),
			self.onDeleteKey,
		)
		self.createFields(group, box, settings)

	@property
	def typedKey(self) -> str:
		return self.panel.newKeyField.GetValue().strip()

	def updateEnabled(self, settings: Settings) -> None:
		super().updateEnabled(settings)
		self.panel.deleteKeyButton.Enable(bool(self._keyStored))

	# --- Server calls with the key ------------------------------------------------------------------

	def callServer(
		self,
		kind: str,
		action: str,
		call: Callable[[Settings, str | None], Sequence[Any]],
		settings: Settings,
		onResult: Callable[[list, str | None], None],
		onFailed: Callable[[], None],
	) -> None:
		"""Runs `call(settings, key)` in the background (kind as in `BackgroundCalls`) with the key a
		server call would use: the typed one, else the stored one, refused when it would travel as
		plain text without permission. `onResult(result as a list, key)` runs on the main thread; on
		failure `onFailed()` runs, then the failure (`action`, e.g. "listing models") is spoken and
		logged without the key."""
		typed = self.typedKey
		keyStore = self.panel.keyStore
		used: dict[str, str | None] = {}

		def work() -> list:
			used["key"] = keyForCall(keyStore, settings, typed)
			return list(call(settings, used["key"]))

		def onError(error: BaseException) -> None:
			onFailed()
			reportFailure(action, error, used.get("key"), self.typedKey)

		self.panel.background.run(kind, work, lambda result: onResult(result, used.get("key")), onError)

	# --- Stored key ---------------------------------------------------------------------------------

	def followServer(self, settings: Settings) -> None:
		"""The provider or address may have changed: look the key up again if the endpoint did."""
		if endpointIdOf(settings) != self.endpoint:
			self.lookUp()

	def lookUp(self) -> None:
		panel = self.panel
		endpoint = endpointIdOf(panel.settingsFromControls())
		self.endpoint = endpoint
		if endpoint is None:
			panel.background.drop("key")
			# Translators: shown in settings instead of whether a key is stored.
			self._showStatus(None, _("Enter a valid server address to see whether a key is stored."))
			return
		# Translators: shown while Vision Describer looks in the credential store.
		self._showStatus(None, _("Looking for a stored key…"))
		keyStore = panel.keyStore
		panel.background.run(
			"key",
			lambda: keyStore.has(endpoint),
			self._onLookedUp,
			self._onLookupFailed,
		)

	def _onLookedUp(self, stored: bool) -> None:
		if stored:
			# Translators: whether an API key is stored for the server in settings.
			self._showStatus(True, _("A key is stored for this server."))
		else:
			# Translators: whether an API key is stored for the server in settings.
			self._showStatus(False, _("No key is stored for this server."))

	def _onLookupFailed(self, error: BaseException) -> None:
		# Translators: whether an API key is stored for the server in settings.
		self._showStatus(None, _("The credential store could not be read."))
		logFailure("reading the credential store", error, self.typedKey)  # shown, not spoken: unasked

	def _showStatus(self, stored: bool | None, text: str) -> None:
		panel = self.panel
		self._keyStored = stored
		panel.keyStatusField.SetValue(text)
		if not stored and panel.deleteKeyButton.HasFocus():
			panel.newKeyField.SetFocus()  # the button is about to be disabled
		panel.deleteKeyButton.Enable(bool(stored))

	def _settled(self, endpoint: str, stored: bool) -> None:
		"""The store changed here: the status says so, and a lookup still on its way is dropped."""
		self.endpoint = endpoint
		self.panel.background.drop("key")
		self._onLookedUp(stored)

	def onDeleteKey(self, event) -> None:
		endpoint = endpointIdOf(self.panel.settingsFromControls())
		if endpoint is None:
			return
		keyStore = self.panel.keyStore

		def deleted(_result) -> None:
			self._settled(endpoint, False)
			# Translators: spoken when the stored API key was deleted in settings.
			ui.message(_("The stored API key was deleted."))

		self.panel.background.run(
			"key",
			lambda: keyStore.delete(endpoint),
			deleted,
			lambda error: reportFailure("deleting the key", error, self.typedKey),
		)

	# --- Validation and saving ----------------------------------------------------------------------

	def refusal(self, settings: Settings) -> Refusal | None:
		"""A key may not go over plain http to another computer without the user's permission."""
		if (
			settings.keyTravelsUnencrypted
			and not settings.allowUnencryptedRemote
			and self._keyWouldBeSent(settings)
		):
			return self.panel.shownFields["allowUnencryptedRemote"].refusal(unencryptedKeySentence())
		return None

	def _keyWouldBeSent(self, settings: Settings) -> bool:
		"""A typed key, or one the lookup found for this very endpoint. An address typed and saved
		without leaving its field was never looked up: the describer still refuses to send a key
		over plain http without the permission, so nothing leaks; only this early warning is missed."""
		if self.typedKey:
			return True
		return self._keyStored is True and endpointIdOf(settings) == self.endpoint

	def save(self, settings: Settings) -> None:
		key = self.typedKey
		if not key:
			return
		endpoint = endpointIdFor(settings.provider, settings.baseUrl)
		saveTypedKey(
			self,
			"key",
			endpoint,
			key,
			self.panel.newKeyField,
			lambda: self._settled(endpoint, True),
			# Translators: spoken when settings are saved with a new API key.
			_("The API key is saved in Windows Credential Manager."),
		)
