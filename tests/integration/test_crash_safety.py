"""Arrêts brutaux : le processus qui écrit est tué (SIGKILL) à des moments quelconques, de nombreuses
fois ; la base reste intègre et chaque modification confirmée est présente.

Nombre d'arrêts : ROADMAP_CRASH_KILLS (30 par défaut ; une campagne plus longue se lance avec une
valeur plus grande).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KILLS = int(os.environ.get("ROADMAP_CRASH_KILLS", "30"))

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")


def test_the_store_survives_repeated_sigkill_without_losing_any_acknowledged_change(db_path):
    rng = random.Random(2025)
    acknowledged: set[int] = set()
    next_n = 0
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for _kill in range(KILLS):
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.crash_writer", str(db_path), str(next_n)],
            stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env,
        )  # fmt: skip
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "PRET"
        deadline = time.monotonic() + rng.uniform(0.02, 0.4)
        while time.monotonic() < deadline:
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=30)
        for line in out.splitlines():
            if line.startswith("ACK "):
                acknowledged.add(int(line.split()[1]))
        next_n = max(acknowledged, default=next_n - 1) + 2  # les numéros ne se répètent jamais

    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        notes = {
            json.loads(v)
            for (v,) in conn.execute(
                "SELECT new_value FROM journal_entry WHERE field = 'note' AND author = 'Écrivain'"
            )
        }
    finally:
        conn.close()
    present = {int(n.removeprefix("ack-")) for n in notes}
    lost = acknowledged - present
    print(
        f"\nArrêts brutaux : {KILLS} ; écritures confirmées : {len(acknowledged)} ; perdues : {len(lost)}"
    )
    assert len(acknowledged) > KILLS  # le test a bien interrompu un flux d'écritures
    assert lost == set()
    # et l'application rouvre la base normalement
    from roadmap_app.services.context import open_context
    from roadmap_app.services.plan import load_plan

    ctx = open_context(db_path)
    assert len(list(load_plan(ctx).actions())) == 35
    ctx.close()
