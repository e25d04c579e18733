"""Arrêts brutaux : le processus qui écrit est tué (SIGKILL) à des moments quelconques, de nombreuses
fois ; la base reste intègre et chaque modification confirmée est présente.

Nombre d'arrêts : ROADMAP_CRASH_KILLS (30 par défaut ; une campagne plus longue se lance avec une
valeur plus grande).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.crash_writer import journaled

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
    finally:
        conn.close()
    lost = acknowledged - journaled(db_path)
    print(
        f"\nArrêts brutaux : {KILLS} ; écritures confirmées : {len(acknowledged)} ; perdues : {len(lost)}"
    )
    assert len(acknowledged) > KILLS  # le test a bien interrompu un flux d'écritures
    assert lost == set()
    # et l'application rouvre la base normalement
    from roadmap_app.core.context import open_context
    from roadmap_app.plan.read import load_plan

    ctx = open_context(db_path)
    assert len(list(load_plan(ctx).actions())) == 35
    ctx.close()


def test_a_restore_under_a_running_writer_is_refused_and_loses_nothing(db_path, tmp_path):
    """Restaurer pendant qu'un autre programme écrit : refusé (jamais un fichier remplacé sous
    ses pieds) ; chaque écriture confirmée reste ; une fois l'écrivain arrêté (tué), la
    restauration passe."""
    from roadmap_app.core.backup import backup_now
    from roadmap_app.core.context import open_context

    ctx = open_context(db_path)
    backup = backup_now(ctx, tmp_path / "sauvegarde.sqlite3")
    ctx.close()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.crash_writer", str(db_path), "0"],
        stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env,
    )  # fmt: skip
    assert writer.stdout is not None and writer.stdout.readline().strip() == "PRET"
    refused = 0
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, "-m", "roadmap_app", "--db", str(db_path), "restore", str(backup)],
            capture_output=True, text=True, cwd=ROOT, env=env, timeout=60,
        )  # fmt: skip
        assert result.returncode == 1, result.stderr
        assert "en cours d'utilisation par" in result.stderr and "Traceback" not in result.stderr
        refused += 1
    writer.send_signal(signal.SIGKILL)
    out, _ = writer.communicate(timeout=30)
    acknowledged = {int(line.split()[1]) for line in out.splitlines() if line.startswith("ACK ")}
    lost = acknowledged - journaled(db_path)
    print(f"\nRestaurations refusées sous un écrivain : {refused} ; écritures confirmées : "
          f"{len(acknowledged)} ; perdues : {len(lost)}")  # fmt: skip
    assert acknowledged and lost == set()
    # l'écrivain tué ne bloque plus rien : la restauration passe
    result = subprocess.run(
        [sys.executable, "-m", "roadmap_app", "--db", str(db_path), "restore", str(backup)],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
