from django.urls import path

from atlas.editing import partnership_views as views

# Under /<lang>/municipalities/<slug>/edit/ (atlas/editing/urls.py): the municipality's
# partnerships, the proposals it made and received, and each partnership's activities.
urlpatterns = [
    path("partnerships/", views.partnership_list, name="edit-partnerships"),
    path("partnerships/propose/", views.propose, name="edit-partnership-propose"),
    path(
        "partnerships/proposals/<int:pk>/confirm/",
        views.proposal_confirm,
        name="edit-proposal-confirm",
    ),
    path(
        "partnerships/proposals/<int:pk>/refuse/",
        views.proposal_refuse,
        name="edit-proposal-refuse",
    ),
    path(
        "partnerships/proposals/<int:pk>/withdraw/",
        views.proposal_withdraw,
        name="edit-proposal-withdraw",
    ),
    path("partnerships/<int:pk>/", views.partnership_edit, name="edit-partnership"),
    path("partnerships/<int:pk>/end/", views.partnership_end, name="edit-partnership-end"),
    path("partnerships/<int:pk>/delete/", views.partnership_delete, name="edit-partnership-delete"),
    path("partnerships/<int:pk>/activities/", views.activity_list, name="edit-activities"),
    path(
        "partnerships/<int:pk>/activities/<int:activity_pk>/",
        views.activity_edit,
        name="edit-activity",
    ),
    path(
        "partnerships/<int:pk>/activities/<int:activity_pk>/delete/",
        views.activity_delete,
        name="edit-activity-delete",
    ),
]
