"""``db copy`` : une base entière (journal compris) passe de SQLite à PostgreSQL et retour, vérifiée."""

from __future__ import annotations

import json

import pytest

from db.copy import fingerprint
from db.store import Store
from roadmap_app.cli.main import main
from roadmap_app.core.context import open_context
from roadmap_app.plan.read import load_plan
from roadmap_app.plan.status import update_status
from tests.conftest import dump_store


def test_sqlite_to_postgres_and_back_keeps_every_row(capsys, db_path, pg_url, tmp_path):
    ctx = open_context(db_path, author="Chef de projet")
    update_status(ctx, "EP-2.2", "Lensois", status="realise", progress=100, note="Fait en comité")
    update_status(ctx, "NU-1.2", "Audomarois", status="en_cours")
    before = fingerprint(ctx.store)
    ctx.close()

    assert main(["--db", str(db_path), "db", "copy", "--to", pg_url]) == 0
    assert "Copie terminée et vérifiée" in capsys.readouterr().out
    pg = Store(pg_url)
    assert [(t.name, t.rows, t.checksum) for t in fingerprint(pg)] == [
        (t.name, t.rows, t.checksum) for t in before
    ]
    pg.dispose()

    # l'application fonctionne sur la copie, et les identifiants continuent après la copie
    pg_ctx = open_context(pg_url, author="Équipe")
    assert not pg_ctx.prepared.created
    plan = load_plan(pg_ctx)
    cell = plan.action("EP-2.2").statuses[plan.bassin("Lensois").id]
    assert (cell.status, cell.note, cell.updated_by) == (
        "realise",
        "Fait en comité",
        "Chef de projet",
    )
    update_status(pg_ctx, "GP-3.1", "Lensois", status="en_cours")
    pg_ctx.close()

    back = tmp_path / "retour.sqlite3"
    assert main(["--db", pg_url, "db", "copy", "--to", str(back)]) == 0
    capsys.readouterr()
    assert main(["--db", str(back), "db", "info", "--format", "json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["moteur"] == "sqlite"
    assert info["tables"]["journal_entry"]["lignes"] == before_rows(before, "journal_entry") + 1


def before_rows(report, name):
    return next(t.rows for t in report if t.name == name)


def test_copy_refuses_a_destination_that_is_not_empty(capsys, db_path, pg_url):
    assert open_context(pg_url) is not None  # crée et remplit la base PostgreSQL
    snapshot = dump_store(db_path)
    assert main(["--db", str(db_path), "db", "copy", "--to", pg_url]) == 1
    assert "n'est pas vide" in capsys.readouterr().err
    assert dump_store(db_path) == snapshot


def test_copy_to_an_unreachable_server_is_a_french_error(capsys, db_path):
    code = main(
        ["--db", str(db_path), "db", "copy", "--to", "postgresql+psycopg://x@127.0.0.1:1/absente"]
    )
    assert code == 1
    assert "Impossible de joindre le serveur" in capsys.readouterr().err


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_service_behaviour_is_identical_on_both_backends(backend, db_path, pg_url):
    """Les mêmes services donnent les mêmes résultats sur SQLite et PostgreSQL."""
    from roadmap_app.core.ops import undo_last
    from roadmap_app.plan.filters import ActionFilter

    ctx = open_context(db_path if backend == "sqlite" else pg_url, author="Testeur")
    try:
        update_status(ctx, "AI-5.1", "Lensois", status="en_cours", progress=30, note="Démarré")
        plan = load_plan(ctx)
        lens = frozenset({plan.bassin("Lensois").id})
        late = [
            a.code
            for a in plan.actions()
            if ActionFilter(bassin_ids=lens, overdue_only=True).matches(a, plan.today)
        ]
        # les quinze « 1er juin 2024 », 15-mai-24, 1er janvier 2024 et 1er avril
        assert len(late) == 18
        assert plan.action("AI-5.1").progress(lens) == 30
        undo_last(ctx)
        assert load_plan(ctx).action("AI-5.1").statuses[plan.bassin("Lensois").id].progress is None
    finally:
        ctx.close()
