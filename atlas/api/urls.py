"""The API's addresses, language-neutral, under /api/v1/ (see atlas/urls.py): the
endpoints of `atlas.api.views`, the schema, and a JSON 404 for everything else. Every
one of them goes through `atlas.api.edge`."""

from django.urls import URLPattern, re_path

from atlas.api import views
from atlas.api.api import api
from atlas.api.edge import edge

app_name = "api"

endpoints, _app, _namespace = api.urls

urlpatterns = [
    URLPattern(pattern.pattern, edge(pattern.callback), pattern.default_args, pattern.name)
    for pattern in [
        re_path(r"^openapi\.json$", views.openapi, name="openapi"),
        *endpoints,
        re_path(r"^(?P<rest>.*)$", views.unknown_address, name="unknown"),
    ]
    if isinstance(pattern, URLPattern)
]
