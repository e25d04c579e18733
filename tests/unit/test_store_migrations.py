"""Création, version de schéma et refus des bases étrangères, endommagées ou plus récentes."""

from __future__ import annotations

import sqlite3
from importlib import resources
from pathlib import Path

import pytest

from db.errors import NotAStoreError, StoreCorruptError, StoreTooNewError
from db.migrate import backup_sqlite, prepare_store
from db.schema import HEAD, REVISIONS
from db.store import Store
from roadmap_app.core.context import open_context
from tests.conftest import dump_store


def test_known_revisions_match_the_alembic_chain():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("db") / "migrations"))
    script = ScriptDirectory.from_config(cfg)
    chain = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    assert tuple(chain) == REVISIONS
    assert script.get_current_head() == HEAD


def test_models_and_migrations_describe_the_same_schema(db_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import db.models

    db.models.load_all()

    store = Store(db_path)
    with store.engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata
        )
    store.dispose()
    assert diff == []


def test_sqlite_store_uses_wal_and_foreign_keys(ctx):
    with ctx.store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_an_up_to_date_store_opens_without_importing_alembic(db_path):
    import subprocess
    import sys

    code = (
        "import sys; from roadmap_app.core.context import open_context; "
        f"c = open_context({str(db_path)!r}); c.close(); print('alembic' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


def test_a_store_from_a_newer_version_is_refused_untouched(db_path):
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    before = dump_store(db_path)
    with pytest.raises(StoreTooNewError, match="version plus récente"):
        open_context(db_path)
    assert dump_store(db_path) == before


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path):
    bad = tmp_path / "notes.sqlite3"
    bad.write_bytes(b"PK\x03\x04 ceci est un classeur, pas une base")
    with pytest.raises(NotAStoreError, match="n'est pas une base roadmap-app"):
        open_context(bad)
    assert bad.read_bytes().startswith(b"PK\x03\x04")


def test_a_foreign_sqlite_database_is_refused(tmp_path):
    other = tmp_path / "autre.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE clients (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(NotAStoreError, match="pas une base roadmap-app"):
        open_context(other)


def test_a_damaged_file_is_reported_not_repaired(db_path):
    data = bytearray(db_path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # en-tête de page abîmé
    db_path.write_bytes(bytes(data))
    with pytest.raises((StoreCorruptError, NotAStoreError)):
        store = Store(db_path)
        try:
            prepare_store(store)
        finally:
            store.dispose()
    assert db_path.read_bytes() == bytes(data)


def test_online_backup_is_a_consistent_copy(ctx, tmp_path):
    copy = backup_sqlite(ctx.store.path, tmp_path / "copie.sqlite3")
    assert sqlite3.connect(copy).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert sqlite3.connect(copy).execute("SELECT count(*) FROM action").fetchone() == (35,)


FIXTURES = sorted(
    (Path(__file__).resolve().parents[1] / "fixtures" / "stores").glob("schema_*.sqlite3")
)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_every_released_schema_opens_with_its_data_intact(fixture, tmp_path):
    """Chaque base de référence (voir tests/fixtures/stores) s'ouvre, est migrée si besoin, garde ses données."""
    import shutil

    from roadmap_app.plan.read import load_plan

    path = tmp_path / "store.sqlite3"
    shutil.copyfile(fixture, path)
    revision = fixture.stem.removeprefix("schema_")
    ctx = open_context(path)
    try:
        if revision != HEAD:
            assert ctx.prepared.migrated_from == revision
            assert ctx.prepared.backup is not None and ctx.prepared.backup.exists()
            # même contenu que la base d'origine (l'en-tête diffère : la copie est faite en mode WAL)
            assert dump_store(ctx.prepared.backup) == dump_store(fixture)
        plan = load_plan(ctx)
        assert len(list(plan.actions())) == 35
        lens = plan.action("EP-2.2").statuses[plan.bassin("Lensois").id]
        assert (lens.status, lens.progress, lens.note) == (
            "realise",
            100,
            "Comités de suivi arrêtés",
        )
        aud = plan.action("AI-4.1").statuses[plan.bassin("Audomarois").id]
        assert (aud.status, aud.progress) == ("en_cours", 40)
        assert plan.action("NU-3.2").statuses[plan.bassin("Montreuillois").id].status == "a_lancer"
    finally:
        ctx.close()
