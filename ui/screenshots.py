"""Captures d'écran hors écran de chaque page (README, relecture visuelle).

    QT_QPA_PLATFORM=offscreen python -m ui.screenshots docs/captures

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


def _finance(page: Any) -> None:
    """Volet 3 avec quelques dépenses et l'avance : consommation, alerte et graphique visibles."""
    from roadmap_app.services.finance_edit import (
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


#: Mise en situation de chaque page avant la capture (clé de page → préparation).
SCENES: dict[str, Callable[[Any], None]] = {"roadmap": _roadmap, "finance": _finance}


def capture(
    out_dir: Path, db: str | None = None, size: tuple[int, int] = (1600, 950)
) -> list[Path]:
    from roadmap_app.services.context import open_context
    from ui.app import make_application
    from ui.main_window import MainWindow

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as home:
        if db is None:
            os.environ["ROADMAP_APP_HOME"] = home
        app = make_application()
        ctx = open_context(db)
        window = MainWindow(ctx)
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
        window.close()
        ctx.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description="Captures d'écran des pages")
    parser.add_argument("out", type=Path)
    parser.add_argument("--db")
    args = parser.parse_args()
    for p in capture(args.out, args.db):
        print(p)


if __name__ == "__main__":
    main()
