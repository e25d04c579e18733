"""Page « Feuille de route » : arbre filtrable et panneau de détail avec édition du statut par bassin.

L'édition du plan lui-même (actions, cibles, axes : créer, modifier, déplacer, archiver) est dans
``roadmap_editing.PlanEditor`` (barre d'outils, menu contextuel, glisser-déposer).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMessageBox,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from roadmap_app.core.context import AppContext
from roadmap_app.core.domains import PLAN, STATUSES
from roadmap_app.core.errors import StaleDataError, StoreError, UserError
from roadmap_app.plan.read import ActionRow, PlanView, load_action, load_plan
from ui.models.plan_filter import PlanFilter, visible_headers
from ui.models.plan_tree import (
    COL_CODE,
    COL_TITLE,
    PlanTreeModel,
)
from ui.pages.base import Page
from ui.pages.roadmap_editing import PlanEditor
from ui.settings import load_json, save_json
from ui.style import MUTED
from ui.widgets.action_detail import ActionDetailPanel, CellEdit
from ui.widgets.filter_bar import FilterBar
from ui.widgets.highlight_delegate import HighlightDelegate
from ui.widgets.plan_columns import TITLE_MIN, PlanColumns, PlanTreeView, title_first
from ui.widgets.status_delegate import StatusDelegate

DETAIL_MIN, DETAIL_MAX = 260, 420


class RoadmapPage(Page):
    domains = frozenset({PLAN, STATUSES})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.plan: PlanView | None = None
        self.show_archived = False
        # widgets créés sous leur parent définitif (pas de style refait au rattachement)
        self.filters = FilterBar(self)
        self.model = PlanTreeModel(self)
        self.plan_filter = PlanFilter(self.model)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.tree = PlanTreeView(self.splitter)
        self.tree.setObjectName("planTree")
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSortingEnabled(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAllColumnsShowFocus(True)
        self.tree.setExpandsOnDoubleClick(True)
        self.tree.setIndentation(12)
        self.tree.setDragEnabled(True)
        self.tree.setAcceptDrops(True)
        self.tree.setDropIndicatorShown(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.tree.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.delegate = StatusDelegate(self.tree)
        self.highlight = HighlightDelegate(self.tree)  # mots cherchés surlignés dans l'intitulé
        self.tree.setItemDelegateForColumn(COL_TITLE, self.highlight)
        self.detail = ActionDetailPanel(self.splitter)

        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setCollapsible(1, True)  # le détail se replie (Ctrl+D), jamais l'arbre
        self.splitter.splitterMoved.connect(lambda *_: self.fit_columns())
        self._splitter_placed = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        self.editor = PlanEditor(self)
        self.toggle_detail = QAction("&Détail", self)
        self.toggle_detail.setCheckable(True)
        self.toggle_detail.setChecked(True)
        self.toggle_detail.setShortcut(QKeySequence("Ctrl+D"))
        self.toggle_detail.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.toggle_detail.setToolTip("Afficher ou replier le panneau de détail (Ctrl+D)")
        self.toggle_detail.toggled.connect(self.set_detail_visible)
        self.addAction(self.toggle_detail)
        # à droite de la barre des filtres : toujours visible, même quand la barre d'outils déborde
        detail_button = QToolButton(self.filters)
        detail_button.setObjectName("detailToggle")
        detail_button.setDefaultAction(self.toggle_detail)
        detail_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.filters.bottom.addWidget(detail_button)
        layout.addWidget(self.editor.toolbar)
        layout.addWidget(self.filters)
        layout.addWidget(self.splitter, 1)

        self.filters.changed.connect(self.apply_filters)
        self.tree.selectionModel().currentRowChanged.connect(self._current_changed)
        self.detail.save_requested.connect(self.save_edits)
        self.detail.indicators.enter_value.connect(self.enter_indicator_value)
        self.detail.indicators.link_indicator.connect(self.link_indicator)
        QShortcut(QKeySequence.StandardKey.Find, self, self.filters.focus_search).setWhatsThis(
            "Rechercher dans les textes"
        )
        QShortcut(QKeySequence.StandardKey.Save, self, self.detail.request_save).setWhatsThis(
            "Enregistrer le statut de l'action"
        )
        self.columns = PlanColumns(self.tree, self.model, lambda: self.plan)
        title_first(self.tree)
        self.tree.resized.append(self._tree_resized)
        self.tree.sortByColumn(
            COL_CODE, Qt.SortOrder.AscendingOrder
        )  # avant les données : un seul tri
        self.refresh()

    # -- données ----------------------------------------------------------------------
    def refresh(self) -> None:
        """Relit le plan en gardant la sélection et les filtres."""
        selected = self.detail.action_row.id if self.detail.action_row else None
        self.plan = load_plan(self.ctx, include_archived=self.show_archived)
        from roadmap_app.indicators.model import has_links

        # colonne « Indicateurs » dès qu'une action de la feuille de route est liée à un indicateur ;
        # ses chiffres (dernières valeurs de tous les indicateurs liés) sont lus juste après la
        # première peinture, pas avant
        self.model.show_indicators = has_links(self.ctx, self.plan.roadmap.id)
        self.model.set_plan(self.plan)
        if self.model.show_indicators:
            QTimer.singleShot(0, self.load_indicator_summary)
        if self.tree.header().sortIndicatorSection() >= self.model.columnCount():
            self.tree.sortByColumn(COL_CODE, Qt.SortOrder.AscendingOrder)  # colonne disparue
        self._needs_expand = True
        self.filters.blockSignals(True)  # un seul filtrage (et un seul dépliage) par rechargement
        try:
            self.filters.set_plan(self.plan)
        finally:
            self.filters.blockSignals(False)
        self._configure_columns()
        self.apply_filters()
        if selected is not None:
            self.select_action(selected)

    def _configure_columns(self) -> None:
        for col in range(4, self.model.columnCount()):
            # poser un délégué refait la mise en page de tout l'arbre : seulement s'il change
            wanted = None if col == self.model.indicators_column else self.delegate
            if self.tree.itemDelegateForColumn(col) is not wanted:
                self.tree.setItemDelegateForColumn(col, wanted)  # type: ignore[arg-type]  # None : par défaut
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        self.fit_columns()

    def fit_columns(self) -> None:
        self.columns.fit()

    def _tree_resized(self) -> None:
        if not self._splitter_placed and self.isVisible():
            self._place_splitter()

    def _place_splitter(self) -> None:
        """Première mise en place : l'arbre a de quoi montrer l'intitulé et toutes ses colonnes,
        le détail prend le reste (au plus ``DETAIL_MAX``, au moins ``DETAIL_MIN``)."""
        self._splitter_placed = True
        total = self.splitter.width() - self.splitter.handleWidth()
        sizes = self.splitter.sizes()
        if sizes[1] == 0 and not self.toggle_detail.isChecked():
            return
        tree_need = sum(self.columns.wanted().values()) + TITLE_MIN + 24
        low = max(DETAIL_MIN, self.detail.minimumSizeHint().width())
        detail = max(low, min(DETAIL_MAX, total - tree_need))
        if sizes[1] and low <= sizes[1] <= total - tree_need:
            return  # l'état enregistré convient
        self.splitter.setSizes([total - detail, detail])

    def set_detail_visible(self, on: bool) -> None:
        """Replie ou rouvre le panneau de détail (Ctrl+D) ; l'arbre prend la place libérée."""
        if self.toggle_detail.isChecked() != on:
            self.toggle_detail.setChecked(on)  # rappelle cette méthode
            return
        total = self.splitter.width() - self.splitter.handleWidth()
        if on:
            width = self._detail_width or max(DETAIL_MIN, min(DETAIL_MAX, total // 3))
            self.splitter.setSizes([max(total - width, 0), width])
        else:
            self._detail_width = self.splitter.sizes()[1] or self._detail_width
            self.splitter.setSizes([total, 0])
        self.fit_columns()

    _detail_width = 0

    def apply_filters(self) -> None:
        flt = self.filters.action_filter()
        self.plan_filter.set_action_filter(flt)
        if self._needs_expand:  # après un rechargement seulement : le filtre ne replie rien
            self.tree.expandAll()
            self._needs_expand = False
        hidden_before = self._hidden_columns()
        self.plan_filter.sync_view(self.tree)
        if self._hidden_columns() != hidden_before:
            self.fit_columns()  # des bassins masqués ou remontrés : les largeurs sont refaites
        if self.highlight.set_terms(flt.terms):
            self.tree.viewport().update()
        self._forget_hidden_action()
        self.apply_filters_count_only()

    def _hidden_columns(self) -> list[int]:
        return [c for c in range(self.model.columnCount()) if self.tree.isColumnHidden(c)]

    def _forget_hidden_action(self) -> None:
        """Le détail se vide quand le filtre écarte l'action affichée (sauf saisies en cours)."""
        shown = self.detail.action_row
        if shown is None or self.detail.is_dirty():
            return
        idx = self.model.action_index(shown.id)
        if not idx.isValid() or not self.plan_filter.is_shown(idx.internalId()):
            self.detail.show_action(None, [], [])

    def visible_action_codes(self) -> list[str]:
        """Codes des actions visibles, dans l'ordre d'affichage (sert aux tests et à l'export)."""
        codes: list[str] = []

        def walk(parent: QModelIndex) -> None:
            for r in range(self.model.rowCount(parent)):
                if self.tree.isRowHidden(r, parent):
                    continue
                idx = self.model.index(r, 0, parent)
                node = self.model.node_at(idx)
                if node is not None and node.kind == "action":
                    codes.append(node.payload.code)
                walk(idx)

        walk(QModelIndex())
        return codes

    def visible_headers(self) -> list[str]:
        """Intitulés des colonnes affichées (les bassins écartés par le filtre sont masqués)."""
        return visible_headers(self.tree)

    def select_action(self, action_id: int) -> bool:
        idx = self.model.action_index(action_id)
        if not idx.isValid() or not self.plan_filter.is_shown(idx.internalId()):
            return False
        self.tree.selectionModel().setCurrentIndex(
            idx,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.tree.scrollTo(idx)
        return True

    def current_node(self):
        """Nœud (axe, cible ou action) de la ligne courante de l'arbre, ou ``None``."""
        return self.model.node_at(self.tree.currentIndex())

    def select_node(self, kind: str, node_id: int) -> bool:
        idx = self.model.node_index(kind, node_id)
        if not idx.isValid():
            return False
        self.tree.selectionModel().setCurrentIndex(
            idx,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.tree.scrollTo(idx)
        return True

    def set_show_archived(self, on: bool) -> None:
        self.show_archived = on
        self.refresh()
        self.editor.update_actions()

    def notify(self, text: str) -> None:
        window = self.window()
        if hasattr(window, "show_message"):
            window.show_message(text, 6000)

    def select_code(self, code: str) -> bool:
        assert self.plan is not None
        return self.select_action(self.plan.action(code).id)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        node = self.model.node_at(current)
        if node is None or node.kind != "action":
            # une cible ou un axe : le détail ne montre plus une action qui n'est pas choisie
            if not self.detail.is_dirty():
                self.detail.show_action(None, [], [])
            return
        if (
            self.detail.is_dirty()
            and self.detail.action_row
            and self.detail.action_row.id != node.payload.id
        ):
            if not self._confirm_leave():
                QTimer.singleShot(0, lambda: self.select_action(self.detail.action_row.id))  # type: ignore[union-attr]
                return
        self._show(node.payload)

    def _show(self, action: ActionRow) -> None:
        from roadmap_app.plan.history import action_history  # tables ORM : hors démarrage

        assert self.plan is not None
        self.detail.show_action(action, self.plan.bassins, action_history(self.ctx, action.id))
        self.show_action_indicators(action)
        self.detail.editor_box.setEnabled(not action.hidden and not self.ctx.store.read_only)
        if action.hidden:
            why = "archivée" if action.archived else "dans une cible ou un axe archivé"
            self.detail.title.setText(
                self.detail.title.text() + f" <i style='color:{MUTED}'>({why})</i>"
            )
            self.detail.editor_box.setToolTip("Action archivée : restaurez-la pour la modifier.")
        else:
            self.detail.editor_box.setToolTip("")

    # -- indicateurs de suivi ------------------------------------------------------------
    def load_indicator_summary(self) -> None:
        from roadmap_app.indicators.model import action_summaries

        if self.plan is not None and self.model.show_indicators:
            self.model.set_indicator_summary(action_summaries(self.ctx, self.plan.roadmap.id))

    def show_action_indicators(self, action: ActionRow) -> None:
        from roadmap_app.indicators.model import action_indicators

        assert self.plan is not None
        box = self.detail.indicators
        box.show_indicators(action_indicators(self.ctx, action.id, [(b.id, b.name) for b in self.plan.bassins]))
        writable = not action.hidden and not self.ctx.store.read_only
        box.link_button.setEnabled(writable)
        box.value_button.setEnabled(writable and bool(box.linked))

    def link_indicator(self) -> None:
        from ui.dialogs.indicator_dialogs import LinkIndicatorDialog

        action = self.detail.action_row
        if action is None or self.plan is None:
            return
        linked = {one.indicator.id for one in self.detail.indicators.linked}
        dialog = LinkIndicatorDialog(self.ctx, action.code, self.plan.roadmap.id, linked, self)
        dialog.accepted.connect(lambda: self._indicators_changed(f"Indicateur lié à {action.code}"))
        # un indicateur a pu y être défini (« Nouvel indicateur… »), même sans lien
        dialog.finished.connect(lambda _r: self._refresh_indicators_page())
        dialog.open()

    def _refresh_indicators_page(self) -> None:
        page = getattr(self.window(), "pages", {}).get("indicators")
        if page is not None:
            page.refresh()

    def enter_indicator_value(self) -> None:
        from ui.dialogs.indicator_dialogs import IndicatorValueDialog

        action = self.detail.action_row
        if action is None or self.plan is None or not self.detail.indicators.linked:
            return
        dialog = IndicatorValueDialog(self.ctx, self.detail.indicators.linked, list(self.plan.bassins), self)
        dialog.accepted.connect(lambda: self._indicators_changed("Valeur enregistrée"))
        dialog.open()

    def _indicators_changed(self, message: str) -> None:
        """Après une saisie : panneau et colonne « Indicateurs » relus (le plan entier seulement si
        la colonne apparaît)."""
        from roadmap_app.indicators.model import action_summaries

        if self.plan is None:
            return
        summaries = action_summaries(self.ctx, self.plan.roadmap.id)
        if bool(summaries) != self.model.show_indicators:
            self.refresh()  # la colonne apparaît (ou disparaît) : le panneau est relu aussi
        else:
            self.model.set_indicator_summary(summaries)
            if self.detail.action_row is not None:
                self.show_action_indicators(self.detail.action_row)
        window = self.window()
        if hasattr(window, "show_message"):
            window.show_message(message)

    def _confirm_leave(self) -> bool:
        answer = QMessageBox.question(
            self,
            "Saisies non enregistrées",
            "Les modifications de l'action en cours ne sont pas enregistrées. Les enregistrer ?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save_pending()
        return answer == QMessageBox.StandardButton.Discard

    # -- édition ----------------------------------------------------------------------
    def save_edits(self, action: ActionRow, edits: list[CellEdit]) -> bool:
        from roadmap_app.plan.status import CellChange, update_statuses  # au premier usage

        changes = [
            CellChange(e.bassin_id, e.status, e.progress, e.note, e.expected_version, e.base)
            for e in edits
        ]
        try:
            update_statuses(
                self.ctx, action.code, changes, roadmap=self.plan.roadmap.id if self.plan else None
            )
        except StaleDataError as err:
            QMessageBox.warning(self, "Modifiée entre-temps", str(err))
            self._reload_action(action.id)
            return False
        except (UserError, StoreError, ValueError) as err:
            QMessageBox.warning(self, "Enregistrement impossible", str(err))
            return False
        self._reload_action(action.id)
        window = self.window()
        if hasattr(window, "show_message"):
            window.show_message(f"Enregistré : {action.code}")
        return True

    def _reload_action(self, action_id: int) -> None:
        fresh = load_action(self.ctx, action_id, include_archived=self.show_archived)
        self.model.update_action(fresh)
        self._show(fresh)
        self.apply_filters_count_only()

    def apply_filters_count_only(self) -> None:
        if self.plan is None:
            return
        total = sum(1 for _ in self.plan.active_actions())
        shown = self.plan_filter.accepted_action_count(self.plan.today)
        self.filters.set_count(shown, total)

    def write_controls(self) -> list[Any]:
        e = self.editor
        return [self.detail.editor_box, e.new_action, e.new_cible, e.new_axe, e.edit, e.move,
                e.archive, e.restore]  # fmt: skip

    def has_unsaved_changes(self) -> bool:
        return self.detail.is_dirty()

    def save_pending(self) -> bool:
        action = self.detail.action_row
        if action is None or not self.detail.is_dirty():
            return True
        return self.save_edits(action, self.detail.edits())

    # -- état -------------------------------------------------------------------------
    def save_state(self, settings: QSettings) -> None:
        save_json(settings, "roadmap/filters", self.filters.state())
        settings.setValue("roadmap/splitter", self.splitter.saveState())
        settings.setValue("roadmap/header", self.tree.header().saveState())
        settings.setValue("roadmap/detail", self.toggle_detail.isChecked())

    def restore_state(self, settings: QSettings) -> None:
        self.filters.restore(load_json(settings, "roadmap/filters", {}))
        splitter = settings.value("roadmap/splitter")
        if splitter:
            self.splitter.restoreState(splitter)
        header = settings.value("roadmap/header")
        if header and self.tree.header().restoreState(header):
            title_first(self.tree)  # un en-tête enregistré avant que l'intitulé passe en tête
            # l'en-tête enregistré a pu masquer d'autres colonnes que le filtre restauré ; ses
            # largeurs ne sont pas reprises telles quelles (une colonne réduite à rien, un
            # intitulé de 20 px) : elles sont refaites pour la fenêtre d'aujourd'hui
            self.plan_filter.sync_view(self.tree)
            self._configure_columns()
        if str(settings.value("roadmap/detail", "true")).lower() == "false":
            self.toggle_detail.setChecked(False)
