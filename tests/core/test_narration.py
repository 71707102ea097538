import codecs
import socket
import threading
import time

import pytest
from mainThread import MainThread
from speechSamples import DESCRIPTION, tokenChunks
from visionDescriberCore.cancellation import CancelToken
from visionDescriberCore.errors import Cancelled, StreamCutShort
from visionDescriberCore.jobs import JobRunner
from visionDescriberCore.text.markdownStripping import stripMarkdown
from visionDescriberCore.text.narration import Narrator, narrate

WAIT = 5.0


@pytest.fixture
def main():
	thread = MainThread()
	yield thread
	thread.stop()
	assert thread.errors == []


class Recorder:
	"""Records, in one timeline, each delta the model sends and each call posted for speech."""

	def __init__(self, main: MainThread):
		self.main = main
		self.timeline: list[tuple[str, str]] = []
		self.spoken: list[str] = []
		self.finished: list[str] = []
		self.onMainThread: list[bool] = []

	def deltas(self, chunks):
		for chunk in chunks:
			self.timeline.append(("delta", chunk))
			yield chunk

	def post(self, fn):
		self.timeline.append(("post", ""))
		self.main.post(fn)

	def onPhrase(self, text):
		self.onMainThread.append(self.main.isCurrent())
		self.spoken.append(text)

	def onFinished(self, text):
		self.finished.append(text)


def test_phrases_are_spoken_while_the_model_is_still_writing(main):
	recorder = Recorder(main)
	chunks = tokenChunks(DESCRIPTION)
	text = narrate(
		recorder.deltas(chunks),
		post=recorder.post,
		onPhrase=recorder.onPhrase,
		onFinished=recorder.onFinished,
	)
	main.drain()
	assert text == DESCRIPTION
	assert recorder.finished == [DESCRIPTION]
	firstPost = recorder.timeline.index(("post", ""))
	deltasBefore = sum(1 for kind, _ in recorder.timeline[:firstPost] if kind == "delta")
	assert deltasBefore < len(chunks) / 4
	assert recorder.spoken[0] == "Overview"
	assert len(recorder.spoken) > 8
	assert all(recorder.onMainThread)
	for phrase in recorder.spoken:
		assert "**" not in phrase and "##" not in phrase
	assert "".join(recorder.spoken).replace(" ", "") == stripMarkdown(DESCRIPTION).replace(" ", "").replace(
		"\n", ""
	)


def test_bold_across_deltas_is_spoken_without_symbols(main):
	recorder = Recorder(main)
	deltas = ["**Imp", "ortant:** the door", " is open. ", "*Next*", " line", ".\n- **Two", "**\n"]
	narrate(recorder.deltas(deltas), post=recorder.post, onPhrase=recorder.onPhrase)
	main.drain()
	assert recorder.spoken == ["Important: the door is open.", "Next line.", "Two"]


def test_without_streaming_the_whole_answer_is_spoken_once_at_the_end(main):
	recorder = Recorder(main)
	chunks = tokenChunks(DESCRIPTION)
	text = narrate(
		recorder.deltas(chunks),
		post=recorder.post,
		onPhrase=recorder.onPhrase,
		onFinished=recorder.onFinished,
		streamSpeech=False,
	)
	main.drain()
	assert text == DESCRIPTION
	assert recorder.timeline[: len(chunks)] == [("delta", chunk) for chunk in chunks]
	assert recorder.spoken == [stripMarkdown(DESCRIPTION)]
	assert recorder.finished == [DESCRIPTION]


def test_cancel_stops_speech_even_for_phrases_already_posted(main):
	token = CancelToken()
	held: list = []  # posted calls the main thread has not run yet
	recorder = Recorder(main)

	def deltas():
		yield "First sentence. "
		yield "Second sentence. "
		token.cancel()  # the user pressed cancel while these were on their way
		yield "Third sentence. "

	with pytest.raises(Cancelled):
		narrate(
			deltas(),
			post=held.append,
			onPhrase=recorder.onPhrase,
			onFinished=recorder.onFinished,
			token=token,
		)
	assert len(held) == 1  # "First sentence." was posted before the cancel...
	for fn in held:
		fn()
	assert recorder.spoken == []  # ...but is not spoken once cancel() has run
	assert recorder.finished == []


def test_a_stream_cut_short_still_speaks_what_arrived(main):
	recorder = Recorder(main)

	def deltas():
		yield "The dialog asks whether to save. "
		yield "It has three butt"
		raise StreamCutShort("The dialog asks whether to save. It has three butt")

	with pytest.raises(StreamCutShort):
		narrate(deltas(), post=recorder.post, onPhrase=recorder.onPhrase, onFinished=recorder.onFinished)
	main.drain()
	assert recorder.spoken == ["The dialog asks whether to save.", "It has three butt"]
	assert recorder.finished == []


def test_the_narrator_can_be_fed_by_hand(main):
	recorder = Recorder(main)
	narrator = Narrator(recorder.post, recorder.onPhrase, recorder.onFinished)
	narrator.feed("Hello there. ")
	narrator.feed("")
	narrator.feed("Bye")
	assert narrator.text == "Hello there. Bye"
	assert narrator.finish() == "Hello there. Bye"
	narrator.speakRest()  # already spoken: nothing twice
	main.drain()
	assert recorder.spoken == ["Hello there.", "Bye"]
	assert recorder.finished == ["Hello there. Bye"]


# --- End to end on the job runner, with a real socket carrying the answer ----------------------


class SocketAnswer:
	"""A model answer arriving over a real socket at a steady pace, read as text deltas.
	Cancelling the token shuts the socket down, which wakes the blocked read at once."""

	def __init__(self, chunks, interval: float):
		self.reader, self.writer = socket.socketpair()
		self.chunks = chunks
		self.interval = interval
		self.sent = 0
		self.writerThread = threading.Thread(target=self._write, daemon=True)

	def _write(self):
		try:
			for chunk in self.chunks:
				self.writer.sendall(chunk.encode("utf-8"))
				self.sent += 1
				time.sleep(self.interval)
			self.writer.shutdown(socket.SHUT_WR)
		except OSError:
			pass  # the reader went away (cancelled)

	def deltas(self, token: CancelToken):
		token.onCancel(lambda: self.reader.shutdown(socket.SHUT_RDWR))
		self.writerThread.start()
		decoder = codecs.getincrementaldecoder("utf-8")()
		while True:
			data = self.reader.recv(4096)
			token.raiseIfCancelled()
			if not data:
				return
			text = decoder.decode(data)
			if text:
				yield text

	def close(self):
		self.reader.close()
		self.writer.close()
		self.writerThread.join(WAIT)


def test_a_describe_job_speaks_early_and_cancels_promptly(main):
	chunks = tokenChunks(DESCRIPTION)
	answer = SocketAnswer(chunks, interval=0.01)
	spoken: list[tuple[str, int]] = []
	firstPhrase = threading.Event()
	runner = JobRunner(main.post)

	def onPhrase(text):
		spoken.append((text, answer.sent))
		firstPhrase.set()

	def job(token):
		narrate(answer.deltas(token), post=runner.post, onPhrase=onPhrase, token=token)

	try:
		assert runner.submit(job)
		assert firstPhrase.wait(WAIT)
		assert runner.submit(job) is False  # "Still describing"
		assert runner.cancel()
		assert runner.terminate(timeout=1.0)
		main.drain()
	finally:
		answer.close()
	# The first phrase was heard when only part of the answer had been sent, and the cancel ended the
	# job long before the rest of the answer would have arrived.
	assert spoken[0][1] < len(chunks) / 2
	assert answer.sent < len(chunks)
	assert len(spoken) < 12
