"""Issue 16, in the command-line tool: every bad input and every fault a sentence in the tool's own
words, with the documented exit status (0, 1, 2, 130), never a traceback. Cases that fail before any
request run `main()` in this process; the rest run the real process against the fake servers."""

import subprocess
import sys

import pytest
from servers.fakeOllama import ollamaLines
from servers.httpServer import Reply, freePort
from test_cli import KEY, environment, run, runHere
from visionDescriberCore import cli, errors
from visionDescriberCore.cliWording import CLI_HINTS, cliSentence
from visionDescriberCore.errors import ADDON_HINTS, Hint
from visionDescriberCore.imaging.capture import Rect

NVDA_WORDS = ("NVDA", "settings", "Screen Curtain", "This object", "API key field")


@pytest.fixture
def picture(tmp_path):
	from PIL import Image

	path = tmp_path / "screen.png"
	Image.new("RGB", (40, 30), "white").save(path)
	return path


# --- Wording ---------------------------------------------------------------------------------------


def test_every_hint_has_the_tools_own_words():
	hints = {value for name, value in vars(Hint).items() if not name.startswith("_")}
	assert set(CLI_HINTS) == hints == set(ADDON_HINTS)
	texts = [words() for words in CLI_HINTS.values()] + [words() for words in ADDON_HINTS.values()]
	assert len(set(texts)) == len(texts)  # one sentence per meaning, none shared by two


def test_no_sentence_of_the_tool_speaks_of_nvda():
	from test_troubleshootingGuide import SPOKEN_ERRORS

	addOnOnly = (errors.CaptureRefused, errors.ScreenCurtainOn, errors.SecureScreen, errors.NoImageFound)
	# The tool never records: only the add-on meets the microphone.
	addOnOnly += (errors.MicrophoneUnavailable, errors.MicrophoneSilent, errors.NothingHeard)
	for error in SPOKEN_ERRORS:
		if isinstance(error, addOnOnly):
			continue  # the tool never meets them: its region is checked as a region
		sentence = cliSentence(error)
		assert not any(word in sentence for word in NVDA_WORDS), sentence
		assert sentence.startswith(error.fact)


# --- Addresses and numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
	("address", "sentence"),
	[
		("http://[::1", "The server address is not valid. Write it like http://127.0.0.1:11434."),
		("http://127.0.0.1:99999", "The port in the server address is not valid."),
		("http://127.0.0.1:abc", "The port in the server address is not valid."),
		("ftp://x", "The server address must start with http:// or https://."),
		("ws://127.0.0.1:8080", "The server address must start with http:// or https://."),
		("file:///tmp/x", "The server address must start with http:// or https://."),
		("http://", "The server address is not valid. Write it like http://127.0.0.1:11434."),
		(
			"http://me:pw@127.0.0.1:1",
			"Leave the user name and password out of the server address. "
			"A key goes in an environment variable named with --api-key-env NAME.",
		),
	],
)
def test_a_bad_address_is_a_mistake_in_the_command(capsys, picture, address, sentence):
	for command in (["describe", str(picture)], ["models"], ["check"]):
		result = runHere(capsys, *command, "--base-url", address)
		assert (result.returncode, result.stderr.strip()) == (cli.EXIT_USAGE, sentence)


@pytest.mark.parametrize(
	("option", "value", "sentence"),
	[
		("--timeout", "nan", "--timeout takes a number of seconds above 0, such as 120."),
		("--timeout", "inf", "--timeout takes a number of seconds above 0, such as 120."),
		("--timeout", "-5", "--timeout takes a number of seconds above 0, such as 120."),
		("--max-side", "0", "--max-side takes a whole number from 64 to 8192."),
		("--max-side", "-20", "--max-side takes a whole number from 64 to 8192."),
		("--max-tokens", "-3", "--max-tokens takes a whole number from 1 to 1000000."),
		(
			"--keep-alive",
			"banana",
			"--keep-alive takes a duration such as 30m, 2h or 300 (seconds); -1 keeps the model loaded.",
		),
		("--picture-detail", "ultra", "--picture-detail takes fast, balanced or detailed."),
		("--picture-detail", "", "--picture-detail takes fast, balanced or detailed."),
		(
			"--detail",
			"medium",
			"--detail takes low, auto or high; its new name --picture-detail takes fast, balanced or detailed.",
		),
	],
)
def test_numbers_out_of_range_are_refused_before_anything_is_sent(
	capsys, picture, ollama, option, value, sentence
):
	result = runHere(capsys, "describe", str(picture), "--base-url", ollama.url, f"{option}={value}")
	assert (result.returncode, result.stderr.strip()) == (cli.EXIT_USAGE, sentence)
	assert ollama.requests == []


@pytest.mark.parametrize(("value", "sent"), [("30m", "30m"), ("1h30m", "1h30m"), ("-1", -1), ("300", 300)])
def test_good_keep_alive_values_are_sent(ollama, picture, value, sent):
	result = run(
		"describe", str(picture), "--base-url", ollama.url, "--model", "gemma3:4b", "--keep-alive", value
	)
	assert result.returncode == 0, result.stderr
	assert ollama.chatRequests()[0].json["keep_alive"] == sent


def test_models_for_azure_without_an_address_says_so(capsys):
	result = runHere(capsys, "models", "--provider", "azure")
	assert (result.returncode, result.stderr.strip()) == (
		cli.EXIT_USAGE,
		"No server address is set. Give one with --base-url URL.",
	)


def test_a_negative_region_is_accepted_as_written():
	args = cli.parseArguments(["describe", "--region", "-100,-100,10,10"])
	assert args.region == Rect(-100, -100, 10, 10)
	assert cli.parseArguments(["ask", "--region", "-5,0,10,10", "What?"]).question == "What?"


def test_a_region_off_the_screen_is_a_mistake_in_the_command(capsys, xDisplay, monkeypatch):
	monkeypatch.setenv("DISPLAY", xDisplay.name)
	result = runHere(capsys, "describe", "--region", "-100,-100,10,10", "--base-url", "http://127.0.0.1:9")
	assert result.returncode == cli.EXIT_USAGE
	assert (
		result.stderr.strip()
		== "The region -100,-100,10,10 is off the screen, so there is nothing to capture."
	)


# --- Commands and output ---------------------------------------------------------------------------


def test_ask_with_a_picture_and_no_question_asks_for_the_question(capsys, picture):
	for words in ([str(picture)], ["some.png"], []):
		result = runHere(capsys, "ask", *words)
		assert result.returncode == cli.EXIT_USAGE
		assert result.stderr.strip() == 'Add the question after the picture: ask IMAGE_FILE "QUESTION".'


def test_a_typo_says_the_sentence_first_and_keeps_the_usage_short(capsys):
	result = runHere(capsys, "descibe", "photo.png")
	lines = result.stderr.splitlines()
	assert result.returncode == cli.EXIT_USAGE
	assert lines[0] == "descibe is not a command. Did you mean describe?"
	assert len(lines) == 2 and lines[1].startswith("Usage: python -m visionDescriberCore COMMAND [options]")
	other = runHere(capsys, "describe", "--colour", "red")
	assert other.stderr.splitlines()[0] == "Unrecognized arguments: --colour."


def test_help_and_version_exit_with_0(capsys):
	assert cli.main(["--version"]) == cli.EXIT_OK
	assert cli.main(["describe", "--help"]) == cli.EXIT_OK
	assert "--allow-unencrypted-key" in capsys.readouterr().out


def test_describe_without_model_uses_the_add_ons_default(ollama, picture):
	result = run("describe", str(picture), "--base-url", ollama.url)
	assert result.returncode == 1  # the fake has no gemma3, only gemma3:4b: the sentence says so
	assert ollama.chatRequests()[0].json["model"] == "gemma3"
	assert result.stderr.strip() == "The model gemma3 is not installed. Run: ollama pull gemma3"


def test_output_to_a_closed_pipe_ends_quietly(ollama, picture):
	ollama.queueChat(Reply(200, ollamaLines(["word " * 20000] * 3), "application/x-ndjson"))
	process = subprocess.Popen(
		[
			sys.executable,
			"-m",
			"visionDescriberCore",
			"describe",
			str(picture),
			"--base-url",
			ollama.url,
			"--model",
			"gemma3:4b",
		],
		stdout=subprocess.PIPE,
		stderr=subprocess.PIPE,
		env=environment(),
	)
	process.stdout.read(10)
	process.stdout.close()  # like `| head -c 10`
	_, err = process.communicate(timeout=30)
	assert process.returncode == cli.EXIT_FAILED
	assert err == b""


def test_output_to_a_full_disk_says_so(ollama, picture):
	with open("/dev/full", "w") as full:
		result = subprocess.run(
			[
				sys.executable,
				"-m",
				"visionDescriberCore",
				"describe",
				str(picture),
				"--base-url",
				ollama.url,
				"--model",
				"gemma3:4b",
			],
			stdout=full,
			stderr=subprocess.PIPE,
			text=True,
			env=environment(),
			timeout=30,
		)
	assert result.returncode == cli.EXIT_FAILED
	assert result.stderr.strip() == "Could not write the output: No space left on device."


def test_a_key_over_plain_http_to_another_computer_needs_permission(capsys, picture, monkeypatch):
	monkeypatch.setenv("REMOTE_KEY", KEY)
	common = ["--provider", "openaiCompatible", "--model", "m", "--api-key-env", "REMOTE_KEY"]
	result = runHere(capsys, "describe", str(picture), "--base-url", "http://192.0.2.1:1/v1", *common)
	assert result.returncode == cli.EXIT_FAILED
	assert result.stderr.strip() == (
		"The API key would travel unencrypted to 192.0.2.1. "
		"Use an https address, or add --allow-unencrypted-key if you trust the network."
	)
	allowed = cli.parseArguments(
		["models", "--allow-unencrypted-key", "--base-url", "http://192.0.2.1:1/v1", *common]
	)
	assert cli.configFromArguments(allowed).allowInsecureKey is True
	assert KEY not in result.stderr


def test_verbose_logs_each_request_and_how_it_ended_never_the_key(noThreadLeak, picture):
	from servers.fakeOpenAI import FakeOpenAI

	with FakeOpenAI(apiKey=KEY) as server:
		result = run(
			"describe",
			str(picture),
			"--provider",
			"openai",
			"--base-url",
			server.url + "/v1",
			"--model",
			"gpt-4o-mini",
			"--api-key-env",
			"K",
			"--verbose",
			env=environment(K=KEY),
		)
	assert result.returncode == 0, result.stderr
	lines = result.stderr.splitlines()
	assert any(
		line.startswith("DEBUG Vision request: POST ")
		and "/v1/chat/completions, model gpt-4o-mini, picture 80x60 image/png" in line
		for line in lines
	), lines
	assert any("finished (stop)" in line and "prompt tokens" in line for line in lines), lines
	assert KEY not in result.stdout + result.stderr


def test_verbose_tells_a_broken_stream_once(ollama, picture):
	ollama.queueChat(Reply(200, ollamaLines(done=False), "application/x-ndjson"))
	result = run("describe", str(picture), "--base-url", ollama.url, "--model", "gemma3:4b", "--verbose")
	assert result.returncode == cli.EXIT_FAILED
	told = [line for line in result.stderr.splitlines() if "end marker" in line]
	assert len(told) == 1, result.stderr
	assert result.stderr.strip().endswith("The answer was cut off before it finished.")


def test_check_says_a_sensible_duration(ollama):
	result = run("check", "--base-url", ollama.url, "--model", "gemma3:4b")
	assert result.returncode == 0, result.stderr
	probeLine = result.stdout.splitlines()[-2]
	assert "0.0 seconds" not in probeLine
	assert " milliseconds: " in probeLine or " seconds: " in probeLine


def test_a_refused_connection_here_says_the_server_is_not_running(noThreadLeak, picture):
	url = f"http://127.0.0.1:{freePort()}/v1"
	result = run("describe", str(picture), "--provider", "openai", "--base-url", url, "--model", "m")
	assert result.returncode == cli.EXIT_FAILED
	assert (
		result.stderr.strip()
		== f"No server is running at {url} on this computer. Start the server, or check --base-url."
	)


def test_a_heic_photo_says_to_export_it(tmp_path):
	path = tmp_path / "IMG_1.HEIC"
	path.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64))
	result = run("describe", str(path), "--base-url", f"http://127.0.0.1:{freePort()}")
	assert result.returncode == cli.EXIT_FAILED
	assert (
		result.stderr.strip()
		== "IMG_1.HEIC is a HEIC picture, which cannot be read here. Export it as JPEG first."
	)


def test_an_unexpected_fault_is_one_sentence(capsys, picture, monkeypatch):
	def broken(*args, **kwargs):
		raise RuntimeError("a bug")

	monkeypatch.setattr(cli, "loadInputImage", broken)
	result = runHere(capsys, "describe", str(picture), "--base-url", "http://127.0.0.1:9")
	assert (result.returncode, result.stderr.strip()) == (
		cli.EXIT_FAILED,
		"Something went wrong. Add --verbose to see the details.",
	)
	assert "Traceback" not in result.stderr
