"""The exports: language-neutral, outside the /<lang>/ prefix."""

from django.urls import re_path

from atlas.exports import views

urlpatterns = [
    re_path(
        r"^(?P<name>municipalities|partnerships|networks|memberships)\.(?P<fmt>csv|geojson)$",
        views.export,
        name="export",
    ),
    re_path(
        r"^files/(?P<file>[a-z]+\.(?:csv|geojson)\.gz)$", views.export_file, name="export-file"
    ),
]
