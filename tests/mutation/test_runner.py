"""The mutation runner itself, on a module of two lines: the mutants it makes and how it scores them.

Quick (a handful of pytest runs on a throw-away repository), so it runs with the rest of the suite.
"""

import ast
import subprocess
import textwrap
from pathlib import Path

import pytest
from mutants import mutantsOf
from runner import CORE, BaselineFails, Workers, pytestCommand, readEquivalents, scoreModule

AGES = "def isAdult(age):\n\t# 18 in most countries\n\treturn age >= 18\n"
AGES_TEST = """
from visionDescriberCore.ages import isAdult


def test_ages():
	assert isAdult(30)
	assert not isAdult(10)
"""


def byId(source: str) -> dict:
	return {mutant.id: mutant for mutant in mutantsOf(source)}


def test_each_operator_makes_its_edit_in_place_keeping_comments_and_lines():
	mutants = byId(AGES)
	assert set(mutants) == {
		"3:1:return None",
		"3:1:statement deleted",
		"3:8:compare GtE->Gt",
		"3:8:compare GtE->LtE",
		"3:15:constant 18->17",
		"3:15:constant 18->19",
	}
	flipped = mutants["3:8:compare GtE->Gt"]
	assert flipped.source == "def isAdult(age):\n\t# 18 in most countries\n\treturn age > 18\n"
	assert (flipped.line, flipped.before, flipped.after) == (3, "return age >= 18", "return age > 18")
	assert mutants["3:1:statement deleted"].after == "pass"


def test_boolean_negation_any_and_a_deleted_elif():
	source = textwrap.dedent(
		"""\
		def pick(items, strict):
			if not strict and any(items):
				return 1
			elif strict:
				return 2
			return 3
		"""
	)
	mutants = byId(source)
	assert mutants["2:4:boolean And->Or"].after == "if not strict or any(items):"
	assert mutants["2:4:negation removed"].after == "if strict and any(items):"
	assert mutants["2:19:call any->all"].after == "if not strict and all(items):"
	deleted = mutants["4:1:statement deleted"]
	assert deleted.after == "else: pass"
	# Every mutant is valid Python and differs from the original in exactly that edit.
	for mutant in mutants.values():
		assert ast.dump(ast.parse(mutant.source)) != ast.dump(ast.parse(source)), mutant.id


def makeRepository(root: Path, testBody: str = AGES_TEST) -> Path:
	module = root / CORE / "ages.py"
	module.parent.mkdir(parents=True)
	module.write_text(AGES, encoding="utf-8")
	(root / "tests").mkdir()
	(root / "tests" / "test_ages.py").write_text(testBody, encoding="utf-8")
	(root / "pyproject.toml").write_text(
		'[tool.pytest.ini_options]\ntestpaths = ["tests"]\npythonpath = ["addon/packages"]\n',
		encoding="utf-8",
	)
	return root


def test_survivors_are_reported_with_their_line_and_equivalents_left_out_of_the_score(tmp_path):
	repo = makeRepository(tmp_path / "repo")
	lines = []
	score = scoreModule(
		"ages.py",
		Workers(tmp_path / "work", repo),
		jobs=1,
		report=lines.append,
		own=["tests/test_ages.py"],
		equivalents={("ages.py", "3:15:constant 18->17"): "for the sake of the test"},
	)
	# The test never tries 18 or 17: the edge mutants live, the others are caught.
	assert (score.total, score.killed) == (6, 3)
	assert [mutant.id for mutant in score.survivors] == ["3:8:compare GtE->Gt", "3:15:constant 18->19"]
	assert [mutant.id for mutant in score.equivalent] == ["3:15:constant 18->17"]
	assert (score.raw, score.adjusted) == (50.0, 60.0)
	assert lines[0] == "ages.py: 3/6 killed, raw 50.0 %, 1 equivalent, without them 60.0 %"
	assert (
		"survived 3:8:compare GtE->Gt\n      line 3: return age >= 18\n      mutant:  return age > 18"
		in lines[1]
	)


def test_tests_that_fail_without_any_mutant_stop_the_run(tmp_path):
	repo = makeRepository(tmp_path / "repo", AGES_TEST + "\n\ndef test_broken():\n\tassert isAdult(5)\n")
	with pytest.raises(BaselineFails):
		scoreModule(
			"ages.py", Workers(tmp_path / "work", repo), jobs=1, own=["tests/test_ages.py"], equivalents={}
		)


def test_the_equivalent_list_needs_a_reason_for_each_mutant(tmp_path):
	listed = tmp_path / "equivalent.txt"
	listed.write_text("# comment\n\na.py | 1:2:return None | never read\n", encoding="utf-8")
	assert readEquivalents(listed) == {("a.py", "1:2:return None"): "never read"}
	listed.write_text("a.py | 1:2:return None | \n", encoding="utf-8")
	with pytest.raises(ValueError):
		readEquivalents(listed)


HANGING_PROPERTY = """
from pathlib import Path

from hypothesis import given, strategies as st


@given(st.integers())
def test_hangs(number):
	with Path("examples.txt").open("a") as examples:
		examples.write("x")
	while True:
		pass
"""


def test_a_mutant_that_hangs_a_property_test_ends_the_run_at_the_first_example(tmp_path):
	# Under SIGALRM, hypothesis would take the timeout's exception as a failure and run the
	# example again, with no alarm left to stop it: the run then lasts until the outer limit.
	(tmp_path / "test_hangs.py").write_text(HANGING_PROPERTY, encoding="utf-8")
	result = subprocess.run(
		pytestCommand(["test_hangs.py"], timeout=1), cwd=tmp_path, capture_output=True, text=True, timeout=45
	)
	assert result.returncode != 0
	assert "Timeout" in result.stdout + result.stderr
	assert (tmp_path / "examples.txt").read_text(encoding="utf-8") == "x"
