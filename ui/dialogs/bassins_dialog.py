"""Bassins : la liste, l'ajout d'un bassin (territoire, chiffres de référence datés), le choix
des actions qui s'y appliquent, l'archivage. Chaque modification est annulable (Ctrl+Z)."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from roadmap_app.core.context import AppContext
from roadmap_app.core.errors import StoreError, UserError
from roadmap_app.plan import bassins as svc
from roadmap_app.plan.editing import EditResult
from roadmap_app.plan.read import PlanView
from ui.dialogs.base import FormDialog, fit_to_screen, section

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Code", "Bassin", "Typologie", "Actions", "Chiffres de référence", "État")


class BassinTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[svc.BassinInfo] = []

    def set_rows(self, rows: list[svc.BassinInfo]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        b = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            latest = max((f.as_of for f in b.figures), default=None)
            values = (
                b.code,
                b.name,
                b.typology,
                str(b.actions),
                f"{len(b.figures)} (au {latest:%d/%m/%Y})" if latest else "aucun",
                "archivé" if b.archived else "actif",
            )
            return values[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            shown = b.figures[:12] + tuple(f for f in b.figures[12:] if f.to_confirm)
            lines = [escape(b.full_name or b.name), escape(b.description)] + [
                f"{escape(f.label)} : {f.value:g} {escape(f.unit)} (au {f.as_of:%d/%m/%Y})"
                + (
                    f"<br><span style='color:#B42318'>⚠ {escape(f.note)}</span>"
                    if f.to_confirm
                    else ""
                )
                for f in shown
            ]
            return (
                "<p>" + "<br>".join(line for line in lines if line) + "</p>"
            )  # texte riche : renvoi à la ligne
        return None


class BassinsDialog(QDialog):
    """Gestion des bassins ; ``changed`` après chaque modification enregistrée."""

    changed = Signal(str)

    def __init__(self, ctx: AppContext, plan: PlanView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bassinsDialog")
        self.setWindowTitle("Bassins")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        fit_to_screen(self, 900, 460)
        self.ctx = ctx
        self.plan = plan
        self.child: FormDialog | None = None
        intro = QLabel(
            f"Les colonnes de statut, les filtres et la ligne de commande suivent cette liste. "
            f"« Actions » : actions de « {plan.roadmap.name} » qui s'appliquent au bassin."
        )
        intro.setWordWrap(True)
        intro.setObjectName("muted")
        self.model = BassinTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("bassinsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.show_archived = QCheckBox("Afficher les bassins arc&hivés")
        self.add_button = QPushButton("&Ajouter un bassin…")
        self.add_button.setObjectName("primary")
        self.apply_button = QPushButton("Actions &concernées…")
        self.archive_button = QPushButton("A&rchiver…")
        self.restore_button = QPushButton("Res&taurer")
        close = QPushButton("Fermer")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.apply_button, self.archive_button, self.restore_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.show_archived)
        layout.addLayout(buttons)
        self.show_archived.toggled.connect(self.reload)
        self.add_button.clicked.connect(self.add_bassin)
        self.apply_button.clicked.connect(self.choose_actions)
        self.archive_button.clicked.connect(lambda: self.set_archived(True))
        self.restore_button.clicked.connect(lambda: self.set_archived(False))
        self.reload()
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        if self.model.rows:
            self.table.selectRow(0)

    def reload(self) -> None:
        chosen = self.selected()
        self.model.set_rows(
            svc.list_bassins(
                self.ctx,
                include_archived=self.show_archived.isChecked(),
                roadmap=self.plan.roadmap.id,
            )
        )
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        if chosen is not None:
            self.select(chosen.id)
        self._update_buttons()

    def selected(self) -> svc.BassinInfo | None:
        row = self.table.currentIndex().row() if hasattr(self, "table") else -1
        return self.model.rows[row] if 0 <= row < len(self.model.rows) else None

    def select(self, bassin_id: int) -> None:
        for i, b in enumerate(self.model.rows):
            if b.id == bassin_id:
                self.table.selectRow(i)

    def _update_buttons(self) -> None:
        b = self.selected()
        self.apply_button.setEnabled(b is not None and not b.archived)
        self.archive_button.setEnabled(b is not None and not b.archived)
        self.restore_button.setEnabled(b is not None and b.archived)

    def _run(self, call: Any) -> str | None:
        try:
            result: EditResult = call()
        except (UserError, StoreError, ValueError) as err:
            return str(err)
        self.reload()
        if result.entity_id is not None:
            self.select(result.entity_id)
        self.changed.emit(result.label if result.operation_id else "Aucune modification.")
        return None

    def add_bassin(self) -> FormDialog:
        def submit(d: Any) -> str | None:
            try:
                kwargs = d.values()
            except UserError as err:
                return str(err)
            return self._run(
                lambda: svc.add_bassin(self.ctx, roadmap=self.plan.roadmap.id, **kwargs)
            )

        self.child = AddBassinDialog(self.ctx, self.plan, submit, self)
        self.child.open()
        return self.child

    def choose_actions(self) -> FormDialog | None:
        b = self.selected()
        if b is None or b.archived:
            return None

        def submit(d: Any) -> str | None:
            return self._run(
                lambda: svc.set_bassin_actions(
                    self.ctx, b.id, d.checked_codes(), roadmap=self.plan.roadmap.id
                )
            )

        self.child = ApplicabilityDialog(self.plan, b, submit, self)
        self.child.open()
        return self.child

    def set_archived(self, archived: bool) -> None:
        b = self.selected()
        if b is None:
            return
        if archived:
            answer = QMessageBox.question(
                self,
                "Archiver un bassin",
                f"Archiver le bassin {b.name} ?\n\nSa colonne disparaît de la feuille de route et "
                "des filtres ; ses statuts, notes et chiffres de référence sont gardés. "
                "« Restaurer » le remet ; Ctrl+Z annule.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        problem = self._run(
            lambda: svc.archive_bassin(
                self.ctx, b.id, archived=archived, expected_version=b.version
            )
        )
        if problem:
            QMessageBox.warning(self, "Modification impossible", problem)


class AddBassinDialog(FormDialog):
    """Nouveau bassin : identité, chiffres de référence (facultatifs, datés) et actions."""

    def __init__(self, ctx: AppContext, plan: PlanView, submit: Any, parent: QWidget) -> None:
        super().__init__("Ajouter un bassin", "&Ajouter le bassin", submit, parent)
        self.setObjectName("addBassinDialog")
        fit_to_screen(self, 760, 680)
        self.name = QComboBox()
        self.name.setEditable(True)
        self.name.addItems(svc.suggested_territories(ctx))
        self.name.setCurrentIndex(-1)
        line = self.name.lineEdit()
        if line is not None:
            line.setPlaceholderText("Territoire du département (par exemple Arrageois)")
        self.name.setAccessibleName("Nom du bassin")
        self.code = QLineEdit()
        self.code.setPlaceholderText("auto. (ARR…)")
        self.code.setMaximumWidth(180)
        self.full_name = QLineEdit()
        self.full_name.setPlaceholderText("« Bassin de l'Arrageois »")
        self.typology = QLineEdit()
        self.typology.setPlaceholderText("« Territoire urbain et rural »")
        self.services = QLineEdit()
        self.services.setPlaceholderText("« 1 SLI, agences France Travail d'Arras… »")
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setMaximumHeight(70)
        form = QFormLayout()
        form.setSpacing(6)
        form.addRow("&Nom", self.name)
        form.addRow("&Code", self.code)
        form.addRow("Nom co&mplet", self.full_name)
        form.addRow("&Typologie", self.typology)
        form.addRow("&Services", self.services)
        form.addRow("&Description", self.description)
        self.as_of = QDateEdit()
        self.as_of.setDisplayFormat("dd/MM/yyyy")
        self.as_of.setCalendarPopup(True)
        today = ctx.today()
        self.as_of.setDate(QDate(today.year - 1, 12, 31))
        self.figure_edits: dict[str, QLineEdit] = {}
        figures = QWidget()
        fig_form = QFormLayout(figures)
        fig_form.setContentsMargins(0, 0, 8, 0)
        for key in svc.figure_keys(ctx):
            edit = QLineEdit()
            edit.setObjectName(f"figure_{key.key}")
            edit.setPlaceholderText(key.unit)
            edit.setMaximumWidth(140)
            edit.setAccessibleName(key.label)
            self.figure_edits[key.key] = edit
            fig_form.addRow(f"{key.label} ({key.unit})", edit)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(figures)
        date_row = QHBoxLayout()
        date_row.addWidget(section("Chiffres de référence — situation au", self.as_of))
        date_row.addWidget(self.as_of)
        date_row.addStretch(1)
        self.all_actions = QCheckBox(
            f"S'applique à toutes les actions de « {plan.roadmap.name} » (à lancer)"
        )
        self.all_actions.setChecked(True)
        self.body.addLayout(form)
        self.body.addLayout(date_row)
        hint = QLabel("Laissez vide un chiffre inconnu ; nombres à la française (5 012 ; 57,5).")
        hint.setObjectName("muted")
        self.body.addWidget(hint)
        self.body.addWidget(scroll, 1)
        self.body.addWidget(self.all_actions)
        self.name.setFocus()

    def values(self) -> dict[str, Any]:
        figures = [
            svc.FigureInput(key, svc.parse_figure_value(edit.text(), edit.accessibleName()))
            for key, edit in self.figure_edits.items()
            if edit.text().strip()
        ]
        d = self.as_of.date()
        return {
            "name": self.name.currentText(),
            "code": self.code.text().strip() or None,
            "full_name": self.full_name.text(),
            "typology": self.typology.text(),
            "services": self.services.text(),
            "description": self.description.toPlainText(),
            "figures": figures,
            "as_of": date(d.year(), d.month(), d.day()),
            "actions": svc.ALL_ACTIONS if self.all_actions.isChecked() else "none",
        }

    def validate(self) -> str | None:
        if not self.name.currentText().strip():
            return "Le nom du bassin est vide."
        return None


class ApplicabilityDialog(FormDialog):
    """Cocher les actions de la feuille de route qui s'appliquent au bassin."""

    def __init__(
        self, plan: PlanView, bassin: svc.BassinInfo, submit: Any, parent: QWidget
    ) -> None:
        super().__init__(f"Actions concernées – {bassin.name}", "&Enregistrer", submit, parent)
        self.setObjectName("applicabilityDialog")
        fit_to_screen(self, 760, 620)
        note = QLabel(
            "Décocher une action la rend « non applicable » dans ce bassin : son statut et son "
            "historique sont gardés et reviennent si on la recoche."
        )
        note.setWordWrap(True)
        note.setObjectName("muted")
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Code", "Intitulé"])
        self.tree.setColumnWidth(0, 150)
        self.items: dict[str, QTreeWidgetItem] = {}
        flags = Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
        for axe in plan.axes:
            if axe.hidden:
                continue
            axe_item = QTreeWidgetItem(self.tree, [axe.code, axe.title])
            axe_item.setFlags(flags | Qt.ItemFlag.ItemIsAutoTristate)
            for cible in axe.cibles:
                if cible.hidden:
                    continue
                c_item = QTreeWidgetItem(axe_item, [cible.code, " ".join(cible.title.split())])
                c_item.setFlags(flags | Qt.ItemFlag.ItemIsAutoTristate)
                for a in cible.actions:
                    if a.hidden:
                        continue
                    item = QTreeWidgetItem(c_item, [a.code, a.intitule])
                    item.setFlags(flags)
                    on = bassin.id in a.statuses
                    item.setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
                    self.items[a.code] = item
        self.tree.expandAll()
        self.body.addWidget(note)
        self.body.addWidget(self.tree, 1)

    def checked_codes(self) -> list[str]:
        return [c for c, item in self.items.items() if item.checkState(0) == Qt.CheckState.Checked]
