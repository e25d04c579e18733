"""Captures d'écran hors écran de chaque page (guide d'utilisation, README, relecture visuelle).

    QT_QPA_PLATFORM=offscreen python -m ui.screenshots --dialogs   # → docs/guide/captures

Sans dossier, les captures vont là où le guide les attend (``guide/captures``, c'est-à-dire
``docs/guide/captures`` dans le dépôt).

Utilise une base neuve (jeu initial) dans un dossier temporaire, sauf ``--db``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _roadmap(page: Any) -> None:
    page.filters.bassin.setCurrentIndex(page.filters.bassin.findText("Lensois"))
    page.filters.overdue.setChecked(True)
    codes = page.visible_action_codes()
    if codes:
        page.select_code(codes[1] if len(codes) > 1 else codes[0])


def _committees(page: Any) -> None:
    from datetime import date

    from roadmap_app.plan.status import update_status

    ctx = page.ctx
    page.take_snapshot("COTECH de juin 2024", "COTECH", date(2024, 6, 12))
    update_status(
        ctx,
        "EP-2.2",
        "Lensois",
        status="realise",
        progress=100,
        note="Comités de suivi arrêtés",
        record_undo=False,
    )
    update_status(ctx, "AI-3.1", "Audomarois", status="en_cours", progress=40, record_undo=False)
    update_status(
        ctx,
        "NU-2.2",
        "Montreuillois",
        status="a_securiser",
        note="Convention en attente",
        record_undo=False,
    )
    page.refresh()


def _workshops(page: Any) -> None:
    from datetime import date

    from roadmap_app.plan.status import update_status
    from roadmap_app.workshops.ateliers import create_atelier

    ctx = page.ctx
    a = create_atelier(
        ctx, "Lensois", date(2024, 10, 15), place="Lens, salle du conseil",
        participants="Département (SLAI Lens-Liévin)\nFrance Travail Lens Gare, Lens Laloux, Liévin\nMission locale\nCAF",
    )  # fmt: skip
    update_status(
        ctx,
        "AI-1.1",
        "Lensois",
        status="en_cours",
        progress=30,
        note="Diagnostic partagé en test",
        atelier_id=a.id,
        record_undo=False,
    )
    update_status(ctx, "AI-1.2", "Lensois", status="realise", atelier_id=a.id, record_undo=False)
    page.refresh()
    page.select_atelier(a.id)


def _review(window: Any) -> Any:
    page = window.show_page("workshops")
    dialog = page.review()
    if dialog is not None:
        dialog.showNormal()  # taille de l'écran des captures (plein écran sur un vrai écran)
        dialog.resize(window.size())
        dialog.axe.setCurrentIndex(dialog.axe.findData("AI"))
    return dialog


def _demo_month(target: float, wave: float) -> dict[str, float]:
    """Un mois plausible (contrôles de saisie respectés) autour de la cible mensuelle d'entrants ;
    ``wave`` (0 à 1) le fait varier d'un mois à l'autre."""
    entrants = round(target * (0.8 + 0.4 * wave))
    orientes = round(entrants * 0.9)
    ft = round(orientes * 0.5)
    rest = orientes - ft
    emploi = round(rest * 0.3)
    equilibre = round((rest - emploi) * 0.55)
    return {
        "entrants": entrants, "orientes": orientes, "orientes_ft": ft,
        "orientes_cd_emploi": emploi, "orientes_cd_equilibre": equilibre,
        "orientes_cd_remobilisation": rest - emploi - equilibre,
        "orientes_15j": round(orientes * 0.8), "delai_premier_entretien": round(20 + 15 * wave),
        "delai_premiere_action": round(12 + 10 * wave), "contrats_signes": round(orientes * 0.7),
        "sortants": round(entrants * (0.7 + 0.3 * wave)), "accompagnement_intensif": 40.0,
        "heures_activite": 12.0, "retours_emploi": round(entrants * 0.2),
        "stock": round(target * 45), "suivis_ft": round(target / 11 * 65),
        "suivis_cd": round(target / 13.5 * 60),
    }  # fmt: skip


def _demo_flows(ctx: Any) -> None:
    """Douze mois de flux de démonstration (octobre 2023 à septembre 2024), saisis par le service
    des flux comme une saisie ordinaire, dans la base temporaire des captures uniquement."""
    from datetime import date

    from roadmap_app.flows.chart_data import month_range
    from roadmap_app.flows.series import bassins, entrants_target, load_series, load_targets
    from roadmap_app.flows.service import set_month

    if load_series(ctx, "Lensois").months:
        return
    last = date(2024, 9, 1)
    targets = load_targets(ctx)
    for b in bassins(ctx):
        t = entrants_target(targets, b.id, last)
        target = t.value if t else 60.0
        for i, month in enumerate(month_range(date(2023, 9, 1), last)[1:]):
            wave = ((i * 7 + b.id) % 5) / 4
            set_month(ctx, b.id, month, _demo_month(target, wave), record_undo=False, source="démonstration")


def _dashboard(page: Any) -> None:
    _demo_flows(page.ctx)
    page.refresh()


def _flows(page: Any) -> None:
    _demo_flows(page.ctx)
    page.refresh()
    page.select_bassin(page.bassin.itemData(page.bassin.findText("Lensois")))
    page.tabs.setCurrentIndex(0)
    page.table.scrollToBottom()


def _echeancier(page: Any) -> None:
    """Une échéance reportée depuis le COTECH de juin (instantané pris par la scène des Comités) :
    la barre fine de la référence montre le glissement ; statuts du Lensois."""
    from roadmap_app.plan.edit_actions import ActionFields, edit_action

    edit_action(page.ctx, "EP-4.1", ActionFields(echeance_label="1er semestre 2025"),
                record_undo=False)  # fmt: skip
    names = [page.reference.itemData(i) for i in range(page.reference.count())]
    page.set_baseline("COTECH de juin 2024" if "COTECH de juin 2024" in names else None)
    page.filters.bassin.setCurrentIndex(page.filters.bassin.findText("Lensois"))


#: Taille des captures : l'écran du portable le plus courant dans les administrations, pour que
#: le guide montre ce que voient les utilisateurs.
SCREEN = (1366, 768)

#: Mise en situation de chaque page avant la capture (clé de page → préparation).
SCENES: dict[str, Callable[[Any], None]] = {
    "dashboard": _dashboard,
    "flows": _flows,
    "roadmap": _roadmap,
    "committees": _committees,
    "workshops": _workshops,
    "echeancier": _echeancier,
}

#: Captures de fenêtres secondaires : nom → fonction (fenêtre principale) → widget à capturer.
EXTRAS: dict[str, Callable[[Any], Any]] = {"revue-atelier": _review}


def _edit_action(window: Any) -> Any:
    page = window.show_page("roadmap")
    page.filters.clear()
    page.select_code("EP-2.2")
    return page.editor.edit_current()


def _move_action(window: Any) -> Any:
    page = window.show_page("roadmap")
    page.filters.clear()
    page.select_code("AI-3.2")
    return page.editor.move_current()


def _new_cible(window: Any) -> Any:
    page = window.show_page("roadmap")
    page.filters.clear()
    page.select_code("ME-2.1")
    return page.editor.add_cible()


def _bassins(window: Any) -> Any:
    return window.open_bassins()


def _add_bassin(window: Any) -> Any:
    dialog = window.open_bassins()
    child = dialog.add_bassin()
    child.name.setCurrentText("Arrageois")
    return child


def _new_roadmap(window: Any) -> Any:
    return window.open_new_roadmap()


def _indicator_steps(window: Any) -> Any:
    """Référence et cibles de M2 (celles de la scène de la page Indicateurs, s'il y en a)."""
    page = window.show_page("indicators")
    page.select_code("M2")
    return page.edit_steps()


#: Boîtes de dialogue capturées après les pages (nom du fichier → ouverture de la boîte).
DIALOG_SCENES: dict[str, Callable[[Any], Any]] = {
    "dialog_action": _edit_action,
    "dialog_move": _move_action,
    "dialog_cible": _new_cible,
    "dialog_bassins": _bassins,
    "dialog_add_bassin": _add_bassin,
    "dialog_new_roadmap": _new_roadmap,
    "dialog_indicator_steps": _indicator_steps,
}


def _finance(page: Any) -> None:
    """Volet 3 avec quelques dépenses et l'avance : consommation, alerte et graphique visibles."""
    from roadmap_app.finance.edit import (
        ExpenseInput,
        PaymentInput,
        add_expense,
        add_payment,
    )

    page.select_volet(3)
    vf = page.vf
    by_amount = {ln.montant_cents: ln for ln in vf.plan_lines}
    if not vf.expenses:
        ctx = page.ctx
        add_expense(
            ctx,
            3,
            ExpenseInput(
                line_id=by_amount[25_000_000].id,
                nature="Accompagnement délégué – structures du PDI",
                unite="ETP",
                units="10",
                unit_cost="12 500",
                period="2nd semestre 2024",
                objet="Conventions avec les organismes référents",
            ),
            record_undo=False,
        )
        add_expense(
            ctx,
            3,
            ExpenseInput(
                line_id=by_amount[14_875_000].id,
                nature="Ateliers collectifs d'activités",
                unite="place",
                units="190",
                unit_cost="790",
                period="01/07/2024 – 31/12/2024",
                objet="Marché ateliers",
            ),
            record_undo=False,
        )
        add_payment(
            ctx,
            3,
            PaymentInput("avance", "371 250", "01/10/2024", "Titre 2024-518"),
            record_undo=False,
        )
        page.refresh()
    page.tabs.setCurrentIndex(2)
    page.update_chart()


def _indicators(page: Any) -> None:
    """Deux actions liées à des indicateurs nationaux, des valeurs mensuelles et des cibles."""
    from datetime import date

    from roadmap_app.indicators import service as svc

    ctx = page.ctx
    svc.link(ctx, "EP-1.1", "M2", kind="tdb", record_undo=False)
    svc.link(ctx, "EP-2.1", "M2", kind="tdb", record_undo=False)
    svc.link(ctx, "AI-1.1", "M5", kind="tdb", record_undo=False)
    svc.set_step(ctx, "M2", "baseline", 45, day=date(2023, 12, 31), record_undo=False)
    svc.set_step(ctx, "M2", "target", 35, year=2024, record_undo=False)
    svc.set_step(ctx, "M2", "target", 30, year=2025, record_undo=False)
    svc.set_step(ctx, "M5", "target", 20, year=2024, record_undo=False)
    start = {"Montreuillois": 44, "Audomarois": 47, "Lensois": 41}
    items = [svc.ValueInput("M2", b, date(2024, m, 1), v0 - (m - 1) * (1.2 if b != "Audomarois" else 0.6))
             for b, v0 in start.items() for m in range(1, 10)]  # fmt: skip
    items += [svc.ValueInput("M5", b, date(2024, m, 1), v) for b, v in (("Lensois", 22), ("Audomarois", 14))
              for m in (7, 8, 9)]  # fmt: skip
    # M2 ne fait qu'un avec le flux « délai jusqu'au premier entretien », déjà rempli par la scène
    # des flux : ces valeurs le corrigent (une tendance lisible sur la courbe)
    svc.set_values(ctx, items, replace=True, record_undo=False)
    page.refresh()
    page.table.selectRow(0)
    for r in range(page.model.rowCount()):
        row = page.model.row_at(r)
        if row is not None and row.state.indicator.code == "M2" and row.state.where == "Lensois":
            page.table.selectRow(r)
            break


#: Mise en situation de chaque page avant la capture (clé de page → préparation).
SCENES["finance"] = _finance
SCENES["indicators"] = _indicators


def capture(
    out_dir: Path,
    db: str | None = None,
    size: tuple[int, int] = SCREEN,
    dialogs: bool = False,
) -> list[Path]:
    from roadmap_app.core.context import open_context
    from ui.app import make_application
    from ui.main_window import MainWindow

    out_dir.mkdir(parents=True, exist_ok=True)
    # Date fixe : des captures reproductibles, prises au milieu de l'expérimentation.
    os.environ.setdefault("ROADMAP_APP_TODAY", "2024-10-15")
    with tempfile.TemporaryDirectory() as home:
        if db is None:
            os.environ["ROADMAP_APP_HOME"] = home
        app = make_application()
        ctx = open_context(db)
        window = MainWindow(ctx)
        # la fenêtre d'un premier lancement s'agrandit à l'écran (800×800 hors écran) : les
        # captures veulent la taille demandée, pas celle de l'écran virtuel
        from PySide6.QtCore import Qt

        window.setWindowState(Qt.WindowState.WindowNoState)
        window.resize(*size)
        window.show()
        saved = []
        for spec in window.specs:
            page = window.show_page(spec.key)
            SCENES.get(spec.key, lambda _p: None)(page)
            for _ in range(3):
                app.processEvents()
            path = out_dir / f"{spec.key}.png"
            window.grab().save(str(path))
            saved.append(path)
        for name, make in EXTRAS.items():
            widget = make(window)
            if widget is None:
                continue
            for _ in range(3):
                app.processEvents()
            path = out_dir / f"{name}.png"
            widget.grab().save(str(path))
            saved.append(path)
            widget.close()
        if dialogs:
            for name, open_dialog in DIALOG_SCENES.items():
                dialog = open_dialog(window)
                for _ in range(3):
                    app.processEvents()
                path = out_dir / f"{name}.png"
                dialog.grab().save(str(path))
                saved.append(path)
                for w in app.topLevelWidgets():
                    if w is not window and w.isVisible():
                        w.close()
                app.processEvents()
        window.close()
        ctx.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description="Captures d'écran des pages")
    parser.add_argument(
        "out", type=Path, nargs="?", help="dossier des captures (par défaut : celui du guide)"
    )
    parser.add_argument("--db")
    parser.add_argument(
        "--size", default=f"{SCREEN[0]}x{SCREEN[1]}", help="taille de la fenêtre (1366x768)"
    )
    parser.add_argument(
        "--dialogs", action="store_true", help="capturer aussi les boîtes de dialogue d'édition"
    )
    args = parser.parse_args()
    if args.out is None:
        from resources import locate

        args.out = locate("guide") / "captures"
    width, _, height = args.size.partition("x")
    for p in capture(args.out, args.db, (int(width), int(height)), dialogs=args.dialogs):
        print(p)


if __name__ == "__main__":
    main()
