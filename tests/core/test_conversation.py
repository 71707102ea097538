from visionDescriberCore.conversation.conversation import Conversation, Turn
from visionDescriberCore.media import PreparedImage

PICTURE = PreparedImage(b"\x89PNG first", "image/png", 10, 10)
SECOND = PreparedImage(b"\xff\xd8 second", "image/jpeg", 20, 20)


def roles(turns: list[Turn]) -> list[str]:
	return [turn.role for turn in turns]


def test_follow_up_reuses_the_stored_image():
	conversation = Conversation("Be brief.")
	conversation.addUserTurn("Describe.", PICTURE)
	conversation.addAssistantTurn("A cat.")
	conversation.addUserTurn("What colour?")
	turns = conversation.requestTurns()
	assert roles(turns) == ["user", "assistant", "user"]
	assert turns[0].image is PICTURE
	assert [turn.image for turn in turns[1:]] == [None, None]
	assert conversation.lastImage is PICTURE


def test_long_chat_is_bounded_but_keeps_the_image_and_the_latest_question():
	conversation = Conversation(maxTurns=6)
	conversation.addUserTurn("Describe.", PICTURE)
	conversation.addAssistantTurn("A busy street.")
	for number in range(20):
		conversation.addUserTurn(f"Question {number}")
		conversation.addAssistantTurn(f"Answer {number}")
	conversation.addUserTurn("Last question")
	turns = conversation.requestTurns()
	assert len(turns) <= 6
	assert turns[0].image is PICTURE
	assert turns[1].text == "A busy street."
	assert turns[-1].text == "Last question"
	assert roles(turns) == ["user", "assistant"] * (len(turns) // 2) + ["user"]
	assert len(conversation.turns) == 43  # the whole history is kept for display and saving


def test_character_bound_drops_old_pairs_first():
	conversation = Conversation(maxTurns=50, maxHistoryChars=300)
	conversation.addUserTurn("Describe.", PICTURE)
	conversation.addAssistantTurn("Short.")
	for number in range(5):
		conversation.addUserTurn(f"Q{number}")
		conversation.addAssistantTurn("x" * 100)
	conversation.addUserTurn("Final?")
	turns = conversation.requestTurns()
	assert sum(len(turn.text) for turn in turns) <= 300
	assert turns[0].image is PICTURE
	assert turns[-1].text == "Final?"
	assert roles(turns)[-3:] == ["user", "assistant", "user"]


def test_only_the_latest_image_is_sent():
	conversation = Conversation()
	conversation.addUserTurn("First.", PICTURE)
	conversation.addAssistantTurn("One.")
	conversation.addUserTurn("And this one?", SECOND)
	turns = conversation.requestTurns()
	assert [turn.image for turn in turns] == [SECOND]
	assert conversation.lastImage is SECOND


def test_consecutive_user_turns_are_merged_to_keep_roles_alternating():
	conversation = Conversation()
	conversation.addUserTurn("Describe.", PICTURE)
	conversation.addUserTurn("Please.")
	turns = conversation.requestTurns()
	assert roles(turns) == ["user"]
	assert turns[0].text == "Describe.\n\nPlease."
	assert turns[0].image is PICTURE


def test_text_only_conversation_keeps_the_recent_turns():
	conversation = Conversation(maxTurns=3)
	for number in range(4):
		conversation.addUserTurn(f"Q{number}")
		conversation.addAssistantTurn(f"A{number}")
	conversation.addUserTurn("Now?")
	turns = conversation.requestTurns()
	assert [turn.text for turn in turns] == ["Q3", "A3", "Now?"]


def test_aTurnCanCarryAnEarlierPictureBeforeItsOwn():
	""" "What changed?" sends the picture from before and the picture now in one turn."""
	conversation = Conversation()
	conversation.addUserTurn("Describe.", PICTURE)
	conversation.addAssistantTurn("A cat.")
	turn = conversation.addUserTurn("What changed?", SECOND, (PICTURE,))
	conversation.addAssistantTurn("The cat left.")
	conversation.addUserTurn("Where did it go?")
	assert turn.images == (PICTURE, SECOND)
	assert conversation.lastImage is SECOND
	turns = conversation.requestTurns()
	assert turns[0].images == (PICTURE, SECOND)  # the latest picture's turn anchors the request
	assert [t.images for t in turns[1:]] == [(), ()]
	# Earlier pictures need a picture of the turn's own; a question alone carries none.
	assert conversation.addUserTurn("Hm?", None, (PICTURE,)).images == ()


def test_mergedUserTurnsKeepTheirPictures():
	conversation = Conversation()
	conversation.addUserTurn("What changed?", SECOND, (PICTURE,))
	conversation.addUserTurn("Be brief.")
	(merged,) = conversation.requestTurns()
	assert merged.images == (PICTURE, SECOND)
	assert merged.text == "What changed?\n\nBe brief."
