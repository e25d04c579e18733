"""Dialogues des comités : prendre un instantané, consulter un instantané en lecture seule."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from roadmap_app.committees.snapshots import COMMITTEES
from roadmap_app.plan.read import PlanView
from ui.dialogs.base import fit_to_screen
from ui.models.plan_filter import PlanFilter
from ui.models.plan_tree import COL_TITLE, PlanTreeModel
from ui.widgets.action_detail import ActionDetailPanel
from ui.widgets.filter_bar import FilterBar
from ui.widgets.plan_columns import PlanColumns, PlanTreeView, title_first
from ui.widgets.status_delegate import StatusDelegate


class NewSnapshotDialog(QDialog):
    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Nouvel instantané de comité")
        self.name = QLineEdit()
        self.name.setPlaceholderText("par exemple « COPIL du 27 mars 2025 »")
        self.committee = QComboBox()
        self.committee.addItems(COMMITTEES)
        self.date = QDateEdit(QDate(today.year, today.month, today.day))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd/MM/yyyy")
        form = QFormLayout()
        form.addRow("&Nom :", self.name)
        form.addRow("&Comité :", self.committee)
        form.addRow("&Date du comité :", self.date)
        hint = QLabel(
            "L'instantané fige tout l'état actuel (statuts, avancements et notes par bassin, échéances, "
            "pilotes, commentaires, flux mensuels, indicateurs de suivi avec leurs cibles et valeurs, "
            "chiffres et plan de financement). Il ne pourra plus être modifié."
        )
        hint.setWordWrap(True)
        hint.setObjectName("muted")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Figer")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(hint)
        lay.addWidget(buttons)
        self.resize(480, 220)

    def values(self) -> tuple[str, str, date]:
        d = self.date.date()
        return self.name.text(), self.committee.currentText(), date(d.year(), d.month(), d.day())


class SnapshotViewer(QDialog):
    """Un instantané affiché comme la feuille de route, en lecture seule."""

    def __init__(self, title: str, plan: PlanView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Instantané « {title} » — lecture seule")
        self.filters = FilterBar()
        self.model = PlanTreeModel(self)
        self.model.set_plan(plan)
        self.plan_filter = PlanFilter(self.model)
        self.tree = PlanTreeView()
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setIndentation(12)
        delegate = StatusDelegate(self.tree)
        for col in range(4, self.model.columnCount()):
            self.tree.setItemDelegateForColumn(col, delegate)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        # comme la Feuille de route : l'intitulé en tête, il prend la place libre (TITLE_MIN au moins)
        self.columns = PlanColumns(self.tree, self.model, lambda: plan)
        title_first(self.tree)
        self.detail = ActionDetailPanel()
        self.detail.editor_box.setEnabled(False)
        self.detail.save_button.hide()
        self.detail.revert_button.hide()
        self.plan = plan
        banner = QLabel(
            f"Lecture seule : état figé au {plan.today:%d/%m/%Y} — les modifications se font sur l'état actuel."
        )
        banner.setObjectName("muted")
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.tree)
        split.addWidget(self.detail)
        split.setCollapsible(0, False)
        split.setStretchFactor(0, 1)
        lay = QVBoxLayout(self)
        lay.addWidget(banner)
        lay.addWidget(self.filters)
        lay.addWidget(split, 1)
        self.filters.set_plan(plan)
        self.filters.changed.connect(self._apply)
        self.tree.selectionModel().currentRowChanged.connect(self._select)
        self._apply()
        fit_to_screen(self, 1400, 820)

    def _apply(self) -> None:
        self.plan_filter.set_action_filter(self.filters.action_filter())
        self.tree.expandAll()
        self.plan_filter.sync_view(self.tree)
        self.columns.fit()

    def _select(self, current, _previous) -> None:
        node = self.model.node_at(current)
        if node is not None and node.kind == "action":
            self.detail.show_action(node.payload, self.plan.bassins, [])
