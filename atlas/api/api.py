"""The API object: django-ninja's router and OpenAPI schema, with the atlas's error shape,
strict parameters and conditional answers. The endpoints are in `atlas.api.views`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, time
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Max, Sum
from django.http import Http404, HttpRequest, HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.timezone import get_current_timezone, localdate
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError
from pydantic import BaseModel

from atlas.api.edge import ApiError, Version, error_response
from atlas.api.paging import BadCursor
from atlas.board.models import Entry
from atlas.directory.conditional import data_etag, data_last_modified
from atlas.lib.parameters import shown

logger = logging.getLogger(__name__)

# Bump when an answer's format changes, so that ETags change with it.
FORMAT_VERSION = 1

api = NinjaAPI(
    title="Twinning Atlas API",
    version="1",
    description=(
        "Read-only access to the Twinning Atlas: municipalities, the partnerships between "
        "them, the networks they cooperate in, their projects, the partner-search board, "
        "search and partner suggestions. Lists are paged by cursor (follow `next`). Every "
        "error has the shape of `Error`. The data is shared under CC BY-SA 4.0 as a whole; "
        "each answer names its licence and whom to credit."
    ),
    urls_namespace="api",
    # Ninja's interactive documentation loads its scripts from a CDN: the human page is
    # the site's own (atlas.api.pages), and the schema is served by atlas.api.views.
    docs_url=None,
    openapi_url=None,
    openapi_extra={
        "info": {
            "license": {
                "name": "CC BY-SA 4.0 (the data)",
                "url": "https://creativecommons.org/licenses/by-sa/4.0/",
            }
        }
    },
)


# --- Errors: one shape for all -------------------------------------------------------------


@api.exception_handler(ApiError)
def on_api_error(request: HttpRequest, error: ApiError) -> HttpResponseBase:
    return error_response(error.status, error.errors)


@api.exception_handler(BadCursor)
def on_bad_cursor(request: HttpRequest, error: BadCursor) -> HttpResponseBase:
    message = _("This cursor is not valid here: take it from the `next` address of this list.")
    return error_response(400, [("cursor", message)])


@api.exception_handler(ValidationError)
def on_invalid_parameters(request: HttpRequest, error: ValidationError) -> HttpResponseBase:
    """Ninja says 422 with pydantic's details; the API says 400, naming each parameter."""
    errors: list[tuple[str | None, str]] = []
    for item in error.errors:
        location = [str(part) for part in item.get("loc", ())]
        parameter = location[1] if len(location) > 1 else None
        if item.get("type") == "missing":
            message = _("This parameter is required.")
        else:
            message = str(item.get("msg", _("This value is not valid.")))
        errors.append((parameter, message))
    return error_response(400, errors)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, error: Http404) -> HttpResponseBase:
    return error_response(404, [(None, _("There is no such record."))])


@api.exception_handler(Exception)
def on_failure(request: HttpRequest, error: Exception) -> HttpResponseBase:
    logger.exception("API request failed: %s", request.get_full_path(), exc_info=error)
    return error_response(500, [(None, _("Something went wrong on our side; it is logged."))])


# --- Strict parameters ---------------------------------------------------------------------


def query_names(operation: Any) -> frozenset[str]:
    """The query parameters an operation declares."""
    return frozenset(
        name
        for model in operation.models
        if model.__ninja_param_source__ == "query"
        for name in model.__ninja_flatten_map__
    )


def strict_parameters(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Refuse a parameter the operation does not know, or one given twice, before anything
    else: a typo must be an error, not a silently unfiltered answer. (Ninja applies a
    "view" decorator to each operation's bound `run`, so its operation is `__self__`.)"""
    known = query_names(run.__self__)  # type: ignore[attr-defined]

    @wraps(run)
    def checked(request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        errors: list[tuple[str | None, str]] = []
        for name in sorted(request.GET):
            if name not in known:
                errors.append((shown(name), _("This parameter is not known here.")))
            elif len(request.GET.getlist(name)) > 1:
                errors.append((name, _("Give this parameter once.")))
        if errors:
            return error_response(400, errors)
        return run(request, **kwargs)

    return checked


# --- Conditional answers -------------------------------------------------------------------


def reads_board(view_func: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view that answers with board entries: they change without the data stamp
    (posted, edited, moderated, closed, or past their deadline at midnight)."""
    view_func.reads_board = True  # type: ignore[attr-defined]
    return view_func


def board_state() -> tuple[datetime, list[str]]:
    """When the board's entries changed last, and what identifies their state. One query."""
    board = Entry.objects.aggregate(
        count=Count("pk"),
        versions=Sum("version"),
        changed=Max("updated_at"),
        moderated=Max("moderated_at"),
        published=Max("published_at"),
        closed=Max("closed_at"),
    )
    today = localdate()
    midnight = datetime.combine(today, time.min, tzinfo=get_current_timezone())
    moments = [midnight, *(board[k] for k in ("changed", "moderated", "published", "closed"))]
    last_modified = max(moment for moment in moments if moment is not None)
    return last_modified, [today.isoformat(), repr(sorted(board.items()))]


def canonical(values: dict[str, Any]) -> str:
    """The validated parameters of a request in one canonical string, for the ETag."""
    pairs: list[tuple[str, str]] = []
    for name, value in values.items():
        if isinstance(value, BaseModel):
            pairs.extend((k, str(v)) for k, v in value.model_dump().items() if v is not None)
        elif value is not None:
            pairs.append((name, str(value)))
    return urlencode(sorted(pairs))


def conditional(view_func: Callable[..., Any]) -> Callable[..., Any]:
    """Answer 304 when the client has this answer already: after the parameters are
    valid, before any work. The ETag and Last-Modified are the site's data answers' own
    (`atlas.directory.conditional`), with the board's state for the board; the edge puts
    them on the answer. (A Ninja operation returns data, not a response, so this applies
    Django's rule itself rather than through `condition`.)"""

    @wraps(view_func)
    def answer(request: HttpRequest, **values: Any) -> Any:
        licensed = not getattr(view_func, "reads_board", False)
        address = request.build_absolute_uri(request.path)
        parts = ["api", FORMAT_VERSION, address, canonical(values)]
        changed = data_last_modified(request)
        if not licensed:
            board_changed, board_parts = board_state()
            changed = max(changed, board_changed)
            parts += board_parts
        etag = data_etag(request, *parts)
        request.api_version = Version(etag, changed, licensed)  # type: ignore[attr-defined]
        not_modified = get_conditional_response(
            request, etag=etag, last_modified=int(changed.timestamp())
        )
        if not_modified is not None:
            return not_modified
        return view_func(request, **values)

    return answer


api.add_decorator(strict_parameters, mode="view")
api.add_decorator(conditional, mode="operation")
