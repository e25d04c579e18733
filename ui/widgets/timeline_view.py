"""Vue de l'échéancier : lignes (axe, cible, action), axe du temps, barres et jalons.

Dessinée à la main (``QAbstractScrollArea``) : seules les lignes visibles sont peintes, si bien
qu'un plan de 3 500 actions se parcourt et se zoome aussi vite qu'un plan de 35. La colonne des
intitulés (à gauche) et l'échelle du temps (en haut) restent en place quand on fait défiler.

Les statuts se lisent sans la couleur : motif de la barre (hachures), symbole (○ ◐ ✔ ⚠ ↻ ✖) et
libellé écrits à côté ; le retard est un contour épais rouge et le mot « retard ».
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QToolTip, QWidget

from roadmap_app.plan import statuses as status_rules
from roadmap_app.plan.read import BassinRef
from roadmap_app.plan.timeline import (
    BILAN,
    COMMITTEE,
    TODAY,
    VOLET3,
    KeyDate,
    Timeline,
    TimelineRow,
    describe,
)
from ui.style import DANGER, status_color, status_text_color

ROW_H = 24
HEADER_H = 58
LABEL_W = 290
PAD = 10  # marge avant le premier jour : un jalon du 1er janvier n'est pas coupé
BAR_TOP, BAR_H = 4, 13  # barre de l'échéance actuelle, dans la ligne
SHADOW_TOP, SHADOW_H = 19, 3  # barre fine de la référence (instantané), dessous

#: zoom : clé → (libellé, pixels par jour)
ZOOMS: dict[str, tuple[str, float]] = {
    "month": ("Mois", 3.2),
    "quarter": ("Trimestre", 1.05),
    "year": ("Année", 0.36),
}
MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
          "nov.", "déc.")  # fmt: skip

#: motif de la barre par statut (lisible en noir et blanc) : à lancer = vide
PATTERNS = {
    "a_lancer": None,
    "en_cours": Qt.BrushStyle.BDiagPattern,
    "a_securiser": Qt.BrushStyle.CrossPattern,
    "reporte": Qt.BrushStyle.HorPattern,
    "realise": Qt.BrushStyle.SolidPattern,
    "abandonne": Qt.BrushStyle.DiagCrossPattern,
}
#: lignes verticales des dates clés : couleur, style
LINE_STYLES = {
    TODAY: ("#B42318", Qt.PenStyle.SolidLine, 2.0),
    VOLET3: ("#101828", Qt.PenStyle.DashLine, 1.6),
    BILAN: ("#B54708", Qt.PenStyle.DashDotLine, 1.6),
    COMMITTEE: ("#667085", Qt.PenStyle.DotLine, 1.4),
}
GROUP_FILLS = {"axe": QColor("#DCE6F2"), "cible": QColor("#EEF3F9"), "nodate": QColor("#FDECC8")}
SHADOW_COLOR = QColor("#475467")


@dataclass
class Painted:
    """Ce qui a été peint pour une action (vérifié par les tests)."""

    bar: QRectF | None = None
    shadow: QRectF | None = None


class TimelineView(QAbstractScrollArea):
    """``action_activated(code)`` : clic sur une ligne d'action."""

    action_activated = Signal(str)
    zoom_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineView")
        self.timeline: Timeline | None = None
        self.rows: list[TimelineRow] = []
        self.bassins: list[BassinRef] = []  # bassins affichés (filtre)
        self.one_bassin: BassinRef | None = None
        self.zoom = "quarter"
        self.ppd = ZOOMS[self.zoom][1]
        self.painted: dict[str, Painted] = {}
        self.hover_row = -1
        self.current_row = -1  # ligne choisie au clavier (flèches, Entrée l'ouvre)
        self.setAccessibleName("Échéancier")
        self.setAccessibleDescription(
            "Flèches haut et bas : action précédente ou suivante ; Entrée : ouvrir l'action ; "
            "gauche et droite : parcourir le temps ; plus et moins : zoom"
        )
        self.viewport().setMouseTracking(True)
        self.viewport().setAutoFillBackground(False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.verticalScrollBar().setSingleStep(ROW_H)
        self.horizontalScrollBar().setSingleStep(40)
        self.horizontalScrollBar().valueChanged.connect(lambda _v: self.viewport().update())
        self.verticalScrollBar().valueChanged.connect(lambda _v: self.viewport().update())
        self._small = QFont(self.font())
        self._small.setPointSizeF(max(self.font().pointSizeF() - 1.5, 7.5))
        self._bold = QFont(self.font())
        self._bold.setBold(True)

    # -- données ------------------------------------------------------------------------------
    def set_data(
        self, timeline: Timeline, rows: list[TimelineRow], bassins: list[BassinRef]
    ) -> None:
        first = self.timeline is None
        self.timeline = timeline
        self.rows = rows
        self.bassins = bassins
        self.one_bassin = bassins[0] if len(bassins) == 1 else None
        self._update_ranges()
        if first:
            self._place_pending = True  # à la première peinture : la vue a alors sa taille
        self.viewport().update()

    _place_pending = False

    def _place(self) -> None:
        """Première mise en place : la plus ancienne action en retard (ou, sans retard,
        aujourd'hui) près du bord gauche. Placer aujourd'hui à gauche cachait les retards de 2024,
        ce qu'un comité regarde d'abord ; sans retard, ce qui vient est à droite d'aujourd'hui."""
        self._place_pending = False
        tl = self.timeline
        assert tl is not None
        self._update_ranges()
        shown = frozenset(b.id for b in self.bassins)
        late = [r.item.start for r in self.rows
                if r.item is not None and r.item.start is not None and r.item.late(shown)]  # fmt: skip
        self.scroll_to_date(min(late) if late else tl.today, 0.04)

    def set_zoom(self, key: str) -> None:
        """Change l'échelle en gardant la date du milieu de la vue au milieu."""
        if key not in ZOOMS or key == self.zoom:
            return
        middle = self.date_at(LABEL_W + self.chart_width() / 2)
        self.zoom = key
        self.ppd = ZOOMS[key][1]
        self._update_ranges()
        if middle is not None:
            self.scroll_to_date(middle, 0.5)
        self.viewport().update()
        self.zoom_changed.emit(key)

    def zoom_step(self, direction: int) -> None:
        keys = list(ZOOMS)
        i = keys.index(self.zoom) + (1 if direction < 0 else -1)
        self.set_zoom(keys[max(0, min(len(keys) - 1, i))])

    # -- géométrie ----------------------------------------------------------------------------
    def chart_width(self) -> int:
        return max(self.viewport().width() - LABEL_W, 10)

    def total_width(self) -> float:
        tl = self.timeline
        return 0 if tl is None else ((tl.end - tl.start).days + 1) * self.ppd + 2 * PAD

    def _update_ranges(self) -> None:
        h = self.horizontalScrollBar()
        h.setRange(0, max(0, int(self.total_width() - self.chart_width()) + 8))
        h.setPageStep(self.chart_width())
        v = self.verticalScrollBar()
        v.setRange(0, max(0, len(self.rows) * ROW_H - (self.viewport().height() - HEADER_H)))
        v.setPageStep(max(self.viewport().height() - HEADER_H, ROW_H))

    def x_for(self, day: date) -> float:
        """Abscisse (dans la vue) du début de ce jour."""
        assert self.timeline is not None
        start = self.timeline.start
        return LABEL_W + PAD + (day - start).days * self.ppd - self.horizontalScrollBar().value()

    def date_at(self, x: float) -> date | None:
        if self.timeline is None:
            return None
        days = (x - LABEL_W - PAD + self.horizontalScrollBar().value()) / self.ppd
        return self.timeline.start + timedelta(days=int(days))

    def scroll_to_date(self, day: date, fraction: float) -> None:
        if self.timeline is None:
            return
        offset = (day - self.timeline.start).days * self.ppd - fraction * self.chart_width()
        self.horizontalScrollBar().setValue(int(offset))

    def row_at(self, y: float) -> int:
        if y < HEADER_H:
            return -1
        i = int((y - HEADER_H + self.verticalScrollBar().value()) // ROW_H)
        return i if 0 <= i < len(self.rows) else -1

    def row_y(self, index: int) -> float:
        return HEADER_H + index * ROW_H - self.verticalScrollBar().value()

    def row_index(self, code: str) -> int:
        for i, r in enumerate(self.rows):
            if r.item is not None and r.item.action.code == code:
                return i
        return -1

    def ensure_visible(self, code: str) -> bool:
        i = self.row_index(code)
        if i < 0:
            return False
        v = self.verticalScrollBar()
        top = i * ROW_H
        room = self.viewport().height() - HEADER_H
        if top < v.value() or top + ROW_H > v.value() + room:
            v.setValue(max(0, top - room // 3))
        return True

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_ranges()

    # -- dessin -------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self.viewport())
        w, h = self.viewport().width(), self.viewport().height()
        p.fillRect(0, 0, w, h, QColor("#FFFFFF"))
        self.painted = {}
        tl = self.timeline
        if tl is None:
            p.end()
            return
        if self._place_pending:
            self._place()
        first = max(0, self.verticalScrollBar().value() // ROW_H)
        last = min(len(self.rows), first + (h - HEADER_H) // ROW_H + 2)
        chart = QRectF(LABEL_W, HEADER_H, w - LABEL_W, h - HEADER_H)
        # fonds des lignes
        for i in range(first, last):
            row = self.rows[i]
            y = self.row_y(i)
            fill = GROUP_FILLS.get(row.kind)
            if fill is not None:
                p.fillRect(QRectF(0, y, w, ROW_H), fill)
            elif i % 2:
                p.fillRect(QRectF(0, y, w, ROW_H), QColor("#F8FAFC"))
            if i == self.hover_row and row.item is not None:
                p.fillRect(QRectF(0, y, w, ROW_H), QColor(31, 95, 168, 28))
            if i == self.current_row and self.hasFocus():
                p.setPen(QPen(QColor("#1F5FA8"), 1.5))
                p.drawRect(QRectF(1, y + 1, w - 2, ROW_H - 2))
        p.save()
        p.setClipRect(chart)
        self._paint_grid(p, chart)
        for k in tl.lines():
            self._paint_key_line(p, k, chart)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setFont(self._small)
        for i in range(first, last):
            row = self.rows[i]
            if row.item is not None:
                self._paint_item(p, row, self.row_y(i), chart)
        p.restore()
        self._paint_labels(p, first, last, h)
        self._paint_header(p, w)
        p.end()

    def _units(self) -> list[tuple[date, str]]:
        """Débuts des graduations (mois, trimestres ou semestres) sur l'étendue du plan."""
        assert self.timeline is not None
        step = {"month": 1, "quarter": 3, "year": 6}[self.zoom]
        d = self.timeline.start.replace(day=1)
        d = d.replace(month=((d.month - 1) // step) * step + 1)
        out = []
        while d <= self.timeline.end:
            if step == 1:
                text = MONTHS[d.month - 1]
            elif step == 3:
                text = f"T{(d.month - 1) // 3 + 1}"
            else:
                text = f"S{(d.month - 1) // 6 + 1}"
            out.append((d, text))
            m = d.month - 1 + step
            d = date(d.year + m // 12, m % 12 + 1, 1)
        return out

    def _paint_grid(self, p: QPainter, chart: QRectF) -> None:
        p.setPen(QPen(QColor("#EAECF0"), 1))
        for d, _t in self._units():
            x = self.x_for(d)
            if chart.left() <= x <= chart.right():
                p.drawLine(QPointF(x, chart.top()), QPointF(x, chart.bottom()))
        p.setPen(QPen(QColor("#D0D5DD"), 1))
        for year in range(self.timeline.start.year, self.timeline.end.year + 2):  # type: ignore[union-attr]
            x = self.x_for(date(year, 1, 1))
            if chart.left() <= x <= chart.right():
                p.drawLine(QPointF(x, chart.top()), QPointF(x, chart.bottom()))

    def _paint_key_line(self, p: QPainter, k: KeyDate, chart: QRectF) -> None:
        color, style, width = LINE_STYLES.get(k.kind, ("#98A2B3", Qt.PenStyle.DotLine, 1.0))
        x = self.x_for(k.date) + self.ppd / 2
        pen = QPen(QColor(color), width)
        pen.setStyle(style)
        p.setPen(pen)
        p.drawLine(QPointF(x, chart.top()), QPointF(x, chart.bottom()))

    def _bar_rect(self, start: date, end: date, y: float, top: float, height: float) -> QRectF:
        x0 = self.x_for(start)
        x1 = self.x_for(end + timedelta(days=1))
        return QRectF(x0, y + top, max(x1 - x0, 2.0), height)

    def _paint_item(self, p: QPainter, row: TimelineRow, y: float, chart: QRectF) -> None:
        item = row.item
        assert item is not None
        painted = Painted()
        self.painted[item.action.code] = painted
        b = item.baseline
        if b is not None and b.start is not None and b.end is not None:
            shadow = self._bar_rect(b.start, b.end, y, SHADOW_TOP, SHADOW_H)
            painted.shadow = shadow
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(SHADOW_COLOR)
            if b.start == b.end:  # jalon : un petit losange
                c = shadow.center()
                p.drawPolygon(_diamond(QPointF(self.x_for(b.start) + self.ppd / 2, c.y()), 3.5))
            else:
                p.drawRect(shadow)
        if not item.dated:
            return
        assert item.start is not None and item.end is not None
        cells = [
            (bs, cell) for bs in self.bassins if (cell := item.action.statuses.get(bs.id)) is not None
        ]
        late = any(cell.overdue for _b, cell in cells)
        rect = self._bar_rect(item.start, item.end, y, BAR_TOP, BAR_H)
        painted.bar = rect
        if item.milestone:
            centre = QPointF(self.x_for(item.start) + self.ppd / 2, rect.center().y())
            status = (
                cells[0][1].status if len(cells) == 1 else _least(cell.status for _b, cell in cells)
            )
            poly = _diamond(centre, BAR_H / 2 + 1)
            painted.bar = poly.boundingRect()
            p.setBrush(status_color(status) if status else QColor("#FFFFFF"))
            p.setPen(QPen(QColor(DANGER) if late else QColor("#344054"), 2.2 if late else 1))
            p.drawPolygon(poly)
            text_x = centre.x() + BAR_H / 2 + 5
        else:
            if len(cells) <= 1:
                status = cells[0][1].status if cells else None
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(status_color(status) if status else QColor("#FFFFFF"))
                p.drawRect(rect)
                pattern = PATTERNS.get(status or "")
                if pattern is not None and pattern != Qt.BrushStyle.SolidPattern:
                    assert status is not None
                    p.setBrush(QBrush(status_text_color(status), pattern))
                    p.drawRect(rect)
            else:  # un couloir fin par bassin
                lane = rect.height() / len(cells)
                p.setPen(Qt.PenStyle.NoPen)
                for j, (_b, cell) in enumerate(cells):
                    p.setBrush(status_color(cell.status))
                    p.drawRect(QRectF(rect.left(), rect.top() + j * lane, rect.width(), lane))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(QColor(DANGER) if late else QColor("#344054"), 2.2 if late else 0.8))
            p.drawRect(rect)
            text_x = rect.right() + 5
        # statut en clair : symbole(s), libellé si un seul bassin, « retard »
        if len(cells) == 1:
            st = status_rules.info(cells[0][1].status)
            text = f"{st.symbol} {st.label}"
        else:
            text = "".join(status_rules.info(cell.status).symbol for _b, cell in cells)
        if text_x < chart.right():
            p.setPen(QColor("#344054"))
            baseline_y = rect.top() + rect.height() - 2
            p.drawText(QPointF(text_x, baseline_y), text)
            if late:
                adv = QFontMetrics(self._small).horizontalAdvance(text + " ")
                p.setPen(QColor(DANGER))
                p.drawText(QPointF(text_x + adv, baseline_y), "retard")

    def _paint_labels(self, p: QPainter, first: int, last: int, h: int) -> None:
        p.fillRect(QRectF(0, HEADER_H, LABEL_W, h - HEADER_H), QColor(255, 255, 255, 0))
        metrics = QFontMetrics(self.font())
        bold_metrics = QFontMetrics(self._bold)
        for i in range(first, last):
            row = self.rows[i]
            y = self.row_y(i)
            fill = GROUP_FILLS.get(row.kind)
            back = fill if fill is not None else (QColor("#F8FAFC") if i % 2 else QColor("#FFFFFF"))
            p.fillRect(QRectF(0, y, LABEL_W, ROW_H), back)
            if i == self.hover_row and row.item is not None:
                p.fillRect(QRectF(0, y, LABEL_W, ROW_H), QColor(31, 95, 168, 28))
            rect = QRectF(8, y, LABEL_W - 14, ROW_H)
            if row.item is None:
                p.setFont(self._bold)
                p.setPen(QColor("#101828"))
                indent = 0 if row.kind != "cible" else 10
                text = bold_metrics.elidedText(row.text, Qt.TextElideMode.ElideRight,
                                               int(rect.width()) - indent)  # fmt: skip
                p.drawText(rect.adjusted(indent, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, text)
                continue
            a = row.item.action
            late = row.item.late(frozenset(b.id for b in self.bassins))
            # l'intitulé d'abord ; le code (rouge si en retard) aligné à droite
            p.setFont(self._bold)
            p.setPen(QColor(DANGER) if late else QColor("#1F5FA8"))
            code_w = bold_metrics.horizontalAdvance(a.code) + 8
            p.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, a.code)
            p.setFont(self.font())
            p.setPen(QColor("#101828"))
            room = int(rect.width()) - 18 - code_w
            p.drawText(rect.adjusted(18, 0, -code_w, 0), Qt.AlignmentFlag.AlignVCenter,
                       metrics.elidedText(a.intitule, Qt.TextElideMode.ElideRight, room))  # fmt: skip
        p.setPen(QColor("#D0D5DD"))
        p.drawLine(QPointF(LABEL_W - 0.5, HEADER_H), QPointF(LABEL_W - 0.5, h))

    def _paint_header(self, p: QPainter, w: int) -> None:
        tl = self.timeline
        assert tl is not None
        p.fillRect(QRectF(0, 0, w, HEADER_H), QColor("#F2F4F7"))
        p.setPen(QColor("#D0D5DD"))
        p.drawLine(QPointF(0, HEADER_H - 0.5), QPointF(w, HEADER_H - 0.5))
        p.save()
        p.setClipRect(QRectF(LABEL_W, 0, w - LABEL_W, HEADER_H))
        # années, puis mois / trimestres / semestres
        p.setFont(self._bold)
        p.setPen(QColor("#101828"))
        for year in range(tl.start.year, tl.end.year + 1):
            x0 = max(self.x_for(date(year, 1, 1)), float(LABEL_W))
            x1 = self.x_for(date(year + 1, 1, 1))
            # seulement s'il tient dans la part visible de l'année (pas de « 20 » au bord)
            if min(x1, float(w)) - x0 > QFontMetrics(self._bold).horizontalAdvance(str(year)) + 8:
                p.drawText(QRectF(x0 + 4, 2, x1 - x0 - 4, 18), Qt.AlignmentFlag.AlignVCenter,
                           str(year))  # fmt: skip
        p.setFont(self._small)
        units = self._units()
        for j, (d, text) in enumerate(units):
            x0 = self.x_for(d)
            nxt = units[j + 1][0] if j + 1 < len(units) else tl.end + timedelta(days=1)
            x1 = self.x_for(nxt)
            p.setPen(QColor("#D0D5DD"))
            p.drawLine(QPointF(x0, 20), QPointF(x0, 38))
            p.setPen(QColor("#475467"))
            if x1 - x0 > QFontMetrics(self._small).horizontalAdvance(text) + 4:
                p.drawText(QRectF(x0, 20, x1 - x0, 18), Qt.AlignmentFlag.AlignCenter, text)
        # repères des dates clés (libellé court ; le libellé entier en infobulle)
        metrics = QFontMetrics(self._small)
        taken: list[tuple[float, float]] = []
        order = (TODAY, VOLET3, BILAN, COMMITTEE)  # aujourd'hui d'abord, les comités en dernier
        for k in sorted(tl.lines(), key=lambda k: order.index(k.kind)):
            color, _style, _w = LINE_STYLES.get(k.kind, ("#98A2B3", None, 1))
            x = self.x_for(k.date) + self.ppd / 2
            p.setPen(QPen(QColor(color), 2))
            p.drawLine(QPointF(x, 40), QPointF(x, HEADER_H))
            text = k.short
            span = (x + 3, x + 3 + metrics.horizontalAdvance(text) + 6)
            if span[1] > w:  # au bord droit : le libellé passe à gauche du trait, entier
                span = (x - 3 - (span[1] - span[0]), x - 3)
            if span[0] > LABEL_W and all(span[1] <= a or span[0] >= b for a, b in taken):
                p.setPen(QColor(color))
                p.drawText(QPointF(span[0], 52), text)
                taken.append(span)
        p.restore()
        p.setFont(self._bold)
        p.setPen(QColor("#101828"))
        p.drawText(QRectF(8, 0, LABEL_W - 14, HEADER_H), Qt.AlignmentFlag.AlignVCenter,
                   "Axe, cible, action")  # fmt: skip
        p.setPen(QColor("#D0D5DD"))
        p.drawLine(QPointF(LABEL_W - 0.5, 0), QPointF(LABEL_W - 0.5, HEADER_H))

    # -- souris -------------------------------------------------------------------------------
    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            text = self.tooltip_at(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        if event.type() == QEvent.Type.Leave and self.hover_row != -1:
            self.hover_row = -1
            self.viewport().update()
        return super().viewportEvent(event)

    def tooltip_at(self, pos: QPointF) -> str:
        tl = self.timeline
        if tl is None:
            return ""
        if pos.y() < HEADER_H and pos.x() >= LABEL_W:
            near = [k for k in tl.lines() if abs(self.x_for(k.date) + self.ppd / 2 - pos.x()) <= 4]
            return "\n".join(f"{k.date:%d/%m/%Y} — {k.label}" for k in near)
        i = self.row_at(pos.y())
        if i < 0:
            return ""
        row = self.rows[i]
        if row.item is None:
            return row.text
        return describe(row.item, self.bassins, tl.baseline_name) + "\n\nClic : ouvrir l'action"

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        i = self.row_at(event.position().y())
        if i != self.hover_row:
            self.hover_row = i
            over_action = i >= 0 and self.rows[i].item is not None
            self.viewport().setCursor(
                Qt.CursorShape.PointingHandCursor if over_action else Qt.CursorShape.ArrowCursor
            )
            self.viewport().update()
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            i = self.row_at(event.position().y())
            if i >= 0 and self.rows[i].item is not None:
                self.action_activated.emit(self.rows[i].item.action.code)  # type: ignore[union-attr]
                return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        K = Qt.Key
        if key in (K.Key_Down, K.Key_Up, K.Key_PageDown, K.Key_PageUp, K.Key_Home, K.Key_End):
            page = max(1, (self.viewport().height() - HEADER_H) // ROW_H - 1)
            step = {K.Key_Down: 1, K.Key_Up: -1, K.Key_PageDown: page, K.Key_PageUp: -page,
                    K.Key_Home: -len(self.rows), K.Key_End: len(self.rows)}[K(key)]  # fmt: skip
            self.move_current(step)
        elif key in (K.Key_Return, K.Key_Enter):
            if 0 <= self.current_row < len(self.rows) and self.rows[self.current_row].item:
                self.action_activated.emit(self.rows[self.current_row].item.action.code)  # type: ignore[union-attr]
        elif key in (K.Key_Left, K.Key_Right):
            h = self.horizontalScrollBar()
            h.setValue(h.value() + (-1 if key == K.Key_Left else 1) * h.pageStep() // 4)
        elif key in (K.Key_Plus, K.Key_Minus, K.Key_Equal):
            self.zoom_step(1 if key != K.Key_Minus else -1)
        else:
            super().keyPressEvent(event)

    def move_current(self, step: int) -> None:
        """Action suivante (``step`` > 0) ou précédente, en sautant les en-têtes."""
        actions = [i for i, r in enumerate(self.rows) if r.item is not None]
        if not actions:
            return
        if self.current_row not in actions:
            target = actions[0] if step > 0 else actions[-1]
        else:
            at = actions.index(self.current_row)
            target = actions[max(0, min(len(actions) - 1, at + step))]
        self.current_row = target
        item = self.rows[target].item
        assert item is not None
        self.ensure_visible(item.action.code)
        self.viewport().update()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_step(event.angleDelta().y())
            event.accept()
            return
        super().wheelEvent(event)


def _diamond(c: QPointF, r: float) -> QPolygonF:
    return QPolygonF([QPointF(c.x(), c.y() - r), QPointF(c.x() + r, c.y()),
                      QPointF(c.x(), c.y() + r), QPointF(c.x() - r, c.y())])  # fmt: skip


def _least(statuses: object) -> str | None:
    found = list(statuses)  # type: ignore[call-overload]
    if not found:
        return None
    return min(found, key=lambda s: status_rules.info(s).rank)
