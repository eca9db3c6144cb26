"""Conditional GET for answers built from the public data: one rule for the whole site.

Their ETag and Last-Modified come from the data stamp (`DataStamp`, read once per request)
and from what else the answer depends on (its kind, format version, parameters, language),
so that a client that has the answer gets "304 Not Modified" before anything is built.
`data_etag` and `data_last_modified` are the pair for Django's `condition` decorator;
`data_answer` applies it to an answer that a view builds after validating its parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.http import condition

from atlas.directory.models import DataStamp
from atlas.lib.http import weak_etag


def data_last_modified(request: HttpRequest, *parts: object) -> datetime:
    """When the data changed last: the data stamp, read once per request."""
    if not hasattr(request, "data_stamp"):
        request.data_stamp = DataStamp.current()  # type: ignore[attr-defined]
    return request.data_stamp  # type: ignore[attr-defined]


def data_etag(request: HttpRequest, *parts: object) -> str:
    """A weak ETag for the answer that `parts` name, built from the data as it is now."""
    return weak_etag(*parts, data_last_modified(request).isoformat())


def data_answer(
    request: HttpRequest,
    parts: tuple[object, ...],
    build: Callable[[], HttpResponseBase],
    cache_control: str = "public, no-cache",
) -> HttpResponseBase:
    """`build()`'s answer with the data's ETag and Last-Modified, or 304 when the client
    has it already. By default browsers keep the answer but ask each time, and an
    unchanged answer costs a 304."""
    answer = condition(etag_func=data_etag, last_modified_func=data_last_modified)(
        lambda request, *parts: build()
    )
    response = answer(request, *parts)
    response["Cache-Control"] = cache_control
    return response
