"""Délégué qui surligne dans une cellule les mots cherchés (sans tenir compte des accents ni des
majuscules, comme la recherche elle-même)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from roadmap_app.core.text import fold

Index = QModelIndex | QPersistentModelIndex
HIGHLIGHT = QColor("#FDE68A")  # jaune doux, texte noir lisible dessus


def match_ranges(text: str, terms: tuple[str, ...]) -> list[tuple[int, int]]:
    """Plages ``[début, fin)`` de ``text`` où apparaît l'un des ``terms`` (déjà repliés par
    ``fold``), fusionnées et triées."""
    flat = fold(text)
    if not any(term in flat for term in terms):
        return []  # le cas courant : rien à surligner dans cette cellule
    if len(flat) == len(text):
        origin = list(range(len(text)))  # un caractère replié par caractère (accents ôtés)
    else:  # « œ » → « oe », guillemets ôtés… : correspondance caractère par caractère
        folded: list[str] = []
        origin = []
        for i, ch in enumerate(text):
            f = ch.lower() if ch.isascii() else fold(ch)  # ASCII : minuscule, rien de plus
            folded.append(f)
            origin.extend([i] * len(f))
        flat = "".join(folded)
    ranges: list[tuple[int, int]] = []
    for term in terms:
        start = flat.find(term)
        while term and start >= 0:
            ranges.append((origin[start], origin[start + len(term) - 1] + 1))
            start = flat.find(term, start + len(term))
    merged: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


#: une lettre seule surlignerait presque tout : à partir de deux caractères
MIN_TERM = 2


class HighlightDelegate(QStyledItemDelegate):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.terms: tuple[str, ...] = ()

    def set_terms(self, terms: tuple[str, ...]) -> bool:
        """Mots à surligner ; ``True`` s'ils ont changé (la vue est alors à repeindre)."""
        kept = tuple(t for t in terms if len(t) >= MIN_TERM)
        changed = kept != self.terms
        self.terms = kept
        return changed

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        text = index.data(Qt.ItemDataRole.DisplayRole) if self.terms else None
        ranges = match_ranges(str(text), self.terms) if text else []
        if not ranges:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is None:
            super().paint(painter, option, index)
            return
        full = opt.text
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        opt.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
        text_rect.adjust(margin, 0, -margin, 0)
        fm = QFontMetrics(opt.font)
        shown = fm.elidedText(full, Qt.TextElideMode.ElideRight, text_rect.width())
        keep = len(shown) if shown == full else max(len(shown) - 1, 0)  # « … » final exclu
        painter.save()
        painter.setFont(opt.font)
        top = text_rect.y() + (text_rect.height() - fm.height()) / 2
        for a, b in ranges:
            a, b = min(a, keep), min(b, keep)
            if a >= b:
                continue
            x0, x1 = fm.horizontalAdvance(shown[:a]), fm.horizontalAdvance(shown[:b])
            painter.fillRect(QRectF(text_rect.x() + x0, top, x1 - x0, fm.height()), HIGHLIGHT)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(opt.palette.color(role))
        painter.drawText(
            text_rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), shown
        )
        painter.restore()
