"""Fenêtre principale : une coquille qui héberge les pages (navigation à gauche)."""

from __future__ import annotations

import importlib
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from roadmap_app import __version__
from roadmap_app.errors import UserError
from roadmap_app.services.context import AppContext
from roadmap_app.services.status import redo_last, undo_last
from roadmap_app.settings import set_author_name
from ui.pages import PAGES, PageSpec
from ui.pages.base import Page
from ui.settings import ui_settings
from ui.style import icon


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Feuille de route volet 3 — Pas-de-Calais")
        self.resize(1400, 860)
        self.pages: dict[str, Page] = {}
        self.specs: list[PageSpec] = list(PAGES)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setFixedWidth(210)
        for i, spec in enumerate(self.specs):
            item = QListWidgetItem(icon(spec.icon), spec.title)
            item.setToolTip(f"{spec.tooltip} (Ctrl+{i + 1})" if spec.tooltip else f"Ctrl+{i + 1}")
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            self.nav.addItem(item)
        self.stack = QStackedWidget()
        self.stack.setObjectName("pageStack")
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.nav.currentRowChanged.connect(self._show_row)

        self._build_menus()
        self.store_label = QLabel()
        self.store_label.setObjectName("muted")
        self.statusBar().addPermanentWidget(self.store_label)
        self._update_status_bar()
        self.ctx.undo.listeners.append(self._update_undo_actions)
        self._update_undo_actions()

        self.settings = ui_settings()
        geometry = self.settings.value("main/geometry")
        if geometry:
            self.restoreGeometry(geometry)
        state = self.settings.value("main/state")
        if state:
            self.restoreState(state)
        start = str(self.settings.value("main/page", self.specs[0].key))
        keys = [s.key for s in self.specs]
        self.nav.setCurrentRow(keys.index(start) if start in keys else 0)

    # -- pages ------------------------------------------------------------------------
    def page(self, key: str) -> Page:
        if key not in self.pages:
            spec = next(s for s in self.specs if s.key == key)
            module_name, _, cls_name = spec.target.partition(":")
            cls = getattr(importlib.import_module(module_name), cls_name)
            page: Page = cls(self.ctx)
            page.setObjectName(f"page_{key}")
            self.pages[key] = page
            self.stack.addWidget(page)
            page.restore_state(self.settings if hasattr(self, "settings") else ui_settings())
        return self.pages[key]

    def show_page(self, key: str) -> Page:
        keys = [s.key for s in self.specs]
        self.nav.setCurrentRow(keys.index(key))
        return self.pages[key]

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        page = self.page(self.specs[row].key)
        self.stack.setCurrentWidget(page)
        self.statusBar().showMessage(self.specs[row].title, 2000)

    def current_page(self) -> Page | None:
        w = self.stack.currentWidget()
        return w if isinstance(w, Page) else None

    # -- menus ------------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&Fichier")
        quit_action = QAction("&Quitter", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        edit_menu = bar.addMenu("&Édition")
        self.undo_action = QAction("&Annuler", self)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.triggered.connect(self.undo)
        self.redo_action = QAction("&Rétablir", self)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        self.redo_action.triggered.connect(self.redo)
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        author_action = QAction("&Nom inscrit au journal…", self)
        author_action.triggered.connect(self.change_author)
        edit_menu.addAction(author_action)

        view_menu = bar.addMenu("&Affichage")
        for i, spec in enumerate(self.specs):
            act = QAction(spec.title, self)
            act.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            act.triggered.connect(lambda _=False, k=spec.key: self.show_page(k))
            view_menu.addAction(act)
            self.addAction(act)

        help_menu = bar.addMenu("&Aide")
        about = QAction("À &propos", self)
        about.triggered.connect(self.about)
        help_menu.addAction(about)

    def _update_undo_actions(self) -> None:
        u, r = self.ctx.undo, self.ctx.undo
        self.undo_action.setEnabled(u.can_undo())
        self.undo_action.setText(f"&Annuler : {u.undo_label()}" if u.can_undo() else "&Annuler")
        self.redo_action.setEnabled(r.can_redo())
        self.redo_action.setText(f"&Rétablir : {r.redo_label()}" if r.can_redo() else "&Rétablir")

    def undo(self) -> None:
        self._run_undo(undo_last, "Annulé")

    def redo(self) -> None:
        self._run_undo(redo_last, "Rétabli")

    def _run_undo(self, fn: Any, verb: str) -> None:
        if (fn is undo_last and not self.ctx.undo.can_undo()) or (
            fn is redo_last and not self.ctx.undo.can_redo()
        ):
            return
        try:
            label = fn(self.ctx)
        except UserError as err:
            QMessageBox.warning(self, "Impossible", str(err))
            return
        for page in self.pages.values():
            page.refresh()
        self.show_message(f"{verb} : {label}")

    def change_author(self) -> None:
        name, ok = QInputDialog.getText(
            self,
            "Nom inscrit au journal",
            "Nom et prénom (inscrit avec chaque modification) :",
            text=self.ctx.author,
        )
        if ok and name.strip():
            set_author_name(name)
            self.ctx.author = name.strip()
            self._update_status_bar()

    def about(self) -> None:
        QMessageBox.about(
            self,
            "À propos",
            f"<b>roadmap-app {__version__}</b><br>Pilotage de la feuille de route volet 3 de l'expérimentation "
            "France Travail (accompagnement rénové des allocataires du RSA) dans le Pas-de-Calais : "
            "bassins Montreuillois, Audomarois et Lensois.<br><br>"
            f"Base : {self.ctx.store.display_name}<br>"
            "Aucune donnée personnelle sur les bénéficiaires n'est enregistrée.",
        )

    def show_message(self, text: str, timeout: int = 4000) -> None:
        self.statusBar().showMessage(text, timeout)

    def _update_status_bar(self) -> None:
        self.store_label.setText(
            f"Base : {self.ctx.store.display_name}   ·   Journal au nom de : {self.ctx.author}   ·   "
            f"Aujourd'hui : {self.ctx.today():%d/%m/%Y}"
        )

    # -- fermeture --------------------------------------------------------------------
    def save_window_state(self) -> None:
        self.settings.setValue("main/geometry", self.saveGeometry())
        self.settings.setValue("main/state", self.saveState())
        row = self.nav.currentRow()
        if row >= 0:
            self.settings.setValue("main/page", self.specs[row].key)
        for page in self.pages.values():
            page.save_state(self.settings)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        dirty = [p for p in self.pages.values() if p.has_unsaved_changes()]
        if dirty:
            answer = QMessageBox.question(
                self,
                "Saisies non enregistrées",
                "Certaines saisies ne sont pas enregistrées. Les enregistrer avant de quitter ?",
                QMessageBox.StandardButton.Save
                | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel,
            )
            if answer == QMessageBox.StandardButton.Cancel:
                event.ignore()
                return
            if answer == QMessageBox.StandardButton.Save and not all(
                p.save_pending() for p in dirty
            ):
                event.ignore()
                return
        self.save_window_state()
        event.accept()
