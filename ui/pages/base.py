"""Contrat commun des pages."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from roadmap_app.core.context import AppContext
from roadmap_app.core.domains import ALL_DOMAINS

READ_ONLY_TIP = "Base ouverte en lecture seule : consultation seulement"


class Page(QWidget):
    """Une page reçoit le contexte, relit ses données via les services dans ``refresh``."""

    #: Domaines lus par la page (``roadmap_app.core.domains``) : après une opération, la fenêtre ne
    #: relit la page que si l'un d'eux a changé.
    domains: frozenset[str] = ALL_DOMAINS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    def refresh(self) -> None:
        """Relit les données (après une annulation, un import, un changement de feuille de route…)."""

    def save_state(self, settings: QSettings) -> None:
        """Enregistre l'état d'affichage (filtres, colonnes…)."""

    def restore_state(self, settings: QSettings) -> None:
        """Restaure l'état d'affichage."""

    def write_controls(self) -> list[QWidget | QAction]:
        """Commandes qui modifient la base : désactivées quand elle est ouverte en lecture seule."""
        return []

    def apply_read_only(self) -> None:
        """Base en lecture seule (droits, compte, choix à l'ouverture) : rien ne s'y saisit ;
        le service refuserait de toute façon l'écriture avec un message."""
        for control in self.write_controls():
            control.setEnabled(False)
            control.setToolTip(READ_ONLY_TIP)

    def has_unsaved_changes(self) -> bool:
        return False

    def save_pending(self) -> bool:
        """Enregistre les saisies en cours ; ``False`` si l'enregistrement a échoué."""
        return True
