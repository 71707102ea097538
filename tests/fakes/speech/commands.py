"""Fake of NVDA's speech.commands: the callback command.

As in NVDA (source/speech/commands.py), a `CallbackCommand` placed in a speech sequence runs its
callback when the synthesizer reaches that point of the sequence; NVDA's speech manager calls
`run()` on the main thread. Speech that is cancelled before that point never runs it. In the fakes,
the synthesizer "reaches" queued speech when a test calls `speech.speech.testing.synthSaysAll()`.
"""


class SpeechCommand:
	"""The base of every command in a speech sequence."""


class BaseCallbackCommand(SpeechCommand):
	def run(self):
		raise NotImplementedError


class CallbackCommand(BaseCallbackCommand):
	def __init__(self, callback, name=None):
		self._callback = callback
		self._name = name

	def run(self, *args, **kwargs):
		return self._callback(*args, **kwargs)

	def __repr__(self):
		return f"CallbackCommand(name={self._name})"
