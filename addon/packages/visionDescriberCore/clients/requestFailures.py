"""What a failed request becomes: one typed error from `errors.py`, its detail redacted and logged once.

Runs on the worker, inside the client's call. Four things can go wrong, and each has one method:
the connection gives no answer (`fromConnection`: what requests or urllib3 raised), the answer is an
error status (`fromStatus`: the body classified by `errorMapping`), the body breaks off while it
arrives (`fromRead`), or a 200 stream carries an error inside it (`fromStream`). A provider module
formats and logs no error itself, so every detail passes through the same `redact`.

A cancelled token wins: when the user cancelled, a broken read or a reset connection is the
cancel's own doing and becomes `Cancelled`, not a fault to report.

requests and urllib3 nest the real cause of a failure in `args`, `reason`, `__cause__` and
`__context__`, differently from version to version, so the connection rules look through the whole
chain (`_causes`) instead of trusting the outer type.
"""

import http.client
import logging
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import requests
import urllib3

from ..cancellation import CancelToken
from ..errors import (
	AuthenticationFailed,
	Cancelled,
	ServerUnreachable,
	StreamCutShort,
	TimedOut,
	UnexpectedResponse,
	VisionDescriberError,
)
from .endpoint import displayUrl
from .errorMapping import mapHttpError, mapStreamFailure
from .streaming import StreamFailure
from .transport import HttpFailure

log = logging.getLogger("visionDescriber")

# urllib3 1.26 has no NameResolutionError (it reports a failed look-up as a NewConnectionError).
_NAME_RESOLUTION_ERROR = getattr(
	urllib3.exceptions, "NameResolutionError", urllib3.exceptions.NewConnectionError
)
_UNREACHABLE_CAUSES = (
	urllib3.exceptions.NewConnectionError,
	_NAME_RESOLUTION_ERROR,
	ConnectionRefusedError,
	requests.exceptions.SSLError,
	requests.exceptions.InvalidURL,
	requests.exceptions.MissingSchema,
	requests.exceptions.InvalidSchema,
)
# Accepted the connection, then closed it without answering.
_HUNG_UP_CAUSES = (http.client.RemoteDisconnected, urllib3.exceptions.ProtocolError, ConnectionResetError)


def _causes(error: BaseException, depth: int = 0) -> Iterator[BaseException]:
	"""The error, then what it wraps: requests and urllib3 nest the real cause in args and reason."""
	yield error
	if depth > 6:
		return
	seen = []
	for candidate in (*getattr(error, "args", ()), getattr(error, "reason", None)):
		if isinstance(candidate, BaseException):
			seen.append(candidate)
	for candidate in (error.__cause__, error.__context__):
		if candidate is not None:
			seen.append(candidate)
	for candidate in seen:
		yield from _causes(candidate, depth + 1)


def _causedBy(error: BaseException, *types: type) -> bool:
	return any(isinstance(cause, types) for cause in _causes(error))


def _wasCancelled(cancelToken: CancelToken | None) -> bool:
	return cancelToken is not None and cancelToken.cancelled


@dataclass(frozen=True)
class FailureTranslator:
	"""One client's view of its failures: who it talks to, with which model and key, how patiently."""

	provider: str
	model: str
	keyPresent: bool
	#: The server's address, safe to speak and log.
	where: str
	connectTimeout: float
	readTimeout: float
	#: Removes the client's key from a text before it becomes a detail or a log line.
	redact: Callable[[str], str]

	def fromStatus(self, failure: HttpFailure, modelRequest: bool = True) -> VisionDescriberError:
		"""modelRequest: the request named a model (chat, show), so a 404 can mean an unknown model."""
		detail = self.redact(
			f"HTTP {failure.status} from {displayUrl(failure.url)}: {failure.text.strip()[:2000]}"
		)
		log.warning("Vision request failed: %s", detail)
		return mapHttpError(
			failure.status,
			failure.info,
			failure.headers,
			provider=self.provider,
			model=self.model,
			keyPresent=self.keyPresent,
			detail=detail,
			modelRequest=modelRequest,
		)

	def fromConnection(
		self, error: BaseException, cancelToken: CancelToken | None, url: str
	) -> VisionDescriberError:
		"""A request that got no answer at all."""
		detail = self.redact(f"{type(error).__name__}: {error}")
		if _wasCancelled(cancelToken):
			return Cancelled(detail=detail)
		log.warning("Vision request to %s failed: %s", displayUrl(url), detail)
		if isinstance(error, VisionDescriberError):
			return error
		return self._byOuterType(error, detail) or self._byCause(error, detail)

	def _byOuterType(self, error: BaseException, detail: str) -> VisionDescriberError | None:
		"""What requests itself already told apart."""
		if isinstance(error, requests.exceptions.ConnectTimeout):
			return TimedOut(TimedOut.CONNECT, self.connectTimeout, detail=detail)
		if isinstance(error, requests.exceptions.ReadTimeout):
			return TimedOut(TimedOut.FIRST_RESPONSE, self.readTimeout, detail=detail)
		if isinstance(error, requests.exceptions.InvalidHeader):
			return AuthenticationFailed(keyMalformed=True, detail="a header could not be sent")
		return None

	def _byCause(self, error: BaseException, detail: str) -> VisionDescriberError:
		"""What the wrapped cause says, for everything requests reports under a general type."""
		if _causedBy(error, *_UNREACHABLE_CAUSES):
			return ServerUnreachable(self.where, self.provider, detail=detail)
		if _causedBy(error, urllib3.exceptions.ReadTimeoutError, TimeoutError):
			return TimedOut(TimedOut.FIRST_RESPONSE, self.readTimeout, detail=detail)
		if _causedBy(error, *_HUNG_UP_CAUSES):
			return StreamCutShort("", detail=detail)
		if isinstance(error, requests.exceptions.TooManyRedirects):
			return UnexpectedResponse(detail=detail)
		if isinstance(error, requests.exceptions.RequestException | OSError):
			return ServerUnreachable(self.where, self.provider, detail=detail)
		return UnexpectedResponse(detail=detail)

	def fromRead(self, error: BaseException, cancelToken: CancelToken | None) -> VisionDescriberError:
		"""A failure while the body was arriving."""
		detail = self.redact(f"{type(error).__name__}: {error}")
		if _wasCancelled(cancelToken):
			return Cancelled(detail=detail)
		log.warning("Vision stream from %s broke: %s", self.where, detail)
		if _causedBy(error, urllib3.exceptions.ReadTimeoutError, TimeoutError, socket.timeout):
			return TimedOut(TimedOut.STREAM, self.readTimeout, detail=detail)
		return StreamCutShort("", detail=detail)

	def fromStream(self, event: StreamFailure) -> VisionDescriberError:
		"""An error the server put inside a stream whose status was 200."""
		detail = self.redact(f"error inside the stream from {self.where}: {event.raw or event.message}")
		log.warning("Vision stream failed: %s", detail)
		return mapStreamFailure(
			event, provider=self.provider, model=self.model, keyPresent=self.keyPresent, detail=detail
		)
