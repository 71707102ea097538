"""The OpenAI-compatible client against fake servers speaking the flavours met in the wild."""

import base64
import logging
import time

import pytest
from clientHelpers import PICTURE, Worker, conversationWithPicture, finishedOf, reasoningOf, textOf, waitUntil
from servers.fakeOpenAI import FakeOpenAI, openaiError, sseEvent, sseLines, sseReply
from servers.httpServer import Delay, Disconnect, Reply, Stall
from visionDescriberCore import errors
from visionDescriberCore.cancellation import CancelToken
from visionDescriberCore.clients import EndpointConfig, OpenAIChatClient, createClient

KEY = "sk-test-0123456789abcdef"


def client(server, provider="openaiCompatible", **options) -> OpenAIChatClient:
	options.setdefault("model", "gpt-4o-mini")
	options.setdefault("apiKey", KEY)
	baseUrl = options.pop("baseUrl", server.url + "/v1")
	return createClient(EndpointConfig(provider=provider, baseUrl=baseUrl, **options))


def streamAll(client, conversation=None, token=None):
	return list(client.stream(conversation or conversationWithPicture(), token))


# --- What goes on the wire -----------------------------------------------------------------------


def test_request_has_data_uri_detail_usage_and_bearer_key(openai):
	with client(openai, maxTokens=400, temperature=0.3, imageDetail="low") as openaiClient:
		events = streamAll(openaiClient, conversationWithPicture("What is this?", "Be brief."))
	assert textOf(events) == "A small black square on a white background."
	assert finishedOf(events).usage == {"promptTokens": 95, "completionTokens": 4, "totalTokens": 99}
	request = openai.chatRequests()[0]
	assert request.header("authorization") == f"Bearer {KEY}"
	assert request.header("api-key") is None
	body = request.json
	assert body["stream"] is True
	assert body["stream_options"] == {"include_usage": True}
	assert body["max_completion_tokens"] == 400
	assert "max_tokens" not in body
	assert body["temperature"] == 0.3
	assert body["messages"][0] == {"role": "system", "content": "Be brief."}
	image, question = body["messages"][1]["content"]
	assert question == {"type": "text", "text": "What is this?"}
	assert image["image_url"]["detail"] == "low"
	url = image["image_url"]["url"]
	assert url.startswith("data:image/png;base64,")
	assert base64.b64decode(url.split(",", 1)[1]) == PICTURE.data


def test_no_authorization_header_without_a_key(noThreadLeak):
	with FakeOpenAI() as server, client(server, apiKey=None) as openaiClient:
		streamAll(openaiClient)
	assert server.chatRequests()[0].header("authorization") is None


def test_base_url_without_v1_gets_it(noThreadLeak):
	with FakeOpenAI() as server, client(server, apiKey=None, baseUrl=server.url) as openaiClient:
		assert textOf(streamAll(openaiClient))
	assert server.chatRequests()[0].path == "/v1/chat/completions"


def test_follow_up_sends_history_and_the_same_image(openai):
	conversation = conversationWithPicture()
	with client(openai) as openaiClient:
		answer = textOf(streamAll(openaiClient, conversation))
		conversation.addAssistantTurn(answer)
		conversation.addUserTurn("Any text in it?")
		streamAll(openaiClient, conversation)
	first, second = (request.json["messages"] for request in openai.chatRequests())
	assert second[0] == first[0]
	assert second[1] == {"role": "assistant", "content": answer}
	assert second[2] == {"role": "user", "content": "Any text in it?"}


def test_server_that_only_knows_max_tokens(noThreadLeak):
	with (
		FakeOpenAI(legacyMaxTokens=True) as server,
		client(server, apiKey=None, maxTokens=200) as openaiClient,
	):
		assert textOf(streamAll(openaiClient))
		assert textOf(streamAll(openaiClient))
	bodies = [request.json for request in server.chatRequests()]
	assert len(bodies) == 3  # refused once, then remembered
	assert bodies[0]["max_completion_tokens"] == 200
	assert bodies[1]["max_tokens"] == 200 and "max_completion_tokens" not in bodies[1]
	assert bodies[2]["max_tokens"] == 200


def test_reasoning_model_refusing_temperature_gets_it_dropped(openai):
	with client(openai, model="o4-mini", temperature=0.2, maxTokens=500) as openaiClient:
		assert textOf(streamAll(openaiClient))
	first, second = (request.json for request in openai.chatRequests())
	assert first["temperature"] == 0.2
	assert "temperature" not in second
	assert second["max_completion_tokens"] == 500


def test_azure_deployment_uses_api_key_header_and_version(noThreadLeak):
	with FakeOpenAI(apiKey=KEY, flavour="azure", prefix="/openai/deployments/vision-dep") as server:
		with client(server, provider="azure", baseUrl=server.url, model="vision-dep") as openaiClient:
			events = streamAll(openaiClient)
		assert textOf(events) == "A small black square on a white background."
		request = server.chatRequests()[0]
	assert request.header("api-key") == KEY
	assert request.header("authorization") is None
	assert request.query["api-version"] == ["2024-10-21"]


def test_azure_wrong_key(noThreadLeak):
	with (
		FakeOpenAI(apiKey=KEY, flavour="azure", prefix="/openai/deployments/dep") as server,
		client(server, provider="azure", baseUrl=server.url, model="dep", apiKey="wrong") as openaiClient,
		pytest.raises(errors.AuthenticationFailed) as caught,
	):
		streamAll(openaiClient)
	assert not caught.value.keyMissing


# --- Stream flavours -------------------------------------------------------------------------------


@pytest.mark.parametrize("flavour", ["openai", "openrouter", "llamacpp", "azure", "ollama"])
def test_each_flavour_streams_the_answer_without_reasoning(noThreadLeak, flavour):
	with FakeOpenAI() as server:
		server.queueChat(sseReply(["Two", " cats."], reasoning=["Hmm,", " fur."], flavour=flavour))
		with client(server, apiKey=None) as openaiClient:
			events = streamAll(openaiClient)
	assert textOf(events) == "Two cats."
	assert reasoningOf(events) == "Hmm, fur."
	assert finishedOf(events).reason == "stop"


def test_utf8_split_across_network_chunks(openai):
	event = sseEvent(
		{"choices": [{"index": 0, "delta": {"content": "Crème brûlée \u2028 ☕"}, "finish_reason": None}]}
	)
	split = event.index("è".encode()) + 1  # in the middle of a two-byte character
	body = [
		event[:split],
		Delay(0.05),
		event[split:],
		sseEvent({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}),
		sseEvent("[DONE]"),
	]
	openai.queueChat(Reply(200, body, "text/event-stream"))
	with client(openai) as openaiClient:
		assert textOf(streamAll(openaiClient)) == "Crème brûlée \u2028 ☕"


def test_server_that_ignores_stream_and_sends_one_json(openai):
	openai.queueChat(
		Reply.json(
			{
				"object": "chat.completion",
				"choices": [
					{
						"index": 0,
						"message": {"role": "assistant", "content": "All at once."},
						"finish_reason": "stop",
					}
				],
			}
		)
	)
	with client(openai) as openaiClient:
		assert textOf(streamAll(openaiClient)) == "All at once."


# --- Models and check ------------------------------------------------------------------------------


def test_openai_model_list_uses_family_names(openai):
	with client(openai, provider="openai", baseUrl=openai.url + "/v1") as openaiClient:
		models = {model.name: model.vision for model in openaiClient.listModels()}
	assert models == {"gpt-3.5-turbo": False, "gpt-4o-mini": True, "o4-mini": True}


@pytest.mark.parametrize("flavour", ["openrouter", "lmstudio"])
def test_compatible_model_lists_with_vision_flags(noThreadLeak, flavour):
	models = {"gemma-3-4b-it": True, "qwen3-8b": False}
	with FakeOpenAI(models=models, flavour=flavour) as server, client(server, apiKey=None) as openaiClient:
		models = {model.name: model.vision for model in openaiClient.listModels()}
	assert models == {"gemma-3-4b-it": True, "qwen3-8b": False}


@pytest.mark.parametrize("vision", [True, False])
def test_llamacpp_props_say_whether_the_model_sees(noThreadLeak, vision):
	models = {"gemma-3-4b-it-Q4_K_M.gguf": vision}
	with FakeOpenAI(models=models, flavour="llamacpp") as server, client(server, apiKey=None) as openaiClient:
		[model] = openaiClient.listModels()
	assert model.vision is vision
	assert server.requestsTo("/props")


def test_check_reports_the_model_and_a_test_picture(openai):
	lines = []
	with client(openai, provider="openai", baseUrl=openai.url + "/v1") as openaiClient:
		report = openaiClient.check(onLine=lines.append)
	assert lines[0] == f"Connected to {openai.url}/v1; it offers 3 models."
	assert lines[1] == "The model gpt-4o-mini is offered and can see images."
	assert lines[2].startswith("The model answered a test picture in ")
	assert report.vision is True
	assert openai.chatRequests()[-1].json["max_completion_tokens"] == 64


def test_check_of_a_text_only_model_sends_no_picture(openai):
	textModel = client(openai, provider="openai", baseUrl=openai.url + "/v1", model="gpt-3.5-turbo")
	with textModel, pytest.raises(errors.ModelCannotSee):
		textModel.check()
	assert openai.chatRequests() == []


def test_check_finds_a_non_vision_model_through_the_test_picture(noThreadLeak):
	with (
		FakeOpenAI(models={"text-model": False}) as server,
		client(server, apiKey=None, model="text-model") as openaiClient,
		pytest.raises(errors.ModelCannotSee),
	):
		openaiClient.check()


def test_check_with_a_bad_key(openai):
	with (
		client(openai, apiKey="sk-wrong-key-123456") as openaiClient,
		pytest.raises(errors.AuthenticationFailed) as caught,
	):
		openaiClient.check()
	assert caught.value.sentence == "The server refused the API key. Check or replace the key in settings."


# --- Errors ------------------------------------------------------------------------------------------


def test_missing_key(openai):
	with client(openai, apiKey=None) as openaiClient, pytest.raises(errors.AuthenticationFailed) as caught:
		streamAll(openaiClient)
	assert caught.value.keyMissing
	assert caught.value.sentence == "This server needs an API key. Add one in Vision Describer settings."


def test_unknown_model(openai):
	with client(openai, model="gpt-9") as openaiClient, pytest.raises(errors.ModelNotFound) as caught:
		streamAll(openaiClient)
	assert (
		caught.value.sentence == "The server does not know the model gpt-9. Choose another model in settings."
	)


def test_image_to_a_text_model(openai):
	with client(openai, model="gpt-3.5-turbo") as openaiClient, pytest.raises(errors.ModelCannotSee):
		streamAll(openaiClient)


def test_llamacpp_without_mmproj(noThreadLeak):
	with (
		FakeOpenAI(models={"m": False}, flavour="llamacpp") as server,
		client(server, apiKey=None, model="m") as openaiClient,
		pytest.raises(errors.ModelCannotSee),
	):
		streamAll(openaiClient)


ERROR_CASES = [
	(
		openaiError("Insufficient credits. Add more using https://openrouter.ai/credits", 402, code=402),
		errors.QuotaExceeded,
	),
	(
		openaiError(
			"You exceeded your current quota, please check your plan and billing details.",
			429,
			type="insufficient_quota",
			code="insufficient_quota",
		),
		errors.QuotaExceeded,
	),
	(
		openaiError(
			"Country, region, or territory not supported", 403, code="unsupported_country_region_territory"
		),
		errors.PermissionDenied,
	),
	(
		Reply.text(
			"<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
			413,
			"text/html",
		),
		errors.ImageTooLarge,
	),
	(
		openaiError(
			"The server had an error while processing your request. Sorry about that!",
			500,
			type="server_error",
		),
		errors.ServerError,
	),
	(Reply.text("<html><body><h1>502 Bad Gateway</h1></body></html>", 502, "text/html"), errors.ServerError),
	(
		Reply.text("<!DOCTYPE html><html><body>Not here</body></html>", 404, "text/html"),
		errors.UnexpectedResponse,
	),
	(
		Reply.json(
			[
				{
					"error": {
						"code": 400,
						"message": "API key not valid. Please pass a valid API key.",
						"status": "INVALID_ARGUMENT",
					}
				}
			],
			400,
		),
		errors.AuthenticationFailed,
	),
	(
		Reply.json(
			{
				"object": "error",
				"message": "The model `llava` does not exist.",
				"type": "NotFoundError",
				"param": None,
				"code": 404,
			},
			404,
		),
		errors.ModelNotFound,
	),
	(
		Reply.json(
			{
				"error": {
					"code": 404,
					"message": "No models loaded. Please load a model in the developer page or use the `lms load` command.",
					"type": "invalid_request_error",
				}
			},
			404,
		),
		errors.ModelNotFound,
	),
	(
		openaiError(
			"This model's maximum context length is 128000 tokens. However, your messages resulted in 130412 tokens.",
			400,
			code="context_length_exceeded",
		),
		errors.ContextTooLong,
	),
]


@pytest.mark.parametrize(("reply", "errorType"), ERROR_CASES)
def test_error_statuses_with_their_real_bodies(openai, reply, errorType):
	openai.queueChat(reply)
	with client(openai) as openaiClient, pytest.raises(errorType) as caught:
		streamAll(openaiClient)
	sentence = caught.value.sentence
	assert "{" not in sentence and "<" not in sentence and "nginx" not in sentence
	assert caught.value.detail  # the body went to the log detail instead


def test_short_retry_after_is_retried_once_automatically(openai):
	limited = openaiError(
		"Rate limit reached for gpt-4o-mini", 429, type="requests", code="rate_limit_exceeded"
	)
	limited.headers["retry-after-ms"] = "150"
	openai.queueChat(limited)
	with client(openai) as openaiClient:
		started = time.perf_counter()
		assert textOf(streamAll(openaiClient))
		assert time.perf_counter() - started >= 0.15
	assert len(openai.chatRequests()) == 2


def test_only_one_automatic_retry(openai):
	for _ in range(2):
		limited = openaiError("Rate limit reached", 429, code="rate_limit_exceeded")
		limited.headers["Retry-After"] = "0"
		openai.queueChat(limited)
	with client(openai) as openaiClient, pytest.raises(errors.RateLimited):
		streamAll(openaiClient)
	assert len(openai.chatRequests()) == 2


def test_long_retry_after_is_not_waited_for(openai):
	limited = openaiError("Rate limit reached", 429, code="rate_limit_exceeded")
	limited.headers["Retry-After"] = "42"
	openai.queueChat(limited)
	with client(openai) as openaiClient, pytest.raises(errors.RateLimited) as caught:
		streamAll(openaiClient)
	assert caught.value.retryAfter == 42
	assert caught.value.sentence == "Too many requests. Try again in 42 seconds."
	assert len(openai.chatRequests()) == 1


def test_cancel_during_the_retry_wait(openai):
	limited = openaiError("Rate limit reached", 429, code="rate_limit_exceeded")
	limited.headers["Retry-After"] = "4"
	openai.queueChat(limited)
	token = CancelToken()
	with client(openai) as openaiClient:
		worker = Worker(lambda: streamAll(openaiClient, token=token))
		openai.waitForRequests(1)
		time.sleep(0.1)
		token.cancel()
		worker.join(2)
	assert isinstance(worker.error, errors.Cancelled)
	assert len(openai.chatRequests()) == 1


def test_error_inside_a_200_stream_keeps_the_text(openai):
	body = sseLines(["Half", " an"], done=False, finishReason=None, usage=False)
	body.append(
		sseEvent(
			{"error": {"message": "Provider returned error", "code": 502, "metadata": {"raw": "upstream"}}}
		)
	)
	openai.queueChat(Reply(200, body, "text/event-stream"))
	with client(openai) as openaiClient, pytest.raises(errors.ServerError) as caught:
		streamAll(openaiClient)
	assert caught.value.partialText == "Half an"
	assert caught.value.status == 502


def test_old_llamacpp_error_line(openai):
	body = sseLines(["Some"], done=False, finishReason=None, usage=False)
	body.append(
		b'error: {"code":500,"message":"Input prompt is too big compared to KV size.","type":"server_error"}\n\n'
	)
	openai.queueChat(Reply(200, body, "text/event-stream"))
	with client(openai) as openaiClient, pytest.raises(errors.VisionDescriberError) as caught:
		streamAll(openaiClient)
	assert isinstance(caught.value, errors.ServerError)
	assert caught.value.partialText == "Some"


def test_stream_without_done_or_finish_reason_is_cut_short(openai):
	openai.queueChat(
		Reply(200, sseLines(["Cut", " off"], finishReason=None, done=False), "text/event-stream")
	)
	with client(openai) as openaiClient, pytest.raises(errors.StreamCutShort) as caught:
		streamAll(openaiClient)
	assert caught.value.partialText == "Cut off"


def test_disconnect_in_the_middle(openai):
	reply = sseReply()
	reply.body.insert(3, Disconnect())
	openai.queueChat(reply)
	with client(openai) as openaiClient, pytest.raises(errors.StreamCutShort) as caught:
		streamAll(openaiClient)
	assert caught.value.partialText == "A small black square"


def test_stall_in_the_middle(openai):
	reply = sseReply()
	reply.body.insert(3, Stall())
	openai.queueChat(reply)
	with client(openai, readTimeout=0.3) as openaiClient, pytest.raises(errors.TimedOut) as caught:
		streamAll(openaiClient)
	assert caught.value.phase == errors.TimedOut.STREAM
	assert caught.value.partialText == "A small black square"


def test_malformed_event(openai):
	openai.queueChat(Reply(200, [sseLines()[0], b'data: {"choices": [{"delta"\n\n'], "text/event-stream"))
	with client(openai) as openaiClient, pytest.raises(errors.UnexpectedResponse):
		streamAll(openaiClient)


def test_html_with_status_200(openai):
	openai.queueChat(Reply.text("<html><body>Wi-Fi login</body></html>", 200, "text/html; charset=utf-8"))
	with client(openai) as openaiClient, pytest.raises(errors.UnexpectedResponse) as caught:
		streamAll(openaiClient)
	assert "Check the address" in caught.value.sentence


# --- Keys ------------------------------------------------------------------------------------------


def test_key_never_reaches_messages_details_reprs_or_logs(noThreadLeak, caplog):
	secret = "sk-proj-SECRET-abcdefghijklmnop"
	with FakeOpenAI(apiKey="sk-other") as server:
		# A misbehaving proxy that echoes the whole header back.
		server.queueChat(
			Reply.json({"error": {"message": f"bad header Authorization: Bearer {secret}"}}, 401)
		)
		config = EndpointConfig(
			provider="openai", baseUrl=server.url + "/v1", model="gpt-4o-mini", apiKey=secret
		)
		caplog.set_level(logging.DEBUG, logger="visionDescriber")
		with createClient(config) as openaiClient:
			with pytest.raises(errors.AuthenticationFailed) as caught:
				streamAll(openaiClient)
			with pytest.raises(errors.AuthenticationFailed) as second:
				openaiClient.listModels()
			texts = [repr(config), str(config), repr(openaiClient)]
	assert server.chatRequests()[0].header("authorization") == f"Bearer {secret}"  # it was sent...
	for error in (caught.value, second.value):
		texts += [str(error), error.sentence, error.detail, repr(error), str(error.args)]
	texts += [record.getMessage() for record in caplog.records]
	assert caplog.records  # the failure was logged
	for text in texts:
		assert secret not in text  # ...but never written anywhere


def test_key_with_spaces_inside_is_refused_before_sending(openai):
	with (
		client(openai, apiKey="sk-abc def") as openaiClient,
		pytest.raises(errors.AuthenticationFailed) as caught,
	):
		streamAll(openaiClient)
	assert caught.value.keyMalformed
	assert openai.requests == []


def test_key_is_not_sent_over_plain_http_to_another_computer(noThreadLeak):
	# 192.0.2.1 is reserved for documentation: the client must refuse before connecting anywhere.
	config = EndpointConfig(
		provider="openaiCompatible",
		baseUrl="http://192.0.2.1:8080/v1",
		model="m",
		apiKey=KEY,
		connectTimeout=0.2,
	)
	with createClient(config) as openaiClient, pytest.raises(errors.InsecureConnection) as caught:
		streamAll(openaiClient)
	assert "192.0.2.1" in caught.value.sentence


@pytest.mark.parametrize(
	("provider", "header"), [("openaiCompatible", "authorization"), ("azure", "api-key")]
)
def test_cross_host_redirect_drops_the_key(noThreadLeak, provider, header):
	prefix = "/v1" if provider != "azure" else "/openai/deployments/gpt-4o-mini"
	flavour = "azure" if provider == "azure" else "openai"
	with FakeOpenAI(host="127.0.0.2", flavour=flavour, prefix=prefix) as target:
		with FakeOpenAI(apiKey=KEY) as origin:
			location = (
				target.url
				+ prefix
				+ "/chat/completions"
				+ ("?api-version=2024-10-21" if provider == "azure" else "")
			)
			origin.enqueue(
				"POST", prefix + "/chat/completions", Reply(307, [], None, {"Location": location}, "length")
			)
			baseUrl = origin.url + prefix if provider == "azure" else origin.url + "/v1"
			with client(origin, provider=provider, baseUrl=baseUrl) as openaiClient:
				assert textOf(streamAll(openaiClient))
		assert origin.requests[0].header(header) == (KEY if header == "api-key" else f"Bearer {KEY}")
		redirected = target.chatRequests()[0]
	assert redirected.header("authorization") is None
	assert redirected.header("api-key") is None
	assert redirected.json["model"] == "gpt-4o-mini"  # the body followed (307 keeps the method and body)


def test_same_host_redirect_keeps_the_key(openai):
	openai.enqueue(
		"POST", "/old/chat/completions", Reply(308, [], None, {"Location": "/v1/chat/completions"}, "length")
	)
	with client(openai, baseUrl=openai.url + "/old") as openaiClient:
		assert textOf(streamAll(openaiClient))
	assert openai.chatRequests()[0].header("authorization") == f"Bearer {KEY}"


# --- Cancellation ----------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["beforeHeaders", "midStream"])
def test_cancel_closes_the_socket_at_once(openai, where):
	reply = sseReply()
	if where == "beforeHeaders":
		reply.beforeHeaders = [Stall(timeout=30)]
	else:
		reply.body.insert(2, Stall(timeout=30))
	openai.queueChat(reply)
	token = CancelToken()
	with client(openai, readTimeout=30) as openaiClient:
		worker = Worker(lambda: streamAll(openaiClient, token=token))
		request = openai.waitForRequests(1)[0]
		time.sleep(0.1)
		token.cancel()
		worker.join(5)
		waitUntil(lambda: request.finishedAt is not None)
	assert isinstance(worker.error, errors.Cancelled)
	assert request.clientClosedAt is not None
	if where == "midStream":
		assert worker.error.partialText == "A small"
