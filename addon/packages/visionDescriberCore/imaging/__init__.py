"""Pictures: where they come from and how they are made ready to send.

- `capture`: rectangles of the screen grabbed with mss, clipped and refused where nothing can be seen;
- `blankDetection`: the guard that keeps a black or flat capture from being described;
- `imageSources`: image files and the clipboard, read with Pillow, huge ones reduced as they are read
  (JPEG in draft mode, PNG band by band with `bandedPng`), HEIC told apart;
- `preparation`: scaling and encoding for the model, within a byte budget.

May import: the bottom of the core (`errors`, `i18n`, `cancellation`, `media`) and Pillow / mss.
"""
