"""« Nouvelle feuille de route… » : démarrer la suivante à partir d'une existante, avec l'aperçu
de ce qui sera repris (actions non réalisées) et de ce qui restera dans l'ancienne."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QSpinBox, QWidget

from roadmap_app.core.context import AppContext
from roadmap_app.plan.roadmap_list import RoadmapInfo, list_roadmaps
from roadmap_app.plan.roadmaps import carry_over_preview
from ui.dialogs.base import FormDialog


class NewRoadmapDialog(FormDialog):
    def __init__(
        self, ctx: AppContext, current_id: int | None, submit: Any, parent: QWidget | None = None
    ) -> None:
        super().__init__("Nouvelle feuille de route", "&Créer la feuille de route", submit, parent)
        self.setObjectName("newRoadmapDialog")
        self.ctx = ctx
        self.resize(680, 360)
        self.roadmaps: list[RoadmapInfo] = list_roadmaps(ctx)
        self.source = QComboBox()
        for r in self.roadmaps:
            self.source.addItem(f"{r.name} ({r.year})", r.id)
        chosen = (
            current_id
            if current_id is not None
            else next((r.id for r in self.roadmaps if r.default), None)
        )
        self.source.setCurrentIndex(max(self.source.findData(chosen), 0))
        self.name = QLineEdit()
        self.name.setMaxLength(200)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setMaximumWidth(110)
        self.code = QLineEdit()
        self.code.setMaximumWidth(180)
        self.preview = QLabel()
        self.preview.setObjectName("carryPreview")
        self.preview.setWordWrap(True)
        form = QFormLayout()
        form.setSpacing(8)
        form.addRow("À &partir de", self.source)
        form.addRow("&Nom", self.name)
        form.addRow("&Année", self.year)
        form.addRow("&Code", self.code)
        rule = QLabel(
            "Les axes et les cibles sont copiés. Une action est reprise si elle reste ouverte "
            "(ni réalisée ni abandonnée) dans au moins un bassin ; elle garde son code, son "
            "statut et sa note dans ces bassins, et son historique reste lié. La feuille de "
            "route d'origine n'est pas modifiée."
        )
        rule.setWordWrap(True)
        rule.setObjectName("muted")
        self.body.addLayout(form)
        self.body.addWidget(rule)
        self.body.addWidget(self.preview, 1)
        self.source.currentIndexChanged.connect(self._source_changed)
        self.year.valueChanged.connect(self._year_changed)
        self._auto_name = ""
        self._source_changed()
        self.name.setFocus()
        self.name.selectAll()

    def _info(self) -> RoadmapInfo:
        return self.roadmaps[self.source.currentIndex()]

    def _source_changed(self) -> None:
        if not self.roadmaps:
            return
        src = self._info()
        self.year.setValue(src.year + 1)
        self._year_changed()
        preview = carry_over_preview(self.ctx, src.id)
        left = ", ".join(preview.left) if preview.left else "aucune"
        self.preview.setText(
            f"<b>{len(preview.carried)} action(s) reprise(s)</b> sur "
            f"{len(preview.carried) + len(preview.left)} ; laissées dans « {src.name} » "
            f"(réalisées ou abandonnées partout) : {left}."
        )

    def _year_changed(self) -> None:
        name = f"Feuille de route {self.year.value()}"
        if not self.name.text() or self.name.text() == self._auto_name:
            self.name.setText(name)
        self._auto_name = name
        self.code.setPlaceholderText(f"automatique (FDR-{self.year.value()})")

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.text(),
            "source": int(self.source.currentData()),
            "year": self.year.value(),
            "code": self.code.text().strip() or None,
        }

    def validate(self) -> str | None:
        if not self.roadmaps:
            return "Aucune feuille de route d'origine."
        if not self.name.text().strip():
            return "Le nom de la feuille de route est vide."
        return None
