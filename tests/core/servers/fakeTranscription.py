"""A fake speech-to-text server: `POST .../audio/transcriptions` (or whisper.cpp's `/inference`)
reading real multipart bodies, in the flavours of the servers the add-on is meant to work with.

Each flavour copies what its server does; the source of each quirk is named beside it:
- "openai" (platform.openai.com API reference, Create transcription): Bearer key; errors as
  `{"error": {"message", "type", "param", "code"}}`; a missing or wrong key is 401 (the message
  repeats a masked key); an unknown model 404 `model_not_found`; gpt-4o(-mini)-transcribe take only
  `response_format=json`; 25 MB per file (413 beyond it; the body's wording as users report it);
  a file that is not audio 400 "Invalid file format"; under 0.1 s 400 `audio_too_short` (as seen in
  UpstreetAI/usdk#637); a language that is not ISO-639-1 400 "Invalid language".
- "groq" (console.groq.com/docs/speech-to-text): the same API under `/openai/v1`.
- "speaches" (speaches-ai/speaches, src/speaches/dependencies.py and routers/utils.py): FastAPI
  errors `{"detail": ...}`; a configured API key refused with 403 ("Invalid API key..."); a model
  not downloaded 404 "Model '...' is not installed locally..."; undecodable audio 415, an empty file
  400; a missing form field 422 with FastAPI's list of problems.
- "whispercpp" (ggerganov/whisper.cpp, examples/server/server.cpp): only `/inference`; any other
  path is 404 text/plain "File Not Found (path)"; failures are `{"error": "..."}` with status 200;
  `model` and the key are ignored; text starts with a space; silence is "[BLANK_AUDIO]".
- "localai" (mudler/LocalAI#1733): a body over the upload limit is 413
  `{"error": {"code": 413, "message": "Request Entity Too Large", "type": ""}}`.
- "vllm" (docs.vllm.ai, serving_transcription): files over VLLM_MAX_AUDIO_CLIP_FILESIZE_MB (25) are
  a 400 "Maximum file size exceeded", not a 413; a language outside its list is a 400.

Transcripts: queued with `queueTranscript(text)`; otherwise audio louder than -50 dBFS is
"How much health do I have left?" and quieter audio is what the flavour says for silence (OpenAI's
Whisper invents "Thank you."). Replies and faults (stalls, delays, a cut connection) can be queued
for the path like any `ScriptedHttpServer` reply. Every upload is parsed and kept in `uploads`.
"""

import io
import math
import wave
from collections import deque
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP

from .httpServer import RecordedRequest, Reply, ScriptedHttpServer

QUESTION = "How much health do I have left?"
MEGABYTE = 1024 * 1024
OPENAI_LANGUAGES = {"en", "de", "fr", "es", "pt", "it", "nl", "ja", "zh", "ru", "ar", "pl", "sv", "tr", "uk"}
VLLM_LANGUAGES = OPENAI_LANGUAGES


@dataclass
class Upload:
	fields: dict[str, str]
	fileName: str | None
	fileType: str | None
	audio: bytes

	@property
	def seconds(self) -> float | None:
		try:
			with wave.open(io.BytesIO(self.audio)) as reader:
				return reader.getnframes() / reader.getframerate()
		except (wave.Error, EOFError):
			return None

	def wavFormat(self) -> tuple[int, int, int]:
		with wave.open(io.BytesIO(self.audio)) as reader:
			return reader.getframerate(), reader.getnchannels(), reader.getsampwidth()


def parseMultipart(request: RecordedRequest) -> Upload | None:
	contentType = request.header("content-type") or ""
	if not contentType.startswith("multipart/form-data"):
		return None
	message = BytesParser(policy=HTTP).parsebytes(
		b"Content-Type: " + contentType.encode() + b"\r\n\r\n" + request.body
	)
	fields: dict[str, str] = {}
	fileName = fileType = None
	audio = b""
	for part in message.iter_parts():
		name = part.get_param("name", header="content-disposition")
		payload = part.get_payload(decode=True) or b""
		if name == "file":
			fileName = part.get_filename()
			fileType = part.get_content_type()
			audio = payload
		elif name:
			fields[name] = payload.decode("utf-8")
	return Upload(fields, fileName, fileType, audio)


def loudnessDb(audio: bytes) -> float | None:
	"""RMS level of a 16-bit WAV in dBFS; None when it is not one."""
	try:
		with wave.open(io.BytesIO(audio)) as reader:
			if reader.getsampwidth() != 2:
				return None
			frames = reader.readframes(reader.getnframes())
	except (wave.Error, EOFError):
		return None
	samples = memoryview(frames).cast("h")
	if not len(samples):
		return -120.0
	energy = sum(value * value for value in samples) / len(samples)
	return 10 * math.log10(energy / 32768**2) if energy else -120.0


def openaiError(
	message: str, status: int, type: str = "invalid_request_error", code=None, param=None
) -> Reply:
	return Reply.json({"error": {"message": message, "type": type, "param": param, "code": code}}, status)


def fastapiError(detail, status: int) -> Reply:
	return Reply.json({"detail": detail}, status)


class FakeTranscription(ScriptedHttpServer):
	def __init__(
		self,
		flavour: str = "openai",
		apiKey: str | None = None,
		models: tuple[str, ...] = ("whisper-1", "gpt-4o-mini-transcribe", "Systran/faster-whisper-small"),
		maxBytes: int = 25 * MEGABYTE,
		host: str = "127.0.0.1",
	):
		super().__init__(host)
		self.flavour = flavour
		self.apiKey = apiKey
		self.models = models
		self.maxBytes = maxBytes
		self.transcripts: deque[str] = deque()
		self.uploads: list[Upload] = []
		self.path = {"groq": "/openai/v1/audio/transcriptions", "whispercpp": "/inference"}.get(
			flavour, "/v1/audio/transcriptions"
		)
		self.route("POST", self.path, self._transcribe)

	def queueTranscript(self, *texts: str) -> None:
		self.transcripts.extend(texts)

	def queueReply(self, *replies: Reply) -> None:
		self.enqueue("POST", self.path, *replies)

	@property
	def baseUrl(self) -> str:
		"""What a user types in the settings for this server."""
		if self.flavour == "whispercpp":
			return self.url
		return self.url + self.path.removesuffix("/audio/transcriptions")

	def notFound(self, request: RecordedRequest) -> Reply:
		if self.flavour == "whispercpp":
			return Reply.text(f"File Not Found ({request.path})", 404)
		if self.flavour == "speaches":
			return fastapiError("Not Found", 404)
		return openaiError(f"Invalid URL ({request.method} {request.path})", 404)

	# --- The endpoint -------------------------------------------------------------------------------

	def _transcribe(self, request: RecordedRequest) -> Reply:
		upload = parseMultipart(request)
		if upload is not None:
			self.uploads.append(upload)
		for check in (self._keyProblem, self._sizeProblem, self._formProblem, self._audioProblem):
			problem = check(request, upload)
			if problem is not None:
				return problem
		text = self.transcripts.popleft() if self.transcripts else self._heard(upload)
		if self.flavour == "whispercpp":
			text = " " + text + "\n"
		if upload.fields.get("response_format") == "text":
			# whisper.cpp labels its plain text as a web page.
			contentType = (
				"text/html; charset=utf-8" if self.flavour == "whispercpp" else "text/plain; charset=utf-8"
			)
			return Reply.text(text, contentType=contentType)
		return Reply.json({"text": text})

	def _heard(self, upload: Upload) -> str:
		level = loudnessDb(upload.audio)
		if level is not None and level > -50:
			return QUESTION
		return {"whispercpp": "[BLANK_AUDIO]", "speaches": ""}.get(self.flavour, "Thank you.")

	def _keyProblem(self, request: RecordedRequest, upload: Upload | None) -> Reply | None:
		if self.apiKey is None or self.flavour == "whispercpp":
			return None
		given = (request.header("authorization") or "").removeprefix("Bearer ")
		if given == self.apiKey:
			return None
		if self.flavour == "speaches":
			if not given:
				return fastapiError(
					"API key required. Please provide an API key using the Authorization header with Bearer scheme.",
					403,
				)
			return fastapiError("Invalid API key. The provided API key is incorrect.", 403)
		if not given:
			return openaiError(
				"You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
				401,
			)
		masked = given[:3] + "*" * 10 + given[-4:]
		return openaiError(
			f"Incorrect API key provided: {masked}. You can find your API key at https://platform.openai.com/account/api-keys.",
			401,
			code="invalid_api_key",
		)

	def _sizeProblem(self, request: RecordedRequest, upload: Upload | None) -> Reply | None:
		if len(request.body) <= self.maxBytes:
			return None
		if self.flavour == "localai":
			return Reply.json(
				{"error": {"code": 413, "message": "Request Entity Too Large", "type": ""}}, 413
			)
		if self.flavour == "vllm":
			return Reply.json(
				{
					"error": {
						"message": "Maximum file size exceeded",
						"type": "BadRequestError",
						"param": "audio_filesize_mb",
						"code": 400,
					}
				},
				400,
			)
		if self.flavour == "speaches":
			return Reply.text(
				"<html><body><h1>413 Request Entity Too Large</h1></body></html>", 413, "text/html"
			)
		return openaiError(
			f"Maximum content size limit ({self.maxBytes}) exceeded ({len(request.body)} bytes read)",
			413,
			type="server_error",
		)

	def _formProblem(self, request: RecordedRequest, upload: Upload | None) -> Reply | None:
		if upload is None or not upload.audio:
			if self.flavour == "whispercpp":
				return Reply.json({"error": "no 'file' field in the request"})
			if self.flavour == "speaches":
				return fastapiError(
					[{"type": "missing", "loc": ["body", "file"], "msg": "Field required", "input": None}],
					422,
				)
			return openaiError("Could not parse multipart form", 400)
		if self.flavour == "whispercpp":
			return None  # the model was chosen when the server started
		model = upload.fields.get("model")
		if not model:
			if self.flavour == "speaches":
				return fastapiError(
					[{"type": "missing", "loc": ["body", "model"], "msg": "Field required", "input": None}],
					422,
				)
			return openaiError("you must provide a model parameter", 400, param="model")
		if model not in self.models:
			if self.flavour == "speaches":
				return fastapiError(
					f"Model '{model}' is not installed locally. You can download the model using `POST /v1/models`",
					404,
				)
			return openaiError(
				f"The model `{model}` does not exist or you do not have access to it.",
				404,
				code="model_not_found",
			)
		if model.startswith("gpt-4o") and upload.fields.get("response_format", "json") != "json":
			return openaiError(
				f"response_format '{upload.fields['response_format']}' is not compatible with model '{model}'. Use 'json'.",
				400,
				param="response_format",
				code="unsupported_value",
			)
		language = upload.fields.get("language")
		if language and self.flavour in ("openai", "groq") and language not in OPENAI_LANGUAGES:
			return openaiError(
				f"Invalid language '{language}'. Language parameter must be specified in ISO-639-1 format.",
				400,
				param="language",
			)
		if language and self.flavour == "vllm" and language not in VLLM_LANGUAGES:
			return Reply.json(
				{
					"error": {
						"message": f"Unsupported language: {language}.",
						"type": "BadRequestError",
						"param": None,
						"code": 400,
					}
				},
				400,
			)
		return None

	def _audioProblem(self, request: RecordedRequest, upload: Upload) -> Reply | None:
		seconds = upload.seconds
		if seconds is None:
			if self.flavour == "whispercpp":
				return Reply.json({"error": "failed to read audio data"})
			if self.flavour == "speaches":
				return fastapiError("Failed to decode audio. The provided file type is not supported.", 415)
			return openaiError(
				"Invalid file format. Supported formats: ['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'wav', 'webm']",
				400,
			)
		if seconds < 0.1 and self.flavour in ("openai", "groq"):
			return openaiError(
				"Audio file is too short. Minimum audio length is 0.1 seconds.",
				400,
				param="file",
				code="audio_too_short",
			)
		if seconds == 0 and self.flavour == "speaches":
			return fastapiError("Failed to decode audio. The provided file is likely empty.", 400)
		return None
