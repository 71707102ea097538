"""The compiled and pure-Python files of each bundled library folder, checked without running them.

PyPI has no 32-bit Windows Python, so the cp311-win32 folder (NVDA 2025.x) cannot be loaded the way
test_windowsPython.py loads cp313-win_amd64. What can be checked is what Windows' loader would need:
every .pyd's import table (read with pefile, delay-loaded imports included) names only DLLs that
every Windows has, the Universal C runtime's API sets, and the DLLs that Python itself ships
(pythonXY.dll, python3.dll, the Visual C++ runtime). A .pyd needing anything else would fail with
"DLL load failed" on a user's machine. And every Python file of the add-on and of the folder
compiles on Python 3.11, NVDA 2025.x's interpreter (this machine's own python3.11).
"""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pefile
import pytest

pytestmark = pytest.mark.windows

TAGS = ("cp311-win32", "cp313-win_amd64")

#: DLLs in System32 on every Windows NVDA runs on (8.1 and later).
WINDOWS_DLLS = {
	"kernel32.dll",
	"user32.dll",
	"gdi32.dll",
	"advapi32.dll",
	"shell32.dll",
	"ole32.dll",
	"oleaut32.dll",
	"ws2_32.dll",
	"comctl32.dll",
	"comdlg32.dll",
	"shlwapi.dll",
	"version.dll",
	"winmm.dll",
	"crypt32.dll",
	"bcrypt.dll",
	"secur32.dll",
	"rpcrt4.dll",
	"ntdll.dll",
	"msvcrt.dll",
}
#: The Universal C runtime, reached through API-set names; CPython itself needs it.
UCRT_PREFIX = "api-ms-win-crt-"
#: What each target's Python ships beside python.exe (the 32-bit build has no vcruntime140_1.dll).
PYTHON_DLLS = {
	"cp311-win32": {"python311.dll", "python3.dll", "vcruntime140.dll"},
	"cp313-win_amd64": {"python313.dll", "python3.dll", "vcruntime140.dll", "vcruntime140_1.dll"},
}
MACHINES = {"cp311-win32": pefile.MACHINE_TYPE["IMAGE_FILE_MACHINE_I386"], "cp313-win_amd64": 0x8664}


def importedDlls(data: bytes) -> tuple[int, list[str]]:
	"""(machine type, names of the DLLs the PE image imports, delay-loaded ones included)."""
	image = pefile.PE(data=data, fast_load=True)
	try:
		image.parse_data_directories(
			directories=[
				pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_IMPORT"],
				pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_DELAY_IMPORT"],
			]
		)
		entries = [
			*getattr(image, "DIRECTORY_ENTRY_IMPORT", []),
			*getattr(image, "DIRECTORY_ENTRY_DELAY_IMPORT", []),
		]
		return image.FILE_HEADER.Machine, [entry.dll.decode("ascii") for entry in entries]
	finally:
		image.close()


def unexpectedDlls(dlls: list[str], tag: str) -> list[str]:
	allowed = WINDOWS_DLLS | PYTHON_DLLS[tag]
	return [dll for dll in dlls if dll.lower() not in allowed and not dll.lower().startswith(UCRT_PREFIX)]


def compiledFiles(package: Path, tag: str) -> dict[str, bytes]:
	with zipfile.ZipFile(package) as archive:
		return {
			name: archive.read(name)
			for name in archive.namelist()
			if name.startswith(f"deps/{tag}/") and name.endswith(".pyd")
		}


@pytest.mark.parametrize("tag", TAGS)
def test_everyPydImportsOnlyWindowsAndPythonDlls(builtPackage, tag):
	files = compiledFiles(builtPackage, tag)
	assert f"deps/{tag}/PIL/_imaging.{tag}.pyd" in files
	problems = {}
	for name, data in files.items():
		machine, dlls = importedDlls(data)
		assert machine == MACHINES[tag], name
		assert dlls, f"{name} imports nothing, so it was not read"
		if unexpectedDlls(dlls, tag):
			problems[name] = unexpectedDlls(dlls, tag)
	assert problems == {}


def test_theImportCheckCatchesADllWindowsDoesNotHave(builtPackage):
	"""The same check on a copy of Pillow's core whose import table names a DLL no Windows ships."""
	name = "deps/cp311-win32/PIL/_imaging.cp311-win32.pyd"
	data = compiledFiles(builtPackage, "cp311-win32")[name]
	assert b"USER32.dll" in data
	_machine, dlls = importedDlls(data.replace(b"USER32.dll", b"USERXY.dll"))
	assert unexpectedDlls(dlls, "cp311-win32") == ["USERXY.dll"]
	# And the 32-bit Python ships no vcruntime140_1.dll, so a 32-bit .pyd must not need it.
	assert unexpectedDlls(["VCRUNTIME140_1.dll"], "cp311-win32") == ["VCRUNTIME140_1.dll"]
	assert unexpectedDlls(["VCRUNTIME140_1.dll"], "cp313-win_amd64") == []


def python311() -> str:
	if sys.version_info[:2] == (3, 11):
		return sys.executable
	found = shutil.which("python3.11")
	assert found, "no Python 3.11 on this machine (Debian's python3 is 3.11: run `bash scripts/setup-env`)"
	return found


COMPILE_ALL = """
import sys
failures, count = [], 0
for path in sys.stdin.read().splitlines():
	count += 1
	try:
		with open(path, "rb") as file:
			compile(file.read(), path, "exec", dont_inherit=True)
	except SyntaxError as error:
		failures.append(f"{path}: {error}")
print(sys.version_info[:2], count)
print("\\n".join(failures))
sys.exit(1 if failures else 0)
"""


def compileOn311(paths: list[Path]) -> subprocess.CompletedProcess:
	return subprocess.run(
		[python311(), "-I", "-c", COMPILE_ALL],
		input="\n".join(str(path) for path in paths),
		capture_output=True,
		text=True,
		timeout=55,
	)


def test_everyPythonFileOfTheWin32FolderAndTheAddonCompilesOnPython311(builtPackage, tmp_path):
	with zipfile.ZipFile(builtPackage) as archive:
		archive.extractall(tmp_path)
	paths = sorted(
		[
			*(tmp_path / "deps" / "cp311-win32").rglob("*.py"),
			*(tmp_path / "packages").rglob("*.py"),
			*(tmp_path / "globalPlugins").rglob("*.py"),
		]
	)
	assert len(paths) > 100
	completed = compileOn311(paths)
	assert completed.returncode == 0, completed.stdout + completed.stderr
	assert completed.stdout.splitlines()[0] == f"(3, 11) {len(paths)}"


def test_theCompileCheckCatchesSyntaxNewerThanPython311(tmp_path):
	"""A type-parameter list (PEP 695) is Python 3.12 syntax, so 3.11 must refuse it."""
	newer = tmp_path / "newer.py"
	newer.write_text("def first[T](items: list[T]) -> T:\n\treturn items[0]\n")
	completed = compileOn311([newer])
	assert completed.returncode == 1
	assert f"{newer}: " in completed.stdout
