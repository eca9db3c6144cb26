"""The map's data endpoints: language-neutral, outside the /<lang>/ prefix."""

from django.urls import path

from atlas.maps import views

urlpatterns = [
    path("places.json", views.places_data, name="map-places"),
    path("towns/<int:pk>.json", views.town_data, name="map-town"),
    path("basemap.json", views.basemap_data, name="map-basemap"),
]
