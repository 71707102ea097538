"""Picture detail through NVDA's configuration (the config fake validates as NVDA does): an older
version's "Image detail (OpenAI)" left in nvda.ini is read as picture detail, and once the user
saves a picture detail, that wins."""

import pytest
from visionDescriberCore.settings import CONFIG_SPEC, Settings

SECTION = "visionDescriber"


@pytest.fixture
def conf():
	import config

	config.conf.spec[SECTION] = dict(CONFIG_SPEC)
	return config.conf


@pytest.mark.parametrize(("old", "level"), [("low", "fast"), ("auto", "balanced"), ("high", "detailed")])
def test_anOldImageDetailInNvdaIniIsReadAsPictureDetail(conf, old, level):
	conf.profiles[0][SECTION] = {"imageDetail": old, "model": "llava"}  # as the older version saved it
	conf._handleProfileSwitch()
	section = conf[SECTION]
	assert "pictureDetail" in section and not section.isSet("pictureDetail")  # only the spec's default
	settings = Settings.fromConfig(section)
	assert (settings.pictureDetail, settings.model) == (level, "llava")


def test_aSavedPictureDetailWinsOverTheOldValue(conf):
	conf.profiles[0][SECTION] = {"imageDetail": "high"}
	conf._handleProfileSwitch()
	for name, value in Settings(pictureDetail="fast").toConfig().items():
		conf[SECTION][name] = value  # what the settings panel does on OK
	assert Settings.fromConfig(conf[SECTION]).pictureDetail == "fast"
	assert "imageDetail" not in CONFIG_SPEC


def test_noOldValueMeansBalanced(conf):
	assert Settings.fromConfig(conf[SECTION]).pictureDetail == "balanced"
