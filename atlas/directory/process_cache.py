"""Values built from the public data and kept in the memory of one process, keyed on the
data stamp: only immutable data, rebuilt after the data changed (STYLE.md rule 19)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Generic, TypeVar

from atlas.directory.models import DataStamp

T = TypeVar("T")


class BuiltFromData(Generic[T]):
    """A value built from the public data and kept in this process until the data changes
    (the search index, the matchmaking snapshot). Each use costs one cheap query to compare
    the data stamp; the first use after a change builds it again, once, under a lock."""

    def __init__(self, build: Callable[[datetime], T]) -> None:
        self._build = build
        self._built: tuple[datetime, T] | None = None
        self._lock = threading.Lock()

    def get(self) -> T:
        stamp = DataStamp.current()
        built = self._built
        if built is None or built[0] != stamp:
            with self._lock:
                built = self._built
                if built is None or built[0] != stamp:
                    built = self._built = (stamp, self._build(stamp))
        return built[1]
