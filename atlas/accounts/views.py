from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atlas.accounts import services
from atlas.accounts.access import conflicts_for, is_association_staff
from atlas.accounts.emails import read_confirmation_token, send_password_changed
from atlas.accounts.forms import (
    ChangePasswordForm,
    CoordinatorRequestForm,
    DecisionForm,
    DeleteAccountForm,
    ResetPasswordForm,
    SignUpForm,
)
from atlas.accounts.models import (
    CoordinatorRole,
    PendingSignUp,
    StaffRole,
)
from atlas.accounts.personal_data import personal_data
from atlas.directory.models import Municipality
from atlas.jobs import mail

REQUESTS_PER_PAGE = 50


def get_decidable_role(request, pk: int) -> CoordinatorRole:
    """The pending or decided request `pk`: 404 when there is none, 403 when the visitor
    may not decide on it."""
    role = get_object_or_404(CoordinatorRole.objects.select_related("municipality"), pk=pk)
    if not role.can_be_decided_by(request.user):
        raise PermissionDenied
    return role


def signup(request):
    if request.user.is_authenticated:
        return redirect("account")
    form = SignUpForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        # The same work and answer whether or not the address has an account; the mail
        # says what happened.
        services.sign_up(
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            password=form.cleaned_data["password"],
            language=get_language(),
        )
        return redirect("accounts-signup-sent")
    return render(request, "accounts/signup.html", {"form": form})


def signup_sent(request):
    return render(request, "accounts/signup_sent.html")


def get_pending_sign_up(token: str) -> PendingSignUp | None:
    """The unexpired pending sign-up a confirmation link names, or None when the link is
    forged, garbled, too old, or used up (an attempt for the address was confirmed)."""
    data = read_confirmation_token(token)
    if not data or "signup" not in data:
        return None
    return PendingSignUp.objects.unexpired().filter(pk=data["signup"], email=data["email"]).first()


def confirm_email(request, token: str):
    """GET shows a button, POST confirms: mail scanners that open links do not confirm."""
    pending = get_pending_sign_up(token)
    if pending is None:
        return render(request, "accounts/confirm_invalid.html", status=400)
    if request.method == "POST":
        try:
            services.confirm_sign_up(pending=pending)
        except ValidationError:
            # A confirmed or blocked account has this address.
            return render(request, "accounts/confirm_invalid.html", status=400)
        messages.success(request, _("Thank you: your e-mail address is confirmed. Log in now."))
        return redirect("accounts-login")
    return render(request, "accounts/confirm.html", {"confirm_user": pending})


@login_required
def account(request):
    staff_roles = list(StaffRole.objects.of(request.user).select_related("country", "network"))
    pending_count = conflict_count = 0
    if request.user.is_superuser or staff_roles:
        pending_count = CoordinatorRole.objects.pending().decidable_by(request.user).count()
        conflict_count = conflicts_for(request.user).open().count()
    context = {
        "coordinator_roles": CoordinatorRole.objects.of(request.user).select_related(
            "municipality__country"
        ),
        "staff_roles": staff_roles,
        "pending_count": pending_count,
        "conflict_count": conflict_count,
        # Administrators see the mail queue in the admin; here, whether to look.
        "mail_backlog": mail.backlog() if request.user.is_superuser else None,
    }
    return render(request, "accounts/account.html", context)


@login_required
def change_password(request):
    form = ChangePasswordForm(request.user, request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        # As in services: the notice is queued when the change commits, so a password
        # never changes without its owner being told.
        with transaction.atomic():
            user = form.save()
            send_password_changed(user)
        # Keeps this session; the person's other sessions end, as their hash is stale.
        update_session_auth_hash(request, user)
        messages.success(
            request,
            _(
                "Your password is changed. You stay logged in here; other browsers and "
                "devices are logged out. We sent a notice to your e-mail address."
            ),
        )
        return redirect("account")
    return render(request, "accounts/password_change.html", {"form": form})


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view with our form, which limits requests; past a limit the form comes
    back with a 429 and no mail is sent."""

    form_class = ResetPasswordForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "throttled"):
            response.status_code = 429
        return response


@login_required
def request_coordinator_role(request, slug: str):
    municipality = get_object_or_404(Municipality.objects.select_related("country"), slug=slug)
    form = CoordinatorRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_coordinator_role(
                acting_user=request.user, municipality=municipality, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Your request to coordinate %(municipality)s is sent. You will get an "
                    "e-mail when association staff decide."
                )
                % {"municipality": municipality.name},
            )
            return redirect("account")
    current = (
        CoordinatorRole.objects.of(request.user)
        .filter(municipality=municipality)
        .exclude(status=CoordinatorRole.Status.REFUSED)
        .first()
    )
    context = {"municipality": municipality, "form": form, "current": current}
    return render(request, "accounts/request_role.html", context)


@login_required
def request_queue(request):
    """The requests this member of staff (or administrator) may decide, oldest first."""
    if not is_association_staff(request.user):
        raise PermissionDenied
    roles = (
        CoordinatorRole.objects.pending()
        .decidable_by(request.user)
        .select_related("user", "municipality__country")
        .order_by("requested_at", "pk")
    )
    page = Paginator(roles, REQUESTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "accounts/request_queue.html", {"page": page})


@login_required
@require_POST
def decide_request(request, pk: int):
    role = get_decidable_role(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, str(errors[0]))
        return redirect("accounts-requests")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.decide_coordinator_role(
            acting_user=request.user, role=role, approve=approve, note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        done = (
            _("%(user)s now coordinates %(municipality)s.")
            if approve
            else _("The request of %(user)s for %(municipality)s is refused.")
        )
        messages.success(
            request, done % {"user": role.user.email, "municipality": role.municipality.name}
        )
    return redirect("accounts-requests")


@login_required
def download_data(request):
    response = JsonResponse(
        personal_data(request.user), json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    response["Content-Disposition"] = 'attachment; filename="twinning-atlas-personal-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user, request=request)
    if request.method == "POST" and form.is_valid():
        services.delete_account(acting_user=request.user)
        logout(request)
        messages.success(request, _("Your account and your personal data are deleted."))
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})
