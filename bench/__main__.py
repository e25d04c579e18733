"""``make bench`` : mesures au format tableau (médiane de plusieurs essais).

Le démarrage est mesuré dans des processus neufs, comparé à un plancher mesuré dans la même
exécution (script minimal PySide6 + SQLModel qui affiche les actions dans un QTreeView).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def median_of(fn: Callable[[], float], runs: int = RUNS) -> float:
    return statistics.median(fn() for _ in range(runs))


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def probe(kind: str, db: Path) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-m", "bench.startup_probe", kind, str(db)],
        check=True, capture_output=True, text=True, env=env,
    )  # fmt: skip
    for line in out.stderr.splitlines():
        if "modules lourds" in line:
            print("  ", line)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ROADMAP_APP_HOME"] = tmp
        db = Path(tmp) / "roadmap.sqlite3"
        from roadmap_app.services.context import open_context

        create = timed(lambda: open_context(db).close())
        rows: list[tuple[str, str]] = [
            ("création de la base + jeu initial (1×)", f"{create * 1000:.0f} ms")
        ]

        from roadmap_app.services.filters import ActionFilter
        from roadmap_app.services.plan import load_plan

        ctx = open_context(db)
        load = median_of(lambda: timed(lambda: load_plan(ctx)))
        rows.append(("lecture du plan (1×)", f"{load * 1000:.1f} ms"))
        plan = load_plan(ctx)
        flt = ActionFilter(text="diagnostic", overdue_only=True)
        filt = median_of(
            lambda: timed(lambda: [a for a in plan.actions() if flt.matches(a, plan.today)])
        )
        rows.append(("filtre texte + retard sur le plan (1×)", f"{filt * 1000:.2f} ms"))
        ctx.close()

        floor = median_of(lambda: probe("floor", db))
        app = median_of(lambda: probe("app", db))
        rows.append(("démarrage : plancher (PySide6 + SQLModel + QTreeView)", f"{floor:.2f} s"))
        rows.append(("démarrage : application, page Feuille de route affichée", f"{app:.2f} s"))
        rows.append(("rapport application / plancher (objectif ≤ 1,3)", f"{app / floor:.2f}"))

    width = max(len(r[0]) for r in rows)
    print(f"Mesures (médiane de {RUNS} essais)")
    for label, value in rows:
        print(f"  {label.ljust(width)}  {value}")


if __name__ == "__main__":
    main()
