"""Page « Flux BRSA » : saisie mensuelle par bassin (grille validée), import/export, graphiques, charge."""

from __future__ import annotations

from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from roadmap_app.core.context import AppContext
from roadmap_app.core.dates import format_month
from roadmap_app.core.domains import FLOWS, PLAN
from roadmap_app.core.errors import StoreError, UserError
from roadmap_app.flows.chart_data import CHARTS, build_chart, month_range
from roadmap_app.flows.series import (
    bassins,
    doubt_for,
    load_per_referent,
    load_portfolios,
    load_series,
    load_targets,
    portfolio_for,
    target_for,
)
from ui.file_dialogs import ask_open, ask_save
from ui.models.flows_table import FlowsTableModel
from ui.pages.base import Page
from ui.style import DANGER
from ui.tasks import Task, TaskRunner
from ui.widgets.chart_view import ChartView
from ui.widgets.grid_delegate import GridDelegate

FIRST_MONTH = date(2024, 7, 1)
CHART_TABS = ("entrants", "cumul", "orientations", "quinze-jours", "charge", "stock")
TAB_TITLES = {
    "entrants": "Entrants", "cumul": "Cumul annuel", "orientations": "Orientations",
    "quinze-jours": "En 15 jours", "charge": "Charge", "stock": "Stock",
}  # fmt: skip
#: lignes de la grille visibles au moins à la première ouverture (portable 1366×768)
GRID_ROWS = 10


class FlowsPage(Page):
    domains = frozenset({PLAN, FLOWS})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.last_import: Any = None
        self.tasks = TaskRunner()
        self.import_task: Task | None = None
        title = QLabel("Flux BRSA")
        title.setObjectName("pageTitle")
        self.bassin = QComboBox()
        self.bassin.setToolTip("Bassin dont on saisit les flux du mois")
        self.import_button = QPushButton("&Importer…")
        self.import_button.setToolTip(
            "Classeur ou CSV : modèle de l'application ou format « bassin ; mois ; indicateur ; valeur »"
        )
        self.export_button = QPushButton("E&xporter le modèle…")
        self.add_month = QPushButton("Ajouter le mois &suivant")
        head = QHBoxLayout()
        head.addWidget(title)
        head.addSpacing(16)
        label = QLabel("&Bassin")
        label.setBuddy(self.bassin)
        head.addWidget(label)
        head.addWidget(self.bassin)
        head.addStretch(1)
        head.addWidget(self.add_month)
        head.addWidget(self.import_button)
        head.addWidget(self.export_button)
        note = QLabel("Chiffres agrégés du mois par bassin, sans donnée personnelle. Entrée valide et descend d'une "
                      "ligne ; une valeur refusée reste dans sa cellule avec la raison. Entrants : (±N) écart du mois à "
                      "la moyenne visée ; ▼ : entrants cumulés sous l'objectif cumulé. Ctrl+Z annule une saisie.")  # fmt: skip
        note.setObjectName("muted")
        note.setWordWrap(True)

        self.model = FlowsTableModel(self.write, self.refuse, self)
        self.table = QTableView()
        self.table.setObjectName("flowsTable")
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )  # fmt: skip
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setMinimumSectionSize(72)
        # lignes de hauteur fixe : dix mois au moins à l'écran sur un portable de 768 px
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.grid_delegate = GridDelegate(self.table)
        self.table.setItemDelegate(self.grid_delegate)

        self.tabs = QTabWidget()
        self.charts: dict[str, ChartView] = {}
        for name in CHART_TABS:
            view = ChartView("Le graphique s'affiche ici.")
            self.charts[name] = view
            # titres courts : les sept onglets tiennent sans flèches de défilement ; le titre
            # complet est en infobulle et sur le graphique
            i = self.tabs.addTab(view, TAB_TITLES[name])
            self.tabs.setTabToolTip(i, CHARTS[name].title)
        self.load_label = QLabel()
        self.load_label.setObjectName("loadLabel")
        self.load_label.setWordWrap(True)
        self.load_label.setTextFormat(Qt.TextFormat.RichText)
        self.load_label.linkActivated.connect(self._open_link)
        # la charge mois par mois défile : l'onglet ne force pas sa hauteur sur la page
        portfolio_tab = QScrollArea()
        portfolio_tab.setWidgetResizable(True)
        portfolio_tab.setFrameShape(QFrame.Shape.NoFrame)
        portfolio_body = QWidget()
        portfolio_tab.setWidget(portfolio_body)
        pl = QVBoxLayout(portfolio_body)
        self.portfolio_button = QPushButton("Changer les &moyens…")
        self.portfolio_button.setToolTip(
            "Portefeuilles France Travail ou ETP de délégués à partir d'une date"
        )
        self.target_button = QPushButton("Nouvelle &cible…")
        self.target_button.setToolTip(
            "Une cible à partir d'une date ; les mois précédents gardent l'ancienne"
        )
        self.portfolio_button.clicked.connect(lambda: self.change_portfolio())
        self.target_button.clicked.connect(lambda: self.new_target())
        # boutons visibles à droite des onglets, quel que soit l'onglet ouvert
        corner = QWidget()
        actions = QHBoxLayout(corner)
        actions.setContentsMargins(0, 0, 0, 2)
        actions.addWidget(self.portfolio_button)
        actions.addWidget(self.target_button)
        self.tabs.setCornerWidget(corner, Qt.Corner.TopRightCorner)
        pl.addWidget(self.load_label)
        pl.addStretch(1)
        i = self.tabs.addTab(portfolio_tab, "Portefeuilles")
        self.tabs.setTabToolTip(
            i, "Moyens (portefeuilles, ETP) et charge par référent, mois par mois"
        )
        self.tabs.currentChanged.connect(lambda _i: self.update_chart())

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.tabs)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self._splitter_restored = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addLayout(head)
        layout.addWidget(note)
        layout.addWidget(self.splitter, 1)

        self.bassin.currentIndexChanged.connect(lambda _i: self.reload())
        self.import_button.clicked.connect(self.import_file)
        self.export_button.clicked.connect(self.export_template)
        self.add_month.clicked.connect(self.append_month)
        self.extra_months: set[date] = set()
        self.refresh()

    # -- données ----------------------------------------------------------------------
    def write_controls(self) -> list[Any]:
        return [self.import_button, self.add_month, self.portfolio_button, self.target_button]

    def apply_read_only(self) -> None:
        super().apply_read_only()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

    def refresh(self) -> None:
        keep = self.bassin.currentData()
        self.bassin.blockSignals(True)
        self.bassin.clear()
        for b in bassins(self.ctx):
            self.bassin.addItem(b.name, b.id)
        i = self.bassin.findData(keep)
        self.bassin.setCurrentIndex(max(i, 0))
        self.bassin.blockSignals(False)
        self.reload()

    def select_bassin(self, bassin_id: int) -> None:
        i = self.bassin.findData(bassin_id)
        if i >= 0:
            self.bassin.setCurrentIndex(i)

    def reload(self) -> None:
        bassin_id = self.bassin.currentData()
        if bassin_id is None:
            return
        self.series = load_series(self.ctx, bassin_id)
        today = self.ctx.today().replace(day=1)
        stored = self.series.months
        start = min([FIRST_MONTH, *stored])
        end = max([today, *stored, *self.extra_months])
        current = self.table.currentIndex()
        where = (self.model.months[current.row()], current.column()) if current.isValid() else None
        self.model.set_data(self.series, month_range(start, end), load_targets(self.ctx))
        if where is not None and where[0] in self.model.months:
            # la saisie continue là où elle était
            row = self.model.months.index(where[0])
            self.table.setCurrentIndex(self.model.index(row, where[1]))
        else:  # nouveau bassin : la grille s'ouvre sur le dernier mois saisi
            self.show_last_month()
        self._update_loads()
        self.update_chart()

    def show_last_month(self) -> None:
        """Cellule courante : le dernier mois qui a des chiffres (sinon le mois en cours), en bas
        de l'écran avec les mois précédents au-dessus."""
        months = self.model.months
        if not months:
            return
        stored = [m for m in self.series.months if m in months]
        today = self.ctx.today().replace(day=1)
        target = max(stored) if stored else (today if today in months else months[-1])
        index = self.model.index(months.index(target), 0)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._splitter_restored:  # après la mise en page : la hauteur réelle est connue
            QTimer.singleShot(0, self._place_splitter)
        current = self.table.currentIndex()
        if current.isValid():
            self.table.scrollTo(current, QAbstractItemView.ScrollHint.PositionAtCenter)

    def _place_splitter(self) -> None:
        """Première ouverture (rien d'enregistré) : dix lignes de la grille au moins, les
        graphiques dessous ; ensuite la position choisie par l'utilisateur est gardée."""
        total = sum(self.splitter.sizes())
        if self._splitter_restored or total <= 0:
            return
        self._splitter_restored = True
        rows = self.table.verticalHeader().defaultSectionSize()
        scroll = self.table.horizontalScrollBar().sizeHint().height()
        grid = self.table.horizontalHeader().height() + GRID_ROWS * rows + scroll + 6
        self.splitter.setSizes([grid, max(total - grid, 0)])
        current = self.table.currentIndex()
        if current.isValid():
            self.table.scrollTo(current, QAbstractItemView.ScrollHint.PositionAtCenter)

    def show_chart(self, name: str) -> None:
        """Montre l'onglet du graphique ``name`` (entrants, cumul, quinze-jours, charge…)."""
        if name in CHART_TABS:
            self.tabs.setCurrentIndex(CHART_TABS.index(name))

    def update_chart(self) -> None:
        i = self.tabs.currentIndex()
        if not 0 <= i < len(CHART_TABS):
            return
        name = CHART_TABS[i]
        self.charts[name].set_figure(build_chart(self.ctx, name, self.bassin.currentData()))

    def _update_loads(self) -> None:
        portfolios = load_portfolios(self.ctx)
        bid = self.bassin.currentData()
        today = self.ctx.today()
        lines = []
        for org, label in (("FT", "France Travail"), ("CD", "Délégués du Département")):
            p = portfolio_for(portfolios, bid, org, today)
            if p is not None:
                line = (f"<b>{label}</b> : {p.number:g} {p.unit} (au {p.effective_from:%d/%m/%Y}), "
                        f"au plus {p.capacity} ARSA par référent")  # fmt: skip
                if p.doubt:
                    line += (
                        f"<br><span style='color:{DANGER}'>⚠ À confirmer : {escape(p.doubt)}</span> "
                        f"<a href='confirm:{org}:{p.effective_from.isoformat()}'>Confirmer ou corriger…</a>"
                    )
                lines.append(line)
        cap = target_for(
            load_targets(self.ctx), "charge_referent", bid, today.replace(day=1), "max"
        )
        if cap is not None:
            lines.append(
                f"<span style='color:#667085'>Plafond : {escape(cap.label)} — {escape(cap.source)}</span>"
            )
        rows = []
        for m in reversed(self.series.months):
            ft = load_per_referent(self.series, portfolios, m, "FT")
            cd = load_per_referent(self.series, portfolios, m, "CD")
            if ft is None and cd is None:
                continue

            def show(v: float | None) -> str:
                if v is None:
                    return "—"
                return f"{v:.0f}" + (
                    f" <span style='color:{DANGER};font-weight:600'>⚠ au-delà de 70</span>"
                    if v > 70
                    else ""
                )

            doubt = (
                " (ETP à confirmer)"
                if cd is not None and doubt_for(portfolios, bid, "CD", m)
                else ""
            )
            rows.append(
                f"{format_month(m)} : France Travail {show(ft)} · délégués {show(cd)}{doubt}"
            )
        text = "<br>".join(lines)
        text += "<h4>Charge par référent (ARSA suivis ÷ portefeuilles ou ETP)</h4>"
        text += (
            "<br>".join(rows[:12])
            if rows
            else "<i>Saisissez « ARSA suivis » (FT et CD) pour calculer la charge.</i>"
        )
        self.load_label.setText(text)

    def _open_link(self, link: str) -> None:
        """« Confirmer ou corriger… » : la boîte des moyens, remplie avec ceux à confirmer."""
        kind, _sep, rest = link.partition(":")
        if kind == "confirm":
            org, _sep, day = rest.partition(":")
            self.change_portfolio(prefill=(org, date.fromisoformat(day)))

    # -- saisie -----------------------------------------------------------------------
    def write(self, month: date, code: str, value: float | None, version: int | None) -> bool:
        # écriture : tables ORM chargées au premier usage, pas à l'ouverture de la page
        from roadmap_app.flows.service import FlowChange, write_changes

        try:
            write_changes(
                self.ctx, [FlowChange(self.bassin.currentData(), month, code, value, version)],
                label=f"Flux {self.bassin.currentText()} – {format_month(month)}",
            )  # fmt: skip
        except (UserError, StoreError) as err:
            self.refuse(str(err))
            QTimer.singleShot(0, self.reload)
            return False
        # Relu après la fermeture de l'éditeur (jamais pendant setData : la vue perdrait son état).
        QTimer.singleShot(0, self.reload)
        return True

    def change_portfolio(self, run: bool = True, prefill: tuple[str, date] | None = None) -> Any:
        """``prefill`` : (organisme, date) de moyens à confirmer, repris dans la boîte."""
        from ui.dialogs.flows_settings_dialogs import PortfolioDialog

        dialog = PortfolioDialog(self.ctx, self.bassin.currentData(), self)
        if prefill is not None:
            dialog.prefill(*prefill)
        return self._settings_dialog(dialog, run)

    def new_target(self, run: bool = True) -> Any:
        from ui.dialogs.flows_settings_dialogs import TargetDialog

        return self._settings_dialog(TargetDialog(self.ctx, self.bassin.currentData(), self), run)

    def _settings_dialog(self, dialog: Any, run: bool) -> Any:
        """``run`` faux : la boîte est rendue ouverte (tests) ; elle recharge la page une fois enregistrée."""
        dialog.accepted.connect(self.reload)
        if run:
            dialog.exec()
        else:
            dialog.show()
        return dialog

    def refuse(self, message: str) -> None:
        QMessageBox.warning(self, "Valeur refusée", message)

    def append_month(self) -> None:
        last = self.model.months[-1] if self.model.months else FIRST_MONTH
        nxt = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
        self.extra_months.add(nxt)
        self.reload()
        self.table.scrollToBottom()

    def import_file(self) -> None:
        path = ask_open(self, "Importer des flux", "Classeur ou CSV (*.xlsx *.csv)")
        if path:
            self.import_path(path)

    def import_path(self, path: Path) -> bool:
        from roadmap_app.flows.io import apply_import, plan_import
        from ui.dialogs.flows_import_dialog import ImportPreviewDialog

        try:
            plan = plan_import(self.ctx, path)
        except (UserError, StoreError) as err:
            QMessageBox.warning(self, "Import refusé", str(err))
            return False
        if not plan.changes:
            QMessageBox.information(self, "Import", f"Rien à changer : {plan.summary()}.")
            return False
        if not self.confirm_import(ImportPreviewDialog(plan, self)):
            return False
        # l'écriture (jusqu'à des milliers de valeurs, base distante) : hors du fil de
        # l'interface, par le lanceur commun ; True : l'import est lancé
        self.import_task = self.tasks.run(
            self, "Import des flux",
            lambda progress: apply_import(self.ctx, plan),
            lambda count: self._imported(count, plan.summary()), self._import_failed,
        )  # fmt: skip
        return True

    def _imported(self, count: int, summary: str) -> None:
        self.last_import = count
        self.reload()
        window = self.window()
        if hasattr(window, "show_message"):
            window.show_message(f"Import terminé : {summary}")

    def _import_failed(self, err: Exception) -> None:
        if not isinstance(err, UserError | StoreError):
            raise err
        QMessageBox.warning(self, "Import refusé", str(err))

    def confirm_import(self, dialog: Any) -> bool:
        """Point d'extension pour les tests : l'aperçu est montré avant d'écrire."""
        return bool(dialog.exec() == dialog.DialogCode.Accepted)

    def export_template(self) -> None:
        from roadmap_app.flows.io import export_template

        chosen = ask_save(
            self, "Exporter le modèle de saisie", "flux-brsa.xlsx", "Classeur (*.xlsx);;CSV (*.csv)"
        )
        if chosen is None:
            return
        path = chosen[0]
        try:
            export_template(self.ctx, path)
        except (UserError, StoreError, OSError) as err:
            QMessageBox.warning(self, "Export impossible", str(err))
            return
        window = self.window()
        if hasattr(window, "show_message"):
            window.show_message(f"Modèle écrit : {path}")

    # -- état -------------------------------------------------------------------------
    def save_state(self, settings: QSettings) -> None:
        settings.setValue("flows/bassin", self.bassin.currentData())
        settings.setValue("flows/tab", self.tabs.currentIndex())
        settings.setValue("flows/splitter", self.splitter.saveState())

    def restore_state(self, settings: QSettings) -> None:
        value = settings.value("flows/bassin")
        if value is not None:
            self.select_bassin(int(value))
        tab = settings.value("flows/tab")
        if tab is not None:
            self.tabs.setCurrentIndex(int(tab))
        splitter = settings.value("flows/splitter")
        if splitter and self.splitter.restoreState(splitter):
            self._splitter_restored = True
