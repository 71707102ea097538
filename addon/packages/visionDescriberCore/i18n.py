"""Translation hook for the core.

The core cannot import NVDA's addonHandler, so user-visible sentences call `_` from here.
Inside NVDA the global plugin installs the add-on's gettext function with `setTranslator`;
elsewhere (tests, the command-line tool) messages stay in English.
Strings are looked up when a sentence is built, not at import, so a later install still applies.
"""

from collections.abc import Callable

_translate: Callable[[str], str] = str


def setTranslator(translate: Callable[[str], str]) -> None:
	global _translate
	_translate = translate


def _(message: str) -> str:
	return _translate(message)
