"""Fake of NVDA's vision.providerInfo: what the vision handler knows about each provider."""

from dataclasses import dataclass

from vision import providerBase


@dataclass(frozen=True)
class ProviderInfo:
	providerId: str
	moduleName: str
	displayName: str
	providerClass: type[providerBase.VisionEnhancementProvider]
