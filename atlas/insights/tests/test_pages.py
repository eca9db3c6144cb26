import csv
import io
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from atlas.directory.models import Activity, DataStamp, Network
from atlas.insights.tests.conftest import grow
from conftest import make_membership, make_municipality, make_network

pytestmark = pytest.mark.django_db

PAGES = [
    reverse("insights"),
    reverse("insights-country", args=["si"]),
    reverse("insights-network"),
    reverse("insights-coverage"),
    reverse("insights-revival"),
]


def text(response) -> str:
    """The page's visible text, tags removed and white space collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\xa0", " ")


def csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


class Figures(HTMLParser):
    """Each figure on a page: its id, whether it has a chart, a table and a CSV link."""

    def __init__(self):
        super().__init__()
        self.figures: list[dict] = []
        self.ids: set[str] = set()
        self.labelled_by: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "figure":
            self.figures.append({"id": attrs["id"], "charts": 0, "tables": 0, "csv": []})
            self.depth = 1
        elif self.depth:
            if tag == "figure":
                self.depth += 1
            figure = self.figures[-1]
            if tag == "svg":
                assert attrs["role"] == "img"
                self.labelled_by += attrs["aria-labelledby"].split()
                figure["charts"] += 1
            elif tag == "table":
                figure["tables"] += 1
            elif tag == "a" and attrs.get("href", "").split("?")[0].endswith(".csv"):
                figure["csv"].append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "figure" and self.depth:
            self.depth -= 1


def figures(response) -> Figures:
    parser = Figures()
    parser.feed(response.content.decode())
    return parser


# --- The overview ------------------------------------------------------------------------


def test_the_overview_tells_per_country_how_many_municipalities_are_twinned(client, world):
    response = client.get(reverse("insights"))

    assert response.status_code == 200
    page = text(response)
    # Slovenia: 2 of 3 municipalities, 5 partnerships, per 100,000 of 94,000 inhabitants.
    assert re.search(r"Slovenia 3 2 66\.7 % 5 4 94,000 5\.3 Austria 2", page)
    assert "Of the 6 municipalities of the 3 countries" in page
    assert "5 (83.3 %) have at least one partner town" in page
    # A country that is not covered is in the matrix but not in the list of countries.
    assert "United States" in page
    assert "United States 0 0" not in page


def test_every_chart_has_its_table_and_its_csv_beside_it(client, world):
    for url in PAGES:
        parsed = figures(client.get(url))

        assert parsed.figures, url
        for figure in parsed.figures:
            assert figure["tables"] == 1, (url, figure)
            assert len(figure["csv"]) == 1, (url, figure)
        assert set(parsed.labelled_by) <= parsed.ids, url


@pytest.mark.parametrize(
    "url",
    [*PAGES, reverse("insights-country", args=["us"]), reverse("insights-revival") + "?years=0"],
)
def test_no_insights_page_gives_two_elements_the_same_id(client, world, url):
    html = client.get(url).content.decode()

    ids = re.findall(r'\sid="([^"]+)"', html)
    assert ids
    assert [i for i in set(ids) if ids.count(i) > 1] == [], url
    # and every name or description an element points to is on the page
    refs = re.findall(r'aria-(?:labelledby|describedby)="([^"]+)"', html)
    assert {ref for names in refs for ref in names.split()} <= set(ids), url


def test_every_csv_link_on_the_pages_downloads_a_csv_with_a_header_row(client, world):
    links = {
        link
        for url in PAGES
        for figure in figures(client.get(url)).figures
        for link in figure["csv"]
    }

    assert len(links) >= 15
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith('attachment; filename="insights-')
        header = response.content.decode("utf-8").splitlines()[0]
        assert re.fullmatch(r"[a-z0-9_]+(,[a-zA-Z0-9_]+)*", header), (link, header)


def test_the_unknown_start_is_shown_as_its_own_bar_and_said_in_words(client, world):
    response = client.get(reverse("insights"))

    page = text(response)
    assert "The start year is known for 3 of 5 partnerships (60.0 %)" in page
    assert "the other 2 (40.0 %) are shown as “unknown”" in page
    decades = re.search(r'<svg[^>]*id="chart-decades".*?</svg>', response.content.decode(), re.S)
    assert 'class="chart-unknown"' in decades[0]
    assert ">1990–1999</text>" in decades[0]


def test_activities_over_time_say_how_many_partnerships_have_none(client, world):
    page = text(client.get(reverse("insights")))

    assert "1 activity is recorded for 1 of 5 partnerships" in page
    assert "for the other 4 (80.0 %) no activity is recorded" in page


def test_activities_over_time_count_several_activities_in_the_plural(client, world):
    visit = world["kranj-villach"]
    Activity.objects.create(partnership=visit, date=visit.last_activity, title="Again")
    DataStamp.touch()

    page = text(client.get(reverse("insights")))

    assert "2 activities are recorded for 1 of 5 partnerships" in page


def test_network_memberships_by_year_joined_show_the_unknown_and_say_it_is_not_twinning(
    client, world
):
    response = client.get(reverse("insights"))

    page = text(response)
    assert "Network memberships by year joined" in page
    assert "membership of a network, not twinning between two towns" in page
    assert (
        "The year joined is known for 4 of 6 memberships (66.7 %), in "
        "\u2068Covenant of Mayors\u2069 (4); the other 2 (33.3 %) are shown as “unknown”"
    ) in page
    assert re.search(r"2011 1 16\.7 % 2012 0 0\.0 % 2013 3 50\.0 % unknown 2 33\.3 %", page)
    chart = re.search(
        r'<svg[^>]*id="chart-membership-years".*?</svg>', response.content.decode(), re.S
    )
    assert 'class="chart-unknown"' in chart[0]
    assert ">2012</text>" in chart[0] and ">unknown</text>" in chart[0]
    # The partnerships' decades are still there, before it.
    assert page.index("Partnerships by decade of their start") < page.index(
        "Network memberships by year joined"
    )


def test_a_country_page_shows_its_towns_memberships_by_year_joined(client, world):
    slovenia = text(client.get(reverse("insights-country", args=["si"])))
    austria = text(client.get(reverse("insights-country", args=["at"])))
    germany = text(client.get(reverse("insights-country", args=["de"])))

    assert "The year joined is known for 2 of 4 memberships (50.0 %)" in slovenia
    assert re.search(r"2011 1 25\.0 % 2012 0 0\.0 % 2013 1 25\.0 % unknown 2 50\.0 %", slovenia)
    assert "The year joined is known for all 2 memberships, in" in austria
    assert "No membership of a network is recorded yet." in germany


def test_the_membership_csvs_list_every_year_and_the_unknown_as_an_empty_cell(client, world):
    everywhere = client.get(reverse("insights-csv", args=["membership-years"]))
    slovenia = client.get(reverse("insights-country-csv", args=["si", "membership-years"]))
    germany = client.get(reverse("insights-country-csv", args=["de", "membership-years"]))

    assert everywhere["Content-Disposition"] == (
        'attachment; filename="insights-membership-years.csv"'
    )
    assert everywhere.content.decode().splitlines() == [
        "year_joined,memberships,share_percent",
        "2011,1,16.7",
        "2012,0,0.0",
        "2013,3,50.0",
        ",2,33.3",
    ]
    assert [(r["year_joined"], r["memberships"]) for r in csv_rows(slovenia)] == [
        ("2011", "1"),
        ("2012", "0"),
        ("2013", "1"),
        ("", "2"),
    ]
    assert germany.content.decode() == "year_joined,memberships,share_percent\n"
    # The same columns in every language.
    assert client.get("/sl/insights/membership-years.csv").content == everywhere.content


def test_the_note_names_the_three_networks_with_most_years_and_counts_the_others(client, world):
    for i, (name, members) in enumerate([("Alps", 3), ("Danube", 2), ("Karst", 1), ("Sava", 1)]):
        network = make_network(name)
        for j in range(members):
            make_membership(network, make_municipality(f"Town {i}-{j}", "HR"), start_year=2020)
    boulder = world["boulder"]
    make_membership(make_network("Sister Cities International"), boulder)
    DataStamp.touch()

    page = text(client.get(reverse("insights")))
    united_states = text(client.get(reverse("insights-country", args=["us"])))

    assert (
        "in \u2068Covenant of Mayors\u2069 (4), \u2068Alps\u2069 (3), \u2068Danube\u2069 (2) "
        "and 2 other networks;"
    ) in page
    assert (
        "No list of members says when a town joined: 1 membership is shown as “unknown”."
    ) in united_states


@pytest.mark.parametrize(
    "name",
    [
        '<script>alert("x")</script>',
        "\u202eSrce Slovenije\u202c & <b>LAG</b>",
        "%(count)s %s {{ name }}",
        "L" * 300,
    ],
)
def test_hostile_network_names_are_escaped_in_the_note_and_the_chart(client, world, name):
    network = make_network(name, kind=Network.Kind.LOCAL_ACTION_GROUP)
    make_membership(network, world["bled"], start_year=2015)
    DataStamp.touch()

    for url in (reverse("insights"), reverse("insights-country", args=["si"])):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200
        assert "<script>alert" not in html and "<b>LAG" not in html
        # Named in the note, whole, and isolated so that it cannot reorder the sentence.
        assert f"\u2068{escape(name)}\u2069 (1)" in html
        chart = re.search(r'<svg[^>]*id="chart-membership-years".*?</svg>', html, re.S)
        assert "<script>" not in chart[0] and "<b>" not in chart[0]
        ET.fromstring(chart[0])  # still well-formed
        assert "2015 1" in text(response)


def test_an_empty_atlas_says_so_instead_of_failing(client, db):
    response = client.get(reverse("insights"))

    assert response.status_code == 200
    page = text(response)
    assert "No data to show yet." in page
    assert "No activity is recorded yet." in page
    assert "No membership of a network is recorded yet." in page
    for url in PAGES[2:]:
        assert client.get(url).status_code == 200


def test_the_overview_links_every_covered_country_and_the_sub_pages(client, world):
    response = client.get(reverse("insights"))

    html = response.content.decode()
    for code in ("si", "at", "de"):
        assert f'href="{reverse("insights-country", args=[code])}"' in html
    for name in ("insights-network", "insights-revival", "insights-coverage", "about-data"):
        assert f'href="{reverse(name)}"' in html


def test_the_main_navigation_links_the_insights(client, world):
    html = client.get(reverse("home")).content.decode()

    assert f'<a href="{reverse("insights")}">Insights</a>' in html


# --- A country -----------------------------------------------------------------------


def test_a_country_page_shows_partner_countries_regions_towns_and_sources(client, world):
    response = client.get(reverse("insights-country", args=["si"]))

    assert response.status_code == 200
    page = text(response)
    assert "Insights: Slovenia" in page
    assert "2 / 3 municipalities with a partner" in page
    assert re.search(r"Austria 2 50\.0 %", page)
    assert re.search(r"SI041 Osrednjeslovenska 1 1 100\.0 % 3", page)
    assert re.search(r"SI042 Gorenjska 2 1 50\.0 % 3", page)
    assert re.search(r"1 Kamnik SI 3", page)
    assert "Wikipedia lists" in page and "CC BY-SA 4.0" in page
    assert "Občina Kamnik" in page
    assert "2 active partnerships of this country have no recorded activity for 5 years" in page
    assert f'href="{reverse("about-data")}"' in response.content.decode()


def test_a_country_known_only_from_partner_places_says_why_it_has_no_shares(client, world):
    response = client.get(reverse("insights-country", args=["us"]))

    assert response.status_code == 200
    page = text(response)
    assert "does not hold every municipality of United States" in page
    assert "municipalities with a partner" not in page
    assert 'id="regions"' not in response.content.decode()


@pytest.mark.parametrize("code", ["xx", "svn", "s", "1a", "<script>", "%00", "šk"])
def test_unknown_or_malformed_country_codes_are_not_found(client, world, code):
    response = client.get(f"/en/insights/{code}/")

    assert response.status_code == 404


def test_an_upper_case_country_code_redirects_to_the_lower_case_page(client, world):
    response = client.get("/en/insights/SI/")

    assert response.status_code == 301
    assert response["Location"] == reverse("insights-country", args=["si"])


def test_country_csvs_hold_that_country_only(client, world):
    partners = csv_rows(
        client.get(reverse("insights-country-csv", args=["si", "partner-countries"]))
    )
    regions = csv_rows(client.get(reverse("insights-country-csv", args=["si", "regions"])))

    assert [(row["country"], row["partnerships"]) for row in partners] == [
        ("AT", "2"),
        ("DE", "1"),
        ("US", "1"),
    ]
    assert partners[0]["share_percent"] == "50.0"
    assert [row["nuts3"] for row in regions] == ["SI041", "SI042"]
    assert regions[1]["share_with_partner_percent"] == "50.0"
    assert client.get("/en/insights/si/nothing.csv").status_code == 404
    assert client.get("/en/insights/SI/regions.csv").status_code == 404
    assert client.get("/en/insights/xx/regions.csv").status_code == 404


# --- Network, coverage -----------------------------------------------------------------


def test_the_network_page_names_towns_groups_triads_and_bridges(client, world):
    page = text(client.get(reverse("insights-network")))

    assert re.search(r"1 Kamnik SI 3 2 Kranj SI 3", page)
    assert re.search(r"Towns with at least one partner 6 Pairs of partner towns 5", page)
    assert "0 are closed" in page
    assert "Bridges between countries" in page


def test_the_network_csvs_list_every_town_and_the_brokers(client, world):
    towns = csv_rows(client.get(reverse("insights-csv", args=["towns"])))
    brokers = csv_rows(client.get(reverse("insights-csv", args=["brokers"])))

    assert len(towns) == 6
    assert towns[0] == {"rank": "1", "municipality": "Kamnik", "country": "SI", "partners": "3"}
    assert {row["municipality"]: row["partner_countries"] for row in brokers}["Kranj"] == "2"


def test_the_coverage_page_lists_sources_with_licences_and_freshness(client, world):
    page = text(client.get(reverse("insights-coverage")))

    assert "Wikipedia lists CC BY-SA 4.0" in page
    assert re.search(r"Slovenia 3 66\.7 % 100\.0 % 100\.0 % 5 60\.0 % 20\.0 %", page)
    assert "Latest recorded activity" in page


def test_the_coverage_csv_lists_source_keys_and_dates_in_iso_form(client, world):
    rows = {row["country"]: row for row in csv_rows(client.get("/en/insights/coverage.csv"))}

    assert rows["SI"]["sources"] == "kamnik-doc|test-source|wikipedia"
    assert rows["AT"]["latest_activity"] == str(world["kranj-villach"].last_activity)
    assert rows["DE"]["latest_activity"] == ""
    assert rows["SI"]["start_known_percent"] == "60.0"


# --- The revival list ------------------------------------------------------------------


def test_the_revival_list_links_each_silent_partnership(client, world):
    response = client.get(reverse("insights-revival"))

    assert response.status_code == 200
    html = response.content.decode()
    page = text(response)
    assert "2 active partnerships without a recorded activity for 5 years or more" in page
    assert f'href="{reverse("partnership", args=[world["kamnik-trofaiach"].pk])}"' in html
    assert "Kranj – Villach" not in page
    assert page.index("Kamnik – Trofaiach") < page.index("Kamnik – Andechs")  # older first


def test_the_revival_list_takes_the_number_of_years_and_a_country(client, world):
    silent_a_year = client.get(reverse("insights-revival"), {"years": 1})
    germany = client.get(reverse("insights-revival"), {"country": "DE"})

    assert "Kranj – Villach" in text(silent_a_year)
    assert "Kamnik – Andechs" in text(germany)
    assert "Kamnik – Trofaiach" not in text(germany)
    assert "— Germany" in text(germany)


@pytest.mark.parametrize(
    ("language", "years", "words"),
    [
        ("en", 1, "for 1 year or more"),
        ("sl", 3, "že 3 leta ali več"),
        ("sl", 5, "že 5 let ali več"),
        ("cs", 1, "po dobu 1 roku nebo déle"),
        ("de", 1, "seit 1 Jahr oder länger"),
    ],
)
def test_the_revival_list_says_the_years_in_the_right_form(client, world, language, years, words):
    response = client.get(f"/{language}/insights/revival/", {"years": years})
    assert words in text(response)


def test_the_revival_list_is_paginated(client, world):
    grow(world, 60)

    first = client.get(reverse("insights-revival"))
    second = client.get(reverse("insights-revival"), {"page": 2})

    assert "Page 1 of 2" in text(first)
    assert "Page 2 of 2" in text(second)
    assert text(first).count(" – ") > text(second).count(" – ")


@pytest.mark.parametrize(
    "years",
    ["<script>alert(1)</script>", "\x00", "9" * 5000, "\u202e5", "-3", "0", "101", "2.5"],
)
def test_a_bad_number_of_years_is_a_clear_error_not_a_failure(client, world, years):
    response = client.get(reverse("insights-revival"), {"years": years})

    assert response.status_code == 400
    page = text(response)
    assert re.search(
        r"Enter (the number of years as a whole number|at least 1 year|at most 100)", page
    )
    assert "<script>alert" not in response.content.decode()
    assert "Kamnik – Trofaiach" not in page


@pytest.mark.parametrize("country", ["XX", "<script>", "\u202eSI", "S" * 3000, "si\x00"])
def test_a_bad_country_is_a_clear_error(client, world, country):
    response = client.get(reverse("insights-revival"), {"country": country})

    assert response.status_code == 400
    assert "Choose a country from the list." in text(response)


def test_the_revival_csv_follows_the_parameters_and_refuses_bad_ones(client, world):
    rows = csv_rows(client.get(reverse("insights-revival-csv"), {"years": 5}))
    bad = client.get(reverse("insights-revival-csv"), {"years": "many"})

    assert [(row["municipality_a"], row["municipality_b"]) for row in rows] == [
        ("Kamnik", "Trofaiach"),
        ("Kamnik", "Andechs"),
    ]
    assert rows[0]["partnership_id"] == str(world["kamnik-trofaiach"].pk)
    assert rows[0]["last_activity"] == ""
    assert bad.status_code == 400
    assert "years" in bad.json()["fields"]


def test_a_recent_activity_takes_a_partnership_off_the_revival_list(client, world):
    partnership = world["kamnik-trofaiach"]
    Activity.objects.create(
        partnership=partnership,
        date=world["kranj-villach"].last_activity,
        title="Choir",
        kind="event",
    )
    partnership.update_last_activity()
    DataStamp.touch()

    assert "Kamnik – Trofaiach" not in text(client.get(reverse("insights-revival")))


# --- CSV, language, caching ------------------------------------------------------------


def test_the_countries_csv_is_utf8_with_stable_columns(client, world):
    response = client.get("/sl/insights/countries.csv")

    rows = csv_rows(response)
    assert list(rows[0]) == [
        "country",
        "country_name",
        "municipalities",
        "municipalities_with_partner",
        "share_with_partner_percent",
        "partnerships",
        "international_partnerships",
        "population",
        "partnerships_per_100k",
        "top_partner_country",
        "top_partner_country_partnerships",
    ]
    slovenia = next(row for row in rows if row["country"] == "SI")
    assert slovenia["country_name"] == "Slovenija"
    assert slovenia["top_partner_country"] == "Avstrija"
    assert slovenia["share_with_partner_percent"] == "66.7"
    assert slovenia["partnerships_per_100k"] == "5.32"


def test_an_unknown_csv_is_not_found(client, world):
    for name in ("nothing", "<script>", "countries.json"):
        assert client.get(f"/en/insights/{name}.csv").status_code == 404


def test_a_csv_is_not_sent_again_while_the_data_is_unchanged(client, world):
    first = client.get(reverse("insights-csv", args=["countries"]))

    again = client.get(
        reverse("insights-csv", args=["countries"]), HTTP_IF_NONE_MATCH=first["ETag"]
    )
    DataStamp.touch()
    changed = client.get(
        reverse("insights-csv", args=["countries"]), HTTP_IF_NONE_MATCH=first["ETag"]
    )

    assert again.status_code == 304
    assert changed.status_code == 200


def test_the_pages_are_translated(client, world):
    for url in PAGES:
        sl_url = url.replace("/en/", "/sl/", 1)
        response = client.get(sl_url)
        assert response.status_code == 200, sl_url
        assert '<html lang="sl">' in response.content.decode()
    page = text(client.get("/sl/insights/"))
    assert "Slovenija" in page and "Avstrija" in page
    assert "66,7 %" in page  # Slovenian decimal comma


# --- Queries -----------------------------------------------------------------------------


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        *PAGES,
        "/en/insights/countries.csv",
        "/en/insights/towns.csv",
        "/en/insights/si/regions.csv",
        "/en/insights/membership-years.csv",
        "/en/insights/si/membership-years.csv",
        "/en/insights/revival.csv",
        "/en/insights/revival-countries.csv",
    ],
)
def test_the_pages_cost_as_many_queries_with_many_rows_as_with_few(client, world, url):
    DataStamp.touch()
    few = count_queries(client, url)  # computes the figures
    cached = count_queries(client, url)
    grow(world, 40)
    many = count_queries(client, url)

    assert few == many
    assert few <= 25
    assert cached <= 6
