"""What the plugin gives the settings panel: the server's models and the connection check, from the
core's clients, against the fake Ollama on 127.0.0.1."""

from dataclasses import replace

from pluginDriver import MODEL
from visionDescriberCore.settings import Settings


def test_thePanelCanListModelsAndCheckTheConnection(ollama):
	from visionDescriber import panelServices, settingsPanel

	services = panelServices.services()
	assert isinstance(services, settingsPanel.PanelServices)
	settings = replace(Settings(), baseUrl=ollama.url, model=MODEL)
	models = {model.name: model.vision for model in services.listModels(settings, None)}
	assert models[MODEL] is True and models["llama3.2:3b"] is False
	lines = services.checkConnection(settings, None)
	assert lines and all(isinstance(line, str) for line in lines)
	assert any("0.12.6" in line for line in lines)  # the server's version is reported
	assert ollama.requestsTo("/api/chat")  # the check sent its test picture


def test_thePluginRegistersThePanelWithTheseServices(started):
	from gui.settingsDialogs import NVDASettingsDialog
	from visionDescriber import panelServices, settingsPanel

	assert settingsPanel.VisionDescriberPanel in NVDASettingsDialog.categoryClasses
	assert settingsPanel.VisionDescriberPanel.services.listModels is panelServices.listModels
	started.plugin.terminate()
	assert settingsPanel.VisionDescriberPanel not in NVDASettingsDialog.categoryClasses
