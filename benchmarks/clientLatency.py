"""How quickly the vision clients hand over text, and how quickly a cancel closes the connection.

Run from the repository: `.venv/bin/python benchmarks/clientLatency.py [--runs 30]`.

It starts the fake Ollama and OpenAI-compatible servers used by the tests (real sockets on
127.0.0.1) and measures, as medians over repeated runs:

- first server byte -> first text event: from the moment the server writes the first body piece that
  carries answer text, to the moment `client.stream()` yields the first TextDelta. For contrast, the
  same close-delimited SSE stream read with requests' `iter_lines()` (its default 512-byte reads wait
  for more bytes before handing anything over).
- cancel latency: from `CancelToken.cancel()` to the server seeing the socket closed, and to the
  streaming call raising Cancelled, while the server stalls before its headers (a model loading) and
  in the middle of an answer.
"""

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPOSITORY / "addon" / "packages"), str(REPOSITORY / "tests" / "core")]

import requests  # noqa: E402
from servers.fakeOllama import FakeOllama, ollamaLines  # noqa: E402
from servers.fakeOpenAI import SSE, FakeOpenAI, sseLines  # noqa: E402
from servers.httpServer import Delay, Reply, Stall  # noqa: E402
from visionDescriberCore.cancellation import CancelToken  # noqa: E402
from visionDescriberCore.clients import EndpointConfig, createClient, probeImage  # noqa: E402
from visionDescriberCore.clients.streaming import TextDelta  # noqa: E402
from visionDescriberCore.conversation.conversation import Conversation  # noqa: E402
from visionDescriberCore.errors import Cancelled  # noqa: E402

PIECES = ["A small", " black square", " on a white", " background."]


def conversation() -> Conversation:
	result = Conversation()
	result.addUserTurn("Describe this picture.", probeImage())
	return result


def ollamaBody() -> list:
	lines = ollamaLines(PIECES)
	return [Delay(0.02), lines[0], Delay(0.005), *lines[1:]]


def sseBody() -> list:
	events = sseLines(PIECES)
	# events[0] is the role chunk without text; it goes out in the same write as the first text.
	return [Delay(0.02), events[0] + events[1], Delay(0.005), *events[2:]]


def firstText(server, client, replyFactory, runs: int) -> list[float]:
	samples = []
	for _ in range(runs):
		server.queueChat(replyFactory())
		firstAt = None
		for event in client.stream(conversation()):
			if isinstance(event, TextDelta) and event.text and firstAt is None:
				firstAt = time.perf_counter()
		request = server.chatRequests()[-1]
		samples.append(firstAt - request.firstBodyByteAt)
	return samples


def firstTextIterLines(server, runs: int) -> list[float]:
	"""The same close-delimited SSE stream read the naive way, for contrast."""
	samples = []
	with requests.Session() as session:
		session.trust_env = False
		for _ in range(runs):
			server.queueChat(Reply(200, sseBody(), SSE, framing="close"))
			firstAt = None
			response = session.post(
				server.url + "/v1/chat/completions",
				json={"model": "gpt-4o-mini", "stream": True},
				stream=True,
			)
			for line in response.iter_lines():
				if b'"content": "A small"' in line and firstAt is None:
					firstAt = time.perf_counter()
			response.close()
			samples.append(firstAt - server.chatRequests()[-1].firstBodyByteAt)
	return samples


def cancelLatency(
	server, client, replyFactory, runs: int, midStream: bool
) -> tuple[list[float], list[float]]:
	closed, raised = [], []
	for _ in range(runs):
		server.queueChat(replyFactory())
		token = CancelToken()
		gotText = threading.Event()
		outcome = {}

		def work(token=token, gotText=gotText, outcome=outcome):
			try:
				for event in client.stream(conversation(), token):
					if isinstance(event, TextDelta):
						gotText.set()
			except Cancelled:
				outcome["raisedAt"] = time.perf_counter()

		worker = threading.Thread(target=work)
		countBefore = len(server.chatRequests())
		worker.start()
		deadline = time.monotonic() + 10
		while len(server.chatRequests()) <= countBefore:
			if time.monotonic() > deadline:
				raise RuntimeError("the request never arrived")
			time.sleep(0.001)
		request = server.chatRequests()[-1]
		if midStream:
			gotText.wait(10)
		time.sleep(0.02)  # let the worker block in its read
		cancelledAt = time.perf_counter()
		token.cancel()
		worker.join(10)
		while request.finishedAt is None:
			time.sleep(0.001)
		if request.clientClosedAt is None or "raisedAt" not in outcome:
			raise RuntimeError("cancellation did not close the connection")
		closed.append(request.clientClosedAt - cancelledAt)
		raised.append(outcome["raisedAt"] - cancelledAt)
	return closed, raised


def stalledOllama(midStream: bool):
	def factory():
		lines = ollamaLines(PIECES)
		if midStream:
			return Reply(200, [lines[0], Stall(timeout=30), *lines[1:]], "application/x-ndjson")
		return Reply(200, lines, "application/x-ndjson", beforeHeaders=[Stall(timeout=30)])

	return factory


def stalledOpenAI():
	events = sseLines(PIECES)
	return Reply(200, [*events[:2], Stall(timeout=30), *events[2:]], SSE)


def milliseconds(samples: list[float]) -> str:
	ordered = sorted(samples)
	p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
	return f"{statistics.median(samples) * 1000:9.3f} {p90 * 1000:9.3f}"


def main() -> None:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--runs", type=int, default=30)
	runs = parser.parse_args().runs
	rows: list[tuple[str, list[float]]] = []
	with FakeOllama() as ollama, FakeOpenAI() as openai:
		ollamaClient = createClient(EndpointConfig(baseUrl=ollama.url, model="gemma3:4b", readTimeout=30))
		openaiClient = createClient(
			EndpointConfig(
				provider="openaiCompatible", baseUrl=openai.url + "/v1", model="gpt-4o-mini", readTimeout=30
			)
		)
		# Warm both connections so every run measures the same thing (a kept-alive connection).
		firstText(ollama, ollamaClient, lambda: Reply(200, ollamaBody(), "application/x-ndjson"), 2)
		firstText(openai, openaiClient, lambda: Reply(200, sseBody(), SSE), 2)

		rows.append(("first server byte -> first text event", []))
		rows.append(
			(
				"  Ollama NDJSON, chunked",
				firstText(
					ollama, ollamaClient, lambda: Reply(200, ollamaBody(), "application/x-ndjson"), runs
				),
			)
		)
		rows.append(
			(
				"  OpenAI SSE, chunked",
				firstText(openai, openaiClient, lambda: Reply(200, sseBody(), SSE), runs),
			)
		)
		rows.append(
			(
				"  OpenAI SSE, not chunked (until close)",
				firstText(openai, openaiClient, lambda: Reply(200, sseBody(), SSE, framing="close"), runs),
			)
		)
		rows.append(("  same, requests iter_lines (contrast)", firstTextIterLines(openai, runs)))

		closedLoading, raisedLoading = cancelLatency(ollama, ollamaClient, stalledOllama(False), runs, False)
		closedOllama, raisedOllama = cancelLatency(ollama, ollamaClient, stalledOllama(True), runs, True)
		closedOpenAI, raisedOpenAI = cancelLatency(openai, openaiClient, stalledOpenAI, runs, True)
		rows.append(("cancel() -> server sees the socket closed", []))
		rows.append(("  Ollama, model loading (no headers yet)", closedLoading))
		rows.append(("  Ollama, in the middle of the answer", closedOllama))
		rows.append(("  OpenAI SSE, in the middle of the answer", closedOpenAI))
		rows.append(("cancel() -> stream() raises Cancelled", []))
		rows.append(("  Ollama, model loading (no headers yet)", raisedLoading))
		rows.append(("  Ollama, in the middle of the answer", raisedOllama))
		rows.append(("  OpenAI SSE, in the middle of the answer", raisedOpenAI))
		ollamaClient.close()
		openaiClient.close()

	print(f"Vision client latency over {runs} runs, in milliseconds (server and client on 127.0.0.1)")
	print(f"{'':44}{'median':>9} {'p90':>9}")
	for label, samples in rows:
		print(f"{label:44}{milliseconds(samples) if samples else ''}")
	print("The read timeout was 30 s in every run: a cancel that waited for it would show 30000.")


if __name__ == "__main__":
	main()
