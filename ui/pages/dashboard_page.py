"""Tableau de bord (page d'accueil) : chaque bassin face à ses cibles, échéances proches, retards, dates clés.

Aucun graphique n'est dessiné au démarrage (matplotlib n'est chargé qu'à la demande) : les cartes
sont des widgets Qt ; chaque carte ouvre le détail derrière elle.
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
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

from roadmap_app.core.context import AppContext
from roadmap_app.core.dates import format_month
from roadmap_app.core.domains import FINANCE, FLOWS, PLAN, STATUSES
from roadmap_app.core.formatting import format_number, plural
from roadmap_app.flows.dashboard import UPCOMING_DAYS, BassinCard, DashboardData, dashboard_data
from ui.pages.base import Page
from ui.settings import DISMISSED_KEY, LAST_OPENED_KEY, reminder_days, ui_settings
from ui.style import DANGER

#: Lignes montrées au plus par liste (à 100× : des milliers d'actions en retard) ; la suite est
#: dans la Feuille de route filtrée.
LIST_MAX = 200
ALL_LATE = "__toutes_en_retard__"


def _n(v: float | None) -> str:
    return "—" if v is None else format_number(v)


def _action_item(action: Any, detail: str) -> QListWidgetItem:
    """Deux lignes : l'intitulé (le titre avant le code), puis « code · échéance (et bassins) » ;
    tout en infobulle."""
    item = QListWidgetItem(f"{action.intitule}\n{action.code} · {detail}")
    item.setToolTip(f"{action.intitule} ({action.code})\n{detail}")
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
            f"Actions : ✔ {plural(c.realise, 'réalisée', 'réalisées')} · ◐ {c.en_cours} en cours · sur {c.actions}"
        )


#: rappels montrés par ligne du bandeau ; la suite est dans la Feuille de route filtrée
BAND_MAX = 5
DUE_ALL, LATE_ALL = "__echeances__", "__retards__"


def _short(text: str, n: int = 42) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


class ReminderBand(QFrame):
    """Bandeau de rappel, en haut du tableau de bord : jamais une fenêtre qui s'impose.

    ``open_code(code)`` : un lien cliqué (code d'action, ou ``DUE_ALL`` / ``LATE_ALL``)."""

    open_code = Signal(str)
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reminderBand")
        self.setStyleSheet(
            "#reminderBand { background: #FFF7E0; border: 1px solid #E9B949; border-radius: 6px; }"
        )
        self.text = QLabel(self)
        self.text.setObjectName("reminderText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                          | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)  # fmt: skip
        self.text.linkActivated.connect(self.open_code.emit)
        self.hide_button = QPushButton("&Masquer", self)
        self.hide_button.setObjectName("reminderHide")
        self.hide_button.setToolTip("Masquer ce rappel jusqu'au prochain changement de la liste")
        self.hide_button.clicked.connect(self.dismissed.emit)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(12, 8, 8, 8)
        lay.addWidget(self.text, 1)
        lay.addWidget(self.hide_button, 0, Qt.AlignmentFlag.AlignTop)
        self.due: list[Any] = []
        self.late: list[Any] = []

    def set_reminders(self, due: list[Any], late: list[Any], days: int, n_bassins: int = 0) -> None:
        self.due, self.late = due, late

        def where(r: Any) -> str:
            return "tous les bassins" if len(r.bassins) == n_bassins else ", ".join(r.bassins)

        lines = []
        link = "color:#1F5FA8;text-decoration:none;font-weight:600"
        if due:
            items = [  # le titre (lien vers l'action) avant le code
                f"<a href='{escape(r.action.code)}' style='{link}'>{escape(_short(r.action.intitule))}</a> "
                f"({escape(r.action.code)}, {_when(r.days)})"
                for r in due[:BAND_MAX]
            ]
            more = (f" · <a href='{DUE_ALL}' style='{link}'>… et {len(due) - BAND_MAX} autres</a>"
                    if len(due) > BAND_MAX else "")  # fmt: skip
            lines.append(f"◷ <b>{plural(len(due), 'échéance', 'échéances')} dans les {days} "
                         f"prochains jours</b> : " + " · ".join(items) + more)  # fmt: skip
        if late:
            items = [
                f"<a href='{escape(r.action.code)}' style='{link}'>{escape(_short(r.action.intitule))}</a> "
                f"({escape(r.action.code)}, {escape(where(r))})"
                for r in late[:BAND_MAX]
            ]
            more = (f" · <a href='{LATE_ALL}' style='{link}'>… et {len(late) - BAND_MAX} autres</a>"
                    if len(late) > BAND_MAX else "")  # fmt: skip
            lines.append(f"<span style='color:{DANGER}'>⚠ <b>{plural(len(late), 'action passée', 'actions passées')} "
                         "en retard depuis votre dernière ouverture</b></span> : " + " · ".join(items) + more)  # fmt: skip
        self.text.setText("<br>".join(lines))

    def signature(self, days: int) -> str:
        """Empreinte de la liste : masquer vaut jusqu'à ce qu'elle change."""
        import hashlib

        parts = [str(days)] + [f"d:{r.action.code}:{r.action.echeance.end}" for r in self.due]
        parts += [f"l:{r.action.code}:{','.join(r.bassins)}" for r in self.late]
        return hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:16]


def _when(days: int) -> str:
    return "aujourd'hui" if days == 0 else ("demain" if days == 1 else f"dans {days} j")


def in_review() -> bool:
    """Une revue en séance (atelier) est ouverte : rien ne s'affiche par-dessus."""
    from PySide6.QtWidgets import QApplication

    return any(type(w).__name__ == "ReviewDialog" and w.isVisible()
               for w in QApplication.topLevelWidgets())  # fmt: skip


class DashboardPage(Page):
    domains = frozenset({PLAN, STATUSES, FLOWS, FINANCE})

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
            # l'intitulé abrégé à la largeur de la liste (entier dans l'infobulle), le code,
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
        self.band = ReminderBand(body)
        self.band.setVisible(False)
        self.band.open_code.connect(self._open_reminder)
        self.band.dismissed.connect(self.dismiss_reminders)
        lay.addWidget(self.band)
        lay.addLayout(self.cards_box)
        lay.addLayout(lists, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        # dernière ouverture de l'application par cet utilisateur : lue une fois, puis remplacée
        settings = ui_settings()
        self.since = _iso_date(settings.value(LAST_OPENED_KEY))
        settings.setValue(LAST_OPENED_KEY, ctx.today().isoformat())
        settings.sync()
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
        self.refresh_reminders()

    # -- rappel ------------------------------------------------------------------------
    def refresh_reminders(self) -> None:
        from roadmap_app.plan.read import load_plan
        from roadmap_app.plan.reminders import due_within, late_since

        plan = load_plan(self.ctx)
        days = reminder_days(ui_settings())
        self.band.set_reminders(
            due_within(plan, days), late_since(plan, self.since), days, len(plan.bassins)
        )
        self._band_days = days
        self._update_band()

    def _update_band(self) -> None:
        band = self.band
        dismissed = str(ui_settings().value(DISMISSED_KEY, "") or "")
        wanted = bool(band.due or band.late) and band.signature(self._band_days) != dismissed
        band.setVisible(wanted and not in_review())

    def dismiss_reminders(self) -> None:
        settings = ui_settings()
        settings.setValue(DISMISSED_KEY, self.band.signature(self._band_days))
        settings.sync()
        self.band.setVisible(False)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if hasattr(self, "_band_days"):
            self._update_band()

    def _open_reminder(self, code: str) -> None:
        if code == DUE_ALL:
            page = self._window().show_page("roadmap")
            page.filters.restore({"due": True, "due_days": self._band_days})
        elif code == LATE_ALL:
            page = self._window().show_page("roadmap")
            page.filters.restore({"overdue": True})
        else:
            page = self._window().show_page("roadmap")
            page.filters.clear()
            page.select_code(code)

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


def _iso_date(value: Any) -> Any:
    from datetime import date

    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
