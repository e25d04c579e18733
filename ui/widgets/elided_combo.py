"""Liste déroulante dont le texte courant, trop long pour la place, est abrégé (« … ») au lieu
d'être coupé net ; le texte entier est dans l'infobulle et dans la liste ouverte."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox, QStylePainter, QWidget


class ElidedComboBox(QComboBox):
    """``tip`` : préfixe de l'infobulle (le texte courant suit)."""

    def __init__(self, parent: QWidget | None = None, tip: str = "") -> None:
        super().__init__(parent)
        self._tip = tip
        self.setProperty("elides", True)  # lu par le contrôle de mise en page des tests
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(12)
        self.currentIndexChanged.connect(self._update_tip)

    def set_tip(self, tip: str) -> None:
        self._tip = tip
        self._update_tip()

    def _update_tip(self, *_args: Any) -> None:
        text = self.currentText()
        self.setToolTip(f"{self._tip}\n{text}".strip() if self._tip else text)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QStylePainter(self)
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, opt)
        field = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, opt, QStyle.SubControl.SC_ComboBoxEditField, self
        )
        room = field.width() - (opt.iconSize.width() + 4 if not opt.currentIcon.isNull() else 0)
        opt.currentText = self.fontMetrics().elidedText(
            opt.currentText, Qt.TextElideMode.ElideRight, max(room, 0)
        )
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, opt)
