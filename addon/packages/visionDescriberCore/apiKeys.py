"""API keys in the operating system's credential store (Windows Credential Manager), through keyring.

A key is stored per endpoint: `endpointIdFor(provider, baseUrl)` names the provider, scheme, host,
port and path, so a key saved for one server is never looked up, and so never sent, for another.
Keys are never written to nvda.ini, a log line, an exception or a repr: errors carry only the
endpoint and the backend's error type, with the key redacted from any message.

Inside NVDA, keyring's entry points may not be discoverable (the bundled copy's dist-info may be
missing or unreadable), so on Windows the Windows backend is chosen explicitly, and keyring's own
choice is only the fallback.
"""

import logging
import sys
from typing import Any
from urllib.parse import urlsplit

from .errors import KeyStoreUnavailable, redact

log = logging.getLogger("visionDescriber")

SERVICE_NAME = "visionDescriber"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def endpointIdFor(provider: str, baseUrl: str) -> str:
	"""A stable name for one endpoint, e.g. "openai:https://api.openai.com/v1".

	Case of scheme and host, a default port and a trailing slash do not matter; the path does
	(two deployments on one host are two endpoints). User names, passwords, queries and fragments in
	the address are left out. Raises ValueError for an address that is not http(s) with a host.
	"""
	parts = urlsplit((baseUrl or "").strip())
	scheme = parts.scheme.lower()
	host = (parts.hostname or "").lower()
	if scheme not in _DEFAULT_PORTS or not host:
		raise ValueError("An API key needs an http or https address with a host name.")
	try:
		port = parts.port
	except ValueError as error:
		raise ValueError("The address has an invalid port.") from error
	netloc = f"[{host}]" if ":" in host else host
	if port is not None and port != _DEFAULT_PORTS[scheme]:
		netloc += f":{port}"
	path = parts.path.rstrip("/")
	return f"{provider}:{scheme}://{netloc}{path}"


#: The speech-to-text endpoint is one more endpoint with its own key (spoken questions, issue 12).
TRANSCRIPTION = "transcription"


def transcriptionEndpointId(baseUrl: str) -> str:
	return endpointIdFor(TRANSCRIPTION, baseUrl)


def sameOrigin(first: str, second: str) -> bool:
	"""The same scheme, host and port (a default port spelled out or not); paths do not matter."""

	def origin(url: str) -> tuple[str, str, int | None] | None:
		parts = urlsplit((url or "").strip())
		scheme = parts.scheme.lower()
		if scheme not in _DEFAULT_PORTS or not parts.hostname:
			return None
		try:
			port = parts.port or _DEFAULT_PORTS[scheme]
		except ValueError:
			return None
		return scheme, parts.hostname.lower(), port

	return origin(first) is not None and origin(first) == origin(second)


def transcriptionKey(
	store: "KeyStore", sttBaseUrl: str, visionProvider: str, visionBaseUrl: str
) -> str | None:
	"""The key for the speech-to-text server: its own, or else the vision server's key when both
	addresses have the same scheme, host and port (one OpenAI account for both), never another's.
	Raises KeyStoreUnavailable like `KeyStore.get`; an address that cannot hold a key has none."""
	try:
		key = store.get(transcriptionEndpointId(sttBaseUrl))
	except ValueError:
		return None
	if key is None and sameOrigin(sttBaseUrl, visionBaseUrl):
		key = store.get(endpointIdFor(visionProvider, visionBaseUrl))
	return key


def defaultBackend(platform: str | None = None) -> Any:
	"""Windows Credential Manager on Windows, chosen explicitly; keyring's own choice elsewhere."""
	platform = platform or sys.platform
	if platform == "win32":
		try:
			from keyring.backends.Windows import WinVaultKeyring

			if WinVaultKeyring.viable:
				return WinVaultKeyring()
			log.warning("keyring's Windows backend is not usable here; falling back to keyring's default")
		except Exception:
			log.warning("keyring's Windows backend could not be loaded", exc_info=True)
	import keyring

	return keyring.get_keyring()


class KeyStore:
	"""Reads and writes API keys. Every failure of the store raises `KeyStoreUnavailable`."""

	def __init__(self, serviceName: str = SERVICE_NAME, backend: Any = None):
		self.serviceName = serviceName
		self._backend = backend

	@property
	def backend(self) -> Any:
		"""The keyring backend, found on first use (importing keyring takes a moment)."""
		if self._backend is None:
			try:
				self._backend = defaultBackend()
			except Exception as error:
				raise KeyStoreUnavailable(KeyStoreUnavailable.READ, _describe(error)) from None
			log.info("API keys are kept in %s", type(self._backend).__name__)
		return self._backend

	def get(self, endpointId: str) -> str | None:
		"""The key saved for this endpoint, or None."""
		backend = self._use(KeyStoreUnavailable.READ)
		try:
			key = backend.get_password(self.serviceName, endpointId)
		except Exception as error:
			raise self._failure(KeyStoreUnavailable.READ, endpointId, error) from None
		return key or None

	def has(self, endpointId: str) -> bool:
		return self.get(endpointId) is not None

	def set(self, endpointId: str, key: str) -> None:
		"""Saves the key (surrounding whitespace from a paste is dropped). A blank key is a ValueError:
		call delete() to remove one."""
		key = (key or "").strip()
		if not key:
			raise ValueError("The API key is empty.")
		backend = self._use(KeyStoreUnavailable.SAVE)
		try:
			backend.set_password(self.serviceName, endpointId, key)
		except Exception as error:
			raise self._failure(KeyStoreUnavailable.SAVE, endpointId, error, key) from None
		log.info("API key saved for %s", endpointId)

	def delete(self, endpointId: str) -> None:
		"""Removes the key for this endpoint; nothing happens if there is none."""
		backend = self._use(KeyStoreUnavailable.DELETE)
		try:
			backend.delete_password(self.serviceName, endpointId)
		except Exception as error:
			# Most backends signal "no such key" with PasswordDeleteError: that is not a failure.
			stillThere = self._quietlyHas(backend, endpointId)
			if stillThere is False and type(error).__name__ == "PasswordDeleteError":
				return
			raise self._failure(KeyStoreUnavailable.DELETE, endpointId, error) from None
		log.info("API key removed for %s", endpointId)

	def __repr__(self) -> str:
		backend = type(self._backend).__name__ if self._backend is not None else "not chosen yet"
		return f"KeyStore({self.serviceName!r}, backend={backend})"

	# --- Internals ------------------------------------------------------------------------------

	def _use(self, operation: str) -> Any:
		try:
			return self.backend
		except KeyStoreUnavailable as error:
			raise KeyStoreUnavailable(operation, error.detail) from None

	def _quietlyHas(self, backend: Any, endpointId: str) -> bool | None:
		try:
			return bool(backend.get_password(self.serviceName, endpointId))
		except Exception:
			return None

	def _failure(
		self, operation: str, endpointId: str, error: BaseException, key: str | None = None
	) -> KeyStoreUnavailable:
		detail = f"{type(self.backend).__name__} could not {operation} the key for {endpointId}: "
		detail += _describe(error, key)
		log.warning("Credential store error: %s", detail)
		return KeyStoreUnavailable(operation, detail)


def _describe(error: BaseException, *secrets: str | None) -> str:
	return redact(f"{type(error).__name__}: {error}", *secrets)
