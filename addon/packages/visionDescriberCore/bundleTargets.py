"""The Python builds the add-on carries compiled libraries for: the one list both the build and NVDA read.

Each NVDA release line runs one Python: 2025.x is CPython 3.11 32-bit, 2026.x is CPython 3.13 64-bit.
The build downloads and unpacks the bundled libraries once per target into `deps/<tag>/` inside the
add-on; at run time the library loader asks `currentTargetTag()` which folder matches the running
interpreter. Supporting a new NVDA line (say cp314-win_amd64 for 2027.1) is one new line in `TARGETS`.

This module imports nothing from NVDA and nothing outside the standard library.
"""

import os
import struct
import sys
from typing import NamedTuple


class Target(NamedTuple):
	python: tuple[int, int]
	"""Major and minor version of the CPython this folder is for."""
	pointerBits: int
	"""32 or 64: the interpreter's pointer size (`struct.calcsize("P") * 8`)."""
	pipPlatform: str
	"""The platform pip downloads wheels for: win32 or win_amd64."""


# Tag -> target. The tag is CPython's extension-module suffix on Windows ("_imaging.<tag>.pyd") and the
# folder name under deps/.
TARGETS: dict[str, Target] = {
	"cp311-win32": Target((3, 11), 32, "win32"),  # NVDA 2025.1 - 2025.3
	"cp313-win_amd64": Target((3, 13), 64, "win_amd64"),  # NVDA 2026.1 - 2026.x
}

DEPS_FOLDER = "deps"
"""Folder at the add-on's root that holds one sub-folder per target tag."""

_MACHINES = {"win32": "x86", "win_amd64": "AMD64"}


def currentTargetTag(versionInfo=None, pointerBits: int | None = None) -> str | None:
	"""The tag whose libraries fit this interpreter, or None when the add-on carries none for it.

	`versionInfo` is anything indexable like `sys.version_info` (defaults to the running one);
	`pointerBits` defaults to the running interpreter's pointer size.
	"""
	if versionInfo is None:
		versionInfo = sys.version_info
	if pointerBits is None:
		pointerBits = struct.calcsize("P") * 8
	wanted = (int(versionInfo[0]), int(versionInfo[1]))
	for tag, target in TARGETS.items():
		if target.python == wanted and target.pointerBits == pointerBits:
			return tag
	return None


def targetFolder(addonRoot: str, tag: str) -> str:
	"""Where the libraries for `tag` live inside an installed add-on folder."""
	return os.path.join(addonRoot, DEPS_FOLDER, tag)


def markerEnvironment(tag: str) -> dict[str, str]:
	"""PEP 508 marker values as they are on the target Windows interpreter.

	The build and the package checker evaluate the libraries' requirement markers with these values
	(not the build machine's), so Windows-only dependencies are kept and Linux-only ones left out.
	"""
	target = TARGETS[tag]
	version = "{}.{}".format(*target.python)
	return {
		"implementation_name": "cpython",
		"implementation_version": version + ".0",
		"os_name": "nt",
		"platform_machine": _MACHINES[target.pipPlatform],
		"platform_python_implementation": "CPython",
		"platform_release": "10",
		"platform_system": "Windows",
		"platform_version": "10.0",
		"python_full_version": version + ".0",
		"python_version": version,
		"sys_platform": "win32",
		"extra": "",
	}
