"""L'échéancier dans le pack de comité : une page du PDF (figure vectorielle, lisible en noir et
blanc), la même figure dans la feuille « Graphiques » du classeur et une feuille « Échéancier »
(une ligne par action). Tiré de l'état du pack : d'un instantané, il montre ce qui était figé.

Contenu : les actions en retard et les échéances des ``MONTHS`` prochains mois.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from roadmap_app.export.charts import Chart
from roadmap_app.plan import statuses as status_rules

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from roadmap_app.committees.pack_model import PackData
    from roadmap_app.export.xlsx import Book

MONTHS = 3
#: lignes au plus dans la figure du pack (la feuille du classeur les a toutes)
PACK_ROWS = 45
TITLE = f"Échéancier — actions en retard et échéances des {MONTHS} prochains mois"


def _figure(state: dict[str, Any]) -> Figure:
    from roadmap_app.plan.timeline import timeline_from_state
    from roadmap_app.plan.timeline_chart import echeancier_figure, select_pack_items

    timeline = timeline_from_state(state)
    items = select_pack_items(timeline, MONTHS)
    hidden = max(0, len(items) - PACK_ROWS)
    until = min(timeline.end, timeline.today + timedelta(days=31 * MONTHS + 15))
    title = f"Au {timeline.today:%d/%m/%Y} : {len(items)} action(s)"
    if hidden:
        title += f", les {PACK_ROWS} premières ici (toutes dans le classeur, feuille Échéancier)"
    return echeancier_figure(timeline, items[:PACK_ROWS], title=title, until=until)


def echeancier_charts(state: dict[str, Any]) -> list[Chart]:
    """Fournisseur de graphiques du pack (``committees.pack.CHART_PROVIDERS``)."""
    return [Chart(TITLE, partial(_figure, state))]


def write_echeancier(book: Book, data: PackData) -> None:
    """Feuille « Échéancier » du classeur : une ligne par action retenue."""
    from roadmap_app.plan.timeline import timeline_from_state
    from roadmap_app.plan.timeline_chart import select_pack_items

    timeline = timeline_from_state(data.state)
    items = select_pack_items(timeline, MONTHS)
    bassins = timeline.bassins
    widths = [10, 50, 22, 12, 12, 12, 11, 20] + [16] * len(bassins) + [24]
    sh = book.sheet("Échéancier", widths, header_row=4)
    sh.title(
        "Échéancier : actions en retard et échéances des prochains mois",
        f"{data.info.committee} du {data.info.date:%d/%m/%Y} — {data.info.source} — retards au "
        f"{timeline.today:%d/%m/%Y} ; échéances jusqu'au "
        f"{timeline.today + timedelta(days=31 * MONTHS):%d/%m/%Y}",
    )
    sh.header(
        ["Code", "Action", "Échéance écrite", "Début", "Fin", "Précision", "En retard",
         "Bassins en retard"] + [b.name for b in bassins] + ["Pilotes"],
        filter_rows=len(items),
    )  # fmt: skip
    for it in items:
        a = it.action
        late = [b.name for b in bassins if (c := a.statuses.get(b.id)) is not None and c.overdue]
        cells = []
        for b in bassins:
            c = a.statuses.get(b.id)
            if c is None:
                cells.append(sh.cell("non concerné", color="667085"))
                continue
            st = status_rules.info(c.status)
            cells.append(sh.cell(f"{st.symbol} {st.label}" + (" — en retard" if c.overdue else ""),
                                 fill=st.color.lstrip("#"), color=st.text_color.lstrip("#")))  # fmt: skip
        sh.append(
            [sh.cell(a.code, bold=True), sh.cell(a.intitule, wrap=True), sh.cell(a.echeance.label),
             sh.cell(it.start, fmt="DD/MM/YYYY"), sh.cell(it.end, fmt="DD/MM/YYYY"),
             sh.cell(it.precision_label),
             sh.cell("En retard" if late else "", bold=bool(late), color="B42318" if late else None),
             sh.cell(", ".join(late)), *cells, sh.cell(a.pilotes_label, wrap=True)]
        )  # fmt: skip
    if not items:
        sh.note("Aucune action en retard ni aucune échéance dans les prochains mois.")
