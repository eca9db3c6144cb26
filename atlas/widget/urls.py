from django.urls import path

from atlas.widget import views

urlpatterns = [
    path("widget/<slug:slug>/", views.widget, name="widget"),
]
