"""Each family's rule against the figures collected from the servers' own code (the shared
IMAGE_TOKENS.md), and how a rule is found: from Ollama's /api/show and /api/version, asked over real
sockets of the fake Ollama answering as each generation does, and from OpenAI model ids."""

import pytest
from servers.fakeOllama import NEW_OLLAMA, OLD_OLLAMA, VISION_FAMILIES, VISION_MODELS, FakeOllama
from visionDescriberCore import errors
from visionDescriberCore.clients import EndpointConfig, OllamaClient
from visionDescriberCore.imaging import modelFamilies as rules
from visionDescriberCore.imaging.modelFamilies import (
	OLLAMA_GO,
	OLLAMA_MTMD,
	geometryFromModelId,
	geometryFromOllama,
	ollamaGeneration,
)
from visionDescriberCore.imaging.modelGeometry import BlockGrid, FixedSquare, OpenAIPatches, OpenAITiles
from visionDescriberCore.imaging.tiledGeometry import AnyResTiles, MiniCpmSlices, MllamaTiles

SIZES = ((3840, 2160), (1920, 1080), (1568, 882), (300, 200))

# Image tokens for a 3840x2160 / 1920x1080 / 1568x882 / 300x200 picture, as IMAGE_TOKENS.md gives
# them (re-implemented there from each server's code), and the largest useful 16:9 size.
DOCUMENTED = [
	(rules.gemma3(OLLAMA_GO), (256, 256, 256, 256)),
	(rules.gemma3(OLLAMA_MTMD), (256, 256, 256, 256)),
	(rules.qwenVl("qwen2.5vl", OLLAMA_GO, 14), (2584, 2584, 1792, 77)),
	(rules.qwenVl("qwen2.5vl", OLLAMA_MTMD, 14), (4080, 2691, 1792, 1080)),
	(rules.qwenVl("qwen3-vl", OLLAMA_GO, 16, goMinPixels=65536), (1980, 2040, 1372, 70)),
	(rules.qwenVl("qwen3-vl", OLLAMA_MTMD, 16), (4080, 2040, 1372, 1080)),
	(rules.minicpmV(OLLAMA_MTMD), (595, 595, 595, 66)),
	(rules.llavaAnyRes(OLLAMA_MTMD, 384, 14, None), (6561, 6561, 6561, 729)),
	(rules.llavaAnyRes(OLLAMA_MTMD, 336, 14, None), (2880, 2880, 2880, 576)),
	(rules.llava15(OLLAMA_MTMD), (576, 576, 576, 576)),
	(rules.mistral3(OLLAMA_GO), (1736, 1736, 1736, 84)),
	(rules.mistral3(OLLAMA_MTMD), (1032, 1032, 1032, 84)),
	(geometryFromModelId("gpt-4.1-mini", "openai"), (2489, 2489, 2223, 114)),
	(geometryFromModelId("gpt-5-mini", "openai"), (2489, 2489, 2223, 114)),
]


@pytest.mark.parametrize(("geometry", "tokens"), DOCUMENTED, ids=lambda value: getattr(value, "label", ""))
def test_each_rule_gives_the_documented_image_tokens(geometry, tokens):
	assert tuple(geometry.tokens(width, height) for width, height in SIZES) == tokens


def test_gemma4_fills_about_270_tokens_on_the_go_engine_and_40_to_280_on_mtmd():
	old, new = rules.gemma4(OLLAMA_GO), rules.gemma4(OLLAMA_MTMD)
	assert [old.tokens(*size) for size in SIZES] == [264, 264, 264, 260]
	assert [new.tokens(*size) for size in SIZES] == [264, 264, 264, 48]
	assert old.serverSize(1920, 1080) == new.serverSize(1920, 1080) == (1056, 576)  # ~1056 px


def test_gpt4o_mini_counts_tiles_of_the_768_pixel_short_side():
	tiles = geometryFromModelId("gpt-4o-mini-2024-07-18", "openai")
	assert isinstance(tiles, OpenAITiles)
	assert tiles.serverSize(3840, 2160) == tiles.serverSize(1920, 1080) == (1365, 768)
	assert tiles.tokens(1920, 1080) == 85 + 170 * 6  # 3 x 2 tiles; OpenAI bills gpt-4o-mini 33x that
	assert tiles.tokens(1024, 576) == 85 + 170 * 4
	assert OpenAITiles.lowDetailSize(1920, 1080) == (512, 288)


def test_llama32_vision_always_runs_four_tiles():
	mllama = rules.llama32Vision(OLLAMA_GO)
	assert {mllama.tokens(*size) for size in SIZES} == {4 * 1601}
	assert mllama.usefulSize(1920, 1080) == (1120, 630)  # a 2x2 canvas of 560-px tiles


@pytest.mark.parametrize(
	("geometry", "useful"),
	[
		(rules.gemma3(OLLAMA_MTMD), (896, 896)),  # stretched: each axis up to 896
		(rules.qwenVl("qwen2.5vl", OLLAMA_GO, 14), (1904, 1064)),
		(rules.qwenVl("qwen2.5vl", OLLAMA_MTMD, 14), (2380, 1344)),
		(rules.qwenVl("qwen3-vl", OLLAMA_MTMD, 16), (2720, 1536)),
		(rules.minicpmV(OLLAMA_MTMD), (1690, 950)),
		(rules.llavaAnyRes(OLLAMA_MTMD, 384, 14, None), (1365, 768)),
		(rules.llavaAnyRes(OLLAMA_MTMD, 336, 14, None), (672, 378)),
		(rules.llava15(OLLAMA_MTMD), (336, 189)),
		(rules.mistral3(OLLAMA_GO), (1540, 868)),
		(rules.mistral3(OLLAMA_MTMD), (1176, 672)),
		(geometryFromModelId("gpt-4o", "openai"), (1365, 768)),
		(geometryFromModelId("gpt-4.1-mini", "openai"), (1664, 928)),
	],
	ids=lambda value: getattr(value, "label", ""),
)
def test_the_largest_useful_size_of_a_4k_screen(geometry, useful):
	assert geometry.usefulSize(3840, 2160) == useful


def test_the_generation_comes_from_the_version():
	assert ollamaGeneration("0.24.0") == ollamaGeneration("0.12.6") == OLLAMA_GO
	assert (
		ollamaGeneration("0.30.0")
		== ollamaGeneration("0.31.2-rc1")
		== ollamaGeneration("1.0.0")
		== OLLAMA_MTMD
	)
	assert ollamaGeneration("") == ollamaGeneration(None) == ollamaGeneration("dev") == OLLAMA_MTMD


# --- Learned from Ollama over the wire ----------------------------------------------------------

EXPECTED_KINDS = {
	"gemma3:4b": (FixedSquare, "gemma3"),
	"gemma4:12b": (BlockGrid, "gemma4"),
	"qwen2.5vl:7b": (BlockGrid, "qwen2.5vl"),
	"qwen3-vl:8b": (BlockGrid, "qwen3-vl"),
	"llama3.2-vision:11b": (MllamaTiles, "mllama"),
	"minicpm-v:8b": (MiniCpmSlices, "minicpmv"),
	"granite3.2-vision:2b": (AnyResTiles, "granite"),
	"llava:7b": (AnyResTiles, "llava16"),
	"llava-llama3:8b": (FixedSquare, "llava15"),
	"mistral-small3.1:24b": (BlockGrid, "mistral3"),
}


@pytest.fixture(params=[OLD_OLLAMA, NEW_OLLAMA], ids=["ollama0.24", "ollama0.30"])
def familyServer(request, noThreadLeak):
	with FakeOllama(models={**VISION_MODELS, "llama3.2:3b": ["completion"]}, version=request.param) as server:
		yield server


def describe(server, model: str) -> dict:
	with OllamaClient(EndpointConfig(baseUrl=server.url, model=model)) as client:
		return client.describeGeometry()


@pytest.mark.parametrize("model", sorted(VISION_FAMILIES))
def test_every_family_is_recognised_from_what_ollama_says(familyServer, model):
	facts = describe(familyServer, model)
	assert facts["serverVersion"] == familyServer.version
	assert not any(key.startswith("tokenizer.") for key in facts["modelInfo"])  # no vocabulary kept
	geometry = geometryFromOllama(facts)
	kind, family = EXPECTED_KINDS[model]
	assert isinstance(geometry, kind) and geometry.family == family
	generation = "Ollama 0.30+" if familyServer.version == NEW_OLLAMA else "Ollama before 0.30"
	assert geometry.label.endswith(generation)
	shows = familyServer.requestsTo("/api/show")
	# Only projectors with a tile list are asked again with verbose (which sends the vocabulary too).
	needsLists = model in ("granite3.2-vision:2b", "llava:7b")
	assert [request.json.get("verbose", False) for request in shows] == (
		[False, True] if needsLists else [False]
	)


def test_the_tile_list_read_with_verbose_is_the_one_used(familyServer):
	granite = geometryFromOllama(describe(familyServer, "granite3.2-vision:2b"))
	assert max(width * height for width, height in granite.canvases) == 10 * 384 * 384
	llava = geometryFromOllama(describe(familyServer, "llava:7b"))
	assert set(llava.canvases) == {(336, 672), (672, 336), (672, 672), (1008, 336), (336, 1008)}


def test_the_qwen_floor_belongs_to_ollama_030_only(familyServer):
	qwen = geometryFromOllama(describe(familyServer, "qwen2.5vl:7b"))
	if familyServer.version == NEW_OLLAMA:
		assert (qwen.minTokens, qwen.floorTokens, qwen.floorBlock) == (1024, 1024, 28)
	else:
		assert qwen.floorTokens is None and qwen.maxTokens == (2 << 20) // (28 * 28)


def test_a_text_model_or_an_unknown_family_has_no_rule(familyServer):
	assert geometryFromOllama(describe(familyServer, "llama3.2:3b")) is None
	assert geometryFromOllama({}) is None
	assert (
		geometryFromOllama({"modelInfo": {"general.architecture": "moondream"}, "projectorInfo": {}}) is None
	)


def test_a_model_ollama_does_not_have_is_a_typed_error(familyServer):
	with pytest.raises(errors.ModelNotFound):
		describe(familyServer, "nothing:1b")


def test_facts_with_odd_values_fall_back_to_the_family_defaults():
	facts = {
		"serverVersion": "0.24.0",
		"modelInfo": {"general.architecture": "gemma3", "gemma3.vision.image_size": "big"},
		"projectorInfo": {},
	}
	assert geometryFromOllama(facts).serverSize(10, 10) == (896, 896)
	pinpointsNotSent = {
		"clip.projector_type": "mlp",
		"clip.vision.image_size": 384,
		"clip.vision.image_grid_pinpoints": None,
	}
	granite = geometryFromOllama(
		{"modelInfo": {"general.architecture": "granite"}, "projectorInfo": pinpointsNotSent}
	)
	assert isinstance(granite, AnyResTiles) and len(granite.canvases) == len(rules.tileGrid(384, 10))


# --- From a model id ------------------------------------------------------------------------------


@pytest.mark.parametrize(
	("provider", "model", "family"),
	[
		("openai", "gpt-4o-mini", "gpt-4o-mini"),
		("openai", "gpt-4o-2024-08-06", "gpt-4o"),
		("azure", "gpt-4.1-mini", "gpt-4.1-mini"),
		("openai", "gpt-5-mini-2025-08-07", "gpt-5-mini"),
		("openaiCompatible", "google/gemma-3-27b-it", "gemma3"),
		("openaiCompatible", "gemma3:4b", "gemma3"),
		("openaiCompatible", "Qwen/Qwen2.5-VL-7B-Instruct", "qwen2.5vl"),
		("openaiCompatible", "qwen3-vl-8b-instruct", "qwen3-vl"),
		("openaiCompatible", "llama-3.2-11b-vision-instruct", "mllama"),
		("openaiCompatible", "minicpm-v-2_6", "minicpmv"),
		("openaiCompatible", "ibm-granite/granite-vision-3.2-2b", "granite"),
		("openaiCompatible", "llava-v1.6-mistral-7b", "llava16"),
		("openaiCompatible", "llava-1.5-7b", "llava15"),
		("openaiCompatible", "mistral-small-3.1-24b-instruct", "mistral3"),
	],
)
def test_families_are_recognised_from_model_ids(provider, model, family):
	assert geometryFromModelId(model, provider).family == family


@pytest.mark.parametrize(
	("provider", "model"),
	[
		("openai", "gpt-4.1"),  # not in the patch list: today's behaviour
		("openai", "my-deployment"),
		("openai", "gemma-3-27b-it"),  # open names mean nothing at OpenAI itself
		("openaiCompatible", "gemma-3n-e4b"),
		("openaiCompatible", "some-new-vlm"),
		("openaiCompatible", ""),
	],
)
def test_unknown_models_have_no_rule(provider, model):
	assert geometryFromModelId(model, provider) is None


def test_a_compatible_server_has_no_ollama_floor():
	qwen = geometryFromModelId("qwen2.5-vl-7b", "openaiCompatible")
	assert isinstance(qwen, BlockGrid) and qwen.floorTokens is None
	assert qwen.label == "qwen2.5vl on a compatible server"
	assert qwen.minTokens == 8 and qwen.maxTokens == rules.MTMD_QWEN_MAX_TOKENS
	patches = geometryFromModelId("gpt-4.1-nano", "openai")
	assert isinstance(patches, OpenAIPatches) and patches.multiplier == 2.46
