from django.urls import path

from atlas.matchmaking import views

urlpatterns = [
    path(
        "municipalities/<slug:slug>/partners/suggested/",
        views.suggested_partners,
        name="suggested-partners",
    ),
    path("network-builder/", views.network_builder, name="network-builder"),
]
