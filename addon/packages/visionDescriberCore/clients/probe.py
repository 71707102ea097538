"""The test picture `check` sends, so "cannot see images" is found even when a server does not say.

A 64x64 black square on white, drawn with Pillow and prepared as a describe's picture is, so a
broken Pillow fails `check` too (it cannot say "Everything works" when no picture could be sent):
small enough to cost next to nothing on any provider, clear enough that a model that sees it answers
in one word. The answer is capped at PROBE_MAX_TOKENS, so the probe
takes about as long as the model needs to start answering. No sockets, no threads.
"""

from ..conversation.conversation import Conversation
from ..i18n import _
from ..media import PreparedImage

PROBE_QUESTION = "What colour is the square in this picture? Answer with one word."
PROBE_MAX_TOKENS = 64


def probeImage(provider: str = "", imageDetail: str = "auto") -> PreparedImage:
	"""A 64x64 black square on white, drawn with Pillow and prepared for the provider exactly as a
	describe's picture is (`imaging.preparation`), so `check` proves the picture path works: a missing
	or broken Pillow raises ImagingUnavailable here, before anything is sent."""
	from ..imaging import requirePillow

	requirePillow()
	from PIL import Image, ImageDraw

	from ..imaging.preparation import policyForProvider, prepareImage

	image = Image.new("RGB", (64, 64), "white")
	ImageDraw.Draw(image).rectangle((16, 16, 47, 47), fill="black")
	return prepareImage(image, policyForProvider(provider, imageDetail))


def probeConversation(provider: str = "", imageDetail: str = "auto") -> Conversation:
	conversation = Conversation()
	conversation.addUserTurn(PROBE_QUESTION, probeImage(provider, imageDetail))
	return conversation


def spokenDuration(seconds: float) -> str:
	"""A duration as people say it: milliseconds under a second (never "0.0 seconds"), one decimal
	under ten seconds, whole seconds after."""
	if seconds < 0.9995:
		# Translators: a short duration; {milliseconds} is a whole number from 1 to 999.
		return _("{milliseconds} milliseconds").format(milliseconds=max(1, round(seconds * 1000)))
	# Translators: a duration; {seconds} is like 2.4 (one decimal under ten seconds) or 35.
	return _("{seconds} seconds").format(seconds=f"{seconds:.1f}" if seconds < 9.95 else f"{seconds:.0f}")


def probeSentence(seconds: float, answer: str) -> str:
	"""The check's last line: how long the model took with the picture, and what it said."""
	answer = " ".join(answer.split())
	if len(answer) > 80:
		answer = answer[:77] + "..."
	if answer:
		# Translators: {duration} is like "2.4 seconds" or "40 milliseconds"; {answer} the model's reply.
		return _("The model answered a test picture in {duration}: {answer}").format(
			duration=spokenDuration(seconds), answer=answer
		)
	# Translators: {duration} is like "2.4 seconds" or "40 milliseconds".
	return _("The model accepted a test picture and finished in {duration}.").format(
		duration=spokenDuration(seconds)
	)
