"""A limit holds across processes: separate processes of the site, sharing the configured
cache, let exactly the limit through in total. Issue 11: with no CACHES setting each process
counted on its own, and 3 gunicorn workers let 30 API requests through a limit of 10.

The processes are real (`python` with the site's settings, each alive from the first event to
the last), and take turns, as workers do when requests arrive one after another."""

import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

LIMIT = 10
PROCESSES = 3

# One site process: counts one API-style event per line it reads, and answers 1 when the
# event was let through, 0 when the limit refused it.
SITE_PROCESS = """
import sys

import django

django.setup()
from atlas.lib.ratelimit import RateLimit

limit = RateLimit(sys.argv[1], limit=int(sys.argv[2]), window=60)
for _ in sys.stdin:
    print(int(limit.attempt("203.0.113.5")), flush=True)
"""


def site_environment(**variables: str) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "atlas.settings",
        "SQLITE_PATH": variables.pop("SQLITE_PATH", "unused.sqlite3"),
        **variables,
    }


def let_through_in_turns(environment: dict[str, str], workdir: Path) -> int:
    """Start the processes, send each LIMIT events in turns, count what got through."""
    name = f"processes-{uuid.uuid4().hex}"  # nothing left from another run counts
    processes = []
    try:
        for number in range(PROCESSES):
            errors = (workdir / f"process-{number}.log").open("w")
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-c", SITE_PROCESS, name, str(LIMIT)],
                    cwd=settings.BASE_DIR,
                    env=environment,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=errors,
                    text=True,
                )
            )
        through = 0
        for _ in range(LIMIT):
            for number, process in enumerate(processes):
                assert process.stdin and process.stdout
                process.stdin.write("event\n")
                process.stdin.flush()
                answer = process.stdout.readline()
                if answer.strip() not in {"0", "1"}:
                    log = (workdir / f"process-{number}.log").read_text()
                    pytest.fail(f"site process {number} failed:\n{log}")
                through += int(answer)
        return through
    finally:
        for process in processes:
            if process.stdin:
                process.stdin.close()
            process.wait(timeout=60)


def create_cache_table(environment: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "createcachetable"],
        cwd=settings.BASE_DIR,
        env=environment,
        check=True,
        capture_output=True,
    )


@pytest.mark.django_db
def test_the_database_cache_holds_a_limit_across_processes():
    """On the database of this run: a SQLite file (the tests' own SQLite database lives in
    memory, out of other processes' reach), or the PostgreSQL test database."""
    with tempfile.TemporaryDirectory(prefix="atlas-limits-") as temp:
        workdir = Path(temp)
        if connection.vendor == "postgresql":
            db = connection.settings_dict
            url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
            environment = site_environment(DATABASE_URL=url, CACHE_URL="db://atlas_cache")
        else:
            environment = site_environment(
                SQLITE_PATH=str(workdir / "site.sqlite3"), CACHE_URL="db://atlas_cache"
            )
        create_cache_table(environment)

        assert let_through_in_turns(environment, workdir) == LIMIT


def test_redis_holds_a_limit_across_processes(redis_url):
    with tempfile.TemporaryDirectory(prefix="atlas-limits-") as temp:
        environment = site_environment(CACHE_URL=redis_url)

        assert let_through_in_turns(environment, Path(temp)) == LIMIT


def test_without_a_shared_cache_each_process_counts_on_its_own():
    """What the shared cache fixes, shown with each process's memory as the cache."""
    with tempfile.TemporaryDirectory(prefix="atlas-limits-") as temp:
        environment = site_environment(CACHE_URL="locmem://")

        assert let_through_in_turns(environment, Path(temp)) == LIMIT * PROCESSES
