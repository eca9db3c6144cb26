import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.timezone import now

from atlas.directory.models import DataStamp, Partnership
from conftest import make_municipality, make_partnership, make_source, make_user

pytestmark = pytest.mark.django_db


def widget_url(municipality, language: str = "en") -> str:
    with translation.override(language):
        return reverse("widget", args=[municipality.slug])


def test_it_lists_the_partners_with_links_opening_the_atlas_in_a_new_tab(client, kamnik_world):
    response = client.get(widget_url(kamnik_world["kamnik"]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Twin towns of Kamnik</h1>" in html
    trofaiach = kamnik_world["trofaiach"]
    assert f'<a href="{trofaiach.get_absolute_url()}" target="_blank" rel="noopener">' in html
    assert "Andechs" in html and "🇩🇪" in html and "Germany" in html
    assert "since 1999" in html
    assert "<svg" in html and "Trofaiach</title>" in html
    assert "Natural Earth" in html and "Twinning Atlas</a>" in html


def test_it_shows_the_last_activity_where_known(client, kamnik_world):
    Partnership.objects.filter(municipality_b=kamnik_world["trofaiach"]).update(
        last_activity="2024-05-17"
    )

    html = client.get(widget_url(kamnik_world["kamnik"])).content.decode()

    assert 'last activity: <time datetime="2024-05-17">May 17, 2024</time>' in html


def test_it_speaks_the_language_of_its_address(client, kamnik_world):
    html = client.get(widget_url(kamnik_world["kamnik"], "sl")).content.decode()

    assert '<html lang="sl">' in html
    assert "Pobratena mesta občine Kamnik" in html
    assert "Nemčija" in html
    assert 'href="/sl/municipalities/' in html


def test_it_leaves_out_soft_deleted_partnerships(client, kamnik_world):
    Partnership.objects.filter(municipality_b=kamnik_world["andechs"]).update(deleted_at=now())

    html = client.get(widget_url(kamnik_world["kamnik"])).content.decode()

    assert "Trofaiach" in html
    assert "Andechs" not in html


def test_it_hides_the_map_and_limits_the_list_on_request(client, kamnik_world):
    html = client.get(widget_url(kamnik_world["kamnik"]), {"map": "0", "limit": "1"}).content
    html = html.decode()

    assert "<svg" not in html
    assert "Trofaiach" in html  # Austria comes first
    assert "Andechs" not in html
    assert "All 2 partner towns" in html


def test_it_has_a_dark_theme(client, kamnik_world):
    html = client.get(widget_url(kamnik_world["kamnik"]), {"theme": "dark"}).content.decode()

    assert '<body class="dark">' in html


@pytest.mark.parametrize(
    "params",
    [
        {"map": "2"},
        {"limit": "0"},
        {"limit": "101"},
        {"limit": "ten"},
        {"theme": "blue"},
        {"theme": "\x00"},
        {"limit": "\x00"},
        {"map": "<script>alert(1)</script>"},
        {"theme": "x" * 10_000},
        {"limit": "9" * 5_000},
    ],
)
def test_bad_options_are_a_short_plain_400(client, kamnik_world, params):
    response = client.get(widget_url(kamnik_world["kamnik"]), params)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert len(response.content) < 300
    assert b"<script>" not in response.content


def test_it_can_be_framed_from_anywhere_and_loads_nothing_else(client, kamnik_world):
    response = client.get(widget_url(kamnik_world["kamnik"]))

    assert "X-Frame-Options" not in response
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors *" in policy
    assert "default-src 'none'" in policy
    assert response["Cache-Control"] == "public, max-age=3600"


def test_every_other_page_still_refuses_to_be_framed(client, kamnik_world):
    for address in ["/en/", kamnik_world["kamnik"].get_absolute_url(), "/en/no-such-page/"]:
        response = client.get(address)
        assert response["X-Frame-Options"] == "DENY", address
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], address


def test_it_sets_no_cookie_and_does_not_vary_on_cookies_even_for_a_logged_in_visitor(
    client, kamnik_world
):
    client.force_login(make_user("ana@example.org"))

    response = client.get(widget_url(kamnik_world["kamnik"]))

    assert response.status_code == 200
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_an_unchanged_widget_is_a_304_until_the_data_changes(client, kamnik_world):
    address = widget_url(kamnik_world["kamnik"])
    first = client.get(address)

    again = client.get(address, headers={"If-None-Match": first["ETag"]})
    since = client.get(address, headers={"If-Modified-Since": first["Last-Modified"]})
    assert (again.status_code, since.status_code) == (304, 304)
    assert "frame-ancestors *" in again["Content-Security-Policy"]

    DataStamp.touch()
    assert client.get(address, headers={"If-None-Match": first["ETag"]}).status_code == 200


def test_the_etag_differs_per_language_and_options(client, kamnik_world):
    kamnik = kamnik_world["kamnik"]
    tags = {
        client.get(widget_url(kamnik))["ETag"],
        client.get(widget_url(kamnik, "sl"))["ETag"],
        client.get(widget_url(kamnik), {"map": "0"})["ETag"],
    }
    assert len(tags) == 3


def test_it_weighs_a_few_kilobytes(client, kamnik_world):
    response = client.get(widget_url(kamnik_world["kamnik"]))

    assert len(response.content) < 20_000


def test_it_costs_a_fixed_number_of_queries(client, kamnik_world, django_assert_num_queries):
    kamnik = kamnik_world["kamnik"]
    address = widget_url(kamnik)
    client.get(address)
    with django_assert_num_queries(3):
        client.get(address)
    source = make_source()
    for number in range(10):
        make_partnership(kamnik, make_municipality(f"Extra {number}", "HR"), sources=[source])
    with django_assert_num_queries(3):
        response = client.get(address)
    assert "Extra 9" in response.content.decode()


def test_an_unknown_town_is_a_small_frameable_404(client, db):
    response = client.get(reverse("widget", args=["nowhere"]))

    assert response.status_code == 404
    assert len(response.content) < 1_000
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]


def test_the_municipality_page_offers_the_embed_code_in_its_language(client, kamnik_world):
    kamnik = kamnik_world["kamnik"]
    with translation.override("de"):
        address = kamnik.get_absolute_url()

    html = client.get(address).content.decode()

    assert (
        f"&lt;iframe src=&quot;http://testserver/de/widget/{kamnik.slug}/&quot;" in html
        or f'&lt;iframe src="http://testserver/de/widget/{kamnik.slug}/"' in html
    )
    assert 'loading="lazy"' in html and 'width="400"' in html
    assert "title=" in html


def test_it_is_compressed_for_browsers_that_accept_gzip(client, kamnik_world):
    address = widget_url(kamnik_world["kamnik"])

    response = client.get(address, headers={"Accept-Encoding": "gzip"})

    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    again = client.get(
        address, headers={"Accept-Encoding": "gzip", "If-None-Match": response["ETag"]}
    )
    assert again.status_code == 304
