from django.urls import path

from atlas.insights import views

urlpatterns = [
    path("", views.overview, name="insights"),
    path("network/", views.network, name="insights-network"),
    path("coverage/", views.coverage, name="insights-coverage"),
    path("revival/", views.revival, name="insights-revival"),
    path("revival.csv", views.revival_csv, {"name": "revival"}, name="insights-revival-csv"),
    path(
        "revival-countries.csv",
        views.revival_csv,
        {"name": "revival-countries"},
        name="insights-revival-countries-csv",
    ),
    path("<str:name>.csv", views.table_csv, name="insights-csv"),
    path("<str:code>/", views.country, name="insights-country"),
    path("<str:code>/<str:name>.csv", views.country_csv, name="insights-country-csv"),
]
