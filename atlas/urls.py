from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("map/data/", include("atlas.maps.data_urls")),
    path("exports/", include("atlas.exports.urls")),
    path("api/v1/", include("atlas.api.urls")),
    *i18n_patterns(
        path("admin/", admin.site.urls),
        path("account/", include("atlas.accounts.urls")),
        path("", include("atlas.directory.urls")),
        path("", include("atlas.exports.page_urls")),
        path("", include("atlas.api.page_urls")),
        path("", include("atlas.maps.urls")),
        path("", include("atlas.matchmaking.urls")),
        path("board/", include("atlas.board.urls")),
        path("", include("atlas.widget.urls")),
        path("insights/", include("atlas.insights.urls")),
        path("municipalities/<slug:slug>/edit/", include("atlas.editing.urls")),
        path("conflicts/", include("atlas.editing.conflict_urls")),
    ),
]
