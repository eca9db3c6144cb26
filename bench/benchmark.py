"""`make bench`: how fast the site answers on the full dataset, next to a reference.

    python -m bench.benchmark measure --label SQLite --out .tmp/bench/sqlite.json
    python -m bench.benchmark measure --label PostgreSQL --load --out .tmp/bench/postgresql.json
    python -m bench.benchmark report .tmp/bench/*.json --write docs/benchmarks.md

`measure` loads the real dataset into the database the settings point at, serves the site
with gunicorn on 127.0.0.1 (DEBUG off, static files collected) and measures it through HTTP
and in headless Chromium. Each figure comes with a reference measured in the same run, so
the gap to the limit reads as a ratio: the same bytes served as a static file by the same
server, or the simplest query on the same table. With `--load` it then puts the site under
load from a separate process (`bench.loadgen`): 50 connections for 30 s on a mix of real
pages, then as long on a small static file, the ceiling of that server. `report` turns one
JSON file per database into tables, prints them and writes them as Markdown.

This is a benchmark, not a test: nothing here fails the build, it reports what it sees.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import http.client
import json
import os
import platform
import random
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote

from bench.browser import CHROMIUM_ARGS, chromium_path
from bench.loadgen import percentile

BASE_DIR = Path(__file__).resolve().parent.parent
MAP_DATA = "/map/data/places.json"
MAP_PAGE = "/en/map/"
SUGGEST = "/en/search/suggest/?q="
SEARCH_PAGE = "/en/search/?q="
MUNICIPALITY_PAGE = "/en/municipalities/{slug}/"
SUGGESTED_PARTNERS = "/en/municipalities/{slug}/partners/suggested/"
# A small static file: the floor of what any request through this server costs.
SMALL_STATIC = "/static/img/favicon.svg"
STATIC_COPY = "bench/places.json"

WARM_RUNS = 100
COLD_RUNS = 10
BROWSER_RUNS = 5
QUERIES_PER_KIND = 50
MATCHMAKING_TOWNS = 100

# Under load: a mix of real pages from many visitors at once (see measure_load).
LOAD_CONNECTIONS = 50
LOAD_SECONDS = 30
LOAD_TIMEOUT = 10
LOAD_TOWNS = 200
LOAD_SEARCHES = 100
HOME_PAGE = "/en/"
API_URLS = ("/api/v1/municipalities/?country=SI", "/api/v1/partnerships/?limit=50")


@dataclass
class Figure:
    group: str
    name: str
    value: float
    unit: str
    reference: float | None = None
    reference_name: str = ""
    target: float | None = None

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.value <= self.target


@dataclass
class LoadRow:
    """What one URL group got in a load run (latencies in ms, None without any answer)."""

    group: str
    requests: int
    errors: dict[str, int]
    requests_per_second: float
    p50_ms: float | None
    p90_ms: float | None
    p99_ms: float | None
    max_ms: float | None

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


@dataclass
class LoadRun:
    """One run of the load generator: its setting, how busy it was, and each group."""

    name: str
    connections: int
    duration: float
    seconds: float
    timeout: float
    peak_in_flight: int
    cpu_percent: float
    load_average: float | None
    cpu_count: int | None
    rows: list[LoadRow]

    @property
    def total(self) -> LoadRow:
        return self.rows[-1]


@dataclass
class Run:
    label: str
    machine: dict[str, str]
    figures: list[Figure] = field(default_factory=list)
    load: list[LoadRun] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *args, **kwargs) -> None:
        figure = Figure(*args, **kwargs)
        self.figures.append(figure)
        print(f"  {figure.group:<12} {figure.name:<44} {format_value(figure)}", flush=True)

    def add_percentiles(
        self,
        group: str,
        name: str,
        samples: list[float],
        reference: list[float],
        reference_name: str,
        quantiles: tuple[int, ...] = (50, 95, 99),
        target_p95: float | None = None,
    ) -> None:
        """One figure per quantile of `samples` (ms), each beside the same quantile of
        `reference`; the target applies to p95."""
        for q in quantiles:
            self.add(
                group,
                name.format(q=q),
                percentile(samples, q),
                "ms",
                reference=percentile(reference, q),
                reference_name=reference_name,
                target=target_p95 if q == 95 else None,
            )


def format_value(figure: Figure) -> str:
    text = f"{figure.value:,.1f} {figure.unit}"
    if figure.reference:
        text += f" (×{figure.value / figure.reference:.1f} of {figure.reference:,.1f})"
    return text


# --- HTTP ------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str]
    seconds: float


def fetch(port: int, path: str, headers: dict[str, str] | None = None) -> Response:
    """One GET on a new connection (gunicorn's sync workers close after each response)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    seconds = time.perf_counter() - started
    return Response(
        response.status, body, {k.lower(): v for k, v in response.headers.items()}, seconds
    )


def timed(port: int, path: str, runs: int, headers: dict[str, str] | None = None) -> list[float]:
    """Milliseconds of `runs` requests; any answer but 200 stops the benchmark."""
    samples = []
    for _ in range(runs):
        response = fetch(port, path, headers)
        if response.status != 200:
            raise SystemExit(f"GET {path} answered {response.status}: {response.body[:300]!r}")
        samples.append(response.seconds * 1000)
    return samples


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(env: dict[str, str]) -> Iterator[int]:
    """gunicorn with 2 workers on a free port of 127.0.0.1, stopped on exit."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "atlas.wsgi", "--workers", "2"]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=BASE_DIR, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                fetch(port, SMALL_STATIC)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- What is measured --------------------------------------------------------------------


def describe_machine() -> dict[str, str]:
    from django.db import connection

    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024**2:.0f} GiB"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            database = f"SQLite {cursor.fetchone()[0]}"
    return {
        "date": time.strftime("%Y-%m-%d"),
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "memory": memory,
        "os": platform.platform(terse=True),
        "python": platform.python_version(),
        "database": database,
        "browser": chromium_version(),
    }


def chromium_version() -> str:
    try:
        output = subprocess.run(
            [chromium_path() or "chromium", "--version"], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return output.strip().split(" built on")[0]


def search_queries(seed: int = 2026) -> dict[str, list[str]]:
    """Queries as people type them, drawn from the data: prefixes, names without accents,
    other names (exonyms), names with one typo, and names with their words swapped."""
    from atlas.directory.models import Municipality, MunicipalityName
    from atlas.lib.matching import search_key

    rng = random.Random(seed)
    names = sorted(
        Municipality.objects.filter(latitude__isnull=False).values_list("name", flat=True)
    )
    other = sorted(MunicipalityName.objects.values_list("name", flat=True))
    # Latin names with accents, typed without them (search_key transliterates the rest).
    accented = [name for name in names if search_key(name) not in ("", name.lower())]
    long_names = [name for name in names if len(name) >= 6 and " " not in name]
    several_words = [name for name in names if len(name.split()) >= 2]

    def typo(name: str) -> str:
        word = list(name.lower())
        at = rng.randrange(1, len(word) - 1)
        edit = rng.choice(("drop", "swap", "change"))
        if edit == "drop":
            del word[at]
        elif edit == "swap":
            word[at], word[at + 1] = word[at + 1], word[at]
        else:
            word[at] = rng.choice("aeiounrst")
        return "".join(word)

    def sample(items: list[str]) -> list[str]:
        return rng.sample(items, min(QUERIES_PER_KIND, len(items)))

    return {
        "prefix": [name[: rng.randint(3, 6)].lower() for name in sample(names)],
        "accent-free": [search_key(name) for name in sample(accented)],
        "exonym": sample(other),
        "typo": [typo(name) for name in sample(long_names)],
        "word order": [" ".join(reversed(name.split())) for name in sample(several_words)],
    }


def simplest_query_ms(runs: int = 200) -> list[float]:
    """The cost of the simplest query on the table search reads: one row by primary key."""
    from atlas.directory.models import Municipality

    ids = list(Municipality.objects.values_list("pk", flat=True)[:runs])
    samples = []
    for pk in ids:
        started = time.perf_counter()
        Municipality.objects.filter(pk=pk).values_list("name", flat=True).first()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def load_dataset_seconds() -> float:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    started = time.perf_counter()
    call_command("load_dataset", verbosity=0)
    return time.perf_counter() - started


def measure_map_data(run: Run, port: int) -> None:
    from atlas.directory.models import DataStamp

    plain = fetch(port, MAP_DATA)
    gzipped = fetch(port, MAP_DATA, {"Accept-Encoding": "gzip"})
    if plain.status != 200 or gzipped.status != 200:
        raise SystemExit(f"{MAP_DATA} answered {plain.status}/{gzipped.status}")
    if gzipped.headers.get("content-encoding") != "gzip":
        raise SystemExit(f"{MAP_DATA} does not answer gzip")
    run.add("Map data", "full view, bytes raw", len(plain.body) / 1024, "KiB")
    run.add("Map data", "full view, bytes gzip", len(gzipped.body) / 1024, "KiB", target=1536)

    # The reference: the same bytes as a static file of the same server (WhiteNoise).
    static_path = "/static/" + STATIC_COPY
    static_ms = timed(port, static_path, WARM_RUNS, {"Accept-Encoding": "gzip"})
    warm_ms = timed(port, MAP_DATA, WARM_RUNS, {"Accept-Encoding": "gzip"})
    reference = "same bytes as a static file"
    run.add_percentiles(
        "Map data",
        "warm request p{q}",
        warm_ms,
        static_ms,
        reference,
        quantiles=(50, 95),
        target_p95=50,
    )
    # A browser that has the data already asks again with its ETag and gets a 304.
    etag = gzipped.headers.get("etag", "")
    revalidate = fetch(port, MAP_DATA, {"If-None-Match": etag, "Accept-Encoding": "gzip"})
    if revalidate.status != 304:
        raise SystemExit(f"{MAP_DATA} answered {revalidate.status} to its own ETag, not 304")
    not_modified_ms = [
        fetch(port, MAP_DATA, {"If-None-Match": etag, "Accept-Encoding": "gzip"}).seconds * 1000
        for _ in range(WARM_RUNS)
    ]
    run.add("Map data", "revalidation (304) p50", percentile(not_modified_ms, 50), "ms")
    cold_ms = []
    for _ in range(COLD_RUNS):
        # A new data stamp empties every cache keyed on it: the next answer is built anew.
        DataStamp.touch()
        cold_ms += timed(port, MAP_DATA, 1, {"Accept-Encoding": "gzip"})
    run.add_percentiles(
        "Map data", "cold request p{q}", cold_ms, static_ms, reference, quantiles=(50, 95)
    )


def measure_search(run: Run, port: int) -> None:
    queries = search_queries()
    everything = [query for kind in queries.values() for query in kind]
    floor_ms = timed(port, SMALL_STATIC, WARM_RUNS)
    # Each worker builds its search index on its first search (about a second); warm both
    # before measuring with concurrent requests, so that each worker gets some.
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: fetch(port, SUGGEST + "warm"), range(16)))
    suggest_ms = []
    page_ms = []
    for query in everything:
        suggest_ms += timed(port, SUGGEST + quote(query), 1)
    for query in everything:
        page_ms += timed(port, SEARCH_PAGE + quote(query), 1)
    query_ms = simplest_query_ms()
    count = f"{len(everything)} queries"
    run.add_percentiles(
        "Search",
        f"autocomplete p{{q}} ({count})",
        suggest_ms,
        floor_ms,
        "a small static file",
        target_p95=30,
    )
    run.add_percentiles(
        "Search",
        f"results page p{{q}} ({count})",
        page_ms,
        floor_ms,
        "a small static file",
        target_p95=30,
    )
    run.add(
        "Search",
        "simplest query on the table, p50 (in process)",
        percentile(query_ms, 50),
        "ms",
    )
    for kind, items in queries.items():
        kind_ms = [suggest_ms[everything.index(query)] for query in items]
        run.add("Search", f"autocomplete p95, {kind} only", percentile(kind_ms, 95), "ms")


def matchmaking_towns(seed: int = 2026) -> list[str]:
    """Slugs of municipalities drawn with a fixed seed: the towns whose suggestions are
    measured."""
    from atlas.directory.models import Municipality

    slugs = sorted(
        Municipality.objects.filter(
            kind=Municipality.Kind.MUNICIPALITY, latitude__isnull=False
        ).values_list("slug", flat=True)
    )
    return random.Random(seed).sample(slugs, min(MATCHMAKING_TOWNS, len(slugs)))


def measure_matchmaking(run: Run, port: int) -> None:
    towns = matchmaking_towns()
    # Each worker builds its matchmaking snapshot on first use (about a second): warm both.
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda slug: fetch(port, SUGGESTED_PARTNERS.format(slug=slug)), towns[:8]))
    suggest_ms = []
    page_ms = []
    for slug in towns:
        suggest_ms += timed(port, SUGGESTED_PARTNERS.format(slug=slug), 1)
    for slug in towns:
        page_ms += timed(port, MUNICIPALITY_PAGE.format(slug=slug), 1)
    run.add_percentiles(
        "Matchmaking",
        f"suggested partners p{{q}} ({len(towns)} towns)",
        suggest_ms,
        page_ms,
        "the municipality page of the same towns",
        target_p95=150,
    )


def measure_browser(run: Run, port: int) -> None:
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{port}"
    map_ms, page_ms = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for _ in range(BROWSER_RUNS):
            # A new context each time: an empty browser cache, as for a first visit.
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            started = time.perf_counter()
            page.goto(base + MAP_PAGE)
            page.wait_for_selector(MAP_DRAWN, timeout=60_000)
            map_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            page.goto(base + "/en/about/data/", wait_until="load")
            page_ms.append((time.perf_counter() - started) * 1000)
            context.close()
        browser.close()
    run.add(
        "Browser",
        "map page to all points drawn, p50",
        percentile(map_ms, 50),
        "ms",
        reference=percentile(page_ms, 50),
        reference_name="a text page to its load event",
        target=2500,
    )
    run.add("Browser", "map page to all points drawn, worst", max(map_ms), "ms")


# The map element says when it has drawn every point it was sent (see static/js/map.js).
# A selector, not a wait_for_function predicate: the site's Content-Security-Policy forbids
# the eval that a string predicate needs.
MAP_DRAWN = "atlas-map[data-state=ready]"


def load_targets(seed: int = 2026) -> dict[str, list[str]]:
    """The pages of the mixed load run, from the data: the home page; municipality pages,
    half of towns with partnerships (the ones people look up) and half of any; the map data;
    search results for real names; and the API (see `api_check`)."""
    from django.db.models import Q

    from atlas.directory.models import Municipality

    rng = random.Random(seed)
    everyone = sorted(Municipality.objects.values_list("slug", flat=True))
    twinned = sorted(
        Municipality.objects.filter(
            Q(partnerships_as_a__isnull=False) | Q(partnerships_as_b__isnull=False)
        )
        .distinct()
        .values_list("slug", flat=True)
    )
    half = LOAD_TOWNS // 2
    towns = rng.sample(twinned, min(half, len(twinned)))
    rest = sorted(set(everyone) - set(towns))
    towns += rng.sample(rest, min(LOAD_TOWNS - len(towns), len(rest)))
    names = sorted(set(Municipality.objects.values_list("name", flat=True)))
    searched = rng.sample(names, min(LOAD_SEARCHES, len(names)))
    return {
        "home": [HOME_PAGE],
        "municipality": [MUNICIPALITY_PAGE.format(slug=slug) for slug in towns],
        "map data": [MAP_DATA],
        "search": [SEARCH_PAGE + quote(name) for name in searched],
        "API": list(API_URLS),
    }


def api_check(port: int) -> str | None:
    """Why the API cannot be part of the load run, or None when each URL answers 200."""
    for path in API_URLS:
        response = fetch(port, path)
        if response.status != 200:
            return (
                f"The API was left out of the load run: GET {path} answered "
                f"{response.status}, not 200."
            )
    return None


def run_loadgen(port: int, name: str, groups: dict[str, list[str]], workdir: Path) -> LoadRun:
    """The load generator as a process of its own, so it shares no interpreter lock."""
    slug = name.replace(" ", "-")
    targets, out = workdir / f"{slug}-targets.json", workdir / f"{slug}-result.json"
    targets.write_text(json.dumps(groups), encoding="utf-8")
    command = [sys.executable, "-m", "bench.loadgen", str(targets), "--port", str(port)]
    command += ["--connections", str(LOAD_CONNECTIONS), "--seconds", str(LOAD_SECONDS)]
    command += ["--timeout", str(LOAD_TIMEOUT), "--out", str(out)]
    subprocess.run(command, cwd=BASE_DIR, check=True)
    result = json.loads(out.read_text(encoding="utf-8"))
    rows = [LoadRow(group, **figures) for group, figures in result["groups"].items()]
    if len(rows) > 1:
        rows.append(LoadRow("all together", **result["total"]))
    settings = {key: value for key, value in result.items() if key not in ("groups", "total")}
    del settings["connections_opened"]
    return LoadRun(name=name, rows=rows, **settings)


def measure_load(run: Run, port: int, workdir: Path) -> None:
    groups = load_targets()
    note = api_check(port)
    if note:
        del groups["API"]
        run.notes.append(note)
        print(f"  NOTE: {note}", flush=True)
    # Warm both workers on each group first (caches built after the data stamp changed, the
    # search index): a load test measures the site in use, not its start.
    warm = [paths[0] for paths in groups.values() for _ in range(4)]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda path: fetch(port, path, {"Accept-Encoding": "gzip"}), warm))
    for name, targets in (("pages", groups), ("static file", {"static file": [SMALL_STATIC]})):
        load = run_loadgen(port, name, targets, workdir)
        run.load.append(load)
        print(
            f"  Load, {name}: {load.connections} connections for {load.duration:.0f} s, "
            f"{load.peak_in_flight} in flight at the peak, generator at "
            f"{load.cpu_percent:.0f}% of a core",
            flush=True,
        )
        for row in load.rows:
            print(f"    {row.group:<16} {format_load_row(row)}", flush=True)


def format_load_row(row: LoadRow) -> str:
    def ms(value: float | None) -> str:
        return "–" if value is None else f"{value:,.1f}"

    return (
        f"{row.requests:>7,} requests, {format_errors(row)} errors, "
        f"{row.requests_per_second:,.1f}/s, p50 {ms(row.p50_ms)} p90 {ms(row.p90_ms)} "
        f"p99 {ms(row.p99_ms)} max {ms(row.max_ms)} ms"
    )


def format_errors(row: LoadRow) -> str:
    """The error count and, when there are any, their kinds.

    >>> format_errors(LoadRow("home", 10, {"HTTP 500": 2, "timeout": 1}, 1.0, *[1.0] * 4))
    '3 (HTTP 500: 2, timeout: 1)'
    """
    kinds = ", ".join(f"{kind}: {count:,}" for kind, count in sorted(row.errors.items()))
    return f"{row.error_count:,}" + (f" ({kinds})" if kinds else "")


def measure(label: str, out: Path, load: bool = False) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atlas.settings")
    django.setup()
    from django.test import Client

    run = Run(label=label, machine=describe_machine())
    print(f"==> {label}: {run.machine['database']}", flush=True)
    run.add("Load", "load_dataset into an empty database", load_dataset_seconds(), "s")

    with tempfile.TemporaryDirectory(prefix="atlas-bench-") as temp:
        static_root = Path(temp) / "static"
        env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": "bench-" + os.urandom(16).hex(),
            "SECURE_SSL_REDIRECT": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "STATIC_ROOT": str(static_root),
            # Every request comes from 127.0.0.1: the API's per-client limit would answer
            # the load test with 429s, which measures the limit, not the site.
            "API_RATE_LIMIT": "0",
        }
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=BASE_DIR,
            env=env,
            check=True,
        )
        # The reference file: the map data's own bytes, plain and gzipped, as WhiteNoise
        # serves them (it must find them when it starts, so they are written first).
        body = Client().get(MAP_DATA).content
        copy = static_root / STATIC_COPY
        copy.parent.mkdir(parents=True)
        copy.write_bytes(body)
        copy.with_name(copy.name + ".gz").write_bytes(gzip.compress(body, 9))
        with serve(env) as port:
            measure_map_data(run, port)
            measure_search(run, port)
            measure_matchmaking(run, port)
            measure_browser(run, port)
            if load:
                measure_load(run, port, Path(temp))

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(asdict(run), indent=1), encoding="utf-8")


# --- Report ------------------------------------------------------------------------------


def read_run(path: Path) -> Run:
    data = json.loads(path.read_text(encoding="utf-8"))
    load = [
        LoadRun(**{**r, "rows": [LoadRow(**row) for row in r["rows"]]})
        for r in data.get("load", [])
    ]
    figures = [Figure(**f) for f in data["figures"]]
    return Run(data["label"], data["machine"], figures, load, data.get("notes", []))


def report_markdown(runs: list[Run]) -> str:
    labels = [run.label for run in runs]
    keys: list[tuple[str, str]] = []
    by_run: list[dict[tuple[str, str], Figure]] = []
    for run in runs:
        named = {(f.group, f.name): f for f in run.figures}
        by_run.append(named)
        keys += [key for key in named if key not in keys]

    def cell(figure: Figure | None) -> str:
        if figure is None:
            return "–"
        text = f"{figure.value:,.1f}"
        if figure.reference:
            text += f" (×{figure.value / figure.reference:.1f})"
        if figure.met is not None:
            text += " ✓" if figure.met else " ✗"
        return text

    header = ["Measure", "Unit", "Target", *labels, "Reference (same run)"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for key in keys:
        figures = [named.get(key) for named in by_run]
        first = next(f for f in figures if f is not None)
        references = " / ".join(
            f"{f.reference:,.1f}" for f in figures if f is not None and f.reference
        )
        reference = f"{first.reference_name}: {references}" if references else ""
        target = f"≤ {first.target:,.0f}" if first.target is not None else ""
        row = [f"{key[0]}: {key[1]}", first.unit, target, *map(cell, figures), reference]
        lines.append("| " + " | ".join(row) + " |")

    machine = runs[0].machine
    machine_lines = [f"- {name}: {machine[name]}" for name in ("cpu", "memory", "os", "python")]
    machine_lines += [f"- {run.label}: {run.machine['database']}" for run in runs]
    machine_lines.append(f"- Browser: {machine['browser']}")
    return "\n".join(
        [
            "# Benchmarks",
            "",
            f"Measured by `make bench` on {machine['date']}; see `bench/benchmark.py` for how.",
            "The site runs under gunicorn (2 workers, DEBUG off) on 127.0.0.1 with the full",
            "dataset loaded; requests come from another process on the same machine.",
            "A ratio (×) compares a figure with its reference from the same run: the same",
            "bytes served as a static file by the same server, or a small static file for the",
            "floor of any request. ✓/✗: the issue's target met or not.",
            "",
            *lines,
            "",
            *load_markdown(runs),
            "## Machine",
            "",
            *machine_lines,
            "",
        ]
    )


def load_markdown(runs: list[Run]) -> list[str]:
    """The load runs as a table of their own, with what shows the generator was not the
    limit; nothing when no run was under load."""
    loaded = [run for run in runs if run.load]
    if not loaded:
        return []
    first = loaded[0].load[0]
    header = ["Database", "URL group", "Requests", "Errors", "Requests/s"]
    header += ["p50 ms", "p90 ms", "p99 ms", "Max ms"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    notes = []
    for run in loaded:
        for load in run.load:
            for row in load.rows:
                group = row.group
                if load.name == "static file":
                    group += " (reference)"
                cells = [run.label, group, f"{row.requests:,}"]
                cells.append(format_errors(row) + (" ✓" if row.error_count == 0 else " ✗"))
                cells.append(f"{row.requests_per_second:,.1f}")
                cells += [
                    "–" if value is None else f"{value:,.1f}"
                    for value in (row.p50_ms, row.p90_ms, row.p99_ms, row.max_ms)
                ]
                lines.append("| " + " | ".join(cells) + " |")
        notes += [f"- {run.label}: {note}" for note in run.notes]
        notes += generator_notes(run)
    intro = (
        f"On {', '.join(run.label for run in loaded)}: {first.connections} connections for "
        f"{first.duration:.0f} s from a separate process (`bench/loadgen.py`), each sending its "
        "next request as soon as it has the answer. The requests take the URL groups in turn, "
        f"so each group gets the same share: the home page, {LOAD_TOWNS} municipality pages "
        f"(half of them twinned towns), the map data, search results for {LOAD_SEARCHES} real "
        "names and two API lists. Then the same server serves a small static file to as many "
        "connections for as long: the ceiling of this server and load generator together. "
        "With two sync workers, all but two of the requests in flight wait their turn, so a "
        "latency here is mostly that wait: about the connections divided by the requests per "
        "second, whatever the page. It includes connecting, as these workers close each "
        "connection after the answer. Requests per second count the whole run, its last "
        "answers included. An error is a failed or lost connection, no answer within "
        f"{first.timeout:.0f} s, or a status outside 2xx/3xx; ✓: none, the issue's target."
    )
    return ["## Under load", "", textwrap.fill(intro, 92), "", *lines, "", *notes] + (
        [""] if notes else []
    )


def generator_notes(run: Run) -> list[str]:
    """Whether the generator kept every connection busy, and how far the pages were from the
    ceiling it reached with the static file."""
    by_name = {load.name: load for load in run.load}
    pages, static = by_name.get("pages"), by_name.get("static file")
    if pages is None or static is None:
        return []
    ratio = static.total.requests_per_second / max(pages.total.requests_per_second, 0.1)
    verdict = (
        "the generator is not what limits the pages"
        if ratio >= 2
        else "the pages come close to what server and generator can do together"
    )
    busy = ""
    if pages.load_average is not None and static.load_average is not None:
        # The load average counts this benchmark's own earlier steps as well as other work.
        busy = (
            f" The machine's 1-minute load average was {pages.load_average:.1f} before the "
            f"pages and {static.load_average:.1f} before the static file, on "
            f"{pages.cpu_count} cores."
        )
    return [
        f"- {run.label}: the load generator had {pages.peak_in_flight} of "
        f"{pages.connections} requests in flight at the peak and used "
        f"{pages.cpu_percent:.0f}% of one core on the pages, {static.cpu_percent:.0f}% on the "
        f"static file; with the static file, server and generator reached "
        f"{static.total.requests_per_second:,.0f} requests/s, ×{ratio:.1f} the pages' "
        f"{pages.total.requests_per_second:,.0f}: {verdict}.{busy}"
    ]


def report(paths: list[Path], write: Path | None) -> None:
    markdown = report_markdown([read_run(path) for path in sorted(paths)])
    print(markdown)
    if write:
        write.write_text(markdown, encoding="utf-8")
        print(f"Wrote {write}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.benchmark", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    measure_parser = commands.add_parser("measure", help="measure the database in the settings")
    measure_parser.add_argument("--label", required=True)
    measure_parser.add_argument("--out", type=Path, required=True)
    measure_parser.add_argument(
        "--load",
        action="store_true",
        help=f"then put the site under load: {LOAD_CONNECTIONS} connections for "
        f"{LOAD_SECONDS} s on a mix of pages, and as long on a static file",
    )
    report_parser = commands.add_parser("report", help="print and write the table")
    report_parser.add_argument("paths", nargs="+", type=Path)
    report_parser.add_argument("--write", type=Path)
    args = parser.parse_args(argv)
    actions: dict[str, Callable[[], None]] = {
        "measure": lambda: measure(args.label, args.out, args.load),
        "report": lambda: report(args.paths, args.write),
    }
    actions[args.command]()


if __name__ == "__main__":
    main()
