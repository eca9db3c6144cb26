from django.urls import include, path

# Under /<lang>/municipalities/<slug>/edit/: the profile, memberships and history in
# views.py; partnerships, proposals and activities in partnership_views.py.
urlpatterns = [
    path("", include("atlas.editing.profile_urls")),
    path("", include("atlas.editing.partnership_urls")),
]
