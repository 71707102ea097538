"""The build's helpers (site_scons/addonBuild.py) on their own, without SCons or the network."""

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import configobj
import packageCheck
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "site_scons"))
sys.path.insert(0, str(ROOT))

import addonBuild  # noqa: E402

import buildVars  # noqa: E402

pytestmark = pytest.mark.build

TEMPLATE = (ROOT / "manifest.ini.tpl").read_text(encoding="utf-8")


def test_manifestFromBuildVarsPassesTheChecker():
	text = addonBuild.renderManifest(TEMPLATE, buildVars.addon_info)
	assert packageCheck.checkManifest(text.encode("utf-8")) == []
	parsed = configobj.ConfigObj(io.StringIO(text))
	assert parsed["name"] == "visionDescriber"
	assert parsed["minimumNVDAVersion"] == "2025.1"
	assert parsed["lastTestedNVDAVersion"] == "2026.2"
	assert parsed["changelog"].startswith("First release: ")
	assert "updateChannel" not in parsed


def test_multiLineTextsSurviveTheManifest():
	info = dict(
		buildVars.addon_info, addon_changelog="First release:\n- one\n- two", addon_updateChannel="dev"
	)
	parsed = configobj.ConfigObj(io.StringIO(addonBuild.renderManifest(TEMPLATE, info)))
	assert parsed["changelog"] == "First release:\n- one\n- two"
	assert parsed["updateChannel"] == "dev"


@pytest.mark.parametrize(
	("key", "value"),
	[("addon_description", 'Say """hello"""'), ("addon_summary", 'The "best"'), ("addon_name", "two\nlines")],
)
def test_manifestRefusesTextsConfigobjWouldMisread(key, value):
	with pytest.raises(addonBuild.BuildError, match=key):
		addonBuild.renderManifest(TEMPLATE, dict(buildVars.addon_info, **{key: value}))


def test_storeFieldsAreInBuildVars():
	info = buildVars.addon_info
	assert info["addon_license"] == "GPL-2.0"
	assert info["addon_licenseURL"].startswith("https://")
	assert info["addon_url"].startswith("https://")
	assert info["addon_docFileName"] == "readme.html"


def test_userGuideStopsBeforeTheDevelopersPart():
	text = "# Title\n\nIntro <b>x</b>\n\n<!-- user-guide:nvda -->\n\n## Use\n\nPress keys.\n\n## For developers\n\nscons\n"
	page = addonBuild.userGuideHtml(
		text, "Vision Describer 0.1.0", "en", buildVars.markdownExtensions, "## For developers"
	)
	assert page.startswith("<!DOCTYPE html>")
	assert '<html lang="en">' in page
	assert "<title>Vision Describer 0.1.0</title>" in page
	assert "Press keys." in page
	assert "For developers" not in page
	assert "scons" not in page
	assert "<!--" not in page


def test_pinsMustBeExact():
	environment = {"python_version": "3.11", "sys_platform": "win32", "extra": ""}
	with pytest.raises(addonBuild.BuildError, match="name==version"):
		addonBuild.pinnedRequirements(["pillow>=13"], environment)
	with pytest.raises(addonBuild.BuildError, match="name==version"):
		addonBuild.pinnedRequirements(["pillow==13.*"], environment)


def test_pinsFollowTheirMarkers():
	lines = [
		"keyring==25.7.0",
		'zipp==4.1.2; python_version < "3.12"',
		'jeepney==0.9.0; sys_platform == "linux"',
	]
	chosen = addonBuild.pinnedRequirements(
		lines, {"python_version": "3.11", "sys_platform": "win32", "extra": ""}
	)
	assert [r.name for r in chosen] == ["keyring", "zipp"]
	chosen = addonBuild.pinnedRequirements(
		lines, {"python_version": "3.13", "sys_platform": "win32", "extra": ""}
	)
	assert [r.name for r in chosen] == ["keyring"]


def _fakeWheel(folder: Path, name: str, version: str, requires: list[str], platform="any") -> Path:
	path = folder / f"{name.replace('-', '_')}-{version}-py3-none-{platform}.whl"
	metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nRequires-Python: >=3.9\n"
	metadata += "".join(f"Requires-Dist: {line}\n" for line in requires)
	with zipfile.ZipFile(path, "w") as archive:
		archive.writestr(f"{name.replace('-', '_')}-{version}.dist-info/METADATA", metadata)
		archive.writestr(f"{name.replace('-', '_')}/__init__.py", "")
		archive.writestr(f"{name.replace('-', '_')}/__pycache__/x.cpython-311.pyc", b"")
		archive.writestr(f"{name.replace('-', '_')}/_speedups.cpython-311-x86_64-linux-gnu.so", b"")
	return path


def test_requirementProblemsNamesWhatIsMissingWrongOrUnneeded(tmp_path):
	environment = {
		"python_version": "3.11",
		"python_full_version": "3.11.0",
		"sys_platform": "win32",
		"extra": "",
	}
	wheels = {
		"app": _fakeWheel(
			tmp_path,
			"app",
			"1.0",
			["helper>=2", 'winonly; sys_platform == "win32"', "pytest; extra == 'test'"],
		),
		"helper": _fakeWheel(tmp_path, "helper", "1.5", []),
		"stray": _fakeWheel(tmp_path, "stray", "1.0", []),
		"jeepney": _fakeWheel(tmp_path, "jeepney", "0.9.0", []),
	}
	problems = addonBuild.requirementProblems(wheels, ["app==1.0"], environment, ["jeepney"], "cp311-win32")
	text = "\n".join(problems)
	assert "jeepney must not be bundled" in text
	assert "app needs helper>=2, the pinned list has 1.5" in text
	assert "app needs winonly" in text and "not in the pinned list" in text
	assert "stray is pinned but nothing needs it" in text
	assert "pytest" not in text  # extras are not requirements


def test_requirementProblemsEmptyWhenComplete(tmp_path):
	environment = {
		"python_version": "3.13",
		"python_full_version": "3.13.0",
		"sys_platform": "win32",
		"extra": "",
	}
	wheels = {
		"app": _fakeWheel(tmp_path, "app", "1.0", ["helper>=1", 'old; python_version < "3.12"']),
		"helper": _fakeWheel(tmp_path, "helper", "1.5", []),
	}
	assert addonBuild.requirementProblems(wheels, ["app==1.0"], environment, [], "cp313-win_amd64") == []


def test_cachedWheelIsFoundByNameVersionAndPlatform(tmp_path):
	(tmp_path / "pillow-13.0.0-cp311-cp311-win32.whl").write_bytes(b"")
	(tmp_path / "jaraco.classes-3.4.0-py3-none-any.whl").write_bytes(b"")
	pins = addonBuild.pinnedRequirements(["Pillow==13.0.0", "jaraco-classes==3.4.0", "mss==10.2.0"], {})
	assert addonBuild.findCachedWheel(tmp_path, pins[0], "win32").name.startswith("pillow-13.0.0-cp311")
	assert addonBuild.findCachedWheel(tmp_path, pins[0], "win_amd64") is None
	assert addonBuild.findCachedWheel(tmp_path, pins[1], "win_amd64") is not None
	assert addonBuild.findCachedWheel(tmp_path, pins[2], "win32") is None


def test_unpackKeepsDistInfoAndDropsExcluded(tmp_path):
	wheel = _fakeWheel(tmp_path, "demo", "1.0", [])
	destination = tmp_path / "out"
	(destination / "old").mkdir(parents=True)
	leftOut = addonBuild.unpackWheels([wheel], destination, buildVars.bundleExclusions)
	assert (destination / "demo" / "__init__.py").is_file()
	assert (destination / "demo-1.0.dist-info" / "METADATA").is_file()
	assert not (destination / "old").exists()
	assert sorted(leftOut) == [
		"demo/__pycache__/x.cpython-311.pyc",
		"demo/_speedups.cpython-311-x86_64-linux-gnu.so",
	]


def test_lostTranslatorCommentsAreFound(tmp_path):
	source = tmp_path / "m.py"
	source.write_text(
		'# Translators: kept\n_("a")\n\n# Translators: lost above a split call\nx = _(\n\t"b"\n)\n',
		encoding="utf-8",
	)
	pot = '#. Translators: kept\nmsgid "a"\n'
	assert addonBuild.lostTranslatorComments([str(source)], pot) == [
		f"{source}:4: # Translators: lost above a split call"
	]


def test_pillowWorksWithoutTheExcludedModules(tmp_path):
	"""The build leaves out PIL/_avif and PIL/_imagingtk; Pillow must still open and save images."""
	import shutil

	import PIL

	source = Path(PIL.__file__).parent
	copy = tmp_path / "PIL"
	shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__", "_avif.*", "_imagingtk.*"))
	# Linux wheels keep their shared libraries beside the package (Windows wheels link them in).
	for libraries in source.parent.glob("pillow.libs"):
		shutil.copytree(libraries, tmp_path / libraries.name)
	assert not list(copy.glob("_avif.*")) and list(source.glob("_avif.*")), "the Linux Pillow must have _avif"
	script = (
		"import io, PIL, sys\n"
		"from PIL import Image, features\n"
		f"assert PIL.__file__.startswith({str(tmp_path)!r}), PIL.__file__\n"
		"assert not features.check('avif')\n"
		"Image.init()\n"
		"image = Image.new('RGB', (64, 32), (200, 10, 10))\n"
		"for kind in ('PNG', 'JPEG', 'WEBP'):\n"
		"    data = io.BytesIO(); image.save(data, kind); data.seek(0)\n"
		"    assert Image.open(data).size == (64, 32)\n"
		"print('ok')\n"
	)
	completed = subprocess.run(
		[sys.executable, "-c", script],
		env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
		capture_output=True,
		text=True,
		timeout=60,
	)
	assert completed.returncode == 0, completed.stderr
	assert completed.stdout.strip() == "ok"
