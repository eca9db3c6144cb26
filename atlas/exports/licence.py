"""The data's licence: every export and API answer mixes records derived from Wikipedia's
lists of twin towns (CC BY-SA 4.0), so each is shared under CC BY-SA 4.0 as a whole; see
data/LICENSES.md."""

from django.http import HttpRequest
from django.urls import reverse

LICENCE = "CC BY-SA 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"


def licence_link(request: HttpRequest) -> str:
    """The Link header value: the licence, and the page that explains the files."""
    page = request.build_absolute_uri(reverse("downloads"))
    return f'<{LICENCE_URL}>; rel="license", <{page}>; rel="describedby"'
