"""Mesures sur une base (1×, 10×, 100×) : page Feuille de route, filtre, instantané, comparaison,
export du pack face à son plancher, fusion d'un paquet de 2 000 changements.

Chaque mesure travaille sur une copie de la base (la base générée n'est jamais modifiée).
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def median_runs(fn: Callable[[], float], runs: int) -> float:
    return statistics.median(fn() for _ in range(runs))


@contextmanager
def copy_of(store: Path) -> Iterator[Any]:
    from roadmap_app.core.context import open_context

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        path = Path(tmp) / "copie.sqlite3"
        shutil.copyfile(store, path)
        ctx = open_context(path, author="Mesure")
        try:
            yield ctx
        finally:
            ctx.close()


def roadmap_page(store: Path, runs: int) -> dict[str, float]:
    """Première présentation de la page (plan lu, arbre rempli et affiché) ; frappe dans le filtre."""
    from PySide6.QtWidgets import QApplication

    from ui.app import make_application
    from ui.pages.roadmap_page import RoadmapPage

    app = make_application()
    out: dict[str, float] = {}
    with copy_of(store) as ctx:

        def first() -> float:
            ctx.reads.clear()  # mesure à froid : sans la lecture du plan gardée par l'application
            t = time.perf_counter()
            page = RoadmapPage(ctx)
            page.resize(1400, 900)
            page.show()
            QApplication.processEvents()
            elapsed = time.perf_counter() - t
            page.close()
            page.deleteLater()
            QApplication.processEvents()
            return elapsed

        out["page_first_display"] = median_runs(first, runs)
        page = RoadmapPage(ctx)
        page.resize(1400, 900)
        page.show()
        app.processEvents()
        keys: list[float] = []
        for _ in range(max(1, runs // 2)):
            for word in ("diagnostic", "orientation"):
                for i in range(1, len(word) + 1):
                    t = time.perf_counter()
                    page.filters.search.setText(word[:i])  # comme une frappe : signal → filtre
                    app.processEvents()
                    keys.append(time.perf_counter() - t)
                page.filters.search.clear()
                app.processEvents()
        out["filter_keystroke"] = statistics.median(keys)
        page.close()
    return out


def indicators(store: Path, runs: int) -> dict[str, float]:
    """Panneau de détail : changement de sélection entre actions qui ont chacune 5 indicateurs
    (statuts, historique et indicateurs relus) ; page Indicateurs : premier affichage."""
    from PySide6.QtWidgets import QApplication

    from ui.app import make_application
    from ui.pages.indicators_page import IndicatorsPage
    from ui.pages.roadmap_page import RoadmapPage

    make_application()
    out: dict[str, float] = {}
    with copy_of(store) as ctx:
        page = RoadmapPage(ctx)
        page.resize(1400, 900)
        page.show()
        QApplication.processEvents()
        assert page.plan is not None
        # actions réparties dans tout le plan ; le panneau seul (statuts, historique, indicateurs
        # relus et peints), sans le défilement de l'arbre vers la ligne choisie
        actions = list(page.plan.actions())
        step = max(1, len(actions) // 20)
        rows = actions[::step][:20]
        times = []
        for _ in range(max(1, runs // 2)):
            for row in rows:
                t = time.perf_counter()
                page._show(row)
                QApplication.processEvents()
                times.append(time.perf_counter() - t)
        assert len(page.detail.indicators.linked) == 5
        out["detail_update"] = statistics.median(times)
        page.close()

        def first() -> float:
            t = time.perf_counter()
            p = IndicatorsPage(ctx)
            p.resize(1400, 900)
            p.show()
            QApplication.processEvents()
            elapsed = time.perf_counter() - t
            p.close()
            p.deleteLater()
            QApplication.processEvents()
            return elapsed

        out["indicators_page"] = median_runs(first, runs)
    return out


def echeancier_page(store: Path, runs: int) -> dict[str, float]:
    """Page Échéancier : premier affichage (lecture du plan et des dates clés, lignes, première
    peinture) ; un pas de zoom et un pas de défilement (horizontal et vertical), peinture
    comprise — la vue ne peint que les lignes visibles."""
    from PySide6.QtWidgets import QApplication

    from ui.app import make_application
    from ui.pages.echeancier_page import EcheancierPage

    app = make_application()
    out: dict[str, float] = {}
    with copy_of(store) as ctx:

        def first() -> float:
            ctx.reads.clear()  # à froid : le plan est relu
            t = time.perf_counter()
            page = EcheancierPage(ctx)
            page.resize(1366 - 210, 768 - 60)
            page.show()
            QApplication.processEvents()
            page.view.viewport().repaint()
            elapsed = time.perf_counter() - t
            page.close()
            page.deleteLater()
            QApplication.processEvents()
            return elapsed

        out["echeancier_first_paint"] = median_runs(first, runs)
        page = EcheancierPage(ctx)
        page.resize(1366 - 210, 768 - 60)
        page.show()
        app.processEvents()
        view = page.view
        zooms: list[float] = []
        for _ in range(max(2, runs)):
            for key in ("month", "year", "quarter"):
                t = time.perf_counter()
                view.set_zoom(key)
                view.viewport().repaint()
                zooms.append(time.perf_counter() - t)
        out["echeancier_zoom_step"] = statistics.median(zooms)
        pans: list[float] = []
        h, v = view.horizontalScrollBar(), view.verticalScrollBar()
        view.set_zoom("month")
        for i in range(10 * max(2, runs)):
            t = time.perf_counter()
            h.setValue((i * 97) % max(h.maximum(), 1))
            v.setValue((i * 1733) % max(v.maximum(), 1))
            view.viewport().repaint()
            pans.append(time.perf_counter() - t)
        out["echeancier_pan_step"] = statistics.median(pans)
        out["echeancier_rows"] = float(len(view.rows))
        page.close()
    return out


def snapshots(store: Path, runs: int) -> dict[str, float]:
    from roadmap_app.committees.snapshots import compare, create_snapshot, list_snapshots

    out: dict[str, float] = {}
    with copy_of(store) as ctx:
        counter = iter(range(1000))
        out["snapshot_create"] = median_runs(
            lambda: timed(
                lambda: create_snapshot(ctx, f"Mesure {next(counter)}", committee="COTECH")
            ),
            runs,
        )
        last = list_snapshots(ctx)[0]

        def diff() -> None:
            ctx.reads.clear()
            compare(ctx, last.id, None, last.name, "état actuel")  # comme la page Comités

        # la première lecture d'un instantané écrit son cache (committees.snapshot_cache) ; les
        # suivantes le relisent, comme un processus neuf qui l'a déjà lu
        out["snapshot_diff_first"] = timed(diff)
        out["snapshot_diff"] = median_runs(lambda: timed(diff), runs)

        def diff_warm() -> None:  # le plan déjà lu (en venant de la Feuille de route, par exemple)
            compare(ctx, last.id, None, last.name, "état actuel")

        diff_warm()
        out["snapshot_diff_warm"] = median_runs(lambda: timed(diff_warm), runs)
        # les instantanés du banc (« Comité n°… ») ont été figés avant les liens aux indicateurs :
        # tout lien y est nouveau (17 500 à 100×) ; celui qu'on vient de prendre les a figés
        latest = next(i for i in reversed(list_snapshots(ctx)) if i.name.startswith("Mesure "))

        def diff_latest() -> None:
            ctx.reads.clear()
            compare(ctx, latest.id, None, latest.name, "état actuel")

        out["snapshot_diff_latest"] = median_runs(lambda: timed(diff_latest), runs)
    return out


def _floor_write(cells: dict[str, list[list[Any]]], dest: Path) -> None:
    """Plancher : openpyxl en écriture seule, les mêmes valeurs, sans style ni mise en page."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for title, rows in cells.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(dest)


def xlsx_export(store: Path, runs: int) -> dict[str, float]:
    from openpyxl import load_workbook

    from roadmap_app.committees.pack import build_pack_data, export_pack
    from roadmap_app.committees.pack_xlsx import write_pack_xlsx

    out: dict[str, float] = {}
    with copy_of(store) as ctx, tempfile.TemporaryDirectory() as tmp:
        dest = Path(tmp) / "pack.xlsx"

        def data_cold() -> object:
            ctx.reads.clear()
            return build_pack_data(ctx, charts=False)

        out["xlsx_data"] = median_runs(lambda: timed(data_cold), runs)
        data = build_pack_data(ctx, charts=False)
        out["xlsx_write"] = median_runs(lambda: timed(lambda: write_pack_xlsx(data, dest)), runs)
        out["xlsx_export"] = out["xlsx_data"] + out["xlsx_write"]
        wb = load_workbook(dest, read_only=True)
        cells = {
            ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets
        }
        wb.close()
        out["xlsx_cells"] = float(sum(len(r) for rows in cells.values() for r in rows))
        floor = Path(tmp) / "plancher.xlsx"
        out["xlsx_floor"] = median_runs(lambda: timed(lambda: _floor_write(cells, floor)), runs)
        out["xlsx_export_with_charts"] = timed(lambda: export_pack(ctx, Path(tmp) / "complet.xlsx"))
    return out


def workshop_merge(store: Path, changes: int = 2000, flows: int = 0) -> dict[str, float]:
    """Paquet d'atelier d'un bassin, ``changes`` champs modifiés dedans (dont ``flows`` valeurs de
    flux mensuels, saisies comme sur la page Flux BRSA), puis aperçu + fusion."""
    from sqlmodel import select

    from db.models import ActionBassin
    from roadmap_app.core import journal
    from roadmap_app.core.context import open_context
    from roadmap_app.workshops.merge import apply_merge, plan_package_merge
    from roadmap_app.workshops.package import export_package

    out: dict[str, float] = {}
    with copy_of(store) as ctx, tempfile.TemporaryDirectory() as tmp:
        pkg = Path(tmp) / "atelier.atelier.sqlite3"
        export_package(ctx, pkg, "Lensois")
        other = open_context(pkg, author="Atelier")
        try:  # en séance : des statuts changés, journalisés comme par l'interface (une opération)
            with other.store.transaction() as s:
                cells = s.exec(select(ActionBassin).where(ActionBassin.bassin_id == 3)).all()[
                    : changes - flows
                ]
                log = []
                for cell in cells:
                    assert cell.id is not None
                    old, cell.status = (
                        cell.status,
                        ("realise" if cell.status != "realise" else "en_cours"),
                    )
                    cell.version += 1
                    s.add(cell)
                    log.append(
                        journal.FieldChange(
                            "action_bassin", cell.id, "", "status", old, cell.status
                        )
                    )
                journal.record(s, log, author="Atelier", label="Revue en séance", source="gui")
            if flows:
                _workshop_flows(other, flows)
        finally:
            other.close()
        t = time.perf_counter()
        plan = plan_package_merge(ctx, pkg)
        out["merge_plan"] = time.perf_counter() - t
        t2 = time.perf_counter()
        apply_merge(ctx, plan, {c.key: "theirs" for c in plan.conflicts})  # type: ignore[misc]
        out["merge_apply"] = time.perf_counter() - t2
        out["merge_total"] = time.perf_counter() - t
        out["merge_changes"] = float(len(plan.to_apply))
    if flows:
        return {f"{k}_flows": v for k, v in out.items()}
    return out


def _workshop_flows(ctx: Any, count: int) -> None:
    """``count`` valeurs de flux du bassin n°3 relevées de 1 (totaux et nombres sans part au-dessus :
    les règles des mois restent tenues), en une saisie journalisée."""
    from sqlalchemy import text

    from roadmap_app.flows.service import FlowChange, write_changes

    safe = ("entrants", "orientes", "contrats_signes", "sortants", "retours_emploi", "stock", "suivis_ft",
            "suivis_cd", "delai_premier_entretien", "delai_premiere_action")  # fmt: skip
    with ctx.store.session() as s:
        rows = s.connection().execute(text(
            "SELECT month, indicator, value FROM flow_value WHERE bassin_id = 3 AND value IS NOT NULL "
            f"AND indicator IN ({', '.join(repr(c) for c in safe)}) ORDER BY month DESC, indicator"
        )).all()[:count]  # fmt: skip
    write_changes(ctx, [FlowChange(3, date.fromisoformat(str(m)[:10]), code, float(v) + 1) for m, code, v in rows],
                  label="Flux saisis en séance", author="Atelier")  # fmt: skip
