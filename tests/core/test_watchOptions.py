"""Watch options from settings, who may charge for a request, the stop sentences, and the ticker."""

import itertools
import threading
import time
from dataclasses import replace

import pytest
from visionDescriberCore.settings import CONFIG_SPEC, Settings
from visionDescriberCore.watch.options import StopReason, WatchOptions, chargedBy, startSentence, stopSentence
from visionDescriberCore.watch.ticker import Ticker


@pytest.mark.parametrize(
	("provider", "baseUrl", "service"),
	[
		("ollama", "http://127.0.0.1:11434", ""),
		("ollama", "http://localhost:11434", ""),
		("ollama", "http://192.168.1.20:11434", ""),
		("ollama", "http://gaming-pc:11434", ""),
		("ollama", "http://gaming-pc.local:11434", ""),
		("ollama", "https://ollama.com", "ollama.com"),
		("openaiCompatible", "http://127.0.0.1:1234/v1", ""),
		("openaiCompatible", "http://10.0.0.5:8080/v1", ""),
		("openaiCompatible", "https://openrouter.ai/api/v1", "openrouter.ai"),
		("openaiCompatible", "http://93.184.215.14:8000/v1", "93.184.215.14"),
		("openai", "https://api.openai.com/v1", "OpenAI"),
		("azure", "https://me.openai.azure.com", "Azure OpenAI"),
	],
)
def test_whoMayChargeForARequest(provider, baseUrl, service):
	assert chargedBy(provider, baseUrl) == service


def test_settingsGiveTheWatchItsOptions():
	local = replace(Settings(), watchIntervalMs=500, watchTimeLimitMinutes=10, responseLanguage="de")
	options = local.watchOptions("en")
	assert (options.intervalSeconds, options.timeLimitSeconds, options.language) == (0.5, 600, "de")
	assert options.maxRequestsPerMinute == 0 and options.chargedBy == ""  # a local server is not capped
	assert options.checks(options.settleSeconds) == 2  # a change must stay still for a second
	paid = replace(
		Settings().withProvider("openai"), watchMaxRequestsPerMinute=4, watchInterruptOlderReport=False
	)
	options = paid.watchOptions()
	assert (options.maxRequestsPerMinute, options.chargedBy) == (4, "OpenAI")
	assert not options.interruptOlderReport
	assert (options.provider, options.model) == ("openai", "gpt-4.1-mini")


def test_watchSettingsAreInTheConfigSpec():
	assert CONFIG_SPEC["watchIntervalMs"] == "integer(min=250, max=10000, default=1000)"
	assert CONFIG_SPEC["watchTarget"] == 'option("foreground", "navigator", "monitor", default="foreground")'
	assert CONFIG_SPEC["watchTimeLimitMinutes"] == "integer(min=1, max=240, default=30)"
	assert CONFIG_SPEC["watchMaxRequestsPerMinute"] == "integer(min=1, max=60, default=6)"
	assert CONFIG_SPEC["watchStopWhenTargetLeavesForeground"] == "boolean(default=True)"
	assert CONFIG_SPEC["watchInterruptOlderReport"] == "boolean(default=True)"
	assert Settings.fromConfig({"watchIntervalMs": "50", "watchTarget": "clipboard"}) == Settings()


def test_everyStopReasonHasItsOwnSentence():
	reasons = [value for name, value in vars(StopReason).items() if name.isupper()]
	sentences = [stopSentence(reason, WatchOptions(timeLimitSeconds=45 * 60)) for reason in reasons]
	spoken = [
		sentence
		for reason, sentence in zip(reasons, sentences, strict=True)
		if reason != StopReason.TERMINATED
	]
	assert all(spoken) and len(set(spoken)) == len(spoken)
	assert stopSentence(StopReason.TERMINATED) == ""
	assert "45 minutes" in stopSentence(StopReason.TIME_LIMIT, WatchOptions(timeLimitSeconds=45 * 60))
	assert stopSentence(StopReason.ERROR, errorSentence="Ollama is not running.") == (
		"Ollama is not running. Watching stopped."
	)
	assert "NVDA log" in stopSentence(StopReason.ERROR)


def test_theStartSentenceWarnsAboutAPaidService():
	assert startSentence(WatchOptions()) == "Watching for changes."
	paid = startSentence(WatchOptions(chargedBy="OpenAI", maxRequestsPerMinute=6))
	assert paid == (
		"Watching for changes. Each change is a request to OpenAI, which may charge for it; "
		"at most 6 requests a minute."
	)


def test_theTickerKeepsTimeAndStopsAtOnce():
	ticks: list[float] = []
	ticker = Ticker(0.05, lambda: ticks.append(time.monotonic()), name="test ticker")
	began = time.monotonic()
	ticker.start()
	while len(ticks) < 6 and time.monotonic() - began < 5:
		time.sleep(0.01)
	stopping = time.monotonic()
	ticker.stop()
	assert time.monotonic() - stopping < 0.5
	assert not any(thread.name == "test ticker" for thread in threading.enumerate())
	assert len(ticks) >= 6
	gaps = [later - earlier for earlier, later in itertools.pairwise(ticks)]
	assert 0.2 < sum(gaps[:5]) < 1.0  # about 0.05 s apart, on a schedule
	count = len(ticks)
	time.sleep(0.15)
	assert len(ticks) == count
