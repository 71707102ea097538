"""How long a spoken question takes, step by step, and what listening costs.

Run from the repository: `.venv/bin/python benchmarks/voiceLatency.py [--runs 5]`.

It plays espeak-ng's "How much health do I have left?" (with a quiet room's noise, made by sox)
through the fake microphone in real time, 30 ms at a time as winmm's buffers arrive, into the real
`VoiceQuestions` and `Describer` on their worker, with a stand-in main thread. The servers are the
test fakes on 127.0.0.1 with fixed delays: the speech-to-text server takes TRANSCRIBE_SECONDS before
it answers, Ollama takes FIRST_TOKEN_SECONDS before its first words. Medians and worst runs of:

- end of speech -> recording stopped: from the fake microphone handing out the last spoken sample to
  the device being closed. By design this includes the pause that ends a question
  (`endSilenceSeconds`, 1.0 s); the line below it is what the detector and buffering add to that;
- recording stopped -> transcription request sent: until the server has the whole upload;
- transcript -> chat request sent: from the server's transcript leaving to the chat request
  arriving, through the main thread (where the plugin would say "You asked: ..." and ask), a capture
  and its preparation;
- end of speech -> first answer phrase: what the user waits for, fixed server delays included;
- the CPU cost of listening: the process's CPU time while a 10-second listen runs, against the same
  10 seconds idle, and the detector's own cost per second of audio.
"""

import argparse
import contextlib
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPOSITORY / "addon" / "packages"), str(REPOSITORY / "tests" / "core")]

from mainThread import MainThread  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402
from servers.fakeOllama import FakeOllama, ollamaReply  # noqa: E402
from servers.fakeTranscription import QUESTION, FakeTranscription  # noqa: E402
from servers.httpServer import Delay, Reply  # noqa: E402
from visionDescriberCore.describing import Describer  # noqa: E402
from visionDescriberCore.errors import NothingHeard  # noqa: E402
from visionDescriberCore.media import ImageSource  # noqa: E402
from visionDescriberCore.settings import Settings  # noqa: E402
from visionDescriberCore.voice import pcm  # noqa: E402
from visionDescriberCore.voice.endOfSpeech import EndOfSpeechDetector  # noqa: E402
from visionDescriberCore.voice.listening import ListeningHooks, ListeningOptions, ListeningSession  # noqa: E402
from visionDescriberCore.voice.recorder import FakeMicrophone  # noqa: E402
from visionDescriberCore.voiceQuestions import VoiceQuestions  # noqa: E402
from voiceSamples import buildSamples, toolsMissing  # noqa: E402

TRANSCRIBE_SECONDS = 0.3
FIRST_TOKEN_SECONDS = 0.5


class Run:
	"""One spoken question; the hooks, the voice listener and the answer listener in one."""

	def __init__(self, describer: Describer, source: ImageSource):
		self.describer = describer
		self.source = source
		self.done = threading.Event()
		self.recording = None
		self.transcriptAt = None
		self.firstPhraseAt = None
		self.error = None

	# ListeningHooks
	def beforeRecording(self):
		pass

	def afterRecording(self, outcome):
		pass

	# VoiceListener
	def onRecorded(self, recording):
		self.recording = recording

	def onTranscript(self, text):
		self.transcriptAt = time.perf_counter()
		self.describer.describe(self.source, self, question=text)

	def onError(self, error, session=None):
		self.error = error
		self.done.set()

	# describing.Listener
	def onRequestSent(self):
		pass

	def onPhrase(self, text):
		if self.firstPhraseAt is None:
			self.firstPhraseAt = time.perf_counter()

	def onAnswer(self, session, text):
		self.done.set()


def transcriptReplyWithDelay() -> Reply:
	reply = Reply.json({"text": QUESTION})
	reply.beforeHeaders = [Delay(TRANSCRIBE_SECONDS)]
	return reply


def ollamaReplyWithDelay() -> Reply:
	reply = ollamaReply()
	reply.beforeHeaders = [Delay(FIRST_TOKEN_SECONDS)]
	return reply


def listeningCost(sample) -> tuple[float, float]:
	"""CPU share of one core while listening in real time for 10 s, and idle for the same time."""

	class Quiet(ListeningHooks):
		pass

	microphone = FakeMicrophone(sample.path, realtime=True)
	options = ListeningOptions(detector=replace(ListeningOptions().detector, noSpeechSeconds=10.0))
	session = ListeningSession(microphone, options, Quiet())
	wall, cpu = time.perf_counter(), time.process_time()
	with contextlib.suppress(NothingHeard):  # room tone only: nothing heard, as expected
		session.record()
	listening = (time.process_time() - cpu) / (time.perf_counter() - wall)
	wall, cpu = time.perf_counter(), time.process_time()
	time.sleep(10.0)
	idle = (time.process_time() - cpu) / (time.perf_counter() - wall)
	return listening, idle


def detectorCost(sample) -> float:
	"""CPU seconds per second of audio for the detector alone."""
	audio = pcm.readWav(sample.path) * 3
	endless = {"endSilenceSeconds": 1e9, "noSpeechSeconds": 1e9, "maxSeconds": 1e9}
	detector = EndOfSpeechDetector(replace(ListeningOptions().detector, **endless))
	started = time.process_time()
	for start in range(0, len(audio), 960):
		detector.feed(audio[start : start + 960])
	return (time.process_time() - started) / pcm.seconds(audio)


def main() -> None:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--runs", type=int, default=5)
	runs = parser.parse_args().runs
	if toolsMissing():
		raise SystemExit("espeak-ng and sox are needed: run scripts/setup-env")
	samples = buildSamples(Path(tempfile.mkdtemp(prefix="voiceLatency-")))
	sample = samples["question"]
	picture = Image.new("RGB", (800, 600), "white")  # a game's health bar
	ImageDraw.Draw(picture).rectangle((40, 40, 300, 70), fill="red", outline="black")
	source = ImageSource(lambda: picture, "navigator object")
	mainThread = MainThread()
	results: dict[str, list[float]] = {}
	with FakeTranscription("speaches") as stt, FakeOllama() as ollama:
		settings = replace(Settings(), sttBaseUrl=stt.baseUrl, baseUrl=ollama.url, model="gemma3:4b")
		describer = Describer(mainThread.post, lambda: settings, lambda s: None, lambda: "en")
		microphones = []

		def newMicrophone():
			microphones.append(FakeMicrophone(sample.path, realtime=True))
			return microphones[-1]

		voice = VoiceQuestions(
			describer.runner,
			describer.runner.post,
			lambda: settings,
			lambda s: None,
			lambda: "en",
			newMicrophone,
		)
		for _ in range(runs):
			run = Run(describer, source)
			stt.queueReply(transcriptReplyWithDelay())
			ollama.queueChat(ollamaReplyWithDelay())
			mainThread.post(lambda run=run: voice.listen(run, run))
			if not run.done.wait(30) or run.error is not None:
				raise SystemExit(f"the question did not complete: {run.error!r}")
			mainThread.drain()
			figures = measure(run, microphones[-1], sample, stt.requests[-1], ollama.chatRequests()[-1])
			for label, value in figures.items():
				results.setdefault(label, []).append(value * 1000)
		describer.terminate(2)
	mainThread.stop()
	listening, idle = listeningCost(samples["roomTone"])
	perSecond = detectorCost(sample)
	print(f"A spoken question, {runs} runs, in milliseconds (fake servers on 127.0.0.1: transcription")
	print(
		f"takes {TRANSCRIBE_SECONDS * 1000:.0f} ms, the model's first words {FIRST_TOKEN_SECONDS * 1000:.0f} ms)"
	)
	print(f"{'':52}{'median':>9}{'worst':>9}")
	for label, values in results.items():
		print(f"{label:52}{statistics.median(values):9.0f}{max(values):9.0f}")
	print("CPU while listening (one core = 100 %):")
	print(f"  listening in real time, 10 s{listening * 100:22.2f} %")
	print(f"  idle, the same 10 s{idle * 100:31.2f} %")
	print(f"  end-of-speech detector alone{perSecond * 1000:19.2f} ms per second of audio")


def measure(run: Run, microphone: FakeMicrophone, sample, upload, chat) -> dict[str, float]:
	spokenEnd = microphone.wallTimeOf(sample.speechEnd)
	stopped = run.recording.stoppedAt
	pause = ListeningOptions().detector.endSilenceSeconds
	return {
		"end of speech -> recording stopped": stopped - spokenEnd,
		f"  of which beyond the {pause:.1f} s pause": stopped - spokenEnd - pause,
		"recording stopped -> transcription request sent": upload.receivedAt - stopped,
		"transcript -> chat request sent": chat.receivedAt - upload.finishedAt,
		"end of speech -> first answer phrase": run.firstPhraseAt - spokenEnd,
	}


if __name__ == "__main__":
	main()
