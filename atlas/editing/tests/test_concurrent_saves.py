"""Saves that arrive at the same moment, through a real server (gunicorn with worker
processes and threads) on the test database: each ends as saved or as the conflict
message, never as an error page (on SQLite: "database is locked")."""

from __future__ import annotations

import contextlib
import html
import http.client
import os
import re
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.crypto import get_random_string

from atlas.directory.models import MunicipalityProfile
from conftest import make_coordinator, make_municipality

ROUNDS = 3
# Each round: one coordinator per town saving its own profile, and two coordinators of
# Kamnik saving Kamnik's profile from the same version.
TOWNS = 4
TIMEOUT = 60  # seconds for any one request, or for the others to reach the barrier


@contextlib.contextmanager
def gunicorn(env: dict[str, str]) -> Iterator[int]:
    """The site under gunicorn (2 processes of 4 threads) on 127.0.0.1; yields its port.
    Requests sent before the workers are ready wait in the socket's queue."""
    command = [sys.executable, "-m", "gunicorn", "atlas.wsgi", "--bind", "127.0.0.1:0"]
    command += ["--workers", "2", "--threads", "4", "--log-level", "info"]
    server = subprocess.Popen(
        command,
        cwd=settings.BASE_DIR,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert server.stderr is not None
    try:
        log = []
        for line in server.stderr:
            log.append(line)
            if found := re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", line):
                port = int(found[1])
                break
        else:
            pytest.fail("gunicorn did not start:\n" + "".join(log))
        # Keep reading its log, so that a full pipe never blocks it.
        threading.Thread(target=log.extend, args=(server.stderr,), daemon=True).start()
        yield port
    finally:
        server.terminate()
        server.wait(timeout=TIMEOUT)


def server_environment(tmp_path: Path) -> dict[str, str]:
    """The environment that points the server at the test database. An SQLite test
    database lives in memory, so the server gets a copy of it in a file."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DB_NAME"}}
    env.update(DEBUG="1", LOG_LEVEL="ERROR")
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        path = tmp_path / "atlas.sqlite3"
        connection.ensure_connection()
        with contextlib.closing(sqlite3.connect(path)) as target:
            connection.connection.backup(target)
        env["SQLITE_PATH"] = str(path)
    else:
        env.update(
            DB_NAME=db["NAME"],
            DB_USER=db["USER"] or "",
            DB_PASSWORD=db["PASSWORD"] or "",
            DB_HOST=db["HOST"] or "",
            DB_PORT=str(db["PORT"] or ""),
        )
    return env


class Person:
    """A logged-in visitor of the server: a session cookie and a CSRF token of its own."""

    def __init__(self, user) -> None:
        client = Client()
        client.force_login(user)
        self.csrf = get_random_string(32)
        self.cookie = f"sessionid={client.cookies['sessionid'].value}; csrftoken={self.csrf}"

    def request(self, port: int, method: str, path: str, data: dict | None = None):
        body = urlencode({**data, "csrfmiddlewaretoken": self.csrf}, doseq=True) if data else None
        headers = {"Cookie": self.cookie, "Host": "127.0.0.1"}
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        server = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        try:
            server.request(method, path, body=body, headers=headers)
            response = server.getresponse()
            page = response.read().decode()
            # A save's redirect goes back to the town's page; any other is a failure.
            if response.status == 302:
                page = response.getheader("Location", "")
            return response.status, page
        finally:
            server.close()


def stored_profile(person: Person, path: str, port: int) -> tuple[int, str]:
    """The version and description the profile form shows now."""
    status, page = person.request(port, "GET", path)
    assert status == 200, page[:2000]
    version = re.search(r'name="version" value="(\d+)"', page)
    description = re.search(r'<textarea name="description"[^>]*>\n?(.*?)</textarea>', page, re.S)
    assert version and description, page[:2000]
    return int(version[1]), html.unescape(description[1])


def error_of(page: str) -> str:
    """The exception a debug error page names, or the start of the page."""
    found = re.search(r'<pre class="exception_value">(.*?)</pre>', page, re.S)
    return html.unescape(found[1]) if found else page[:3000]


def save_all_at_once(port: int, saves: list[tuple[Person, str, dict]]) -> list[tuple[int, str]]:
    """Post every save from a thread of its own, all released by one barrier."""
    barrier = threading.Barrier(len(saves))
    answers: list[tuple[int, str] | BaseException | None] = [None] * len(saves)

    def post(index: int, person: Person, path: str, data: dict) -> None:
        try:
            barrier.wait(timeout=TIMEOUT)
            answers[index] = person.request(port, "POST", path, data)
        except BaseException as error:  # reported by the test, not lost in the thread
            answers[index] = error

    threads = [
        threading.Thread(target=post, args=(index, *save)) for index, save in enumerate(saves)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * TIMEOUT)
    for answer in answers:
        if not isinstance(answer, tuple):
            raise AssertionError(f"a save did not get an answer: {answer!r}")
    return answers  # type: ignore[return-value]


@pytest.mark.django_db(transaction=True)
def test_saves_at_the_same_moment_end_as_saved_or_as_a_conflict_never_as_an_error(tmp_path):
    towns = [make_municipality(f"Town {number}") for number in range(TOWNS)]
    for town in towns:
        MunicipalityProfile.objects.create(municipality=town)
    paths = [reverse("edit-profile", args=[town.slug]) for town in towns]
    coordinators = [
        Person(make_coordinator(f"coordinator@town{number}.example", town))
        for number, town in enumerate(towns)
    ]
    # A second coordinator of the first town saves the same profile as the first.
    rival = Person(make_coordinator("deputy@town0.example", towns[0]))

    with gunicorn(server_environment(tmp_path)) as port:
        for round_number in range(ROUNDS):
            versions = [stored_profile(coordinators[n], paths[n], port)[0] for n in range(TOWNS)]
            saves = [
                (
                    person,
                    paths[n],
                    {"version": versions[n], "description": f"{n} in {round_number}"},
                )
                for n, person in enumerate(coordinators)
            ]
            saves.append(
                (
                    rival,
                    paths[0],
                    {"version": versions[0], "description": f"Rival in {round_number}"},
                )
            )

            answers = save_all_at_once(port, saves)

            for (_person, path, _data), (status, page) in zip(saves, answers, strict=True):
                assert status in {302, 409}, f"{path} answered {status}: {error_of(page)}"
                if status == 302:  # saved, and back to the town's page (not to a login)
                    assert page == path.removesuffix("edit/profile/")
            stored = [stored_profile(coordinators[n], paths[n], port) for n in range(TOWNS)]
            for n in range(1, TOWNS):  # alone on its record: saved
                assert answers[n][0] == 302
                assert stored[n] == (versions[n] + 1, saves[n][2]["description"])
            # Two saves of the first town's profile from the same version: one wins.
            first, second = answers[0][0], answers[-1][0]
            assert sorted([first, second]) == [302, 409]
            winner = saves[0] if first == 302 else saves[-1]
            assert stored[0] == (versions[0] + 1, winner[2]["description"])
