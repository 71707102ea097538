"""Fake of NVDA's utils.displayString: enums whose members have a translated `displayString`."""

import abc
from abc import ABC, ABCMeta
from enum import EnumMeta, IntEnum

from logHandler import log


class _DisplayStringEnumMixinMeta(ABCMeta, EnumMeta):
	pass


class _DisplayStringEnumMixin(ABC):
	@property
	@abc.abstractmethod
	def _displayStringLabels(self):
		"""Maps each member to its translated display string."""

	@property
	def displayString(self):
		try:
			return self._displayStringLabels[self]
		except KeyError:
			log.error(f"No translation mapping for: {self}")
			raise


class DisplayStringIntEnum(_DisplayStringEnumMixin, IntEnum, metaclass=_DisplayStringEnumMixinMeta):
	pass
