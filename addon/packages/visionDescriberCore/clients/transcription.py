"""Speech to text: a recording sent to any OpenAI-compatible `POST {base}/audio/transcriptions`.

	client = TranscriptionClient(TranscriptionConfig(baseUrl="http://127.0.0.1:8000/v1", model=...))
	text = client.transcribe(wavBytes, cancelToken, speechSeconds=recording.speechSeconds)

The request is multipart/form-data, built here byte for byte: `file` (the WAV, named question.wav,
`audio/wav`), `model`, `language` (ISO-639-1, omitted to let the server detect it) and
`response_format=json`. It runs on the worker and blocks; a cancel shuts its socket at once (the
same `Transport` as the vision clients), and the timeouts are the vision ones (the read timeout also
covers a server loading its model on the first request).

What differs between servers, and what is done about it (each is copied by the test server,
`tests/core/servers/fakeTranscription.py`, which names its source):
- Paths. OpenAI, Groq (`https://api.groq.com/openai/v1`), speaches (faster-whisper-server), LocalAI
  and vLLM serve `/v1/audio/transcriptions`. whisper.cpp's `whisper-server` serves `/inference`
  (its `--inference-path` default) and answers anything else with a plain-text 404. So when the
  usual path is a 404 that names no model, `/inference` at the same root is tried, and the address
  that answered is kept for the next question. An address without a path gets `/v1`.
- Formats. `json` is the one format every server and model takes (gpt-4o-mini-transcribe takes only
  json; whisper.cpp's `text` answer is labelled text/html). A plain-text answer is still accepted.
- Errors. OpenAI and Groq send `{"error": {...}}`, speaches (FastAPI) `{"detail": ...}` with 403 for
  a wrong key and 404 for a model not downloaded, LocalAI an integer `code`, vLLM a 400 "Maximum file
  size exceeded" rather than a 413, and whisper.cpp `{"error": "..."}` with status 200. Each becomes
  one typed error with a sentence; bodies go to the log only, after `redact`.
- Silence. Whisper models asked to transcribe silence tend to invent a sentence ("Thank you.",
  "Thanks for watching!"), and whisper.cpp marks silence as "[BLANK_AUDIO]". The listening session
  sends only audio with speech in it, trimmed; here markers in brackets are removed, and one of the
  known invented sentences is dropped when the recording held less than a second of speech. What is
  left empty is `EmptyTranscript`: nothing is asked.
"""

import json
import logging
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from .. import errors
from ..cancellation import CancelToken
from ..errors import VisionDescriberError, redact
from .endpoint import displayUrl
from .errorMapping import ErrorInfo, parseErrorBody, retryAfterSeconds
from .requestFailures import FailureTranslator
from .transport import (
	ConnectionFailure,
	HttpFailure,
	OwnsTransport,
	ReadFailure,
	Transport,
	checkKeyCanTravel,
)

log = logging.getLogger("visionDescriber")

#: speaches (faster-whisper-server) on this computer: its default port, OpenAI's path.
DEFAULT_TRANSCRIPTION_URL = "http://127.0.0.1:8000/v1"
DEFAULT_TRANSCRIPTION_MODEL = "Systran/faster-whisper-small"
FILE_NAME = "question.wav"
ANSWER_LIMIT = 1024 * 1024

_MARKERS = re.compile(
	r"\[[^\]]*\]|\((?:[^)]*\b(?:silence|music|noise|inaudible|blank)\b[^)]*)\)", re.IGNORECASE
)
_INVENTED = {
	"thank you",
	"thank you very much",
	"thanks for watching",
	"thank you for watching",
	"thanks for watching and see you next time",
	"please subscribe",
	"subtitles by the amara org community",
	"you",
	"bye",
}
_MODEL_WORDS = (
	"model_not_found",
	"not installed",
	"does not exist",
	"unknown model",
	"invalid model",
	"model not found",
	"not supported",  # speaches: "Model '...' is not supported."
	"does not support",  # vLLM: "The model does not support Transcriptions API"
)
_TOO_LARGE_WORDS = (
	"too large",
	"maximum file size",
	"content size limit",
	"entity too large",
	"file is too big",
)


@dataclass
class TranscriptionConfig:
	baseUrl: str = DEFAULT_TRANSCRIPTION_URL
	model: str = DEFAULT_TRANSCRIPTION_MODEL
	#: ISO-639-1 ("pt"); empty lets the server detect the language.
	language: str = ""
	apiKey: str | None = field(default=None, repr=False, compare=False)
	connectTimeout: float = 5.0
	readTimeout: float = 120.0
	allowInsecureKey: bool = False


def languageCode(code: str | None) -> str:
	"""NVDA's language ("pt_BR", "zh-TW", "de") as ISO-639-1 ("pt", "zh", "de"); "" for none, "auto"
	or a language with no two-letter code (the server then detects it)."""
	primary = re.split(r"[_-]", (code or "").strip().lower(), maxsplit=1)[0]
	return primary if re.fullmatch(r"[a-z]{2}", primary) else ""


def candidateUrls(baseUrl: str) -> list[str]:
	"""Where to post, in order: the OpenAI path, then whisper.cpp's /inference at the same root.
	An empty address is the default one."""
	url = (baseUrl or "").strip() or DEFAULT_TRANSCRIPTION_URL
	if "://" not in url:
		url = "http://" + url
	parts = urlsplit(url)
	path = parts.path.rstrip("/")

	def at(newPath: str) -> str:
		return urlunsplit((parts.scheme.lower(), parts.netloc, newPath, "", ""))

	if path.endswith("/inference"):
		return [at(path)]
	if path.endswith("/audio/transcriptions"):
		path = path[: -len("/audio/transcriptions")]
	root = path[: -len("/v1")] if path.endswith("/v1") else path
	return [at((path or "/v1") + "/audio/transcriptions"), at(root + "/inference")]


def multipartBody(wav: bytes, fields: Mapping[str, str]) -> tuple[bytes, str]:
	"""The form, and its Content-Type with the boundary."""
	boundary = "----visionDescriber" + secrets.token_hex(12)
	while boundary.encode() in wav:
		boundary = "----visionDescriber" + secrets.token_hex(12)
	parts = [
		f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{FILE_NAME}"\r\n'
		"Content-Type: audio/wav\r\n\r\n".encode()
		+ wav
		+ b"\r\n"
	]
	for name, value in fields.items():
		parts.append(
			f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
		)
	parts.append(f"--{boundary}--\r\n".encode())
	return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def cleanTranscript(text: str, speechSeconds: float | None = None) -> str:
	"""The words, without silence markers, and without an invented sentence on next to no speech."""
	text = " ".join(_MARKERS.sub(" ", text or "").split())
	if not any(character.isalnum() for character in text):
		return ""
	if speechSeconds is not None and speechSeconds < 1.0:
		words = " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())
		if words in _INVENTED:
			return ""
	return text


def mapTranscriptionError(
	status: int,
	info: ErrorInfo,
	headers: Mapping[str, str],
	*,
	model: str,
	language: str,
	keyPresent: bool,
	where: str,
	detail: str,
) -> VisionDescriberError | None:
	"""The typed error for an error answer; None for a 404 that names no model (a wrong path)."""
	words = info.haystack()
	if status == 401 or (status == 403 and "key" in words):  # speaches answers a wrong key with 403
		return errors.AuthenticationFailed(keyMissing=not keyPresent, detail=detail)
	if status == 402 or "insufficient_quota" in words or "exceeded your current quota" in words:
		return errors.QuotaExceeded(detail=detail)
	if status == 429:
		return errors.RateLimited(retryAfterSeconds(headers), detail=detail)
	if status == 413 or any(word in words for word in _TOO_LARGE_WORDS):
		return errors.AudioTooLarge(detail=detail)
	if status == 403:
		return errors.PermissionDenied(detail=detail)
	if "model" in words and any(word in words for word in _MODEL_WORDS):
		return errors.ModelNotFound(model, detail=detail)
	if status == 404:
		return None
	if info.isHtml:
		return (
			errors.ServerError(status, detail=detail)
			if status >= 500
			else errors.NoTranscriptionService(where, detail=detail)
		)
	if "too short" in words or "audio_too_short" in words:
		return errors.AudioRejected(tooShort=True, detail=detail)
	if "language" in words and language:
		return errors.LanguageNotSupported(language, detail=detail)
	if status in (400, 415, 422) or status < 400:
		return errors.AudioRejected(detail=detail)
	return errors.ServerError(status, detail=detail)


class TranscriptionClient(OwnsTransport):
	"""One speech-to-text endpoint. `transcribe` runs on the worker; `close` from any thread."""

	def __init__(self, config: TranscriptionConfig):
		self.config = config
		self._apiKey = (config.apiKey or "").strip() or None
		self._urls = candidateUrls(config.baseUrl)
		#: The address as the user knows it, safe to speak: no credentials, no query.
		self.displayUrl = displayUrl(self._urls[0].removesuffix("/audio/transcriptions"))
		self._transport = Transport(
			self._urls[0],
			connectTimeout=config.connectTimeout,
			readTimeout=config.readTimeout,
			allowInsecureKey=config.allowInsecureKey,
		)
		self._failures = FailureTranslator(
			provider="",
			model=config.model,
			keyPresent=bool(self._apiKey),
			where=self.displayUrl,
			connectTimeout=config.connectTimeout,
			readTimeout=config.readTimeout,
			redact=self._redact,
		)
		#: The address that answered last time (whisper.cpp's /inference, once found).
		self.url: str | None = None

	def transcribe(
		self, wav: bytes, cancelToken: CancelToken | None = None, speechSeconds: float | None = None
	) -> str:
		"""The words in a WAV recording. Raises a typed error with a sentence, EmptyTranscript included."""
		fields = {
			"model": self.config.model.strip(),
			"language": languageCode(self.config.language),
			"response_format": "json",
		}
		body, contentType = multipartBody(wav, {name: value for name, value in fields.items() if value})
		urls = [self.url] if self.url else self._urls
		for index, url in enumerate(urls):
			try:
				text = self._post(url, body, contentType, cancelToken)
			except HttpFailure as failure:
				error = self._mapped(failure)
				if error is None and index + 1 < len(urls):
					log.info(
						"No transcription service at %s; trying %s",
						displayUrl(url),
						displayUrl(urls[index + 1]),
					)
					continue
				raise error or errors.NoTranscriptionService(
					self.displayUrl, detail=self._detail(failure)
				) from None
			self.url = url
			cleaned = cleanTranscript(text, speechSeconds)
			if not cleaned:
				raise errors.EmptyTranscript(
					detail=self._redact(f"{displayUrl(url)} transcribed: {text[:200]!r}")
				)
			return cleaned
		raise AssertionError("unreachable")

	def __repr__(self) -> str:
		return f"TranscriptionClient({self.displayUrl!r}, model={self.config.model!r})"

	# --- One request ---------------------------------------------------------------------------------

	def _post(self, url: str, body: bytes, contentType: str, cancelToken: CancelToken | None) -> str:
		if cancelToken is not None:
			cancelToken.raiseIfCancelled()
		checkKeyCanTravel(self._apiKey, url, self.config.allowInsecureKey)
		headers = {"Content-Type": contentType, "Accept": "application/json"}
		if self._apiKey:
			headers["Authorization"] = f"Bearer {self._apiKey}"
		try:
			exchange = self._transport.open("POST", url, headers=headers, data=body, cancelToken=cancelToken)
		except ConnectionFailure as failure:
			raise self._failures.fromConnection(failure.error, cancelToken, url) from None
		try:
			answer = exchange.readAll(ANSWER_LIMIT)
		except ReadFailure as failure:
			raise self._failures.fromRead(failure.error, cancelToken) from None
		finally:
			exchange.close()
		if cancelToken is not None:
			cancelToken.raiseIfCancelled()
		return self._textOf(
			answer, exchange.response.headers.get("Content-Type", ""), url, exchange.response.headers
		)

	def _textOf(self, answer: bytes, contentType: str, url: str, headers) -> str:
		text = answer.decode("utf-8", errors="replace")
		contentType = contentType.lower()
		if "html" in contentType:
			raise errors.NoTranscriptionService(
				self.displayUrl, detail=self._redact(f"a web page from {displayUrl(url)}: {text[:300]!r}")
			)
		if "json" not in contentType and not text.lstrip().startswith("{"):
			return text  # a server that answers in plain text whatever the format asked
		try:
			obj = json.loads(text)
		except ValueError:
			raise errors.NoTranscriptionService(
				self.displayUrl, detail=self._redact(f"non-JSON from {displayUrl(url)}: {text[:300]!r}")
			) from None
		if isinstance(obj, dict) and isinstance(obj.get("text"), str):
			return obj["text"]
		if isinstance(obj, dict) and "error" in obj:
			# whisper.cpp reports failures with status 200.
			raise self._mapped(
				HttpFailure(200, dict(headers), text, parseErrorBody(text, contentType), url)
			) or errors.ServerError(None)
		raise errors.NoTranscriptionService(
			self.displayUrl, detail=self._redact(f"no text from {displayUrl(url)}: {text[:300]!r}")
		)

	def _mapped(self, failure: HttpFailure) -> VisionDescriberError | None:
		detail = self._detail(failure)
		log.warning("Transcription request failed: %s", detail)
		return mapTranscriptionError(
			failure.status,
			failure.info,
			failure.headers,
			model=self.config.model,
			language=languageCode(self.config.language),
			keyPresent=bool(self._apiKey),
			where=self.displayUrl,
			detail=detail,
		)

	def _detail(self, failure: HttpFailure) -> str:
		return self._redact(
			f"HTTP {failure.status} from {displayUrl(failure.url)}: {failure.text.strip()[:2000]}"
		)

	def _redact(self, text: str) -> str:
		return redact(text, self._apiKey, self.config.apiKey)
