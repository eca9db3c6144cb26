"""The benchmark's own logic: which queries and pages it sends and how it reports (`make
bench` runs the measurements themselves on the full dataset)."""

import json
from dataclasses import asdict
from http.server import BaseHTTPRequestHandler

from bench.benchmark import (
    API_URLS,
    Figure,
    LoadRow,
    LoadRun,
    Run,
    api_check,
    load_markdown,
    load_targets,
    read_run,
    report_markdown,
    search_queries,
)
from bench.conftest import local_http_server
from conftest import make_municipality, make_partnership


def test_the_report_shows_each_figure_per_database_with_its_ratio_and_target():
    machine = {
        "date": "2026-11-21",
        "cpu": "Test CPU, 2 cores",
        "memory": "24 GiB",
        "os": "Linux",
        "python": "3.11.7",
        "database": "SQLite 3.40",
        "browser": "Chromium 156",
    }
    sqlite = Run("SQLite", machine, [Figure("Search", "p95", 12.0, "ms", 4.0, "a file", 30)])
    postgres = Run(
        "PostgreSQL",
        {**machine, "database": "PostgreSQL 15.18"},
        [Figure("Search", "p95", 45.0, "ms", 5.0, "a file", 30)],
    )

    markdown = report_markdown([sqlite, postgres])

    assert "| Search: p95 | ms | ≤ 30 | 12.0 (×3.0) ✓ | 45.0 (×9.0) ✗ | a file: 4.0 / 5.0 |" in (
        markdown
    )
    assert "- PostgreSQL: PostgreSQL 15.18" in markdown
    assert "Test CPU, 2 cores" in markdown


def test_the_search_queries_cover_every_kind_of_typing(db):
    for name in ("Škofja Loka", "Kamnik", "Trofaiach", "Nová Ves nad Žitavou"):
        make_municipality(name)

    queries = search_queries()

    assert set(queries) == {"prefix", "accent-free", "exonym", "typo", "word order"}
    assert "skofja loka" in queries["accent-free"]
    assert queries["word order"][0] in {"Loka Škofja", "Žitavou nad Ves Nová"}
    assert all(query for kind in queries.values() for query in kind)


def test_percentile_figures_carry_their_reference_and_the_target_only_at_p95():
    run = Run("SQLite", {})

    run.add_percentiles(
        "Search", "p{q} (2 queries)", [10.0, 20.0], [1.0, 2.0], "a file", (50, 95), 30
    )

    assert [(f.name, f.value, f.reference, f.target) for f in run.figures] == [
        ("p50 (2 queries)", 15.0, 1.5, None),
        ("p95 (2 queries)", 19.5, 1.95, 30),
    ]


def load_run(errors: dict[str, int] | None = None) -> Run:
    def row(group, requests, rps, errors=None):
        return LoadRow(group, requests, errors or {}, rps, 400.0, 900.0, 1500.0, 2100.0)

    setting = {"connections": 50, "duration": 30, "timeout": 10, "peak_in_flight": 50}
    setting |= {"cpu_count": 2}
    pages = LoadRun(
        "pages",
        seconds=31.2,
        cpu_percent=6.0,
        load_average=3.5,
        rows=[
            row("home", 600, 20.0),
            row("search", 600, 20.0, errors),
            row("all together", 1200, 40.0, errors),
        ],
        **setting,
    )
    static = LoadRun(
        "static file",
        seconds=30.1,
        cpu_percent=35.0,
        load_average=1.5,
        rows=[row("static file", 36000, 1200.0)],
        **setting,
    )
    run = Run("PostgreSQL", {}, load=[pages, static])
    run.notes.append("The API was left out of the load run: GET /api/v1/x answered 404, not 200.")
    return run


def test_the_load_table_shows_each_group_with_its_errors_and_the_static_reference():
    markdown = "\n".join(load_markdown([Run("SQLite", {}), load_run({"HTTP 500": 2})]))

    assert "On PostgreSQL: 50 connections for 30 s from a separate process" in markdown
    assert "| PostgreSQL | home | 600 | 0 ✓ | 20.0 | 400.0 | 900.0 | 1,500.0 | 2,100.0 |" in (
        markdown
    )
    assert "| PostgreSQL | search | 600 | 2 (HTTP 500: 2) ✗ | 20.0 |" in markdown
    assert "| PostgreSQL | static file (reference) | 36,000 | 0 ✓ | 1,200.0 |" in markdown
    assert "- PostgreSQL: The API was left out of the load run" in markdown
    # The static file is the ceiling: far above the pages, so the generator is not the limit.
    assert "50 of 50 requests in flight" in markdown
    assert "1,200 requests/s, ×30.0 the pages' 40: the generator is not what limits" in markdown
    assert "load average was 3.5 before the pages and 1.5 before the static file, on 2 cores." in (
        markdown
    )


def test_runs_without_a_load_test_leave_the_load_section_out():
    machine = {"date": "2026-11-21", "cpu": "x", "memory": "x", "os": "x", "python": "3.11"}
    machine |= {"database": "SQLite 3.40", "browser": "Chromium"}

    markdown = report_markdown([Run("SQLite", machine)])

    assert "## Under load" not in markdown
    assert "## Machine" in markdown


def test_a_run_with_its_load_test_reads_back_from_its_json_file(tmp_path):
    run = load_run({"timeout": 1})
    run.figures.append(Figure("Search", "p95", 12.0, "ms"))
    path = tmp_path / "run.json"
    path.write_text(json.dumps(asdict(run)), encoding="utf-8")

    assert read_run(path) == run


def test_the_load_mix_is_built_from_real_towns_and_names(db):
    kamnik = make_municipality("Kamnik", slug="kamnik")
    trofaiach = make_municipality("Trofaiach", country="AT", slug="trofaiach")
    make_partnership(kamnik, trofaiach)
    make_municipality("Škofja Loka", slug="skofja-loka")

    groups = load_targets()

    assert set(groups) == {"home", "municipality", "map data", "search", "API"}
    assert sorted(groups["municipality"]) == [
        "/en/municipalities/kamnik/",
        "/en/municipalities/skofja-loka/",
        "/en/municipalities/trofaiach/",
    ]
    # The twinned towns come first: half the sample is drawn from them.
    assert set(groups["municipality"][:2]) == {
        "/en/municipalities/kamnik/",
        "/en/municipalities/trofaiach/",
    }
    assert "/en/search/?q=%C5%A0kofja%20Loka" in groups["search"]
    assert groups["API"] == list(API_URLS)


def test_the_api_is_left_out_of_the_load_with_a_note_when_it_does_not_answer():
    with http_server(404) as port:
        note = api_check(port)
    with http_server(200) as port:
        assert api_check(port) is None

    assert note == (
        f"The API was left out of the load run: GET {API_URLS[0]} answered 404, not 200."
    )


def http_server(status: int):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    return local_http_server(Handler)
