"""Fenêtre principale : une coquille qui héberge les pages (navigation à gauche)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QScrollBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from db.store import Store
from roadmap_app import __version__
from roadmap_app.core.context import AppContext
from roadmap_app.core.domains import PLAN
from roadmap_app.core.errors import StoreError, UserError
from roadmap_app.core.paths import default_db_path
from roadmap_app.core.settings import set_author_name
from roadmap_app.plan.roadmap_list import list_roadmaps
from ui import tasks
from ui.dialogs.base import available_size, fit_to_screen
from ui.documents import Documents
from ui.pages import PAGES, PageSpec
from ui.pages.base import Page
from ui.settings import ui_settings
from ui.style import icon
from ui.widgets.elided_combo import ElidedComboBox

if TYPE_CHECKING:
    from roadmap_app.core.ops import OpChanges

NAV_WIDTH = 210  # barre latérale (sélecteur et navigation)


def window_title(roadmap: str, store: Store) -> str:
    """« Feuille de route 2024 – volet 3 », suivi du fichier quand ce n'est pas la base habituelle
    (paquet d'atelier, autre base) ou du serveur ; Qt ajoute le nom de l'application
    (``applicationDisplayName``)."""
    parts = [roadmap] if roadmap else []
    path = store.path
    if path is None:
        parts.append(store.display_name)
    elif path.resolve() != default_db_path().resolve():
        parts.append(path.name)
    if store.read_only:
        parts.append("lecture seule")
    return " — ".join(parts)


#: taille au premier lancement, quand l'écran la permet
DEFAULT_SIZE = QSize(1400, 860)


class RoadmapSelector(ElidedComboBox):
    """Sélecteur de feuille de route ; ``popup_opening`` juste avant que la liste s'ouvre. Un nom
    trop long pour la barre latérale est abrégé (« … »), entier dans l'infobulle."""

    popup_opening = Signal()

    def showPopup(self) -> None:
        self.popup_opening.emit()
        super().showPopup()


class MainWindow(QMainWindow):
    #: la pile « Annuler » a changé (émis depuis n'importe quel fil)
    undo_changed = Signal()

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, documents: Documents | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: QWidget | None = None
        #: fichiers ouverts (Ouvrir…, récents) ; partagé avec la fenêtre qui remplace celle-ci
        self.documents = documents or Documents(self)
        #: fermeture déjà acceptée (saisies traitées) : ne pas redemander
        self.leave_confirmed = False
        self.pages: dict[str, Page] = {}
        self.specs: list[PageSpec] = list(PAGES)
        #: pages à relire quand elles seront montrées (la base a changé ailleurs pendant ce temps)
        self.stale: set[str] = set()

        # Chaque widget naît sous son parent définitif : avec la feuille de style, le rattacher
        # ensuite refait son style et celui de ses enfants (7 ms pour la navigation, 5 ms pour
        # une page).
        central = QWidget(self)
        self.setCentralWidget(central)
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self._sidebar(central))
        self.stack = QStackedWidget(central)
        self.stack.setObjectName("pageStack")
        row.addWidget(self.stack, 1)
        self.nav.currentRowChanged.connect(self._show_row)

        self._build_menus()
        self.refresh_roadmaps()
        self.store_label = QLabel()
        self.store_label.setObjectName("muted")
        self.statusBar().addPermanentWidget(self.store_label)
        self.read_only_label = QLabel()
        self.read_only_label.setObjectName("readOnly")
        self.read_only_label.setStyleSheet("color: #B42318; font-weight: bold;")
        # permanent : un message passager de la barre d'état ne le cache jamais
        self.statusBar().insertPermanentWidget(0, self.read_only_label)
        self._update_status_bar()
        # par un signal : une opération écrite dans un fil de travail (ui.tasks) met à jour les
        # commandes Annuler / Rétablir dans le fil de l'interface
        self.undo_changed.connect(self._update_undo_actions)
        self.ctx.undo.listeners.append(self.undo_changed.emit)
        self._update_undo_actions()

        self._watch_store()  # repère : les écritures d'autres programmes se verront au retour

        self.settings = ui_settings()
        geometry = self.settings.value("main/geometry")
        if not geometry or not self.restoreGeometry(geometry):
            self._first_size()
        state = self.settings.value("main/state")
        if state:
            self.restoreState(state)
        start = str(self.settings.value("main/page", self.specs[0].key))
        keys = [s.key for s in self.specs]
        self.nav.setCurrentRow(keys.index(start) if start in keys else 0)

    def _first_size(self) -> None:
        """Premier lancement : 1 400 × 860, ou tout l'écran s'il est plus petit (portable de
        1 366 × 768) — jamais une fenêtre qui déborde de l'écran."""
        fit_to_screen(self, DEFAULT_SIZE.width(), DEFAULT_SIZE.height())
        screen = self.screen()
        if screen is not None:
            self.move(screen.availableGeometry().topLeft())
        room = available_size(self)
        if room.width() < DEFAULT_SIZE.width() or room.height() < DEFAULT_SIZE.height():
            self.setWindowState(Qt.WindowState.WindowMaximized)  # après resize/move, qui l'effacent

    # -- feuille de route de travail --------------------------------------------------
    def _sidebar(self, parent: QWidget) -> QWidget:
        """Colonne de gauche : choix de la feuille de route, puis la navigation entre pages."""
        side = QWidget(parent)
        side.setObjectName("sidebar")
        side.setFixedWidth(NAV_WIDTH)
        self.nav = QListWidget(side)
        self.nav.setObjectName("navigation")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setFixedWidth(NAV_WIDTH)
        for i, spec in enumerate(self.specs):
            item = QListWidgetItem(icon(spec.icon), spec.title)
            item.setToolTip(f"{spec.tooltip} (Ctrl+{i + 1})" if spec.tooltip else f"Ctrl+{i + 1}")
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            self.nav.addItem(item)
        label = QLabel("FEUILLE DE ROU&TE", side)
        label.setObjectName("sidebarLabel")
        self.roadmap_combo = RoadmapSelector(side)
        self.roadmap_combo.popup_opening.connect(self._count_roadmaps)
        self._roadmaps_counted = False
        self.roadmap_combo.setObjectName("roadmapSelector")
        self.roadmap_combo.setToolTip(
            "Feuille de route affichée par toutes les pages (par défaut : la plus récente)"
        )
        self.roadmap_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.roadmap_combo.setMinimumContentsLength(12)
        self.roadmap_combo.view().setMinimumWidth(320)
        label.setBuddy(self.roadmap_combo)
        self.roadmap_combo.activated.connect(self._roadmap_chosen)
        lay = QVBoxLayout(side)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        head = QVBoxLayout()
        head.setContentsMargins(12, 12, 12, 8)
        head.setSpacing(4)
        head.addWidget(label)
        head.addWidget(self.roadmap_combo)
        lay.addLayout(head)
        lay.addWidget(self.nav, 1)
        return side

    def refresh_roadmaps(self) -> None:
        """Remplit le sélecteur ; si la feuille choisie a disparu (archivée), revient à la plus récente."""
        roadmaps = list_roadmaps(self.ctx, with_counts=False)  # effectifs : à l'ouverture
        ids = [r.id for r in roadmaps]
        if self.ctx.roadmap_id is not None and self.ctx.roadmap_id not in ids:
            self.ctx.roadmap_id = None
        current = self.ctx.roadmap_id
        if current is None:
            current = next((r.id for r in roadmaps if r.default), None)
        self.roadmap_combo.blockSignals(True)
        self.roadmap_combo.clear()
        for r in roadmaps:
            self.roadmap_combo.addItem(r.name, r.id)
        self._set_roadmap_tooltips(roadmaps)
        self._roadmaps_counted = False
        self.roadmap_combo.setCurrentIndex(max(self.roadmap_combo.findData(current), 0))
        self.roadmap_combo.blockSignals(False)
        name = self.roadmap_combo.currentText()
        self.setWindowTitle(window_title(name, self.ctx.store))
        self.roadmap_combo.setToolTip(
            f"« {name} » : feuille de route affichée par toutes les pages (Alt+T pour changer)"
        )

    def _set_roadmap_tooltips(self, roadmaps: list[Any]) -> None:
        combo = self.roadmap_combo
        for r in roadmaps:
            index = combo.findData(r.id)
            if index < 0:
                continue
            count = "" if r.actions is None else f" — {r.actions} actions"
            origin = f", reprise de « {r.parent} »" if r.parent else ""
            combo.setItemData(
                index, f"{r.name} ({r.year}){count}{origin}", Qt.ItemDataRole.ToolTipRole
            )

    def _count_roadmaps(self) -> None:
        """Effectifs des infobulles, comptés à la première ouverture de la liste (pas au
        démarrage : trois comptages sur tout le plan)."""
        if not self._roadmaps_counted:
            try:
                self._set_roadmap_tooltips(list_roadmaps(self.ctx))
            except StoreError:  # serveur injoignable… : la liste s'ouvre quand même, sans effectifs
                return
            self._roadmaps_counted = True

    def _roadmap_chosen(self, index: int) -> None:
        self.switch_roadmap(int(self.roadmap_combo.itemData(index)))

    def switch_roadmap(self, roadmap_id: int | None) -> None:
        """Toutes les pages passent sur cette feuille de route."""
        if not self.confirm_leave("Les enregistrer avant de changer de feuille de route ?"):
            self.refresh_roadmaps()  # le sélecteur revient sur la feuille en cours
            return
        self.ctx.roadmap_id = roadmap_id
        self.refresh_roadmaps()
        self.refresh_pages()
        self.show_message(f"Feuille de route : {self.roadmap_combo.currentText()}")

    def refresh_pages(self) -> None:
        for page in self.pages.values():
            page.refresh()

    # -- modifications faites ailleurs ------------------------------------------------
    def _watch_store(self) -> bool:
        """``True`` si un autre programme a écrit dans la base depuis le dernier regard (ligne
        de commande, autre fenêtre, collègue sur la base partagée) ; un serveur injoignable
        n'est pas une modification (le prochain geste le dira)."""
        try:
            return self.ctx.store.changed_elsewhere()
        except StoreError:
            return False

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.reload_if_changed_elsewhere()

    def reload_if_changed_elsewhere(self) -> bool:
        """Au retour dans la fenêtre : si la base a changé ailleurs, la page affichée est relue
        (sélection et défilement gardés), les autres le seront quand on les montrera. Une page
        qui a des saisies non enregistrées n'est relue qu'au retour suivant, une fois elles
        enregistrées (jamais perdues)."""
        changed = self._watch_store()
        if changed:
            self.refresh_roadmaps()
            self.stale.update(self.pages)
        current = self.current_page()
        key = next((k for k, p in self.pages.items() if p is current), None)
        if current is None or key not in self.stale:
            return changed
        if current.has_unsaved_changes():
            self.show_message("La base a été modifiée par un autre programme : la page sera relue "
                              "quand vos saisies seront enregistrées.", 8000)  # fmt: skip
            return changed
        self.stale.discard(key)
        self._reload(current)
        self.show_message("La base a été modifiée par un autre programme : données relues.", 6000)
        return changed

    @staticmethod
    def _reload(page: Page) -> None:
        """``page.refresh()`` en gardant le défilement de ses listes et tableaux."""
        bars = [(bar, bar.value()) for bar in page.findChildren(QScrollBar)]
        page.refresh()
        for bar, value in bars:
            bar.setValue(min(value, bar.maximum()))

    def apply_changes(self, changes: OpChanges[Any]) -> None:
        """Après une opération (annuler, rétablir, restaurer…) : ne relit que les vues dont un
        domaine a changé (``Page.domains``)."""
        if changes.touches(PLAN):
            self.refresh_roadmaps()
        for page in self.pages.values():
            if changes.touches(*page.domains):
                page.refresh()

    def _current_plan(self) -> Any:
        from roadmap_app.plan.read import load_plan

        return load_plan(self.ctx)

    def open_bassins(self) -> QWidget:
        from ui.dialogs.bassins_dialog import BassinsDialog

        dialog = BassinsDialog(self.ctx, self._current_plan(), self)
        dialog.changed.connect(self._plan_changed)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _plan_changed(self, message: str) -> None:
        self.refresh_roadmaps()
        self.refresh_pages()
        self.show_message(message, 6000)

    def open_new_roadmap(self) -> QWidget:
        from roadmap_app.plan.roadmaps import new_roadmap
        from ui.dialogs.roadmap_dialog import NewRoadmapDialog

        def submit(d: Any) -> str | None:
            try:
                created = new_roadmap(self.ctx, **d.values())
            except UserError as err:
                return str(err)
            self.ctx.roadmap_id = created.roadmap_id
            self._plan_changed(created.result.label)
            return None

        dialog = NewRoadmapDialog(self.ctx, self.ctx.roadmap_id, submit, self)
        self.dialog = dialog
        dialog.open()
        return dialog

    # -- pages ------------------------------------------------------------------------
    def page(self, key: str) -> Page:
        if key not in self.pages:
            spec = next(s for s in self.specs if s.key == key)
            module_name, _, cls_name = spec.target.partition(":")
            cls = getattr(importlib.import_module(module_name), cls_name)
            page: Page = cls(self.ctx, self.stack)  # sous son parent dès sa naissance
            page.setObjectName(f"page_{key}")
            self.pages[key] = page
            self.stack.addWidget(page)
            page.restore_state(self.settings if hasattr(self, "settings") else ui_settings())
            if self.ctx.store.read_only:
                page.apply_read_only()
        return self.pages[key]

    def show_page(self, key: str) -> Page:
        keys = [s.key for s in self.specs]
        self.nav.setCurrentRow(keys.index(key))
        return self.pages[key]

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        key = self.specs[row].key
        page = self.page(key)
        if key in self.stale and not page.has_unsaved_changes():
            self.stale.discard(key)
            self._reload(page)
        self.stack.setCurrentWidget(page)
        tasks.forget_module_sources()  # sources lues par shiboken6 aux imports de la page
        self.statusBar().showMessage(self.specs[row].title, 2000)

    def current_page(self) -> Page | None:
        w = self.stack.currentWidget()
        return w if isinstance(w, Page) else None

    # -- menus ------------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&Fichier")
        self.documents.install(file_menu, self)
        from ui.backup_actions import BackupActions

        self.backups = BackupActions(self)
        self.backups.install(file_menu)
        calendar_action = QAction("Exporter le &calendrier…", self)
        calendar_action.setStatusTip(
            "Échéances des actions et dates clés dans un fichier .ics (Outlook, Thunderbird)"
        )
        calendar_action.setShortcut(QKeySequence("Ctrl+Shift+K"))  # K : « calendrier », libre ailleurs
        calendar_action.triggered.connect(lambda: self.export_calendar())
        file_menu.addAction(calendar_action)
        file_menu.addSeparator()
        self.calendar_action = calendar_action
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
        prefs_action = QAction("&Préférences…", self)
        prefs_action.setShortcut(QKeySequence("Ctrl+,"))  # l'usage des applications de bureau
        prefs_action.setStatusTip("Rappel des échéances (nombre de jours)")
        prefs_action.triggered.connect(lambda: self.open_preferences())
        edit_menu.addAction(prefs_action)
        self.preferences_action = prefs_action

        plan_menu = bar.addMenu("Pla&n")
        bassins_action = QAction("&Bassins…", self)
        bassins_action.setStatusTip("Ajouter, archiver un bassin ; choisir les actions concernées")
        bassins_action.triggered.connect(self.open_bassins)
        new_roadmap_action = QAction("&Nouvelle feuille de route…", self)
        new_roadmap_action.setStatusTip(
            "Démarrer une feuille de route à partir d'une autre (actions non réalisées reprises)"
        )
        new_roadmap_action.triggered.connect(self.open_new_roadmap)
        choose_action = QAction("&Choisir la feuille de route", self)
        choose_action.setShortcut(QKeySequence("Ctrl+Shift+F"))
        choose_action.triggered.connect(self._focus_roadmap_selector)
        self.new_roadmap_action, self.bassins_action = new_roadmap_action, bassins_action
        plan_menu.addAction(choose_action)
        plan_menu.addAction(new_roadmap_action)
        plan_menu.addSeparator()
        from ui.plan_transfer import PlanTransfer

        self.plan_transfer = PlanTransfer(self)
        self.plan_transfer.install(plan_menu)
        plan_menu.addSeparator()
        plan_menu.addAction(bassins_action)

        view_menu = bar.addMenu("&Affichage")
        for i, spec in enumerate(self.specs):
            act = QAction(spec.title, self)
            act.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            act.triggered.connect(lambda _=False, k=spec.key: self.show_page(k))
            view_menu.addAction(act)
            self.addAction(act)

        help_menu = bar.addMenu("A&ide")  # Alt+I : Alt+A est Affichage
        from ui import help as app_help

        app_help.install(self, help_menu)
        about = QAction("À &propos", self)
        about.triggered.connect(self.about)
        help_menu.addAction(about)

    def open_preferences(self) -> QWidget:
        from ui.dialogs.preferences_dialog import PreferencesDialog

        dialog = PreferencesDialog(self)

        def applied() -> None:
            page = self.pages.get("dashboard")
            if page is not None:
                page.refresh()

        dialog.accepted.connect(applied)
        self.dialog = dialog
        dialog.open()
        return dialog

    def export_calendar(self, path: Any = None) -> Any:
        """Fichier → Exporter le calendrier… : toutes les échéances de la feuille de route
        affichée ; le bassin est celui du filtre de l'Échéancier s'il en a un."""
        from pathlib import Path

        from roadmap_app.plan.ics import export_ics
        from ui.file_dialogs import ask_save

        if path is None:
            chosen = ask_save(self, "Exporter le calendrier", "echeances.ics",
                              "Calendrier iCalendar (*.ics)")  # fmt: skip
            if chosen is None:
                return None
            path = chosen[0]
        path = Path(path)
        if path.suffix.lower() != ".ics":
            path = path.with_name(path.name + ".ics")
        bassin = None
        page: Any = self.pages.get("echeancier")
        if page is not None:
            ids = page.filters.action_filter().bassin_ids
            if ids and len(ids) == 1:
                bassin = next(iter(ids))
        try:
            result = export_ics(self.ctx, path, bassin=bassin, roadmap=self.ctx.roadmap_id)
        except (UserError, StoreError) as err:
            QMessageBox.warning(self, "Calendrier non exporté", str(err))
            return None
        self.show_message(result.message(), 8000)
        return result

    def _update_undo_actions(self) -> None:
        u, r = self.ctx.undo, self.ctx.undo
        self.undo_action.setEnabled(u.can_undo() and not self.ctx.store.read_only)
        self.undo_action.setText(f"&Annuler : {u.undo_label()}" if u.can_undo() else "&Annuler")
        self.redo_action.setEnabled(r.can_redo() and not self.ctx.store.read_only)
        self.redo_action.setText(f"&Rétablir : {r.redo_label()}" if r.can_redo() else "&Rétablir")

    def undo(self) -> None:
        if self.ctx.undo.can_undo():
            from roadmap_app.core.ops import undo_last  # écritures : au premier usage

            self._run_undo(undo_last, "Annulé")

    def redo(self) -> None:
        if self.ctx.undo.can_redo():
            from roadmap_app.core.ops import redo_last

            self._run_undo(redo_last, "Rétabli")

    def _run_undo(self, fn: Any, verb: str) -> None:
        try:
            changes = fn(self.ctx)
        except UserError as err:
            QMessageBox.warning(self, "Impossible", str(err))
            return
        self.apply_changes(changes)
        self.show_message(f"{verb} : {changes.label}")

    def _focus_roadmap_selector(self) -> None:
        self.roadmap_combo.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.roadmap_combo.showPopup()

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
        reason = self.ctx.store.read_only
        self.read_only_label.setText("Lecture seule" if reason else "")
        self.read_only_label.setToolTip(
            f"Base ouverte en lecture seule : {reason}" if reason else ""
        )
        self.read_only_label.setVisible(bool(reason))
        for act in (self.new_roadmap_action, self.backups.restore_action):
            act.setEnabled(not reason)
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

    def confirm_leave(self, question: str) -> bool:
        """Saisies non enregistrées : les enregistrer, les abandonner, ou renoncer (``False``)."""
        dirty = [p for p in self.pages.values() if p.has_unsaved_changes()]
        if not dirty:
            return True
        answer = QMessageBox.question(
            self,
            "Saisies non enregistrées",
            f"Certaines saisies ne sont pas enregistrées. {question}",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Cancel:
            return False
        return answer != QMessageBox.StandardButton.Save or all(p.save_pending() for p in dirty)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.leave_confirmed and not self.confirm_leave(
            "Les enregistrer avant de quitter ?"
        ):
            event.ignore()
            return
        self.save_window_state()
        self.backups.on_close()
        event.accept()
