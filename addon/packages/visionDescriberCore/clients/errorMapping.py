"""Turns an HTTP error answer, or an error inside a stream, into a typed error a user can act on.

Servers that call themselves OpenAI-compatible disagree on error shapes: OpenAI sends
`{"error": {"message", "type", "param", "code"}}` with a string code, llama.cpp and OpenRouter an
integer code, old vLLM a top-level `{"object": "error", ...}`, Gemini a JSON list, Ollama
`{"error": "<string>"}`, and a proxy in front of any of them an HTML page. Everything here reads
defensively and never lets the raw body reach a sentence: bodies go to `detail`, for the log.
"""

import email.utils
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import (
	AuthenticationFailed,
	ContextTooLong,
	ImageTooLarge,
	ModelCannotSee,
	ModelNotFound,
	NotAnOllamaServer,
	PermissionDenied,
	QuotaExceeded,
	RateLimited,
	ServerError,
	UnexpectedResponse,
	VisionDescriberError,
)
from .streaming import StreamFailure


@dataclass
class ErrorInfo:
	message: str = ""
	code: str | int | None = None
	type: str | None = None
	param: str | None = None
	isHtml: bool = False

	def haystack(self) -> str:
		return " ".join(
			str(part) for part in (self.message, self.code, self.type, self.param) if part
		).lower()


def _fromObject(obj: Any) -> ErrorInfo:
	if isinstance(obj, list):
		return _fromObject(obj[0]) if obj else ErrorInfo()
	if not isinstance(obj, dict):
		return ErrorInfo(message=str(obj))
	error = obj.get("error", obj)
	if not isinstance(error, dict):
		# Ollama's {"error": "<string>"}, or an odd shape: its text is all there is to classify.
		return ErrorInfo(message=str(error))
	# A dict or list message (FastAPI's validation errors) is searched as text like any other.
	message = error.get("message") or error.get("msg") or error.get("detail") or ""
	code = error.get("code")
	if not isinstance(code, str | int) or isinstance(code, bool):
		code = None
	errorType = error.get("type") or error.get("status")
	param = error.get("param")
	return ErrorInfo(
		message=str(message),
		code=code,
		type=errorType if isinstance(errorType, str) else None,
		param=param if isinstance(param, str) else None,
	)


def parseErrorBody(text: str, contentType: str = "") -> ErrorInfo:
	stripped = text.strip()
	if "html" in contentType.lower() or stripped[:1] == "<":
		return ErrorInfo(isHtml=True)
	try:
		return _fromObject(json.loads(stripped))
	except ValueError:
		# Plain text bodies ("Not Found", "Bad Gateway"): keep a short message for classification.
		return ErrorInfo(message=stripped[:300])


def retryAfterSeconds(headers: Mapping[str, str]) -> float | None:
	"""`retry-after-ms` (OpenAI), then `Retry-After` as seconds or an HTTP date."""
	lowered = {key.lower(): value for key, value in headers.items()}
	milliseconds = lowered.get("retry-after-ms")
	if milliseconds:
		try:
			return max(0.0, float(milliseconds) / 1000)
		except ValueError:
			pass
	value = lowered.get("retry-after")
	if not value:
		return None
	try:
		return max(0.0, float(value))
	except ValueError:
		pass
	try:
		when = email.utils.parsedate_to_datetime(value)
	except (TypeError, ValueError):
		return None
	return max(0.0, when.timestamp() - time.time())


_VISION_HINTS = (
	"image_url is only supported",
	"does not support image",
	"doesn't support image",
	"image input is not supported",
	"images are not supported",
	"image input not supported",
	"missing data required for image input",
	"does not support vision",
	"vision is not supported",
	"not a multimodal model",
	"multimodal is not supported",
	"does not support multimodal",
	"model does not support images",
	"no image support",
	"mmproj",
)
_CONTEXT_HINTS = (
	"context_length_exceeded",
	"maximum context length",
	"context length",
	"context window",
	"exceeds the available context",
	"exceed_context_size",
	"too many tokens",
	"prompt is too long",
	"input is too long",
)
_QUOTA_HINTS = (
	"insufficient_quota",
	"exceeded your current quota",
	"check your plan and billing",
	"billing",
	"insufficient credits",
	"insufficient balance",
	"more credits",
	"payment required",
)
_KEY_HINTS = (
	"invalid_api_key",
	"incorrect api key",
	"invalid api key",
	"api key not valid",
	"api_key_invalid",
	"no api key",
	"missing api key",
	"didn't provide an api key",
	"unauthorized",
	"authentication",
)
_MODEL_HINTS = (
	"model_not_found",
	"no models loaded",
	"not a valid model",
	"unknown model",
	"model not found",
	"invalid model",
)


def _mentions(haystack: str, hints: tuple[str, ...]) -> bool:
	return any(hint in haystack for hint in hints)


def _mentionsMissingModel(haystack: str) -> bool:
	if _mentions(haystack, _MODEL_HINTS):
		return True
	return "model" in haystack and any(
		phrase in haystack for phrase in ("not found", "does not exist", "not exist", "not available")
	)


def _mentionsImageTooLarge(haystack: str) -> bool:
	return ("image" in haystack or "payload" in haystack or "request entity" in haystack) and any(
		phrase in haystack for phrase in ("too large", "too big", "exceeds the maximum", "maximum size")
	)


def mapHttpError(
	status: int,
	info: ErrorInfo,
	headers: Mapping[str, str],
	*,
	provider: str,
	model: str,
	keyPresent: bool,
	detail: str,
	modelRequest: bool = True,
	where: str = "",
	reason: str = "",
) -> VisionDescriberError:
	"""modelRequest: the request named a model (chat, show), so a 404 can mean an unknown model.
	where: the server's address, safe to speak; reason: the server's message made safe to speak
	(`errors.plainReason`), for a server error that says what went wrong."""
	haystack = info.haystack()
	providerName = "ollama" if provider == "ollama" else ""
	if status == 404 and provider == "ollama":
		# Every Ollama serves /api/chat, /api/show and /api/version; its only 404 there names the model.
		if modelRequest and _mentionsMissingModel(haystack):
			return ModelNotFound(model, provider=providerName, detail=detail)
		return NotAnOllamaServer(where, detail=detail)
	decided = _errorFromStatus(status, info, headers, keyPresent=keyPresent, detail=detail)
	if decided is not None:
		return decided
	hinted = _errorFromHints(haystack, model, detail)
	if hinted is not None:
		return hinted
	if status in (400, 403) and _mentions(haystack, _KEY_HINTS):
		return AuthenticationFailed(keyMissing=not keyPresent, detail=detail)
	if status == 403:
		if _mentions(haystack, _QUOTA_HINTS):
			return QuotaExceeded(detail=detail)
		return PermissionDenied(detail=detail)
	if status == 404:
		if modelRequest and _mentionsMissingModel(haystack):
			return ModelNotFound(model, provider=providerName, detail=detail)
		return UnexpectedResponse(detail=detail)
	if modelRequest and status in (400, 422, 500) and _mentionsMissingModel(haystack):
		return ModelNotFound(model, provider=providerName, detail=detail)
	if status < 400:
		return UnexpectedResponse(detail=detail)
	return ServerError(status, detail=detail, reason=reason)


def _errorFromStatus(
	status: int, info: ErrorInfo, headers: Mapping[str, str], *, keyPresent: bool, detail: str
) -> VisionDescriberError | None:
	"""What the status settles whatever the body says (a web page says nothing an API would)."""
	if status == 413:
		return ImageTooLarge(detail=detail)
	if status == 401:
		return AuthenticationFailed(keyMissing=not keyPresent, detail=detail)
	if status == 402:
		return QuotaExceeded(detail=detail)
	if status == 429:
		# The haystack holds the code too, so OpenAI's code "insufficient_quota" is a quota hint.
		if _mentions(info.haystack(), _QUOTA_HINTS):
			return QuotaExceeded(detail=detail)
		return RateLimited(retryAfterSeconds(headers), detail=detail)
	if info.isHtml:
		if status >= 500:
			return ServerError(status, detail=detail)
		# A web page where an API was expected: a wrong address or a captive portal.
		return UnexpectedResponse(detail=detail)
	return None


def mapStreamFailure(
	failure: StreamFailure, *, provider: str, model: str, keyPresent: bool, detail: str, reason: str = ""
) -> VisionDescriberError:
	"""An error the server put inside a stream whose HTTP status was 200; reason: its message made
	safe to speak, so that a failure no rule knows (Ollama running out of memory) is still told."""
	info = ErrorInfo(message=failure.message, code=failure.code, type=failure.type)
	haystack = info.haystack()
	if isinstance(failure.code, int) and 400 <= failure.code <= 599:
		return mapHttpError(
			failure.code,
			info,
			{},
			provider=provider,
			model=model,
			keyPresent=keyPresent,
			detail=detail,
			reason=reason,
		)
	# What a 402 or a 429 would say: a quota first, since a rate-limit message may also name the quota.
	if _mentions(haystack, _QUOTA_HINTS):
		return QuotaExceeded(detail=detail)
	if info.code == "rate_limit_exceeded" or "rate limit" in haystack:
		return RateLimited(None, detail=detail)
	return _errorFromHints(haystack, model, detail) or ServerError(None, detail=detail, reason=reason)


def _errorFromHints(haystack: str, model: str, detail: str) -> VisionDescriberError | None:
	"""What an error's own words say, whatever its status: not a vision model, too long, too large."""
	if _mentions(haystack, _VISION_HINTS):
		return ModelCannotSee(model, detail=detail)
	if _mentions(haystack, _CONTEXT_HINTS):
		return ContextTooLong(detail=detail)
	if _mentionsImageTooLarge(haystack):
		return ImageTooLarge(detail=detail)
	return None
