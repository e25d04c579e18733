"""Page « Indicateurs » : chaque indicateur de suivi avec les actions qu'il mesure, sa référence,
sa cible, sa dernière valeur et son statut par bassin ; filtres (bassin, axe, source, hors
cible) ; la courbe de l'indicateur choisi (valeurs, cible en marches, référence), dessinée avec
les fonctions des graphiques des flux. matplotlib n'est chargé qu'au premier indicateur choisi.

Barre d'outils et menu contextuel (comme la Feuille de route) : définir un indicateur, modifier sa
définition, fixer sa référence et ses cibles, saisir une valeur, l'archiver ; importer des valeurs
(format long ``indicateur ; bassin ; date ; valeur``, aperçu puis tout ou rien) et écrire le modèle
de saisie pré-rempli. Chaque écriture est une opération du journal, annulable par Ctrl+Z."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from roadmap_app.core.context import AppContext
from roadmap_app.core.errors import StoreError, UserError
from roadmap_app.indicators import model as m
from ui.file_dialogs import ask_open, ask_save
from ui.models.indicators_table import IndicatorRow, IndicatorsTableModel
from ui.pages.base import READ_ONLY_TIP, Page
from ui.style import icon
from ui.tasks import Task, TaskRunner
from ui.widgets.chart_view import ChartView

TOOL_COLOR = "#344054"
#: Largeur au plus (px) des colonnes ajustées à leur contenu ; au-delà, le texte est abrégé « … »
#: (texte entier en infobulle). L'intitulé (colonne 0) prend le reste : les valeurs, cibles et
#: statuts restent lisibles en entier à 1280 px, l'intitulé s'abrège le premier.
FIT_MAX = {1: 90, 2: 150, 3: 120, 4: 190, 5: 190, 6: 190, 7: 130}
FIT_SAMPLE = 250  # lignes mesurées au plus (9 000 lignes à 100× : 20 ms)


class IndicatorsPage(Page):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.overview: m.Overview | None = None
        self.all_rows: list[IndicatorRow] = []
        self.tasks = TaskRunner()
        self.import_task: Task | None = None
        self.last_import: int | None = None
        title = QLabel("Indicateurs de suivi")
        title.setObjectName("pageTitle")
        self.bassin = QComboBox()
        self.bassin.setAccessibleName("Bassin")
        self.axe = QComboBox()
        self.axe.setAccessibleName("Axe")
        self.source = QComboBox()
        self.source.setAccessibleName("Source")
        self.off_target = QCheckBox("Hors cible seulement")
        self.off_target.setToolTip("Seulement les indicateurs dont la dernière valeur est en dessous de la cible")
        self.linked_only = QCheckBox("Liés à une action")
        self.linked_only.setToolTip("Seulement les indicateurs qui mesurent au moins une action")
        self.count = QLabel()
        self.count.setObjectName("muted")
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.count)
        head.addSpacing(12)
        filters = QHBoxLayout()
        for text, combo in (("&Bassin", self.bassin), ("A&xe", self.axe), ("&Source", self.source)):
            label = QLabel(text)
            label.setBuddy(combo)
            filters.addWidget(label)
            filters.addWidget(combo)
        filters.addWidget(self.off_target)
        filters.addWidget(self.linked_only)
        filters.addStretch(1)
        self.model = IndicatorsTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("indicatorsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setColumnHidden(8, True)  # la source : filtre et infobulle (place de l'intitulé)
        self.chart = ChartView("Choisissez un indicateur pour voir ses valeurs, sa cible et sa référence.")
        self.chart.setMinimumHeight(200)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.chart)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.setSpacing(8)
        lay.addLayout(head)
        lay.addWidget(self._toolbar())
        # importer / exporter le modèle : à droite du titre (la barre principale est pleine à 1 366 px)
        head.addWidget(self.file_bar)
        lay.addLayout(filters)
        lay.addWidget(self.splitter, 1)
        for combo in (self.bassin, self.axe, self.source):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.off_target.toggled.connect(self.apply_filters)
        self.linked_only.toggled.connect(self.apply_filters)
        # la courbe suit la ligne choisie (et non l'index courant que pose la prise de focus) :
        # matplotlib n'est chargé qu'au premier choix
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.shown_code: str | None = None
        self.shown_key: tuple[str, Any] | None = None  # (indicateur, filtre Bassin) de la courbe
        # le tracé (matplotlib chargé au premier choix : 2 à 3 s) attend un tour de boucle : la
        # ligne choisie et « Tracé de la courbe… » sont peints d'abord, curseur d'attente posé
        self.pending: m.IndicatorDef | None = None
        self.waiting = False
        self.chart_timer = QTimer(self)
        self.chart_timer.setSingleShot(True)
        self.chart_timer.setInterval(0)
        self.chart_timer.timeout.connect(self._draw_pending)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.update_actions())
        self.table.doubleClicked.connect(lambda _i: self.edit_indicator())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.dialog: QWidget | None = None
        self.refresh()

    # -- commandes --------------------------------------------------------------------
    def _make(self, text: str, icon_name: str, shortcut: str | QKeySequence.StandardKey, tip: str,
              slot: Any, owner: QWidget) -> QAction:  # fmt: skip
        act = QAction(icon(icon_name, TOOL_COLOR, 16), text, owner)
        act.setShortcut(QKeySequence(shortcut))
        act.setShortcutContext(Qt.ShortcutContext.WidgetShortcut if owner is self.table
                               else Qt.ShortcutContext.WidgetWithChildrenShortcut)  # fmt: skip
        keys = act.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        act.setToolTip(f"{tip} ({keys})" if keys else tip)
        act.setStatusTip(tip)
        act.triggered.connect(lambda _checked=False: slot())
        owner.addAction(act)
        return act

    def _toolbar(self) -> QToolBar:
        self.new_action = self._make("&Nouvel indicateur…", "add", "Ctrl+N",
                                     "Définir un indicateur pour la feuille de route", self.new_indicator, self)  # fmt: skip
        self.edit_action = self._make("&Modifier…", "edit", "F2",
                                      "Modifier la définition de l'indicateur choisi (double-clic)",
                                      self.edit_indicator, self)  # fmt: skip
        self.steps_action = self._make("&Référence et cibles…", "indicators", "Ctrl+T",
                                       "Situation de référence et cibles par année ou à partir d'une date",
                                       self.edit_steps, self)  # fmt: skip
        self.value_action = self._make("Saisir une &valeur…", "flows", "Ctrl+Shift+V",
                                       "Valeur mesurée de l'indicateur choisi, pour un bassin et une date",
                                       self.enter_value, self)  # fmt: skip
        self.link_action = self._make("&Lier à une action…", "roadmap", "Ctrl+L",
                                      "L'indicateur choisi mesure une action de plus (colonne TDB national ou Autres)",
                                      self.link_to_action, self)  # fmt: skip
        self.archive_action = self._make("Ar&chiver…", "archive", QKeySequence.StandardKey.Delete,
                                         "Archiver l'indicateur : il quitte les listes, ses valeurs et liens "
                                         "sont gardés", self.archive_indicator, self.table)  # fmt: skip
        self.import_action = self._make("&Importer des valeurs…", "import", "Ctrl+I",
                                        "Valeurs d'un classeur ou CSV « indicateur ; bassin ; date ; valeur » : "
                                        "aperçu, puis tout ou rien", self.import_file, self)  # fmt: skip
        self.template_action = self._make("Ex&porter le modèle…", "export", "Ctrl+Shift+E",
                                          "Modèle de saisie pré-rempli (.xlsx ou .csv) à remplir puis importer",
                                          self.export_template, self)  # fmt: skip
        bar = QToolBar("Indicateurs", self)
        bar.setObjectName("indicatorsToolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.addAction(self.new_action)
        bar.addSeparator()
        for act in (self.edit_action, self.steps_action, self.value_action, self.link_action, self.archive_action):
            bar.addAction(act)
        self.file_bar = QToolBar("Fichiers d'indicateurs", self)
        self.file_bar.setObjectName("indicatorsFileToolbar")
        self.file_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.file_bar.addAction(self.import_action)
        self.file_bar.addAction(self.template_action)
        return bar

    def write_controls(self) -> list[QWidget | QAction]:
        return [self.new_action, self.edit_action, self.steps_action, self.value_action, self.link_action,
                self.archive_action, self.import_action]  # fmt: skip

    def current(self) -> m.IndicatorDef | None:
        rows = self.table.selectionModel().selectedRows()
        row = self.model.row_at(rows[0].row()) if rows else None
        return None if row is None else row.state.indicator

    def current_bassin(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        row = self.model.row_at(rows[0].row()) if rows else None
        return None if row is None else row.state.bassin_id

    def update_actions(self) -> None:
        if self.ctx.store.read_only:
            for act in self.write_controls():
                act.setEnabled(False)
                act.setToolTip(READ_ONLY_TIP)
            return
        d = self.current()
        for act in (self.edit_action, self.steps_action, self.value_action, self.link_action):
            act.setEnabled(d is not None)
        self.archive_action.setEnabled(d is not None and not d.builtin)
        self.edit_action.setText("&Modifier…" if d is None or not d.builtin else "&Définition…")

    def _context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self.table)
        for act in (self.new_action, None, self.edit_action, self.steps_action, self.value_action, self.link_action,
                    None, self.archive_action, None, self.import_action, self.template_action):  # fmt: skip
            menu.addSeparator() if act is None else menu.addAction(act)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def _changed(self, message: str, code: str | None) -> None:
        """Après une écriture : la page (l'indicateur reste choisi) et les autres pages ouvertes
        (panneau et colonne « Indicateurs » de la Feuille de route, cibles des flux) sont relues."""
        bassin = self.current_bassin()
        chosen = self.current()
        self.shown_code = None
        self.refresh()
        if code is not None and not (self.select_code(code, bassin) or self.select_code(code)):
            self.clear_filters()  # un filtre cache l'indicateur créé ou modifié : on le montre
            self.select_code(code, bassin) or self.select_code(code)
        elif code is None and not (chosen is not None and self.select_code(chosen.code, bassin)):
            # (import, archivage) : l'indicateur choisi le reste et sa courbe est redessinée ;
            # parti (archivé), sa courbe ne reste pas affichée sans ligne choisie
            self.chart.clear()
        from roadmap_app.core.domains import FLOWS, PLAN

        window: Any = self.window()
        for page in getattr(window, "pages", {}).values():
            if page is not self and page.domains & {PLAN, FLOWS}:
                page.refresh()
        if hasattr(window, "show_message"):
            window.show_message(message, 6000)

    def clear_filters(self) -> None:
        for combo in (self.bassin, self.axe, self.source):
            combo.setCurrentIndex(0)
        self.off_target.setChecked(False)
        self.linked_only.setChecked(False)

    def select_code(self, code: str, bassin_id: int | None = None) -> bool:
        from roadmap_app.indicators.model import canonical_code

        code = canonical_code(code)  # « M2 » : le flux où il est fondu
        for r in range(self.model.rowCount()):
            row = self.model.row_at(r)
            if row is not None and row.state.indicator.code == code and bassin_id in (None, row.state.bassin_id):
                self.table.selectRow(r)
                self.table.scrollTo(self.model.index(r, 0))
                return True
        return False

    def new_indicator(self) -> QWidget | None:
        from ui.dialogs.indicator_dialogs import IndicatorDialog

        if self.ctx.store.read_only:
            return None
        # sans feuille choisie, le service prend celle affichée par défaut (la plus récente)
        dialog = IndicatorDialog(self.ctx, self.ctx.roadmap_id, None, self)
        dialog.accepted.connect(lambda: self._changed(
            f"Indicateur « {dialog.result_value.label} » créé (Ctrl+Z pour annuler)", dialog.result_value.code))  # fmt: skip
        self.dialog = dialog
        dialog.open()
        return dialog

    def edit_indicator(self) -> QWidget | None:
        from ui.dialogs.indicator_dialogs import IndicatorDialog

        d = self.current()
        if d is None or self.ctx.store.read_only:
            return None
        dialog = IndicatorDialog(self.ctx, d.roadmap_id, d, self)
        dialog.accepted.connect(lambda: self._changed(
            f"Indicateur « {dialog.result_value.label} » modifié (Ctrl+Z pour annuler)", d.code))  # fmt: skip
        self.dialog = dialog
        dialog.open()
        return dialog

    def edit_steps(self) -> QWidget | None:
        from ui.dialogs.indicator_dialogs import StepsDialog

        d = self.current()
        if d is None or self.ctx.store.read_only:
            return None
        dialog = StepsDialog(self.ctx, d, self)
        wrote: list[str] = []
        dialog.changed.connect(wrote.append)
        dialog.finished.connect(lambda _r: self._changed(wrote[-1], d.code) if wrote else None)
        self.dialog = dialog
        dialog.open()
        return dialog

    def enter_value(self) -> QWidget | None:
        from types import SimpleNamespace

        from roadmap_app.flows.series import bassins
        from ui.dialogs.indicator_dialogs import IndicatorValueDialog

        d = self.current()
        if d is None or self.ctx.store.read_only:
            return None
        dialog = IndicatorValueDialog(self.ctx, [SimpleNamespace(indicator=d)], bassins(self.ctx), self)
        bassin = self.current_bassin()
        dialog.bassin.setCurrentIndex(max(dialog.bassin.findData(bassin), 0))
        dialog.accepted.connect(lambda: self._changed(f"Valeur de « {d.label} » enregistrée (Ctrl+Z pour annuler)",
                                                      d.code))  # fmt: skip
        self.dialog = dialog
        dialog.open()
        return dialog

    def link_to_action(self) -> QWidget | None:
        from ui.dialogs.indicator_dialogs import LinkActionDialog

        d = self.current()
        if d is None or self.ctx.store.read_only:
            return None
        linked = set(self.overview.actions.get(d.id, [])) if self.overview is not None else set()
        dialog = LinkActionDialog(self.ctx, d, linked, self)
        dialog.accepted.connect(lambda: self._changed(
            f"« {d.label} » lié à {dialog.action.currentData()} (Ctrl+Z pour annuler)", d.code))  # fmt: skip
        self.dialog = dialog
        dialog.open()
        return dialog

    def archive_indicator(self) -> None:
        from roadmap_app.core.errors import StoreError, UserError

        d = self.current()
        if d is None or d.builtin or self.ctx.store.read_only:
            return
        measured = self.overview.actions.get(d.id, []) if self.overview is not None else []
        extra = f" Il mesure {len(measured)} action(s) : {', '.join(measured)} ; les liens sont gardés." if measured else ""
        answer = QMessageBox.question(
            self, "Archiver l'indicateur",
            f"Archiver l'indicateur « {d.label} » ({d.code}) ?\n\nIl quitte cette page, les panneaux des "
            f"actions et les prochains instantanés ; ses valeurs, sa référence et ses cibles ne sont pas "
            f"effacées.{extra} Ctrl+Z annule.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
        )  # fmt: skip
        if answer != QMessageBox.StandardButton.Yes:
            return
        from roadmap_app.indicators.service import archive_indicator

        try:
            archive_indicator(self.ctx, d.id, expected_version=d.version)
        except (UserError, StoreError) as err:
            QMessageBox.warning(self, "Archivage impossible", str(err))
            self.refresh()
            return
        self._changed(f"Indicateur « {d.label} » archivé (Ctrl+Z pour annuler)", None)

    def import_file(self) -> None:
        if self.ctx.store.read_only:
            return
        path = ask_open(self, "Importer des valeurs d'indicateurs", "Classeur ou CSV (*.xlsx *.csv)")
        if path:
            self.import_path(path)

    def import_path(self, path: Path) -> bool:
        """Lit et vérifie le fichier, montre l'aperçu, puis écrit tout ensemble (hors du fil de
        l'interface, comme l'import des flux) ; True : l'import est lancé."""
        from roadmap_app.indicators.io import apply_import, plan_import, preview_rows
        from ui.dialogs.indicators_import_dialog import IndicatorImportPreviewDialog

        if self.ctx.store.read_only:
            return False
        try:
            result = plan_import(self.ctx, path)
            rows = preview_rows(self.ctx, result)
        except (UserError, StoreError) as err:
            QMessageBox.warning(self, "Import refusé", str(err))
            return False
        if not result.items:
            QMessageBox.information(self, "Import", f"Rien à changer : {result.summary()}.")
            return False
        if not self.confirm_import(IndicatorImportPreviewDialog(result, rows, self)):
            return False
        self.import_task = self.tasks.run(
            self, "Import des indicateurs",
            lambda progress: apply_import(self.ctx, result),
            self._imported, self._import_failed,
        )  # fmt: skip
        return True

    def _imported(self, count: int) -> None:
        self.last_import = count
        self._changed(f"Import terminé : {count} valeur(s) écrite(s) (Ctrl+Z pour annuler)", None)

    def _import_failed(self, err: Exception) -> None:
        if not isinstance(err, UserError | StoreError):
            raise err
        QMessageBox.warning(self, "Import refusé", str(err))
        self.refresh()

    def confirm_import(self, dialog: Any) -> bool:
        """Point d'extension pour les tests : l'aperçu est montré avant d'écrire."""
        return bool(dialog.exec() == dialog.DialogCode.Accepted)

    def export_template(self) -> Path | None:
        from roadmap_app.indicators.io import export_template

        chosen = ask_save(self, "Exporter le modèle de saisie des indicateurs", "indicateurs-modele.xlsx",
                          "Classeur (*.xlsx);;CSV (*.csv)")  # fmt: skip
        if chosen is None:
            return None
        path = chosen[0]
        if not path.suffix:
            path = path.with_suffix(".csv" if "csv" in chosen[1].lower() else ".xlsx")
        try:
            written = export_template(self.ctx, path, self.ctx.roadmap_id)
        except (UserError, StoreError, OSError) as err:
            QMessageBox.warning(self, "Export impossible", str(err))
            return None
        window: Any = self.window()
        if hasattr(window, "show_message"):
            window.show_message(f"Modèle écrit : {written}", 8000)
        return written

    # -- données ----------------------------------------------------------------------
    def refresh(self) -> None:
        self.shown_key = None  # données relues : la courbe de la ligne choisie est redessinée
        self.overview = m.overview(self.ctx, full=False)
        ov = self.overview
        axes_of: dict[int, set[str]] = {}
        for link in ov.links:
            axes_of.setdefault(link.indicator_id, set()).add(link.axe_code)
        self.axes_of = axes_of
        # textes calculés une fois par indicateur (pas par bassin : 9 000 lignes à 100×)
        texts = {d.id: (", ".join(ov.actions.get(d.id, [])),
                        "flux" if d.is_flow else m.PROVENANCES.get(d.provenance, "")) for d in ov.defs}  # fmt: skip
        self.all_rows = [IndicatorRow(st, *texts[st.indicator.id]) for st in ov.states]
        # les indicateurs qui mesurent une action d'abord, dans l'ordre des définitions
        self.all_rows.sort(key=lambda r: not r.actions)
        self._fill_filters()
        self.apply_filters()
        if hasattr(self, "archive_action"):
            self.update_actions()

    def _fill_filters(self) -> None:
        def refill(combo: QComboBox, first: str, items: list[tuple[str, Any]]) -> None:
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(first, None)
            for text, data in items:
                combo.addItem(text, data)
            combo.setCurrentIndex(max(combo.findData(current), 0))
            combo.blockSignals(False)

        refill(self.bassin, "Tous les bassins", [(name, bid) for bid, name in m.bassin_list(self.ctx)])
        axes = sorted({code for codes in self.axes_of.values() for code in codes})
        refill(self.axe, "Tous les axes", [(code, code) for code in axes])
        refill(self.source, "Toutes les sources", [(label, key) for key, label in m.PROVENANCES.items()]
               + [("Flux mensuels", "flux")])  # fmt: skip

    def apply_filters(self) -> None:
        """Remplit le tableau filtré. La ligne choisie le reste si elle est encore montrée (sa
        courbe est redessinée si les données ou le bassin ont changé) ; cachée ou partie, le
        graphique s'efface et les boutons qui agissent sur elle se grisent."""
        keep = self._selected_key()
        bassin, axe, source = self.bassin.currentData(), self.axe.currentData(), self.source.currentData()
        off, linked = self.off_target.isChecked(), self.linked_only.isChecked()
        rows = []
        for r in self.all_rows:
            st = r.state
            d = st.indicator
            if bassin is not None and st.bassin_id not in (None, bassin):
                continue
            if axe is not None and axe not in self.axes_of.get(d.id, ()):
                continue
            if (source == "flux" and not d.is_flow) or (source not in (None, "flux") and (d.is_flow or d.provenance != source)):
                continue
            if off and st.status != m.BELOW:
                continue
            if linked and not r.actions:
                continue
            rows.append(r)
        self.model.set_rows(rows)
        if self.isVisible():  # sinon à l'affichage (showEvent), feuille de style appliquée
            self.fit_columns()
        total = len({r.state.indicator.id for r in self.all_rows})
        shown = len({r.state.indicator.id for r in rows})
        self.count.setText(f"{shown} indicateur(s) sur {total}" if shown != total else f"{total} indicateurs")
        self._restore_selection(keep)

    def _selected_key(self) -> tuple[str, int | None] | None:
        rows = self.table.selectionModel().selectedRows()
        row = self.model.row_at(rows[0].row()) if rows else None
        return None if row is None else (row.state.indicator.code, row.state.bassin_id)

    def _restore_selection(self, key: tuple[str, int | None] | None) -> None:
        # (la remise à zéro du modèle vide la sélection sans signal : on la repose ou on efface)
        for r, row in enumerate(self.model.rows if key is not None else []):
            if (row.state.indicator.code, row.state.bassin_id) == key:
                self.table.selectRow(r)  # → _selection_changed : courbe redessinée si besoin
                break
        else:
            self._cancel_pending()
            self.shown_code = self.shown_key = None
            self.chart.clear()
        if hasattr(self, "archive_action"):
            self.update_actions()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.fit_columns()  # la feuille de style (marges des cellules) ne s'applique qu'à l'affichage
        self._selection_changed()  # un tracé laissé en route (page quittée) est repris

    def hideEvent(self, event: Any) -> None:
        super().hideEvent(event)
        if self.pending is not None:  # page quittée ou fenêtre fermée avant le tracé : pas de
            self._cancel_pending()  # curseur d'attente laissé pour toute l'application
            self.shown_code = self.shown_key = None

    def fit_columns(self) -> None:
        """Chaque colonne à la largeur de son contenu et de son titre (au plus ``FIT_MAX``) ;
        l'intitulé, étiré, prend le reste. Les textes sont mesurés directement (sans passer par
        le délégué et ses huit rôles par cellule : dix fois moins de temps), sur les premières
        lignes et un échantillon régulier des autres."""
        header = self.table.horizontalHeader()
        rows = self.model.rows
        sample = rows if len(rows) <= FIT_SAMPLE else rows[:50] + rows[50 :: len(rows) // FIT_SAMPLE + 1]
        fm = self.table.fontMetrics()
        for col, most in FIT_MAX.items():
            value = self.model.columns[col].value
            texts = {str(value(r)) for r in sample}
            need = max((fm.horizontalAdvance(t) for t in texts), default=0)
            if rows:  # marges du délégué et de la feuille de style, lues sur la première cellule
                first = self.model.index(0, col)
                # (+ 2 : trait de la grille et arrondi des largeurs fractionnaires)
                need += self.table.sizeHintForIndex(first).width() - fm.horizontalAdvance(str(first.data())) + 2
            header.resizeSection(col, min(max(need, header.sectionSizeFromContents(col).width()), most))

    # -- courbe -----------------------------------------------------------------------
    def _selection_changed(self, *_args: Any) -> None:
        rows = self.table.selectionModel().selectedRows()
        row = self.model.row_at(rows[0].row()) if rows else None
        if row is None:
            return  # (sélection vidée par une remise à zéro : _restore_selection décide)
        if (row.state.indicator.code, self.bassin.currentData()) != self.shown_key:
            self.request_chart(row.state.indicator)

    def request_chart(self, d: m.IndicatorDef) -> None:
        """Annonce le tracé (texte, curseur d'attente) et le lance au tour de boucle suivant."""
        self.pending = d
        self.shown_code, self.shown_key = d.code, (d.code, self.bassin.currentData())
        self.chart.show_text("Tracé de la courbe…")
        if not self.waiting:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            self.waiting = True
        self.chart_timer.start()

    def _cancel_pending(self) -> None:
        self.chart_timer.stop()
        self.pending = None
        if self.waiting:
            self.waiting = False
            QApplication.restoreOverrideCursor()

    def _draw_pending(self) -> None:
        d, self.pending = self.pending, None
        try:
            if d is not None:
                self.show_chart(d)
        finally:
            if self.waiting:
                self.waiting = False
                QApplication.restoreOverrideCursor()


    def show_chart(self, d: m.IndicatorDef) -> None:
        from roadmap_app.flows.charts import indicator_over_time

        points, steps = m.load_series(self.ctx, [d])
        bassin = self.bassin.currentData()
        # une série par bassin dans l'ordre des bassins, vide si elle n'a pas de valeur ou si le
        # filtre l'écarte : chaque bassin garde son rang, donc sa couleur et son marqueur, d'un
        # indicateur à l'autre et dans le panneau d'une action (``SERIES_COLORS``)
        keys = [(bid, name) for bid, name in m.bassin_list(self.ctx)] if d.per_bassin else [(None, "Tout le plan")]
        series = {name: [(p.day, p.value) for p in points.get((d.id, bid), [])]
                  if bassin is None or bid in (None, bassin) else [] for bid, name in keys}  # fmt: skip
        all_steps = [st for (ind, bid), lst in steps.items() if ind == d.id and (bassin is None or bid in (None, bassin))
                     for st in lst]  # fmt: skip
        targets = [(st.effective_from, st.value, st.label) for st in all_steps if st.kind != "baseline"]
        bases = [st for st in all_steps if st.kind == "baseline"]
        baseline = (bases[-1].effective_from, bases[-1].value) if bases else None
        self.chart.set_figure(indicator_over_time(f"{d.label} ({d.code})", d.unit, series, targets, baseline,
                                                  self.ctx.today(), d.frequency))  # fmt: skip
        self.shown_code = d.code
        self.shown_key = (d.code, bassin)
