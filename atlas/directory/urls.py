from django.urls import path

from atlas.directory import views

urlpatterns = [
    path("", views.home, name="home"),
]
