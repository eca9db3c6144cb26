"""The benchmark's own logic: which queries it sends and how it reports (`make bench`
runs the measurements themselves on the full dataset)."""

from atlas.bench import Figure, Run, report_markdown, search_queries
from conftest import make_municipality


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
