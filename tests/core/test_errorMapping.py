"""Which sentence a failure gets: every rule of the error mapping, with the bodies servers send.

The mapping is pure (status, body, headers in; a typed error out), so most tests call it directly
with the real shapes of OpenAI, OpenRouter, Gemini, llama.cpp, vLLM, LM Studio, DeepSeek, FastAPI
and Ollama bodies, and check the sentence the user hears. The last tests send a few of them through
a real socket to show the client takes the same road.
"""

import email.utils
import json
import time

import pytest
from clientHelpers import conversationWithPicture
from servers.fakeOpenAI import FakeOpenAI, openaiError
from servers.httpServer import Reply
from visionDescriberCore import errors
from visionDescriberCore.clients import EndpointConfig, createClient
from visionDescriberCore.clients.errorMapping import (
	ErrorInfo,
	mapHttpError,
	mapStreamFailure,
	parseErrorBody,
	retryAfterSeconds,
)
from visionDescriberCore.clients.streaming import StreamFailure

MODEL = "llava"
WHERE = "http://gpu-box:11434"
DETAIL = "the whole body, for the log"

UNKNOWN_MODEL = "The server does not know the model llava. Choose another model in settings."
NOT_INSTALLED = "The model llava is not installed. Run: ollama pull llava"
NOT_OLLAMA = f"The server at {WHERE} is not an Ollama server. Check the address and the provider in settings."
KEY_REFUSED = "The server refused the API key. Check or replace the key in settings."
KEY_MISSING = "This server needs an API key. Add one in Vision Describer settings."
QUOTA = "Your account has no credit or has used its quota. Check billing with your provider."
PERMISSION = "The server refused access to this model or from your region."
RATE_LIMITED = "Too many requests. Wait a moment and try again."
CANNOT_SEE = "The model llava cannot see images. Choose a vision model in settings."
TOO_LONG = (
	"The picture and the conversation are too long for this model. "
	"Start a new conversation, or lower the image size in settings."
)
TOO_LARGE = "The image is too large for this server. Lower the image size in settings."
UNEXPECTED = "The server sent something that is not a vision model's answer. Check the address in settings."


def serverError(status: int) -> str:
	return f"The server had a problem (error {status}). Try again later."


def httpError(
	status: int,
	body="",
	*,
	provider: str = "openaiCompatible",
	keyPresent: bool = True,
	modelRequest: bool = True,
	headers: dict | None = None,
	contentType: str = "application/json",
	reason: str = "",
) -> errors.VisionDescriberError:
	"""The error for an answer with this status and body (a dict or list is sent as JSON)."""
	text = body if isinstance(body, str) else json.dumps(body)
	error = mapHttpError(
		status,
		parseErrorBody(text, contentType),
		headers or {},
		provider=provider,
		model=MODEL,
		keyPresent=keyPresent,
		detail=DETAIL,
		modelRequest=modelRequest,
		where=WHERE,
		reason=reason,
	)
	assert error.detail == DETAIL  # the body is for the log, never for the sentence
	return error


def heard(status: int, body="", **options) -> str:
	return httpError(status, body, **options).sentence


def openaiBody(message: str, code=None, type: str = "invalid_request_error") -> dict:
	return {"error": {"message": message, "type": type, "param": None, "code": code}}


def streamError(
	message: str, code=None, *, provider: str = "openaiCompatible", keyPresent: bool = True, reason: str = ""
) -> errors.VisionDescriberError:
	error = mapStreamFailure(
		StreamFailure(message, code),
		provider=provider,
		model=MODEL,
		keyPresent=keyPresent,
		detail=DETAIL,
		reason=reason,
	)
	assert error.detail == DETAIL
	return error


# --- Reading the body --------------------------------------------------------------------------


@pytest.mark.parametrize(
	("body", "expected"),
	[
		pytest.param(
			openaiBody("Incorrect API key provided: sk-ab***yz.", code="invalid_api_key"),
			("Incorrect API key provided: sk-ab***yz.", "invalid_api_key", "invalid_request_error", None),
			id="openai",
		),
		pytest.param(
			{
				"error": {
					"code": 400,
					"message": "image input is not supported",
					"type": "invalid_request_error",
				}
			},
			("image input is not supported", 400, "invalid_request_error", None),
			id="llamacppIntegerCode",
		),
		pytest.param(
			[{"error": {"code": 400, "message": "API key not valid.", "status": "INVALID_ARGUMENT"}}],
			("API key not valid.", 400, "INVALID_ARGUMENT", None),
			id="geminiListWithStatus",
		),
		pytest.param(
			{
				"object": "error",
				"message": "The model `x` does not exist.",
				"type": "NotFoundError",
				"code": 404,
			},
			("The model `x` does not exist.", 404, "NotFoundError", None),
			id="oldVllmTopLevel",
		),
		pytest.param(
			{"error": 'model "llava" not found, try pulling it first'},
			('model "llava" not found, try pulling it first', None, None, None),
			id="ollamaString",
		),
		pytest.param({"detail": "Not Found"}, ("Not Found", None, None, None), id="fastApiDetail"),
		pytest.param(
			{"error": {"msg": "quota used", "param": "model"}}, ("quota used", None, None, "model"), id="msg"
		),
		pytest.param(
			{"error": {"message": "m", "type": "t", "status": "s"}},
			("m", None, "t", None),
			id="typeBeforeStatus",
		),
		pytest.param([], ("", None, None, None), id="emptyList"),
		pytest.param("Service Unavailable", ("Service Unavailable", None, None, None), id="jsonString"),
		pytest.param(503, ("503", None, None, None), id="jsonNumber"),
		pytest.param(
			{"error": {"message": "m", "code": True, "type": 7, "param": ["model"]}},
			("m", None, None, None),
			id="oddFieldTypes",
		),
		pytest.param({"error": {"message": "m", "code": 1.5}}, ("m", None, None, None), id="floatCode"),
		pytest.param({"error": {"message": "m", "code": {"n": 1}}}, ("m", None, None, None), id="dictCode"),
	],
)
def test_errorBodiesOfEveryShapeAreRead(body, expected):
	info = parseErrorBody(json.dumps(body), "application/json")
	assert (info.message, info.code, info.type, info.param) == expected
	assert not info.isHtml


def test_aListOfErrorsIsReadByItsFirst():
	body = [{"error": {"message": "API key not valid."}}, {"error": {"message": "Quota exceeded."}}]
	assert parseErrorBody(json.dumps(body)).message == "API key not valid."
	assert heard(400, body) == KEY_REFUSED


def test_oddMessagesAreKeptAsText():
	"""A list or dict message (FastAPI's validation errors) and a list error are still searched."""
	fastApi = {"detail": [{"loc": ["body", "model"], "msg": "Model not found", "type": "value_error"}]}
	assert "model not found" in parseErrorBody(json.dumps(fastApi)).haystack()
	assert "model not found" in parseErrorBody('{"error": ["Model not found"]}').haystack()


@pytest.mark.parametrize(
	("text", "contentType"),
	[
		("Bad Gateway", "text/html; charset=utf-8"),
		("  <html><body>Sign in to the Wi-Fi</body></html>", "text/plain"),
		("<!DOCTYPE html><p>Not here</p>", ""),
		('{"error": "model not found"}', "TEXT/HTML"),
	],
)
def test_aWebPageIsRecognisedByItsTypeOrItsFirstCharacter(text, contentType):
	info = parseErrorBody(text, contentType)
	assert info.isHtml and info.haystack() == ""  # nothing of a web page reaches a sentence


def test_aJsonOrPlainBodyIsNotAWebPage():
	assert not parseErrorBody('{"error": "x"}', "application/json").isHtml
	assert not parseErrorBody("Bad Gateway > proxy", "text/plain").isHtml


def test_aPlainBodyKeepsItsFirst300Characters():
	assert parseErrorBody("  Bad Gateway\n").message == "Bad Gateway"
	long = "x" * 299 + "model not found"
	assert parseErrorBody(long).message == long[:300]


def test_theHaystackHoldsEveryPartInLowerCase():
	info = ErrorInfo(message="Model Not Found", code=404, type="NotFoundError", param=None)
	assert info.haystack() == "model not found 404 notfounderror"
	assert ErrorInfo(message="", code="Invalid_API_Key", param="Model").haystack() == "invalid_api_key model"


# --- Retry-After ---------------------------------------------------------------------------------


def httpDate(offset: float) -> str:
	return email.utils.formatdate(time.time() + offset, usegmt=True)


@pytest.mark.parametrize(
	("headers", "seconds"),
	[
		({"retry-after-ms": "500"}, 0.5),
		({"Retry-After-Ms": "1500", "Retry-After": "9"}, 1.5),
		({"retry-after-ms": "soon", "Retry-After": "9"}, 9.0),
		({"retry-after-ms": "", "Retry-After": "9"}, 9.0),
		({"retry-after-ms": "-200"}, 0.0),
		({"Retry-After": "0.5"}, 0.5),
		({"RETRY-AFTER": "7"}, 7.0),
		({"Retry-After": "-3"}, 0.0),
		({"Retry-After": httpDate(-3600)}, 0.0),
		({"Retry-After": "whenever"}, None),
		({"Retry-After": ""}, None),
		({}, None),
	],
)
def test_retryAfter(headers, seconds):
	assert retryAfterSeconds(headers) == seconds


def test_retryAfterAsADate():
	assert 25 <= retryAfterSeconds({"Retry-After": httpDate(30)}) <= 31


# --- What the status settles -------------------------------------------------------------------------


def test_whatTheStatusAloneSettles():
	"""Whatever the body says: 413, 401, 402 and 429 mean one thing each."""
	misleading = openaiBody("The model `llava` does not exist; image input is not supported.")
	assert heard(413, misleading) == TOO_LARGE
	assert heard(401, misleading) == KEY_REFUSED
	assert heard(401, misleading, keyPresent=False) == KEY_MISSING
	assert heard(402, misleading) == QUOTA
	assert (
		heard(429, misleading, headers={"Retry-After": "20"}) == "Too many requests. Try again in 20 seconds."
	)
	assert heard(429, "") == RATE_LIMITED
	assert httpError(429, "", headers={"retry-after-ms": "1500"}).retryAfter == 1.5


@pytest.mark.parametrize(
	"body",
	[
		openaiBody(
			"You exceeded your current quota, please check your plan and billing details.",
			"insufficient_quota",
		),
		openaiBody("Rate limited", code="insufficient_quota"),
		openaiBody("Rate limited", type="insufficient_quota"),
		{
			"error": {
				"message": "Insufficient credits. Add more using https://openrouter.ai/credits",
				"code": 429,
			}
		},
	],
)
def test_a429ForAnEmptyAccountIsTheQuotaNotAWait(body):
	assert heard(429, body, headers={"Retry-After": "20"}) == QUOTA


@pytest.mark.parametrize("status", [500, 502, 503])
def test_aWebPageWithAServerStatusIsAServerError(status):
	# The web page's text is never spoken, even when the caller made a reason of it.
	assert heard(status, "<html><body>Bad Gateway</body></html>", reason="Bad Gateway.") == serverError(
		status
	)


@pytest.mark.parametrize("status", [200, 400, 403, 404, 422, 499])
def test_aWebPageWhereAnApiWasExpectedIsAWrongAddress(status):
	assert (
		heard(status, "<html><body>Sign in to the Wi-Fi</body></html>", contentType="text/html") == UNEXPECTED
	)


# --- What the words say, whatever the status -------------------------------------------------------


@pytest.mark.parametrize(
	"message",
	[
		"Invalid content type. image_url is only supported by certain models.",
		"llama3 does not support images",
		"This model doesn't support image input.",
		"Image input is not supported for this model.",
		"Images are not supported by this endpoint.",
		"image input not supported",
		"Missing data required for image input",
		"The model does not support vision.",
		"Vision is not supported by the model.",
		"llama3 is not a multimodal model",
		"Multimodal is not supported by this server.",
		"This model does not support multimodal input.",
		"image input is not supported - hint: if this is unexpected, you may need to provide the mmproj",
		"There is no image support in this build.",
	],
)
def test_aModelThatCannotSeeSaysSoWhateverTheStatus(message):
	assert heard(400, openaiBody(message)) == CANNOT_SEE
	assert heard(500, {"error": message}) == CANNOT_SEE
	assert streamError(message).sentence == CANNOT_SEE


@pytest.mark.parametrize(
	"body",
	[
		openaiBody("Too long.", code="context_length_exceeded"),
		openaiBody("This model's maximum context length is 128000 tokens."),
		openaiBody("The prompt exceeds the context length of the model."),
		openaiBody("Your input exceeds the context window of this model."),
		{"error": {"code": 400, "message": "the request exceeds the available context size", "type": "x"}},
		{"error": {"code": 400, "message": "too big", "type": "exceed_context_size_error"}},
		{"error": "Too many tokens in the prompt"},
		openaiBody("prompt is too long: 210000 tokens > 200000 maximum"),
		openaiBody("Input is too long for requested model."),
	],
)
def test_aConversationTooLongForTheModelSaysSo(body):
	assert heard(400, body) == TOO_LONG


@pytest.mark.parametrize(
	"message",
	[
		"Image too large: 24 MB",
		"image is too big",
		"The image exceeds the maximum allowed dimensions.",
		"Image is larger than the maximum size of 20 MB.",
		"Payload too large",
		"Request Entity Too Large",
	],
)
def test_anImageTooLargeInTheWordsOfTheServer(message):
	assert heard(400, openaiBody(message)) == TOO_LARGE
	assert streamError(message).sentence == TOO_LARGE


@pytest.mark.parametrize(
	"message",
	[
		"Request too large for gpt-4o in organization org-1 on tokens per min (TPM)",  # not the image
		"Invalid image format: expected PNG or JPEG",  # the image, but not its size
		"Unsupported payload encoding",
	],
)
def test_otherSizesAndOtherImageProblemsAreNotTooLarge(message):
	assert heard(400, openaiBody(message)) == serverError(400)


# --- The key ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
	"body",
	[
		openaiBody("Incorrect API key provided: sk-ab***yz.", code="invalid_api_key"),
		openaiBody("Incorrect API key provided: sk-ab***yz."),
		openaiBody("Invalid API key"),
		[{"error": {"code": 400, "message": "API key not valid. Please pass a valid API key."}}],
		{"error": 'litellm.AuthenticationError: GeminiException - {"reason": "API_KEY_INVALID"}'},
		openaiBody("No API key provided."),
		openaiBody("Missing API key."),
		openaiBody("You didn't provide an API key. You need to provide it in an Authorization header."),
		{"error": "Unauthorized"},
		{"error": {"message": "Bad request", "type": "authentication_error"}},
	],
)
@pytest.mark.parametrize("status", [400, 403])
def test_aRefusedKeyAt400Or403GetsTheKeySentence(body, status):
	assert heard(status, body) == KEY_REFUSED
	assert heard(status, body, keyPresent=False) == KEY_MISSING


@pytest.mark.parametrize(
	("status", "sentence"), [(404, UNEXPECTED), (422, serverError(422)), (500, serverError(500))]
)
def test_keyWordsWithOtherStatusesAreNotAKeyProblem(status, sentence):
	assert heard(status, openaiBody("Invalid API key")) == sentence


# --- 403: quota, or permission ------------------------------------------------------------------


@pytest.mark.parametrize(
	"body",
	[
		openaiBody("Quota used", code="insufficient_quota"),
		openaiBody("You exceeded your current quota, please check your plan and billing details."),
		openaiBody("Please check your plan and billing details."),
		openaiBody("Billing hard limit has been reached."),
		openaiBody("Insufficient credits. Add more using https://openrouter.ai/credits"),
		{"error": {"message": "Insufficient Balance", "type": "unknown_error"}},
		openaiBody("This request requires more credits, or fewer max_tokens."),
		{"error": "Payment Required"},
	],
)
def test_anEmptyAccountIsTheQuotaSentence(body):
	assert heard(403, body) == QUOTA
	assert heard(429, body) == QUOTA


def test_anyOther403IsAPermission():
	body = openaiBody(
		"Country, region, or territory not supported", code="unsupported_country_region_territory"
	)
	assert heard(403, body) == PERMISSION
	assert heard(403, "") == PERMISSION


# --- The model ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
	"body",
	[
		openaiBody(
			"The model `gpt-5-vision` does not exist or you do not have access to it.", "model_not_found"
		),
		openaiBody("Not found", code="model_not_found"),
		{"error": {"code": 404, "message": "No models loaded. Please load one first.", "type": "x"}},
		openaiBody("llava is not a valid model ID"),
		openaiBody("Unknown model: llava"),
		openaiBody("Model Not Found"),
		openaiBody("Invalid model name"),
		{"object": "error", "message": "The model `llava` does not exist.", "code": 404},
		{"error": {"message": "Model Not Exist", "type": "invalid_request_error"}},
		{"detail": "Model llava is not available on this server"},
		{"error": "model 'llava' not found"},
	],
)
@pytest.mark.parametrize("status", [404, 400, 422, 500])
def test_anUnknownModelIsTold(body, status):
	assert heard(status, body) == UNKNOWN_MODEL
	# Asking for something that names no model (the model list), the same words are not about ours.
	assert heard(status, body, modelRequest=False) == (UNEXPECTED if status == 404 else serverError(status))


@pytest.mark.parametrize("status", [401, 403, 413, 501, 503])
def test_modelWordsWithOtherStatusesAreNotAnUnknownModel(status):
	assert not isinstance(httpError(status, openaiBody("Model not found")), errors.ModelNotFound)


@pytest.mark.parametrize(
	"message", ["File not found", "The resource does not exist", "404 page not found", "Not available now"]
)
def test_notFoundWithoutAModelIsNotAnUnknownModel(message):
	assert heard(404, openaiBody(message)) == UNEXPECTED
	assert heard(500, openaiBody(message)) == serverError(500)


@pytest.mark.parametrize(
	("status", "body", "sentence"),
	[
		(500, {"error": "model runner has unexpectedly stopped"}, serverError(500)),
		(400, openaiBody("The model produced invalid content."), serverError(400)),
		(422, {"detail": "model: field required"}, serverError(422)),
		(404, openaiBody("No route for model listing"), UNEXPECTED),
	],
)
def test_aMessageThatNamesTheModelWithoutSayingItIsMissing(status, body, sentence):
	assert heard(status, body) == sentence


# --- Ollama -------------------------------------------------------------------------------------


def test_ollamasOnly404ForAModelSaysPullIt():
	assert heard(404, {"error": "model 'llava' not found"}, provider="ollama") == NOT_INSTALLED
	assert heard(400, {"error": "model 'llava' not found"}, provider="ollama") == NOT_INSTALLED


@pytest.mark.parametrize(
	("body", "modelRequest"),
	[("404 page not found", True), ("", True), ({"error": "model 'llava' not found"}, False)],
)
def test_anyOther404MeansTheOllamaProviderReachedAnotherServer(body, modelRequest):
	assert heard(404, body, provider="ollama", modelRequest=modelRequest) == NOT_OLLAMA


def test_ollamasOtherStatusesAreNotAWrongServer():
	assert heard(500, {"error": "llama runner process has terminated"}, provider="ollama") == serverError(500)
	assert heard(400, {"error": "invalid options"}, provider="ollama") == serverError(400)


# --- What is left --------------------------------------------------------------------------------


def test_anUnknownFailureIsAServerErrorWithTheServersReason():
	body = {"error": {"message": "CUDA out of memory"}}
	assert (
		heard(500, body, reason="CUDA out of memory.")
		== "The server had a problem (error 500): CUDA out of memory."
	)
	assert heard(400, "Bad Request") == serverError(400)
	assert heard(599, body) == serverError(599)


@pytest.mark.parametrize("status", [200, 302, 399])
def test_aNonErrorStatusThatFailedIsUnexpected(status):
	assert heard(status, openaiBody("whatever")) == UNEXPECTED


# --- Errors inside a stream -------------------------------------------------------------------------


@pytest.mark.parametrize("code", [400, 503, 599])
def test_aStreamErrorWithAnHttpCodeIsToldLikeThatStatus(code):
	error = streamError("The server is overloaded", code, reason="The server is overloaded.")
	assert error.sentence == f"The server had a problem (error {code}): The server is overloaded."


@pytest.mark.parametrize("code", [399, 600, 0, "server_error", None])
def test_aStreamErrorWithAnyOtherCodeSpeaksTheReason(code):
	error = streamError("The server is overloaded", code, reason="The server is overloaded.")
	assert error.sentence == "The server reported a problem: The server is overloaded."
	assert streamError("", code).sentence == "The server reported a problem. Details are in the NVDA log."


def test_aStreamErrorCodeTakesTheHttpRoadWithTheSameProviderAndKey():
	assert streamError("Unauthorized", 401, keyPresent=False).sentence == KEY_MISSING
	assert streamError("model 'llava' not found", 404, provider="ollama").sentence == NOT_INSTALLED
	assert streamError("model 'llava' not found", 404).sentence == UNKNOWN_MODEL


@pytest.mark.parametrize(
	("message", "code"), [("Please slow down", "rate_limit_exceeded"), ("Rate limit reached", None)]
)
def test_aRateLimitInAStreamSaysWait(message, code):
	error = streamError(message, code)
	assert error.sentence == RATE_LIMITED and error.retryAfter is None


def test_aQuotaInAStreamIsTheQuotaEvenWhenItIsARateLimit():
	assert streamError("Rate limit: insufficient credits", "rate_limit_exceeded").sentence == QUOTA
	assert streamError("You exceeded your current quota").sentence == QUOTA
	assert streamError("That", "insufficient_quota").sentence == QUOTA


def test_aStreamErrorsOwnWordsStillCount():
	assert streamError("maximum context length is 8192 tokens").sentence == TOO_LONG


# --- Through a real socket ----------------------------------------------------------------------------


@pytest.mark.parametrize(
	("reply", "sentence"),
	[
		(openaiError("Invalid API key", 403), KEY_REFUSED),
		(Reply.json({"detail": "Model llava not found"}, 422), UNKNOWN_MODEL),
		(
			openaiError("You exceeded your current quota.", 429, code="insufficient_quota"),
			QUOTA,
		),
		(Reply.json({"error": "Payment Required"}, 403), QUOTA),
	],
)
def test_theClientSpeaksTheMappedSentence(noThreadLeak, reply, sentence):
	key = "sk-mapping-0123456789"
	with FakeOpenAI(models={MODEL: True}, apiKey=key) as server:
		server.queueChat(reply)
		config = EndpointConfig(
			provider="openaiCompatible", baseUrl=server.url + "/v1", model=MODEL, apiKey=key
		)
		with createClient(config) as client, pytest.raises(errors.VisionDescriberError) as caught:
			list(client.stream(conversationWithPicture()))
	assert caught.value.sentence == sentence
