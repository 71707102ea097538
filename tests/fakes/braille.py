"""Fake of NVDA's braille: the message buffer as NVDA's BrailleHandler keeps it.

Mirrors source/braille.py of NVDA 2024.4 where the add-on depends on it:
- `handler.message(text)` REPLACES the message on the display (there is no append): the message
  buffer is cleared, holds one TextRegion with the text, and its window goes back to the start;
  with no display (`enabled` False), `showMessages` 0 (disabled) or `text` None nothing is shown.
- Then the message timer (BrailleHandler._resetMessageTimer): the message is dismissed after
  `config.conf["braille"]["messageTimeout"]` seconds, unless `showMessages` is 2 (show
  indefinitely). Panning (`scrollForward`/`scrollBack`) while a message is shown restarts the timer.
  Dismissing returns the display to the main buffer. As in NVDA the timer is a wx.CallLater kept in
  `handler._messageCallLater` (None until the first message): `Stop()` halts it, and the next
  `_resetMessageTimer` restarts the same object.
- A region's text can change in place, as NVDA's own regions do: set `rawText`, then
  `region.update()`, `buffer.update()` and `buffer.updateDisplay()`; the window stays where it was.
- The display shows `displaySize` cells at a time (40 here); `BrailleBuffer.windowStartPos` is where
  the reader is in the message.

No real timer runs (`testing.CallLater` stands in for wx.CallLater and never fires by itself):
`testing.timeoutPassed()` does what the wx.CallLater would do when the timeout elapses, and
`testing.timerMs()` is the timeout of the running timer (None when none runs).
`testing.messages` records every text given to `message`; `testing.shown()` is the message the
display shows now (None when the main buffer is back). `testing.displayConnected = False` makes the
handler behave as NVDA does with no braille display.
"""

import baseObject
import config


class testing:
	"""Test-only namespace of this fake (see tests/fakes/README.md)."""

	messages: list[str] = []
	displayConnected = True

	class CallLater:
		"""wx.CallLater as NVDA uses it (Stop, Restart, IsRunning, GetInterval; always true); it fires
		only when a test calls `fire()`, where the delay would have passed."""

		def __init__(self, millis, callable):
			self._millis = millis
			self._callable = callable
			self._running = True

		def Stop(self):
			self._running = False

		def Restart(self, millis=None):
			if millis is not None:
				self._millis = millis
			self._running = True

		def IsRunning(self):
			return self._running

		def GetInterval(self):
			return self._millis

		def fire(self):
			if not self._running:
				return False
			self._running = False
			self._callable()
			return True

	@staticmethod
	def timerMs():
		"""The message timeout running now, in milliseconds (None: no timer, the message stays)."""
		timer = handler._messageCallLater
		return timer.GetInterval() if timer is not None and timer.IsRunning() else None

	@staticmethod
	def shown():
		if handler.buffer is not handler.messageBuffer or not handler.messageBuffer.regions:
			return None
		return handler.messageBuffer.regions[0].rawText

	@staticmethod
	def timeoutPassed() -> bool:
		"""The message timer elapses: True if a message was dismissed."""
		timer = handler._messageCallLater
		return timer is not None and timer.fire()


class Region:
	def __init__(self):
		self.rawText = ""

	def update(self):
		"""Regions turn rawText into cells; here the text is the cells."""


class TextRegion(Region):
	def __init__(self, text):
		super().__init__()
		self.rawText = text


class BrailleBuffer(baseObject.AutoPropertyObject):
	def __init__(self, handler):
		self.handler = handler
		self.regions = []
		self.windowStartPos = 0

	def clear(self):
		self.regions = []
		self.windowStartPos = 0

	def update(self):
		"""Lays the regions out; the window stays where the reader left it."""

	def _get_windowRawText(self):
		text = "".join(region.rawText for region in self.regions)
		return text[self.windowStartPos : self.windowStartPos + self.handler.displaySize]

	def scrollForward(self):
		end = self.windowStartPos + self.handler.displaySize
		if end < sum(len(region.rawText) for region in self.regions):
			self.windowStartPos = end

	def scrollBack(self):
		self.windowStartPos = max(0, self.windowStartPos - self.handler.displaySize)

	def updateDisplay(self):
		if self is self.handler.buffer:
			self.handler.update()


class BrailleHandler(baseObject.AutoPropertyObject):
	def __init__(self):
		self.mainBuffer = BrailleBuffer(self)
		self.messageBuffer = BrailleBuffer(self)
		self.buffer = self.mainBuffer
		self._messageCallLater = None

	def _get_enabled(self):
		return testing.displayConnected

	def _get_displaySize(self):
		return 40 if testing.displayConnected else 0

	def message(self, text):
		braille = config.conf["braille"]
		if not self.enabled or braille["showMessages"] == 0 or text is None:
			return
		testing.messages.append(text)
		if self.buffer is self.messageBuffer:
			self.buffer.clear()
		else:
			self.buffer = self.messageBuffer
			self.buffer.windowStartPos = 0
		region = TextRegion(text)
		region.update()
		self.buffer.regions.append(region)
		self.buffer.update()
		self.update()
		self._resetMessageTimer()

	def _resetMessageTimer(self):
		braille = config.conf["braille"]
		if braille["showMessages"] == 2:
			return
		timeout = braille["messageTimeout"] * 1000
		if self._messageCallLater:
			self._messageCallLater.Restart(timeout)
		else:
			self._messageCallLater = testing.CallLater(timeout, self._dismissMessage)

	def _dismissMessage(self, shouldUpdate=True):
		self.buffer.clear()
		self.buffer = self.mainBuffer
		if self._messageCallLater:
			self._messageCallLater.Stop()
			self._messageCallLater = None
		if shouldUpdate:
			self.update()

	def scrollForward(self):
		self.buffer.scrollForward()
		if self.buffer is self.messageBuffer:
			self._resetMessageTimer()

	def scrollBack(self):
		self.buffer.scrollBack()
		if self.buffer is self.messageBuffer:
			self._resetMessageTimer()

	def update(self):
		"""Writes the window to the display; nothing to write here."""


handler = BrailleHandler()
