"""Aides communes de la page Financement : tables prêtes à l'emploi, choix du fichier du bilan."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMessageBox,
    QTableView,
    QWidget,
)

from roadmap_app.core.errors import UserError
from ui.file_dialogs import ask_save
from ui.models.finance_tables import SORT_ROLE, LineFilterProxy


def make_table(model: Any, sortable: bool = False) -> tuple[QTableView, Any]:
    """Table en lecture seule, une ligne sélectionnée à la fois ; ``sortable`` : triable et
    filtrable par ligne du plan (``LineFilterProxy``). Renvoie la vue et son modèle affiché."""
    view = QTableView()
    source = model
    if sortable:
        proxy = LineFilterProxy(view)
        proxy.setSourceModel(model)
        proxy.setSortRole(SORT_ROLE)
        view.setModel(proxy)
        view.setSortingEnabled(True)
        source = proxy
    else:
        view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    return view, source


def ask_bilan_destination(parent: QWidget, volet: int | None, today: date) -> str | None:
    """Demande où enregistrer le bilan (dossier de départ : ``ui.file_dialogs``) ; ajoute
    l'extension du filtre choisi si besoin.

    ``None`` si l'utilisateur renonce ou si l'extension n'est ni .xlsx ni .pdf (message affiché).
    """
    from roadmap_app.finance.bilan_export import check_destination

    stem = "bilan-volets-1-2-3" if volet is None else f"bilan-volet-{volet}"
    answer = ask_save(
        parent,
        "Exporter le bilan",
        f"{stem}-{today:%Y-%m-%d}.xlsx",
        "Classeur Excel (*.xlsx);;Document PDF (*.pdf)",
    )
    if answer is None:
        return None
    path, chosen = str(answer[0]), answer[1]
    if not Path(path).suffix:
        path += ".pdf" if "pdf" in chosen.lower() else ".xlsx"
    try:
        check_destination(path)
    except UserError as err:
        QMessageBox.warning(parent, "Export impossible", str(err))
        return None
    return str(path)
