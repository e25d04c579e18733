"""Deux programmes sur la même base : attente du verrou, message clair, jamais de mise à jour perdue."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from db.errors import StaleDataError, StoreBusyError
from db.store import Store
from roadmap_app.core.context import AppContext, open_context
from roadmap_app.plan.read import load_plan
from roadmap_app.plan.status import update_status
from tests.conftest import dump_store

ROOT = Path(__file__).resolve().parents[2]


def hold_write_lock(path: Path, seconds: float, ready: threading.Event) -> None:
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    ready.set()
    time.sleep(seconds)
    conn.execute("ROLLBACK")
    conn.close()


def test_a_short_lock_held_by_another_program_is_waited_for(db_path):
    ctx = open_context(db_path)
    ready = threading.Event()
    t = threading.Thread(target=hold_write_lock, args=(db_path, 0.5, ready))
    t.start()
    ready.wait()
    started = time.monotonic()
    update_status(ctx, "EP-2.2", "Lensois", status="en_cours")  # attend la libération, puis écrit
    assert time.monotonic() - started >= 0.3
    t.join()
    assert (
        load_plan(ctx).action("EP-2.2").statuses[load_plan(ctx).bassin("Lensois").id].status
        == "en_cours"
    )
    ctx.close()


def test_a_lock_held_too_long_gives_a_french_message_and_writes_nothing(db_path):
    ready = threading.Event()
    t = threading.Thread(target=hold_write_lock, args=(db_path, 2.0, ready))
    t.start()
    ready.wait()
    before = dump_store(db_path)
    ctx = AppContext(store=Store(db_path, busy_timeout_ms=300), author="Testeur")
    with pytest.raises(StoreBusyError, match="occupée par une autre application"):
        update_status(ctx, "EP-2.2", "Lensois", status="en_cours")
    ctx.close()
    t.join()
    assert dump_store(db_path) == before


def test_a_change_made_by_the_cli_in_another_process_is_never_overwritten(db_path):
    ctx = open_context(db_path, author="Interface")
    plan = load_plan(ctx)
    seen = plan.action("GP-3.1").statuses[plan.bassin("Lensois").id].version
    subprocess.run(
        [sys.executable, "-m", "roadmap_app", "--db", str(db_path), "actions", "set", "GP-3.1", "--bassin", "Lensois",
         "--status", "abandonne", "--author", "Autre poste"],
        check=True, cwd=ROOT, capture_output=True,
    )  # fmt: skip
    with pytest.raises(StaleDataError, match="Autre poste"):
        update_status(ctx, "GP-3.1", "Lensois", status="en_cours", expected_version=seen)
    assert load_plan(ctx).action("GP-3.1").statuses[plan.bassin("Lensois").id].status == "abandonne"
    ctx.close()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_two_programs_writing_at_once_lose_nothing(db_path):
    """Deux écrivains en même temps (forme courte de la campagne de 2 100 écritures) : chaque
    écriture confirmée est dans la base, puis tués au milieu de leurs écritures."""
    import os
    import signal

    from tests.crash_writer import journaled

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "tests.crash_writer", str(db_path)]
    writers = [
        subprocess.Popen(
            [*command, str(start)], stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env
        )
        for start in (0, 1_000_000)
    ]
    for w in writers:
        assert w.stdout is not None and w.stdout.readline().strip() == "PRET"
    # Chaque écrivain est lu par un fil ; on tue les deux quand chacun a confirmé quelques
    # écritures (et pas après un temps fixe : sur une machine chargée, l'un pouvait n'avoir rien
    # écrit au bout de 2 s).
    seen: list[list[int]] = [[], []]

    def read(w: subprocess.Popen[str], into: list[int]) -> None:
        assert w.stdout is not None
        for line in w.stdout:
            if line.startswith("ACK "):
                into.append(int(line.split()[1]))

    readers = [threading.Thread(target=read, args=(w, seen[i])) for i, w in enumerate(writers)]
    for r in readers:
        r.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and min(len(s) for s in seen) < 20:
        time.sleep(0.05)
    for w in writers:
        w.send_signal(signal.SIGKILL)
    for w, r in zip(writers, readers, strict=True):
        w.wait(timeout=30)
        r.join(timeout=30)
    acknowledged: set[int] = set(seen[0]) | set(seen[1])
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()
    lost = acknowledged - journaled(db_path)
    print(f"\nDeux écrivains : {len(acknowledged)} écritures confirmées ; perdues : {len(lost)}")
    assert {n < 1_000_000 for n in acknowledged} == {True, False}  # les deux ont écrit
    assert lost == set()
