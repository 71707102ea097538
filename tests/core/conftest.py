# Fixtures shared by every core test: fake servers and the thread-leak guard (vision clients), and
# real spoken WAV files (voice).
import pytest
from clientHelpers import noThreadLeak, ollama, openai  # noqa: F401
from voiceSamples import buildSamples, toolsMissing


@pytest.fixture(scope="session")
def voiceSamples(tmp_path_factory):
	"""Spoken questions, noise and silence as WAV files (espeak-ng and sox; see voiceSamples.py)."""
	missing = toolsMissing()
	if missing:
		pytest.fail(f"{' and '.join(missing)} missing: run scripts/setup-env (it installs them)")
	return buildSamples(tmp_path_factory.mktemp("voice"))
