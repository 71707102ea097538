"""A conversation about a picture: system prompt, user turns (the first with the image), answers.

`turns` keeps the whole history for display and saving. `requestTurns()` is what a client sends:
bounded so a long chat still fits the model's context, always alternating user/assistant (strict
chat templates such as Gemma's reject two user turns in a row) and always keeping the most recent
image. Follow-up questions add a user turn without an image; the request re-sends the stored,
already prepared bytes of the earlier turn, so a follow-up never captures again.

A user turn may carry earlier pictures besides its own (`earlierImages`): "what changed?" sends the
picture from before and the picture now together, to models that take several images. `image` is
always the turn's newest picture, so everything that asks for "the picture" sees the latest one;
clients send `images`, oldest first.
"""

import time
from dataclasses import dataclass, field

from ..media import ImageSource, PreparedImage

USER = "user"
ASSISTANT = "assistant"


@dataclass
class Turn:
	role: str  # "user" or "assistant"
	text: str
	image: PreparedImage | None = None
	#: Pictures sent before `image` in the same turn, oldest first (only with an image).
	earlierImages: tuple[PreparedImage, ...] = ()

	@property
	def images(self) -> tuple[PreparedImage, ...]:
		"""Every picture of the turn, oldest first, as a client sends them."""
		return (*self.earlierImages, self.image) if self.image is not None else ()


class Conversation:
	def __init__(self, systemPrompt: str = "", maxTurns: int = 10, maxHistoryChars: int = 12000):
		"""maxTurns and maxHistoryChars bound what is sent, not what is kept."""
		self.systemPrompt = systemPrompt
		self.maxTurns = max(3, maxTurns)
		self.maxHistoryChars = maxHistoryChars
		self._turns: list[Turn] = []

	@property
	def turns(self) -> list[Turn]:
		return list(self._turns)

	@property
	def lastImage(self) -> PreparedImage | None:
		for turn in reversed(self._turns):
			if turn.image is not None:
				return turn.image
		return None

	def addUserTurn(
		self, text: str, image: PreparedImage | None = None, earlierImages: tuple[PreparedImage, ...] = ()
	) -> Turn:
		turn = Turn(USER, text, image, tuple(earlierImages) if image is not None else ())
		self._turns.append(turn)
		return turn

	def addAssistantTurn(self, text: str) -> Turn:
		turn = Turn(ASSISTANT, text)
		self._turns.append(turn)
		return turn

	def clear(self) -> None:
		self._turns.clear()

	def requestTurns(self) -> list[Turn]:
		"""The turns to send: recent ones within the bounds, the latest image kept, roles alternating.

		Only the most recent image is sent (several vision models accept one image per request): turns
		before the latest image are not sent at all, so a new picture starts a new context.
		"""
		turns = self._alternating(self._turns)
		if not turns:
			return []
		imageIndex = next((i for i in range(len(turns) - 1, -1, -1) if turns[i].image is not None), None)
		# The anchor: the user turn with the latest image and the answer to it.
		anchor: list[Turn] = []
		tailStart = 0
		if imageIndex is not None:
			anchor = turns[imageIndex : imageIndex + 2]
			tailStart = imageIndex + len(anchor)
		tail = turns[tailStart:]
		budget = self.maxTurns - len(anchor)
		tail = tail[-budget:] if budget > 0 else tail[-1:]
		tail = self._startWithUser(tail)
		# Keep the text within the character bound by dropping the oldest pairs of the tail.
		while len(tail) > 1 and self._chars(anchor + tail) > self.maxHistoryChars:
			tail = self._startWithUser(tail[1:])
		return anchor + tail

	@staticmethod
	def _chars(turns: list[Turn]) -> int:
		return sum(len(turn.text) for turn in turns)

	@staticmethod
	def _startWithUser(turns: list[Turn]) -> list[Turn]:
		index = 0
		while index < len(turns) and turns[index].role != USER:
			index += 1
		return turns[index:]

	@staticmethod
	def _alternating(turns: list[Turn]) -> list[Turn]:
		"""Merges consecutive turns of the same role (a retried question, an empty answer)."""
		merged: list[Turn] = []
		for turn in turns:
			if turn.role not in (USER, ASSISTANT):
				continue
			if merged and merged[-1].role == turn.role:
				previous = merged[-1]
				text = "\n\n".join(part for part in (previous.text, turn.text) if part)
				withPictures = turn if turn.image is not None else previous
				merged[-1] = Turn(turn.role, text, withPictures.image, withPictures.earlierImages)
			else:
				merged.append(turn)
		# A request starts with the user's turn; a leading answer has lost its question.
		return Conversation._startWithUser(merged)


@dataclass
class Session:
	"""A conversation about one target and how to look at the target again, kept while NVDA runs."""

	conversation: Conversation
	source: ImageSource
	createdAt: float = field(default_factory=time.time)

	@property
	def lastAnswer(self) -> str:
		for turn in reversed(self.conversation.turns):
			if turn.role == ASSISTANT:
				return turn.text
		return ""

	@property
	def title(self) -> str:
		return f"{time.strftime('%H:%M', time.localtime(self.createdAt))} {self.source.label}"
