"""Page « Ateliers » : ateliers du territoire, revue en séance, paquets hors ligne et classeurs partenaires."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGridLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from roadmap_app.core.context import AppContext
from roadmap_app.core.domains import PLAN, STATUSES, WORKSHOPS
from roadmap_app.core.errors import StoreError, UserError
from roadmap_app.plan.read import load_plan
from roadmap_app.workshops.ateliers import (
    AtelierInfo,
    changes_during,
    create_atelier,
    list_ateliers,
    update_atelier,
)
from roadmap_app.workshops.merge import MergePlan, MergeResult, apply_merge, plan_package_merge
from roadmap_app.workshops.package import (
    PACKAGE_PATTERNS,
    PACKAGE_SUFFIX,
    export_package,
    package_info_of,
)
from ui.dialogs.atelier_dialog import AtelierDialog
from ui.dialogs.merge_dialog import MergeDialog
from ui.dialogs.review_dialog import ReviewDialog
from ui.file_dialogs import ask_open, ask_save
from ui.models.atelier_list import AtelierListModel
from ui.pages.base import Page
from ui.tasks import Task, TaskRunner

PACKAGE_FILTER = f"Paquet d'atelier ({' '.join(PACKAGE_PATTERNS)})"


class WorkshopsPage(Page):
    domains = frozenset({PLAN, STATUSES, WORKSHOPS})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.tasks = TaskRunner()
        self.merge_task: Task | None = None
        self.last_package: Path | None = None
        self.last_merge: Any = None
        title = QLabel("Ateliers")
        title.setObjectName("pageTitle")
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setObjectName("packageBanner")
        self.banner.setStyleSheet(
            "background:#FFF8DB;border:1px solid #E69F00;border-radius:6px;padding:8px;"
        )
        self.model = AtelierListModel(self)
        self.table = QTableView()
        self.table.setObjectName("atelierTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        # l'intitulé prend la place libre ; date et type vont à la ligne plutôt que de la lui prendre
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        fm = self.table.fontMetrics()
        for col, sample in ((1, "11/06/2024 après-"), (4, "de lancement")):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, min(fm.horizontalAdvance(sample) + 16, 190))
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda _i: self.review())
        self.details = QTextBrowser()
        self.details.setObjectName("atelierDetails")

        self.new_button = QPushButton("&Nouvel atelier…")
        self.edit_button = QPushButton("&Modifier…")
        self.review_button = QPushButton("&Revue en séance")
        self.review_button.setObjectName("primary")
        self.review_button.setShortcut("F5")
        self.review_button.setToolTip(
            "Passer les actions du bassin une à une, au clavier, en grand (F5)"
        )
        self.export_button = QPushButton("Exporter un &paquet…")
        self.export_button.setToolTip(
            "Le paquet s'ouvre sur un portable sans réseau : roadmap-app --db PAQUET"
        )
        self.merge_button = QPushButton("&Fusionner un paquet…")
        self.workbook_button = QPushButton("&Classeur partenaire…")
        self.workbook_button.setToolTip(
            "Classeur verrouillé pour les partenaires sans l'application"
        )
        self.import_button = QPushButton("&Importer un classeur…")
        for b, slot in (
            (self.new_button, self.new_atelier), (self.edit_button, self.edit_atelier), (self.review_button, self.review),
            (self.export_button, self.export_package), (self.merge_button, self.merge_package),
            (self.workbook_button, self.export_workbook), (self.import_button, self.import_workbook),
        ):  # fmt: skip
            b.clicked.connect(slot)
        buttons = QGridLayout()
        for i, b in enumerate((self.new_button, self.edit_button, self.review_button, self.export_button,
                               self.merge_button, self.workbook_button, self.import_button)):  # fmt: skip
            buttons.addWidget(b, i // 4, i % 4)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.details)
        split.setSizes([900, 450])
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(self.banner)
        layout.addLayout(buttons)
        layout.addWidget(split, 1)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_details())
        self.refresh()

    # -- données ----------------------------------------------------------------------
    def write_controls(self) -> list[Any]:
        return [self.new_button, self.edit_button, self.review_button, self.export_button,
                self.merge_button, self.workbook_button, self.import_button]  # fmt: skip

    def refresh(self) -> None:
        selected = self.selected()
        self.model.set_rows(list_ateliers(self.ctx))
        info = package_info_of(self.ctx)
        self.is_package = info is not None
        if info is not None:
            self.banner.setText(
                f"<b>Vous travaillez sur le paquet d'un atelier</b> ({info.bassin_code}), exporté le "
                f"{info.created_at.astimezone():%d/%m/%Y à %H:%M} par {escape(info.created_by)}. Faites la revue, puis "
                "rapportez ce fichier à la chefferie de projet : elle le fusionnera dans la base principale."
            )
        self.banner.setVisible(info is not None)
        for b in (self.export_button, self.merge_button, self.workbook_button, self.import_button):
            b.setEnabled(info is None and not self.ctx.store.read_only)
        row = 0
        if selected is not None:
            row = next((i for i, a in enumerate(self.model.rows) if a.id == selected.id), 0)
        if self.model.rows:
            self.table.selectRow(row)
        self._show_details()

    def selected(self) -> AtelierInfo | None:
        idx = self.table.currentIndex() if hasattr(self, "table") else None
        return None if idx is None or not idx.isValid() else self.model.atelier_at(idx.row())

    def select_atelier(self, atelier_id: int) -> None:
        for i, a in enumerate(self.model.rows):
            if a.id == atelier_id:
                self.table.selectRow(i)

    def _show_details(self) -> None:
        a = self.selected()
        if a is None:
            self.details.setHtml("<p>Aucun atelier.</p>")
            return
        lines = []
        seen: set[str] = set()
        for c in changes_during(self.ctx, a.id):
            text = f"{c.ts.astimezone():%d/%m/%Y %H:%M} — {escape(c.author)} : {escape(c.operation_label)}"
            if text not in seen:
                seen.add(text)
                lines.append(text)
        participants = escape(a.participants).replace("\n", "<br>") or "<i>non renseignés</i>"
        self.details.setHtml(
            f"<h2>{escape(a.title)}</h2><p><b>{escape(a.bassin)}</b> — {a.date:%d/%m/%Y} {escape(a.moment)}"
            f"{' — ' + escape(a.place) if a.place else ''}</p><h3>Participants</h3><p>{participants}</p>"
            + (
                f"<h3>Notes</h3><p>{escape(a.notes).replace(chr(10), '<br>')}</p>"
                if a.notes
                else ""
            )
            + f"<h3>Modifications faites pendant cet atelier ({len(lines)})</h3>"
            + ("<p>" + "<br>".join(lines) + "</p>" if lines else "<p><i>Aucune.</i></p>")
        )

    # -- actions ----------------------------------------------------------------------
    def new_atelier(self) -> AtelierInfo | None:
        dialog = AtelierDialog(load_plan(self.ctx).bassins, self.ctx.today(), parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        v = dialog.values()
        try:
            info = create_atelier(
                self.ctx, v["bassin"], v["date"], title=str(v["title"]), moment=str(v["moment"]),  # type: ignore[arg-type]
                place=str(v["place"]), participants=str(v["participants"]), notes=str(v["notes"]),
            )  # fmt: skip
        except (UserError, StoreError) as err:
            QMessageBox.warning(self, "Atelier non créé", str(err))
            return None
        self.refresh()
        self.select_atelier(info.id)
        return info

    def edit_atelier(self) -> None:
        a = self.selected()
        if a is None:
            return
        dialog = AtelierDialog(load_plan(self.ctx).bassins, self.ctx.today(), a, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        v = dialog.values()
        v.pop("bassin")
        try:
            update_atelier(self.ctx, a.id, expected_version=a.version, **v)
        except (UserError, StoreError) as err:
            QMessageBox.warning(self, "Modification impossible", str(err))
        self.refresh()

    def review(self) -> ReviewDialog | None:
        a = self.selected()
        if a is None:
            return None
        try:
            dialog = ReviewDialog(self.ctx, a, self)
        except UserError as err:
            QMessageBox.information(self, "Revue impossible", str(err))
            return None
        dialog.finished.connect(lambda _r: self.refresh())
        dialog.present()  # plein écran, sur l'écran de la fenêtre principale
        return dialog

    def export_package(self) -> None:
        a = self.selected()
        if a is None or a.bassin_id is None:
            QMessageBox.information(
                self, "Paquet", "Choisissez d'abord l'atelier (rattaché à un bassin) à emporter."
            )
            return
        bassin_id: int = a.bassin_id
        name = f"atelier-{a.bassin.lower()}-{a.date:%Y-%m-%d}{PACKAGE_SUFFIX}"
        chosen = ask_save(self, "Exporter le paquet de l'atelier", name, PACKAGE_FILTER)
        if chosen is None:
            return
        path = str(chosen[0])
        self.tasks.run(
            self, "Export du paquet d'atelier",
            lambda progress: export_package(self.ctx, path, bassin_id, atelier_id=a.id, progress=progress),
            self._exported, self._failed,
        )  # fmt: skip

    def _exported(self, result: Any) -> None:
        self.last_package = Path(result[0])
        self._message(
            f"Paquet écrit : {result[0]} — à ouvrir avec roadmap-app --db sur le portable de l'atelier"
        )

    def merge_package(self) -> None:
        path = ask_open(self, "Fusionner un paquet d'atelier", PACKAGE_FILTER + ";;Tous (*)")
        if path:
            self.merge_package_file(path)

    def merge_package_file(self, path: Path) -> None:
        """Aperçu de la fusion du paquet ``path`` (refus expliqué s'il ne vient pas de cette base)."""
        self._merge(lambda: plan_package_merge(self.ctx, path))

    def export_workbook(self) -> None:
        from roadmap_app.workshops.workbook import export_workbook

        a = self.selected()
        bassins = load_plan(self.ctx).bassins
        bassin = a.bassin_id if a is not None and a.bassin_id is not None else bassins[0].id
        name = next(b.name for b in bassins if b.id == bassin)
        chosen = ask_save(
            self,
            "Classeur partenaire",
            f"feuille-de-route-{name.lower()}.xlsx",
            "Classeur (*.xlsx)",
        )
        if chosen is None:
            return
        path = chosen[0]
        try:
            export_workbook(self.ctx, path, bassin)
        except (UserError, StoreError) as err:
            QMessageBox.warning(self, "Export impossible", str(err))
            return
        self.refresh()
        self._message(f"Classeur écrit : {path}")

    def import_workbook(self) -> None:
        from roadmap_app.workshops.workbook import plan_workbook_merge

        path = ask_open(self, "Importer un classeur partenaire", "Classeur (*.xlsx)")
        if path:
            self._merge(lambda: plan_workbook_merge(self.ctx, path))

    def _merge(self, planner: Any) -> None:
        try:
            plan: MergePlan = planner()
        except (UserError, StoreError) as err:
            QMessageBox.warning(self, "Fusion refusée", str(err))
            return
        if plan.is_noop() and not plan.already_decided:
            QMessageBox.information(
                self, "Fusion", "Rien de nouveau : ces changements sont déjà dans la base."
            )
            return
        from roadmap_app.workshops.labels import load_titles

        dialog = MergeDialog(plan, self, load_titles(self.ctx, plan))
        if not self.confirm_merge(dialog):
            return
        resolutions = dialog.resolutions()
        # une écriture qui peut durer (centaines de cellules, base PostgreSQL distante) : hors du
        # fil de l'interface, par le lanceur commun et l'exécuteur des opérations
        self.merge_task = self.tasks.run(
            self, "Fusion du paquet d'atelier",
            lambda progress: apply_merge(self.ctx, plan, resolutions),
            self._merged, self._merge_failed,
        )  # fmt: skip

    def _merged(self, result: MergeResult) -> None:
        self.last_merge = result
        window = self.window()
        if result.changes is not None and hasattr(window, "apply_changes"):
            window.apply_changes(result.changes)  # seules les vues des statuts et des ateliers
        else:
            self.refresh()
        self._message(f"Fusion terminée : {result.applied} champ(s) mis à jour.")

    def _merge_failed(self, err: Exception) -> None:
        if not isinstance(err, UserError | StoreError):
            raise err
        QMessageBox.warning(self, "Fusion impossible", str(err) + "\nRien n'a été écrit.")

    def confirm_merge(self, dialog: MergeDialog) -> bool:
        """Point d'extension pour les tests : ouvre le dialogue de fusion (modal)."""
        return dialog.exec() == QDialog.DialogCode.Accepted

    def _failed(self, err: Exception) -> None:
        QMessageBox.warning(
            self,
            "Échec",
            (str(err) if isinstance(err, UserError | StoreError) else f"Erreur inattendue : {err}")
            + "\nAucun fichier n'a été écrit.",
        )

    def _message(self, text: str) -> None:
        window = self.window()
        if hasattr(window, "show_message"):
            window.show_message(text)
