"""Azure OpenAI: OpenAI's chat completions with Azure's key header, addresses and api-version.

Azure serves the same request and the same server-sent events as OpenAI; only the way in differs,
so this is a subclass that overrides the way in and nothing else. Runs where its base does (the
worker).

- The key goes in an `api-key` header instead of a Bearer token (a redirect that leaves the host
  drops it, like any key: see `transport`).
- Two address styles. The classic one names a deployment (`/openai/deployments/NAME/...`, the model
  setting is the deployment's name) and needs an `api-version` query parameter; the data plane has
  no list of deployments, so the configured one is the only model known and `check` goes straight
  to the test picture. The newer `/openai/v1` address behaves like OpenAI's own API: no
  api-version, a model list, the model named in the body.
"""

from urllib.parse import quote, urlsplit

from ..cancellation import CancelToken
from ..errors import ModelNotChosen
from ..i18n import _
from .base import CheckReport, ModelInfo
from .endpoint import AZURE
from .openaiChat import OpenAIChatClient


class AzureChatClient(OpenAIChatClient):
	provider = AZURE

	def _authHeaders(self) -> dict[str, str]:
		return {"api-key": self._apiKey} if self._apiKey else {}

	def _isV1(self) -> bool:
		"""The /openai/v1 address, which behaves like OpenAI's own API."""
		return "/openai/v1" in urlsplit(self.baseUrl).path

	def _chatUrl(self) -> tuple[str, dict | None]:
		if self._isV1():
			return super()._chatUrl()
		if "/openai/deployments/" in urlsplit(self.baseUrl).path:
			url = self.baseUrl + "/chat/completions"
		else:
			url = f"{self.baseUrl}/openai/deployments/{quote(self._requireModel(), safe='')}/chat/completions"
		return url, {"api-version": self.config.azureApiVersion}

	def listModels(self, cancelToken: CancelToken | None = None) -> list[ModelInfo]:
		if self._isV1():
			return super().listModels(cancelToken)
		# Deployments are not listed by the data-plane API; the configured one is all we know.
		return [ModelInfo(self.config.model, None)] if self.config.model else []

	def _checkModel(self, report: CheckReport, cancelToken: CancelToken | None) -> None:
		if self._isV1():
			super()._checkModel(report, cancelToken)
			return
		if not self.config.model:
			raise ModelNotChosen()
		report.say(
			# Translators: {model} is the name of the user's Azure deployment, {url} its address.
			_("Checking the Azure deployment {model} at {url}.").format(
				model=self.config.model, url=self.displayUrl
			)
		)
