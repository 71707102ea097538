import struct
import sys

import pytest
from packaging.markers import Marker
from visionDescriberCore import bundleTargets
from visionDescriberCore.bundleTargets import TARGETS, currentTargetTag, markerEnvironment, targetFolder


@pytest.mark.parametrize(
	("versionInfo", "bits", "expected"),
	[
		((3, 11, 9, "final", 0), 32, "cp311-win32"),  # NVDA 2025.x
		((3, 13, 5, "final", 0), 64, "cp313-win_amd64"),  # NVDA 2026.x
		((3, 11, 9), 64, None),  # right Python, wrong pointer size
		((3, 13, 0), 32, None),
		((3, 12, 1), 64, None),  # a Python no NVDA release uses
		((3, 14, 0), 64, None),  # not a target yet
	],
)
def test_currentTargetTagMatchesVersionAndPointerSize(versionInfo, bits, expected):
	assert currentTargetTag(versionInfo, bits) == expected


def test_currentTargetTagDefaultsToThisInterpreter():
	bits = struct.calcsize("P") * 8
	expected = next(
		(tag for tag, t in TARGETS.items() if t.python == sys.version_info[:2] and t.pointerBits == bits),
		None,
	)
	assert currentTargetTag() == expected
	assert currentTargetTag(sys.version_info) == currentTargetTag(None, bits)


def test_everyTargetIsConsistent():
	for tag, target in TARGETS.items():
		major, minor = target.python
		# The tag is CPython's extension suffix on Windows: cp<major><minor>-<platform>.
		assert tag == f"cp{major}{minor}-{target.pipPlatform}"
		assert target.pointerBits == (64 if target.pipPlatform == "win_amd64" else 32)
		assert currentTargetTag((major, minor, 0), target.pointerBits) == tag


def test_targetFolderIsUnderDeps(tmp_path):
	assert targetFolder(str(tmp_path), "cp311-win32") == str(
		tmp_path / bundleTargets.DEPS_FOLDER / "cp311-win32"
	)


@pytest.mark.parametrize("tag", sorted(TARGETS))
def test_markerEnvironmentIsWindowsForKeyringsMarkers(tag):
	environment = markerEnvironment(tag)
	assert Marker('sys_platform == "win32"').evaluate(environment)
	assert not Marker('sys_platform == "linux"').evaluate(environment)
	assert Marker('platform_system == "Windows"').evaluate(environment)
	older = Marker('python_version < "3.12"').evaluate(environment)
	assert older == (TARGETS[tag].python < (3, 12))


def test_markerEnvironmentMachineFollowsPointerSize():
	assert markerEnvironment("cp311-win32")["platform_machine"] == "x86"
	assert markerEnvironment("cp313-win_amd64")["platform_machine"] == "AMD64"
	with pytest.raises(KeyError):
		markerEnvironment("cp39-linux_x86_64")
