from django.urls import path

from atlas.editing import views

MEMBERSHIPS = {"joining": views.MEMBERSHIPS}
PROJECTS = {"joining": views.PROJECTS}

# Under /<lang>/municipalities/<slug>/edit/ (see urls.py).
urlpatterns = [
    path("", views.overview, name="edit-municipality"),
    path("profile/", views.edit_profile, name="edit-profile"),
    path("memberships/", views.joinings, MEMBERSHIPS, name="edit-memberships"),
    path("memberships/<int:pk>/", views.edit_joining, MEMBERSHIPS, name="edit-membership"),
    path(
        "memberships/<int:pk>/delete/",
        views.delete_joining,
        MEMBERSHIPS,
        name="edit-membership-delete",
    ),
    path("projects/", views.joinings, PROJECTS, name="edit-projects"),
    path("projects/<int:pk>/", views.edit_joining, PROJECTS, name="edit-project"),
    path("projects/<int:pk>/delete/", views.delete_joining, PROJECTS, name="edit-project-delete"),
    path("history/", views.history, name="edit-history"),
    path("history/<int:pk>/revert/", views.revert, name="edit-revert"),
    path("history/restore/<slug:kind>/<int:pk>/", views.restore, name="edit-restore"),
]
