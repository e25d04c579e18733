"""Dessin des cellules de statut (pastille couleur + symbole + texte) et des barres d'avancement."""

from __future__ import annotations

from functools import cache
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from roadmap_app.plan import statuses as status_rules
from ui.models.plan_tree import CELL_ROLE
from ui.style import ACCENT, DANGER, status_color, status_text_color

Index = QModelIndex | QPersistentModelIndex
PILL_PADDING = 12
#: mot court d'une pastille étroite (le libellé entier est dans l'infobulle de la cellule)
SHORT_LABELS = {"a_securiser": "À sécur.", "abandonne": "Abandon."}
#: largeur d'une colonne de bassin : « ◐ En cours » entier, l'avancement en trait dessous
BASSIN_WIDTH = 92


@cache
def _pill_pen(status: str, overdue: bool) -> QPen:
    """Contour de la pastille : rouge épais si la cellule est en retard (calculé une fois)."""
    return QPen(QColor(DANGER), 2) if overdue else QPen(status_color(status).darker(125), 1)


class StatusDelegate(QStyledItemDelegate):
    """Colonnes de bassin : pastille de statut pour une action, barre d'avancement pour une cible ou un axe."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        #: (statut, avancement, largeur, hauteur de police) → (texte, largeur de la pastille)
        self._fits: dict[tuple[Any, ...], tuple[str, float]] = {}

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        kind, status, overdue, progress = index.data(CELL_ROLE)
        style = option.widget.style() if option.widget else None
        # Fond de sélection standard, sans texte ni icône : l'option reçue de la vue porte déjà
        # l'état (sélection, survol) ; ``initStyleOption`` redemanderait au modèle sept rôles par
        # cellule pour remplir le texte, l'icône et la police qu'on n'affiche pas (−10 % par image).
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = option.fontMetrics  # la police de la vue (pas de QFontMetrics construit par cellule)
        if kind == "action" and status:
            self._paint_pill(painter, fm, option.rect, status, overdue, progress)
        else:
            self._paint_progress(painter, fm, option.rect, progress, bold=kind == "axe")
        painter.restore()

    def _paint_pill(
        self,
        p: QPainter,
        fm: QFontMetrics,
        rect: QRect,
        status: str,
        overdue: bool,
        progress: int | None,
    ) -> None:
        """Pastille : « ◐ En cours 40 % » si la colonne le permet, sinon « ◐ En cours », sinon
        le symbole seul (l'infobulle de la cellule donne tout) ; l'avancement non écrit devient
        un trait sous la pastille."""
        info = status_rules.info(status)
        shows_progress = progress is not None and status not in ("realise", "a_lancer")
        key = (status, progress if shows_progress else None, rect.width(), fm.height())
        fit = self._fits.get(key)
        if fit is None:  # calculé une fois par statut, avancement et largeur de colonne
            room = rect.width() - 8 - PILL_PADDING
            candidates = [
                f"{info.symbol} {info.label}",
                f"{info.symbol} {SHORT_LABELS.get(status, info.label)}",
                info.symbol,
            ]
            if shows_progress:
                candidates.insert(0, f"{info.symbol} {info.label} {progress} %")
            text = next((t for t in candidates if fm.horizontalAdvance(t) <= room), info.symbol)
            fit = (text, min(rect.width() - 8, fm.horizontalAdvance(text) + PILL_PADDING))
            if len(self._fits) > 5000:
                self._fits.clear()
            self._fits[key] = fit
        text, w = fit
        h = min(rect.height() - 6, fm.height() + 6)
        pill = QRectF(rect.x() + 4, rect.y() + (rect.height() - h) / 2, w, h)
        p.setBrush(status_color(status))
        p.setPen(_pill_pen(status, overdue))
        p.drawRoundedRect(pill, h / 2, h / 2)
        p.setPen(status_text_color(status))
        p.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
        if shows_progress and progress is not None and "%" not in text:
            track = QRectF(pill.x() + h / 2, pill.bottom() - 3, max(pill.width() - h, 4), 2)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(ACCENT))
            p.drawRect(QRectF(track.x(), track.y(), track.width() * min(progress, 100) / 100, 2))

    def _paint_progress(
        self, p: QPainter, fm: QFontMetrics, rect: QRect, value: float | None, bold: bool
    ) -> None:
        inner = rect.adjusted(6, 0, -6, 0)
        label = "—" if value is None else f"{round(value)} %"
        label_w = fm.horizontalAdvance("100 %") + 6
        # colonne étroite : le chiffre seul (la barre demande au moins 16 px)
        bar_w = max(inner.width() - label_w, 0) if inner.width() - label_w >= 16 else 0
        bar = QRectF(inner.x(), inner.center().y() - 4, bar_w, 8)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#E4E7EC"))
        if bar_w:
            p.drawRoundedRect(bar, 4, 4)
        if bar_w and value is not None and value > 0:
            filled = QRectF(bar.x(), bar.y(), bar.width() * min(value, 100) / 100, bar.height())
            p.setBrush(QColor(ACCENT))
            p.drawRoundedRect(filled, 4, 4)
        font = p.font()
        font.setBold(bold)
        p.setFont(font)
        p.setPen(QColor("#344054"))
        p.drawText(
            QRectF(inner.right() - label_w, rect.y(), label_w, rect.height()),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
            label,
        )

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(max(size.width(), BASSIN_WIDTH), max(size.height(), 26))

    def helpEvent(self, event: Any, view: Any, option: QStyleOptionViewItem, index: Index) -> bool:
        return super().helpEvent(event, view, option, index)
