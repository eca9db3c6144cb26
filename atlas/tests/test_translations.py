"""Every interface string is translated into every interface language.

Two checks per language:

- the committed catalogue (locale/<lang>/LC_MESSAGES/django.po) has no untranslated or fuzzy
  entry and passes `msgfmt --check-format`;
- re-extracting the strings from today's code and templates (makemessages) into a copy of
  that catalogue adds nothing untranslated: a new English string without a translation
  fails here, listed by its msgid, until `make messages` is run and the string translated.

makemessages writes into the `locale/` folder of the directory it runs in, whatever
LOCALE_PATHS says, so the extraction runs in a temporary copy of the sources and never
touches the checkout.
"""

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
REPO_DIR = Path(settings.BASE_DIR)
IGNORE_PATTERNS = [".venv", "staticfiles", "static/vendor", "node_modules"]
# Where makemessages would look for the "django" domain: Python, templates and text files.
SOURCE_SUFFIXES = {".py", ".html", ".txt"}
# Folders that hold no interface strings (makemessages skips dot-folders by itself); skipping
# them keeps the copy small and fast.
SKIPPED_DIRS = {"node_modules", "staticfiles", "static/vendor", "__pycache__"}

pytestmark = pytest.mark.skipif(
    not (shutil.which("xgettext") and shutil.which("msgfmt") and shutil.which("msgmerge")),
    reason="GNU gettext (xgettext, msgmerge, msgfmt) is not installed: apt-get install gettext",
)


def catalogue(root: Path, language: str) -> Path:
    return root / language / "LC_MESSAGES" / "django.po"


def problems(po_path: Path) -> list[str]:
    """One line per entry that a reader of `po_path` would see in English or not at all."""
    po = polib.pofile(str(po_path))
    lines = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            lines.append(f"fuzzy: {entry.msgid!r}")
        elif not entry.translated():
            lines.append(f"untranslated: {entry.msgid!r}")
    return lines


def copy_sources(destination: Path) -> None:
    """The checkout's translatable sources and its locale/ folder, and nothing else."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        relative = Path(folder).relative_to(REPO_DIR)
        skipped = set()
        for name in names:
            path = relative / name
            if (REPO_DIR / path).is_dir():
                if name.startswith(".") or name in SKIPPED_DIRS or path.as_posix() in SKIPPED_DIRS:
                    skipped.add(name)
            elif path.suffix not in SOURCE_SUFFIXES and path.parts[0] != "locale":
                skipped.add(name)
        return skipped

    shutil.copytree(REPO_DIR, destination, ignore=ignore, symlinks=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_interface_string_is_translated_into(language, tmp_path, monkeypatch):
    assert catalogue(LOCALE_DIR, language).exists(), (
        f"No catalogue for {language}: run `make messages` and translate it."
    )
    sources = tmp_path / "sources"
    copy_sources(sources)
    locale = sources / LOCALE_DIR.relative_to(REPO_DIR)
    monkeypatch.chdir(sources)

    with override_settings(LOCALE_PATHS=[str(locale)]):
        call_command(
            "makemessages",
            locale=[language],
            no_location=True,
            no_obsolete=True,
            ignore_patterns=IGNORE_PATTERNS,
            verbosity=0,
        )

    missing = problems(catalogue(locale, language))
    assert not missing, (
        f"{len(missing)} interface string(s) have no {language} translation; run "
        f"`make messages`, translate them in locale/{language}/LC_MESSAGES/django.po and "
        "run `make translations`:\n" + "\n".join(missing)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_catalogue_is_complete_and_well_formed_for(language):
    po_path = catalogue(LOCALE_DIR, language)
    assert po_path.exists(), f"No catalogue for {language}: run `make messages`."

    missing = problems(po_path)
    assert not missing, f"{po_path.relative_to(REPO_DIR)}:\n" + "\n".join(missing)

    po = polib.pofile(str(po_path))
    assert po.metadata.get("Language") == language
    assert "charset=UTF-8" in po.metadata.get("Content-Type", "")
    assert po.metadata.get("Plural-Forms"), "The catalogue does not say how plurals work."

    result = subprocess.run(
        ["msgfmt", "--check-format", "--check-header", "-o", "-", str(po_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, f"msgfmt --check-format failed:\n{result.stderr}"
