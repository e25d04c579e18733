"""Un groupe de mesures dans un processus neuf ; imprime un dictionnaire JSON (secondes, Mo…).

python -m bench.measure roadmap|indicators|echeancier|snapshots|xlsx|merge|merge-flows|memory|dimensions BASE [ESSAIS]
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def memory(store: Path, charts: bool = True) -> dict[str, float]:
    """Une séance chargée : fenêtre, tableau de bord, Feuille de route, Comités, instantané, pack
    xlsx ; avec ``charts`` : aussi la page Flux BRSA et les graphiques du pack (matplotlib, à lui
    seul environ 70 Mo). Mémoire maximale du processus (RSS). Démarre comme ``roadmap-app``
    (roadmap_app.__main__ puis ui.app.run_gui)."""
    import resource
    import tempfile

    from roadmap_app.core.bulk import begin_startup, end_startup

    begin_startup()
    from PySide6.QtCore import QEventLoop

    from bench.scale import copy_of
    from roadmap_app.committees.pack import build_pack_data, export_pack
    from roadmap_app.committees.pack_xlsx import write_pack_xlsx
    from ui.app import make_application
    from ui.main_window import MainWindow

    app = make_application()
    with copy_of(store) as ctx, tempfile.TemporaryDirectory() as tmp:
        w = MainWindow(ctx)
        w.resize(1500, 900)
        w.show()
        app.processEvents()
        end_startup()
        for key in ("roadmap", "flows", "committees") if charts else ("roadmap", "committees"):
            w.show_page(key)
            app.processEvents()
        # comme dans la page Comités : « Nouvel instantané… » puis « Exporter le pack », ce
        # dernier en arrière-plan (ui.tasks) pendant que l'interface tourne
        page = w.pages["committees"]
        assert page.take_snapshot("Mesure mémoire", "COTECH", ctx.today())
        target = Path(tmp) / "pack.xlsx"
        outcome: list[object] = []
        page.tasks.run(
            page, "Export du pack de comité",
            (lambda progress: export_pack(ctx, target, None, progress)) if charts
            else (lambda progress: write_pack_xlsx(build_pack_data(ctx, charts=False), target, progress)),
            outcome.append, outcome.append,
        )  # fmt: skip
        while not outcome:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        assert outcome == [target], outcome
        w.close()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"peak_mb" if charts else "peak_mb_no_charts": peak_kb / 1024}


def dimensions(store: Path) -> dict[str, float]:
    from sqlalchemy import func
    from sqlmodel import select

    from db.models import Action, ActionBassin, Bassin, FlowValue, JournalEntry, Snapshot
    from roadmap_app.core.context import open_context

    ctx = open_context(store)
    try:
        with ctx.store.session() as s:

            def count(model: Any) -> float:
                return float(s.exec(select(func.count()).select_from(model)).one())

            return {
                "actions": count(Action), "bassins": count(Bassin), "cellules": count(ActionBassin),
                "journal": count(JournalEntry), "instantanés": count(Snapshot), "valeurs mensuelles": count(FlowValue),
            }  # fmt: skip
    finally:
        ctx.close()


def main() -> None:
    from bench import scale

    group, store = sys.argv[1], Path(sys.argv[2])
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    result: dict[str, float]
    if group == "roadmap":
        result = scale.roadmap_page(store, runs)
    elif group == "indicators":
        result = scale.indicators(store, runs)
    elif group == "echeancier":
        result = scale.echeancier_page(store, runs)
    elif group == "snapshots":
        result = scale.snapshots(store, runs)
    elif group == "xlsx":
        result = scale.xlsx_export(store, runs)
    elif group == "merge":
        result = scale.workshop_merge(store)
    elif group == "merge-flows":
        result = scale.workshop_merge(store, flows=1000)
    elif group == "memory":
        result = memory(store)
    elif group == "memory-no-charts":
        result = memory(store, charts=False)
    elif group == "dimensions":
        result = dimensions(store)
    else:
        raise SystemExit(f"groupe inconnu : {group}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
