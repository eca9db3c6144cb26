from django.urls import path

from atlas.api import pages

urlpatterns = [
    path("about/data/api/", pages.api_docs, name="api-docs"),
]
