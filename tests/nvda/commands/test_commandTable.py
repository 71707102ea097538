"""The command table is the one place a command is written: its record drives the layer's keys, the
layer's help and the script NVDA's Input Gestures dialog lists, and its handler runs behind the same
refusals as every other command."""

import inspect

import pytest
from pluginDriver import press

NEW = "describeSomethingNew"


@pytest.fixture
def extended():
	"""The plugin class with one more record at the end of its table, and what its handler saw."""
	import visionDescriber
	from visionDescriber import commandTable

	ran = []
	record = commandTable.Command(
		name=NEW,
		keys=("kb:z", "kb:shift+z"),
		helpWord="something new",
		description="Describes something new",
		handler=ran.append,
	)

	class Extended(visionDescriber.GlobalPlugin):
		commands = (*visionDescriber.GlobalPlugin.commands, record)

	commandTable.addScripts(Extended)
	plugin = Extended()
	yield plugin, ran
	plugin.terminate()


def test_aNewRecordIsAScriptInInputGestures(extended):
	plugin, _ran = extended
	script = type(plugin).__dict__[f"script_{NEW}"]  # NVDA's Input Gestures reads the class's members
	assert script.__doc__ == "Describes something new"
	assert script.category == "Vision Describer"
	assert f"script_{NEW}" not in vars(type(plugin).__mro__[1])  # the base class's table is untouched


def test_aNewRecordIsALayerKeyAndNothingOutsideTheLayer(extended):
	plugin, ran = extended
	assert not press(plugin, "kb:z")
	assert press(plugin, "kb:NVDA+alt+v")
	assert press(plugin, "kb:shift+z")
	assert ran == [plugin]
	assert not press(plugin, "kb:z")  # the layer closed before the command ran


def test_aNewRecordIsInTheHelpInTheTablesOrder(extended):
	import ui

	plugin, _ran = extended
	press(plugin, "kb:NVDA+alt+v")
	press(plugin, "kb:h")
	[help] = ui.testing.messages
	assert help.startswith("After NVDA+alt+v, press v or n: navigator object. f: focus.")
	assert help.endswith("h: this help. z or shift+z: something new. escape: leave.")


def test_aNewRecordIsRefusedLikeEveryCommand(extended):
	import globalVars
	import ui
	from visionDescriberCore import errors

	plugin, ran = extended
	globalVars.appArgs.secure = True
	getattr(plugin, f"script_{NEW}")(None)
	assert ran == []
	assert ui.testing.messages == [errors.SecureScreen().sentence]


def test_everyRecordIsOneScriptAndEveryScriptOneRecord():
	import visionDescriber

	cls = visionDescriber.GlobalPlugin
	scripts = {
		name[len("script_") :] for name, _member in inspect.getmembers(cls) if name.startswith("script_")
	}
	records = [command.name for command in cls.commands]
	assert sorted(records) == sorted(scripts)
	assert len(set(records)) == len(records)
	for command in cls.commands:
		script = getattr(cls, f"script_{command.name}")
		assert script.__doc__ == command.description
		assert bool(command.keys) == bool(command.helpWord), command.name  # a key has its help words
