"""The add-on's settings in NVDA's configuration: its spec, reading them back one by one, writing
what changed. Main thread, like everything that touches `config.conf`.

NVDA checks a value against the spec when it is READ: `config.conf["visionDescriber"]["readTimeout"]`
raises configobj's validate errors (VdtValueTooBigError, VdtValueTooSmallError, VdtValueError for
an option no longer offered, VdtTypeError) when nvda.ini holds a value the spec does not allow: a
hand edit, a downgrade after a preset was added, a later release narrowing a range. `in` and
`.get()` only catch KeyError, so they raise too. One bad value must cost only itself: `load()`
reads each setting on its own, and one that cannot be read gets its default. The plugin reads the
settings at every press, so each bad value is logged once (until it changes), not at every read.

`save(settings)` writes each setting whose stored value differs from it, and every setting whose
stored value cannot be read, so pressing OK in the settings panel repairs nvda.ini; what already
matches is not written (nvda.ini keeps only what the user changed).
"""

from dataclasses import fields

import config
from logHandler import log
from visionDescriberCore.settings import CONFIG_SPEC, Settings

CONFIG_SECTION = "visionDescriber"

#: (setting, error) pairs already logged; NVDA runs one add-on instance, so one set will do.
_reported: set[tuple[str, str]] = set()


def registerConfigSpec() -> None:
	"""Makes config.conf["visionDescriber"] validate against the add-on's spec (call it before
	anything reads that section)."""
	config.conf.spec[CONFIG_SECTION] = dict(CONFIG_SPEC)


def load() -> Settings:
	"""The saved settings; a setting missing or not valid in nvda.ini has its default."""
	try:
		section = config.conf[CONFIG_SECTION]
	except KeyError:
		return Settings()
	values = {}
	for spec in fields(Settings):
		try:
			values[spec.name] = section[spec.name]
		except KeyError:
			continue
		except Exception as error:  # the validate errors above; whatever it is, it costs one setting
			_reportOnce(spec.name, type(error).__name__, str(error))
	return Settings.fromConfig(
		values, onInvalid=lambda name: _reportOnce(name, "invalid", repr(values[name]))
	)


def save(settings: Settings) -> None:
	"""Writes what differs from nvda.ini, and repairs what nvda.ini holds that cannot be read."""
	stored = config.conf[CONFIG_SECTION]
	for name, value in settings.toConfig().items():
		try:
			unchanged = stored.get(name) == value
		except Exception:  # a bad value in nvda.ini: overwrite it
			unchanged = False
		if not unchanged:
			stored[name] = value
			_forget(name)


def _reportOnce(name: str, kind: str, detail: str) -> None:
	if (name, detail) in _reported:
		return
	_reported.add((name, detail))
	# The kind of error only: its message quotes the value, and a hand-edited address may hold a password.
	log.warning(
		f"Vision Describer: the setting {name} in nvda.ini is not valid ({kind}); using its default. "
		"Saving Vision Describer's settings replaces it."
	)


def _forget(name: str) -> None:
	"""A setting was written: should it go bad again, that is worth a line in the log again."""
	_reported.difference_update({entry for entry in _reported if entry[0] == name})
