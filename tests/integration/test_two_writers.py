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
from roadmap_app.services.context import AppContext, open_context
from roadmap_app.services.plan import load_plan
from roadmap_app.services.status import update_status
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
