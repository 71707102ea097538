"""Build variables for Vision Describer, read by `sconstruct` (layout of NVDA's add-on template)."""

import os


def _(text: str) -> str:
	"""Marks a manifest text for the translation template; the build translates it per language."""
	return text


addon_info = {
	# Add-on identifier: no spaces, the same for every release.
	"addon_name": "visionDescriber",
	# Translators: Name of the add-on, shown in the add-on store and the add-ons list.
	"addon_summary": _("Vision Describer"),
	"addon_description": _(
		# Translators: Long description of the add-on, shown in the add-on store.
		"Describes what is on your screen with a vision model: the object under the navigator, the "
		"focused window or the whole screen. NVDA speaks the description while the model writes it, "
		"and you can ask follow-up questions about the same picture. Works with a local Ollama server "
		"or with OpenAI and OpenAI-compatible services."
	),
	"addon_version": "0.1.0",
	"addon_changelog": _(
		# Translators: What changed in this release, shown in the add-on store.
		"First release: describe the navigator object, the focused window or the screen with Ollama, "
		"OpenAI or an OpenAI-compatible service; spoken while it streams; follow-up questions."
	),
	"addon_author": "Vision Describer contributors <visiondescriber@users.noreply.github.com>",
	"addon_url": "https://github.com/visiondescriber/visionDescriber",
	"addon_sourceURL": "https://github.com/visiondescriber/visionDescriber",
	# User guide: addon/doc/<language>/readme.html, generated from readme.md.
	"addon_docFileName": "readme.html",
	"addon_minimumNVDAVersion": "2025.1",
	"addon_lastTestedNVDAVersion": "2026.2",
	# None for the stable channel.
	"addon_updateChannel": None,
	# The add-on store asks for these in its submission; they are not manifest keys.
	"addon_license": "GPL-2.0",
	"addon_licenseURL": "https://www.gnu.org/licenses/old-licenses/gpl-2.0.html",
}

# Python files in the add-on, for the translation template (scons pot).
pythonSources = sorted(
	os.path.join(folder, name).replace(os.sep, "/")
	for folder, _folders, names in os.walk("addon")
	for name in names
	if name.endswith(".py") and "__pycache__" not in folder
)

# Files with translatable strings.
i18nSources = pythonSources + ["buildVars.py"]

# Patterns (fnmatch, relative to addon/) left out of the package.
excludedFiles = ["*/__pycache__/*", "*.pyc", "*.pyo", "*.po", "*.pot", "manifest.ini.tpl"]

# Language of the texts in readme.md and the source code.
baseLanguage = "en"

# Python-Markdown extensions for the user guide.
markdownExtensions = [
	"markdown.extensions.tables",
	"markdown.extensions.fenced_code",
	"markdown.extensions.toc",
]

# The user guide is readme.md up to (not including) this heading; what follows is for developers.
userGuideEndsBefore = "## For developers"

# Libraries the add-on imports, bundled once per target listed in
# addon/packages/visionDescriberCore/bundleTargets.py. requests is not bundled: NVDA ships it.
bundledLibraries = [
	"pillow==13.0.0",
	"mss==10.2.0",
	"keyring==25.7.0",
]

# What those libraries require ON WINDOWS, pinned. Markers are evaluated for each target's Windows
# Python (not for the build machine), so a target gets exactly the lines whose marker holds there.
# The build checks this list against every wheel's Requires-Dist: a missing or unneeded pin fails it.
bundledDependencies = [
	# keyring
	"pywin32-ctypes==0.2.3",  # sys_platform == "win32": the Windows Credential Manager backend
	"jaraco.classes==3.4.0",
	"jaraco.functools==4.6.0",
	"jaraco.context==6.1.2",
	'importlib-metadata==10.2.0; python_version < "3.12"',
	# jaraco.classes, jaraco.functools
	"more-itertools==11.2.1",
	# jaraco.context
	'backports.tarfile==1.2.0; python_version < "3.12"',
	# importlib-metadata
	'zipp==4.1.2; python_version < "3.12"',
	'lazy-importer==0.1.0; python_version < "3.12"',
]

# Must never be bundled: Linux-only keyring back-ends and their native code, and requests (NVDA's own
# copy is already imported, so a bundled one would never be used).
forbiddenLibraries = ["secretstorage", "jeepney", "cryptography", "cffi", "pycparser", "requests", "urllib3"]

# Files (fnmatch, relative to a target's folder) left out of the bundled libraries, with the reason.
bundleExclusions = {
	"*/__pycache__/*": "compiled on the build machine",
	"*.pyc": "compiled on the build machine",
	"*.so": "Linux binaries",
	"*.dylib": "macOS binaries",
	"PIL/_avif.*.pyd": "AVIF codec, 7 MB; screenshots are sent as JPEG or PNG, Pillow works without it",
	"PIL/_imagingtk.*.pyd": "Tk bridge; NVDA has no Tk",
}
