"""Fake of NVDA's tones: beeps are recorded in `testing.beeps` as (hz, length, left, right)."""

from logHandler import log


class testing:
	"""Test-only namespace of this fake (see tests/fakes/README.md)."""

	beeps: list[tuple] = []


def beep(hz, length, left=50, right=50, isSpeechBeepCommand=False):
	log.io(f"Beep at pitch {hz}, for {length} ms, left volume {left}, right volume {right}")
	testing.beeps.append((hz, length, left, right))
