"""The built add-on inside a real Windows CPython 3.13 (64-bit, NVDA 2026.x's), run under Wine.

The package is built and unpacked; inside the Windows Python the add-on's own loader (NVDA's modules
faked) puts the bundled libraries on the path and imports them, with `requests` provided beside it
as NVDA provides it. The bundled Pillow encodes and decodes, mss and the core's capture grab a real
Win32 window on Wine's desktop, keyring and the core's key store keep a key in the Windows Credential
Manager, the core reads a picture from the Windows clipboard, and the core's command-line tool
checks a fake Ollama on 127.0.0.1 and describes the screen to it. Then a copy of the add-on with
Pillow's compiled core damaged shows that the damage is a sentence at NVDA's start and in the
command-line tool, never "Everything works" and never a traceback.

winePython.py says where the interpreter comes from; inWindows/ holds what runs inside it.
"""

import base64
import io
import os
import re
import sys

import ocr
import pytest
from PIL import Image, ImageChops
from windowsChecks import WINDOW_TEXT, ChecksRun, copyAddon, runChecks, stepOf, unpack
from winePython import REPO_DIR, windowsPath

sys.path.append(str(REPO_DIR / "tests" / "core"))  # the fake servers live with the core tests
from servers.fakeOllama import DEFAULT_ANSWER, FakeOllama  # noqa: E402

if str(REPO_DIR) not in sys.path:
	sys.path.append(str(REPO_DIR))
import buildVars  # noqa: E402

# The first test may also build the package, download the interpreter and create the Wine prefix.
pytestmark = [pytest.mark.windows, pytest.mark.timeout(150)]

TAG = "cp313-win_amd64"
PILLOW_SENTENCE = (
	"Pillow, the library that prepares pictures, could not be loaded. Reinstall Vision Describer."
)


def pinnedVersion(name: str) -> str:
	return next(pin.split("==")[1] for pin in buildVars.bundledLibraries if pin.startswith(name + "=="))


def windowsPathsEqual(left: str, right: str) -> bool:
	return left.replace("/", "\\").lower() == right.replace("/", "\\").lower()


def isUnder(path: str, folder: str) -> bool:
	return path.replace("/", "\\").lower().startswith(folder.replace("/", "\\").lower() + "\\")


def wordsIn(image: Image.Image) -> set[str]:
	return set(ocr.words(ocr.readText(image)))


EXPECTED_WORDS = {word.lower() for word in WINDOW_TEXT.split()}


# --- The intact add-on --------------------------------------------------------------------------


def test_itIsARealWindowsPython313In64Bit(checksRun: ChecksRun):
	loader = stepOf(checksRun, "loader")
	assert loader["platform"] == "win32"
	assert loader["sysVersion"].startswith("3.13.")
	assert "MSC v." in loader["sysVersion"] and "64 bit (AMD64)" in loader["sysVersion"]
	assert (loader["pythonVersion"], loader["pointerBits"]) == ([3, 13], 64)


def test_theLoaderGivesTheBundledCopiesAndNvdasRequests(checksRun: ChecksRun, unpackedAddon):
	loader = stepOf(checksRun, "loader")
	assert loader["ready"], loader["problem"]
	depsPath = windowsPath(unpackedAddon / "deps" / TAG)
	assert loader["tag"] == TAG
	assert windowsPathsEqual(loader["depsPath"], depsPath)
	assert isUnder(loader["loaderFile"], windowsPath(unpackedAddon / "globalPlugins"))
	copies = loader["copies"]
	for name, distribution in (("PIL", "pillow"), ("mss", "mss"), ("keyring", "keyring")):
		copy = copies[name]
		assert copy["error"] is None
		assert copy["bundled"] and isUnder(copy["origin"], depsPath), copy
		assert copy["version"] == pinnedVersion(distribution)
		assert not copy["loadedBefore"]
	requests = copies["requests"]
	assert (requests["version"], requests["bundled"], requests["error"]) == ("2.32.5", False, None)
	assert "nvdaLibraries" in requests["origin"]
	assert f"bundled build {TAG} at {loader['depsPath']}" in loader["log"]
	assert f"PIL {pinnedVersion('pillow')} from {copies['PIL']['origin']} (bundled)" in loader["log"]
	assert "Traceback" not in loader["log"]
	print(f"\nloader in the Windows Python: imports {loader['importSeconds'] * 1000:.0f} ms")


def test_theBundledPillowEncodesAndDecodesPngAndJpeg(checksRun: ChecksRun, unpackedAddon):
	pillow = stepOf(checksRun, "pillow")
	assert pillow["version"] == pinnedVersion("pillow")
	assert isUnder(pillow["coreFile"], windowsPath(unpackedAddon / "deps" / TAG))
	assert pillow["coreFile"].endswith(f"_imaging.{TAG}.pyd")
	assert (pillow["PNG"]["format"], pillow["PNG"]["size"]) == ("PNG", [96, 64])
	assert pillow["PNG"]["largestChannelError"] == 0
	assert (pillow["JPEG"]["format"], pillow["JPEG"]["size"]) == ("JPEG", [96, 64])
	assert 0 < pillow["JPEG"]["meanChannelError"] < 3 and pillow["JPEG"]["largestChannelError"] < 32
	# What Windows wrote, read by this machine's own Pillow.
	expected = Image.new("RGB", (96, 64))
	expected.putdata([(x * 2, y * 3, 128) for y in range(64) for x in range(96)])
	png = Image.open(checksRun.outDir / "pillow.png").convert("RGB")
	assert png.tobytes() == expected.tobytes()
	jpeg = Image.open(checksRun.outDir / "pillow.jpeg")
	assert jpeg.format == "JPEG" and jpeg.size == (96, 64)


def test_mssAndTheCoreCaptureGrabTheWindowOnWinesDesktop(checksRun: ChecksRun, testWindow, wineDisplay):
	capture = stepOf(checksRun, "capture")
	assert capture["mssBackend"].startswith("mss.windows."), capture["mssBackend"]  # GDI, as on Windows
	virtual = capture["monitors"][0]
	assert (virtual["width"], virtual["height"]) == (wineDisplay.width, wineDisplay.height)
	assert capture["screenSize"] == [wineDisplay.width, wineDisplay.height]
	assert capture["coreSize"] == list(testWindow.rect[2:])
	grabbedByMss = Image.open(checksRun.outDir / "mss.png").convert("RGB")
	grabbedByCore = Image.open(checksRun.outDir / "core.png").convert("RGB")
	assert wordsIn(grabbedByCore) >= EXPECTED_WORDS, "the core's capture does not show the window's text"
	assert ImageChops.difference(grabbedByMss, grabbedByCore).getbbox() is None  # the same pixels


def test_keyringChoosesTheWindowsCredentialManager(checksRun: ChecksRun):
	keyring = stepOf(checksRun, "keyring")
	assert keyring["backend"] == "keyring.backends.Windows.WinVaultKeyring"
	assert keyring["read"] == keyring["secret"]
	assert keyring["inCredentialManager"] == {"userName": keyring["user"], "secret": keyring["secret"]}
	assert keyring["afterDelete"] is None
	assert keyring["inCredentialManagerAfterDelete"] is None


def test_theCoreKeyStoreKeepsKeysInTheCredentialManager(checksRun: ChecksRun):
	store = stepOf(checksRun, "keyStore")
	assert store["backend"] == "WinVaultKeyring"
	assert store["endpoint"] == "openai:https://api.openai.com/v1"
	assert store["read"] == "sk-wine-core-0123456789"  # the pasted blanks dropped
	assert store["inCredentialManager"] == {"userName": store["endpoint"], "secret": store["read"]}
	assert (store["afterDelete"], store["hasAfterDelete"]) == (None, False)
	assert store["inCredentialManagerAfterDelete"] is None


def test_theCoreReadsAPictureFromTheWindowsClipboard(checksRun: ChecksRun):
	clipboard = stepOf(checksRun, "clipboard")
	assert (clipboard["size"], clipboard["mode"]) == ([90, 60], "RGB")
	for point, (seen, expected) in clipboard["pixels"].items():
		assert seen == expected, point
	assert clipboard["emptyClipboard"] == "There is no image on the clipboard and no image file is selected."


def test_everyPythonFileOfTheAddonCompilesOnWindowsPython313(checksRun: ChecksRun):
	compiled = stepOf(checksRun, "compile")
	assert compiled["failures"] == []
	assert compiled["files"] > 100


# --- The command-line tool in the Windows Python ---------------------------------------------------


def cliEnvironment(addonRoot) -> dict[str, str]:
	"""What PYTHONPATH would give: the core and the bundled libraries (see inWindows/sitecustomize.py)."""
	paths = [windowsPath(addonRoot / "packages"), windowsPath(addonRoot / "deps" / TAG)]
	return {"VISION_DESCRIBER_TEST_PATH": ";".join(paths)}


def runCli(winePython, addonRoot, *arguments):
	return winePython.run("-m", "visionDescriberCore", *arguments, env=cliEnvironment(addonRoot))


@pytest.fixture
def ollama():
	with FakeOllama() as server:
		yield server


def sentImage(request) -> Image.Image:
	return Image.open(io.BytesIO(base64.b64decode(request.json["messages"][-1]["images"][0])))


def test_cliCheckSendsATestPictureMadeByTheBundledPillow(winePython, unpackedAddon, ollama):
	result = runCli(winePython, unpackedAddon, "check", "--base-url", ollama.url, "--model", "gemma3:4b")
	assert result.returncode == 0, result.stderr
	lines = result.stdout.splitlines()
	assert lines[0] == f"Ollama 0.12.6 is running at {ollama.url}."
	assert re.fullmatch(r"The model answered a test picture in \d+(\.\d)? (milli)?seconds: .+", lines[2])
	assert lines[-1] == "Everything works."
	[probe] = ollama.chatRequests()
	picture = sentImage(probe)
	assert (picture.format, picture.size) == ("PNG", (128, 128))
	assert picture.convert("RGB").getpixel((64, 64)) == (0, 0, 0)
	assert picture.convert("RGB").getpixel((4, 4)) == (255, 255, 255)


def test_cliDescribesTheScreenAndTheWindowArrives(winePython, unpackedAddon, ollama, testWindow, tmp_path):
	saved = tmp_path / "sent.png"
	result = runCli(
		winePython,
		unpackedAddon,
		"describe",
		"--screen",
		"--save-image",
		windowsPath(saved),
		"--base-url",
		ollama.url,
		"--model",
		"gemma3:4b",
	)
	assert result.returncode == 0, result.stderr
	assert result.stdout.strip() == "".join(DEFAULT_ANSWER)
	[request] = ollama.chatRequests()
	picture = sentImage(request)
	# Gemma 3 reads 896 pixels a side at most, so the 1280x800 screen is sent 896 wide (issue 14).
	assert picture.size == (896, 800)
	assert base64.b64decode(request.json["messages"][-1]["images"][0]) == saved.read_bytes()
	left, top, width, height = testWindow.rect
	scaleX, scaleY = picture.width / 1280, picture.height / 800
	box = (left * scaleX, top * scaleY, (left + width) * scaleX, (top + height) * scaleY)
	window = picture.convert("RGB").crop(tuple(round(v) for v in box)).resize((width, height))
	assert wordsIn(window) >= EXPECTED_WORDS, "the window's text is not in the picture that was sent"


# --- A damaged compiled file ---------------------------------------------------------------------


PILLOW_CORE = f"PIL/_imaging.{TAG}.pyd"


@pytest.fixture(scope="module")
def damagedAddon(builtPackage, tmp_path_factory):
	"""The add-on with Pillow's compiled core cut to its first 4 KB, as by an interrupted copy."""
	root = unpack(builtPackage, tmp_path_factory.mktemp("damaged") / "visionDescriber")
	core = root / "deps" / TAG / PILLOW_CORE
	data = core.read_bytes()
	core.write_bytes(data[:4096])
	return root


@pytest.fixture(scope="module")
def addonWithoutPillowCore(unpackedAddon, tmp_path_factory):
	root = copyAddon(unpackedAddon, tmp_path_factory.mktemp("missing") / "visionDescriber")
	os.remove(root / "deps" / TAG / PILLOW_CORE)
	return root


@pytest.mark.parametrize(
	("addon", "reason"),
	[
		("damagedAddon", "ImportError: DLL load failed while importing _imaging"),
		("addonWithoutPillowCore", "ImportError: cannot import name '_imaging'"),
	],
)
def test_aDamagedOrMissingPillowCoreIsASentenceWhenNvdaStarts(winePython, request, tmp_path, addon, reason):
	root = request.getfixturevalue(addon)
	report = runChecks(winePython, root, tmp_path / "out", ["loader", "pillow"])
	loader = report["loader"]
	assert loader["ok"], loader.get("traceback")
	assert loader["ready"] is False
	assert loader["problem"] == "Vision Describer could not load PIL. Reinstall the add-on."
	assert loader["missing"] == ["PIL"]
	assert loader["copies"]["PIL"]["error"].startswith(reason)
	for name in ("mss", "keyring", "requests"):
		assert loader["copies"][name]["error"] is None, name
	assert loader["problem"] in loader["log"]
	assert f"PIL at {loader['copies']['PIL']['origin']} could not be imported: {reason}" in loader["log"]
	assert "Traceback" not in loader["log"]
	assert "pillow" not in report  # nothing runs past a loader that is not ready
	print(f"\n{addon}: the loader said {loader['problem']!r}; logged: {loader['copies']['PIL']['error']}")


def test_cliCheckWithADamagedPillowSaysSoAndNeverThatEverythingWorks(winePython, damagedAddon, ollama):
	result = runCli(winePython, damagedAddon, "check", "--base-url", ollama.url, "--model", "gemma3:4b")
	assert result.returncode == 1
	assert result.stderr.strip() == PILLOW_SENTENCE
	assert result.stdout.splitlines() == [
		f"Ollama 0.12.6 is running at {ollama.url}.",
		"The model gemma3:4b is installed and can see images.",
	]
	assert ollama.chatRequests() == []
	print(f"\ncheck with a damaged Pillow: {result.stdout}{result.stderr}")


def test_cliDescribeWithADamagedPillowIsOneSentence(winePython, damagedAddon, ollama):
	result = runCli(
		winePython, damagedAddon, "describe", "--screen", "--base-url", ollama.url, "--model", "gemma3:4b"
	)
	assert result.returncode == 1
	assert result.stderr.strip() == PILLOW_SENTENCE
	assert result.stdout == ""
	assert ollama.chatRequests() == []
