"""Vision Describer's settings panel in NVDA's settings dialog, one module per section.

What lives here:
- `panel`: `VisionDescriberPanel` (the sections in order, loading, validating and saving every
  setting from their field tables) and its registration (`registerConfigSpec`, `register`,
  `unregister`, `currentSettings`);
- `fieldControls`: the records that bind a `Settings` field to a control (`CheckField`,
  `TextField`, `NumberField`, `ChoiceField`) and the `Section` base class;
- one module per section, top to bottom: `serverSection` (provider, address, model, the server's
  model list), `keySection` (the stored API key, a new key, plain-http permission), `connectionTest`
  (the Test connection button), `descriptionsSection`, `imageSection`, `feedbackSection` (speech and
  feedback), `voiceSection` (voice questions: the speech-to-text server and its key, what a spoken
  question does), `loadingSection` (loading and timeouts);
- `serverAccess`: what the plugin gives the panel (`PanelServices`), the key a server call may use,
  and how a failure is spoken and logged without the key.

Imports go one way: `panel` imports the sections, a section imports `fieldControls`,
`serverAccess` and the sections it asks (the server section and the connection test ask the key
section for the key), never `panel`. Everything runs on NVDA's main thread; server and credential
store calls run through `..backgroundCalls.BackgroundCalls`. The plugin needs only the names below.
"""

from .panel import (
	CONFIG_SECTION,
	NOT_SHOWN,
	SECTIONS,
	THREAD_PREFIX,
	VisionDescriberPanel,
	currentSettings,
	register,
	registerConfigSpec,
	unregister,
)
from .serverAccess import ModelEntry, PanelServices

__all__ = [
	"CONFIG_SECTION",
	"NOT_SHOWN",
	"SECTIONS",
	"THREAD_PREFIX",
	"ModelEntry",
	"PanelServices",
	"VisionDescriberPanel",
	"currentSettings",
	"register",
	"registerConfigSpec",
	"unregister",
]
