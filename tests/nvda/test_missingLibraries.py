"""Without its libraries (a Python the add-on has no build for), the plugin still loads, its settings
panel is offered, and every command says why it cannot work instead of failing with a traceback. Run in a fresh Python, because
Pillow, mss and keyring must never have been imported there."""

import json
import subprocess
import sys

from nvdaHarness import REPO_DIR

SCRIPT = """
import json, sys
sys.path[:0] = ["tests", "addon/packages"]

class BlockBundledLibraries:
	def find_spec(self, name, path=None, target=None):
		if name.split(".")[0] in ("PIL", "mss", "keyring"):
			raise ImportError("not available: " + name)

sys.meta_path.insert(0, BlockBundledLibraries())
from nvdaHarness import fakesInstalled

with fakesInstalled():
	import visionDescriber, ui
	from gui.settingsDialogs import NVDASettingsDialog
	plugin = visionDescriber.GlobalPlugin()
	panel = visionDescriber.settingsPanel.VisionDescriberPanel in NVDASettingsDialog.categoryClasses
	plugin.script_announceReady(None)
	plugin.script_describeNavigator(None)
	plugin.script_describeScreen(None)
	plugin.script_startOrStopWatching(None)
	plugin.script_sayWhatChanged(None)
	plugin.terminate()
	report = {"spoken": ui.testing.messages, "ready": visionDescriber.libraryStatus.ready, "panel": panel}
	print(json.dumps(report))
"""


def test_without_its_libraries_every_command_explains_and_nothing_crashes():
	result = subprocess.run(
		[sys.executable, "-c", SCRIPT], capture_output=True, text=True, cwd=REPO_DIR, timeout=60
	)
	assert result.returncode == 0, result.stderr
	report = json.loads(result.stdout.strip().splitlines()[-1])
	assert report["ready"] is False
	assert report["panel"] is True  # the settings need none of the libraries
	assert len(report["spoken"]) == 5
	assert all("cannot describe anything" in message for message in report["spoken"])
	assert "Traceback" not in result.stderr
