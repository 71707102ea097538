"""Per family, what is sent at each picture detail: the rule learned over real sockets from the
fake Ollama answering /api/show and /api/version as Ollama 0.24 and 0.30 do (OpenAI models from
their ids), then a 1920x1080 screen, a 3840x2160 screen and a 300x200 crop prepared as the add-on
prepares them: the size and format of the bytes sent, and the image tokens the family's rule gives.
An unknown model keeps today's sizes."""

import io

import pytest
from PIL import Image, ImageDraw, ImageFont
from servers.fakeOllama import NEW_OLLAMA, OLD_OLLAMA, VISION_MODELS, FakeOllama
from visionDescriberCore.clients import EndpointConfig, OllamaClient
from visionDescriberCore.imaging.modelFamilies import geometryFromModelId, geometryFromOllama
from visionDescriberCore.imaging.preparation import policyForProvider, prepareImage
from visionDescriberCore.imaging.sizing import PICTURE_DETAILS, PicturePlan, prepareWithPlan

PICTURES = ("1920x1080", "3840x2160", "300x200")

# (model, Ollama version or "openai") -> per level (fast, balanced, detailed): "WxH tokens" for each picture.
EXPECTED = {
	("gemma3:4b", OLD_OLLAMA): (
		"896x896 256, 896x896 256, 300x200 256",
		"896x896 256, 896x896 256, 300x200 256",
		"896x896 256, 896x896 256, 300x200 256",
	),
	("gemma3:4b", NEW_OLLAMA): (
		"896x896 256, 896x896 256, 300x200 256",
		"896x896 256, 896x896 256, 300x200 256",
		"896x896 256, 896x896 256, 300x200 256",
	),
	("gemma4:12b", OLD_OLLAMA): (
		"1056x576 264, 1056x576 264, 300x200 260",
		"1056x576 264, 1056x576 264, 300x200 260",
		"1056x576 264, 1056x576 264, 300x200 260",
	),
	("gemma4:12b", NEW_OLLAMA): (
		"1056x576 264, 1056x576 264, 300x200 48",
		"1056x576 264, 1056x576 264, 300x200 48",
		"1056x576 264, 1056x576 264, 300x200 48",
	),
	("qwen2.5vl:7b", OLD_OLLAMA): (
		"644x364 299, 644x364 299, 300x200 77",
		"1344x756 1296, 1344x756 1296, 300x200 77",
		"1904x1064 2584, 1904x1064 2584, 300x200 77",
	),
	("qwen2.5vl:7b", NEW_OLLAMA): (
		"1176x672 1075, 1176x672 1075, 300x200 1080",
		"1344x756 1296, 1344x756 1296, 300x200 1080",
		"1920x1080 2691, 2380x1344 4080, 300x200 1080",
	),
	("qwen3-vl:8b", OLD_OLLAMA): (
		"736x416 299, 736x416 299, 300x200 70",
		"1344x768 1008, 1376x736 989, 300x200 70",
		"1920x1080 2040, 1920x1056 1980, 300x200 70",
	),
	("qwen3-vl:8b", NEW_OLLAMA): (
		"1344x768 1075, 1344x768 1075, 300x200 1080",
		"1344x768 1075, 1344x768 1075, 300x200 1080",
		"1920x1080 2040, 2720x1536 4080, 300x200 1080",
	),
	("llama3.2-vision:11b", OLD_OLLAMA): (
		"1120x630 6404, 1120x630 6404, 300x200 6404",
		"1120x630 6404, 1120x630 6404, 300x200 6404",
		"1120x630 6404, 1120x630 6404, 300x200 6404",
	),
	("minicpm-v:8b", NEW_OLLAMA): (
		"1194x671 264, 1194x671 264, 300x200 66",
		"1690x950 595, 1690x950 595, 300x200 66",
		"1690x950 595, 1690x950 595, 300x200 66",
	),
	("granite3.2-vision:2b", NEW_OLLAMA): (
		"384x216 729, 384x216 729, 300x200 729",
		"384x216 729, 384x216 729, 300x200 729",
		"1365x768 6561, 1365x768 6561, 300x200 729",
	),
	("llava:7b", NEW_OLLAMA): (
		"336x189 576, 336x189 576, 300x200 576",
		"336x189 576, 336x189 576, 300x200 576",
		"672x378 2880, 672x378 2880, 300x200 576",
	),
	("llava-llama3:8b", NEW_OLLAMA): (
		"336x189 576, 336x189 576, 300x200 576",
		"336x189 576, 336x189 576, 300x200 576",
		"336x189 576, 336x189 576, 300x200 576",
	),
	("mistral-small3.1:24b", OLD_OLLAMA): (
		"630x364 299, 630x364 299, 300x200 84",
		"1358x770 1323, 1358x770 1323, 300x200 84",
		"1540x868 1736, 1540x868 1736, 300x200 84",
	),
	("mistral-small3.1:24b", NEW_OLLAMA): (
		"616x364 299, 616x364 299, 300x200 84",
		"1176x672 1032, 1176x672 1032, 300x200 84",
		"1176x672 1032, 1176x672 1032, 300x200 84",
	),
	("gpt-4o-mini", "openai"): (
		"512x288 85, 512x288 85, 300x200 85",
		"1365x768 1105, 1365x768 1105, 300x200 255",
		"1365x768 1105, 1365x768 1105, 300x200 255",
	),
	("gpt-4.1-mini", "openai"): (
		"576x320 292, 576x320 292, 300x200 114",
		"1312x704 1462, 1312x704 1462, 300x200 114",
		"1664x928 2443, 1664x928 2443, 300x200 114",
	),
}


def screen(width: int, height: int) -> Image.Image:
	"""A text-heavy interface: a light window, rows of text, a title bar and a button."""
	image = Image.new("RGB", (width, height), (240, 240, 240))
	draw = ImageDraw.Draw(image)
	font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", max(12, height // 72))
	draw.rectangle((0, 0, width, height // 30), fill=(30, 60, 120))
	step = max(16, height // 45)
	for row, top in enumerate(range(height // 20, height - step, step)):
		draw.text(
			(width // 40, top),
			f"Invoice {row:03d}  March 2026  Robin  {row * 17} KB  Document",
			font=font,
			fill=(0, 0, 0),
		)
	draw.rectangle(
		(width - width // 8, height - height // 12, width - width // 40, height - height // 40),
		outline=(0, 90, 200),
	)
	return image


@pytest.fixture(scope="module")
def pictures():
	full = screen(1920, 1080)
	return {"1920x1080": full, "3840x2160": screen(3840, 2160), "300x200": full.crop((40, 60, 340, 260))}


@pytest.fixture(scope="module")
def learned():
	"""Each Ollama family's rule as the client learns it from the fake server, per generation."""
	found = {}
	for version in (OLD_OLLAMA, NEW_OLLAMA):
		with FakeOllama(models=VISION_MODELS, version=version) as server:
			for model, generation in EXPECTED:
				if generation == version:
					with OllamaClient(EndpointConfig(baseUrl=server.url, model=model)) as client:
						found[(model, version)] = geometryFromOllama(client.describeGeometry())
	return found


def decoded(prepared) -> Image.Image:
	image = Image.open(io.BytesIO(prepared.data))
	assert image.size == (prepared.width, prepared.height)
	return image


@pytest.mark.parametrize("key", list(EXPECTED), ids=lambda key: f"{key[0]}@{key[1]}")
def test_what_each_family_is_sent_at_each_level(key, learned, pictures):
	model, generation = key
	provider = "openai" if generation == "openai" else "ollama"
	geometry = geometryFromModelId(model, provider) if provider == "openai" else learned[key]
	for level, expected in zip(PICTURE_DETAILS, EXPECTED[key], strict=True):
		plan = PicturePlan(geometry, level, None, provider)
		sent = []
		for name in PICTURES:
			image = pictures[name]
			prepared = prepareWithPlan(image, plan)
			picture = decoded(prepared)
			resampled = picture.size != image.size
			# Interface pictures: PNG when sent at their own size or small, else JPEG.
			expectedFormat = (
				"PNG" if not resampled or prepared.width * prepared.height <= 640 * 480 else "JPEG"
			)
			assert picture.format == expectedFormat, (name, level, picture.size)
			sent.append(
				f"{prepared.width}x{prepared.height} {plan.tokensFor(prepared.width, prepared.height)}"
			)
		assert ", ".join(sent) == expected, level


def test_the_openai_detail_sent_follows_the_family_and_level():
	assert [
		PicturePlan(geometryFromModelId("gpt-4o-mini", "openai"), level).openaiDetail
		for level in PICTURE_DETAILS
	] == ["low", "high", "high"]


@pytest.mark.parametrize(
	("provider", "model"), [("ollama", None), ("openai", "gpt-9-vision"), ("openaiCompatible", "my-vlm")]
)
def test_an_unknown_model_is_sent_todays_sizes(pictures, provider, model):
	geometry = (
		geometryFromModelId(model, provider)
		if model
		else geometryFromOllama(
			{"serverVersion": NEW_OLLAMA, "modelInfo": {"general.architecture": "moondream"}}
		)
	)
	assert geometry is None
	for level, detail in zip(PICTURE_DETAILS, ("low", "auto", "high"), strict=True):
		plan = PicturePlan(None, level, None, provider)
		for name in PICTURES:
			prepared = prepareWithPlan(pictures[name], plan)
			today = prepareImage(pictures[name], policyForProvider(provider, detail))
			assert (prepared.width, prepared.height, prepared.data) == (today.width, today.height, today.data)
