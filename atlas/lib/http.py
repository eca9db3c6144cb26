"""Small HTTP helpers with no models: a weak ETag from the parts an answer depends on, and
the absolute address of a page of the site (for mails and feeds, which have no request).

>>> weak_etag("places", 1) == weak_etag("places", 1) != weak_etag("places", 2)
True
"""

from __future__ import annotations

import hashlib

from django.conf import settings


def weak_etag(*parts: object) -> str:
    """A weak ETag: the same for the plain and the gzipped body, as weak comparison allows."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:24]
    return f'W/"{digest}"'


def absolute(path: str) -> str:
    """The address of `path` on the site: built on SITE_URL rather than on a request's
    Host header, so that a forged header cannot put another site's address into a mail.

    >>> from django.test import override_settings
    >>> with override_settings(SITE_URL="https://atlas.example/"):
    ...     absolute("/en/board/")
    'https://atlas.example/en/board/'
    """
    return settings.SITE_URL.rstrip("/") + path
