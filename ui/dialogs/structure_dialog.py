"""Cibles et axes : création / modification, et « Déplacer vers… » (accessible au clavier)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from roadmap_app.plan.read import ActionRow, AxeNode, CibleNode, PlanView
from ui.dialogs.base import FormDialog, Submit
from ui.widgets.elided_combo import ElidedComboBox

AT_END = "__fin__"


def _one_line(text: str) -> str:
    return " ".join(text.split())


class StructureDialog(FormDialog):
    """Cible (``kind="cible"``) ou axe (``kind="axe"``) ; ``node`` : l'élément modifié ou ``None``."""

    def __init__(
        self,
        kind: str,
        plan: PlanView,
        node: CibleNode | AxeNode | None,
        axe_id: int | None,
        submit: Submit | None,
        parent: QWidget | None = None,
    ) -> None:
        noun = "cible opérationnelle" if kind == "cible" else "axe"
        if node is None:
            title = f"Nouvelle {noun}" if kind == "cible" else "Nouvel axe"
            ok = "&Créer"
        else:
            noun_def = "la cible" if kind == "cible" else "l'axe"
            title = f"Modifier {noun_def} {node.code}"
            ok = "&Enregistrer"
        super().__init__(title, ok, submit, parent)
        self.setObjectName(f"{kind}Dialog")
        self.kind = kind
        self.node = node
        self.resize(640, 300 if kind == "cible" else 200)
        form = QFormLayout()
        form.setSpacing(8)
        self.code = QLineEdit()
        self.code.setMaximumWidth(160)
        self.code.setToolTip("Code stable ; il ne change pas quand l'élément est déplacé.")
        form.addRow("&Code", self.code)
        self.axe = QComboBox()
        self.title_edit: QLineEdit | QPlainTextEdit
        if kind == "cible":
            for axe in plan.axes:
                if not axe.hidden:
                    self.axe.addItem(f"{axe.code} – {axe.title}", axe.id)
            form.addRow("A&xe", self.axe)
            self.title_edit = QPlainTextEdit()
            self.title_edit.setTabChangesFocus(True)
            self.title_edit.setMinimumHeight(90)
        else:
            self.title_edit = QLineEdit()
            self.title_edit.setMaxLength(300)
        self.title_edit.setAccessibleName("Titre")
        form.addRow("&Titre", self.title_edit)
        self.body.addLayout(form)
        if node is None:
            self.code.setPlaceholderText("automatique")
            chosen = axe_id
        else:
            self.code.setText(node.code)
            if isinstance(self.title_edit, QPlainTextEdit):
                self.title_edit.setPlainText(node.title)
            else:
                self.title_edit.setText(node.title)
            chosen = node.axe_id if isinstance(node, CibleNode) else None
        if kind == "cible":
            i = self.axe.findData(chosen) if chosen is not None else -1
            self.axe.setCurrentIndex(max(i, 0))
        self.title_edit.setFocus()

    def title_text(self) -> str:
        if isinstance(self.title_edit, QPlainTextEdit):
            return self.title_edit.toPlainText()
        return self.title_edit.text()

    def code_text(self) -> str | None:
        return self.code.text().strip() or None

    def axe_id(self) -> int | None:
        data = self.axe.currentData()
        return None if data is None else int(data)

    def validate(self) -> str | None:
        if not self.title_text().strip():
            return "Le titre est vide."
        if self.kind == "cible" and self.axe.count() == 0:
            return "Aucun axe : créez d'abord un axe."
        return None


class MoveDialog(FormDialog):
    """Choisir où placer une action (cible + rang), une cible (axe + rang) ou un axe (rang)."""

    def __init__(
        self,
        kind: str,
        plan: PlanView,
        node: ActionRow | CibleNode | AxeNode,
        submit: Submit | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"Déplacer {node.code}", "&Déplacer", submit, parent)
        self.setObjectName("moveDialog")
        self.kind = kind
        self.plan = plan
        self.node = node
        self.resize(620, 180)
        form = QFormLayout()
        form.setSpacing(8)
        note = QLabel(f"Le code {node.code} ne change pas.")
        note.setObjectName("muted")
        self.parent_combo = ElidedComboBox(tip="Où placer l'élément")
        self.position = ElidedComboBox(tip="Rang parmi ses voisins")
        self.position.setAccessibleName("Position")
        if kind == "action":
            for axe in plan.axes:
                for c in axe.cibles:
                    if not c.hidden:
                        self.parent_combo.addItem(f"{c.code} – {_one_line(c.title)[:90]}", c.id)
            form.addRow("&Cible d'arrivée", self.parent_combo)
            current = node.cible_id  # type: ignore[union-attr]
        elif kind == "cible":
            for axe in plan.axes:
                if not axe.hidden:
                    self.parent_combo.addItem(f"{axe.code} – {axe.title}", axe.id)
            form.addRow("&Axe d'arrivée", self.parent_combo)
            current = node.axe_id  # type: ignore[union-attr]
        else:
            current = None
        form.addRow("&Position", self.position)
        self.body.addWidget(note)
        self.body.addLayout(form)
        if current is not None:
            self.parent_combo.setCurrentIndex(max(self.parent_combo.findData(current), 0))
        self.parent_combo.currentIndexChanged.connect(self._fill_positions)
        self._fill_positions()
        (self.parent_combo if kind != "axe" else self.position).setFocus()

    def _siblings(self) -> list[Any]:
        pid = self.parent_combo.currentData()
        if self.kind == "action":
            for axe in self.plan.axes:
                for c in axe.cibles:
                    if c.id == pid:
                        return [a for a in c.actions if not a.hidden]
            return []
        if self.kind == "cible":
            for axe in self.plan.axes:
                if axe.id == pid:
                    return [c for c in axe.cibles if not c.hidden]
            return []
        return [a for a in self.plan.axes if not a.hidden]

    def _fill_positions(self) -> None:
        self.position.clear()
        siblings = [s for s in self._siblings() if s.id != self.node.id]
        current_next = None
        all_siblings = self._siblings()
        for i, s in enumerate(all_siblings):
            if s.id == self.node.id and i + 1 < len(all_siblings):
                current_next = all_siblings[i + 1].id
        for s in siblings:
            title = s.intitule if isinstance(s, ActionRow) else s.title
            self.position.addItem(f"Avant {s.code} – {_one_line(title)[:70]}", s.id)
        self.position.addItem("À la fin", AT_END)
        if current_next is not None:
            self.position.setCurrentIndex(self.position.findData(current_next))
        else:
            self.position.setCurrentIndex(self.position.count() - 1)

    def target(self) -> tuple[int, int | None]:
        """(parent d'arrivée ; 0 pour un axe, élément avant lequel placer ou ``None``)."""
        pid = self.parent_combo.currentData()
        before = self.position.currentData()
        return (0 if pid is None else int(pid)), (None if before == AT_END else int(before))
