"""Issue 16, in the clients: every bad address and every server fault ends in its own sentence, never a
traceback. Real sockets against the fake servers on 127.0.0.1."""

import logging

import pytest
from clientHelpers import conversationWithPicture, textOf
from servers.fakeOllama import FakeOllama, ndjsonLine, ollamaLines, ollamaReply
from servers.fakeOpenAI import FakeOpenAI, sseEvent, sseLines
from servers.httpServer import Disconnect, Reply, Stall, freePort
from visionDescriberCore import errors
from visionDescriberCore.clients import EndpointConfig, createClient
from visionDescriberCore.clients.endpoint import addressProblem, displayUrl, hostOf, normalizeBaseUrl
from visionDescriberCore.clients.probe import probeSentence, spokenDuration
from visionDescriberCore.settings import Settings, keyTravelsUnencrypted

KEY = "sk-fault-secret-0123456789"


def streamAll(client):
	return list(client.stream(conversationWithPicture()))


# --- Addresses ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
	("address", "reason"),
	[
		("http://[::1", errors.InvalidAddress.SHAPE),
		("http://[zz]:80", errors.InvalidAddress.SHAPE),
		("http://127.0.0.1:99999", errors.InvalidAddress.PORT),
		("http://127.0.0.1:abc", errors.InvalidAddress.PORT),
		("http://127.0.0.1:0", errors.InvalidAddress.PORT),
		("ftp://x", errors.InvalidAddress.SCHEME),
		("ws://127.0.0.1:11434", errors.InvalidAddress.SCHEME),
		("file:///home/me/picture.png", errors.InvalidAddress.SCHEME),
		("http://", errors.InvalidAddress.SHAPE),
		("http://my server:11434", errors.InvalidAddress.SHAPE),
		("http://a$b:11434", errors.InvalidAddress.SHAPE),
		("https://me:hunter2@example.com/v1", errors.InvalidAddress.CREDENTIALS),
		("", errors.InvalidAddress.MISSING),
	],
)
def test_a_bad_address_is_refused_before_anything_is_sent(address, reason, noThreadLeak):
	assert addressProblem(address) == reason
	with pytest.raises(errors.InvalidAddress) as caught:
		createClient(EndpointConfig(provider="openaiCompatible", baseUrl=address or " ", model="m"))
	assert caught.value.reason == reason
	assert "hunter2" not in caught.value.sentence + caught.value.detail
	# The helpers that speak, log and compare addresses take it without raising.
	assert "hunter2" not in displayUrl(address)
	hostOf(address)
	normalizeBaseUrl(address, "ollama")
	assert keyTravelsUnencrypted(address) in (True, False)


def test_the_settings_and_the_clients_say_the_same_about_an_address():
	for address, reason in (
		("http://[::1", errors.InvalidAddress.SHAPE),
		("http://127.0.0.1:99999", errors.InvalidAddress.PORT),
		("ws://127.0.0.1", errors.InvalidAddress.SCHEME),
	):
		[problem] = Settings(baseUrl=address).cleaned().problems()
		assert (problem.field, problem.sentence) == ("baseUrl", errors.InvalidAddress(reason).sentence)
	assert errors.InvalidAddress(errors.InvalidAddress.SCHEME).sentence == (
		"The server address must start with http:// or https://."
	)


@pytest.mark.parametrize(
	"address", ["http://127.0.0.1:11434", "https://[::1]:8443/v1", "http://gpu-box.local:8080"]
)
def test_good_addresses_have_no_problem(address):
	assert addressProblem(address) is None


def test_azure_without_an_address_says_so_instead_of_listing_no_models():
	with pytest.raises(errors.InvalidAddress) as caught:
		createClient(EndpointConfig(provider="azure", model="my-deployment"))
	assert caught.value.sentence == "No server address is set. Enter one in settings."


# --- Connections --------------------------------------------------------------------------------


def test_a_refused_connection_on_this_computer_says_no_server_runs_there(noThreadLeak):
	url = f"http://127.0.0.1:{freePort()}/v1"
	config = EndpointConfig(provider="openaiCompatible", baseUrl=url, model="m")
	with createClient(config) as client, pytest.raises(errors.ServerUnreachable) as caught:
		streamAll(client)
	assert caught.value.refusedHere
	assert caught.value.sentence == (
		f"No server is running at {url} on this computer. Start the server, or check the address in settings."
	)


def test_the_ollama_provider_at_another_kind_of_server_says_so(noThreadLeak):
	with FakeOpenAI(flavour="lmstudio") as server:
		url = server.url
		with createClient(EndpointConfig(provider="ollama", baseUrl=url, model="gemma3")) as client:
			with pytest.raises(errors.NotAnOllamaServer) as chat:
				streamAll(client)
			with pytest.raises(errors.NotAnOllamaServer):
				client.check(probe=False)
	assert chat.value.sentence == (
		f"The server at {url} is not an Ollama server. Check the address and the provider in settings."
	)


def test_an_unknown_model_on_ollama_still_says_pull_it(ollama):
	config = EndpointConfig(provider="ollama", baseUrl=ollama.url, model="llava:99b")
	with createClient(config) as client, pytest.raises(errors.ModelNotFound) as caught:
		streamAll(client)
	assert caught.value.sentence == "The model llava:99b is not installed. Run: ollama pull llava:99b"


# --- Faults inside a stream ---------------------------------------------------------------------


def test_an_ollama_error_line_speaks_the_servers_reason(ollama):
	message = "model requires more system memory (5.6 GiB) than is available (3.1 GiB)"
	ollama.queueChat(Reply(200, [ndjsonLine({"error": message})], "application/x-ndjson"))
	config = EndpointConfig(baseUrl=ollama.url, model="gemma3:4b")
	with createClient(config) as client, pytest.raises(errors.ServerError) as caught:
		streamAll(client)
	assert caught.value.sentence == f"The server reported a problem: {message}."


def test_an_openai_error_event_speaks_a_sanitised_reason(noThreadLeak):
	dirty = f"<b>Upstream</b>\n  provider\tfailed for key {KEY}"
	with FakeOpenAI(apiKey=KEY) as server:
		server.queueChat(
			Reply(
				200, [*sseLines(done=False)[:2], sseEvent({"error": {"message": dirty}})], "text/event-stream"
			)
		)
		config = EndpointConfig(
			provider="openaiCompatible", baseUrl=server.url + "/v1", model="gpt-4o-mini", apiKey=KEY
		)
		with createClient(config) as client, pytest.raises(errors.ServerError) as caught:
			streamAll(client)
	sentence = caught.value.sentence
	assert sentence == "The server reported a problem: Upstream provider failed for key [redacted]."
	assert "\n" not in sentence and KEY not in sentence + caught.value.detail


def test_an_error_status_keeps_its_body_for_the_log(ollama):
	"""Only an error inside a stream is told in the server's words; a status is enough to act on."""
	ollama.queueChat(Reply.json({"error": "llama runner process has terminated: exit status 2"}, 500))
	config = EndpointConfig(baseUrl=ollama.url, model="gemma3:4b")
	with createClient(config) as client, pytest.raises(errors.ServerError) as caught:
		streamAll(client)
	assert caught.value.sentence == "The server had a problem (error 500). Try again later."
	assert "exit status 2" in caught.value.detail


def test_an_error_event_with_a_status_code_says_both(noThreadLeak):
	event = {"error": {"message": "The server is overloaded", "code": 503}}
	with FakeOpenAI() as server:
		server.queueChat(Reply(200, [*sseLines(done=False)[:1], sseEvent(event)], "text/event-stream"))
		config = EndpointConfig(provider="openaiCompatible", baseUrl=server.url + "/v1", model="gpt-4o-mini")
		with createClient(config) as client, pytest.raises(errors.ServerError) as caught:
			streamAll(client)
	assert caught.value.sentence == "The server had a problem (error 503): The server is overloaded."


def test_a_web_page_gives_no_reason(ollama):
	ollama.queueChat(Reply.text("<html><body><h1>502 Bad Gateway</h1></body></html>", 502, "text/html"))
	config = EndpointConfig(baseUrl=ollama.url, model="gemma3:4b")
	with createClient(config) as client, pytest.raises(errors.ServerError) as caught:
		streamAll(client)
	assert caught.value.sentence == "The server had a problem (error 502). Try again later."


@pytest.mark.parametrize(
	("text", "reason"),
	[
		("  out of\nmemory  ", "out of memory."),
		("<p>Busy</p>", "Busy."),
		("<!DOCTYPE html><html><body>Sign in</body></html>", ""),
		("\x00\x1b!!! \x7f", ""),
		("word " * 100, ("word " * 40).strip() + "..."),
	],
)
def test_plain_reason(text, reason):
	assert errors.plainReason(text) == reason


# --- Stalls ---------------------------------------------------------------------------------------


def test_a_stall_after_the_headers_before_any_text_says_the_model_has_not_started(ollama):
	reply = ollamaReply()
	reply.body.insert(0, Stall(timeout=10))
	ollama.queueChat(reply)
	config = EndpointConfig(baseUrl=ollama.url, model="gemma3:4b", readTimeout=0.3)
	with createClient(config) as client, pytest.raises(errors.TimedOut) as caught:
		streamAll(client)
	assert caught.value.phase == errors.TimedOut.FIRST_RESPONSE
	assert caught.value.sentence.startswith("The model did not start answering within")
	assert caught.value.sentence.endswith(
		"It may still be loading: try again, or raise the timeout in settings."
	)


def test_a_stall_in_the_middle_says_the_answer_stopped(ollama):
	reply = ollamaReply()
	reply.body.insert(2, Stall(timeout=10))
	ollama.queueChat(reply)
	config = EndpointConfig(baseUrl=ollama.url, model="gemma3:4b", readTimeout=0.3)
	with createClient(config) as client, pytest.raises(errors.TimedOut) as caught:
		streamAll(client)
	assert caught.value.phase == errors.TimedOut.STREAM
	assert caught.value.partialText == "A small black square"


# --- The log ----------------------------------------------------------------------------------------


def test_each_request_and_its_ending_are_logged_without_the_key(noThreadLeak, caplog):
	with FakeOpenAI(apiKey=KEY) as server:
		url = server.url
		config = EndpointConfig(
			provider="openaiCompatible", baseUrl=url + "/v1", model="gpt-4o-mini", apiKey=KEY
		)
		with caplog.at_level(logging.DEBUG, "visionDescriber"), createClient(config) as client:
			events = streamAll(client)
	assert textOf(events)
	lines = [record.getMessage() for record in caplog.records]
	assert (
		f"Vision request: POST {url}/v1/chat/completions, model gpt-4o-mini, picture 640x480 image/png, 30 bytes"
		in lines
	)
	assert any(line.startswith(f"Vision answer from {url}/v1: finished (stop), ") for line in lines)
	assert KEY not in caplog.text


def test_a_broken_stream_is_logged_once(ollama, caplog):
	ollama.queueChat(Reply(200, ollamaLines(done=False), "application/x-ndjson"))
	with (
		caplog.at_level(logging.DEBUG, "visionDescriber"),
		createClient(EndpointConfig(baseUrl=ollama.url, model="gemma3:4b")) as client,
		pytest.raises(errors.StreamCutShort),
	):
		streamAll(client)
	warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
	assert len(warnings) == 1


def test_a_reset_in_the_middle_is_logged_once(noThreadLeak, caplog):
	with FakeOllama() as server:
		reply = ollamaReply()
		reply.body.insert(2, Disconnect(reset=True))
		server.queueChat(reply)
		with (
			caplog.at_level(logging.DEBUG, "visionDescriber"),
			createClient(EndpointConfig(baseUrl=server.url, model="gemma3:4b")) as client,
			pytest.raises(errors.StreamCutShort),
		):
			streamAll(client)
	warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
	assert len(warnings) == 1, [record.getMessage() for record in warnings]


# --- Durations ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
	("seconds", "words"),
	[(0.042, "42 milliseconds"), (1.04, "1.0 seconds"), (2.46, "2.5 seconds"), (35.2, "35 seconds")],
)
def test_durations_are_said_sensibly(seconds, words):
	assert spokenDuration(seconds) == words


def test_a_fast_check_does_not_say_zero_seconds():
	assert probeSentence(0.012, "Black.") == "The model answered a test picture in 12 milliseconds: Black."
