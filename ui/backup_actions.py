"""Sauvegardes dans l'interface : menu Fichier, copie quotidienne et à la fermeture, restauration."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

from roadmap_app.core.backup import (
    auto_backup_if_due,
    backup_now,
    backup_on_close,
    list_store_backups,
    restore_store,
)
from roadmap_app.core.errors import StoreError, UserError

log = logging.getLogger("roadmap_app.sauvegardes")


class BackupActions(QObject):
    """Attaché à la fenêtre principale (qui porte ``ctx``, ``pages`` et ``show_message``)."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.last_backup: Path | None = None

    @property
    def ctx(self) -> Any:
        return self.window.ctx

    def install(self, menu: QMenu) -> None:
        self.backup_action = QAction("&Sauvegarder maintenant", self.window)
        self.backup_action.setShortcut(QKeySequence("Ctrl+Shift+B"))
        self.backup_action.setToolTip("Copie cohérente de la base dans le dossier « sauvegardes »")
        self.backup_action.triggered.connect(self.backup)
        self.restore_action = QAction("&Restaurer une sauvegarde…", self.window)
        self.restore_action.triggered.connect(self.choose_and_restore)
        self.store_action = QAction("&Base de données…", self.window)
        self.store_action.setToolTip(
            "Base locale ou serveur PostgreSQL partagé (au prochain démarrage)"
        )
        self.store_action.triggered.connect(self.choose_store)
        menu.addAction(self.backup_action)
        menu.addAction(self.restore_action)
        menu.addSeparator()
        menu.addAction(self.store_action)
        menu.addSeparator()

    # -- sauvegardes -------------------------------------------------------------------
    def backup(self) -> Path | None:
        try:
            self.last_backup = backup_now(self.ctx)
        except (UserError, StoreError) as err:
            QMessageBox.warning(self.window, "Sauvegarde impossible", str(err))
            return None
        self.window.show_message(f"Sauvegarde écrite : {self.last_backup}")
        return self.last_backup

    def daily(self) -> None:
        try:
            done = auto_backup_if_due(self.ctx)
        except (UserError, StoreError, OSError) as err:
            log.warning("Sauvegarde quotidienne impossible : %s", err)
            return
        if done is not None:
            self.window.show_message(f"Sauvegarde automatique du jour : {done.name}")

    def on_close(self) -> None:
        try:
            backup_on_close(self.ctx)
        except (UserError, StoreError, OSError) as err:
            log.warning("Sauvegarde à la fermeture impossible : %s", err)

    def choose_store(self) -> None:
        from ui.dialogs.store_dialog import StoreDialog

        if StoreDialog(self.window).exec() == StoreDialog.DialogCode.Accepted:
            self.window.show_message(
                "Choix de la base enregistré : il s'applique au prochain démarrage."
            )

    # -- restauration ------------------------------------------------------------------
    def choose_and_restore(self) -> None:
        from ui.dialogs.restore_dialog import RestoreDialog

        if self.ctx.store.path is None:
            QMessageBox.information(
                self.window, "Restauration",
                "La base ouverte est sur un serveur PostgreSQL : la restauration se fait en copiant une "
                "sauvegarde dans une base vide (roadmap-app --db SAUVEGARDE db copy --to URL).",
            )  # fmt: skip
            return
        dialog = RestoreDialog(list_store_backups(self.ctx), self.window)
        if dialog.exec() != RestoreDialog.DialogCode.Accepted or dialog.selected is None:
            return
        self.restore(dialog.selected)

    def confirm(self, source: Path) -> bool:
        answer = QMessageBox.question(
            self.window, "Restaurer une sauvegarde",
            f"Remplacer la base par la sauvegarde « {source.name} » ?\nLa base actuelle sera gardée dans le "
            "dossier « sauvegardes » (avant-restauration).",
        )  # fmt: skip
        return answer == QMessageBox.StandardButton.Yes

    def restore(self, source: Path, *, ask: bool = True) -> bool:
        path = self.ctx.store.path
        if path is None or (ask and not self.confirm(source)):
            return False
        ok = True
        kept = None
        try:
            kept = restore_store(self.ctx, source)
        except (UserError, StoreError) as err:
            QMessageBox.warning(self.window, "Restauration refusée", str(err))
            ok = False
        from roadmap_app.core.ops import RESTORED

        self.window.apply_changes(RESTORED)
        if ok:
            self.window.show_message(
                f"Base restaurée depuis {source.name}"
                + (f" ; ancienne base : {kept.name}" if kept else "")
            )
        return ok
