"""The quick start in readme.md stays true: the keys it names are the keys the plugin binds.

Each "press **A**, then **B**" in the quick start is pressed on the running plugin as NVDA would
press it; the first key must open the command layer and the second must run the command the step
says it runs.
"""

import re
from pathlib import Path

import pytest
from pluginDriver import makeGesture

README = Path(__file__).resolve().parents[3] / "readme.md"
#: What the quick start says each letter does, as words in its step -> the script that must run.
COMMAND_WORDS = {
	"describe the navigator object": "script_describeNavigator",
	"stop a description": "script_cancel",
	"hear every letter": "script_layerHelp",
}


def quickStartSteps() -> list[str]:
	text = README.read_text(encoding="utf-8")
	section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
	return [step for step in re.split(r"\n(?=\d+\. )", section) if re.match(r"\d+\. ", step.strip())]


def keyPairs(step: str) -> list[tuple[str, str]]:
	"""'press **NVDA+Alt+V**, release it, then press **V**' -> [('NVDA+Alt+V', 'V')]."""
	step = " ".join(step.split())
	return re.findall(r"\*\*([^*]+)\*\*,(?: release it,)? then(?: press)? \*\*([^*]+)\*\*", step)


def gestureId(keys: str) -> str:
	"""The way NVDA writes a keyboard gesture: 'NVDA+Alt+V' -> 'kb:NVDA+alt+v'."""
	parts = [part if part == "NVDA" else part.lower() for part in keys.split("+")]
	return "kb:" + "+".join(parts)


def test_theQuickStartIsNumberedAndNamesKeys():
	steps = quickStartSteps()
	assert len(steps) >= 4
	assert "ollama pull gemma3" in " ".join(steps)
	pairs = [pair for step in steps for pair in keyPairs(step)]
	assert ("NVDA+Alt+V", "V") in pairs


def sentencesWithKeys() -> list[tuple[str, tuple[str, str]]]:
	"""Each sentence of the quick start that names a key pair, with that pair."""
	found = []
	for step in quickStartSteps():
		for sentence in re.split(r"(?<=\.) ", " ".join(step.split())):
			found += [(sentence, pair) for pair in keyPairs(sentence)]
	return found


@pytest.mark.display
def test_eachKeyPairInTheQuickStartRunsWhatItsSentenceSays(started):
	plugin = started.plugin
	checked = []
	for sentence, (entry, letter) in sentencesWithKeys():
		entryScript = plugin.getScript(makeGesture(gestureId(entry)))
		assert entryScript is not None, f"{entry} is not bound"
		assert entryScript.__name__ == "script_commandLayer", entry
		entryScript(makeGesture(gestureId(entry)))
		letterScript = plugin.getScript(makeGesture(gestureId(letter)))
		assert letterScript is not None, f"{letter} does nothing after {entry}"
		expected = [script for words, script in COMMAND_WORDS.items() if words in sentence]
		assert expected, f"the test does not know what this sentence asks for: {sentence}"
		assert letterScript.__name__ == expected[0], (sentence, letterScript.__name__)
		# Leave the layer without running the command, ready for the next pair.
		plugin.getScript(makeGesture("kb:escape"))(makeGesture("kb:escape"))
		checked.append((entry, letter))
	assert checked[0] == ("NVDA+Alt+V", "V") and len(checked) == 3


def test_theMatcherFailsOnAWrongKey():
	"""Proof the key reading can fail: a step naming another key gives another gesture."""
	assert keyPairs("press **NVDA+Alt+B**, then press **Q**.") == [("NVDA+Alt+B", "Q")]
	assert gestureId("NVDA+Alt+B") != gestureId("NVDA+Alt+V")
