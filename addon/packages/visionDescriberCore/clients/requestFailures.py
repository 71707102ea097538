"""What a failed request becomes: one typed error from the `errors` package, its detail redacted and logged once.

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
	plainReason,
)
from .endpoint import displayUrl, hostOf, isLoopbackHost
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
		return self._logged(
			mapHttpError(
				failure.status,
				failure.info,
				failure.headers,
				provider=self.provider,
				model=self.model,
				keyPresent=self.keyPresent,
				detail=detail,
				modelRequest=modelRequest,
				where=self.where,
			)
		)

	def _reason(self, message: str) -> str:
		return plainReason(self.redact(message))

	@staticmethod
	def _logged(error: VisionDescriberError) -> VisionDescriberError:
		"""Marks an error whose detail is in the log already, so no one logs or shows it again."""
		error.logged = True
		return error

	def fromConnection(
		self, error: BaseException, cancelToken: CancelToken | None, url: str
	) -> VisionDescriberError:
		"""A request that got no answer at all."""
		detail = self.redact(f"{type(error).__name__}: {error}")
		if _wasCancelled(cancelToken):
			return Cancelled(detail=detail)
		log.warning("Vision request to %s failed: %s", displayUrl(url), detail)
		if isinstance(error, VisionDescriberError):
			return self._logged(error)
		return self._logged(self._byOuterType(error, detail) or self._byCause(error, detail, url))

	def _byOuterType(self, error: BaseException, detail: str) -> VisionDescriberError | None:
		"""What requests itself already told apart."""
		if isinstance(error, requests.exceptions.ConnectTimeout):
			return TimedOut(TimedOut.CONNECT, self.connectTimeout, detail=detail)
		if isinstance(error, requests.exceptions.ReadTimeout):
			return TimedOut(TimedOut.FIRST_RESPONSE, self.readTimeout, detail=detail)
		if isinstance(error, requests.exceptions.InvalidHeader):
			return AuthenticationFailed(keyMalformed=True, detail="a header could not be sent")
		return None

	def _byCause(self, error: BaseException, detail: str, url: str) -> VisionDescriberError:
		"""What the wrapped cause says, for everything requests reports under a general type."""
		if _causedBy(error, *_UNREACHABLE_CAUSES):
			# This computer refusing means no server listens at that port here.
			refusedHere = _causedBy(error, ConnectionRefusedError) and isLoopbackHost(hostOf(url))
			return ServerUnreachable(self.where, self.provider, detail=detail, refusedHere=refusedHere)
		if _causedBy(error, urllib3.exceptions.ReadTimeoutError, TimeoutError):
			return TimedOut(TimedOut.FIRST_RESPONSE, self.readTimeout, detail=detail)
		if _causedBy(error, *_HUNG_UP_CAUSES):
			return StreamCutShort("", detail=detail)
		if isinstance(error, requests.exceptions.TooManyRedirects):
			return UnexpectedResponse(detail=detail)
		if isinstance(error, requests.exceptions.RequestException | OSError):
			return ServerUnreachable(self.where, self.provider, detail=detail)
		return UnexpectedResponse(detail=detail)

	def fromRead(
		self, error: BaseException, cancelToken: CancelToken | None, started: bool = True
	) -> VisionDescriberError:
		"""A failure while the body was arriving; started: the model had already written something
		(otherwise a stall means it has not started answering, as when it is still loading)."""
		detail = self.redact(f"{type(error).__name__}: {error}")
		if _wasCancelled(cancelToken):
			return Cancelled(detail=detail)
		log.warning("Vision stream from %s broke: %s", self.where, detail)
		if _causedBy(error, urllib3.exceptions.ReadTimeoutError, TimeoutError, socket.timeout):
			phase = TimedOut.STREAM if started else TimedOut.FIRST_RESPONSE
			return self._logged(TimedOut(phase, self.readTimeout, detail=detail))
		return self._logged(StreamCutShort("", detail=detail))

	def fromStream(self, event: StreamFailure) -> VisionDescriberError:
		"""An error the server put inside a stream whose status was 200."""
		detail = self.redact(f"error inside the stream from {self.where}: {event.raw or event.message}")
		log.warning("Vision stream failed: %s", detail)
		return self._logged(
			mapStreamFailure(
				event,
				provider=self.provider,
				model=self.model,
				keyPresent=self.keyPresent,
				detail=detail,
				reason=self._reason(event.message),
			)
		)
