from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditingConfig(AppConfig):
    name = "atlas.editing"
    verbose_name = _("Self-service editing")
