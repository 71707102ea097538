"""Realistic model answers used by the phrase and narration tests and the benchmark."""

import random
import re

DESCRIPTION = """## Overview
This is a **bar chart** titled "Quarterly Sales 2024", comparing revenue for four regions. Revenue grew 3.14% to $1,000,000 in Q3, e.g. in the U.S. market, where Dr. Smith's team sold approx. three times more than in 2023.

### Details
- **North:** about 250,000 dollars, the highest bar.
- **South:** 180,000 dollars; slightly lower than last year.
- *West* and *East* are close: 1.5 million combined.

The legend at the bottom right reads "Actual" and "Target". Note: the y axis starts at 0, not at 100,000 — so the differences look smaller than they are. See https://example.com/reports/q3_2024.pdf for the source.
"""

READ_TEXT = """Save changes to "Report v2.5.1.docx" before closing?

Your changes will be lost if you don't save them. Last saved at 10:30 a.m. by J. Smith.

1. Save
2. Don't Save
3. Cancel

| Shortcut | Action |
|----------|--------|
| Ctrl+S   | Save   |
| Esc      | Cancel |
"""

GAME = """You are standing in a dark forest clearing at night. Health: 72/100, ammunition 14 of 30, score 12,450. An enemy with a red health bar is approaching from the left, about ten metres away! The objective at the top reads "Find the old mill (0/1)". A prompt at the bottom says "Press E to interact". Is the path to the right blocked? Yes, by a fallen tree... but you can jump over it.
"""

CODE = """The window shows a Python editor with this code:

```python
# compute the total
total = price * quantity  # 3 * 4 = 12
print(f"Total: {total:.2f}")
```

The file is C:\\Users\\ann\\my_project\\main.py and the variable `snake_case_name` is highlighted. The status bar says "Ln 3, Col 12". C++ and C# files are also open in tabs.
"""

GERMAN = """Das Bild zeigt ein Formular mit drei Feldern: Name, E-Mail und Telefonnummer. Das Feld „E-Mail" ist rot umrandet, z.B. wegen einer ungültigen Eingabe. Darunter steht: „Bitte geben Sie eine gültige Adresse ein." Die Schaltfläche „Senden" ist ausgegraut.
"""

CJK = """画面には設定ウィンドウが表示されています。左側にメニューがあり、「一般」「表示」「詳細」の三つの項目があります。右側には、言語を選ぶドロップダウンと、保存ボタンがあります！どれを選びますか？"""

LONG_PLAIN = (
	"The photograph shows a crowded street market with dozens of stalls selling fruit and vegetables "
	"under colourful awnings while people walk between them carrying bags and baskets and a man in the "
	"foreground holds up a large watermelon towards the camera with a wide smile on his face and behind "
	"him a woman counts coins into the hand of a child who is looking at a cart full of oranges"
)

SAMPLES = {
	"description": DESCRIPTION,
	"readText": READ_TEXT,
	"game": GAME,
	"code": CODE,
	"german": GERMAN,
	"cjk": CJK,
	"longPlain": LONG_PLAIN,
}

# Pieces that must never be cut across two phrases.
UNBREAKABLE = {
	"description": [
		"3.14%",
		"$1,000,000",
		"e.g. in the U.S. market",
		"Dr. Smith's",
		"approx. three",
		"250,000",
		"1.5 million",
		"https://example.com/reports/q3_2024.pdf",
	],
	"readText": ["v2.5.1.docx", "10:30 a.m. by J. Smith."],
	"game": ["72/100", "12,450", "(0/1)"],
	"code": ["C:\\Users\\ann\\my_project\\main.py", "`snake_case_name`", '"Ln 3, Col 12"'],
	"german": ["z.B. wegen"],
	"cjk": [],
	"longPlain": [],
}


def randomChunks(text: str, rng: random.Random, maxSize: int = 12) -> list[str]:
	"""Cuts text anywhere, like a network would."""
	chunks = []
	i = 0
	while i < len(text):
		size = rng.randint(1, maxSize)
		chunks.append(text[i : i + size])
		i += size
	return chunks


def tokenChunks(text: str) -> list[str]:
	"""Cuts text roughly like a model's tokens: a leading space joins the word that follows it, and
	long words and digits come in short pieces."""
	pieces = re.findall(r" ?[A-Za-zÀ-ÿ]{1,6}| ?\d{1,3}|\s|.", text, flags=re.DOTALL)
	assert "".join(pieces) == text
	return pieces


def squash(text: str) -> str:
	return re.sub(r"\s+", "", text)
