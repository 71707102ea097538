import logging

import keyring.core
import pytest
from jaraco.classes import properties
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, PasswordSetError
from keyrings.alt.file import PlaintextKeyring
from visionDescriberCore import apiKeys
from visionDescriberCore.apiKeys import KeyStore, endpointIdFor
from visionDescriberCore.errors import KeyStoreUnavailable

SECRET = "sk-test-0123456789abcdef"
OPENAI = endpointIdFor("openai", "https://api.openai.com/v1")
OTHER = endpointIdFor("openaiCompatible", "https://evil.example.net/v1")


@pytest.fixture
def fileBackend(tmp_path):
	"""keyrings.alt's plaintext file backend, kept in the test's own folder."""
	backend = PlaintextKeyring()
	backend.file_path = str(tmp_path / "keyring_pass.cfg")
	return backend


class BrokenBackend(KeyringBackend):
	"""A real keyring backend whose store is broken; its error messages even quote the key."""

	@properties.classproperty
	def priority(cls):
		raise RuntimeError("only for tests")  # not viable: keyring's own discovery never picks it

	def get_password(self, service, username):
		raise KeyringError("vault locked")

	def set_password(self, service, username, password):
		raise PasswordSetError(f"cannot store {password}")

	def delete_password(self, service, username):
		raise OSError(5, "Access is denied")


# --- Endpoint ids ------------------------------------------------------------------------------


def test_endpoint_ids_ignore_spelling_but_not_the_server():
	assert OPENAI == "openai:https://api.openai.com/v1"
	assert endpointIdFor("openai", " HTTPS://API.OpenAI.com:443/v1/ ") == OPENAI
	assert endpointIdFor("openai", "https://user:pw@api.openai.com/v1?x=1#f") == OPENAI
	assert endpointIdFor("ollama", "http://127.0.0.1:11434") == "ollama:http://127.0.0.1:11434"
	assert endpointIdFor("ollama", "http://[::1]:11434/") == "ollama:http://[::1]:11434"
	distinct = {
		OPENAI,
		endpointIdFor("openaiCompatible", "https://api.openai.com/v1"),
		endpointIdFor("openai", "http://api.openai.com/v1"),
		endpointIdFor("openai", "https://api.openai.com:8443/v1"),
		endpointIdFor("openai", "https://api.openai.com/v2"),
		endpointIdFor("openai", "https://api.openai.com.evil.net/v1"),
	}
	assert len(distinct) == 6


@pytest.mark.parametrize("address", ["", "127.0.0.1:11434", "ftp://host/x", "https://", "http://h:99999"])
def test_endpoint_ids_need_an_http_address(address):
	with pytest.raises(ValueError):
		endpointIdFor("ollama", address)


# --- A real file-backed store ------------------------------------------------------------------


def test_a_key_is_saved_read_and_removed(fileBackend, tmp_path):
	store = KeyStore(backend=fileBackend)
	assert store.get(OPENAI) is None
	assert not store.has(OPENAI)
	store.set(OPENAI, f"  {SECRET}\n")
	assert store.get(OPENAI) == SECRET
	assert store.has(OPENAI)
	assert "visionDescriber" in (tmp_path / "keyring_pass.cfg").read_text()
	# A fresh store over the same file sees the key: it was really written.
	again = PlaintextKeyring()
	again.file_path = fileBackend.file_path
	assert KeyStore(backend=again).get(endpointIdFor("openai", "https://API.openai.com/v1/")) == SECRET
	store.delete(OPENAI)
	assert store.get(OPENAI) is None
	store.delete(OPENAI)  # removing a missing key is not an error


def test_a_key_for_one_server_is_never_found_for_another(fileBackend):
	store = KeyStore(backend=fileBackend)
	store.set(OPENAI, SECRET)
	store.set(OTHER, "other-key")
	assert store.get(OPENAI) == SECRET
	assert store.get(OTHER) == "other-key"
	assert store.get(endpointIdFor("openai", "https://api.openai.com.evil.net/v1")) is None
	assert KeyStore("anotherAddon", backend=fileBackend).get(OPENAI) is None


def test_a_blank_key_is_refused(fileBackend):
	with pytest.raises(ValueError):
		KeyStore(backend=fileBackend).set(OPENAI, "   ")


def test_the_key_is_never_in_a_repr_or_a_log(fileBackend, caplog):
	caplog.set_level(logging.DEBUG, logger="visionDescriber")
	store = KeyStore(backend=fileBackend)
	store.set(OPENAI, SECRET)
	store.get(OPENAI)
	assert SECRET not in repr(store)
	assert "PlaintextKeyring" in repr(store)
	assert SECRET not in caplog.text
	assert OPENAI in caplog.text


# --- A broken store ----------------------------------------------------------------------------


def test_a_broken_store_gives_a_typed_error_with_a_plain_sentence(caplog):
	assert not BrokenBackend.viable
	caplog.set_level(logging.DEBUG, logger="visionDescriber")
	store = KeyStore(backend=BrokenBackend())
	with pytest.raises(KeyStoreUnavailable) as read:
		store.get(OPENAI)
	assert read.value.operation == KeyStoreUnavailable.READ
	assert "could not be read" in read.value.sentence
	assert "vault locked" in read.value.detail
	with pytest.raises(KeyStoreUnavailable) as save:
		store.set(OPENAI, SECRET)
	assert save.value.operation == KeyStoreUnavailable.SAVE
	assert "could not be saved" in str(save.value)
	with pytest.raises(KeyStoreUnavailable) as delete:
		store.delete(OPENAI)
	assert delete.value.operation == KeyStoreUnavailable.DELETE
	assert "Access is denied" in delete.value.detail
	with pytest.raises(KeyStoreUnavailable):
		store.has(OPENAI)
	# The backend's own message quoted the key: it is redacted everywhere it could travel.
	assert "PasswordSetError" in save.value.detail
	for text in (save.value.detail, str(save.value), repr(save.value), caplog.text):
		assert SECRET not in text
	assert save.value.__cause__ is None and save.value.__suppress_context__


def test_when_keyring_has_no_usable_store_the_error_is_typed(monkeypatch):
	monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
	monkeypatch.setattr(keyring.core, "_keyring_backend", None)
	store = KeyStore()
	with pytest.raises(KeyStoreUnavailable) as error:
		store.get(OPENAI)
	assert "NoKeyringError" in error.value.detail


def test_on_windows_the_windows_backend_is_asked_for_first(monkeypatch, caplog):
	# Here (not Windows) WinVaultKeyring is not viable, so keyring's own choice is the fallback.
	monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
	monkeypatch.setattr(keyring.core, "_keyring_backend", None)
	with caplog.at_level(logging.WARNING, logger="visionDescriber"):
		backend = apiKeys.defaultBackend("win32")
	assert isinstance(backend, PlaintextKeyring)
	assert "Windows backend is not usable" in caplog.text
	assert isinstance(apiKeys.defaultBackend("linux"), PlaintextKeyring)


# --- The speech-to-text key -----------------------------------------------------------------------


def test_the_speech_to_text_server_has_its_own_key_and_borrows_only_from_the_same_origin(fileBackend):
	store = KeyStore(backend=fileBackend)
	store.set(OPENAI, SECRET)
	# OpenAI for both: the vision key is used for transcription too.
	assert (
		apiKeys.transcriptionKey(store, "https://api.openai.com/v1", "openai", "https://api.openai.com/v1")
		== SECRET
	)
	assert (
		apiKeys.transcriptionKey(
			store, "https://API.openai.com:443/v1/", "openai", "https://api.openai.com/v1"
		)
		== SECRET
	)
	# Another host, scheme or port never gets it.
	for sttUrl in (
		"https://api.groq.com/openai/v1",
		"http://api.openai.com/v1",
		"https://api.openai.com:8443/v1",
		"https://api.openai.com.evil.net/v1",
		"http://127.0.0.1:8000/v1",
	):
		assert apiKeys.transcriptionKey(store, sttUrl, "openai", "https://api.openai.com/v1") is None, sttUrl
	# A key stored for the speech-to-text endpoint wins, and stays its own.
	store.set(apiKeys.transcriptionEndpointId("https://api.groq.com/openai/v1"), "gsk-groq-key")
	assert (
		apiKeys.transcriptionKey(
			store, "https://api.groq.com/openai/v1", "openai", "https://api.openai.com/v1"
		)
		== "gsk-groq-key"
	)
	assert (
		apiKeys.transcriptionEndpointId("https://api.groq.com/openai/v1")
		== "transcription:https://api.groq.com/openai/v1"
	)
	assert store.get(OPENAI) == SECRET
	# An address that cannot hold a key has none (settings refuse it before this is reached).
	assert apiKeys.transcriptionKey(store, "not an address", "openai", "https://api.openai.com/v1") is None


def test_same_origin():
	assert apiKeys.sameOrigin("http://127.0.0.1:8000/v1", "http://127.0.0.1:8000")
	assert not apiKeys.sameOrigin("http://127.0.0.1:8000/v1", "http://127.0.0.1:11434")
	assert not apiKeys.sameOrigin("", "")
	assert not apiKeys.sameOrigin("http://host:bad/v1", "http://host:bad/v1")
