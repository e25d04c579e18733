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


def _committees(page: Any) -> None:
    from datetime import date

    from roadmap_app.services.status import update_status

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
    update_status(ctx, "AI-4.1", "Audomarois", status="en_cours", progress=40, record_undo=False)
    update_status(
        ctx,
        "NU-2.2",
        "Montreuillois",
        status="a_securiser",
        note="Convention en attente",
        record_undo=False,
    )
    page.refresh()


#: Mise en situation de chaque page avant la capture (clé de page → préparation).
SCENES: dict[str, Callable[[Any], None]] = {"roadmap": _roadmap, "committees": _committees}


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
