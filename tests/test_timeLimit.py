"""A hanging test fails within its time limit instead of holding the run (pytest-timeout)."""

import subprocess
import sys
import textwrap
import time

HANGING_TEST = textwrap.dedent(
	"""
	import threading

	def test_waitsForever():
		threading.Event().wait()
	"""
)


def test_aHangingTestFailsWithinItsLimit(tmp_path):
	(tmp_path / "test_hang.py").write_text(HANGING_TEST)
	started = time.monotonic()
	result = subprocess.run(
		[sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--timeout=2", str(tmp_path)],
		capture_output=True,
		text=True,
		cwd=tmp_path,
		timeout=120,
	)
	elapsed = time.monotonic() - started
	assert result.returncode == 1, result.stdout + result.stderr
	assert "Timeout" in result.stdout
	assert "1 failed" in result.stdout
	# Well under the 120 s this subprocess is allowed: the 2 s limit ended it.
	assert elapsed < 60, elapsed


def test_theProjectSetsALimitForEveryTest():
	"""The limit comes from pyproject.toml, so every run has it, CI included."""
	result = subprocess.run(
		[sys.executable, "-m", "pytest", "--help"], capture_output=True, text=True, timeout=60
	)
	assert "--timeout" in result.stdout
	import tomllib
	from pathlib import Path

	config = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())
	assert config["tool"]["pytest"]["ini_options"]["timeout"] == 60
