"""Page « Échéancier » : le plan sur une ligne de temps (Ctrl+7).

Une ligne par action, groupée par axe et cible ; l'échéance est un jalon (jour) ou une barre
(mois, trimestre, semestre, année) colorée par statut dans le bassin choisi — un couloir fin par
bassin quand tous sont montrés. Lignes verticales : aujourd'hui, fin du volet 3, bilans, comités.
Les filtres sont ceux de la Feuille de route (même barre, même règle) ; un clic ouvre l'action.
Référence : un instantané de comité, dont les échéances sont dessinées en barre fine dessous.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QComboBox, QLabel, QSizePolicy, QVBoxLayout, QWidget

from roadmap_app.committees.timeline import load_timeline
from roadmap_app.core.context import AppContext
from roadmap_app.core.domains import PLAN, SNAPSHOTS, STATUSES
from roadmap_app.core.errors import NotFoundError
from roadmap_app.plan import statuses as status_rules
from roadmap_app.plan.timeline import Timeline
from ui.pages.base import Page
from ui.settings import load_json, save_json
from ui.widgets.filter_bar import FilterBar
from ui.widgets.timeline_view import ZOOMS, TimelineView

NO_BASELINE = "__aucune__"


class EcheancierPage(Page):
    domains = frozenset({PLAN, STATUSES, SNAPSHOTS})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.timeline: Timeline | None = None
        self.baseline: str | None = None
        self.filters = FilterBar(self)
        self.zoom = QComboBox(self.filters)
        self.zoom.setObjectName("timelineZoom")
        for key, (label, _ppd) in ZOOMS.items():
            self.zoom.addItem(label, key)
        self.zoom.setCurrentIndex(list(ZOOMS).index("quarter"))
        self.zoom.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.zoom.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.zoom.setToolTip("Échelle du temps (Ctrl + molette pour zoomer)")
        self.reference = QComboBox(self.filters)
        self.reference.setObjectName("timelineBaseline")
        self.reference.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.reference.setMaximumWidth(300)
        self.reference.setToolTip(
            "Instantané de comité dont les échéances sont dessinées en barre fine sous celles "
            "d'aujourd'hui : les glissements se voient d'un coup d'œil"
        )
        for text, widget in (("&Zoom", self.zoom), ("Ré&férence", self.reference)):
            caption = QLabel(text, self.filters)
            caption.setBuddy(widget)
            self.filters.bottom.addWidget(caption)
            self.filters.bottom.addWidget(widget)
        self.view = TimelineView(self)
        self.legend = QLabel(self)
        self.legend.setObjectName("muted")
        self.legend.setWordWrap(True)
        self.legend.setText(legend_text())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.setSpacing(8)
        layout.addWidget(self.filters)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.legend)
        self.filters.changed.connect(self.apply_filters)
        self.zoom.currentIndexChanged.connect(
            lambda _i: self.view.set_zoom(str(self.zoom.currentData()))
        )
        self.reference.activated.connect(self._reference_chosen)
        self.view.action_activated.connect(self.open_action)
        self.view.zoom_changed.connect(self._zoom_shown)
        self.refresh()

    # -- données ------------------------------------------------------------------------------
    def refresh(self) -> None:
        try:
            self.timeline = load_timeline(self.ctx, baseline=self.baseline)
        except NotFoundError:  # l'instantané de référence n'existe plus
            self.baseline = None
            self.timeline = load_timeline(self.ctx)
        self._fill_references()
        assert self.timeline.plan is not None
        self.filters.blockSignals(True)
        try:
            self.filters.set_plan(self.timeline.plan)
        finally:
            self.filters.blockSignals(False)
        self.apply_filters()

    def _zoom_shown(self, key: str) -> None:
        """Zoom changé à la molette ou au clavier : la liste suit."""
        i = self.zoom.findData(key)
        if i >= 0 and i != self.zoom.currentIndex():
            self.zoom.blockSignals(True)
            self.zoom.setCurrentIndex(i)
            self.zoom.blockSignals(False)

    def _fill_references(self) -> None:
        from roadmap_app.committees.snapshots import list_snapshots

        assert self.timeline is not None
        self.reference.blockSignals(True)
        self.reference.clear()
        self.reference.addItem("Aucune", NO_BASELINE)
        for info in reversed(list_snapshots(self.ctx)):
            if info.roadmap_name == self.timeline.roadmap.name:
                self.reference.addItem(info.name, info.name)
                self.reference.setItemData(
                    self.reference.count() - 1,
                    f"{info.committee} du {info.taken_on:%d/%m/%Y} — « {info.name} »",
                    Qt.ItemDataRole.ToolTipRole,
                )
        i = self.reference.findData(self.baseline) if self.baseline else 0
        self.reference.setCurrentIndex(max(i, 0))
        self.reference.blockSignals(False)

    def _reference_chosen(self, index: int) -> None:
        value = self.reference.itemData(index)
        self.set_baseline(None if value in (None, NO_BASELINE) else str(value))

    def set_baseline(self, name: str | None) -> None:
        self.baseline = name
        self.refresh()

    def apply_filters(self) -> None:
        tl = self.timeline
        if tl is None or tl.plan is None:
            return
        flt = self.filters.action_filter()
        rows = tl.rows(flt)
        ids = flt.bassin_ids
        bassins = [b for b in tl.bassins if ids is None or b.id in ids]
        self.view.set_data(tl, rows, bassins)
        shown = sum(1 for r in rows if r.item is not None)
        self.filters.set_count(shown, sum(1 for _ in tl.items()))

    def visible_action_codes(self) -> list[str]:
        return [r.item.action.code for r in self.view.rows if r.item is not None]

    # -- navigation ---------------------------------------------------------------------------
    def open_action(self, code: str) -> None:
        window: Any = self.window()
        if not hasattr(window, "show_page"):
            return
        page = window.show_page("roadmap")
        try:
            if not page.select_code(code):
                page.filters.clear()  # le filtre de la Feuille de route la cachait
                page.select_code(code)
        except NotFoundError:
            return

    # -- état ---------------------------------------------------------------------------------
    def save_state(self, settings: QSettings) -> None:
        save_json(settings, "echeancier/filters", self.filters.state())
        settings.setValue("echeancier/zoom", self.view.zoom)
        settings.setValue("echeancier/baseline", self.baseline or "")

    def restore_state(self, settings: QSettings) -> None:
        zoom = str(settings.value("echeancier/zoom", "quarter"))
        if zoom in ZOOMS:
            self.zoom.setCurrentIndex(list(ZOOMS).index(zoom))
        baseline = str(settings.value("echeancier/baseline", "") or "")
        if baseline and baseline != self.baseline:
            self.baseline = baseline
            self.refresh()
        self.filters.restore(load_json(settings, "echeancier/filters", {}))


def legend_text() -> str:
    statuses = "  ".join(
        f"{status_rules.info(s).symbol} {status_rules.label(s)}" for s in status_rules.ORDERED
    )
    return (
        f"{statuses}  ·  ◆ jalon, ▬ période  ·  contour rouge : en retard  ·  ━ aujourd'hui, "
        "╍ fin du volet 3, ─·─ bilans, ┈ comités  ·  barre fine grise : échéance au comité de "
        "référence"
    )
