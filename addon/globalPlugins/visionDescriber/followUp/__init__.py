"""The follow-up dialog's parts; `followUpDialog.py` beside this folder owns the one dialog and is
what the plugin imports.

- `conversations`: what outlives the dialog while NVDA runs (notes, the conversation shown last,
  the answer on its way) and the describer's listener for that answer.
- `controller`: everything the dialog decides (sending, stopping, new image, history text, recent
  conversations, copying, saving), told to the window through a small view protocol.
- `saving`: the suggested file name and writing a conversation off the main thread.
- `window`: the wx dialog and its layout; it forwards events to the controller and shows what it
  is told.

Only `window` imports wx; the other three import neither wx nor `gui` and speak only through the
shared `SpeechOutput`, so they run in tests without a window (tests/nvda/test_followUpController.py
imports them while wx cannot be imported). This file imports nothing, so importing one part does
not pull in the window.
"""
