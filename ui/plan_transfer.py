"""Menu Plan → Importer… / Exporter… : le plan d'actions dans un classeur, un CSV ou une annexe Word."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMenu, QMessageBox

from roadmap_app.core.errors import StoreError, UserError
from ui.file_dialogs import ask_open, ask_save

if TYPE_CHECKING:
    from ui.tasks import Task, TaskRunner

IMPORT_FILTER = "Plan d'actions (*.xlsx *.csv *.docx)"
EXPORT_FILTER = "Classeur Excel (*.xlsx);;CSV (*.csv)"


class PlanTransfer(QObject):
    """Attaché à la fenêtre principale (qui porte ``ctx``, ``_plan_changed`` et ``show_message``)."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: QDialog | None = None
        # lanceur créé au premier import : ui.tasks charge des classes Qt coûteuses (≈ 30 ms),
        # et ce module est chargé au démarrage (menu Plan)
        self.tasks: TaskRunner | None = None
        self.import_task: Task | None = None

    @property
    def ctx(self) -> Any:
        return self.window.ctx

    def install(self, menu: QMenu) -> None:
        self.import_action = QAction("&Importer…", self.window)
        self.import_action.setStatusTip(
            "Créer ou mettre à jour une feuille de route depuis un classeur, un CSV ou le tableau "
            "d'une annexe Word (aperçu avant d'écrire)"
        )
        self.import_action.triggered.connect(self.choose_and_import)
        self.export_action = QAction("E&xporter…", self.window)
        self.export_action.setStatusTip(
            "Le plan à plat, une ligne par action (colonnes de Territoires en Transitions)"
        )
        self.export_action.triggered.connect(self.choose_and_export)
        menu.addAction(self.import_action)
        menu.addAction(self.export_action)
        if self.ctx.store.read_only:
            self.import_action.setEnabled(False)

    # -- export -------------------------------------------------------------------------
    def choose_and_export(self) -> None:
        from roadmap_app.plan.read import load_plan

        code = load_plan(self.ctx).roadmap.code
        chosen = ask_save(self.window, "Exporter le plan", f"plan-{code}.xlsx", EXPORT_FILTER)
        if chosen is None:
            return
        path, selected = chosen
        if path.suffix.lower() not in (".xlsx", ".csv"):
            path = path.with_suffix(".csv" if "csv" in selected.lower() else ".xlsx")
        self.export_to(path)

    def export_to(self, path: Path) -> bool:
        from roadmap_app.plan.plan_io import export_plan

        try:
            export_plan(self.ctx, path)
        except (UserError, StoreError, OSError) as err:
            QMessageBox.warning(self.window, "Export impossible", str(err))
            return False
        self.window.show_message(f"Plan exporté : {path}", 6000)
        return True

    # -- import -------------------------------------------------------------------------
    def choose_and_import(self) -> None:
        path = ask_open(self.window, "Importer le plan", IMPORT_FILTER)
        if path is not None:
            self.import_path(path)

    def import_path(self, path: Path) -> QDialog:
        """Ouvre l'aperçu (non modal : ``open``) ; « Confirmer » écrit, « Annuler » ne fait rien."""
        from roadmap_app.plan.plan_io import apply_plan_import, plan_import
        from roadmap_app.plan.read import load_plan
        from ui.dialogs.plan_import_dialog import PlanImportDialog

        current = load_plan(self.ctx).roadmap.name
        dialog = PlanImportDialog(
            Path(path).name,
            current,
            lambda target, archive: plan_import(self.ctx, path, target, archive_missing=archive),
            self.window,
        )

        def done(result: int) -> None:
            plan = dialog.plan
            if result != QDialog.DialogCode.Accepted or plan is None:
                return

            def written(result: Any) -> None:
                if plan.roadmap_id is None and result.entity_id is not None:
                    self.ctx.roadmap_id = result.entity_id
                self.window._plan_changed(result.label)

            # l'écriture (tout un plan, base distante) : hors du fil de l'interface, par le
            # lanceur commun et l'exécuteur des opérations
            if self.tasks is None:
                from ui.tasks import TaskRunner

                self.tasks = TaskRunner()
            self.import_task = self.tasks.run(
                self.window, "Import du plan",
                lambda progress: apply_plan_import(self.ctx, plan, source="gui"),
                written, self._refused,
            )  # fmt: skip

        dialog.finished.connect(done)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _refused(self, err: Exception) -> None:
        if not isinstance(err, UserError | StoreError):
            raise err
        QMessageBox.warning(self.window, "Import refusé", str(err))
