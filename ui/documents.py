"""Ouvrir des fichiers comme une application de bureau : *Fichier → Ouvrir…*, fichiers récents,
``roadmap-app FICHIER`` (et le double-clic sur un paquet d'atelier, qui passe par là).

- une base roadmap-app remplace la base en cours : une nouvelle fenêtre s'ouvre dessus, l'ancienne
  se ferme comme à la sortie (saisies à enregistrer, sauvegarde de fermeture) ;
- un paquet d'atelier exporté de la base ouverte : l'aperçu de sa fusion (page Ateliers) ;
  exporté d'une autre base : l'application propose de l'ouvrir pour y travailler (portable de
  l'atelier) ;
- tout autre fichier est refusé, avec un message d'une ligne qui le nomme ; rien n'est créé ni
  modifié (``roadmap_app.core.documents``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox

from roadmap_app.core.documents import (
    Document,
    UnopenableFileError,
    default_store_missing,
    inspect_file,
    is_current_store,
    package_belongs_here,
)
from roadmap_app.core.errors import StoreError, UserError
from ui.file_dialogs import ask_open
from ui.settings import load_json, save_json, ui_settings

if TYPE_CHECKING:
    from ui.main_window import MainWindow

RECENT_KEY = "files/recent"
MAX_RECENT = 8


def open_filter() -> str:
    from roadmap_app.workshops.package import PACKAGE_PATTERNS  # classes ORM : à l'usage

    patterns = " ".join(("*.sqlite3", *PACKAGE_PATTERNS))
    return f"Bases et paquets roadmap-app ({patterns});;Tous les fichiers (*)"


def recent_files() -> list[Path]:
    return [Path(p) for p in load_json(ui_settings(), RECENT_KEY, []) if isinstance(p, str)]


def remember_recent(path: Path) -> None:
    entries = [str(path)] + [str(p) for p in recent_files() if p != path]
    settings = ui_settings()
    save_json(settings, RECENT_KEY, entries[:MAX_RECENT])
    settings.sync()


def forget_recent(path: Path) -> None:
    settings = ui_settings()
    save_json(settings, RECENT_KEY, [str(p) for p in recent_files() if p != path])
    settings.sync()


def startup_plan(db: str | None, open_file: str | None) -> tuple[str | None, Document | None]:
    """``roadmap-app [--db X] FICHIER`` : la base à ouvrir et le paquet à fusionner ensuite.

    Lève ``UnopenableFileError`` pour un fichier refusé (rien n'est créé : la base par défaut
    n'est pas ouverte non plus)."""
    if open_file is None:
        return db, None
    document = inspect_file(open_file)
    if not document.is_package:
        if db:
            raise UnopenableFileError(
                f"Deux bases demandées (--db {db} et « {document.path.name} ») : donnez-en une seule."
            )
        return str(document.path), None
    if default_store_missing(db):
        # Poste sans base (le portable d'un atelier) : on travaille dans le paquet lui-même.
        return str(document.path), None
    return db, document


class Documents(QObject):
    """Fichiers ouverts par la fenêtre principale ; garde la fenêtre en cours (elle change quand
    une autre base est ouverte). Vit aussi longtemps que l'application."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(QApplication.instance())
        self.window = window
        self.note_store()

    # -- menu Fichier -------------------------------------------------------------------
    def install(self, menu: QMenu, window: MainWindow) -> None:
        open_action = QAction("&Ouvrir…", window)
        open_action.setShortcut(QKeySequence.StandardKey.Open)
        open_action.setStatusTip("Ouvrir une base roadmap-app ou un paquet d'atelier")
        open_action.triggered.connect(self.choose_and_open)
        recent = QMenu("Fichiers &récents", window)
        recent.setObjectName("recentMenu")
        recent.aboutToShow.connect(lambda: self.fill_recent(recent))
        menu.addAction(open_action)
        menu.addMenu(recent)
        menu.addSeparator()
        self.open_action, self.recent_menu = open_action, recent

    def fill_recent(self, menu: QMenu) -> None:
        menu.clear()
        files = recent_files()
        names = [p.name for p in files]
        for i, path in enumerate(files, start=1):
            # deux « roadmap.sqlite3 » de dossiers différents : le dossier les distingue
            where = f"  ({path.parent})" if names.count(path.name) > 1 else ""
            action = menu.addAction(f"&{i} {path.name}{where}")
            action.setToolTip(str(path))
            action.setStatusTip(str(path))
            action.triggered.connect(lambda _=False, p=path: self.open_path(p))
        if not files:
            menu.addAction("(aucun)").setEnabled(False)

    # -- ouverture ----------------------------------------------------------------------
    def choose_and_open(self) -> None:
        path = ask_open(self.window, "Ouvrir une base ou un paquet d'atelier", open_filter())
        if path is not None:
            self.open_path(path)

    def open_path(self, path: str | Path) -> bool:
        """Ouvre ``path`` (base ou paquet) ; ``False`` s'il est refusé (message affiché)."""
        try:
            document = inspect_file(path)
        except UnopenableFileError as err:
            if not Path(path).exists():
                forget_recent(Path(path))
            self.refuse(str(err))
            return False
        return self.open_document(document)

    def open_document(self, document: Document) -> bool:
        ctx = self.window.ctx
        if not document.is_package:
            if is_current_store(ctx, document):
                self.window.show_message(f"« {document.path.name} » est déjà la base ouverte.")
                return True
            return self.open_store(document.path) is not None
        try:
            here = package_belongs_here(ctx, document)
        except (UserError, StoreError) as err:
            self.refuse(str(err))
            return False
        remember_recent(document.path)
        if here:
            self.window.show_page("workshops").merge_package_file(document.path)  # type: ignore[attr-defined]
            return True
        if self.ask_open_package(document):
            return self.open_store(document.path) is not None
        return False

    def ask_open_package(self, document: Document) -> bool:
        """Paquet exporté d'une autre base : le fusionner ici est impossible ; l'ouvrir pour y
        travailler ? (point d'extension pour les tests)"""
        source = document.probe.package_source_label or "une autre base"
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Paquet d'atelier",
            f"« {document.path.name} » est un paquet d'atelier exporté de « {source} » : il ne peut "
            "être fusionné que dans cette base-là.",
            parent=self.window,
        )
        box.setInformativeText(
            "L'ouvrir pour y travailler (revue en atelier, sur ce poste) ? La base actuelle est "
            "fermée ; elle reste dans les fichiers récents."
        )
        yes = box.addButton("Ouvrir le paquet", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is yes

    def open_store(self, path: Path) -> MainWindow | None:
        """Nouvelle fenêtre sur la base ``path`` ; l'ancienne se ferme (saisies en cours
        d'abord). ``None`` si l'utilisateur renonce ou si la base est refusée."""
        from roadmap_app.core.context import open_context

        old = self.window
        if not old.confirm_leave("Les enregistrer avant d'ouvrir une autre base ?"):
            return None
        try:
            ctx = open_context(path)
        except (UserError, StoreError) as err:
            self.refuse(str(err))
            return None
        try:
            window = type(old)(ctx, documents=self)  # la même fenêtre, sans importer son module
        except Exception:
            ctx.close()
            raise
        window.restoreGeometry(old.saveGeometry())
        self.window = window
        self.note_store()
        window.show()
        QTimer.singleShot(1500, window.backups.daily)  # comme au lancement
        old.leave_confirmed = True
        old.close()
        old.ctx.close()
        old.deleteLater()
        window.show_message(f"Base ouverte : {ctx.store.display_name}", 6000)
        return window

    def note_store(self) -> None:
        path = self.window.ctx.store.path
        if path is not None:
            remember_recent(path.resolve())

    def refuse(self, message: str) -> None:
        QMessageBox.warning(self.window, "Ouverture impossible", message)

    def merge_later(self, document: Document) -> None:
        """Après l'affichage de la fenêtre : le paquet donné sur la ligne de commande."""
        QTimer.singleShot(0, lambda: self.open_document(document))

    def close(self) -> None:
        self.window.ctx.close()


def refuse_at_startup(message: str) -> None:
    """Fichier refusé au lancement : le message, dans le terminal et dans une boîte (fermée
    d'elle-même avec ``ROADMAP_APP_EXIT_AFTER_START``, comme la fenêtre)."""
    import os

    from ui.settings import EXIT_ENV

    print(f"Erreur : {message}", file=sys.stderr, flush=True)
    delay = os.environ.get(EXIT_ENV, "").strip()
    if delay:
        QTimer.singleShot(int(delay), QApplication.closeAllWindows)
    QMessageBox.critical(None, "Ouverture impossible", message)
