# Fixtures for the vision client tests (fake servers, thread-leak guard), shared by every core test.
from clientHelpers import noThreadLeak, ollama, openai  # noqa: F401
