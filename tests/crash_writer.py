"""Processus écrivain pour le test de coupure brutale : écrit sans fin, annonce chaque écriture validée.

    python -m tests.crash_writer BASE DEBUT

Chaque modification change la note d'une cellule (« ack-N ») ; « ACK N » n'est imprimé qu'après
la validation de la transaction. Le test tue ce processus (SIGKILL) à un moment quelconque.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path


def journaled(path: Path) -> set[int]:
    """Les numéros N des notes « ack-N » inscrites au journal de la base par les écrivains."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT new_value FROM journal_entry WHERE field = 'note' AND author = 'Écrivain'"
        ).fetchall()
    finally:
        conn.close()
    return {int(json.loads(v).removeprefix("ack-")) for (v,) in rows}


def main() -> None:
    from roadmap_app.core.context import open_context
    from roadmap_app.plan.read import load_plan
    from roadmap_app.plan.status import update_status

    ctx = open_context(sys.argv[1], author="Écrivain")
    n = int(sys.argv[2])
    plan = load_plan(ctx)
    cells = [(a.code, b.name) for a in plan.actions() for b in plan.bassins]
    print("PRET", flush=True)
    while True:
        code, bassin = cells[n % len(cells)]
        update_status(ctx, code, bassin, note=f"ack-{n}", progress=n % 101, record_undo=False)
        print(f"ACK {n}", flush=True)
        n += 1


if __name__ == "__main__":
    main()
