"""Zone de graphique : enveloppe une ``Figure`` matplotlib (construite dans roadmap_app).

matplotlib n'est importé qu'au premier affichage d'un graphique (démarrage rapide).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

MIN_HEIGHT = 180


class ChartView(QWidget):
    """``scrollable`` : la figure garde sa hauteur naturelle (libellés sur plusieurs lignes) et la
    zone défile quand la place manque, au lieu d'écraser la figure."""

    def __init__(
        self, placeholder: str = "", parent: QWidget | None = None, scrollable: bool = False
    ) -> None:
        super().__init__(parent)
        self.canvas: Any = None
        self.figure: Any = None
        self.placeholder = placeholder
        self.empty = QLabel(placeholder)
        self.empty.setObjectName("muted")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.empty)
        self.scroll_area: QScrollArea | None = None
        self.host: QWidget = self
        if scrollable:
            self.scroll_area = QScrollArea(self)
            self.scroll_area.setWidgetResizable(True)
            self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
            self.host = QWidget()
            self.scroll_area.setWidget(self.host)
            self.scroll_area.hide()
            outer.addWidget(self.scroll_area)
            self.setMinimumHeight(MIN_HEIGHT)
            self.layout_ = QVBoxLayout(self.host)
            self.layout_.setContentsMargins(0, 0, 0, 0)
        else:
            self.layout_ = outer

    def _drop_canvas(self) -> None:
        if self.canvas is not None:
            # caché et laissé sous son parent jusqu'à sa destruction : ``setParent(None)`` en
            # faisait une fenêtre à part, visible en haut à gauche de l'écran jusqu'au prochain
            # tour de boucle
            self.layout_.removeWidget(self.canvas)
            self.canvas.hide()
            self.canvas.deleteLater()

    def clear(self) -> None:
        """Plus de figure : le texte d'attente revient à sa place."""
        self.show_text(self.placeholder)

    def show_text(self, text: str) -> None:
        """Plus de figure, ``text`` à sa place (« Tracé de la courbe… » pendant un tracé lent)."""
        self._drop_canvas()
        self.canvas = self.figure = None
        if self.scroll_area is not None:
            self.scroll_area.hide()
        self.empty.setText(text)
        self.empty.setVisible(True)

    def set_figure(self, figure: Any) -> None:
        """Affiche ``figure`` (remplace la précédente)."""
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        self._drop_canvas()
        self.figure = figure
        self.canvas = FigureCanvasQTAgg(figure)
        self.canvas.setParent(self.host)
        # la figure se redessine à la taille de la zone : assez petite pour tenir sous une grille
        # ou un tableau sur un écran de 768 px de haut, jamais écrasée au point d'être illisible
        natural = int(figure.get_figheight() * figure.dpi * 0.75)
        self.canvas.setMinimumHeight(
            natural if self.scroll_area is not None else min(natural, MIN_HEIGHT)
        )
        self.empty.setText(self.placeholder)
        self.empty.setVisible(False)
        if self.scroll_area is not None:
            self.scroll_area.show()
        self.layout_.addWidget(self.canvas)
        self.canvas.draw_idle()
