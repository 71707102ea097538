"""Text made for speech and display, from a model's markdown.

- `cleaning`: control characters, U+FFFD and other non-text removed from a stream, delta by delta;
- `phrases`: streamed deltas cut into speakable phrases;
- `markdownStripping`: the markdown symbols a synthesizer would read aloud, removed from a phrase;
- `narration`: drives a stream of deltas through the phrase splitter to a speaker callback;
- `markdownHtml`: an answer as safe HTML for NVDA's browseable message.

Named `text`, not `speech`: nothing here may shadow NVDA's top-level modules.
May import: the bottom of the core (`errors`, `i18n`, `cancellation`, `media`).
"""
