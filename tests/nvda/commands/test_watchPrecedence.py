"""What takes precedence over a watch (G): a describe, a cancelled describe, a question and the
follow-up dialog. Each is answered first (the watch's request is cancelled), the dialogs keep the
watch waiting while they are open, and the watch goes on afterwards, from the answer's picture when
it was of the watched window. Driven check by check as in test_watchCommands.py (see watchDriver.py).
"""

import os
import threading

import pytest
import wx
from pluginDriver import pumpFor, pumpUntil
from servers.fakeOllama import NDJSON, ollamaLines, ollamaReply
from servers.httpServer import Gate, Reply
from watchDriver import ENEMY, FIRST_TEXT, MENU, gatedWatchReport, spokenText
from watchHarness import lastPrompt

pytestmark = pytest.mark.display


# --- A describe, a question, the follow-up dialog while watching -----------------------------------------


def test_aDescribeWhileWatchingTakesPrecedenceAndWatchingGoesOnFromItsPicture(game):
	game.startWatching()
	game.learn()
	gate = gatedWatchReport(game)
	described = "A pause menu over the forest offers Continue and Quit."
	game.server.queueChat(ollamaReply([described]))
	game.press("kb:w")  # describe the foreground window
	game.settle()
	gate.set()  # the rest of the watch's report arrives too late
	pumpFor(0.3)
	assert game.started.spoken[-1] == described
	assert "It offers Continue and Quit." not in spokenText(game.started)
	chats = game.chats()
	assert len(chats) == 3 and "NOCHANGE" not in lastPrompt(chats[2])  # a describe's request
	assert game.plugin.watching is not None and game.watcher.active and not game.watcher.paused
	game.check(4)
	assert len(game.chats()) == 3  # the described picture is where the watch goes on from
	game.server.queueChat(ollamaReply(["An enemy appeared on the left."]))
	game.scene.show(*MENU, ENEMY)
	game.check(2)
	assert len(game.chats()) == 4
	assert described in lastPrompt(game.chats()[3])  # the describe's words are what was said
	assert game.started.spoken[-1] == "An enemy appeared on the left."


def test_cancellingADescribeThatTookPrecedenceLetsTheWatchGoOn(game):
	game.startWatching()
	game.learn()
	gate = threading.Event()
	game.server.queueChat(Reply(200, [*ollamaLines(["A forest. T"], done=False), Gate(gate)], NDJSON))
	game.press("kb:w")
	assert pumpUntil(lambda: len(game.chats()) == 2)
	assert game.watcher.paused
	game.press("kb:x")
	assert game.started.spoken[-1] == "Cancelled"
	game.settle()
	gate.set()
	assert not game.watcher.paused  # nothing answered, and still the watch goes on
	game.server.queueChat(ollamaReply(["An enemy appeared on the left."]))
	game.scene.show(ENEMY)
	game.check(2)
	assert game.started.spoken[-1] == "An enemy appeared on the left."


def test_theQuestionDialogKeepsTheWatchWaitingAndItsQuestionTakesPrecedence(game):
	game.startWatching()
	game.learn()
	game.press("kb:q")  # ask about the navigator object: the picture first, then the dialog
	assert pumpUntil(lambda: game.plugin.questionDialog is not None)
	assert game.watcher.paused
	game.check(2)
	assert len(game.chats()) == 1  # nothing is watched while the dialog covers the screen
	dialog = game.plugin.questionDialog
	dialog.questionField.SetValue("Is there an exit?")
	game.server.queueChat(ollamaReply(["No exit is visible."]))
	dialog.ProcessEvent(wx.CommandEvent(wx.wxEVT_BUTTON, wx.ID_OK))
	game.settle()
	assert game.started.spoken[-1] == "No exit is visible."
	assert "Is there an exit?" in lastPrompt(game.chats()[-1])
	assert not game.watcher.paused
	game.check(3)
	assert len(game.chats()) == 2


def test_theFollowUpDialogWhileWatchingIsAboutTheLatestPictureAndTheWatchWaits(game):
	import api
	import controlTypes
	from nvdaHarness import makeObject
	from visionDescriber import followUpDialog

	game.startWatching()
	game.learn()
	game.server.queueChat(ollamaReply(["A menu opened with Continue and Quit."]))
	game.scene.show(*MENU)
	game.check(2)
	game.press("kb:d")
	assert pumpUntil(lambda: followUpDialog.followUpDialog() is not None)
	dialog = followUpDialog.followUpDialog()
	assert dialog.session.conversation.lastImage is game.watcher.latestPicture
	history = dialog.history.GetValue()
	assert FIRST_TEXT in history and "A menu opened with Continue and Quit." in history
	assert game.watcher.paused

	game.server.queueChat(ollamaReply(["Continue is at the top."]))
	dialog.controller.send("Which option is first?")
	game.settle()
	question = game.chats()[-1].json["messages"]
	assert question[-1]["content"] == "Which option is first?"
	assert [message for message in question if message.get("images")]  # the watch's latest picture
	assert "Continue is at the top." in game.started.spoken

	game.scene.show(*MENU, ENEMY)
	game.check(2)
	assert len(game.chats()) == 3  # the watch waits while the dialog is open
	ownWindow = makeObject(
		"Vision Describer conversation", controlTypes.Role.DIALOG, None, processID=os.getpid()
	)
	api.setForegroundObject(ownWindow)  # NVDA's own window is in front until Windows says otherwise
	dialog.Close()
	pumpFor(0.1)
	assert not game.watcher.paused
	game.server.queueChat(ollamaReply(["An enemy appeared on the left."]))
	game.check(2)
	assert game.started.spoken[-1] == "An enemy appeared on the left."
