from __future__ import annotations

from functools import partial
from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm
from django.contrib.auth.hashers import check_password
from django.db import transaction
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from atlas.accounts.models import CoordinatorRole, PendingSignUp, normalize_email
from atlas.accounts.tasks import deliver_password_reset
from atlas.lib.client_ip import client_ip
from atlas.lib.ratelimit import RateLimit

# Failed logins are counted per e-mail address *and client* (as django-axes' lockout by
# username and IP address): someone guessing one person's password from one machine is
# stopped after a few tries, but cannot lock the owner out from anywhere else. A higher
# ceiling per client across all addresses stops one machine trying many people's passwords,
# while an office behind one address can still mistype. A successful login clears the
# count of that address from that client. See docs/accounts.md.
LOGIN_FAILURES_PER_CLIENT_AND_ADDRESS = RateLimit("login-ip-email", limit=5, window=15 * 60)
LOGIN_FAILURES_PER_CLIENT = RateLimit("login-ip", limit=20, window=15 * 60)
SIGN_UPS_PER_IP = RateLimit("signup-ip", limit=5, window=60 * 60)
# Each request mails association staff: a person may not flood them.
ROLE_REQUESTS_PER_USER = RateLimit("role-request-user", limit=10, window=24 * 60 * 60)
# Password reset requests send mail to a person who did not ask for it: a few per typed
# address (whether or not it has an account, so the limit does not reveal which do) and
# more per IP address (one machine mailing many people).
PASSWORD_RESETS_PER_EMAIL = RateLimit("password-reset-email", limit=3, window=60 * 60)
PASSWORD_RESETS_PER_IP = RateLimit("password-reset-ip", limit=20, window=60 * 60)


class PasswordGuesses:
    """The limits a wrong password for `email` from this request's client counts against:
    at logins, and when a logged-in person changes the password or deletes the account
    (someone at an unattended computer must not guess the password there either)."""

    def __init__(self, request, email: str) -> None:
        ip = client_ip(request)
        # Without an address (the form's own error) only the client's ceiling counts.
        self.address_key = f"{ip} {email}" if email else None
        self.limits = [(LOGIN_FAILURES_PER_CLIENT, ip)]
        if self.address_key:
            self.limits.append((LOGIN_FAILURES_PER_CLIENT_AND_ADDRESS, self.address_key))

    def check(self) -> None:
        """Refuse, with the longest wait, while any of the limits is used up."""
        waits = [limit.retry_after(key) for limit, key in self.limits if limit.is_exceeded(key)]
        if waits:
            raise forms.ValidationError(wait_message(max(waits)), code="throttled")

    def count_failure(self) -> None:
        for limit, key in self.limits:
            limit.hit(key)

    def count_success(self) -> None:
        """The owner got in: forget the address's failures from this client (the client's
        ceiling keeps counting, or one good account would unlock guessing at others)."""
        if self.address_key:
            LOGIN_FAILURES_PER_CLIENT_AND_ADDRESS.reset(self.address_key)


def wait_message(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return ngettext(
        "Too many attempts. For your security, wait %(minutes)d minute and try again.",
        "Too many attempts. For your security, wait %(minutes)d minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


class SignUpForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        help_text=_("Shown to association staff when you ask to coordinate a municipality."),
    )
    email = forms.EmailField(label=_("E-mail address"), max_length=150)
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        return normalize_email(self.cleaned_data["email"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        ip = client_ip(self.request)
        if SIGN_UPS_PER_IP.is_exceeded(ip):
            raise forms.ValidationError(
                wait_message(SIGN_UPS_PER_IP.retry_after(ip)), code="throttled"
            )
        if data.get("password") and data.get("email"):
            user = get_user_model()(
                username=data["email"], email=data["email"], first_name=data.get("name", "")
            )
            try:
                password_validation.validate_password(data["password"], user)
            except forms.ValidationError as error:
                self.add_error("password", error)
        if not self.errors:
            SIGN_UPS_PER_IP.hit(ip)
        return data


class LoginForm(AuthenticationForm):
    """Log in by e-mail address and password, with failed attempts limited per address and
    per IP address; an account whose address is not yet confirmed is told so."""

    username = forms.EmailField(
        label=_("E-mail address"),
        max_length=150,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("That e-mail address and password do not match an account."),
        "unconfirmed": _(
            "Confirm your e-mail address first: follow the link in the mail we sent you."
        ),
    }

    def clean_username(self) -> str:
        return normalize_email(self.cleaned_data["username"])

    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username", "")
        guesses = PasswordGuesses(self.request, email)
        guesses.check()
        try:
            data = super().clean()
        except forms.ValidationError:
            guesses.count_failure()
            self.explain_unconfirmed(email)
            raise
        guesses.count_success()
        return data

    def explain_unconfirmed(self, email: str) -> None:
        """Say so when the password is that of a sign-up whose address is not confirmed yet
        (there is no account until then, which would otherwise look like a typo)."""
        password = self.cleaned_data.get("password")
        if not password or get_user_model().objects.filter(username=email).exists():
            return
        # The newest few: sign-ups are limited per IP address, not per address.
        attempts = PendingSignUp.objects.unexpired().filter(email=email).order_by("-pk")[:3]
        if any(check_password(password, attempt.password) for attempt in attempts):
            raise forms.ValidationError(self.error_messages["unconfirmed"], code="unconfirmed")


class ChangePasswordForm(PasswordChangeForm):
    """Django's form (current password, new one twice, the validators of sign-up), with
    wrong current passwords counted with the failed logins of the address from this client:
    someone at an unattended, logged-in computer must not guess the password here either."""

    def __init__(self, *args, request, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = _(
            "At least 8 characters, not only digits, not a common password."
        )

    def clean_old_password(self) -> str:
        guesses = PasswordGuesses(self.request, self.user.username)
        guesses.check()
        try:
            return super().clean_old_password()
        except forms.ValidationError:
            guesses.count_failure()
            raise


class ResetPasswordForm(PasswordResetForm):
    """Django's form, with requests limited per typed address and per IP address. Every
    valid request counts, whether or not the address has an account, so the answer is the
    same for both."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def __init__(self, *args, request, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        return normalize_email(self.cleaned_data["email"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        email = data.get("email")
        if not email:
            return data
        ip = client_ip(self.request)
        waits = [
            limit.retry_after(key)
            for limit, key in ((PASSWORD_RESETS_PER_EMAIL, email), (PASSWORD_RESETS_PER_IP, ip))
            if limit.is_exceeded(key)
        ]
        if waits:
            raise forms.ValidationError(wait_message(max(waits)), code="throttled")
        PASSWORD_RESETS_PER_EMAIL.hit(email)
        PASSWORD_RESETS_PER_IP.hit(ip)
        return data

    def save(self, *args: Any, **options: Any) -> None:
        """Have the worker look for the address's account and mail it a link. The request
        does the same work whether or not there is one (Django's form would look it up and
        render the mail here), so its time tells nobody who is registered."""
        transaction.on_commit(
            partial(
                deliver_password_reset.enqueue,
                email=self.cleaned_data["email"],
                language=get_language(),
            ),
            robust=True,
        )


class CoordinatorRequestForm(forms.ModelForm):
    class Meta:
        model = CoordinatorRole
        fields = ["position", "message"]
        labels = {
            "position": _("Your position at the municipality"),
            "message": _("Message to the association staff (optional)"),
        }
        help_texts = {
            "position": _("For example: head of international cooperation, mayor's office."),
            "message": _("Anything that helps them check who you are, such as a phone number."),
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        key = str(self.user.pk)
        if ROLE_REQUESTS_PER_USER.is_exceeded(key):
            raise forms.ValidationError(
                wait_message(ROLE_REQUESTS_PER_USER.retry_after(key)), code="throttled"
            )
        if not self.errors:
            ROLE_REQUESTS_PER_USER.hit(key)
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
    )
    note = forms.CharField(
        label=_("Note to the requester (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, request, **kwargs):
        self.user = user
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        guesses = PasswordGuesses(self.request, self.user.username)
        guesses.check()
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            guesses.count_failure()
            raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        return password
