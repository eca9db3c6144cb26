"""Shared test helpers: small `make_*` builders for the domain, used across the apps' tests."""

import functools
import itertools
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client as DjangoClient
from django.test import TestCase
from django.urls import reverse

from atlas.directory.models import (
    Country,
    Membership,
    Municipality,
    Network,
    Partnership,
    Project,
    ProjectPartner,
    Source,
)
from atlas.lib.text import fold
from bench.browser import CHROMIUM_ARGS, chromium_path

_counter = itertools.count(1)


def make_source(key: str = "test-source", **fields) -> Source:
    defaults = {"name": "Test source", "licence": "CC BY 4.0"}
    return Source.objects.get_or_create(key=key, defaults={**defaults, **fields})[0]


def make_country(code: str = "SI", name_en: str = "Slovenia", **fields) -> Country:
    defaults = {"name_en": name_en, "eu_member": True, "covered": True}
    return Country.objects.get_or_create(code=code, defaults={**defaults, **fields})[0]


def make_municipality(name: str = "Kamnik", country: str = "SI", **fields) -> Municipality:
    number = next(_counter)
    fields.setdefault("source", make_source())
    fields.setdefault("slug", f"{fold(name).replace(' ', '-')}-{number}")
    fields.setdefault("external_id", f"test:{number}")
    fields.setdefault("latitude", 46.2)
    fields.setdefault("longitude", 14.6)
    return Municipality.objects.create(
        name=name, search_key=fold(name), country=make_country(country), **fields
    )


def make_partnership(a: Municipality, b: Municipality, **fields) -> Partnership:
    if a.pk > b.pk:
        a, b = b, a
    sources = fields.pop("sources", None) or [make_source()]
    partnership = Partnership.objects.create(
        municipality_a=a,
        municipality_b=b,
        external_id=f"pair:{a.external_id}~{b.external_id}~{fields.get('kind', 'twinning')}",
        **fields,
    )
    partnership.sources.set(sources)
    return partnership


def make_network(name: str = "Association of Historic Towns", **fields) -> Network:
    number = next(_counter)
    fields.setdefault("kind", Network.Kind.ASSOCIATION)
    fields.setdefault("source", make_source())
    fields.setdefault("slug", f"network-{number}")
    fields.setdefault("external_id", f"net:test-{number}")
    return Network.objects.create(name=name, **fields)


def make_membership(network: Network, municipality: Municipality, **fields) -> Membership:
    fields.setdefault("source", make_source())
    return Membership.objects.create(network=network, municipality=municipality, **fields)


def make_project(title: str = "Eko tržnica", partners=(), **fields) -> Project:
    number = next(_counter)
    fields.setdefault("source", make_source())
    fields.setdefault("slug", f"project-{number}")
    fields.setdefault("external_id", f"project:test-{number}")
    project = Project.objects.create(title=title, **fields)
    for partner in partners:
        kind = "network" if isinstance(partner, Network) else "municipality"
        ProjectPartner.objects.create(project=project, **{kind: partner})
    return project


@pytest.fixture
def kamnik_world(db):
    """Kamnik with its two twin towns, a network and a project: a small real-looking world."""
    kamnik = make_municipality("Kamnik", "SI", population=30000, nuts3="SI041")
    trofaiach = make_municipality(
        "Trofaiach", "AT", population=11000, latitude=47.42, longitude=15.0
    )
    andechs = make_municipality("Andechs", "DE", population=3500, latitude=47.97, longitude=11.18)
    make_partnership(kamnik, trofaiach, start_year=1999, status=Partnership.Status.ACTIVE)
    make_partnership(kamnik, andechs, start_year=2004, status=Partnership.Status.ACTIVE)
    network = make_network("Združenje zgodovinskih mest Slovenije", founded=2001)
    make_membership(network, kamnik)
    project = make_project("Eko tržnica", partners=[kamnik], funded_by=network)
    return {
        "kamnik": kamnik,
        "trofaiach": trofaiach,
        "andechs": andechs,
        "network": network,
        "project": project,
    }


# Browser tests: Playwright drives the system's Chromium (Debian's `chromium` package).
@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if not path:
        pytest.fail("Browser tests need Chromium: install Debian's `chromium` or set CHROMIUM")

    # Playwright's sync API keeps an event loop in this thread, which Django's ORM would
    # otherwise refuse to run beside; the tests' ORM calls are plain synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Injected into every page before its own scripts (through the DevTools protocol, so the
# page's Content-Security-Policy does not apply to it): each violation of the policy is
# reported as a console error, which fails the test, whatever the browser logs itself.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    `Content Security Policy violation: ${event.effectiveDirective} blocked ` +
    `${event.blockedURI || "inline"} at ${event.sourceFile || document.URL}:${event.lineNumber}`
  );
});
"""


@pytest.fixture
def page(browser, live_server, transactional_db):
    """A fresh browser tab on the live test server. Console errors, violations of the
    Content-Security-Policy and failed requests fail the test, so a page that works only
    by luck does not pass."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    # A request that navigation cut short (ERR_ABORTED) is not a failure: the user moved on.
    page.on(
        "requestfailed",
        lambda r: (
            r.failure != "net::ERR_ABORTED"
            and problems.append(f"request failed: {r.url} ({r.failure})")
        ),
    )
    yield page
    context.close()
    assert not problems, "\n".join(problems)


AXE_SCRIPT = Path(__file__).parent / "atlas/tests/vendor/axe-core-4.14.1/axe.min.js"
# What "passes axe" means here (docs/STYLE: every public page, WCAG 2.1 AA).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@functools.cache
def axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def assert_no_axe_violations(page, context: str | None = None) -> None:
    """Run axe-core on the page as it is now (or on the part that the CSS selector
    `context` selects) with the WCAG 2.1 A and AA rules, and fail listing each violation
    with its rule, impact and elements. axe is evaluated through the DevTools protocol,
    which the page's Content-Security-Policy does not govern, so the test keeps the real
    policy (a `bypass_csp` context would hide the violations the `page` fixture looks for)
    and adds no inline script to the page."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    result = page.evaluate(
        """([context, tags]) => axe.run(context || document, {
            runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
        })""",
        [context, AXE_TAGS],
    )
    lines = [
        f"{violation['id']} ({violation['impact']}): {violation['help']}\n"
        + "\n".join(f"    {' '.join(map(str, node['target']))}" for node in violation["nodes"])
        for violation in result["violations"]
    ]
    assert not lines, f"axe found on {page.url}:\n" + "\n".join(lines)


@pytest.fixture
def artefacts_dir() -> Path:
    """Where browser tests write screenshots to look at: test-artefacts/ (ignored by git)."""
    path = Path(__file__).parent / "test-artefacts"
    path.mkdir(exist_ok=True)
    return path


# Accounts and roles: people, and the personas of the permission matrix.
DEFAULT_PASSWORD = "correct horse battery staple"


# Background tasks: the site enqueues mail when a transaction commits (atlas/jobs/mail.py).
# In tests the tasks run at once (ImmediateBackend), and the test client runs what a
# request left for its commit when the request ends, since the test's own transaction
# never commits: a mail is in `mail.outbox` right after the request that queued it, and
# not when the request rolled back. atlas/jobs/tests/ run the real queue and worker.
class Client(DjangoClient):
    """Django's test client; the `transaction.on_commit` callbacks of a request run as it
    ends, as they would when its transaction commits."""

    def request(self, **request):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**request)


@pytest.fixture
def client() -> Client:
    return Client()


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": []}
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hash passwords with a fast hasher in tests (scrypt takes a fifth of a second each);
    atlas/accounts/tests/test_accounts.py checks that the real settings use scrypt."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english():
    """Tests start in English: a request to /de/… leaves German active in the thread, which
    would otherwise leak into the next test's `reverse()` and pages."""
    from django.utils import translation

    with translation.override("en"):
        yield


def pytest_configure(config):
    """The tests' cache: CACHE_URL when set (`make test-postgres` runs the suite with Redis,
    through scripts/with-redis --cache), otherwise each process's memory. Not the settings'
    default, the database cache: there every cache read and write is an SQL query, which the
    query-count tests would count."""
    from django.test import override_settings

    from atlas.settings import cache_from_url

    url = os.environ.get("CACHE_URL") or "locmem://"
    worker = getattr(config, "workerinput", {}).get("workerid")  # gw0, gw1… under xdist
    if worker and url.startswith(("redis://", "rediss://")):
        # cache.clear() empties the whole Redis database (FLUSHDB, whatever the key prefix):
        # each worker gets a database of its own, 1, 2…, leaving 0 to the shared-limit tests.
        number = int(worker.removeprefix("gw")) + 1
        url = urlsplit(url)._replace(path=f"/{number}").geturl()
    override_settings(CACHES={"default": cache_from_url(url)}).enable()


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The throwaway Redis server of scripts/with-redis (`make test` starts one)."""
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.fail(
            "Redis tests need a redis-server: run pytest through scripts/with-redis, as "
            "`make test` does (Debian: apt-get install redis-server)"
        )
    return url


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits and cached data live in the cache: every test starts with it empty."""
    from django.core.cache import cache

    cache.clear()


def make_user(email: str = "ana@example.org", password: str = DEFAULT_PASSWORD, **fields):
    """A confirmed account that logs in with `email` and `password`."""
    from django.contrib.auth import get_user_model

    email = email.strip().lower()
    fields.setdefault("first_name", email.split("@")[0].title())
    return get_user_model().objects.create_user(
        username=email, email=email, password=password, **fields
    )


def make_staff(email: str, *, country: str | None = None, network: Network | None = None):
    """Association staff for the municipalities of a country or the members of a network."""
    from atlas.accounts.models import StaffRole

    user = make_user(email)
    StaffRole.objects.create(
        user=user, country=make_country(country) if country else None, network=network
    )
    return user


def make_coordinator(email: str, municipality: Municipality, **fields):
    """An account with an approved coordinator role for `municipality`."""
    from django.utils.timezone import now

    from atlas.accounts.models import CoordinatorRole

    user = make_user(email)
    fields.setdefault("position", "International cooperation")
    CoordinatorRole.objects.create(
        user=user,
        municipality=municipality,
        status=CoordinatorRole.Status.APPROVED,
        decided_at=now(),
        **fields,
    )
    return user


# Permission matrices run every writing view as each persona.
PERSONAS = [
    "anonymous",
    "coordinator",
    "other_coordinator",
    "staff_other_country",
    "staff_right_country",
    "admin",
]
LOGIN = "login"  # expected: sent to the login page
OK = "ok"  # expected: the write is done, and the answer redirects to the `done` address
# Who may edit Kamnik: its coordinator, staff for Slovenia, administrators.
EDIT_MATRIX = [
    ("anonymous", LOGIN),
    ("coordinator", OK),
    ("other_coordinator", 403),
    ("staff_other_country", 403),
    ("staff_right_country", OK),
    ("admin", OK),
]


def client_as(personas, persona: str, **kwargs) -> Client:
    """A test client logged in as `persona` (none for "anonymous")."""
    client = Client(**kwargs)
    if personas[persona]:
        client.force_login(personas[persona])
    return client


def assert_outcome(response, expected, done: str | None = None) -> None:
    """`expected` is LOGIN, a status code, the address of a redirect after success, or OK
    for a redirect to `done`."""
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts-login") + "?next=")
    elif isinstance(expected, int):
        assert response.status_code == expected, response.content.decode()[:2000]
    else:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert response["Location"] == (done if expected == OK else expected)


@pytest.fixture
def personas(kamnik_world):
    """Who is who around Kamnik (SI), for permission matrices. `anonymous` is None."""
    return {
        "anonymous": None,
        "coordinator": make_coordinator("coordinator@kamnik.si", kamnik_world["kamnik"]),
        "other_coordinator": make_coordinator(
            "coordinator@trofaiach.at", kamnik_world["trofaiach"]
        ),
        "staff_other_country": make_staff("staff@gemeindebund.at", country="AT"),
        "staff_right_country": make_staff("staff@skupnostobcin.si", country="SI"),
        "admin": make_user("admin@example.org", is_superuser=True, is_staff=True),
    }


def make_board_entry(municipality: Municipality, author, **fields):
    """A partner-search board entry, published and open for a month unless told otherwise."""
    from datetime import timedelta

    from django.utils.timezone import localdate, now

    from atlas.board.models import Entry

    themes = fields.pop("themes", ())
    countries = fields.pop("countries", ())
    languages = fields.pop("working_languages", ("en",))
    fields.setdefault("kind", Entry.Kind.REQUEST)
    fields.setdefault("purpose", "twinning")
    fields.setdefault("title", f"{municipality.name} seeks a twin town")
    fields.setdefault("text", "We are a small town looking for a partner for youth exchanges.")
    fields.setdefault("language", "en")
    fields.setdefault("deadline", localdate() + timedelta(days=30))
    fields.setdefault("status", Entry.Status.PUBLISHED)
    if fields["status"] == Entry.Status.PUBLISHED:
        fields.setdefault("published_at", now())
    entry = Entry(municipality=municipality, author=author, **fields)
    entry.set_working_languages(list(languages))
    entry.save()
    entry.themes.set(themes)
    entry.countries.set(countries)
    return entry


def make_theme(slug: str = "culture", name_en: str = "Culture", **fields):
    """A theme of cooperation; its other names default to `name_en` with a language mark."""
    from atlas.directory.models import Theme

    for language in ("sl", "sk", "cs", "de"):
        fields.setdefault(f"name_{language}", f"{name_en} ({language})")
    return Theme.objects.get_or_create(slug=slug, defaults={"name_en": name_en, **fields})[0]
