from visionDescriberCore import bundleTargets


def test_eachNvdaPythonHasItsTag():
	assert bundleTargets.currentTargetTag((3, 11, 9, "final", 0), 32) == "cp311-win32"
	assert bundleTargets.currentTargetTag((3, 13, 1, "final", 0), 64) == "cp313-win_amd64"


def test_pythonsWithoutABuildHaveNoTag():
	for versionInfo, bits in (((3, 11, 9), 64), ((3, 13, 1), 32), ((3, 14, 0), 64), ((3, 12, 0), 64)):
		assert bundleTargets.currentTargetTag(versionInfo, bits) is None


def test_targetsNameTheirPythonAndPlatform():
	for tag, ((major, minor), bits, platform) in bundleTargets.TARGETS.items():
		assert tag == f"cp{major}{minor}-{platform}"
		assert bits == (64 if platform.endswith("64") else 32)
