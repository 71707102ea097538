"""Answers kept for identical requests, so describing the same picture again is instant.

The key is a SHA-256 over the image bytes and everything that shapes the answer: the prompt text
(pass the system prompt and the describe prompt together), the model, the provider and optionally the
endpoint. Only complete answers belong here; a cancelled or failed one is never stored. The cache
lives in memory only (nothing is written to disk) and is safe to use from any thread.
"""

import hashlib
import threading
from collections import OrderedDict


class ResultCache:
	def __init__(self, maxEntries: int = 20):
		self._lock = threading.Lock()
		self._entries: OrderedDict[str, str] = OrderedDict()
		self._maxEntries = 0
		self.maxEntries = maxEntries

	@staticmethod
	def keyFor(image: bytes, prompt: str, model: str, provider: str, endpoint: str = "") -> str:
		digest = hashlib.sha256()
		digest.update(hashlib.sha256(image).digest())
		for part in (prompt, model, provider, endpoint):
			encoded = part.encode("utf-8")
			# Length-prefixed, so ("ab", "c") and ("a", "bc") never collide.
			digest.update(len(encoded).to_bytes(8, "big"))
			digest.update(encoded)
		return digest.hexdigest()

	@property
	def maxEntries(self) -> int:
		return self._maxEntries

	@maxEntries.setter
	def maxEntries(self, value: int) -> None:
		"""0 turns the cache off; lowering it drops the oldest answers."""
		if value < 0:
			raise ValueError("maxEntries cannot be negative")
		with self._lock:
			self._maxEntries = value
			self._trim()

	def get(self, key: str) -> str | None:
		with self._lock:
			text = self._entries.get(key)
			if text is not None:
				self._entries.move_to_end(key)
			return text

	def put(self, key: str, text: str) -> None:
		if not text or not text.strip():
			return
		with self._lock:
			if not self._maxEntries:
				return
			self._entries[key] = text
			self._entries.move_to_end(key)
			self._trim()

	def clear(self) -> None:
		with self._lock:
			self._entries.clear()

	def __len__(self) -> int:
		with self._lock:
			return len(self._entries)

	def __contains__(self, key: str) -> bool:
		with self._lock:
			return key in self._entries

	def _trim(self) -> None:
		while len(self._entries) > self._maxEntries:
			self._entries.popitem(last=False)
