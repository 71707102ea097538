"""Fake of NVDA's config: `conf`, validated against a configobj spec exactly as NVDA validates.

`conf.spec` is a real configobj.ConfigObj holding part of NVDA 2024.4's spec; an add-on adds its own
section (`config.conf.spec["visionDescriber"] = {"timeout": "integer(default=30, min=1)"}`). Reading
a key that was never set gives the spec's default; writing converts and checks the value with the
`validate` package, so `conf["visionDescriber"]["timeout"] = "abc"` raises configobj.validate.VdtTypeError and
"600" is stored as 600, as in NVDA. Keys without a spec are stored unchecked, as in NVDA. Written
values land in the base profile, `conf.profiles[0]` (what NVDA would save to nvda.ini).

`testing.emulate("2026.1")` applies the configuration changes of later NVDA versions that are in
LATER_ADDITIONS of the API-surface test (2026.1 moved Screen Curtain to `conf["screenCurtain"]`).
Other fakes ask `testing.emulating("2026.1")` to behave as that version does (the `screenCurtain`
module exists only from 2026.1; the Screen Curtain vision provider only before it).
"""

import io

from configobj import ConfigObj
from configobj.validate import Validator


class testing:
	"""Test-only namespace of this fake (see tests/fakes/README.md)."""

	# A part of NVDA 2024.4's configuration spec (source/config/configSpec.py).
	SPEC_2024_4 = """\
[general]
	language = string(default="Windows")
	saveConfigurationOnExit = boolean(default=True)
	loggingLevel = string(default="INFO")
[speech]
	symbolLevel = integer(default=100)
	beepSpeechModePitch = integer(default=10000,min=50,max=11025)
[keyboard]
	speechInterruptForCharacters = boolean(default=true)
	speechInterruptForEnter = boolean(default=true)
	multiPressTimeout = integer(default=500,min=100,max=20000)
[braille]
	showMessages = integer(0, 2, default=1)
	messageTimeout = integer(default=4, min=1, max=20)
[vision]
	[[__many__]]
		enabled = boolean(default=false)
"""
	# Sections added by later NVDA versions, by version.
	LATER_SPECS = {
		"2026.1": """\
[screenCurtain]
	enabled = boolean(default=false)
	warnOnLoad = boolean(default=true)
	playToggleSounds = boolean(default=true)
""",
	}

	#: The NVDA version being emulated (2024.4 unless a test called emulate).
	emulatedVersion = "2024.4"

	@staticmethod
	def versionKey(version: str) -> tuple[int, ...]:
		return tuple(int(part) for part in version.split("."))

	@staticmethod
	def emulating(version: str) -> bool:
		"""True when the emulated NVDA is `version` or later."""
		return testing.versionKey(testing.emulatedVersion) >= testing.versionKey(version)

	@staticmethod
	def emulate(version: str) -> None:
		"""Adds the spec sections of every later NVDA version up to and including `version`."""
		key = testing.versionKey
		testing.emulatedVersion = version
		for laterVersion, specText in testing.LATER_SPECS.items():
			if key(laterVersion) <= key(version):
				conf.spec.merge(ConfigObj(io.StringIO(specText), list_values=False, encoding="UTF-8"))
		conf._handleProfileSwitch()


class ConfigManager:
	def __init__(self):
		self.spec = ConfigObj(io.StringIO(testing.SPEC_2024_4), list_values=False, encoding="UTF-8")
		self.profiles = [ConfigObj(indent_type="\t", encoding="UTF-8")]
		self.validator = Validator()
		self.rootSection = None
		self._dirtyProfiles = set()
		self._handleProfileSwitch()

	def _handleProfileSwitch(self, shouldNotify=True):
		self.rootSection = AggregatedSection(self, (), self.spec, self.profiles)

	def _markWriteProfileDirty(self):
		self._dirtyProfiles.add(None)

	def __getitem__(self, key):
		return self.rootSection[key]

	def __contains__(self, key):
		return key in self.rootSection

	def get(self, key, default=None):
		return self.rootSection.get(key, default)

	def __setitem__(self, key, val):
		self.rootSection[key] = val

	def dict(self):
		return self.rootSection.dict()


class AggregatedSection:
	"""A section seen through every active profile (here: the base profile), with spec defaults."""

	def __init__(self, manager, path, spec, profiles):
		self.manager = manager
		self.path = path
		self._spec = spec
		self.profiles = profiles
		self._cache = {}

	@staticmethod
	def _isSection(val):
		return isinstance(val, dict)

	def __getitem__(self, key, checkValidity=True):
		if key in self._cache:
			cached = self._cache[key]
			if cached is KeyError:
				raise KeyError(key)
			return cached
		spec = self._spec.get(key)
		foundSection = self._isSection(spec)
		subProfiles = []
		for profile in reversed(self.profiles):
			try:
				val = profile[key]
			except (KeyError, TypeError):
				subProfiles.append(None)
				continue
			if self._isSection(val):
				foundSection = True
				subProfiles.append(val)
			else:
				return self._cacheLeaf(key, spec if checkValidity else None, val)
		subProfiles.reverse()
		if not foundSection and spec:
			try:
				val = self.manager.validator.get_default_value(spec)
			except KeyError:
				pass
			else:
				self._cache[key] = val
				return val
		if not foundSection:
			self._cache[key] = KeyError
			raise KeyError(key)
		if spec is None:
			self._spec[key] = {}
			spec = self._spec[key]
		section = self._cache[key] = AggregatedSection(self.manager, self.path + (key,), spec, subProfiles)
		return section

	def __contains__(self, key):
		try:
			self[key]
		except KeyError:
			return False
		return True

	def get(self, key, default=None):
		try:
			return self[key]
		except KeyError:
			return default

	def isSet(self, key):
		return any(profile and key in profile for profile in self.profiles)

	def _cacheLeaf(self, key, spec, val):
		if spec:
			val = self.manager.validator.check(spec, val)
		self._cache[key] = val
		return val

	def __iter__(self):
		seen = set()
		for key, val in self._cache.items():
			seen.add(key)
			if val is not KeyError:
				yield key
		for source in (*reversed(self.profiles), self._spec):
			if not source:
				continue
			for key in source:
				if key not in seen:
					seen.add(key)
					yield key

	def items(self):
		for key in self:
			try:
				value = self[key]
			except KeyError:  # in the spec, but without a default
				continue
			yield key, value

	def copy(self):
		return dict(self.items())

	def dict(self):
		result = {}
		for key, val in self.items():
			if isinstance(val, AggregatedSection):
				val = val.dict()
			elif isinstance(val, list | tuple):
				val = type(val)(val)
			result[key] = val
		return result

	def __setitem__(self, key, val):
		spec = self._spec.get(key) if self.spec else None
		if self._isSection(spec) and not self._isSection(val):
			raise ValueError("Value must be a section")
		if self._isSection(spec) or self._isSection(val):
			updateSection = self._getUpdateSection()
			updateSection[key] = val
			self.manager._markWriteProfileDirty()
			self._cache.pop(key, None)
			return
		if spec:
			val = self.manager.validator.check(spec, val)
		self._getUpdateSection()[key] = val
		self.manager._markWriteProfileDirty()
		self._cache[key] = val

	def _getUpdateSection(self):
		profile = self.profiles[-1]
		if profile is not None:
			return profile
		section = self.manager.rootSection
		profile = section.profiles[-1]
		for part in self.path:
			parentProfile = profile
			section = section[part]
			profile = section.profiles[-1]
			if profile is None:
				parentProfile[part] = {}
				profile = section.profiles[-1] = parentProfile[part]
		return profile

	@property
	def spec(self):
		return self._spec

	@spec.setter
	def spec(self, val):
		self._spec.clear()
		self._spec.update(val)


conf = ConfigManager()
