import pytest

from atlas.lib import ratelimit
from atlas.lib.ratelimit import RateLimit


@pytest.fixture
def clock(monkeypatch):
    """A clock the test moves by hand: `clock.now += 60`."""

    class Clock:
        now = 1_000_000.0

    monkeypatch.setattr(ratelimit, "clock", lambda: Clock.now)
    return Clock


def test_a_key_is_limited_after_its_events_and_others_are_not(clock):
    limit = RateLimit("test", limit=3, window=60)
    for _ in range(3):
        assert not limit.is_exceeded("a")
        limit.hit("a")

    assert limit.is_exceeded("a")
    assert not limit.is_exceeded("b")


def test_keys_ignore_case_and_surrounding_spaces(clock):
    limit = RateLimit("test", limit=1, window=60)
    limit.hit(" Ana@Example.org")

    assert limit.is_exceeded("ana@example.org")


def test_the_window_slides_so_old_events_stop_counting(clock):
    limit = RateLimit("test", limit=2, window=60)
    limit.hit("a")
    clock.now += 30
    limit.hit("a")
    assert limit.retry_after("a") == 30

    clock.now += 31
    assert not limit.is_exceeded("a")
    assert limit.retry_after("a") == 0


def test_limits_with_different_names_count_apart(clock):
    RateLimit("one", limit=1, window=60).hit("a")

    assert not RateLimit("two", limit=1, window=60).is_exceeded("a")


def test_reset_forgets_the_events(clock):
    limit = RateLimit("test", limit=1, window=60)
    limit.hit("a")
    limit.reset("a")

    assert not limit.is_exceeded("a")
