"""The API's page for people, /<lang>/about/data/api/: what it offers, how to page, cache
and credit, with examples answered by the API itself from the data as it is now."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.shortcuts import render
from django.urls import resolve, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from atlas.api.views import openapi_body
from atlas.directory.models import Municipality, Partnership

# Long answers are cut after this many lines on the page: the shape is what matters.
EXAMPLE_LINES = 60
METHOD = "get"
PAGING = ("cursor", "limit")
CODE_SPAN = re.compile(r"`([^`]+)`")


@dataclass
class Example:
    title: Any  # a lazily translated string
    address: str
    status: int
    body: str


def example_town() -> Municipality | None:
    """Kamnik, the town the atlas grew from, or else the first place with a partnership."""
    town = Municipality.objects.filter(name="Kamnik", country_id="SI").first()
    if town is None:
        first = Partnership.objects.order_by("pk").values_list("municipality_a", flat=True)
        town = Municipality.objects.filter(pk__in=first[:1]).first()
    return town


def answer(request, title: Any, path: str, query: dict[str, str]) -> Example:
    """What the API answers to GET `path`?`query`, asked in this process: the view is
    called directly, so the reader's rate limit is not charged."""
    environ = {
        key: value
        for key, value in request.META.items()
        if not key.startswith("HTTP_IF_") and key != "HTTP_COOKIE"
    }
    environ.update(
        {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": urlencode(query),
            "wsgi.input": io.BytesIO(b""),
        }
    )
    inner = WSGIRequest(environ)
    match = resolve(path)
    view = getattr(match.func, "__wrapped__", match.func)  # without the edge
    with override("en"):
        response = view(inner, *match.args, **match.kwargs)
    text = json.dumps(json.loads(response.content), indent=2, ensure_ascii=False)
    lines = text.splitlines()
    if len(lines) > EXAMPLE_LINES:
        lines = [*lines[:EXAMPLE_LINES], "  …"]
    address = path + (f"?{urlencode(query)}" if query else "")
    return Example(title, address, response.status_code, "\n".join(lines))


def examples(request) -> list[Example]:
    town = example_town()
    if town is None:
        return []
    asked = [
        (_("A municipality"), reverse("api:municipality", args=[town.slug]), {}),
        (
            _("Its partnerships, two to a page"),
            reverse("api:partnerships"),
            {"municipality": town.slug, "limit": "2"},
        ),
        (_("Search"), reverse("api:search"), {"q": town.name, "limit": "1"}),
        (
            _("Partner suggestions, with “near” counting a lot"),
            reverse("api:suggestions", args=[town.slug]),
            {"near": "3", "limit": "1"},
        ),
        (_("An error"), reverse("api:partnerships"), {"status": "forever"}),
    ]
    return [answer(request, title, path, query) for title, path, query in asked]


def operations(base: str) -> list[dict[str, Any]]:
    """Each endpoint with its parameters, from the OpenAPI schema (in English); the paging
    parameters, which every list has, are explained once on the page."""
    schema = json.loads(openapi_body())
    listed = []
    for path, methods in schema["paths"].items():
        operation = methods.get(METHOD)
        if operation is None:
            continue
        listed.append(
            {
                "path": path.removeprefix(base) or "/",
                "summary": operation.get("summary", ""),
                "description": inline_code(operation.get("description", "")),
                "paged": any(p["name"] == "cursor" for p in operation.get("parameters", [])),
                "parameters": [
                    {
                        "name": parameter["name"],
                        "where": parameter["in"],
                        "description": inline_code(parameter.get("description", "")),
                        "values": enum_values(parameter.get("schema", {})),
                    }
                    for parameter in operation.get("parameters", [])
                    if parameter["name"] not in PAGING
                ],
            }
        )
    return listed


def inline_code(text: str) -> SafeString:
    """The schema's Markdown `code` spans as HTML; everything else escaped.

    >>> inline_code("`true`: <only> these")
    '<code>true</code>: &lt;only&gt; these'
    """
    # Safe: the text is escaped first; only the code tags are added.
    return mark_safe(CODE_SPAN.sub(r"<code>\1</code>", escape(text)))


def enum_values(schema: dict[str, Any]) -> list[str]:
    """The values a parameter may take, when the schema lists them."""
    for option in [schema, *schema.get("anyOf", [])]:
        if "enum" in option:
            return [str(value) for value in option["enum"]]
    return []


def api_docs(request):
    with override("en"):
        index = reverse("api:index")
        schema_address = reverse("api:openapi")
    context = {
        "base": request.build_absolute_uri(index),
        "schema_address": schema_address,
        "operations": operations(index),
        "examples": examples(request),
        "rate_limit": settings.API_RATE_LIMIT,
    }
    return render(request, "api/docs.html", context)
