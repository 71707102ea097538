"""Watching a screen for changes, and "what changed?".

- `changeDetection`: thumbnails, the perceptual difference between frames, ambient motion (a caret,
  a clock, a looping sprite) and when a change has settled; pure Pillow;
- `markerGate`: holds an answer back until it is clearly not the "nothing changed" marker word;
- `watchPrompts`: what the model is asked while watching and for "what changed?";
- `options`: `WatchOptions`, why a watch stops (`StopReason`) and which providers may charge;
- `pipeline`: what a watch needs from the describe pipeline (`Runner`, `Pipeline`) and the
  `WatchListener` it reports to;
- `ticker`: the interval thread, which only says "a check is due";
- `watcher`: the `Watcher`, one watch of one target on the describer's worker;
- `changes`: "what changed?" between the last description and the screen now.

May import: the bottom of the core (`errors`, `i18n`, `cancellation`, `media`), `imaging`, `text`,
`conversation` and `clients` (for provider names), and Pillow. Not `jobs`, `settings` or
`describing`, which sit above: they are reached through `Pipeline`, and `Settings.watchOptions()` and
`Describer.pipeline()` build what a watch needs.

Nothing is imported here: `settings` reads `options` while the NVDA plugin loads, before it knows
whether Pillow was found, so only the modules that need Pillow pull it in. Import from the modules.
"""
