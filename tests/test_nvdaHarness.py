"""The NVDA fakes exist only inside NVDA-layer tests: nothing of them outlives a test.

This file sits outside tests/nvda, so the fakes are not installed for it; in a full run it comes
after every NVDA-layer test, so its first check also proves none of those tests leaked a fake.
"""

import builtins
import sys

import nvdaHarness


def fakeTraces():
	return {
		"modules": nvdaHarness.modulesFrom(nvdaHarness.FAKES_DIR, nvdaHarness.GLOBAL_PLUGINS_DIR),
		"paths": [
			p for p in sys.path if p in (str(nvdaHarness.FAKES_DIR), str(nvdaHarness.GLOBAL_PLUGINS_DIR))
		],
		"builtins": [name for name in nvdaHarness.TRANSLATION_BUILTINS if name in builtins.__dict__],
	}


NO_TRACES = {"modules": [], "paths": [], "builtins": []}


def test_noFakeIsLeftFromEarlierTests():
	assert fakeTraces() == NO_TRACES
	assert "ui" not in sys.modules and "config" not in sys.modules


def test_fakesAreInstalledAndRemovedCompletely():
	pathBefore = list(sys.path)
	with nvdaHarness.fakesInstalled():
		import config
		import ui
		import visionDescriber  # the plugin, which also runs the library loader

		assert ui.__file__.startswith(str(nvdaHarness.FAKES_DIR))
		from visionDescriberCore import i18n

		assert visionDescriber.libraryStatus is not None
		assert i18n._translate is not str  # the plugin gave the core the add-on's gettext
		config.conf.spec["visionDescriber"] = {"timeout": "integer(default=30)"}
		assert _("Ready") == "Ready"  # noqa: F821 - NVDA's translation builtin, installed by the harness
	assert fakeTraces() == NO_TRACES
	assert sys.path == pathBefore
	assert i18n._translate is str  # outside NVDA the core speaks English again


def test_eachInstallStartsFromFreshFakes():
	with nvdaHarness.fakesInstalled():
		import ui

		ui.message("first")
	with nvdaHarness.fakesInstalled():
		import ui

		assert ui.testing.messages == []
