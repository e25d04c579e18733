"""Créer ou modifier une action : tous les champs de la feuille de route, l'échéance lue en
direct, les pilotes (libellé d'origine + organisations) et les bassins concernés."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from roadmap_app.core.echeance import parse_echeance
from roadmap_app.plan.edit_actions import ActionFields
from roadmap_app.plan.pilotes import organisations_in
from roadmap_app.plan.read import ActionRow, PlanView
from ui.dialogs.base import FormDialog, Submit, fit_to_screen, section
from ui.style import DANGER, MUTED
from ui.widgets.elided_combo import ElidedComboBox


def _text_edit(height: int, accessible: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setMinimumHeight(height)
    edit.setAccessibleName(accessible)
    return edit


def _elide(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class ActionDialog(FormDialog):
    """``action`` : l'action à modifier, ou ``None`` pour une nouvelle action dans ``cible_id``."""

    def __init__(
        self,
        plan: PlanView,
        action: ActionRow | None,
        cible_id: int | None,
        submit: Submit | None,
        parent: QWidget | None = None,
    ) -> None:
        new = action is None
        title = "Nouvelle action" if new else f"Modifier l'action {action.code}"  # type: ignore[union-attr]
        super().__init__(title, "&Créer l'action" if new else "&Enregistrer", submit, parent)
        self.setObjectName("actionDialog")
        self.plan = plan
        self.action = action
        self.year = plan.roadmap.year
        self._orgs_touched = False
        fit_to_screen(self, 1040, 720)

        self.code = QLineEdit()
        self.code.setMaximumWidth(140)
        self.code.setAccessibleName("Code de l'action")
        self.code.setToolTip(
            "Code stable de l'action ; il ne change pas quand l'action est déplacée."
        )
        self.cible = ElidedComboBox(tip="Cible opérationnelle de l'action")
        self.cible.setAccessibleName("Cible opérationnelle")
        for axe in plan.axes:
            for c in axe.cibles:
                if not c.hidden:
                    self.cible.addItem(f"{c.code} – {c.title.replace(chr(10), ' ')}", c.id)
        self.cible.setMinimumWidth(420)
        self.intitule = QLineEdit()
        self.intitule.setMaxLength(300)
        self.intitule.setAccessibleName("Intitulé")
        self.plan_actions = _text_edit(150, "Plan d'actions")
        self.preexistantes = _text_edit(90, "Actions pré-existantes")
        self.commentaires = _text_edit(80, "Commentaires")
        self.echeance = QLineEdit()
        self.echeance.setMaxLength(100)
        self.echeance.setPlaceholderText("« 2nd semestre 2025 », « 15/03/2025 », « Année 2025 »…")
        self.echeance.setAccessibleName("Échéance")
        self.echeance_hint = QLabel()
        self.echeance_hint.setObjectName("echeanceHint")
        self.echeance_hint.setWordWrap(True)
        self.pilotes = QLineEdit()
        self.pilotes.setMaxLength(300)
        self.pilotes.setPlaceholderText("tel qu'écrit : « CD/FT », « CD/CAF »…")
        self.pilotes.setAccessibleName("Pilotes (libellé)")
        self.org_boxes: dict[str, QCheckBox] = {}
        orgs = QGridLayout()
        orgs.setContentsMargins(0, 0, 0, 0)
        for i, o in enumerate(plan.organisations):
            box = QCheckBox(o.code)
            box.setToolTip(o.name)
            box.setAccessibleName(f"Pilote : {o.name}")
            box.clicked.connect(self._orgs_clicked)
            self.org_boxes[o.code] = box
            orgs.addWidget(box, i // 4, i % 4)
        self.bassin_boxes: dict[int, QCheckBox] = {}
        bassins = QHBoxLayout()
        bassins.setContentsMargins(0, 0, 0, 0)
        for b in plan.bassins:
            box = QCheckBox(b.name)
            box.setToolTip(f"L'action s'applique au bassin {b.name}")
            self.bassin_boxes[b.id] = box
            bassins.addWidget(box)
        bassins.addStretch(1)
        self.indicateurs_tdb = _text_edit(70, "Indicateurs du TDB national")
        self.indicateurs_autres = _text_edit(70, "Autres indicateurs")

        top = QGridLayout()
        top.setHorizontalSpacing(10)
        top.addWidget(section("&Code", self.code), 0, 0)
        top.addWidget(section("Ci&ble opérationnelle", self.cible), 0, 1)
        top.addWidget(self.code, 1, 0)
        top.addWidget(self.cible, 1, 1)
        top.addWidget(section("&Intitulé", self.intitule), 2, 0, 1, 2)
        top.addWidget(self.intitule, 3, 0, 1, 2)
        top.setColumnStretch(1, 1)

        left = QVBoxLayout()
        left.setSpacing(4)
        for label, widget in (
            ("&Plan d'actions", self.plan_actions),
            ("Actions pré-e&xistantes", self.preexistantes),
            ("Co&mmentaires", self.commentaires),
        ):
            left.addWidget(section(label, widget))
            left.addWidget(widget, 1)
        right = QVBoxLayout()
        right.setSpacing(4)
        right.addWidget(section("Éc&héance (telle qu'écrite)", self.echeance))
        right.addWidget(self.echeance)
        right.addWidget(self.echeance_hint)
        right.addWidget(section("Pi&lotes", self.pilotes))
        right.addWidget(self.pilotes)
        right.addLayout(orgs)
        right.addWidget(section("Bassins concernés"))
        right.addLayout(bassins)
        right.addWidget(section("Indicateurs – &TDB national", self.indicateurs_tdb))
        right.addWidget(self.indicateurs_tdb, 1)
        right.addWidget(section("Indicateurs – a&utres", self.indicateurs_autres))
        right.addWidget(self.indicateurs_autres, 1)
        columns = QHBoxLayout()
        columns.setSpacing(16)
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        self.body.addLayout(top)
        self.body.addLayout(columns, 1)

        self.echeance.textChanged.connect(self._describe_echeance)
        self.pilotes.textEdited.connect(self._pilotes_edited)
        self._load(action, cible_id)
        #: les champs tels qu'ouverts : seuls ceux que l'utilisateur change sont enregistrés
        self.initial = self.fields() if action is not None else None
        self.intitule.setFocus()

    # -- chargement -----------------------------------------------------------------------
    def _load(self, action: ActionRow | None, cible_id: int | None) -> None:
        if action is None:
            self.code.setPlaceholderText("automatique")
            self.intitule.setPlaceholderText("Intitulé court de la nouvelle action")
            for box in self.bassin_boxes.values():
                box.setChecked(True)
            self._select_cible(cible_id)
            self._describe_echeance()
            return
        self.code.setText(action.code)
        self._select_cible(action.cible_id)
        self.intitule.setText(action.custom_intitule or "")
        self.intitule.setPlaceholderText(
            f"(par défaut : « {_elide(action.intitule, 90)} »)"
            if not action.custom_intitule
            else ""
        )
        self.plan_actions.setPlainText(action.plan_actions)
        self.preexistantes.setPlainText(action.actions_preexistantes)
        self.commentaires.setPlainText(action.commentaires)
        self.indicateurs_tdb.setPlainText(action.indicateurs_tdb)
        self.indicateurs_autres.setPlainText(action.indicateurs_autres)
        self.echeance.setText(action.echeance.label)
        self.pilotes.setText(action.pilotes_label)
        for code, box in self.org_boxes.items():
            box.setChecked(code in action.pilotes)
        # les cases suivent le libellé tant qu'elles lui correspondent (pas de choix manuel)
        self._orgs_touched = set(action.pilotes) != set(organisations_in(action.pilotes_label))
        for bassin_id, box in self.bassin_boxes.items():
            box.setChecked(bassin_id in action.statuses)
        self._describe_echeance()

    def _select_cible(self, cible_id: int | None) -> None:
        i = self.cible.findData(cible_id) if cible_id is not None else -1
        self.cible.setCurrentIndex(max(i, 0))

    # -- interactions -----------------------------------------------------------------------
    def _describe_echeance(self) -> None:
        ech = parse_echeance(self.echeance.text(), self.year)
        if ech.empty:
            text, color = "Pas d'échéance : l'action ne sera jamais « en retard ».", MUTED
        elif not ech.readable:
            text, color = f"⚠ {ech.describe()}", DANGER
        else:
            text, color = f"✓ {ech.describe()}", MUTED
        self.echeance_hint.setText(text)
        self.echeance_hint.setStyleSheet(f"color: {color};")

    def _pilotes_edited(self, text: str) -> None:
        if self._orgs_touched:
            return
        found = set(organisations_in(text))
        for code, box in self.org_boxes.items():
            box.setChecked(code in found)

    def _orgs_clicked(self) -> None:
        self._orgs_touched = True

    # -- résultat ---------------------------------------------------------------------------
    def cible_id(self) -> int:
        return int(self.cible.currentData())

    def fields(self) -> ActionFields:
        return ActionFields(
            code=self.code.text().strip() or None,
            intitule=self.intitule.text(),
            actions_preexistantes=self.preexistantes.toPlainText(),
            plan_actions=self.plan_actions.toPlainText(),
            indicateurs_tdb=self.indicateurs_tdb.toPlainText(),
            indicateurs_autres=self.indicateurs_autres.toPlainText(),
            echeance_label=self.echeance.text(),
            pilotes_label=self.pilotes.text(),
            organisations=[c for c, box in self.org_boxes.items() if box.isChecked()],
            commentaires=self.commentaires.toPlainText(),
            bassins=[b for b, box in self.bassin_boxes.items() if box.isChecked()],
        )

    def validate(self) -> str | None:
        if self.cible.count() == 0:
            return "Aucune cible opérationnelle : créez d'abord une cible (Ctrl+Maj+N)."
        if not any(box.isChecked() for box in self.bassin_boxes.values()):
            return "Cochez au moins un bassin concerné."
        if not (
            self.intitule.text().strip()
            or self.plan_actions.toPlainText().strip()
            or self.preexistantes.toPlainText().strip()
        ):
            return "Intitulé vide : donnez un intitulé à l'action."
        return None
