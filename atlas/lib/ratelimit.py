"""A small rate limiter kept in Django's cache: at most `limit` events per `window` seconds
for each key (an e-mail address, an IP address, a user id).

It keeps the times of the last events under a hashed key, so a sliding window is exact
and no address is stored in the cache in clear. The limit holds across processes and
machines because they share the cache (CACHES: the database cache or Redis, see
docs/deploy.md). Counting is a read then a write, not one atomic step: two processes that
count at the very same instant may both let one event past the limit, which is fine against
guessing and flooding.

>>> limit = RateLimit("doctest-example", limit=2, window=60)
>>> limit.reset("alice@example.org")
>>> limit.hit("alice@example.org"); limit.hit("alice@example.org")
>>> limit.is_exceeded("alice@example.org"), limit.is_exceeded("bob@example.org")
(True, False)
>>> 0 < limit.retry_after("alice@example.org") <= 60
True
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.core.cache import cache


def clock() -> float:
    """The time in seconds; tests replace it to travel in time without sleeping."""
    return time.time()


@dataclass(frozen=True)
class RateLimit:
    name: str
    limit: int
    window: int  # seconds

    def _cache_key(self, key: str) -> str:
        digest = hashlib.sha256(key.strip().lower().encode()).hexdigest()[:32]
        return f"ratelimit:{self.name}:{digest}"

    def _recent(self, key: str) -> list[float]:
        start = clock() - self.window
        return [at for at in cache.get(self._cache_key(key), []) if at > start]

    def is_exceeded(self, key: str) -> bool:
        """Whether `key` has used up its events in the current window."""
        return len(self._recent(key)) >= self.limit

    def attempt(self, key: str) -> bool:
        """Count one event for `key` if it has one left in the window; whether it had."""
        if self.is_exceeded(key):
            return False
        self.hit(key)
        return True

    def hit(self, key: str) -> None:
        """Count one event for `key`."""
        events = [*self._recent(key), clock()][-self.limit :]
        cache.set(self._cache_key(key), events, timeout=self.window)

    def reset(self, key: str) -> None:
        cache.delete(self._cache_key(key))

    def retry_after(self, key: str) -> int:
        """Seconds until `key` may have one more event (0 when it may now)."""
        events = self._recent(key)
        if len(events) < self.limit:
            return 0
        return max(1, math.ceil(events[-self.limit] + self.window - clock()))
