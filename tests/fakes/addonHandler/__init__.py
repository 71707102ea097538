"""Fake of NVDA's addonHandler: which add-on a piece of code belongs to, and its translations.

`testing.addonDirs` lists the installed add-on folders (the harness puts the repository's `addon`
folder there). As in NVDA, `initTranslation()` called from code outside every add-on folder raises
AddonError, and inside one it points the calling module's `_`, `ngettext`, `pgettext` and
`npgettext` at the add-on's gettext catalogue `<add-on>/locale/<language>/LC_MESSAGES/nvda.mo` for
NVDA's language (the identity when there is none).
"""

import gettext
import inspect
import os
import sys

import languageHandler


class testing:
	"""Test-only namespace of this fake (see tests/fakes/README.md)."""

	addonDirs: list[str] = []


class AddonError(Exception):
	pass


class Addon:
	def __init__(self, path):
		self.path = path

	def getTranslationsInstance(self, domain="nvda"):
		return gettext.translation(
			domain,
			localedir=os.path.join(self.path, "locale"),
			languages=[languageHandler.getLanguage()],
			fallback=True,
		)


def getCodeAddon(obj=None, frameDist=1):
	if obj is None:
		obj = sys._getframe(frameDist)
	fileName = os.path.normcase(os.path.abspath(inspect.getfile(obj)))
	for addonDir in testing.addonDirs:
		root = os.path.normcase(os.path.abspath(addonDir))
		if fileName.startswith(root + os.sep):
			return Addon(addonDir)
	raise AddonError("Code does not belong to an addon package.")


def initTranslation():
	addon = getCodeAddon(frameDist=2)
	translations = addon.getTranslationsInstance()
	callerFrame = inspect.currentframe().f_back
	try:
		module = inspect.getmodule(callerFrame)
		module._ = translations.gettext
		module.ngettext = translations.ngettext
		module.pgettext = translations.pgettext
		module.npgettext = translations.npgettext
	finally:
		del callerFrame
