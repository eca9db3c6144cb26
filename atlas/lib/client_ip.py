"""The visitor's IP address, which the rate limits count by (logins, sign-ups, password
resets, the API): one rule for the whole site.

Without a proxy it is REMOTE_ADDR. Behind reverse proxies REMOTE_ADDR is the nearest
proxy's, and each proxy appends the address it received the request from to
X-Forwarded-For. The client writes whatever it likes at the left of that header, so only
the entries the trusted proxies wrote count: with TRUSTED_PROXY_COUNT proxies, the client is
the entry that many places from the right (the right-most address no trusted proxy is).

>>> forwarded_client("203.0.113.7", remote_addr="127.0.0.1", hops=1)
'203.0.113.7'
>>> forwarded_client("6.6.6.6, 203.0.113.7", remote_addr="127.0.0.1", hops=1)  # spoofed left
'203.0.113.7'
>>> forwarded_client("6.6.6.6, 203.0.113.7, 10.0.0.2", remote_addr="127.0.0.1", hops=2)
'203.0.113.7'
>>> forwarded_client("", remote_addr="127.0.0.1", hops=1)  # not through the proxy
'127.0.0.1'
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def forwarded_client(forwarded_for: str, *, remote_addr: str, hops: int) -> str:
    """The address `hops` places from the right of an X-Forwarded-For value. When the
    header has fewer entries, or that entry is not an IP address, the request did not come
    the way the proxies send it: REMOTE_ADDR is used, so a forged header gains nothing."""
    if hops <= 0:
        return remote_addr
    entries = [entry.strip() for entry in forwarded_for.split(",")] if forwarded_for else []
    if len(entries) < hops:
        return remote_addr
    try:
        # Normalized, so that one address cannot be written many ways to get many limits.
        return str(ipaddress.ip_address(entries[-hops]))
    except ValueError:
        return remote_addr


def client_ip(request: HttpRequest) -> str:
    """The visitor's IP address, as the settings' trusted proxies tell it (see the module's
    docstring and docs/deploy.md)."""
    return forwarded_client(
        request.META.get(settings.CLIENT_IP_HEADER, ""),
        remote_addr=request.META.get("REMOTE_ADDR", ""),
        hops=settings.TRUSTED_PROXY_COUNT,
    )
