import threading

import pytest
from visionDescriberCore.cancellation import CancelToken
from visionDescriberCore.errors import Cancelled


def test_callbacks_run_once_on_cancel():
	token = CancelToken()
	calls = []
	token.onCancel(lambda: calls.append("a"))
	token.cancel()
	token.cancel()
	assert calls == ["a"]
	with pytest.raises(Cancelled):
		token.raiseIfCancelled()


def test_callback_registered_after_cancel_runs_at_once():
	token = CancelToken()
	token.cancel()
	calls = []
	token.onCancel(lambda: calls.append("late"))
	assert calls == ["late"]


def test_unregistered_callback_does_not_run():
	token = CancelToken()
	calls = []
	unregister = token.onCancel(lambda: calls.append("x"))
	unregister()
	token.cancel()
	assert calls == []


def test_cancel_from_another_thread_wakes_a_waiter():
	token = CancelToken()
	woken = threading.Event()
	token.onCancel(woken.set)
	threading.Thread(target=token.cancel).start()
	assert woken.wait(5)
	assert token.cancelled
