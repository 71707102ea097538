"""What the settings panel asks servers, built from the core's clients (see settingsPanel.PanelServices).

The panel calls these on its own worker thread, with the settings as they are in the panel and the
key to use; nothing here runs on NVDA's main thread.
"""

from collections.abc import Sequence

from visionDescriberCore.clients import ModelInfo, createClient
from visionDescriberCore.describing import endpointConfigFor
from visionDescriberCore.settings import Settings


def listModels(settings: Settings, apiKey: str | None) -> Sequence[ModelInfo]:
	client = createClient(endpointConfigFor(settings, apiKey))
	try:
		return client.listModels()
	finally:
		client.close()


def checkConnection(settings: Settings, apiKey: str | None) -> Sequence[str]:
	"""The command-line tool's `check`: connection, model and a tiny test picture, as report lines."""
	client = createClient(endpointConfigFor(settings, apiKey))
	try:
		return list(client.check().lines)
	finally:
		client.close()


def services():
	from .settingsPanel import PanelServices

	return PanelServices(listModels=listModels, checkConnection=checkConnection)
