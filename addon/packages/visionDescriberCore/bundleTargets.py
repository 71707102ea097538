"""The Python builds the add-on bundles compiled libraries for, and which one is running.

NVDA 2025.1-2025.3 run Python 3.11 32-bit, NVDA 2026.1 and later Python 3.13 64-bit. Each target
has its own folder `deps/<tag>` in the add-on. Supporting another NVDA (say Python 3.14 64-bit) is one
more line in TARGETS.
"""

import struct
import sys

# tag -> ((major, minor), pointer bits, pip platform tag)
TARGETS: dict[str, tuple[tuple[int, int], int, str]] = {
	"cp311-win32": ((3, 11), 32, "win32"),
	"cp313-win_amd64": ((3, 13), 64, "win_amd64"),
}


def currentTargetTag(versionInfo=sys.version_info, pointerBits: int = struct.calcsize("P") * 8) -> str | None:
	"""The tag of the target matching this Python (version and pointer size), or None if none does."""
	version = (versionInfo[0], versionInfo[1])
	for tag, (targetVersion, targetBits, _platform) in TARGETS.items():
		if targetVersion == version and targetBits == pointerBits:
			return tag
	return None
