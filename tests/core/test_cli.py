"""The command-line tool, run as a real process (`python -m visionDescriberCore`) against the fake servers."""

import base64
import io
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from clientHelpers import waitUntil
from PIL import Image
from servers.fakeOllama import FakeOllama, ollamaLines, ollamaReply
from servers.fakeOpenAI import FakeOpenAI
from servers.httpServer import Gate, Reply, Stall, freePort
from visionDescriberCore import cli, errors
from visionDescriberCore.imaging.preparation import policyForProvider, targetSize
from xserver import startXvfb

REPOSITORY = Path(__file__).resolve().parents[2]
KEY = "sk-cli-secret-0123456789"


def environment(**extra) -> dict:
	env = {key: value for key, value in os.environ.items() if not key.endswith("API_KEY")}
	env["PYTHONPATH"] = str(REPOSITORY / "addon" / "packages")
	env["PYTHONUNBUFFERED"] = "0"
	env.update(extra)
	return env


def run(*args, env=None, timeout=30) -> subprocess.CompletedProcess:
	return subprocess.run(
		[sys.executable, "-m", "visionDescriberCore", *args],
		capture_output=True,
		text=True,
		env=env or environment(),
		timeout=timeout,
		cwd=REPOSITORY,
	)


def start(*args, env=None) -> subprocess.Popen:
	return subprocess.Popen(
		[sys.executable, "-m", "visionDescriberCore", *args],
		stdout=subprocess.PIPE,
		stderr=subprocess.PIPE,
		env=env or environment(),
		cwd=REPOSITORY,
	)


def readUntil(stream, expected: bytes, timeout: float = 10.0) -> bytes:
	data = b""
	deadline = time.monotonic() + timeout
	while expected not in data:
		remaining = deadline - time.monotonic()
		assert remaining > 0, f"did not see {expected!r} in {data!r}"
		readable, _, _ = select.select([stream], [], [], remaining)
		if readable:
			piece = os.read(stream.fileno(), 4096)
			assert piece, f"the output ended before {expected!r}: {data!r}"
			data += piece
	return data


@pytest.fixture
def picture(tmp_path) -> Path:
	path = tmp_path / "screen.png"
	Image.new("RGB", (40, 30), "white").save(path)
	return path


@pytest.fixture
def ollamaServer(noThreadLeak):
	with FakeOllama() as server:
		yield server


def test_describe_streams_the_answer_as_it_arrives(ollamaServer, picture):
	gate = threading.Event()
	reply = ollamaReply()
	reply.body.insert(1, Gate(gate))
	ollamaServer.queueChat(reply)
	process = start("describe", str(picture), "--base-url", ollamaServer.url, "--model", "gemma3:4b")
	try:
		# The first words are on stdout while the server still holds the rest back.
		assert readUntil(process.stdout, b"A small").startswith(b"A small")
		gate.set()
		out, err = process.communicate(timeout=30)
	finally:
		gate.set()
		if process.poll() is None:
			process.kill()
			process.communicate()
	assert process.returncode == 0, err
	assert out.decode().strip() == "black square sits in the middle of a white picture."
	request = ollamaServer.chatRequests()[0].json
	assert request["messages"][0]["role"] == "system"
	assert request["messages"][1]["content"] == cli.DEFAULT_DESCRIBE_PROMPT
	sent = Image.open(io.BytesIO(base64.b64decode(request["messages"][1]["images"][0])))
	# The 40x30 file is prepared as the add-on prepares it: a tiny picture is enlarged by a whole factor.
	assert sent.size == targetSize(40, 30, policyForProvider("ollama"))


def test_ask_sends_the_question_and_the_prompt_as_system(ollamaServer, picture):
	result = run(
		"--model",
		"gemma3:4b",
		"ask",
		str(picture),
		"Is it empty?",
		"--base-url",
		ollamaServer.url,
		"--prompt",
		"Reply briefly.",
	)
	assert result.returncode == 0, result.stderr
	assert result.stdout.strip() == "A small black square sits in the middle of a white picture."
	messages = ollamaServer.chatRequests()[0].json["messages"]
	assert messages[0] == {"role": "system", "content": "Reply briefly."}
	assert messages[1]["content"] == "Is it empty?"


def test_models_marks_those_that_see(ollamaServer):
	result = run("models", "--base-url", ollamaServer.url)
	assert result.returncode == 0, result.stderr
	lines = result.stdout.splitlines()
	assert "gemma3:4b (4.3B)\tsees images" in lines
	assert "llama3.2:3b (4.3B)\ttext only" in lines


def test_check_passes(ollamaServer):
	result = run("check", "--base-url", ollamaServer.url, "--model", "gemma3:4b")
	assert result.returncode == 0, result.stderr
	assert result.stdout.splitlines()[0] == f"Ollama 0.12.6 is running at {ollamaServer.url}."
	assert result.stdout.splitlines()[-1] == "Everything works."


def test_check_says_what_is_wrong(ollamaServer):
	result = run("check", "--base-url", ollamaServer.url, "--model", "llama3.2:3b")
	assert result.returncode == 1
	assert (
		result.stderr.strip()
		== "The model llama3.2:3b cannot see images. Choose a vision model with --model NAME; the models command lists them."
	)


def test_refused_connection(noThreadLeak, picture):
	url = f"http://127.0.0.1:{freePort()}"
	result = run("describe", str(picture), "--base-url", url, "--model", "gemma3")
	assert result.returncode == 1
	assert (
		result.stderr.strip()
		== f"Ollama is not running at {url}. Start Ollama (ollama serve), or check --base-url."
	)
	assert "Traceback" not in result.stderr


def test_cut_short_keeps_the_text_and_fails(ollamaServer, picture):
	ollamaServer.queueChat(Reply(200, ollamaLines(done=False), "application/x-ndjson"))
	result = run("describe", str(picture), "--base-url", ollamaServer.url, "--model", "gemma3:4b")
	assert result.returncode == 1
	assert result.stdout.strip() == "A small black square sits in the middle of a white picture."
	assert result.stderr.strip() == "The answer was cut off before it finished."


def test_openai_key_from_the_environment_variable(noThreadLeak, picture):
	with FakeOpenAI(apiKey=KEY) as server:
		env = environment(MY_VISION_KEY=KEY)
		base = ["--provider", "openai", "--base-url", server.url + "/v1", "--api-key-env", "MY_VISION_KEY"]
		described = run("describe", str(picture), "--model", "gpt-4o-mini", *base, env=env)
		models = run("models", *base, env=env)
		checked = run("check", "--model", "gpt-4o-mini", *base, env=env)
		asked = run("ask", str(picture), "What shape?", "--model", "gpt-4o-mini", *base, env=env)
	for result in (described, models, checked, asked):
		assert result.returncode == 0, result.stderr
		assert KEY not in result.stdout + result.stderr
	assert described.stdout.strip() == "A small black square on a white background."
	assert "gpt-4o-mini\tnot known whether it sees images" in models.stdout.splitlines()
	assert checked.stdout.splitlines()[-1] == "Everything works."
	assert asked.stdout.strip() == "A small black square on a white background."
	assert server.chatRequests()[-1].json["messages"][1]["content"][1] == {
		"type": "text",
		"text": "What shape?",
	}
	assert {request.header("authorization") for request in server.requests} == {f"Bearer {KEY}"}
	chat = server.chatRequests()[0].json
	assert chat["messages"][1]["content"][0]["image_url"]["url"].startswith("data:image/png;base64,")


def runHere(capsys, *args) -> subprocess.CompletedProcess:
	"""The same main() in this process: for cases that fail before any request."""
	code = cli.main(list(args))
	out, err = capsys.readouterr()
	return subprocess.CompletedProcess(args, code, out, err)


def test_missing_environment_variable(capsys, picture, monkeypatch):
	monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
	result = runHere(
		capsys,
		"describe",
		str(picture),
		"--model",
		"m",
		"--provider",
		"openai",
		"--api-key-env",
		"NOT_SET_ANYWHERE",
	)
	assert result.returncode == 2
	assert result.stderr.strip() == "The environment variable NOT_SET_ANYWHERE is not set or is empty."


@pytest.mark.parametrize("arguments", [["--api-key", KEY], [f"--api-key={KEY}"], ["--api-key-env", KEY]])
def test_a_key_on_the_command_line_is_refused_without_echoing_it(capsys, arguments):
	result = runHere(capsys, "models", *arguments)
	assert result.returncode == 2
	assert "environment variable" in result.stderr
	assert KEY not in result.stdout + result.stderr


def test_wrong_key(noThreadLeak):
	with FakeOpenAI(apiKey=KEY) as server:
		result = run(
			"models",
			"--provider",
			"openai",
			"--base-url",
			server.url + "/v1",
			"--api-key-env",
			"K",
			env=environment(K="sk-wrong"),
		)
	assert result.returncode == 1
	assert (
		result.stderr.strip()
		== "The server refused the API key. Check the key in the environment variable that holds it."
	)


def test_describe_needs_a_model_where_the_provider_has_no_default(capsys, picture):
	result = runHere(
		capsys, "describe", str(picture), "--provider", "openaiCompatible", "--base-url", "http://127.0.0.1:9"
	)
	assert result.returncode == 2
	assert "--model" in result.stderr


def test_unreadable_image(tmp_path):
	notAPicture = tmp_path / "notes.txt"
	notAPicture.write_text("hello")
	result = run(
		"describe", str(notAPicture), "--model", "gemma3", "--base-url", f"http://127.0.0.1:{freePort()}"
	)
	assert result.returncode == 1
	assert result.stderr.strip().startswith(f"Could not read an image from {notAPicture.name}.")


def test_interrupt_cancels_and_closes_the_connection(ollamaServer, picture):
	reply = ollamaReply()
	reply.beforeHeaders = [Stall(timeout=30)]
	ollamaServer.queueChat(reply)
	process = start("describe", str(picture), "--base-url", ollamaServer.url, "--model", "gemma3:4b")
	try:
		waitUntil(lambda: ollamaServer.chatRequests())  # after /api/version and /api/show
		request = ollamaServer.chatRequests()[0]
		time.sleep(0.2)
		process.send_signal(signal.SIGINT)
		out, err = process.communicate(timeout=10)
	finally:
		if process.poll() is None:
			process.kill()
			process.communicate()
	assert process.returncode == 130
	assert err.decode().strip() == "Cancelled."
	waitUntil(lambda: request.finishedAt is not None)
	assert request.clientClosedAt is not None


# --- Reading the input picture (in process) ---------------------------------------------------------


def arguments(path) -> object:
	return cli.parseArguments(["describe", str(path)])


@pytest.mark.parametrize(
	("name", "mode"),
	[
		("a.png", "RGB"),
		("b.jpg", "RGB"),
		("c.bmp", "RGB"),
		("d.gif", "P"),
		("e.tiff", "CMYK"),
		("f.webp", "RGBA"),
	],
)
def test_every_readable_format_is_prepared_for_the_provider(tmp_path, name, mode):
	path = tmp_path / name
	Image.new(mode, (2400, 1200)).save(path)
	image = cli.loadInputImage(arguments(path))
	assert image.mimeType in ("image/png", "image/jpeg")
	assert (image.width, image.height) == targetSize(2400, 1200, policyForProvider("ollama"))
	assert Image.open(io.BytesIO(image.data)).size == (image.width, image.height)


def test_save_image_writes_exactly_the_bytes_on_the_wire(ollamaServer, picture, tmp_path):
	saved = tmp_path / "sent.bin"
	result = run(
		"describe",
		str(picture),
		"--base-url",
		ollamaServer.url,
		"--model",
		"gemma3:4b",
		"--save-image",
		str(saved),
	)
	assert result.returncode == 0, result.stderr
	wire = base64.b64decode(ollamaServer.chatRequests()[0].json["messages"][1]["images"][0])
	assert saved.read_bytes() == wire


@pytest.mark.parametrize(
	("arguments", "message"),
	[
		(["describe"], "Name one picture"),
		(["describe", "x.png", "--screen"], "Name one picture"),
		(["ask", "What is it?"], "Name one picture"),
		(["ask", "x.png", "What", "is", "it?"], "Put the question in quotes"),
	],
)
def test_the_picture_must_be_named_once(capsys, arguments, message):
	assert cli.main([*arguments, "--model", "gemma3:4b"]) == cli.EXIT_USAGE
	assert message in capsys.readouterr().err


def test_a_bad_region_is_explained(capsys):
	assert cli.main(["describe", "--region", "0,0,0,10"]) == cli.EXIT_USAGE
	assert "with a width and height above 0" in capsys.readouterr().err


@pytest.fixture
def paintedDisplay(xDisplay):
	"""A red window with a word at (100, 100), painted by a separate wx process on the test display."""
	painter = subprocess.Popen(
		[sys.executable, str(REPOSITORY / "tests" / "screens.py"), "100,100,640,400,200,30,30,Invoice"],
		stdin=subprocess.PIPE,
		stdout=subprocess.PIPE,
		env=environment(DISPLAY=xDisplay.name),
		cwd=REPOSITORY / "tests",
	)
	try:
		assert readUntil(painter.stdout, b"ready", timeout=20)
		yield xDisplay
	finally:
		painter.stdin.close()
		painter.wait(10)


def test_screen_and_region_are_captured_prepared_and_sent(paintedDisplay, ollamaServer, tmp_path):
	ollamaServer.queueChat(ollamaReply(["A red window."]), ollamaReply(["It says Invoice."]))
	saved = tmp_path / "region.bin"
	env = environment(DISPLAY=paintedDisplay.name)
	common = ["--base-url", ollamaServer.url, "--model", "gemma3:4b"]
	screen = run("describe", "--screen", *common, env=env)
	region = run(
		"ask",
		"--region",
		"100,100,640,400",
		"What does it say?",
		"--save-image",
		str(saved),
		*common,
		env=env,
	)
	assert screen.returncode == 0, screen.stderr
	assert region.returncode == 0, region.stderr
	screenImage, regionImage = (
		Image.open(io.BytesIO(base64.b64decode(request.json["messages"][1]["images"][0])))
		for request in ollamaServer.chatRequests()
	)
	# Sized for gemma3 as the fake Ollama describes it: each side at most 896 (Gemma 3's square).
	assert screenImage.size == (min(paintedDisplay.width, 896), min(paintedDisplay.height, 896))
	assert regionImage.size == (640, 400)
	red, green, blue = regionImage.convert("RGB").getpixel((600, 380))
	assert red > 150 and green < 80 and blue < 80
	assert saved.read_bytes() == base64.b64decode(
		ollamaServer.chatRequests()[1].json["messages"][1]["images"][0]
	)


def test_a_flat_screen_is_refused_and_nothing_is_sent(ollamaServer, tmp_path):
	display = startXvfb(800, 600)
	try:
		saved = tmp_path / "never.bin"
		env = environment(DISPLAY=display.name)
		result = run(
			"describe",
			"--screen",
			"--save-image",
			str(saved),
			"--base-url",
			ollamaServer.url,
			"--model",
			"gemma3:4b",
			env=env,
		)
	finally:
		display.stop()
	assert result.returncode == cli.EXIT_FAILED
	assert "Nothing was sent" in result.stderr
	assert ollamaServer.chatRequests() == []
	assert not saved.exists()


@pytest.mark.parametrize("content", [b"", b"GIF89a broken", b"\x89PNG\r\n\x1a\n truncated"])
def test_broken_files_are_unreadable(tmp_path, content):
	path = tmp_path / "broken.png"
	path.write_bytes(content)
	with pytest.raises(errors.UnreadableImage) as caught:
		cli.loadInputImage(arguments(path))
	assert caught.value.source == path.name


def test_missing_file_is_unreadable(tmp_path):
	with pytest.raises(errors.UnreadableImage):
		cli.loadInputImage(arguments(tmp_path / "nowhere.png"))


def test_openai_with_another_address_is_treated_as_compatible():
	args = cli.parseArguments(["--provider", "openai", "--base-url", "http://127.0.0.1:1234/v1", "models"])
	config = cli.configFromArguments(args, environ={"OPENAI_API_KEY": "sk-x"})
	assert config.provider == "openaiCompatible"
	assert config.apiKey is None  # an OpenAI key is not sent to another server unless named
	official = cli.configFromArguments(cli.parseArguments(["--provider", "openai", "models"]), environ={})
	assert official.provider == "openai" and official.apiKey is None


def test_options_are_accepted_before_and_after_the_command():
	before = cli.parseArguments(["--model", "a", "--timeout", "9", "models"])
	after = cli.parseArguments(["models", "--model", "a", "--timeout", "9"])
	assert (before.model, before.timeout) == (after.model, after.timeout) == ("a", 9.0)
	assert cli.parseArguments(["models"]).timeout == 120.0


# Pillow's compiled core refuses to load, as when its .pyd in the add-on's folder is damaged; the
# Windows suite (tests/windows) breaks the real file.
BROKEN_PILLOW = """
import sys

class BrokenPillow:
	def find_spec(self, name, path=None, target=None):
		if name == "PIL._imaging":
			raise ImportError("DLL load failed while importing _imaging: stand-in for a damaged file")

sys.meta_path.insert(0, BrokenPillow())
from visionDescriberCore.cli import main
sys.exit(main(sys.argv[1:]))
"""
PILLOW_SENTENCE = (
	"Pillow, the library that prepares pictures, could not be loaded. Reinstall Vision Describer."
)


def runWithBrokenPillow(*args) -> subprocess.CompletedProcess:
	return subprocess.run(
		[sys.executable, "-c", BROKEN_PILLOW, *args],
		capture_output=True,
		text=True,
		env=environment(),
		timeout=30,
		cwd=REPOSITORY,
	)


def test_check_with_a_broken_pillow_says_so_and_never_that_everything_works(ollamaServer):
	result = runWithBrokenPillow("check", "--base-url", ollamaServer.url, "--model", "gemma3:4b")
	assert result.returncode == 1
	assert result.stdout.splitlines() == [
		f"Ollama 0.12.6 is running at {ollamaServer.url}.",
		"The model gemma3:4b is installed and can see images.",
	]
	assert result.stderr.strip() == PILLOW_SENTENCE
	assert ollamaServer.chatRequests() == []  # the test picture could not be made, so nothing was sent


@pytest.mark.parametrize("source", [["picture.png"], ["--screen"], ["--region", "0,0,10,10"]])
def test_describe_with_a_broken_pillow_is_one_sentence(ollamaServer, source):
	result = runWithBrokenPillow("describe", *source, "--base-url", ollamaServer.url, "--model", "gemma3:4b")
	assert result.returncode == 1
	assert result.stderr.strip() == PILLOW_SENTENCE
	assert result.stdout == ""
	assert ollamaServer.chatRequests() == []


def test_check_sends_the_test_picture_prepared_like_a_describe(ollamaServer):
	"""The probe goes through imaging.preparation: enlarged by a whole factor like any small picture."""
	result = run("check", "--base-url", ollamaServer.url, "--model", "gemma3:4b")
	assert result.returncode == 0, result.stderr
	[probe] = ollamaServer.chatRequests()
	image = Image.open(io.BytesIO(base64.b64decode(probe.json["messages"][0]["images"][0])))
	assert (image.format, image.size) == ("PNG", targetSize(64, 64, policyForProvider("ollama")))
	assert image.size == (128, 128)
	rgb = image.convert("RGB")
	assert rgb.getpixel((10, 10)) == (255, 255, 255)
	assert rgb.getpixel((64, 64)) == (0, 0, 0)


def test_picture_detail_and_its_old_name():
	parse = cli.parseArguments
	assert parse(["models"]).pictureDetail == "balanced"
	assert parse(["models", "--picture-detail", "fast"]).pictureDetail == "fast"
	assert [parse(["models", "--detail", old]).pictureDetail for old in ("low", "auto", "high")] == [
		"fast",
		"balanced",
		"detailed",
	]
	assert parse(["--detail", "low", "models", "--picture-detail", "detailed"]).pictureDetail == "detailed"
	official = ["--provider", "openai", "--model", "gpt-4o-mini", "models"]
	assert (
		cli.configFromArguments(parse([*official, "--picture-detail", "fast"]), environ={}).imageDetail
		== "low"
	)
	assert cli.configFromArguments(parse([*official, "--detail", "auto"]), environ={}).imageDetail == "high"
	unknown = ["--provider", "openai", "--model", "gpt-9", "models"]
	assert cli.configFromArguments(parse([*unknown, "--detail", "auto"]), environ={}).imageDetail == "auto"


def test_the_picture_is_sized_for_the_model_and_saved_as_sent(tmp_path, noThreadLeak):
	from servers.fakeOllama import NEW_OLLAMA, VISION_MODELS

	path = tmp_path / "screen.png"
	Image.radial_gradient("L").resize((1920, 1080)).convert("RGB").save(path)
	with FakeOllama(models=VISION_MODELS, version=NEW_OLLAMA) as server:
		common = ["describe", str(path), "--base-url", server.url, "--model", "qwen3-vl:8b"]
		cases = (
			(["--picture-detail", "fast"], (1344, 768)),  # Ollama 0.30's floor for Qwen-VL
			(["--detail", "high"], (1920, 1080)),  # the old name of Detailed: whole, in 32-px blocks
			(["--picture-detail", "fast", "--max-side", "800"], (800, 448)),  # the override
		)
		for index, (options, size) in enumerate(cases):
			saved = tmp_path / f"sent{index}.bin"
			result = run(*common, *options, "--save-image", str(saved))
			assert result.returncode == 0, result.stderr
			wire = base64.b64decode(server.chatRequests()[index].json["messages"][1]["images"][0])
			assert saved.read_bytes() == wire
			assert Image.open(io.BytesIO(wire)).size == size, options
		assert len(server.requestsTo("/api/show")) == 3  # one process per run, each asks once
