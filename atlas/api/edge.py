"""What every address under /api/v1/ goes through, before and after its view: the methods
it answers (GET, HEAD, OPTIONS), the per-client rate limit, CORS, the caching headers, and
the one shape of every error. See docs/api.md."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from atlas.exports.licence import licence_link
from atlas.lib.client_ip import client_ip
from atlas.lib.ratelimit import RateLimit

ALLOWED_METHODS = ("GET", "HEAD", "OPTIONS")
# What a cross-origin script may send and read besides the simple headers.
ALLOWED_HEADERS = "Accept, Accept-Language, If-Modified-Since, If-None-Match"
EXPOSED_HEADERS = "ETag, Last-Modified, Link, Retry-After"
PREFLIGHT_MAX_AGE = 24 * 60 * 60


class ApiError(Exception):
    """An answer other than 200, in the API's error shape."""

    def __init__(self, status: int, errors: list[tuple[str | None, str]]) -> None:
        super().__init__(status, errors)
        self.status = status
        self.errors = errors

    @classmethod
    def one(cls, status: int, message: str, parameter: str | None = None) -> ApiError:
        return cls(status, [(parameter, message)])


def error_response(status: int, errors: list[tuple[str | None, str]]) -> JsonResponse:
    """`{"status": 400, "errors": [{"parameter": "since", "message": "…"}]}`"""
    body = {
        "status": status,
        "errors": [{"parameter": parameter, "message": message} for parameter, message in errors],
    }
    return JsonResponse(
        body,
        status=status,
        content_type="application/json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False},
    )


@dataclass(frozen=True)
class Version:
    """What the caching headers of a 200 (or 304) answer say: the data it was built from."""

    etag: str
    last_modified: datetime
    licensed: bool = True


def rate_limit() -> RateLimit | None:
    """The per-client limit, read from the settings at each request (tests change it);
    None when API_RATE_LIMIT is 0."""
    limit = settings.API_RATE_LIMIT
    return RateLimit("api", limit=limit, window=60) if limit > 0 else None


def edge(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wrap one of the API's views."""

    @wraps(view)
    def answer(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        # The API speaks English whatever the visitor's language: its answers are the same
        # for everyone, so they can be cached and compared.
        with override("en"):
            response = respond(view, request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        return response

    # Nothing here writes, and a POST should get 405 rather than the CSRF page.
    answer.csrf_exempt = True  # type: ignore[attr-defined]
    return answer


def respond(view, request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
    method = request.method or "GET"
    if method not in ALLOWED_METHODS:
        return method_not_allowed()
    limit = rate_limit()
    if limit is not None:
        key = client_ip(request)
        if not limit.attempt(key):
            return too_many_requests(limit, limit.retry_after(key))
    if method == "OPTIONS":
        return preflight()
    # HEAD is GET without the body (the views know GET only).
    request.method = "GET"
    try:
        response = view(request, *args, **kwargs)
    except SuspiciousOperation:
        # Too many parameters, or a host that is not ours: Django's own 400, in our shape.
        message = _(
            "This request cannot be answered: it has too many parameters or an unknown host."
        )
        return error_response(400, [(None, message)])
    finally:
        request.method = method
    version: Version | None = getattr(request, "api_version", None)
    if version is not None and response.status_code in (200, 304):
        response["ETag"] = version.etag
        response["Last-Modified"] = http_date(version.last_modified.timestamp())
        response["Cache-Control"] = "public, no-cache"
        if version.licensed:
            response["Link"] = licence_link(request)
    if method == "HEAD" and isinstance(response, HttpResponse):
        response["Content-Length"] = str(len(response.content))
        response.content = b""
    return response


def method_not_allowed() -> HttpResponse:
    message = _("Only GET, HEAD and OPTIONS are allowed: the API is read-only.")
    response = error_response(405, [(None, message)])
    response["Allow"] = ", ".join(ALLOWED_METHODS)
    return response


def too_many_requests(limit: RateLimit, seconds: int) -> HttpResponse:
    message = ngettext(
        "Too many requests: at most %(limit)d a minute from one address. "
        "Try again in %(seconds)d second.",
        "Too many requests: at most %(limit)d a minute from one address. "
        "Try again in %(seconds)d seconds.",
        seconds,
    ) % {"limit": limit.limit, "seconds": seconds}
    response = error_response(429, [(None, message)])
    response["Retry-After"] = str(seconds)
    return response


def preflight() -> HttpResponse:
    """The answer to a browser asking whether a script of another site may call."""
    response = HttpResponse(status=204)
    response["Allow"] = ", ".join(ALLOWED_METHODS)
    response["Access-Control-Allow-Methods"] = ", ".join(ALLOWED_METHODS)
    response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
    response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    return response
