"""Fake of NVDA's languageHandler: NVDA's interface language is `testing.language` (default "en")."""


class testing:
	"""Test-only namespace of this fake (see tests/fakes/README.md)."""

	language = "en"


def getLanguage():
	return testing.language
