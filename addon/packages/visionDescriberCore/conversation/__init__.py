"""What is said about a picture: turns, prompts, the transcript and the result cache.

- `conversation`: turns with their pictures, what each request sends, and a `Session` (a
  conversation with the target it is about, kept while NVDA runs);
- `prompts`: the system prompt and the describe presets;
- `transcript`: a conversation as plain text or markdown, and recent conversations;
- `resultCache`: identical requests answered from memory.

May import: the bottom of the core and `text` (for plain text without markdown).
"""
