"""Runs the mutants of the core's safety-critical modules against the tests and scores them.

For each module in TARGETS: first its tests run on an unmutated copy of the repository (if they fail
there, every mutant would count as killed, so the run stops). Then every mutant
(tests/mutation/mutants.py) is written into a private copy of the repository, and the module's own
tests run against it (pytest, stop at the first failure, with a time limit so a mutant that loops
forever counts as caught, not as a hang). A mutant that
survives is run again against every other core test that names the module. A mutant is killed when
the tests fail. The score is the share killed: raw, and without the mutants listed in
tests/mutation/equivalent.txt (each with its reason), which no test can kill because they do not
change behaviour.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from mutants import Mutant, mutantsOf

REPO = Path(__file__).resolve().parents[2]
CORE = Path("addon/packages/visionDescriberCore")
EQUIVALENT_FILE = REPO / "tests" / "mutation" / "equivalent.txt"

#: Module (inside the core) -> its own tests.
TARGETS = {
	"imaging/blankDetection.py": ["tests/core/test_blankDetection.py"],
	"clients/errorMapping.py": ["tests/core/test_errorMapping.py", "tests/core/test_errors.py"],
	"clients/streaming.py": ["tests/core/test_streaming.py", "tests/core/test_streamingEdges.py"],
	"clients/splitters.py": ["tests/core/test_splitters.py", "tests/core/test_streaming.py"],
	"text/phrases.py": ["tests/core/test_phrases.py", "tests/core/test_phraseEdges.py"],
	"text/markdownStripping.py": ["tests/core/test_phrases.py", "tests/core/test_phraseEdges.py"],
	"imaging/preparation.py": ["tests/core/test_preparation.py"],
	"voice/endOfSpeech.py": ["tests/core/test_endOfSpeechEdges.py", "tests/core/test_endOfSpeech.py"],
	"watch/changeDetection.py": [
		"tests/core/test_changeDetectionEdges.py",
		"tests/core/test_changeDetection.py",
	],
	"imaging/sizing.py": [
		"tests/core/test_sizing.py",
		"tests/core/test_pictureDetail.py",
		"tests/core/test_modelGeometry.py",
	],
}
#: Seconds one test may take under a mutant before it counts as caught by the time limit.
TEST_TIMEOUT = 20


@dataclass
class ModuleScore:
	module: str
	total: int = 0
	killed: int = 0
	survivors: list[Mutant] = field(default_factory=list)
	equivalent: list[Mutant] = field(default_factory=list)

	@property
	def raw(self) -> float:
		return 100.0 * self.killed / self.total if self.total else 100.0

	@property
	def adjusted(self) -> float:
		counted = self.total - len(self.equivalent)
		return 100.0 * self.killed / counted if counted else 100.0


def readEquivalents(path: Path = EQUIVALENT_FILE) -> dict[tuple[str, str], str]:
	"""'module | mutant id | reason' lines -> {(module, id): reason}; # starts a comment line."""
	found = {}
	if not path.is_file():
		return found
	for line in path.read_text(encoding="utf-8").splitlines():
		if not line.strip() or line.lstrip().startswith("#"):
			continue
		module, mutantId, reason = (part.strip() for part in line.split("|", 2))
		if not reason:
			raise ValueError(f"{path}: an equivalent mutant needs its reason: {line}")
		found[(module, mutantId)] = reason
	return found


def copyRepository(destination: Path, repo: Path = REPO) -> Path:
	"""The files the tests need, copied (build outputs and the venv are left out)."""
	for name in ("addon", "tests", "pyproject.toml", "buildVars.py"):
		source = repo / name
		if source.is_dir():
			shutil.copytree(source, destination / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
		elif source.is_file():
			shutil.copy2(source, destination / name)
	return destination


def testsNaming(module: str, own: list[str], repo: Path = REPO) -> list[str]:
	"""Other core tests that name the module (its stem), for survivors of the module's own tests."""
	stem = Path(module).stem
	found = []
	for path in sorted((repo / "tests" / "core").glob("test_*.py")):
		relative = str(path.relative_to(repo))
		if relative not in own and stem in path.read_text(encoding="utf-8"):
			found.append(relative)
	return found


def pytestCommand(tests: list[str], timeout: int = TEST_TIMEOUT) -> list[str]:
	"""The command that runs the tests once under a mutant: stops at the first failure or hang."""
	return [
		sys.executable,
		"-m",
		"pytest",
		"-x",
		"-q",
		"-p",
		"no:cacheprovider",
		f"--timeout={timeout}",
		# A timer thread ends the whole run: a signal's exception inside a property test lets
		# hypothesis try the next example, which then hangs with no alarm left to stop it.
		"--timeout-method=thread",
		*tests,
	]


def testsFail(copy: Path, tests: list[str]) -> bool:
	try:
		result = subprocess.run(
			pytestCommand(tests), cwd=copy, capture_output=True, text=True, timeout=10 * TEST_TIMEOUT
		)
	except subprocess.TimeoutExpired:
		return True
	return result.returncode != 0


class Workers:
	"""One private copy of the repository per worker thread, reused from mutant to mutant."""

	def __init__(self, root: Path, repo: Path = REPO):
		self.root = root
		self.repo = repo
		self.local = threading.local()
		self.count = 0
		self.lock = threading.Lock()

	def copy(self) -> Path:
		if not hasattr(self.local, "copy"):
			with self.lock:
				self.count += 1
				number = self.count
			self.local.copy = copyRepository(self.root / f"worker{number}", self.repo)
		return self.local.copy


def isKilled(workers: Workers, module: str, mutant: Mutant, own: list[str], broader: list[str]) -> bool:
	copy = workers.copy()
	target = copy / CORE / module
	original = target.read_text(encoding="utf-8")
	target.write_text(mutant.source, encoding="utf-8")
	try:
		return testsFail(copy, own) or bool(broader and testsFail(copy, broader))
	finally:
		target.write_text(original, encoding="utf-8")


def describe(mutant: Mutant) -> str:
	"""`id`, then the line as written and as mutated: what to read to write the killing test."""
	return f"{mutant.id}\n      line {mutant.line}: {mutant.before}\n      mutant:  {mutant.after}"


def mutantsOfModule(module: str, only: set[str] | None = None, repo: Path = REPO) -> list[Mutant]:
	mutants = list(mutantsOf((repo / CORE / module).read_text(encoding="utf-8")))
	return [mutant for mutant in mutants if only is None or mutant.id in only]


class BaselineFails(Exception):
	"""The module's tests fail on the unmutated code: every mutant would count as killed."""


def scoreModule(
	module: str,
	workers: Workers,
	jobs: int,
	report: Callable[[str], None] = print,
	only: set[str] | None = None,
	own: list[str] | None = None,
	equivalents: dict[tuple[str, str], str] | None = None,
) -> ModuleScore:
	own = own if own is not None else TARGETS[module]
	if testsFail(workers.copy(), own):
		raise BaselineFails(f"{module}: its tests fail without any mutant: {' '.join(own)}")
	broader = testsNaming(module, own, workers.repo)
	mutants = mutantsOfModule(module, only, workers.repo)
	equivalents = equivalents if equivalents is not None else readEquivalents()
	score = ModuleScore(module, total=len(mutants))
	killedButListed = []
	with ThreadPoolExecutor(max_workers=jobs) as pool:
		results = pool.map(lambda m: (m, isKilled(workers, module, m, own, broader)), mutants)
		for done, (mutant, killed) in enumerate(results, 1):
			if killed:
				score.killed += 1
				if (module, mutant.id) in equivalents:
					killedButListed.append(mutant.id)
			elif (module, mutant.id) in equivalents:
				score.equivalent.append(mutant)
			else:
				score.survivors.append(mutant)
			if done % 10 == 0 or done == len(mutants):
				print(f"  {module}: {done}/{len(mutants)} tested", file=sys.stderr, flush=True)
	report(
		f"{module}: {score.killed}/{score.total} killed, raw {score.raw:.1f} %, "
		f"{len(score.equivalent)} equivalent, without them {score.adjusted:.1f} %"
	)
	for mutant in score.survivors:
		report(f"  survived {describe(mutant)}")
	for mutantId in killedButListed:
		report(f"  note: {mutantId} is listed as equivalent but a test kills it: remove it from the list")
	if only is None:
		ids = {mutant.id for mutant in mutants}
		for listedModule, mutantId in equivalents:
			if listedModule == module and mutantId not in ids:
				report(f"  note: {mutantId} is listed as equivalent but no longer exists (lines moved?)")
	return score


def main(arguments: list[str]) -> int:
	import argparse

	parser = argparse.ArgumentParser(description="Mutation testing of the core's safety-critical modules.")
	parser.add_argument(
		"modules", nargs="*", help=f"modules to mutate (default: all of {', '.join(TARGETS)})"
	)
	parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="mutants tested at once")
	parser.add_argument("--list", action="store_true", help="only list the mutants (id and line), test none")
	parser.add_argument(
		"--mutant",
		action="append",
		metavar="ID",
		help="test only this mutant (repeatable), e.g. after writing the test meant to kill it",
	)
	options = parser.parse_args(arguments)
	unknown = [module for module in options.modules if module not in TARGETS]
	if unknown:
		parser.error(f"not a mutation target: {', '.join(unknown)}")
	modules = options.modules or list(TARGETS)
	only = set(options.mutant) if options.mutant else None
	if options.list:
		for module in modules:
			mutants = mutantsOfModule(module, only)
			print(f"{module}: {len(mutants)} mutants")
			for mutant in mutants:
				print(f"  {describe(mutant)}")
		return 0
	with tempfile.TemporaryDirectory(prefix="mutation-") as root:
		workers = Workers(Path(root))
		try:
			scores = [scoreModule(module, workers, options.jobs, only=only) for module in modules]
		except BaselineFails as error:
			print(error, file=sys.stderr)
			return 1
	print()
	print(f"{'module':<32} {'mutants':>8} {'killed':>7} {'raw %':>7} {'equivalent':>11} {'score %':>8}")
	for score in scores:
		print(
			f"{score.module:<32} {score.total:>8} {score.killed:>7} {score.raw:>7.1f} "
			f"{len(score.equivalent):>11} {score.adjusted:>8.1f}"
		)
	return 0


if __name__ == "__main__":
	sys.exit(main(sys.argv[1:]))
