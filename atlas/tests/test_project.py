"""Repo-wide safety checks: migrations, settings that refuse to run unsafely, database choice."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from atlas.settings import DEV_SECRET_KEY, database_from_env

DATABASE_VARIABLES = ("DATABASE_URL", "DB_NAME", "DB_USER", "DB_PASSWORD", "DB_HOST", "DB_PORT")


@pytest.mark.django_db
def test_every_model_change_has_a_migration():
    output = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=output)
    except SystemExit:
        pytest.fail(f"Models changed without a migration; run makemigrations:\n{output.getvalue()}")


def import_settings(**env: str) -> subprocess.CompletedProcess:
    environ = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    return subprocess.run(
        [sys.executable, "-c", "import atlas.settings"],
        cwd=settings.BASE_DIR,
        env={**environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_refuse_the_development_secret_key_when_debug_is_off():
    result = import_settings(DEBUG="0")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "the development key is refused when DEBUG is off" in result.stderr


def test_settings_refuse_the_development_secret_key_even_when_it_is_set_explicitly():
    result = import_settings(DEBUG="0", SECRET_KEY=DEV_SECRET_KEY)

    assert result.returncode != 0
    assert "the development key is refused when DEBUG is off" in result.stderr


def test_settings_load_with_debug_off_and_a_real_secret_key():
    result = import_settings(DEBUG="0", SECRET_KEY="x" * 50)

    assert result.returncode == 0, result.stderr


@pytest.fixture
def clean_env(monkeypatch):
    """No database variables from the shell (make test-postgres sets DATABASE_URL)."""
    for name in (*DATABASE_VARIABLES, "SQLITE_PATH"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_database_url_is_honoured(clean_env):
    clean_env.setenv("DATABASE_URL", "postgres://alice:secret@db.example.org:5433/atlas")

    database = database_from_env()

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["NAME"] == "atlas"
    assert database["USER"] == "alice"
    assert database["PASSWORD"] == "secret"
    assert database["HOST"] == "db.example.org"
    assert database["PORT"] == 5433


def test_db_variables_are_honoured_without_database_url(clean_env):
    clean_env.setenv("DB_NAME", "atlas")
    clean_env.setenv("DB_USER", "bob")
    clean_env.setenv("DB_PASSWORD", "secret")
    clean_env.setenv("DB_HOST", "db.example.org")
    clean_env.setenv("DB_PORT", "5434")

    database = database_from_env()

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["USER"], database["PASSWORD"]) == ("atlas", "bob", "secret")
    assert (database["HOST"], database["PORT"]) == ("db.example.org", "5434")


def test_database_url_wins_over_db_variables(clean_env):
    clean_env.setenv("DATABASE_URL", "postgres://alice@127.0.0.1:5433/from_url")
    clean_env.setenv("DB_NAME", "from_variables")

    assert database_from_env()["NAME"] == "from_url"


def test_sqlite_is_used_when_no_database_is_configured(clean_env, tmp_path):
    clean_env.setenv("SQLITE_PATH", str(tmp_path / "atlas.sqlite3"))

    database = database_from_env()

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(tmp_path / "atlas.sqlite3")
