"""Fake of NVDA's speech.extensions: the speech extension points.

As in NVDA (source/speech/extensions.py): `pre_speechCanceled` is notified at the start of every
`speech.cancelSpeech()`, whatever the speech mode and even when nothing was left to cancel;
`speechCanceled` only when speech was really cancelled; `pre_speech` before each `speak`;
`filter_speechSequence` (a Filter) is applied to every sequence first thing in `speak`, and a
sequence it empties is not spoken at all (no `pre_speech`, no beep in beeps mode).
"""

from extensionPoints import Action, Filter

speechCanceled = Action()
pre_speechCanceled = Action()
pre_speech = Action()
filter_speechSequence = Filter()
