"""Indicateurs liés à une action, dans son panneau de détail : par indicateur, la dernière valeur
contre la cible en vigueur par bassin (couleur et texte : atteint / en-dessous / pas de valeur),
une petite courbe peinte (pas de matplotlib : la mise à jour à la sélection reste sous 50 ms),
et les boutons « Saisir une valeur… » et « Lier un indicateur… »."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from roadmap_app.flows.charts import (
    SERIES_COLORS,  # les couleurs des courbes de la page Indicateurs
)
from ui.style import ACCENT, DANGER, MUTED, SUCCESS

STATUS_COLORS = {"atteint": SUCCESS, "en-dessous": DANGER, "pas de valeur": MUTED, "sans cible": MUTED}
STATUS_MARKS = {"atteint": "●", "en-dessous": "▼", "pas de valeur": "○", "sans cible": "◌"}


def _e(text: str) -> str:
    return escape(text, quote=False)


TITLE_LINES = 3  # un intitulé plus long encore est coupé « … » à la troisième ligne


def _wrap(text: str, fm: QFontMetrics, room: int, most: int) -> list[str]:
    """``text`` coupé entre deux mots en lignes de ``room`` px, ``most`` lignes au plus (la
    dernière garde le reste : elle sera coupée « … » si elle déborde)."""
    words = text.split(" ")
    lines: list[str] = []
    while words and len(lines) < most - 1:
        line, i = words[0], 1
        while i < len(words) and fm.horizontalAdvance(f"{line} {words[i]}") <= room:
            line = f"{line} {words[i]}"
            i += 1
        lines.append(line)
        words = words[i:]
    return lines + ([" ".join(words)] if words else [])


class Sparkline(QWidget):
    """Courbes des valeurs (une par bassin) et marches de la cible, peintes directement."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.series: list[tuple[str, list[tuple[float, float]], int]] = []  # (bassin, points, rang)
        self.targets: list[tuple[float, float]] = []
        self.setMinimumHeight(40)
        self.setMaximumHeight(44)

    def sizeHint(self) -> QSize:
        return QSize(220, 46)

    def set_data(self, states: list[Any]) -> None:
        # le rang du bassin parmi tous (pas parmi ceux qui ont des valeurs) : sa couleur est celle
        # de son carré dans la carte et de sa courbe sur la page Indicateurs
        self.series = [(st.where, [(p.day.toordinal(), p.value) for p in st.points], i)
                       for i, st in enumerate(states) if st.points]  # fmt: skip
        seen: dict[tuple[float, float], None] = {}
        for st in states:
            for t in st.targets:
                seen[(t.effective_from.toordinal(), t.value)] = None
        self.targets = sorted(seen)
        self.setAccessibleName(
            "Évolution : " + ("; ".join(f"{name} {len(pts)} valeur(s)" for name, pts, _rank in self.series) or "aucune valeur")
        )
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(2, 4, -2, -4)
        painter.setPen(QPen(QColor("#EAECF0"), 1))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        xs = [x for _n, pts, _r in self.series for x, _v in pts] + [x for x, _v in self.targets]
        ys = [v for _n, pts, _r in self.series for _x, v in pts] + [v for _x, v in self.targets]
        if not self.series:
            painter.setPen(QColor(MUTED))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "pas encore de valeur")
            return
        x0, x1 = min(xs), max(xs)
        y0, y1 = min(ys), max(ys)  # échelle resserrée sur les valeurs : la tendance se voit
        pad = (y1 - y0) * 0.1
        y0, y1 = y0 - pad, y1 + pad
        if x1 == x0:
            x1 = x0 + 1
        if y1 == y0:
            y1 = y0 + 1

        def at(x: float, y: float) -> QPointF:
            return QPointF(rect.left() + (x - x0) / (x1 - x0) * rect.width(),
                           rect.bottom() - (y - y0) / (y1 - y0) * rect.height())  # fmt: skip

        if self.targets:  # cible en marches, pointillés
            pen = QPen(QColor(DANGER), 1, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            for i, (x, v) in enumerate(self.targets):
                end = self.targets[i + 1][0] if i + 1 < len(self.targets) else x1
                painter.drawLine(at(max(x, x0), v), at(max(end, x0), v))
        for _name, pts, rank in self.series:
            color = QColor(SERIES_COLORS[rank % len(SERIES_COLORS)])
            painter.setPen(QPen(color, 1.6))
            path = QPainterPath(at(*pts[0]))
            for x, v in pts[1:]:
                path.lineTo(at(x, v))
            painter.drawPath(path)
            painter.setBrush(color)
            painter.drawEllipse(at(*pts[-1]), 2.2, 2.2)
            painter.setBrush(Qt.BrushStyle.NoBrush)


class IndicatorCard(QWidget):
    """Un indicateur lié : titre, état par bassin (deux lignes par bassin), courbe. Texte peint
    directement : l'intitulé sur trois lignes au plus, le statut passé à la ligne après « — »,
    coupés « … » seulement s'ils débordent encore de la largeur du panneau (texte entier en infobulle et pour les lecteurs d'écran) ; des étiquettes à retour à
    la ligne coûtaient 40 ms de mise en page à chaque sélection."""

    CHART = 44
    STEP = 14  # retrait de la suite d'un statut (la cible sous « ▼ en-dessous — »)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("indicatorCard")
        self.lines: list[tuple[str, str, bool, int]] = []  # (texte, couleur, gras, retrait)
        self.chart = Sparkline(self)
        self.text = ""
        self._shown: dict[int, list[tuple[str, str, bool, int]]] = {}  # lignes peintes par largeur
        self._advances: list[int] = []  # largeur en pixels de chaque ligne de ``lines``

    def _line_height(self) -> int:
        return self.fontMetrics().height() + 2

    def sizeHint(self) -> QSize:
        # la largeur déjà mise en page (la même d'une action à l'autre) : pas de calcul à 200 px
        width = self.width() if self.width() > 1 else next(reversed(self._shown), 200) if self._shown else 200
        return QSize(200, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(160, self.sizeHint().height())

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        """Un intitulé long (jusqu'à trois lignes) ou un statut coupé après « — » prennent des
        lignes de plus dans un panneau étroit : la courbe descend d'autant."""
        return len(self._display(width)) * self._line_height() + self.CHART + 10

    def show_linked(self, linked: Any) -> None:
        from roadmap_app.indicators.model import (
            LINK_KINDS,
            format_value,
            target_phrase,
            value_phrase,
        )

        d = linked.indicator
        kind = LINK_KINDS.get(linked.kind, linked.kind)
        # l'intitulé d'abord (comme l'action en tête du panneau), le code sur la ligne suivante :
        # coupé « … » à la largeur du panneau, l'intitulé ne laisse pas le code seul lisible
        lines = [(d.label, "#101828", True, 0), (f"{d.code} · {kind} · {d.unit}", MUTED, False, 0)]
        for i, st in enumerate(linked.states):
            color = STATUS_COLORS.get(st.status, MUTED)
            mark = STATUS_MARKS.get(st.status, "")
            swatch = SERIES_COLORS[i % len(SERIES_COLORS)] if st.points else MUTED
            value = f"{format_value(d, st.last.value)} {value_phrase(d, st.last.day)}" if st.last else "—"
            lines.append((f"■ {st.where} : {value}", swatch, False, 0))
            # le statut d'abord : le panneau est étroit, et c'est la cible qui est coupée « … »
            # (texte entier en infobulle), jamais « atteint » ou « en-dessous »
            target = target_phrase(st)  # « sans cible » : dit une fois, pas « sans cible — sans cible »
            status = f"{mark} {st.status}" + ("" if target == st.status else f" — {target}")
            lines.append((status, color, st.status in STATUS_MARKS, 14))
        self.lines = lines
        self._shown.clear()
        self._advances = []
        self.text = "\n".join(t for t, _c, _b, _i in lines)
        self.setToolTip(f"{self.text}\n\n{d.definition}".strip())
        self.setAccessibleName(self.text)
        self.chart.set_data(linked.states)
        self.updateGeometry()
        self._place_chart()
        self.update()

    def changeEvent(self, event: Any) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._shown.clear()  # (feuille de style appliquée à l'affichage : autre police)
            self._advances = []
            self.updateGeometry()

    def _place_chart(self) -> None:
        top = len(self._display(self.width())) * self._line_height() + 4
        self.chart.setGeometry(0, top, self.width(), self.CHART)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        before = self._shown.get(event.oldSize().width())  # une largeur jamais calculée n'a rien placé
        if before is not None and len(before) != len(self._display(self.width())):
            self.updateGeometry()  # intitulé ou statut sur une ligne de plus ou de moins
        self._place_chart()

    def _display(self, width: int) -> list[tuple[str, str, bool, int]]:
        """Les lignes peintes à cette largeur (gardées par largeur jusqu'au prochain indicateur) :
        l'intitulé (première ligne) coupé entre deux mots sur trois lignes au plus ; un statut
        trop long passe à la ligne après « — » (« ▼ en-dessous — », puis « cible 2025 : 60 % »
        plus en retrait) ; une ligne qui déborde encore est coupée « … »."""
        cached = self._shown.get(width)
        if cached is not None:
            return cached
        bold = self.font()
        bold.setBold(True)
        fms = {False: self.fontMetrics(), True: QFontMetrics(bold)}
        if len(self._advances) != len(self.lines):  # largeur de chaque ligne : une fois par indicateur
            self._advances = [fms[is_bold].horizontalAdvance(text) for text, _c, is_bold, _i in self.lines]
        out = []
        for row, ((text, color, is_bold, indent), advance) in enumerate(zip(self.lines, self._advances, strict=True)):
            fm = fms[is_bold]
            if advance <= width - indent:
                out.append((text, color, is_bold, indent))  # elle tient : ni coupe ni « … » à chercher
                continue
            parts = [(text, indent)]
            if row == 0:
                parts = [(part, indent) for part in _wrap(text, fm, width - indent, TITLE_LINES)]
            elif indent and " — " in text:
                head, tail = text.split(" — ", 1)
                parts = [(f"{head} —", indent), (tail, indent + self.STEP)]
            out += [(fm.elidedText(part, Qt.TextElideMode.ElideRight, width - left), color, is_bold, left)
                    for part, left in parts]  # fmt: skip
        self._shown[width] = out
        return out

    def shown_lines(self) -> list[str]:
        """Les lignes telles que peintes à la largeur actuelle (l'intitulé sur trois lignes au
        plus, un statut long sur deux, coupées « … » si elles débordent encore)."""
        return [text for text, _c, _b, _i in self._display(self.width())]

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        h = self._line_height()
        bold = self.font()
        bold.setBold(True)
        for row, (shown, color, is_bold, indent) in enumerate(self._display(self.width())):
            painter.setFont(bold if is_bold else self.font())
            painter.setPen(QColor(color))
            painter.drawText(QRectF(indent, row * h, self.width() - indent, h), int(Qt.AlignmentFlag.AlignVCenter), shown)


class IndicatorBox(QFrame):
    """Section « Indicateurs de suivi » du panneau : une carte par indicateur lié, et les boutons."""

    enter_value = Signal()
    link_indicator = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.cards: list[IndicatorCard] = []
        head = QLabel("Indicateurs de suivi")
        head.setObjectName("sectionTitle")
        self.empty = QLabel("Aucun indicateur lié (colonnes TDB national et Autres de l'annexe 1 bis, vides "
                            "dans le document) : « Lier un indicateur… » pour mesurer cette action.")  # fmt: skip
        self.empty.setWordWrap(True)
        self.empty.setObjectName("muted")
        self.cards_layout = QVBoxLayout()
        self.cards_layout.setContentsMargins(0, 0, 0, 0)
        self.cards_layout.setSpacing(2)
        self.value_button = QPushButton("Saisir une valeur…")
        self.value_button.setToolTip("Saisir une valeur mesurée d'un indicateur lié (date, bassin)")
        self.link_button = QPushButton("Lier un indicateur…")
        self.link_button.setToolTip("Lier cette action à un indicateur (TDB national, flux, ou défini)")
        self.value_button.clicked.connect(self.enter_value.emit)
        self.link_button.clicked.connect(self.link_indicator.emit)
        # l'un sous l'autre : côte à côte, ils élargiraient le panneau (l'intitulé de l'arbre y perdrait)
        buttons = QVBoxLayout()
        buttons.setSpacing(4)
        for button in (self.link_button, self.value_button):
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(button)
            buttons.addLayout(row)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.addWidget(head)
        lay.addWidget(self.empty)
        lay.addLayout(self.cards_layout)
        lay.addLayout(buttons)
        self.linked: list[Any] = []

    def show_indicators(self, linked: list[Any]) -> None:
        self.linked = linked
        while len(self.cards) < len(linked):  # cartes réutilisées d'une action à l'autre
            card = IndicatorCard(self)
            self.cards_layout.addWidget(card)
            self.cards.append(card)
        for card, one in zip(self.cards, linked, strict=False):
            card.show_linked(one)
        for i, card in enumerate(self.cards):
            card.setVisible(i < len(linked))
        self.empty.setVisible(not linked)
        self.value_button.setEnabled(bool(linked))
        self.value_button.setToolTip("Saisir une valeur mesurée d'un indicateur lié" if linked
                                     else "Liez d'abord un indicateur à cette action")  # fmt: skip

    def card_texts(self) -> list[str]:
        """Texte des cartes affichées (tests, lecteurs d'écran)."""
        return [card.text for card in self.cards[: len(self.linked)]]


__all__ = ["ACCENT", "IndicatorBox", "Sparkline"]
