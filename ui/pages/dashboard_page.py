"""Tableau de bord (page d'accueil) : chaque bassin face à ses cibles, échéances proches, retards, dates clés.

Aucun graphique n'est dessiné au démarrage (matplotlib n'est chargé qu'à la demande) : les cartes
sont des widgets Qt ; chaque carte ouvre le détail derrière elle.
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from roadmap_app.core import ops
from roadmap_app.core.context import AppContext
from roadmap_app.core.dates import format_month
from roadmap_app.core.formatting import format_number
from roadmap_app.flows.dashboard import UPCOMING_DAYS, BassinCard, DashboardData, dashboard_data
from ui.pages.base import Page
from ui.style import DANGER

#: Lignes montrées au plus par liste (à 100× : des milliers d'actions en retard) ; la suite est
#: dans la Feuille de route filtrée.
LIST_MAX = 200
ALL_LATE = "__toutes_en_retard__"


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n <= 1 else many}"


def _n(v: float | None) -> str:
    return "—" if v is None else format_number(v)


def _action_item(action: Any, detail: str) -> QListWidgetItem:
    """Deux lignes : « code — intitulé », puis l'échéance (et les bassins) ; tout en infobulle."""
    item = QListWidgetItem(f"{action.code} — {action.intitule}\n{detail}")
    item.setToolTip(f"{action.code} — {action.intitule}\n{detail}")
    item.setData(Qt.ItemDataRole.UserRole, action.code)
    return item


class BassinCardWidget(QFrame):
    def __init__(self, card: BassinCard, page: DashboardPage) -> None:
        super().__init__()
        self.setObjectName("card")
        self.card = card
        b = card.bassin
        self.title = QPushButton(b.name)
        self.title.setObjectName("cardTitle")
        self.title.setFlat(True)
        self.title.setCursor(Qt.CursorShape.PointingHandCursor)
        self.title.setToolTip(f"Ouvrir les flux du bassin {b.name}")
        self.title.clicked.connect(lambda: page.open_flows(b.id))
        self.entrants = QLabel()
        self.entrants.setWordWrap(True)
        self.quinze = QLabel()
        self.charge = QLabel()
        for label in (self.entrants, self.quinze, self.charge):
            # le texte passe à la ligne : une carte ne déborde jamais sur sa voisine
            label.setWordWrap(True)
            # chaque chiffre mène au graphique qui le détaille (lien « graphique › »)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                          | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)  # fmt: skip
            label.linkActivated.connect(lambda name, bid=b.id: page.open_chart(bid, name))
        self.actions_label = QLabel()
        self.actions_label.setTextFormat(Qt.TextFormat.RichText)
        self.actions_label.setWordWrap(True)
        self.late = QPushButton(
            f"⚠ {plural(card.en_retard, 'action en retard', 'actions en retard')}"
        )
        self.late.setFlat(True)
        self.late.setCursor(Qt.CursorShape.PointingHandCursor)
        self.late.setObjectName("lateLink")
        self.late.setToolTip(
            "Ouvrir la feuille de route filtrée sur ce bassin et les actions en retard"
        )
        self.late.clicked.connect(lambda: page.open_late(b.id))
        self.late.setVisible(card.en_retard > 0)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(14, 10, 14, 12)
        lay.setSpacing(6)
        for w in (self.title, self.entrants, self.quinze, self.charge, self.actions_label, self.late):
            lay.addWidget(w)
        lay.addStretch(1)
        self._fill()

    @staticmethod
    def _link(chart: str) -> str:
        return f" <a href='{chart}' style='color:#1F5FA8;text-decoration:none'>graphique ›</a>"

    def _fill(self) -> None:
        c = self.card
        y = c.year
        if y is None:
            self.entrants.setText(
                "<b>Entrants :</b> pas encore de données mensuelles.<br>"
                f"<span style='color:#667085'>Moyenne visée : {_n(c.monthly_target)} par mois — flux 2023 : "
                f"{_n(c.reference_flux)} entrants</span>"
            )
        else:
            pct = "" if not y.target else f" ({100 * y.actual / y.target:.0f} %)"
            below = y.target is not None and y.actual < y.target
            mark = (
                f" <span style='color:{DANGER}'>▼ sous l'objectif</span>" if below else " ✔ atteint"
            )
            goal = (
                "pas de cible en vigueur"
                if y.target is None
                else f"objectif {_n(y.target)}{pct}{mark}"
            )
            self.entrants.setText(
                f"<b>Entrants {format_month(y.first)} – {format_month(y.last)} :</b> {_n(y.actual)} ; {goal}<br>"
                f"<span style='color:#667085'>{y.months} mois ; dernier mois saisi : "
                f"{format_month(c.last_month) if c.last_month else '—'}</span>{self._link('cumul')}"
            )
        if c.share_15j is None:
            self.quinze.setText("Orientés en 15 jours : —")
        else:
            self.quinze.setText(
                f"Orientés en 15 jours : {c.share_15j:.0f} % (cible {c.share_15j_target or 100:g} %)"
                + self._link("quinze-jours")
            )
        if c.load_ft is None and c.load_cd is None:
            self.charge.setText("Charge par référent : —")
        else:
            warn = (
                f" <span style='color:{DANGER};font-weight:600'>⚠ au-delà de {c.load_cap:g}</span>"
                if c.overloaded
                else ""
            )
            doubt = (
                f" <span style='color:{DANGER}'>(ETP à confirmer ⚠)</span>" if c.cd_doubt else ""
            )
            self.charge.setText(
                f"Charge par référent : FT {_n(c.load_ft)} · délégués {_n(c.load_cd)}{doubt}{warn}"
                + self._link("charge")
            )
            self.charge.setToolTip(
                f"ETP de délégués à confirmer : {c.cd_doubt}" if c.cd_doubt else ""
            )
        self.actions_label.setText(
            f"Actions : ✔ {c.realise} réalisée{'s' if c.realise > 1 else ''} · ◐ {c.en_cours} en cours · sur {c.actions}"
        )


class DashboardPage(Page):
    domains = frozenset({ops.PLAN, ops.STATUSES, ops.FLOWS, ops.FINANCE})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.data: DashboardData | None = None
        self.title = QLabel("Tableau de bord")
        self.title.setObjectName("pageTitle")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("muted")
        self.cards_box = QGridLayout()
        self.cards_box.setSpacing(12)
        self.upcoming = QListWidget()
        self.upcoming.setObjectName("upcomingList")
        self.overdue = QListWidget()
        self.overdue.setObjectName("overdueList")
        self.dates = QLabel()
        self.dates.setTextFormat(Qt.TextFormat.RichText)
        self.dates.setWordWrap(True)
        self.dates.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        for lst in (self.upcoming, self.overdue):
            lst.itemActivated.connect(self._open_item)
            lst.setToolTip("Entrée ou double-clic : ouvrir l'action dans la feuille de route")
            # « code — intitulé » abrégé à la largeur de la liste (entier dans l'infobulle),
            # l'échéance et les bassins sur une seconde ligne : jamais de défilement horizontal
            lst.setTextElideMode(Qt.TextElideMode.ElideRight)
            lst.setWordWrap(False)
            lst.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            lst.setUniformItemSizes(True)
            lst.setAlternatingRowColors(True)  # une action sur deux lignes : fonds alternés
        lists = QHBoxLayout()
        for title, widget in ((f"Échéances des {UPCOMING_DAYS} prochains jours", self.upcoming),
                              ("Actions en retard", self.overdue), ("Dates clés de la convention", self.dates)):  # fmt: skip
            box = QFrame()
            box.setObjectName("card")
            bl = QVBoxLayout(box)
            head = QLabel(title)
            head.setObjectName("sectionTitle")
            bl.addWidget(head)
            bl.addWidget(widget, 1)
            lists.addWidget(box, 1)
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.setSpacing(12)
        lay.addWidget(self.title)
        lay.addWidget(self.subtitle)
        lay.addLayout(self.cards_box)
        lay.addLayout(lists, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.refresh()

    def refresh(self) -> None:
        self.data = data = dashboard_data(self.ctx)
        self.subtitle.setText(
            f"Au {data.today:%d/%m/%Y} — chiffres saisis dans la page Flux BRSA ; cibles de l'annexe 1 bis "
            "(situation au 31/12/2023). Cliquez sur un bassin pour voir ses flux."
        )
        while self.cards_box.count():
            item = self.cards_box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.cards = [BassinCardWidget(card, self) for card in data.cards]
        for i, w in enumerate(self.cards):
            self.cards_box.addWidget(w, i // 3, i % 3)
        for col in range(3):  # trois colonnes de même largeur, quel que soit le texte des cartes
            self.cards_box.setColumnStretch(col, 1)
        self.upcoming.clear()
        for action, days in data.upcoming[:LIST_MAX]:
            when = "aujourd’hui" if days == 0 else f"dans {days} j"
            self.upcoming.addItem(_action_item(action, f"{action.echeance.label} ({when})"))
        if not data.upcoming:
            self.upcoming.addItem(f"Aucune échéance dans les {UPCOMING_DAYS} prochains jours.")
        self.overdue.clear()
        for action, late in data.overdue[:LIST_MAX]:
            self.overdue.addItem(
                _action_item(action, f"{action.echeance.label} · {', '.join(late)}")
            )
        if len(data.overdue) > LIST_MAX:
            more = QListWidgetItem(
                f"… et {len(data.overdue) - LIST_MAX} autres : la Feuille de route filtrée « En retard » les montre toutes"
            )
            more.setData(Qt.ItemDataRole.UserRole, ALL_LATE)
            self.overdue.addItem(more)
        if not data.overdue:
            self.overdue.addItem("Aucune action en retard.")
        lines = []
        for d in data.dates:
            color = DANGER if d.passed else ("#B54708" if d.soon else "#101828")
            lines.append(f"<b>{d.date:%d/%m/%Y}</b> — {escape(d.label)}<br>"
                         f"<span style='color:{color};font-weight:600'>{escape(d.remaining_text())}</span>")  # fmt: skip
        self.dates.setText("<br><br>".join(lines))

    # -- navigation -------------------------------------------------------------------
    def _window(self) -> Any:
        return self.window()

    def open_flows(self, bassin_id: int) -> None:
        page = self._window().show_page("flows")
        page.select_bassin(bassin_id)

    def open_chart(self, bassin_id: int, chart: str) -> None:
        page = self._window().show_page("flows")
        page.select_bassin(bassin_id)
        page.show_chart(chart)

    def open_late(self, bassin_id: int) -> None:
        page = self._window().show_page("roadmap")
        page.filters.restore({"bassin": bassin_id, "overdue": True})

    def _open_item(self, item: QListWidgetItem) -> None:
        code = item.data(Qt.ItemDataRole.UserRole)
        if code == ALL_LATE:
            page = self._window().show_page("roadmap")
            page.filters.restore({"overdue": True})
        elif code:
            page = self._window().show_page("roadmap")
            page.filters.clear()
            page.select_code(code)
