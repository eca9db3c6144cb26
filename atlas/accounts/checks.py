"""`manage.py check --deploy` warns when the rate limits would see every visitor as one."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_trusted_proxy(app_configs, **kwargs) -> list[Warning]:
    """With DEBUG off the settings expect a reverse proxy in front (they trust its
    X-Forwarded-Proto). Without TRUSTED_PROXY_COUNT every request then comes from the
    proxy's address: one attacker's failed logins would lock out everyone's, and all API
    clients would share one budget."""
    if settings.SECURE_PROXY_SSL_HEADER and settings.TRUSTED_PROXY_COUNT <= 0:
        return [
            Warning(
                "TRUSTED_PROXY_COUNT is 0 behind the reverse proxy the settings expect: "
                "every visitor would share the proxy's address in the login and API limits.",
                hint="Set TRUSTED_PROXY_COUNT to the number of proxies in front of gunicorn: "
                "1 behind nginx on the same machine (docs/deploy.md).",
                id="atlas.W001",
            )
        ]
    return []
