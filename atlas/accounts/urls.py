from django.contrib.auth import views as auth_views
from django.urls import path

from atlas.accounts import views
from atlas.accounts.forms import LoginForm

# The password reset views keep Django's names (password_reset, …), which they use to find
# each other.
urlpatterns = [
    path("", views.account, name="account"),
    path("signup/", views.signup, name="accounts-signup"),
    path("signup/sent/", views.signup_sent, name="accounts-signup-sent"),
    path("confirm/<str:token>/", views.confirm_email, name="accounts-confirm"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="accounts-login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="accounts-logout"),
    path("password/change/", views.change_password, name="accounts-password-change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html"
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("data/", views.download_data, name="accounts-data"),
    path("delete/", views.delete_account, name="accounts-delete"),
    path("coordinate/<slug:slug>/", views.request_coordinator_role, name="accounts-request-role"),
    path("requests/", views.request_queue, name="accounts-requests"),
    path("requests/<int:pk>/decide/", views.decide_request, name="accounts-decide"),
]
