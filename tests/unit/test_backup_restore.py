"""Sauvegardes cohérentes, rotation, restauration vérifiée, base endommagée jamais réparée sur place."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime, timedelta

import pytest

from db import backup as db_backup
from db.errors import NotAStoreError, StoreCorruptError, StoreTooNewError
from roadmap_app.cli.main import main
from roadmap_app.core.backup import auto_backup_if_due, backup_now, restore_file
from roadmap_app.core.context import open_context
from roadmap_app.plan.read import load_plan
from roadmap_app.plan.status import update_status
from tests.conftest import dump_store
from tests.garbage import damage_index_root


def status(path, code, bassin):
    ctx = open_context(path)
    try:
        plan = load_plan(ctx)
        return plan.action(code).statuses[plan.bassin(bassin).id].status
    finally:
        ctx.close()


def test_a_backup_is_consistent_while_the_store_is_open_and_being_written(ctx, db_path):
    update_status(
        ctx, "EP-2.2", "Lensois", status="realise"
    )  # dans le journal WAL, pas encore dans le fichier
    copy = backup_now(ctx)
    assert copy.parent.name == "sauvegardes" and "-manuelle-" in copy.name
    assert sqlite3.connect(copy).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert status(copy, "EP-2.2", "Lensois") == "realise"


def test_automatic_backups_are_daily_and_rotated(ctx, db_path):
    t0 = datetime(2025, 1, 1, 8)
    assert auto_backup_if_due(ctx, t0) is not None
    assert auto_backup_if_due(ctx, t0 + timedelta(hours=3)) is None  # moins d'un jour : rien
    for day in range(1, 15):
        db_backup.make_backup(db_path, "auto", now=t0 + timedelta(days=day))
    backup_now(ctx)  # une sauvegarde manuelle n'est jamais supprimée par la rotation
    kinds = [b.kind for b in db_backup.list_backups(db_path)]
    assert kinds.count("auto") == db_backup.KEEP_AUTO
    assert kinds.count("manuelle") == 1


def test_restore_replaces_the_store_and_keeps_the_previous_one(ctx, db_path, capsys):
    copy = backup_now(ctx)
    update_status(ctx, "EP-2.2", "Lensois", status="abandonne")
    ctx.close()
    assert main(["--db", str(db_path), "restore", str(copy)]) == 0
    out = capsys.readouterr().out
    assert "Base restaurée" in out and "conservée" in out
    assert status(db_path, "EP-2.2", "Lensois") == "a_lancer"
    kept = [b for b in db_backup.list_backups(db_path) if b.kind == "avant-restauration"]
    assert len(kept) == 1 and status(kept[0].path, "EP-2.2", "Lensois") == "abandonne"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "vide"),
        (b"PK\x03\x04 pas une base", "pas une base"),
        (None, "pas une base roadmap-app"),  # une base SQLite étrangère
        ("newer", "plus récente"),
        ("truncated", "endommagée|illisible"),
    ],
)
def test_a_bad_backup_is_refused_and_the_store_is_untouched(
    ctx, db_path, tmp_path, content, message, capsys
):
    bad = tmp_path / "mauvaise.sqlite3"
    if content is None:
        conn = sqlite3.connect(bad)
        conn.execute("CREATE TABLE x (a)")
        conn.commit()
        conn.close()
    elif content == "newer":
        shutil.copyfile(backup_now(ctx), bad)
        conn = sqlite3.connect(bad)
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
        conn.commit()
        conn.close()
    elif content == "truncated":
        bad.write_bytes(backup_now(ctx).read_bytes()[:12000])
    else:
        bad.write_bytes(content)
    ctx.close()
    before = dump_store(db_path)
    assert main(["--db", str(db_path), "restore", str(bad)]) == 2
    import re

    assert re.search(message, capsys.readouterr().err)
    assert dump_store(db_path) == before


def corrupt(path):
    """Abîme les en-têtes de pages au milieu du fichier (comme un secteur de disque défectueux)."""
    data = bytearray(path.read_bytes())
    page = 4096
    for p in range(3, min(12, len(data) // page)):
        data[p * page : p * page + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))


def test_the_integrity_check_can_run_in_background_and_still_refuses_a_damaged_store(ctx, db_path):
    from db.migrate import PrepareResult

    ctx.close()
    sound = open_context(db_path, check_later=True)
    assert sound.prepared.check is not None
    sound.prepared.confirm()  # base saine : rien à signaler
    sound.close()
    damage_index_root(db_path)  # un index du journal : seul quick_check le voit
    damaged = db_path.read_bytes()
    with pytest.raises(StoreCorruptError, match="endommagée"):
        open_context(db_path)  # vérification immédiate (CLI, services)
    later = open_context(db_path, check_later=True)  # interface : la vérification court en fond
    with pytest.raises(StoreCorruptError, match=r"endommagée \(Page \d+: "):
        later.prepared.confirm()
    later.close()
    assert db_path.read_bytes() == damaged
    assert PrepareResult().check is None  # rien à attendre sans vérification en cours


def test_a_damaged_store_is_detected_at_start_and_never_repaired_in_place(ctx, db_path, capsys):
    good = backup_now(ctx)
    ctx.close()
    sqlite3.connect(db_path).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    corrupt(db_path)
    damaged = db_path.read_bytes()
    with pytest.raises((StoreCorruptError, NotAStoreError)):
        open_context(db_path)
    assert db_path.read_bytes() == damaged  # rien n'a été « réparé »
    assert main(["--db", str(db_path), "actions", "list"]) == 1
    assert "endommagée" in capsys.readouterr().err
    # la restauration met la base endommagée de côté et reprend la dernière bonne sauvegarde
    assert db_backup.latest_good_backup(db_path).path == good
    kept = restore_file(db_path, good, damaged=True)
    assert kept is not None and ".endommagee-" in kept.name and kept.read_bytes() == damaged
    assert status(db_path, "EP-1.1", "Lensois") == "a_securiser"


def test_check_store_file_reports_each_problem(ctx, tmp_path):
    good = backup_now(ctx)
    assert db_backup.check_store_file(good, full=True)
    newer = tmp_path / "n.sqlite3"
    shutil.copyfile(good, newer)
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num='9999'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreTooNewError):
        db_backup.check_store_file(newer)


def _variants(path, tmp_path):
    """Chaque manière d'abîmer une base, appliquée à une copie ; renvoie (nom, fichier)."""
    import random

    data = path.read_bytes()
    page = 4096
    out = []

    def put(name, content):
        p = tmp_path / f"{name}.sqlite3"
        p.write_bytes(content)
        out.append((name, p))

    put("vide", b"")
    put("tronquee-moitie", data[: len(data) // 2])
    put("tronquee-en-tete", data[:50])
    put("en-tete-ecrase", b"\x00" * 100 + data[100:])
    put("signature-effacee", b"XXXXXXXXXXXXXXXX" + data[16:])
    d = bytearray(data)
    for p in range(2, min(20, len(d) // page)):
        d[p * page : p * page + 8] = b"\xff" * 8
    put("entetes-de-pages", bytes(d))
    d = bytearray(data)
    d[len(d) // 2 :] = b"\x00" * (len(d) - len(d) // 2)
    put("seconde-moitie-a-zero", bytes(d))
    rng = random.Random(62)
    for i in range(8):
        d = bytearray(data)
        for _ in range(200):
            pos = rng.randrange(100, len(d))
            d[pos] = rng.randrange(256)
        put(f"octets-aleatoires-{i}", bytes(d))
    return out


def test_every_kind_of_damage_gives_a_french_message_or_opens_intact_never_a_crash(
    ctx, db_path, tmp_path
):
    """Cas de corruption essayés : la base s'ouvre (dommage indétectable par SQLite) ou est refusée
    avec un message français ; elle n'est jamais modifiée par l'ouverture."""
    from db.errors import StoreError

    ctx.close()
    sqlite3.connect(db_path).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    tried = refused = 0
    for name, bad in _variants(db_path, tmp_path):
        before = bad.read_bytes()
        tried += 1
        try:
            opened = open_context(bad)
        except StoreError as err:
            refused += 1
            assert any(w in str(err) for w in ("endommagée", "n'est pas une base", "vide")), (
                name,
                str(err),
            )
        else:
            opened.close()
        assert bad.read_bytes() == before, name
    assert tried == 15 and refused >= 7


def test_a_wal_file_from_another_database_is_ignored_not_applied(ctx, db_path, tmp_path):
    other = open_context(tmp_path / "autre.sqlite3")
    update_status(other, "EP-2.2", "Lensois", status="abandonne")
    wal = (tmp_path / "autre.sqlite3-wal").read_bytes()
    other.close()
    ctx.close()
    sqlite3.connect(db_path).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    (db_path.parent / (db_path.name + "-wal")).write_bytes(wal)
    assert status(db_path, "EP-2.2", "Lensois") == "a_lancer"
