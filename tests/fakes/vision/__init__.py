"""Fake of NVDA's vision package: the vision handler that runs enhancement providers.

As in NVDA, `handler` is None until `initialize()`; the handler lists its providers when its
`postGuiInit` runs from the event queue (pump queueHandler after `initialize()`). Screen Curtain is a
vision provider up to NVDA 2025.x: it runs while `handler.getProviderInstance(info)` is truthy for
`info = handler.getProviderInfo("screenCurtain")`. From 2026.1 (`config.testing.emulate("2026.1")`)
it is no longer a provider, so `getProviderInfo("screenCurtain")` raises LookupError, as in NVDA;
see the `screenCurtain` fake instead.
"""

import visionEnhancementProviders  # noqa: F401 - imported by NVDA's vision package too

from .visionHandler import VisionHandler

handler = None


def initialize():
	global handler
	handler = VisionHandler()


def terminate():
	global handler
	handler.terminate()
	handler = None
