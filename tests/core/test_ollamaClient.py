"""The Ollama client against a protocol-faithful fake Ollama on 127.0.0.1, with real sockets."""

import base64
import time

import pytest
from clientHelpers import PICTURE, Worker, conversationWithPicture, finishedOf, reasoningOf, textOf, waitUntil
from servers.fakeOllama import FakeOllama, ndjsonLine, ollamaError, ollamaLines, ollamaReply
from servers.httpServer import Delay, Disconnect, Reply, Stall, freePort
from visionDescriberCore import errors
from visionDescriberCore.cancellation import CancelToken
from visionDescriberCore.clients import EndpointConfig, OllamaClient, createClient


def client(server, **options) -> OllamaClient:
	options.setdefault("model", "gemma3:4b")
	return createClient(EndpointConfig(provider="ollama", baseUrl=server.url, **options))


def streamAll(client, conversation=None, token=None):
	return list(client.stream(conversation or conversationWithPicture(), token))


# --- What goes on the wire -----------------------------------------------------------------------


def test_request_has_bare_base64_image_think_false_and_no_key(ollama):
	with client(ollama) as ollamaClient:
		events = streamAll(ollamaClient, conversationWithPicture("What is this?", "Be brief."))
	assert textOf(events) == "A small black square sits in the middle of a white picture."
	assert finishedOf(events).reason == "stop"
	request = ollama.chatRequests()[0]
	body = request.json
	assert body["model"] == "gemma3:4b"
	assert body["stream"] is True
	assert body["think"] is False
	assert "keep_alive" not in body and "options" not in body
	assert body["messages"][0] == {"role": "system", "content": "Be brief."}
	image = body["messages"][1]["images"][0]
	assert not image.startswith("data:")
	assert base64.b64decode(image) == PICTURE.data
	assert request.header("authorization") is None
	assert request.header("content-type") == "application/json"


def test_keep_alive_and_options_come_from_settings(ollama):
	with client(ollama, keepAlive="30m", numCtx=8192, maxTokens=300, temperature=0.2) as ollamaClient:
		streamAll(ollamaClient)
	body = ollama.chatRequests()[0].json
	assert body["keep_alive"] == "30m"
	assert body["options"] == {"num_ctx": 8192, "num_predict": 300, "temperature": 0.2}


def test_key_is_sent_to_ollama_only_when_configured(ollama):
	with client(ollama, apiKey="  ollama-cloud-key\n") as ollamaClient:
		streamAll(ollamaClient)
	assert ollama.chatRequests()[0].header("authorization") == "Bearer ollama-cloud-key"


def test_follow_up_resends_the_stored_image_bytes(ollama):
	conversation = conversationWithPicture()
	with client(ollama) as ollamaClient:
		answer = textOf(streamAll(ollamaClient, conversation))
		conversation.addAssistantTurn(answer)
		conversation.addUserTurn("What colour is the square?")
		streamAll(ollamaClient, conversation)
	first, second = (request.json["messages"] for request in ollama.chatRequests())
	assert second[0]["images"] == first[0]["images"]
	assert [message["role"] for message in second] == ["user", "assistant", "user"]
	assert second[1]["content"] == answer
	assert "images" not in second[2]


def test_thinking_is_reasoning_not_answer(ollama):
	ollama.queueChat(ollamaReply(["The answer."], thinking=["Looking", " closely."]))
	with client(ollama, think=True, model="qwen2.5vl:7b") as ollamaClient:
		ollama.models["qwen2.5vl:7b"].append("thinking")
		events = streamAll(ollamaClient)
	assert ollama.chatRequests()[0].json["think"] is True
	assert reasoningOf(events) == "Looking closely."
	assert textOf(events) == "The answer."


def test_warm_up_loads_the_model_with_empty_messages(ollama):
	with client(ollama, keepAlive=-1) as ollamaClient:
		ollamaClient.warmUp()
	body = ollama.chatRequests()[0].json
	assert body == {"model": "gemma3:4b", "messages": [], "stream": False, "keep_alive": -1}


def test_warm_up_of_a_missing_model_says_how_to_pull_it(ollama):
	with client(ollama, model="llava:13b") as ollamaClient, pytest.raises(errors.ModelNotFound) as caught:
		ollamaClient.warmUp()
	assert caught.value.sentence == "The model llava:13b is not installed. Run: ollama pull llava:13b"


# --- Models and check ------------------------------------------------------------------------------


def test_list_models_marks_vision_from_capabilities(ollama):
	with client(ollama) as ollamaClient:
		models = {model.name: model.vision for model in ollamaClient.listModels()}
	assert models == {"gemma3:4b": True, "llama3.2:3b": False, "qwen2.5vl:7b": True, "qwen3:8b": False}


def test_one_broken_model_does_not_hide_the_others(ollama):
	ollama.enqueue("POST", "/api/show", ollamaError("failed to read model manifest", 500))
	with client(ollama) as ollamaClient:
		models = {model.name: model.vision for model in ollamaClient.listModels()}
	assert models == {"gemma3:4b": None, "llama3.2:3b": False, "qwen2.5vl:7b": True, "qwen3:8b": False}


def test_old_ollama_without_capabilities_falls_back_to_families(noThreadLeak):
	with FakeOllama(reportsCapabilities=False) as server, client(server) as ollamaClient:
		models = {model.name: model.vision for model in ollamaClient.listModels()}
	assert models["gemma3:4b"] is True  # a clip projector
	assert models["llama3.2:3b"] is None  # unknown, not "no"


def test_check_reports_version_model_and_a_test_picture(ollama):
	lines = []
	with client(ollama) as ollamaClient:
		report = ollamaClient.check(onLine=lines.append)
	assert report.serverVersion == "0.12.6"
	assert report.vision is True
	assert lines == report.lines
	assert lines[0] == f"Ollama 0.12.6 is running at {ollama.url}."
	assert lines[1] == "The model gemma3:4b is installed and can see images."
	assert lines[2].startswith("The model answered a test picture in ")
	probe = ollama.chatRequests()[-1].json
	assert probe["options"]["num_predict"] == 64
	assert base64.b64decode(probe["messages"][0]["images"][0]).startswith(b"\x89PNG")


def test_check_of_a_text_only_model_says_it_cannot_see(ollama):
	with client(ollama, model="llama3.2:3b") as ollamaClient, pytest.raises(errors.ModelCannotSee) as caught:
		ollamaClient.check()
	assert "cannot see images" in caught.value.sentence
	assert ollama.chatRequests() == []  # no picture sent to a model that cannot see


def test_check_without_a_model_lists_the_vision_models(ollama):
	lines = []
	with client(ollama, model="") as ollamaClient, pytest.raises(errors.ModelNotChosen):
		ollamaClient.check(onLine=lines.append)
	assert lines[-1] == "Installed models that can see images: gemma3:4b, qwen2.5vl:7b."


def test_check_of_a_missing_model(ollama):
	with client(ollama, model="minicpm-v") as ollamaClient, pytest.raises(errors.ModelNotFound) as caught:
		ollamaClient.check()
	assert "ollama pull minicpm-v" in caught.value.sentence


# --- Faults ------------------------------------------------------------------------------------------


def test_refused_connection_names_the_address(noThreadLeak):
	url = f"http://127.0.0.1:{freePort()}"
	ollamaClient = createClient(EndpointConfig(baseUrl=url, model="gemma3"))
	with pytest.raises(errors.ServerUnreachable) as caught:
		streamAll(ollamaClient)
	assert (
		caught.value.sentence
		== f"Ollama is not running at {url}. Start Ollama, or check the address in settings."
	)


def test_slow_first_byte_within_the_read_timeout_is_fine(ollama):
	reply = ollamaReply()
	reply.beforeHeaders = [Delay(0.3)]
	ollama.queueChat(reply)
	with client(ollama, readTimeout=5) as ollamaClient:
		assert textOf(streamAll(ollamaClient)).startswith("A small")


def test_slow_first_byte_beyond_the_read_timeout(ollama):
	reply = ollamaReply()
	reply.beforeHeaders = [Stall()]
	ollama.queueChat(reply)
	with client(ollama, readTimeout=0.3) as ollamaClient, pytest.raises(errors.TimedOut) as caught:
		streamAll(ollamaClient)
	assert caught.value.phase == errors.TimedOut.FIRST_RESPONSE
	assert caught.value.seconds == 0.3
	assert caught.value.sentence.startswith("The model did not start answering within 1 seconds.")


def test_stall_in_the_middle_times_out_keeping_the_text(ollama):
	reply = ollamaReply()
	reply.body.insert(2, Stall())
	ollama.queueChat(reply)
	with client(ollama, readTimeout=0.3) as ollamaClient, pytest.raises(errors.TimedOut) as caught:
		streamAll(ollamaClient)
	assert caught.value.phase == errors.TimedOut.STREAM
	assert caught.value.partialText == "A small black square"


@pytest.mark.parametrize("reset", [False, True])
def test_disconnect_in_the_middle_is_cut_short_with_the_text(ollama, reset):
	reply = ollamaReply()
	reply.body.insert(2, Disconnect(reset=reset))
	ollama.queueChat(reply)
	with client(ollama) as ollamaClient, pytest.raises(errors.StreamCutShort) as caught:
		streamAll(ollamaClient)
	assert caught.value.partialText == "A small black square"
	assert caught.value.sentence == "The answer was cut off before it finished."


def test_missing_done_line_is_cut_short(ollama):
	ollama.queueChat(Reply(200, ollamaLines(done=False), "application/x-ndjson"))
	with client(ollama) as ollamaClient, pytest.raises(errors.StreamCutShort) as caught:
		streamAll(ollamaClient)
	assert caught.value.partialText == "A small black square sits in the middle of a white picture."


def test_closed_before_any_answer(ollama):
	ollama.queueChat(Reply(beforeHeaders=[Disconnect()]))
	with client(ollama) as ollamaClient, pytest.raises(errors.StreamCutShort) as caught:
		streamAll(ollamaClient)
	assert caught.value.sentence == "The connection closed before any answer arrived."


def test_error_line_inside_a_200_stream(ollama):
	lines = ollamaLines(done=False)[:2] + [ndjsonLine({"error": "model runner has unexpectedly stopped"})]
	ollama.queueChat(Reply(200, lines, "application/x-ndjson"))
	with client(ollama) as ollamaClient, pytest.raises(errors.ServerError) as caught:
		streamAll(ollamaClient)
	assert caught.value.partialText == "A small black square"
	assert "unexpectedly stopped" in caught.value.detail
	# The server's own reason is spoken, made into a sentence.
	assert caught.value.sentence == "The server reported a problem: model runner has unexpectedly stopped."


def test_malformed_json_line(ollama):
	ollama.queueChat(Reply(200, [ollamaLines()[0], b'{"message": {"content": "x"\n'], "application/x-ndjson"))
	with client(ollama) as ollamaClient, pytest.raises(errors.UnexpectedResponse) as caught:
		streamAll(ollamaClient)
	assert caught.value.partialText == "A small"


def test_html_page_instead_of_ollama(ollama):
	ollama.queueChat(Reply.text("<html><body>Please sign in</body></html>", 200, "text/html"))
	with client(ollama) as ollamaClient, pytest.raises(errors.UnexpectedResponse):
		streamAll(ollamaClient)


@pytest.mark.parametrize(
	("reply", "errorType"),
	[
		(ollamaError("this model is missing data required for image input", 500), errors.ModelCannotSee),
		(
			ollamaError("server busy, please try again.  maximum pending requests exceeded", 503),
			errors.ServerError,
		),
		(
			ollamaError("model requires more system memory (12.3 GiB) than is available (7.1 GiB)", 500),
			errors.ServerError,
		),
		(ollamaError("illegal base64 data at input byte 4", 400), errors.ServerError),
		(Reply.text("404 page not found", 404), errors.NotAnOllamaServer),
		(
			Reply.text("<html><body><h1>502 Bad Gateway</h1></body></html>", 502, "text/html"),
			errors.ServerError,
		),
	],
)
def test_error_statuses(ollama, reply, errorType):
	ollama.queueChat(reply)
	with client(ollama) as ollamaClient, pytest.raises(errorType) as caught:
		streamAll(ollamaClient)
	assert "{" not in caught.value.sentence and "<" not in caught.value.sentence


def test_model_not_found_from_chat(ollama):
	with client(ollama, model="llava") as ollamaClient, pytest.raises(errors.ModelNotFound) as caught:
		streamAll(ollamaClient)
	assert caught.value.model == "llava"
	assert "ollama pull llava" in caught.value.sentence


def test_image_to_a_model_without_vision(ollama):
	with client(ollama, model="llama3.2:3b") as ollamaClient, pytest.raises(errors.ModelCannotSee):
		streamAll(ollamaClient)


def test_no_model_chosen(ollama):
	with client(ollama, model="") as ollamaClient, pytest.raises(errors.ModelNotChosen):
		streamAll(ollamaClient)
	assert ollama.requests == []


# --- Cancellation ----------------------------------------------------------------------------------


def cancelWhileBlocked(server, ollamaClient, conversation=None):
	token = CancelToken()
	worker = Worker(lambda: streamAll(ollamaClient, conversation, token))
	request = server.waitForRequests(1)[0]
	time.sleep(0.1)  # let the client block in its read
	token.cancel()
	worker.join(5)
	waitUntil(lambda: request.finishedAt is not None)
	return worker, request


def test_cancel_while_the_model_loads_closes_the_socket_at_once(ollama):
	reply = ollamaReply()
	reply.beforeHeaders = [Stall(timeout=30)]
	ollama.queueChat(reply)
	with client(ollama, readTimeout=30) as ollamaClient:
		worker, request = cancelWhileBlocked(ollama, ollamaClient)
	assert isinstance(worker.error, errors.Cancelled)
	# The server saw the connection close: the socket was shut, not left to the 30 s timeouts.
	assert request.clientClosedAt is not None


def test_cancel_in_the_middle_of_the_answer(ollama):
	reply = ollamaReply()
	reply.body.insert(1, Stall(timeout=30))
	ollama.queueChat(reply)
	with client(ollama, readTimeout=30) as ollamaClient:
		worker, request = cancelWhileBlocked(ollama, ollamaClient)
	assert isinstance(worker.error, errors.Cancelled)
	assert worker.error.partialText == "A small"
	assert request.clientClosedAt is not None


def test_cancel_before_start_sends_nothing(ollama):
	token = CancelToken()
	token.cancel()
	with client(ollama) as ollamaClient, pytest.raises(errors.Cancelled):
		streamAll(ollamaClient, token=token)
	assert ollama.requests == []


def test_client_works_again_after_a_cancel(ollama):
	reply = ollamaReply()
	reply.body.insert(1, Stall(timeout=30))
	ollama.queueChat(reply)
	with client(ollama, readTimeout=30) as ollamaClient:
		cancelWhileBlocked(ollama, ollamaClient)
		assert textOf(streamAll(ollamaClient)).startswith("A small")


def test_loopback_ignores_system_proxies(ollama, monkeypatch):
	deadProxy = f"http://127.0.0.1:{freePort()}"
	for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
		monkeypatch.setenv(name, deadProxy)
	monkeypatch.delenv("NO_PROXY", raising=False)
	monkeypatch.delenv("no_proxy", raising=False)
	with client(ollama) as ollamaClient:
		assert textOf(streamAll(ollamaClient)).startswith("A small")
