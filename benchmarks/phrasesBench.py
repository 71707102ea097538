"""How much sooner speech starts when phrases are spoken as they stream.

A 200-token answer streams at a steady rate (30 tokens per second by default, a typical local
vision model). We compare the time from the first delta to the first speakable phrase with the time
to the full answer (what an add-on that waits for the whole answer would need), and print the ratio.

The clock is simulated: token i arrives at i / rate seconds. That is fair here because what is
measured is the splitter's decision of *when* a phrase is complete, not machine speed. The real CPU
cost of splitting and markdown stripping per delta is measured separately with perf_counter, to show
it is tiny next to the gap between two tokens.

Run: .venv/bin/python benchmarks/phrasesBench.py [--rate 30] [--tokens 200]
"""

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "addon" / "packages"))

from visionDescriberCore.text.markdownStripping import MarkdownStripper  # noqa: E402
from visionDescriberCore.text.phrases import PhraseSplitter  # noqa: E402

ANSWERS = {
	"description": (
		"This is a **settings dialog** for a video player, with a list of categories on the left and "
		"options on the right. The selected category is Subtitles. At the top right, a drop-down labelled "
		'"Language" shows "English (United States)". Below it, a check box "Show subtitles automatically" '
		"is checked, and a slider for text size is set to about 75%, e.g. slightly larger than the default. "
		'A preview area shows white text on a black band reading "The quick brown fox." At the bottom '
		"there are three buttons: OK, Cancel and Apply; Apply appears greyed out, which usually means "
		'nothing has changed yet. A small blue link at the bottom left reads "Reset to defaults". '
		"Nothing else on the screen looks unusual, and no error message is visible anywhere in the window "
		"or in the status bar along the bottom edge."
	),
	"listAnswer": (
		"A web page for a train booking.\n"
		"- **From:** Berlin Hbf, **To:** München Hbf\n"
		"- Date field shows 12.03.2025, time 08:30\n"
		"- Three results: 09:04 (4 h 02 min, 89.90 €), 10:04 (3 h 58 min, 105.90 €), 11:04 (4 h 10 min, "
		"59.90 €)\n"
		'- The cheapest one is highlighted in green with the label "Best price".\n'
		'A cookie banner covers the lower third of the page with two buttons, "Accept all" and '
		'"Settings"; it probably needs to be closed first before the results can be used. Under the '
		"results, a line of small grey text says the prices include VAT and that seat reservations cost "
		'extra, and a link reads "Show later connections".'
	),
	"runOn": (
		"the photo shows a long table in a busy restaurant kitchen with several cooks in white jackets "
		"standing along it while one of them pours sauce over a row of plates and another arranges herbs "
		"on top and in the background a large steel extractor hood hangs over a stove with pans on every "
		"burner and a ticket rail above the pass holds about a dozen paper orders that flutter slightly "
		"while a waiter reaches in from the right to take two finished plates towards the dining room "
		"where guests are seated at small round tables under warm yellow lights and plants hang from the "
		"ceiling near the large windows"
	),
}

TOKEN = re.compile(r" ?[A-Za-zÀ-ÿ]{1,6}| ?\d{1,3}|\s|.", re.DOTALL)


def tokens(text: str, count: int) -> list[str]:
	pieces = TOKEN.findall(text)
	while len(pieces) < count:
		pieces += TOKEN.findall(" " + text)
	return pieces[:count]


def firstPhraseIndex(deltas: list[str], splitter: PhraseSplitter) -> int:
	stripper = MarkdownStripper()
	for index, delta in enumerate(deltas):
		if any(stripper.clean(phrase) for phrase in splitter.feed(delta)):
			return index
	return len(deltas) - 1  # only flush() gives a phrase: no earlier than waiting


def cpuPerDelta(deltas: list[str], repeats: int = 200) -> float:
	start = time.perf_counter()
	for _ in range(repeats):
		splitter = PhraseSplitter()
		stripper = MarkdownStripper()
		for delta in deltas:
			for phrase in splitter.feed(delta):
				stripper.clean(phrase)
		for phrase in splitter.flush():
			stripper.clean(phrase)
	return (time.perf_counter() - start) / (repeats * len(deltas))


def main() -> None:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--rate", type=float, default=30.0, help="tokens per second")
	parser.add_argument("--tokens", type=int, default=200, help="tokens in the answer")
	args = parser.parse_args()
	gap = 1.0 / args.rate
	print(
		f"Answer of {args.tokens} tokens at {args.rate:g} tokens/s (simulated clock; t=0 at the first delta)"
	)
	print(
		f"{'answer':<12} {'first phrase':>12} {'same, no early clause':>22} {'full answer':>12} "
		f"{'ratio':>7} {'CPU per delta':>14}"
	)
	for name, text in ANSWERS.items():
		deltas = tokens(text, args.tokens)
		first = firstPhraseIndex(deltas, PhraseSplitter()) * gap
		plain = firstPhraseIndex(deltas, PhraseSplitter(firstMinClauseChars=50)) * gap
		full = (len(deltas) - 1) * gap
		cpu = cpuPerDelta(deltas)
		ratio = full / first if first else float("inf")
		print(
			f"{name:<12} {first:>11.2f}s {plain:>21.2f}s {full:>11.2f}s {ratio:>6.1f}x {cpu * 1e6:>11.1f} µs"
		)
	print(
		"ratio = full answer / first phrase: how many times sooner speech starts than when waiting for "
		"the whole answer. 'no early clause' uses the same clause length for the first phrase as for the "
		f"rest. The gap between two tokens is {gap * 1000:.0f} ms."
	)


if __name__ == "__main__":
	main()
