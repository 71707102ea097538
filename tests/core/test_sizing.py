"""The picture-detail policy: budgets, the user's long side, today's sizes for unknown models,
OpenAI's detail, and (property-based, with hypothesis) that no size of picture ever makes it exceed
a family's limits or enlarge a picture more than twice."""

import copy
import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from visionDescriberCore.imaging import modelFamilies as rules
from visionDescriberCore.imaging.modelFamilies import OLLAMA_GO, OLLAMA_MTMD, geometryFromModelId
from visionDescriberCore.imaging.modelGeometry import OpenAITiles
from visionDescriberCore.imaging.preparation import policyForProvider, targetSize
from visionDescriberCore.imaging.sizing import (
	BALANCED,
	BALANCED_CEILING,
	DETAILED,
	FAST,
	PICTURE_DETAILS,
	TOKEN_BUDGETS,
	PicturePlan,
	_largestWithin,
	_withinLongSide,
	chooseSize,
	geometryFromSettings,
	levelFromLegacyDetail,
	openaiDetailFor,
	planFor,
)


def everyGeometry():
	found = []
	for generation in (OLLAMA_GO, OLLAMA_MTMD, rules.COMPATIBLE):
		found += [
			rules.gemma3(generation),
			rules.gemma4(generation),
			rules.qwenVl("qwen2.5vl", generation, 14),
			rules.qwenVl("qwen3-vl", generation, 16, goMinPixels=65536),
			rules.mistral3(generation),
			rules.llama32Vision(generation),
			rules.minicpmV(generation),
			rules.llavaAnyRes(generation, 384, 14, None),
			rules.llavaAnyRes(generation, 336, 14, None),
			rules.llava15(generation),
		]
	for model in ("gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-5-mini", "o4-mini"):
		found.append(geometryFromModelId(model, "openai"))
	return found


GEOMETRIES = everyGeometry()
QWEN_OLD = rules.qwenVl("qwen2.5vl", OLLAMA_GO, 14)
QWEN_NEW = rules.qwenVl("qwen2.5vl", OLLAMA_MTMD, 14)


# --- Properties for any picture -----------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
	width=st.integers(min_value=1, max_value=9000),
	height=st.integers(min_value=1, max_value=9000),
	level=st.sampled_from(PICTURE_DETAILS),
	maxSide=st.one_of(st.none(), st.integers(min_value=64, max_value=8192)),
)
def test_no_picture_exceeds_the_family_limits_or_grows_more_than_twice(width, height, level, maxSide):
	for geometry in GEOMETRIES:
		plan = PicturePlan(
			geometry, level, maxSide, "openai" if isinstance(geometry, OpenAITiles) else "ollama"
		)
		sentWidth, sentHeight = plan.sizeFor(width, height)
		label = f"{geometry.label} {width}x{height} {level} maxSide={maxSide}: {sentWidth}x{sentHeight}"
		assert 1 <= sentWidth <= 2 * width and 1 <= sentHeight <= 2 * height, label
		assert plan.tokensFor(sentWidth, sentHeight) <= geometry.maxTokens, label
		useful = geometry.usefulSize(width, height)
		if max(width, height) >= 512:  # no enlarging: never more pixels than the family uses
			assert sentWidth <= max(useful[0], width) and sentHeight <= max(useful[1], height), label
			assert sentWidth * sentHeight <= max(useful[0] * useful[1], width * height), label
		if maxSide is not None:
			assert max(sentWidth, sentHeight) <= maxSide, label
		budget = TOKEN_BUDGETS[level]
		if budget is not None and maxSide is None:
			ceiling = max(budget, BALANCED_CEILING if level == BALANCED else 0, geometry.minTokens)
			assert geometry.ownTokens(sentWidth, sentHeight) <= ceiling or isinstance(
				geometry, OpenAITiles
			), label


@settings(max_examples=40, deadline=None)
@given(width=st.integers(min_value=600, max_value=8000), height=st.integers(min_value=600, max_value=8000))
def test_more_detail_never_sends_fewer_pixels(width, height):
	for geometry in GEOMETRIES:
		areas = [
			(lambda size: size[0] * size[1])(chooseSize(geometry, width, height, level))
			for level in PICTURE_DETAILS
		]
		assert areas == sorted(areas), f"{geometry.label} {width}x{height}: {areas}"


# --- Chosen sizes ----------------------------------------------------------------------------------


def test_gemma3_gets_exactly_896_square_from_any_larger_picture_at_every_level():
	for generation in (OLLAMA_GO, OLLAMA_MTMD):
		for level in PICTURE_DETAILS:
			for size in ((1920, 1080), (3840, 2160), (1080, 1920), (900, 900)):
				assert chooseSize(rules.gemma3(generation), *size, level) == (896, 896)
	assert chooseSize(rules.gemma3(OLLAMA_MTMD), 1920, 600) == (896, 600)  # only what is larger shrinks


def test_qwen_sides_are_whole_blocks_within_the_budget():
	for geometry, block in ((QWEN_OLD, 28), (rules.qwenVl("qwen3-vl", OLLAMA_GO, 16), 32)):
		for level in (FAST, BALANCED):
			width, height = chooseSize(geometry, 3840, 2160, level)
			assert width % block == 0 and height % block == 0
			assert geometry.tokens(width, height) <= max(TOKEN_BUDGETS[level], BALANCED_CEILING)
	assert chooseSize(QWEN_OLD, 1920, 1080, FAST) == (644, 364)  # 23 x 13 = 299 blocks
	assert chooseSize(QWEN_OLD, 1920, 1080, DETAILED) == (1904, 1064)  # what the server keeps
	# The server rounds a 300x200 crop to 308x196; the crop goes as it is, unblurred.
	assert chooseSize(QWEN_OLD, 300, 200, BALANCED) == (300, 200)


def test_balanced_pays_up_to_1500_tokens_to_keep_screen_text_readable():
	assert chooseSize(QWEN_OLD, 1920, 1080, BALANCED) == (1344, 756)  # 48 x 27 = 1,296 tokens
	assert QWEN_OLD.tokens(1344, 756) == 1296
	# Where readable text costs more than 1,500, Balanced gets as near as 1,500 allows.
	patches = geometryFromModelId("gpt-4.1-mini", "openai")
	assert patches.tokens(*chooseSize(patches, 1920, 1080, BALANCED)) == 1462
	# Where readable text would cost far more (Granite's tiles), Balanced stays at about 1,000.
	granite = rules.llavaAnyRes(OLLAMA_MTMD, 384, 14, None)
	assert chooseSize(granite, 1920, 1080, BALANCED) == (384, 216)
	assert chooseSize(granite, 1920, 1080, DETAILED) == (1365, 768)


def test_a_server_floor_is_the_budget_when_the_level_is_lower():
	# Ollama 0.30 gives Qwen-VL at least 1,024 tokens: Fast sends what those tokens can show.
	assert chooseSize(QWEN_NEW, 1920, 1080, FAST) == (1176, 672)
	assert QWEN_NEW.tokens(1176, 672) == 1075  # lifted by a row and a column to the floor
	assert chooseSize(QWEN_NEW, 1920, 1080, DETAILED) == (1920, 1080)


def test_patch_models_stay_within_their_patch_limit_in_whole_patches():
	mini = geometryFromModelId("gpt-4.1-mini", "openai")
	width, height = chooseSize(mini, 3840, 2160, DETAILED)
	assert (width, height) == (1664, 928) and (width // 32) * (height // 32) <= 1536
	assert chooseSize(mini, 1920, 1080, FAST) == (576, 320)
	assert mini.tokens(576, 320) <= 300


def test_tile_models_fill_whole_tiles_and_fast_is_low_detail():
	tiles = geometryFromModelId("gpt-4o-mini", "openai")
	assert chooseSize(tiles, 1920, 1080, FAST) == (512, 288)
	assert chooseSize(tiles, 1920, 1080, DETAILED) == (1365, 768)
	llava16 = rules.llavaAnyRes(OLLAMA_MTMD, 336, 14, None)
	assert chooseSize(llava16, 1920, 1080, FAST) == (336, 189)  # the overview tile alone
	assert chooseSize(llava16, 1920, 1080, DETAILED) == (672, 378)  # the 2x2 canvas


def test_small_pictures_are_enlarged_at_most_twice_and_only_when_used():
	gemma = rules.gemma3(OLLAMA_GO)
	assert chooseSize(gemma, 32, 32) == (64, 64)
	assert chooseSize(gemma, 100, 40) == (200, 80)
	assert chooseSize(gemma, 300, 200) == (300, 200)  # 512 // 300 = 1: no fractional enlarging
	llava = rules.llava15(OLLAMA_GO)
	assert chooseSize(llava, 100, 40) == (200, 80)  # still within its 336-pixel square
	assert chooseSize(llava, 250, 100) == (250, 100)  # twice would be shrunk to 336 again
	assert chooseSize(QWEN_OLD, 16, 16) == (28, 28)  # one whole block, under twice the picture
	assert chooseSize(QWEN_OLD, 10, 10) == (10, 10)  # a block would be 2.8 times: left to the server


def test_the_users_long_side_overrides_the_level():
	assert chooseSize(QWEN_OLD, 1920, 1080, FAST, maxSide=1400) == (1400, 784)
	assert chooseSize(rules.gemma3(OLLAMA_GO), 1920, 1080, FAST, maxSide=2000) == (
		896,
		896,
	)  # no more than used
	assert chooseSize(rules.gemma3(OLLAMA_GO), 1920, 1080, FAST, maxSide=512) == (512, 512)


def test_an_unknown_model_keeps_todays_sizes():
	for provider in ("ollama", "openaiCompatible", "openai"):
		for level, detail in ((FAST, "low"), (BALANCED, "auto"), (DETAILED, "high")):
			plan = planFor(None, level, 0, provider)
			for size in ((1920, 1080), (3840, 2160), (300, 200), (40, 30)):
				assert plan.sizeFor(*size) == targetSize(*size, policyForProvider(provider, detail)), (
					provider,
					level,
				)
			assert plan.tokensFor(1920, 1080) is None
	assert planFor(None, BALANCED, 1200, "ollama").sizeFor(1920, 1080) == (1200, 675)


def test_plans_from_settings_like_values():
	assert planFor(QWEN_OLD, "ultra", 0, "ollama").level == BALANCED
	assert planFor(QWEN_OLD, FAST, 100_000, "ollama").maxSide == 8192
	assert planFor(QWEN_OLD, FAST, 10, "ollama").maxSide == 64
	with pytest.raises(ValueError):
		PicturePlan(QWEN_OLD, "ultra")


def test_the_old_openai_detail_values_map_to_levels():
	assert [levelFromLegacyDetail(value) for value in ("low", "auto", "high", " HIGH ", "ultra")] == [
		FAST,
		BALANCED,
		DETAILED,
		DETAILED,
		BALANCED,
	]


@pytest.mark.parametrize(
	("provider", "model", "details"),
	[
		("openai", "gpt-4o-mini", ("low", "high", "high")),
		("openai", "gpt-4.1-mini", ("high", "high", "high")),  # the size sent decides the cost
		("openai", "gpt-4.1", ("low", "auto", "high")),  # unknown: as the old setting
		("azure", "my-deployment", ("low", "auto", "high")),
		("openaiCompatible", "qwen2.5-vl-7b", ("auto", "auto", "auto")),
		("openaiCompatible", "something-new", ("low", "auto", "high")),
	],
)
def test_openai_detail_follows_picture_detail(provider, model, details):
	assert tuple(openaiDetailFor(provider, model, level) for level in PICTURE_DETAILS) == details


def test_low_detail_tokens_are_the_base():
	plan = PicturePlan(geometryFromModelId("gpt-4o", "openai"), FAST, None, "openai")
	assert plan.openaiDetail == "low" and plan.tokensFor(*plan.sizeFor(1920, 1080)) == 85


# --- Edges: budgets met exactly, thresholds, strips and the user's long side ---------------------

QWEN3_COMPATIBLE = rules.qwenVl("qwen3-vl", rules.COMPATIBLE, 16)


def test_each_budget_is_spent_up_to_its_last_token():
	assert chooseSize(QWEN_OLD, 800, 600, FAST) == (560, 420)  # 20 x 15 blocks: 300 tokens exactly
	assert QWEN_OLD.tokens(560, 420) == 300
	assert chooseSize(QWEN_OLD, 4843, 838, FAST) == (1176, 196)
	assert QWEN_OLD.tokens(1176, 196) == 294 and QWEN_OLD.tokens(1204, 196) == 301  # a block wider: over
	assert chooseSize(QWEN3_COMPATIBLE, 2429, 991, BALANCED) == (1600, 640)
	assert QWEN3_COMPATIBLE.tokens(1600, 640) == 1000
	assert chooseSize(QWEN3_COMPATIBLE, 4843, 838, BALANCED) == (2432, 416)
	assert QWEN3_COMPATIBLE.tokens(2432, 416) == 988 and QWEN3_COMPATIBLE.tokens(2464, 416) == 1001


def test_balanced_keeps_1344x756_legible_and_pays_at_most_1500():
	# A 1366x768 screen goes whole: keeping 1344x756 of it legible costs as many blocks.
	assert chooseSize(QWEN_OLD, 1366, 768, BALANCED) == (1366, 768)
	assert chooseSize(QWEN_OLD, 4843, 838, BALANCED) == (2436, 420)
	assert QWEN_OLD.tokens(2436, 420) == 1305 and QWEN_OLD.tokens(2464, 420) == 1320
	o4 = geometryFromModelId("o4-mini", "openai")
	assert chooseSize(o4, 334, 4295, BALANCED) == (256, 3488)
	assert o4.tokens(256, 3488) == 1500  # the ceiling exactly
	nano = geometryFromModelId("gpt-4.1-nano", "openai")
	assert chooseSize(nano, 4843, 838, BALANCED) == (1920, 320)
	assert nano.tokens(1920, 320) == 1476 and nano.tokens(1952, 320) == 1501


def test_enlarging_to_exactly_512_pixels_or_the_users_long_side():
	gemma = rules.gemma3(OLLAMA_GO)
	assert chooseSize(gemma, 256, 100, FAST) == (512, 200)
	assert chooseSize(gemma, 257, 100, FAST) == (257, 100)
	assert chooseSize(gemma, 32, 32, FAST, maxSide=64) == (64, 64)
	assert chooseSize(gemma, 32, 32, FAST, maxSide=63) == (32, 32)
	# A picture exactly at the user's long side goes whole.
	assert chooseSize(QWEN_OLD, 300, 200, FAST, maxSide=300) == (300, 200)
	assert chooseSize(gemma, 1920, 1080, FAST, maxSide=64) == (64, 64)
	assert chooseSize(gemma, 1, 9000, FAST, maxSide=64) == (1, 64)
	# Under one block: the picture at the user's long side, for the server to round.
	assert chooseSize(QWEN_OLD, 1920, 1080, FAST, maxSide=10) == (10, 6)


def test_strips_keep_their_one_pixel_side():
	gemma4 = rules.gemma4(OLLAMA_GO)
	assert chooseSize(gemma4, 9000, 1, FAST) == (282, 1)
	assert chooseSize(gemma4, 1, 9000, FAST) == (1, 282)
	assert chooseSize(gemma4, 3000, 10, FAST) == (2256, 8)
	assert gemma4.ownTokens(2256, 8) <= 300
	# No block fits a 1-pixel strip: the smallest candidate, never more than twice as tall.
	assert chooseSize(QWEN_OLD, 9000, 1, FAST) == (28, 2)
	for size in ((0, 5), (5, 0)):
		with pytest.raises(ValueError):
			chooseSize(QWEN_OLD, *size)


def test_the_scan_evaluates_a_few_hundred_sizes_at_most():
	class Counting(type(QWEN_OLD)):
		calls = 0

		def candidate(self, width, height):
			Counting.calls += 1
			assert Counting.calls <= 1000, "the scan does not end"
			return super().candidate(width, height)

	counting = copy.copy(QWEN_OLD)
	counting.__class__ = Counting
	for size in ((8000, 8000), (9000, 1), (1920, 1080)):
		for level in PICTURE_DETAILS:
			Counting.calls = 0
			assert chooseSize(counting, *size, level) == chooseSize(QWEN_OLD, *size, level)
			assert Counting.calls <= 600, (size, level, Counting.calls)


def test_low_detail_is_sent_as_openai_scales_it_never_enlarged():
	tiles = geometryFromModelId("gpt-4o-mini", "openai")
	assert chooseSize(tiles, 32, 32, FAST) == (32, 32)
	assert chooseSize(tiles, 32, 32, BALANCED) == (64, 64)


def test_ollama_families_come_from_the_server_not_the_name():
	assert geometryFromSettings("ollama", "qwen2.5-vl-7b") is None
	assert geometryFromSettings("openaiCompatible", "qwen2.5-vl-7b") is not None
	assert openaiDetailFor("ollama", "qwen2.5-vl-7b", FAST) == "low"


def test_the_floor_a_plan_fills_and_plans_are_fixed():
	assert PicturePlan(QWEN_NEW, FAST).floorTokens == 1024
	assert PicturePlan(QWEN_OLD, FAST).floorTokens is None
	assert PicturePlan(None, FAST).floorTokens is None
	plan = PicturePlan(QWEN_NEW)
	with pytest.raises(dataclasses.FrozenInstanceError):
		plan.level = FAST  # shared between threads


@settings(max_examples=60, deadline=None)
@given(
	width=st.integers(min_value=1, max_value=9000),
	height=st.integers(min_value=1, max_value=9000),
	maxSide=st.integers(min_value=64, max_value=8192),
)
def test_the_user_s_long_side_never_makes_a_side_larger_than_the_family_uses(width, height, maxSide):
	for geometry in GEOMETRIES:
		useful = geometry.usefulSize(width, height)
		size = _withinLongSide(geometry, useful, maxSide)
		assert size[0] <= useful[0] and size[1] <= useful[1], (geometry.label, width, height, size)


def test_after_the_scan_the_bisection_stays_within_its_last_one_per_cent_step():
	sides = []

	class Recording(type(QWEN_OLD)):
		def candidate(self, width, height):
			sides.append(max(width, height))
			return super().candidate(width, height)

	recording = copy.copy(QWEN_OLD)
	recording.__class__ = Recording
	useful = QWEN_OLD.usefulSize(3840, 2160)
	found = _largestWithin(recording, useful, 1000, (3840, 2160))
	# The scan goes down in 1 % steps; the first step up is the bisection's first middle.
	firstUp = next(index for index in range(1, len(sides)) if sides[index] > sides[index - 1])
	stepOver, stepWithin = sides[firstUp - 2], sides[firstUp - 1]
	assert stepOver - stepWithin > 2  # so the bisection has room to try several sizes
	assert all(stepWithin < side < stepOver for side in sides[firstUp:]), sides
	assert stepWithin <= max(found) < stepOver


def test_a_strip_longer_than_four_million_pixels_keeps_a_side_of_one_pixel():
	# Gemma 4 on Ollama's Go engine keeps any size; Balanced's legible share of such a strip would
	# round its one-pixel side to nothing.
	gemma4 = rules.gemma4(OLLAMA_GO)
	for width, height in ((5_000_000, 1), (1, 5_000_000)):
		sent = chooseSize(gemma4, width, height, BALANCED)
		assert min(sent) == 1 and max(sent) > 1, sent
