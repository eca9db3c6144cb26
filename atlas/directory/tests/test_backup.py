"""backup_data and restore_data: a backup of a filled database, restored into an emptied
one, gives back every row; a file that is not a whole backup of this site is refused
before anything is touched."""

from __future__ import annotations

import sqlite3
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from atlas.board import services as board
from atlas.board.models import Conversation, Message
from atlas.directory import backups
from atlas.directory.models import Change, Partnership
from atlas.editing import services as editing
from conftest import make_board_entry, make_coordinator, make_theme

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def filled(kamnik_world):
    """The Kamnik world with a coordinator's edit of a partnership (and its history) and a
    board conversation between Kamnik and Trofaiach."""
    kamnik, trofaiach = kamnik_world["kamnik"], kamnik_world["trofaiach"]
    coordinator = make_coordinator("coordinator@kamnik.si", kamnik)
    other = make_coordinator("coordinator@trofaiach.at", trofaiach)
    partnership = Partnership.objects.get(municipality_a=kamnik, municipality_b=trofaiach)
    editing.update(
        partnership,
        acting_user=coordinator,
        version=partnership.version,
        values={
            "status": Partnership.Status.DORMANT,
            "start_year": 1994,
            "notes": "Signed in Kamnik's town hall; « čebelarji » visit every May.",
            "themes": [make_theme("culture", "Culture"), make_theme("youth", "Youth")],
        },
    )
    entry = make_board_entry(kamnik, coordinator, title="Kamnik seeks a school partner")
    conversation = board.express_interest(
        acting_user=other, entry=entry, municipality=trofaiach, text="Our school would like to."
    )
    board.reply(acting_user=coordinator, conversation=conversation, text="Wonderful: write more.")
    return {"partnership": partnership, "conversation": conversation}


def snapshot() -> dict:
    """Every table's row count, the edited partnership, the conversation and the history."""
    counts = {model._meta.label: model._base_manager.count() for model in apps.get_models()}
    partnership = Partnership.objects.get(notes__startswith="Signed")
    return {
        "counts": counts,
        "edit": (
            editing.values_of(partnership),
            partnership.version,
            list(partnership.themes.values_list("slug", flat=True).order_by("slug")),
        ),
        "conversation": list(
            Message.objects.order_by("pk").values_list(
                "conversation__entry__title", "sender__email", "text", "created_at"
            )
        ),
        "history": list(
            Change.objects.order_by("pk").values(
                *[field.attname for field in Change._meta.concrete_fields]
            )
        ),
    }


def backup(path: Path) -> str:
    out = StringIO()
    call_command("backup_data", output=path, stdout=out)
    return out.getvalue()


def restore(path: Path, **options) -> str:
    out = StringIO()
    call_command("restore_data", path, stdout=out, **options)
    return out.getvalue()


def suffix() -> str:
    return ".sqlite3" if connection.vendor == "sqlite" else ".pgdump"


def test_a_restored_backup_gives_back_every_row_the_edit_the_conversation_and_the_history(
    filled, tmp_path
):
    before = snapshot()
    assert before["counts"]["directory.Change"] == 1
    assert len(before["conversation"]) == 2
    path = tmp_path / f"atlas{suffix()}"

    output = backup(path)
    call_command("flush", interactive=False)
    assert Partnership.objects.count() == Conversation.objects.count() == 0
    output += restore(path, interactive=False)

    assert snapshot() == before
    assert f"to {path} (" in output
    assert "now holds 0 municipalities" in output
    assert "the database now holds 3 municipalities, 2 partnerships, 1 recorded changes" in output


def test_a_backup_goes_under_backup_root_with_the_time_in_its_name(filled, tmp_path, settings):
    settings.BACKUP_ROOT = tmp_path / "backups"
    out = StringIO()

    call_command("backup_data", stdout=out)

    [path] = (tmp_path / "backups").iterdir()
    assert path.name.startswith("atlas-") and path.suffix == suffix()
    assert f"to {path} (" in out.getvalue()
    assert f"{path.stat().st_size} bytes" in out.getvalue()


def test_a_backup_never_overwrites_a_file_and_a_dry_run_writes_none(filled, tmp_path):
    existing = tmp_path / f"atlas{suffix()}"
    existing.write_bytes(b"an older backup")

    with pytest.raises(CommandError, match="exists already"):
        backup(existing)
    out = StringIO()
    call_command("backup_data", output=tmp_path / "new", dry_run=True, stdout=out)

    assert existing.read_bytes() == b"an older backup"
    assert not (tmp_path / "new").exists()
    assert "Would back up" in out.getvalue()


def test_a_dry_run_or_an_unconfirmed_restore_changes_nothing(filled, tmp_path):
    path = tmp_path / f"atlas{suffix()}"
    backup(path)
    editing.update(
        filled["partnership"],
        acting_user=None,
        version=Partnership.objects.get(pk=filled["partnership"].pk).version,
        values={"start_year": 2001},
    )
    before = snapshot()

    output = restore(path, dry_run=True)
    # Without --yes, and with no one at a terminal to answer, it refuses.
    with pytest.raises(CommandError, match="pass --yes"):
        restore(path)

    assert snapshot() == before
    assert "is a whole" in output and "Dry run: nothing was changed." in output


def cut_off(tmp_path: Path) -> Path:
    whole = tmp_path / f"whole{suffix()}"
    backup(whole)
    data = whole.read_bytes()
    path = tmp_path / f"cut{suffix()}"
    path.write_bytes(data[: len(data) // 2])
    return path


def other_site(tmp_path: Path) -> Path:
    """A backup of the right kind, of a database without this site's tables."""
    path = tmp_path / f"other{suffix()}"
    if connection.vendor == "sqlite":
        with sqlite3.connect(path) as other:
            other.execute("CREATE TABLE notes (text TEXT)")
    else:
        pg_dump = backups.postgres_program("pg_dump")
        only = ["--table=django_content_type", f"--file={path}", "--format=custom"]
        subprocess.run([pg_dump, *only], env=backups._postgres_environment("default"), check=True)
    return path


def other_kind(tmp_path: Path) -> Path:
    """A backup of the database the site does not use."""
    path = tmp_path / "other"
    if connection.vendor == "sqlite":
        path.write_bytes(b"PGDMP\x01\x0e\x00" + bytes(500))
    else:
        with sqlite3.connect(path) as other:
            other.execute("CREATE TABLE notes (text TEXT)")
    return path


def text_file(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text("Kamnik\tTrofaiach\n<script>alert(1)</script>\x00\n")
    return path


@pytest.mark.parametrize(
    ("make_file", "message"),
    [
        (lambda tmp_path: tmp_path / "missing.sqlite3", "no such file"),
        (text_file, "is not a backup: it is neither an SQLite database nor a pg_dump -Fc file"),
        (cut_off, "cut off|damaged|failed"),
        (other_kind, "is a backup of a (PostgreSQL|SQLite) database, but this site uses"),
        (other_site, "is not a backup of this site: it has no table django_migrations"),
    ],
    ids=["missing", "text", "cut-off", "other-database", "other-site"],
)
def test_a_file_that_is_not_a_whole_backup_is_refused_and_nothing_changes(
    filled, tmp_path, make_file, message
):
    path = make_file(tmp_path)
    before = snapshot()

    with pytest.raises(CommandError, match=message):
        restore(path, interactive=False)

    assert snapshot() == before
