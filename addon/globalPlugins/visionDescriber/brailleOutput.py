"""Braille for a streamed answer, and short flashes such as "the command layer is listening".

NVDA's braille messages (`braille.handler.message`, what `ui.message` uses) replace the message
shown, put the reader back at its start and vanish after the message timeout. Sent phrase by phrase,
an answer would flash past one phrase at a time. So one `BrailleAnswer` per answer shows the answer
so far as one message and keeps it up while it streams:

- Not on the display yet (the first phrase, or NVDA dismissed it): `handler.message(text)`, from
  the start, unless the user has moved on (pressed a key since the answer began): then the answer
  is not pushed back over what they are reading; R, B and the dialog still have it.
- On the display: its region's text is changed in place (`rawText`, `update()`, the buffer's
  `update()` and `updateDisplay()`, as NVDA's own regions do), so a reader who panned stays exactly
  where they are.
- While the answer streams, the message timeout is held (the timer NVDA keeps as a wx.CallLater in
  `handler._messageCallLater` is stopped); once the answer is complete the timeout runs again
  (`handler._resetMessageTimer()`), so it follows the user's setting (never, when they chose to
  show messages indefinitely). Those two are NVDA's private names, the only ones used here: each is
  looked up with getattr and guarded, and without them the message simply times out as any other
  (the next phrase then shows it again).

Main thread only, like everything that touches NVDA.
"""

import braille
from logHandler import log


def _handler():
	return getattr(braille, "handler", None)


def flash(text: str) -> None:
	"""A short braille message, for what is otherwise only a tone."""
	handler = _handler()
	if handler is not None and text:
		handler.message(text)


class BrailleAnswer:
	"""The braille side of one streamed answer."""

	def __init__(self):
		#: The region of our message while it is (or was last) on the display.
		self._region = None

	def show(self, text: str, complete: bool, mayPopUp: bool) -> None:
		"""Shows the answer so far (text); complete: this is all of it. mayPopUp: the message may be
		shown again if it is not on the display."""
		handler = _handler()
		if handler is None or not text:
			return
		if self._isShown(handler):
			self._changeInPlace(handler, text)
		elif mayPopUp:
			handler.message(text)
			buffer = handler.messageBuffer
			self._region = buffer.regions[-1] if handler.buffer is buffer and buffer.regions else None
		else:
			return
		if not self._isShown(handler):
			return
		if complete:
			self._resumeTimeout(handler)
		else:
			self._holdTimeout(handler)

	def release(self) -> None:
		"""The answer ends without its last words (stopped, replaced): the timeout runs again."""
		handler = _handler()
		if handler is not None and self._isShown(handler):
			self._resumeTimeout(handler)
		self._region = None

	def _isShown(self, handler) -> bool:
		buffer = handler.messageBuffer
		return (
			self._region is not None
			and handler.buffer is buffer
			and any(region is self._region for region in buffer.regions)
		)

	def _changeInPlace(self, handler, text: str) -> None:
		region = self._region
		if region.rawText == text:
			return
		region.rawText = text
		region.update()
		buffer = handler.messageBuffer
		buffer.update()
		buffer.updateDisplay()

	@staticmethod
	def _holdTimeout(handler) -> None:
		try:
			timer = getattr(handler, "_messageCallLater", None)
			if timer is not None:
				timer.Stop()
		except Exception:
			log.debugWarning("Vision Describer: could not hold the braille message", exc_info=True)

	@staticmethod
	def _resumeTimeout(handler) -> None:
		try:
			reset = getattr(handler, "_resetMessageTimer", None)
			if reset is not None:
				reset()
		except Exception:
			log.debugWarning("Vision Describer: could not restart the braille message timeout", exc_info=True)
