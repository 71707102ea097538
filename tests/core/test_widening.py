"""Widening a small screen target to the token floor a server would pay anyway, with real screen."""

from visionDescriberCore.imaging.capture import Rect
from visionDescriberCore.imaging.widening import positionPhrase, widenAroundObject

SCREEN = Rect(0, 0, 1920, 1080)
QWEN25 = (1024, 28)  # Ollama 0.30's floor, in 28-px blocks
QWEN3 = (1024, 32)


def test_a_button_in_the_middle_is_centred_in_a_picture_of_the_floor():
	button = Rect(900, 500, 120, 40)
	widening = widenAroundObject(button, SCREEN, *QWEN25)
	assert widening.rect == Rect(512, 72, 896, 896)  # 32 x 32 blocks = 1,024 tokens
	assert (widening.rect.width // 28) * (widening.rect.height // 28) == 1024
	assert widening.rect.intersection(button) == button
	assert "in the centre of the picture" in widening.phrase
	assert "from 43% to 57% of the width and 48% to 52% of the height" in widening.phrase
	qwen3 = widenAroundObject(button, SCREEN, *QWEN3)
	assert (qwen3.rect.width, qwen3.rect.height) == (1024, 1024)


def test_near_an_edge_the_picture_stays_on_the_monitor_and_says_where_the_object_is():
	icon = Rect(4, 6, 32, 32)
	widening = widenAroundObject(icon, SCREEN, *QWEN25)
	assert widening.rect == Rect(0, 0, 896, 896)
	assert "at the top left of the picture" in widening.phrase
	corner = widenAroundObject(Rect(1880, 1040, 40, 40), SCREEN, *QWEN25)
	assert (corner.rect.right, corner.rect.bottom) == (1920, 1080)
	assert "at the bottom right" in corner.phrase
	# A monitor to the left of the primary one has negative coordinates.
	left = Rect(-1920, 0, 1920, 1080)
	widening = widenAroundObject(Rect(-1000, 500, 100, 30), left, *QWEN25)
	assert widening.rect.intersection(left) == widening.rect


def test_a_wide_thin_object_keeps_its_width_and_gets_height():
	toolbar = Rect(100, 40, 1500, 30)
	widening = widenAroundObject(toolbar, SCREEN, *QWEN25)
	columns, rows = widening.rect.width // 28, widening.rect.height // 28
	assert widening.rect.width >= 1500 and columns * rows <= 1024
	assert widening.rect.intersection(toolbar) == toolbar


def test_nothing_is_widened_that_costs_the_floor_already_or_is_off_screen():
	assert widenAroundObject(Rect(0, 0, 1200, 900), SCREEN, *QWEN25) is None
	assert widenAroundObject(Rect(3000, 0, 50, 50), SCREEN, *QWEN25) is None
	assert widenAroundObject(Rect(10, 10, 50, 50), SCREEN, 0, 28) is None
	assert widenAroundObject(Rect(0, 0, 56, 56), Rect(0, 0, 56, 56), *QWEN25) is None  # no room around it
	small = widenAroundObject(Rect(10, 10, 50, 50), Rect(0, 0, 200, 150), *QWEN25)
	assert small.rect == Rect(0, 0, 196, 140)  # as much of a small screen as there is


def test_the_position_phrase_names_the_area():
	phrase = positionPhrase(Rect(0, 400, 100, 100), Rect(0, 0, 1000, 1000))
	assert "at the left of the picture, from 0% to 10% of the width and 40% to 50% of the height" in phrase
	assert phrase.startswith("The picture shows the object together with some of the screen around it.")
