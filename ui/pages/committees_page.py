"""Page « Comités » : instantanés, comparaison avec l'état actuel ou un autre comité, export du pack."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from roadmap_app.committees.diff import SnapshotDiff
from roadmap_app.committees.pack import export_pack
from roadmap_app.committees.snapshots import (
    compare,
    create_snapshot,
    list_snapshots,
    plan_view_from_state,
    snapshot_state,
)
from roadmap_app.core.context import AppContext
from roadmap_app.core.domains import FLOWS, PLAN, SNAPSHOTS, STATUSES
from roadmap_app.core.errors import StoreError, UserError
from ui.dialogs.snapshot_dialogs import NewSnapshotDialog, SnapshotViewer
from ui.file_dialogs import ask_save
from ui.models.diff_model import HTML_ROLE, DiffTableModel, diff_rows
from ui.models.snapshot_list import INFO_ROLE, SnapshotListModel
from ui.pages.base import Page
from ui.settings import load_json, save_json
from ui.tasks import TaskRunner, error_details
from ui.widgets.html_delegate import HtmlDelegate

CURRENT = "__actuel__"
ALL = "__tous__"


#: Au-delà (100× : 13 000 changements), les hauteurs ne suivent pas la largeur de la colonne :
#: chaque calcul relit toutes les lignes.
ROWS_RESIZED_ON_WIDTH = 2000


class CommitteesPage(Page):
    domains = frozenset({PLAN, STATUSES, FLOWS, SNAPSHOTS})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.tasks = TaskRunner()
        self.last_export: Path | None = None
        self.diff: SnapshotDiff | None = None
        #: (instantanés comparés, jeton de la base) → comparaison complète, bassins et axes de l'état
        self._compared: tuple[Any, SnapshotDiff, Any] | None = None

        title = QLabel("Comités et instantanés")
        title.setObjectName("pageTitle")
        intro = QLabel(
            "Avant chaque comité (COPIL, COTECH, comité local), figez l'état du plan ; comparez-le au comité "
            "précédent ou à l'état actuel, puis exportez le pack (classeur et PDF)."
        )
        intro.setObjectName("muted")
        intro.setWordWrap(True)

        self.list_model = SnapshotListModel(self)
        self.table = QTableView()
        self.table.setObjectName("snapshotTable")
        self.table.setModel(self.list_model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        self.table.doubleClicked.connect(lambda _i: self.view_selected())
        self.new_button = QPushButton("&Nouvel instantané…")
        self.new_button.setObjectName("primary")
        self.new_button.setToolTip("Figer l'état actuel sous un nom (Ctrl+Maj+S)")
        self.new_button.setShortcut("Ctrl+Shift+S")
        self.view_button = QPushButton("&Consulter…")
        self.view_button.setToolTip("Ouvrir l'instantané sélectionné en lecture seule")
        self.new_button.clicked.connect(self.new_snapshot)
        self.view_button.clicked.connect(self.view_selected)
        left_buttons = QHBoxLayout()
        left_buttons.addWidget(self.new_button)
        left_buttons.addWidget(self.view_button)
        left_buttons.addStretch(1)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addLayout(left_buttons)
        ll.addWidget(self.table, 1)

        self.before = QComboBox()
        self.after = QComboBox()
        self.bassin = QComboBox()
        self.axe = QComboBox()
        for combo in (self.before, self.after, self.bassin, self.axe):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(24 if combo in (self.before, self.after) else 14)
            combo.currentIndexChanged.connect(self.compare)
        self.summary = QLabel()
        self.summary.setObjectName("resultCount")
        self.diff_model = DiffTableModel(self)
        self.diff_view = QTableView()
        self.diff_view.setObjectName("diffTable")
        self.diff_view.setModel(self.diff_model)
        self.diff_view.setItemDelegateForColumn(4, HtmlDelegate(HTML_ROLE, self.diff_view))
        self.diff_view.verticalHeader().hide()
        self.diff_view.setWordWrap(
            False
        )  # intitulés abrégés ; « Changement » passe à la ligne (délégué)
        self.diff_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.diff_view.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        # hauteurs recalculées quand « Changement » prend sa vraie largeur (à l'affichage, au
        # redimensionnement) : calculées sur la largeur d'avant l'affichage, une phrase longue
        # donnait une ligne de 300 px
        self.diff_view.horizontalHeader().sectionResized.connect(self._column_resized)
        # intitulé abrégé (entier dans l'infobulle) puis code, comme la Feuille de route ; la
        # nature la plus longue (« Indicateurs de suivi ») tient dans sa colonne
        self.diff_view.setColumnWidth(0, 280)
        self.diff_view.setColumnWidth(1, 70)
        self.diff_view.setColumnWidth(2, 110)
        self.diff_view.setColumnWidth(3, 165)
        self.export_xlsx = QPushButton("E&xporter le pack (classeur)…")
        self.export_pdf = QPushButton("Exporter le pack (&PDF)…")
        for b, kind in ((self.export_xlsx, "xlsx"), (self.export_pdf, "pdf")):
            b.setToolTip(
                "Exporte l'état choisi à droite (« à ») avec les changements depuis le comité précédent"
            )
            b.clicked.connect(lambda _=False, k=kind: self.export(k))

        compare_row = QHBoxLayout()
        for text, w in (
            ("Comparer", self.before),
            ("à", self.after),
            ("Bassin", self.bassin),
            ("Axe", self.axe),
        ):
            label = QLabel(text)
            label.setBuddy(w)
            compare_row.addWidget(label)
            compare_row.addWidget(w)
        self.axe.setMinimumContentsLength(10)
        compare_row.addStretch(1)
        export_row = QHBoxLayout()
        export_row.addWidget(self.summary, 1)
        export_row.addWidget(self.export_xlsx)
        export_row.addWidget(self.export_pdf)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addLayout(compare_row)
        rl.addWidget(self.diff_view, 1)
        rl.addLayout(export_row)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([220, 620])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(self.splitter, 1)
        self._loading = False
        self.refresh()

    # -- données ----------------------------------------------------------------------
    def write_controls(self) -> list[Any]:
        return [self.new_button]

    def refresh(self, before: int | None = None) -> None:
        """``before`` : instantané à placer à gauche de la comparaison (sinon, celui d'avant)."""
        infos = list_snapshots(self.ctx)
        self.list_model.set_rows(infos)
        self._loading = True
        try:
            keep = (before or self.before.currentData(), self.after.currentData())
            self.before.clear()
            self.after.clear()
            self.after.addItem("État actuel", CURRENT)
            for info in reversed(infos):
                label = f"{info.name} ({info.taken_on:%d/%m/%Y})"
                self.before.addItem(label, info.id)
                self.after.addItem(label, info.id)
            if keep[0] is not None and self.before.findData(keep[0]) >= 0:
                self.before.setCurrentIndex(self.before.findData(keep[0]))
            if keep[1] is not None and self.after.findData(keep[1]) >= 0:
                self.after.setCurrentIndex(self.after.findData(keep[1]))
        finally:
            self._loading = False
        self.view_button.setEnabled(bool(infos))
        self.compare()

    def compare(self) -> None:
        if self._loading:
            return
        before_id = self.before.currentData()
        if before_id is None:
            self.diff = None
            self.diff_model.set_rows([])
            self.summary.setText("Aucun instantané : figez l'état actuel avant le prochain comité.")
            return
        after_key = self.after.currentData()
        # Changer seulement de bassin ou d'axe ne relit rien : la comparaison complète est gardée
        # tant que les deux états comparés et la base sont les mêmes.
        key = (before_id, after_key, self.ctx.store.revision())
        if key[2] is not None and self._compared is not None and self._compared[0] == key:
            _key, full, names_after = self._compared
        else:
            # la comparaison précédente (et ses lignes) est lâchée avant de lire les deux états :
            # à 100×, 27 000 changements ne coexistent pas avec les deux états de la suivante
            self._compared = self.diff = None
            self.diff_model.set_rows([])
            current = after_key == CURRENT
            # seuls les noms des états sont gardés (l'état d'après entier : 15 Mo à 100×)
            found = compare(
                self.ctx, before_id, None if current else after_key, self.before.currentText(),
                "état actuel" if current else self.after.currentText(),
            )  # fmt: skip
            full, names_after = found.diff, (found.bassins, found.axes)
            self._compared = (key, full, names_after)
        diff = full
        if (
            self.bassin.count() == 0
        ):  # filtres remplis d'après l'état comparé (pas de lecture en plus)
            self._loading = True
            try:
                self.bassin.addItem("Tous les bassins", ALL)
                self.axe.addItem("Tous les axes", ALL)
                for b in names_after[0]:
                    self.bassin.addItem(b["name"], b["code"])
                for a in names_after[1]:
                    self.axe.addItem(f"{a['code']} – {a['title']}", a["code"])
            finally:
                self._loading = False
        bassin = self.bassin.currentData()
        axe = self.axe.currentData()
        diff = diff.filtered(
            None if bassin in (None, ALL) else {bassin}, None if axe in (None, ALL) else {axe}
        )
        self.diff = diff
        names = {b["code"]: b["name"] for b in names_after[0]}
        rows = diff_rows(diff, names)
        self.diff_model.set_rows(rows)
        self.diff_view.resizeRowsToContents()
        if not rows:
            self.summary.setText("Aucun changement.")
        else:
            self.summary.setText(
                f"{len(rows)} changement(s) : {len(diff.cells)} par bassin, {len(diff.slips)} échéance(s) déplacée(s), "
                f"{len(diff.newly_overdue)} nouveau(x) retard(s)"
            )

    def _column_resized(self, column: int, _old: int, _new: int) -> None:
        if column == 4 and self.diff_model.rowCount() <= ROWS_RESIZED_ON_WIDTH:
            self.diff_view.resizeRowsToContents()

    def selected_info(self) -> Any:
        idx = self.table.currentIndex()
        return None if not idx.isValid() else self.list_model.index(idx.row(), 0).data(INFO_ROLE)

    # -- actions ----------------------------------------------------------------------
    def new_snapshot(self) -> None:
        dialog = NewSnapshotDialog(self.ctx.today(), self)
        if dialog.exec() != NewSnapshotDialog.DialogCode.Accepted:
            return
        name, committee, taken_on = dialog.values()
        self.take_snapshot(name, committee, taken_on)

    def take_snapshot(self, name: str, committee: str, taken_on: Any) -> bool:
        try:
            info = create_snapshot(self.ctx, name, committee=committee, taken_on=taken_on)
        except (UserError, StoreError) as err:
            QMessageBox.warning(self, "Instantané impossible", str(err))
            return False
        # une seule comparaison, avec le nouvel instantané (comparer d'abord l'ancien choix à
        # l'état actuel coûtait, à 100×, une lecture et une comparaison complètes de plus)
        self.refresh(before=info.id)
        self._message(
            f"Instantané « {info.name} » figé ({info.summary.get('actions', 0)} actions)."
        )
        return True

    def view_selected(self) -> SnapshotViewer | None:
        info = self.selected_info()
        if info is None:
            return None
        viewer = SnapshotViewer(
            info.name, plan_view_from_state(snapshot_state(self.ctx, info.id)), self
        )
        viewer.setModal(False)
        viewer.show()
        return viewer

    def export(self, kind: str) -> None:
        key = self.after.currentData()
        snapshot = (
            None
            if key in (None, CURRENT)
            else next(i.name for i in self.list_model.infos if i.id == key)
        )
        suggested = f"pack-comite-{(snapshot or 'etat-actuel').replace(' ', '-')}.{kind}"
        chosen = ask_save(
            self, "Exporter le pack de comité", suggested,
            "Classeur (*.xlsx)" if kind == "xlsx" else "PDF (*.pdf)",
        )  # fmt: skip
        if chosen is None:
            return
        path = str(chosen[0])
        if not path.lower().endswith(f".{kind}"):
            path += f".{kind}"
        self.tasks.run(
            self,
            "Export du pack de comité",
            lambda progress: export_pack(self.ctx, path, snapshot, progress),
            self._exported,
            self._export_failed,
        )

    def _exported(self, path: Path) -> None:
        self.last_export = Path(path)
        self._message(f"Pack écrit : {path}")

    def _export_failed(self, err: Exception) -> None:
        text = str(err) if isinstance(err, UserError | StoreError) else f"Erreur inattendue : {err}"
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Export impossible",
            text + "\nAucun fichier n'a été écrit.",
            parent=self,
        )
        if not isinstance(err, UserError | StoreError):
            box.setDetailedText(error_details(err))
        box.open()

    def _message(self, text: str) -> None:
        window = self.window()
        if hasattr(window, "show_message"):
            window.show_message(text)

    # -- état -------------------------------------------------------------------------
    def save_state(self, settings: QSettings) -> None:
        save_json(
            settings,
            "committees/filters",
            {"bassin": self.bassin.currentData(), "axe": self.axe.currentData()},
        )
        settings.setValue("committees/splitter", self.splitter.saveState())

    def restore_state(self, settings: QSettings) -> None:
        state = load_json(settings, "committees/filters", {})
        for combo, key in ((self.bassin, "bassin"), (self.axe, "axe")):
            i = combo.findData(state.get(key))
            if i >= 0:
                combo.setCurrentIndex(i)
        splitter = settings.value("committees/splitter")
        if splitter:
            self.splitter.restoreState(splitter)
