from django.urls import path

from atlas.maps import views

urlpatterns = [
    path("map/", views.map_page, name="map"),
]
