"""Délégué qui dessine du texte riche (HTML) dans une cellule : ancien barré → nouveau."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize
from PySide6.QtGui import QAbstractTextDocumentLayout, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

Index = QModelIndex | QPersistentModelIndex


class HtmlDelegate(QStyledItemDelegate):
    def __init__(self, role: int, parent: Any = None) -> None:
        super().__init__(parent)
        self.role = role

    def _doc(self, option: QStyleOptionViewItem, html: str, width: int | None = None) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setHtml(html)
        doc.setTextWidth(max((option.rect.width() if width is None else width) - 8, 50))
        return doc

    def paint(self, painter: Any, option: QStyleOptionViewItem, index: Index) -> None:
        html = index.data(self.role)
        if not html:
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        option.text = ""
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        doc = self._doc(option, html)
        painter.save()
        painter.translate(option.rect.left() + 4, option.rect.top() + 2)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        ctx.palette.setColor(QPalette.ColorRole.Text, option.palette.color(QPalette.ColorRole.Text))
        doc.documentLayout().draw(painter, ctx)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        html = index.data(self.role)
        if not html:
            return super().sizeHint(option, index)
        # hauteur à la largeur de la colonne : ``option.rect`` n'a pas de largeur ici, et un texte
        # long mis en page sur 50 px donnait des lignes de 400 px (page Comités)
        view = option.widget
        width = view.columnWidth(index.column()) if hasattr(view, "columnWidth") else 0
        doc = self._doc(option, html, width or None)
        return QSize(int(doc.idealWidth()) + 8, int(doc.size().height()) + 4)
