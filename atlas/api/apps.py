from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "atlas.api"
    verbose_name = "API"
