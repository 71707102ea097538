"""The command-line tool's `watch` (a real process watching a region of the test display, where
separate wx processes paint windows) and `changes` (two picture files), against the fake servers."""

import base64
import io
import re
import signal
import subprocess
import sys
import time

import pytest
from clientHelpers import waitUntil
from PIL import Image, ImageDraw
from servers.fakeOllama import FakeOllama, ollamaReply
from servers.httpServer import Reply, Stall
from test_cli import REPOSITORY, environment, readUntil, start
from visionDescriberCore import cli

REGION = "2000,200,640,400"
LINE = re.compile(rb"^\d\d:\d\d:\d\d (.+)$")


def painter(display, *windows: str) -> subprocess.Popen:
	"""A separate wx process showing windows (left,top,width,height,r,g,b[,text]) until closed."""
	process = subprocess.Popen(
		[sys.executable, str(REPOSITORY / "tests" / "screens.py"), *windows],
		stdin=subprocess.PIPE,
		stdout=subprocess.PIPE,
		env=environment(DISPLAY=display.name),
		cwd=REPOSITORY / "tests",
	)
	assert readUntil(process.stdout, b"ready", timeout=20)
	return process


def closePainter(process: subprocess.Popen) -> None:
	process.stdin.close()
	process.wait(10)


@pytest.fixture
def ollamaServer(noThreadLeak):
	with FakeOllama() as server:
		yield server


@pytest.fixture
def game(xDisplay):
	"""A dark red window with a word filling the watched region."""
	process = painter(xDisplay, f"{REGION},120,20,20,Forest")
	yield xDisplay
	closePainter(process)


def watchArguments(server, *extra) -> list[str]:
	return [
		"watch",
		"--region",
		REGION,
		"--interval",
		"0.25",
		"--base-url",
		server.url,
		"--model",
		"gemma3:4b",
		*extra,
	]


def finish(process: subprocess.Popen, timeout: float = 20) -> tuple[bytes, bytes]:
	try:
		return process.communicate(timeout=timeout)
	finally:
		if process.poll() is None:
			process.kill()
			process.communicate()


def test_watchPrintsEachSpokenChangeWithItsTimeAndStopsAfterTheRequestCount(game, ollamaServer):
	ollamaServer.queueChat(
		ollamaReply(["A dark red window ", "that says Forest."]), ollamaReply(["A blue menu opened."])
	)
	process = start(*watchArguments(ollamaServer, "--max-requests", "2"), env=environment(DISPLAY=game.name))
	try:
		first = readUntil(process.stdout, b"\n")
		assert LINE.match(first.strip()).group(1) == b"A dark red window that says Forest."
		menu = painter(game, "2200,300,300,150,20,40,220,Menu")
		try:
			out, err = finish(process)
		finally:
			closePainter(menu)
	finally:
		finish(process)
	assert process.returncode == 0, err
	assert LINE.match(out.strip()).group(1) == b"A blue menu opened."
	assert err.decode().strip() == "Watching for changes."
	first, second = ollamaServer.chatRequests()
	picture = Image.open(io.BytesIO(base64.b64decode(second.json["messages"][-1]["images"][0]))).convert(
		"RGB"
	)
	red, green, blue = picture.getpixel((350, 170))  # inside the menu window, away from its word
	assert blue > 150 and red < 80
	assert "A dark red window that says Forest." in second.json["messages"][-1]["content"]


def test_watchEndsWhenItsDurationHasPassed(game, ollamaServer):
	began = time.monotonic()
	process = start(*watchArguments(ollamaServer, "--duration", "1.5"), env=environment(DISPLAY=game.name))
	out, err = finish(process)
	assert process.returncode == 0, err
	assert 1.4 < time.monotonic() - began < 15
	assert len(out.splitlines()) == 1  # the first description; the window did not change
	assert len(ollamaServer.chatRequests()) == 1


def test_ctrlCEndsTheWatchWith130AndCancelsTheRequest(game, ollamaServer):
	reply = ollamaReply()
	reply.beforeHeaders = [Stall(timeout=30)]
	ollamaServer.queueChat(reply)
	process = start(*watchArguments(ollamaServer), env=environment(DISPLAY=game.name))
	try:
		waitUntil(lambda: len(ollamaServer.chatRequests()) == 1, timeout=20)  # after the model's picture rule
		request = ollamaServer.chatRequests()[0]
		time.sleep(0.2)
		process.send_signal(signal.SIGINT)
		out, err = process.communicate(timeout=10)
	finally:
		finish(process)
	assert process.returncode == 130
	assert err.decode().strip().endswith("Cancelled.")
	waitUntil(lambda: request.clientClosedAt is not None)


def test_aBlackRegionStopsTheWatchWithAHint(xDisplay, ollamaServer):
	process = start(
		"watch", "--region", "3000,1600,300,200", "--base-url", ollamaServer.url, "--model", "gemma3:4b",
		env=environment(DISPLAY=xDisplay.name),
	)  # fmt: skip
	out, err = finish(process)
	assert process.returncode == 1
	assert "borderless" in err.decode()
	assert out == b""
	assert ollamaServer.chatRequests() == []


def test_watchNeedsATargetAndSensibleNumbers():
	from visionDescriberCore.cliWording import UsageError

	sentences = []
	for arguments in (
		["watch"],
		["watch", "--screen", "--interval", "0"],
		["watch", "--screen", "--max-requests", "x"],
	):
		with pytest.raises(UsageError) as refused:
			cli.parseArguments(arguments)
		sentences.append(refused.value.sentence)
	assert "--screen --region is required" in sentences[0]
	assert "must be more than 0" in sentences[1]
	assert "expected a number" in sentences[2]
	args = cli.parseArguments(["watch", "--screen", "--duration", "30", "--max-requests", "4"])
	assert (args.interval, args.duration, args.maxRequests, args.perMinute) == (1.0, 30.0, 4, None)


# --- changes ------------------------------------------------------------------------------------


def scene(tmp_path, name: str, menu: bool = False, caret: bool = False):
	image = Image.new("RGB", (1280, 720), (30, 70, 40))
	draw = ImageDraw.Draw(image)
	draw.rectangle((0, 600, 1279, 719), fill=(60, 50, 40))
	draw.text((20, 640), "Level 3: The Forest", fill=(250, 250, 200))
	if menu:
		draw.rectangle((900, 100, 1250, 500), fill=(240, 235, 220))
	if caret:
		draw.rectangle((300, 640, 301, 660), fill=(255, 255, 255))
	path = tmp_path / name
	image.save(path)
	return str(path)


def changes(server, before, after, model, capsys) -> tuple[int, str, str]:
	status = cli.main(["changes", before, after, "--base-url", server.url, "--model", model])
	captured = capsys.readouterr()
	return status, captured.out, captured.err


def test_changesSendsBothPicturesToAModelThatTakesSeveral(ollamaServer, tmp_path, capsys):
	ollamaServer.models["qwen2.5vl:7b"] = ["completion", "vision"]
	ollamaServer.queueChat(ollamaReply(["A menu ", "opened on the right."]))
	status, out, _err = changes(
		ollamaServer, scene(tmp_path, "a.png"), scene(tmp_path, "b.png", menu=True), "qwen2.5vl:7b", capsys
	)
	assert status == 0
	assert out == "A menu opened on the right.\n"
	(request,) = ollamaServer.chatRequests()
	assert len(request.json["messages"][-1]["images"]) == 2
	assert "The first picture is the screen before" in request.json["messages"][-1]["content"]


def test_changesDescribesBeforeFirstForAModelThatTakesOnePicture(tmp_path, capsys):
	with FakeOllama(models={"llava:7b": ["completion", "vision"]}) as server:
		server.queueChat(ollamaReply(["A forest clearing."]), ollamaReply(["A menu opened."]))
		status, out, _err = changes(
			server, scene(tmp_path, "a.png"), scene(tmp_path, "b.png", menu=True), "llava:7b", capsys
		)
		describeBefore, compare = server.chatRequests()
	assert (status, out) == (0, "A menu opened.\n")
	assert [len(request.json["messages"][-1]["images"]) for request in (describeBefore, compare)] == [1, 1]
	assert "A forest clearing." in compare.json["messages"][-1]["content"]


def test_changesSaysSoAtOnceForPracticallyIdenticalPictures(ollamaServer, tmp_path, capsys):
	status, out, _err = changes(
		ollamaServer, scene(tmp_path, "a.png"), scene(tmp_path, "b.png", caret=True), "gemma3:4b", capsys
	)
	assert (status, out) == (0, "The two pictures are practically the same; nothing was sent.\n")
	assert ollamaServer.chatRequests() == []


def test_changesNeverPrintsTheMarker(ollamaServer, tmp_path, capsys):
	ollamaServer.queueChat(ollamaReply(["NOCHANGE"]))
	status, out, _err = changes(
		ollamaServer, scene(tmp_path, "a.png"), scene(tmp_path, "b.png", menu=True), "gemma3:4b", capsys
	)
	assert (status, out) == (0, "Nothing important changed.\n")


def test_changesWithAStalledServerCanBeInterrupted(ollamaServer, tmp_path):
	reply = ollamaReply()
	reply.beforeHeaders = [Stall(timeout=30)]
	ollamaServer.queueChat(Reply(200, reply.body, reply.contentType, beforeHeaders=[Stall(timeout=30)]))
	before, after = scene(tmp_path, "a.png"), scene(tmp_path, "b.png", menu=True)
	process = start("changes", before, after, "--base-url", ollamaServer.url, "--model", "gemma3:4b")
	try:
		ollamaServer.waitForRequests(1)
		time.sleep(0.2)
		process.send_signal(signal.SIGINT)
		_out, err = process.communicate(timeout=10)
	finally:
		finish(process)
	assert process.returncode == 130
	assert err.decode().strip() == "Cancelled."
