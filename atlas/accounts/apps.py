from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "atlas.accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from atlas.accounts import checks  # noqa: F401  (registers the deploy check)
