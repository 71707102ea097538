"""Fake of NVDA's speech.extensions: the speech extension points.

As in NVDA (source/speech/extensions.py): `pre_speechCanceled` is notified at the start of every
`speech.cancelSpeech()`, whatever the speech mode and even when nothing was left to cancel;
`speechCanceled` only when speech was really cancelled; `pre_speech` before each `speak`.
"""

from extensionPoints import Action

speechCanceled = Action()
pre_speechCanceled = Action()
pre_speech = Action()
