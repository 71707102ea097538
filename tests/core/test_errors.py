from visionDescriberCore import errors, i18n


def test_sentences_are_plain_and_actionable():
	assert str(errors.ServerUnreachable("http://127.0.0.1:11434", provider="ollama")) == (
		"Ollama is not running at http://127.0.0.1:11434. Start Ollama, or check the address in settings."
	)
	assert "ollama pull llava" in errors.ModelNotFound("llava", provider="ollama").sentence


def test_translator_applies_when_the_sentence_is_built():
	error = errors.Cancelled()
	i18n.setTranslator(lambda message: {"Cancelled": "Abgebrochen"}.get(message, message))
	try:
		assert error.sentence == "Abgebrochen"
	finally:
		i18n.setTranslator(str)
	assert error.sentence == "Cancelled"


def test_redact_removes_every_secret():
	assert errors.redact("key sk-abc in sk-abc", "sk-abc", None) == "key [redacted] in [redacted]"


def test_detail_stays_out_of_the_sentence():
	error = errors.ServerError(500, detail="Traceback: boom")
	assert "Traceback" not in str(error)
	assert error.detail == "Traceback: boom"
