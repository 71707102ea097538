import threading

import pytest
from visionDescriberCore.conversation.resultCache import ResultCache

IMAGE = bytes(range(256)) * 40
ARGS = ("Describe this image.", "gemma3", "ollama")


def test_an_identical_request_gets_the_stored_answer():
	cache = ResultCache(4)
	key = ResultCache.keyFor(IMAGE, *ARGS)
	assert cache.get(key) is None
	cache.put(key, "A red button.")
	assert cache.get(ResultCache.keyFor(bytes(IMAGE), *ARGS)) == "A red button."
	assert key in cache and len(cache) == 1


@pytest.mark.parametrize(
	"changed",
	[
		(IMAGE[:-1] + b"\x00", *ARGS),
		(IMAGE, "Describe this image briefly.", "gemma3", "ollama"),
		(IMAGE, "Describe this image.", "llava", "ollama"),
		(IMAGE, "Describe this image.", "gemma3", "openaiCompatible"),
	],
)
def test_any_difference_in_image_prompt_model_or_provider_misses(changed):
	assert ResultCache.keyFor(*changed) != ResultCache.keyFor(IMAGE, *ARGS)


def test_endpoint_and_field_boundaries_are_part_of_the_key():
	assert ResultCache.keyFor(IMAGE, *ARGS, endpoint="http://a:1") != ResultCache.keyFor(
		IMAGE, *ARGS, endpoint="http://b:1"
	)
	assert ResultCache.keyFor(IMAGE, "ab", "c", "x") != ResultCache.keyFor(IMAGE, "a", "bc", "x")


def test_the_least_recently_used_answer_goes_first():
	cache = ResultCache(2)
	cache.put("a", "A")
	cache.put("b", "B")
	assert cache.get("a") == "A"  # a is now the most recent
	cache.put("c", "C")
	assert cache.get("b") is None
	assert (cache.get("a"), cache.get("c")) == ("A", "C")


def test_size_zero_turns_it_off_and_lowering_the_size_trims():
	cache = ResultCache(3)
	for key in "abc":
		cache.put(key, key.upper())
	cache.maxEntries = 1
	assert len(cache) == 1 and cache.get("c") == "C"
	cache.maxEntries = 0
	cache.put("d", "D")
	assert len(cache) == 0 and cache.get("d") is None
	with pytest.raises(ValueError):
		cache.maxEntries = -1


def test_blank_answers_are_not_stored_and_clear_empties():
	cache = ResultCache(3)
	cache.put("a", "  \n")
	assert cache.get("a") is None
	cache.put("b", "B")
	cache.clear()
	assert len(cache) == 0


def test_many_threads_can_use_it_at_once():
	cache = ResultCache(50)
	failures = []

	def work(n):
		for i in range(300):
			key = f"{n}-{i % 60}"
			cache.put(key, key)
			value = cache.get(key)
			if value not in (None, key):
				failures.append(value)

	threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join(10)
	assert failures == []
	assert len(cache) == 50
