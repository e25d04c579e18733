"""Zone de graphique : enveloppe une ``Figure`` matplotlib (construite dans roadmap_app).

matplotlib n'est importé qu'au premier affichage d'un graphique (démarrage rapide).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

MIN_HEIGHT = 180


class ChartView(QWidget):
    def __init__(self, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas: Any = None
        self.figure: Any = None
        self.empty = QLabel(placeholder)
        self.empty.setObjectName("muted")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.addWidget(self.empty)

    def set_figure(self, figure: Any) -> None:
        """Affiche ``figure`` (remplace la précédente)."""
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        if self.canvas is not None:
            # caché et laissé sous son parent jusqu'à sa destruction : ``setParent(None)`` en
            # faisait une fenêtre à part, visible en haut à gauche de l'écran jusqu'au prochain
            # tour de boucle
            self.layout_.removeWidget(self.canvas)
            self.canvas.hide()
            self.canvas.deleteLater()
        self.figure = figure
        self.canvas = FigureCanvasQTAgg(figure)
        self.canvas.setParent(self)
        # la figure se redessine à la taille de la zone : assez petite pour tenir sous une grille
        # ou un tableau sur un écran de 768 px de haut, jamais écrasée au point d'être illisible
        self.canvas.setMinimumHeight(
            min(int(figure.get_figheight() * figure.dpi * 0.75), MIN_HEIGHT)
        )
        self.empty.setVisible(False)
        self.layout_.addWidget(self.canvas)
        self.canvas.draw_idle()
