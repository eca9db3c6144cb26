from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardConfig(AppConfig):
    name = "atlas.board"
    verbose_name = _("Partner search board")
