"""Une base ouverte ailleurs n'est jamais remplacée : restauration (CLI), mise de côté, export ou
sauvegarde par-dessus ; le message dit qui l'utilise. Un programme tué ne bloque rien."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from roadmap_app.cli.main import main
from roadmap_app.core.backup import backup_now, restore_file
from roadmap_app.core.context import open_context
from roadmap_app.plan.read import load_plan
from tests.conftest import dump_store

ROOT = Path(__file__).resolve().parents[2]


def start_holder(db_path: Path, program: str = "roadmap-app — interface graphique"):
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.store_holder", str(db_path), program],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline().strip() == "PRET"
    return proc


def note(db_path: Path) -> str:
    ctx = open_context(db_path)
    try:
        plan = load_plan(ctx)
        return plan.action("EP-2.2").statuses[plan.bassin("Lensois").id].note
    finally:
        ctx.close()


def test_restore_is_refused_while_another_program_has_the_store_open(db_path, capsys):
    ctx = open_context(db_path)
    good = backup_now(ctx)
    ctx.close()
    holder = start_holder(db_path)
    try:
        assert holder.stdin is not None and holder.stdout is not None
        holder.stdin.write("ECRIS\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "ACK"  # écriture confirmée, encore dans le WAL
        wal = Path(f"{db_path}-wal")
        assert wal.exists()
        before = dump_store(db_path)
        assert main(["--db", str(db_path), "restore", str(good)]) == 1
        err = capsys.readouterr().err
        assert "en cours d'utilisation par" in err and "interface graphique" in err
        assert f"processus {holder.pid}" in err and "Rien n'a été modifié" in err
        assert wal.exists() and dump_store(db_path) == before  # ni la base ni son WAL touchés
        assert not list((db_path.parent / "sauvegardes").glob("*avant-restauration*"))
    finally:
        holder.stdin.close()  # type: ignore[union-attr]
        holder.wait(timeout=30)
    assert note(db_path) == "tenue-1"  # l'écriture confirmée n'est pas perdue
    # le programme fermé, la restauration passe
    assert main(["--db", str(db_path), "restore", str(good)]) == 0
    assert note(db_path) == ""


def test_a_killed_program_leaves_no_lock_behind(db_path):
    from db.lock import live_holders, usage_dir

    ctx = open_context(db_path)
    good = backup_now(ctx)
    ctx.close()
    holder = start_holder(db_path)
    assert len(live_holders(db_path)) == 1
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    assert live_holders(db_path) == []  # son inscription est périmée, et effacée au passage
    assert not list(usage_dir(db_path).glob("*.json"))
    assert restore_file(db_path, good) is not None


def test_a_foreign_sqlite_connection_also_blocks_the_replacement(db_path):
    from db.lock import StoreInUseError

    ctx = open_context(db_path)
    good = backup_now(ctx)
    ctx.close()
    other = sqlite3.connect(db_path)  # un outil SQLite quelconque, pas roadmap-app
    other.execute("SELECT count(*) FROM action").fetchone()
    before = dump_store(db_path)
    try:
        with pytest.raises(StoreInUseError, match="autre programme"):
            restore_file(db_path, good)
    finally:
        other.close()
    assert dump_store(db_path) == before
    assert restore_file(db_path, good) is not None


def test_the_program_that_restores_is_not_counted_against_itself(db_path):
    from db.lock import StoreInUseError

    ctx = open_context(db_path, usage="roadmap-app — interface graphique")
    good = backup_now(ctx)
    ctx.store.dispose()  # comme l'interface : connexions fermées, inscription gardée
    assert ctx.usage is not None
    with pytest.raises(StoreInUseError):  # sans dire qui il est, il se bloque lui-même
        restore_file(db_path, good)
    assert restore_file(db_path, good, own=ctx.usage) is not None
    ctx.close()


def test_opening_waits_for_a_replacement_in_progress_and_names_it(db_path, monkeypatch):
    from db import lock
    from db.lock import StoreInUseError

    monkeypatch.setattr(lock, "REGISTER_WAIT_S", 0.2)
    with (
        lock.replacing(db_path, "restaurer une sauvegarde"),
        pytest.raises(StoreInUseError, match="en cours de remplacement"),
    ):
        open_context(db_path)
    open_context(db_path).close()


def test_exports_and_backups_never_overwrite_an_open_store(db_path, tmp_path, capsys):
    from db.lock import StoreInUseError

    holder = start_holder(db_path, "roadmap-app — ligne de commande (actions)")
    other = tmp_path / "autre.sqlite3"
    try:
        open_context(other).close()
        before = db_path.read_bytes()
        for args in (
            ["--db", str(other), "export", "xlsx", str(db_path.with_suffix(".xlsx"))],
            ["--db", str(other), "backup", "--to", str(db_path)],
            ["--db", str(other), "flows", "export", str(db_path.with_suffix(".csv"))],
        ):
            # .xlsx / .csv : aucun conflit ; la base elle-même comme destination : refus
            if args[-1] == str(db_path):
                assert main(args) == 1
                assert "en cours d'utilisation" in capsys.readouterr().err
            else:
                assert main(args) == 0
        assert db_path.read_bytes() == before
        ctx = open_context(other)
        with pytest.raises(StoreInUseError):
            from roadmap_app.workshops.package import export_package

            export_package(ctx, db_path, "Lensois")
        ctx.close()
        assert db_path.read_bytes() == before
    finally:
        holder.stdin.close()  # type: ignore[union-attr]
        holder.wait(timeout=30)


def test_a_registration_records_who_where_and_since_when(db_path):
    from db.lock import StoreUsage, live_holders

    usage = StoreUsage.register(db_path, "roadmap-app — interface graphique")
    assert usage is not None
    try:
        (holder,) = live_holders(db_path)
        text = holder.describe()
        assert holder.pid == os.getpid() and "interface graphique" in text and " depuis le " in text
        assert holder.host and holder.user in text
    finally:
        usage.release()
    assert live_holders(db_path) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/mounts")
def test_a_store_on_a_network_share_is_refused_pointing_to_the_team_store(
    tmp_path, monkeypatch, capsys
):
    from db import network

    share = tmp_path / "partage réseau"
    share.mkdir()
    mounts = tmp_path / "mounts"
    escaped = str(share).replace(" ", "\\040")
    mounts.write_text(
        f"/dev/vda / ext4 rw 0 0\n//serveur/equipe {escaped} cifs rw,relatime 0 0\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(network, "MOUNTS", mounts)
    store = share / "roadmap.sqlite3"
    with pytest.raises(network.NetworkStoreError, match="PostgreSQL"):
        open_context(store)
    assert not store.exists()
    assert main(["--db", str(store), "--create", "actions", "list"]) == 1
    err = capsys.readouterr().err
    assert "partage réseau (cifs)" in err and "Base partagée" in err and err.count("\n") == 1
    assert network.network_share(tmp_path / "local.sqlite3") is None
    monkeypatch.setenv(network.ALLOW_ENV, "1")  # dérogation explicite, à ses risques
    open_context(store).close()
