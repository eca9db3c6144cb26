"""The widget embedded in another site's page, in a real browser."""

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from conftest import make_municipality, make_partnership

pytestmark = pytest.mark.browser


@pytest.fixture
def council_site(tmp_path):
    """The municipality's own website: a plain static server on another origin than the
    atlas (127.0.0.1 rather than the live server's localhost)."""
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_the_embed_code_shows_the_partners_inside_the_frame(page, live_server, council_site):
    kamnik = make_municipality("Kamnik", "SI")
    make_partnership(kamnik, make_municipality("Trofaiach", "AT", latitude=47.4, longitude=15.0))
    make_partnership(kamnik, make_municipality("Andechs", "DE", latitude=48.0, longitude=11.2))
    widget = f"{live_server.url}{reverse('widget', args=[kamnik.slug])}"
    folder, address = council_site
    (folder / "index.html").write_text(
        '<!doctype html><title>Občina Kamnik</title><link rel="icon" href="data:,">'
        "<h1>Our twin towns</h1>"
        f'<iframe src="{widget}" title="Twin towns of Kamnik" width="400" height="600"'
        ' loading="lazy" style="border:0"></iframe>',
        encoding="utf-8",
    )

    page.goto(f"{address}/index.html")

    frame = page.frame_locator("iframe")
    link = frame.get_by_role("link", name="Trofaiach")
    link.wait_for()
    assert link.get_attribute("target") == "_blank"
    assert frame.get_by_role("link", name="Andechs").is_visible()
    assert frame.locator("svg").is_visible()
