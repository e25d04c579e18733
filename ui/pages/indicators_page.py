"""Page « Indicateurs » : chaque indicateur de suivi avec les actions qu'il mesure, sa référence,
sa cible, sa dernière valeur et son statut par bassin ; filtres (bassin, axe, source, hors
cible) ; la courbe de l'indicateur choisi (valeurs, cible en marches, référence), dessinée avec
les fonctions des graphiques des flux. matplotlib n'est chargé qu'au premier indicateur choisi."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from roadmap_app.core.context import AppContext
from roadmap_app.indicators import model as m
from ui.models.indicators_table import IndicatorRow, IndicatorsTableModel
from ui.pages.base import Page
from ui.widgets.chart_view import ChartView


class IndicatorsPage(Page):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.overview: m.Overview | None = None
        self.all_rows: list[IndicatorRow] = []
        title = QLabel("Indicateurs de suivi")
        title.setObjectName("pageTitle")
        self.bassin = QComboBox()
        self.bassin.setAccessibleName("Bassin")
        self.axe = QComboBox()
        self.axe.setAccessibleName("Axe")
        self.source = QComboBox()
        self.source.setAccessibleName("Source")
        self.off_target = QCheckBox("Hors cible seulement")
        self.off_target.setToolTip("Seulement les indicateurs dont la dernière valeur est en dessous de la cible")
        self.linked_only = QCheckBox("Liés à une action")
        self.linked_only.setToolTip("Seulement les indicateurs qui mesurent au moins une action")
        self.count = QLabel()
        self.count.setObjectName("muted")
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.count)
        filters = QHBoxLayout()
        for text, combo in (("&Bassin", self.bassin), ("A&xe", self.axe), ("&Source", self.source)):
            label = QLabel(text)
            label.setBuddy(combo)
            filters.addWidget(label)
            filters.addWidget(combo)
        filters.addWidget(self.off_target)
        filters.addWidget(self.linked_only)
        filters.addStretch(1)
        self.model = IndicatorsTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("indicatorsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for col, width in ((0, 84), (2, 104), (3, 96), (4, 118), (5, 96), (6, 136), (7, 112)):
            header.resizeSection(col, width)
        header.setMinimumSectionSize(40)
        self.table.setColumnHidden(8, True)  # la source : filtre et infobulle (place de l'intitulé)
        self.chart = ChartView("Choisissez un indicateur pour voir ses valeurs, sa cible et sa référence.")
        self.chart.setMinimumHeight(200)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.chart)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.setSpacing(8)
        lay.addLayout(head)
        lay.addLayout(filters)
        lay.addWidget(self.splitter, 1)
        for combo in (self.bassin, self.axe, self.source):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.off_target.toggled.connect(self.apply_filters)
        self.linked_only.toggled.connect(self.apply_filters)
        # la courbe suit la ligne choisie (et non l'index courant que pose la prise de focus) :
        # matplotlib n'est chargé qu'au premier choix
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.shown_code: str | None = None
        self.refresh()

    # -- données ----------------------------------------------------------------------
    def refresh(self) -> None:
        self.overview = m.overview(self.ctx, full=False)
        ov = self.overview
        axes_of: dict[int, set[str]] = {}
        for link in ov.links:
            axes_of.setdefault(link.indicator_id, set()).add(link.axe_code)
        self.axes_of = axes_of
        # textes calculés une fois par indicateur (pas par bassin : 9 000 lignes à 100×)
        texts = {d.id: (", ".join(ov.actions.get(d.id, [])),
                        "flux" if d.is_flow else m.PROVENANCES.get(d.provenance, "")) for d in ov.defs}  # fmt: skip
        self.all_rows = [IndicatorRow(st, *texts[st.indicator.id]) for st in ov.states]
        # les indicateurs qui mesurent une action d'abord, dans l'ordre des définitions
        self.all_rows.sort(key=lambda r: not r.actions)
        self._fill_filters()
        self.apply_filters()

    def _fill_filters(self) -> None:
        def refill(combo: QComboBox, first: str, items: list[tuple[str, Any]]) -> None:
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(first, None)
            for text, data in items:
                combo.addItem(text, data)
            combo.setCurrentIndex(max(combo.findData(current), 0))
            combo.blockSignals(False)

        refill(self.bassin, "Tous les bassins", [(name, bid) for bid, name in m.bassin_list(self.ctx)])
        axes = sorted({code for codes in self.axes_of.values() for code in codes})
        refill(self.axe, "Tous les axes", [(code, code) for code in axes])
        refill(self.source, "Toutes les sources", [(label, key) for key, label in m.PROVENANCES.items()]
               + [("Flux mensuels", "flux")])  # fmt: skip

    def apply_filters(self) -> None:
        bassin, axe, source = self.bassin.currentData(), self.axe.currentData(), self.source.currentData()
        off, linked = self.off_target.isChecked(), self.linked_only.isChecked()
        rows = []
        for r in self.all_rows:
            st = r.state
            d = st.indicator
            if bassin is not None and st.bassin_id not in (None, bassin):
                continue
            if axe is not None and axe not in self.axes_of.get(d.id, ()):
                continue
            if (source == "flux" and not d.is_flow) or (source not in (None, "flux") and (d.is_flow or d.provenance != source)):
                continue
            if off and st.status != m.BELOW:
                continue
            if linked and not r.actions:
                continue
            rows.append(r)
        self.model.set_rows(rows)
        total = len({r.state.indicator.id for r in self.all_rows})
        shown = len({r.state.indicator.id for r in rows})
        self.count.setText(f"{shown} indicateur(s) sur {total}" if shown != total else f"{total} indicateurs")

    # -- courbe -----------------------------------------------------------------------
    def _selection_changed(self, *_args: Any) -> None:
        rows = self.table.selectionModel().selectedRows()
        row = self.model.row_at(rows[0].row()) if rows else None
        if row is not None and row.state.indicator.code != self.shown_code:
            self.show_chart(row.state.indicator)

    def show_chart(self, d: m.IndicatorDef) -> None:
        from roadmap_app.flows.charts import indicator_over_time

        points, steps = m.load_series(self.ctx, [d])
        bassin = self.bassin.currentData()
        names = dict(m.bassin_list(self.ctx))
        series = {}
        for (ind, bid), pts in points.items():
            if ind != d.id or (bassin is not None and bid not in (None, bassin)):
                continue
            series[names.get(bid, "Tout le plan") if bid is not None else "Tout le plan"] = [(p.day, p.value) for p in pts]
        all_steps = [st for (ind, bid), lst in steps.items() if ind == d.id and (bassin is None or bid in (None, bassin))
                     for st in lst]  # fmt: skip
        targets = [(st.effective_from, st.value, st.label) for st in all_steps if st.kind != "baseline"]
        bases = [st for st in all_steps if st.kind == "baseline"]
        baseline = (bases[-1].effective_from, bases[-1].value) if bases else None
        self.chart.set_figure(indicator_over_time(f"{d.code} – {d.label}", d.unit, series, targets, baseline,
                                                  self.ctx.today()))  # fmt: skip
        self.shown_code = d.code
