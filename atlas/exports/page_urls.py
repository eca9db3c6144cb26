from django.urls import path

from atlas.exports import views

urlpatterns = [
    path("about/data/download/", views.downloads, name="downloads"),
]
