"""Pack de comité : choisit l'état (instantané ou actuel), le compare au comité précédent, exporte.

Ajouter un graphique au pack (PDF et classeur à la fois) : une fonction pure qui rend une
``matplotlib.figure.Figure``, et un fournisseur ajouté à ``CHART_PROVIDERS`` qui, à partir de
l'état figé, rend des ``Chart(titre, fonction sans argument)`` ::

    def echeancier_charts(state: dict[str, Any]) -> list[Chart]:
        return [Chart("Échéancier des actions", partial(echeancier_figure, state))]

    CHART_PROVIDERS = [pack_charts, echeancier_charts]

Le PDF lui donne une page (deux graphiques d'un même sujet, « Sujet — détail », partagent une
page), en vecteurs ; le classeur l'ajoute en image à la feuille « Graphiques ».
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from roadmap_app.committees.diff import diff_states
from roadmap_app.committees.echeancier_section import echeancier_charts
from roadmap_app.committees.flows_section import pack_charts
from roadmap_app.committees.pack_model import PackData, PackInfo
from roadmap_app.committees.snapshots import (
    current_state,
    find_snapshot,
    list_snapshots,
    previous_snapshot,
    snapshot_state,
)
from roadmap_app.core.context import AppContext
from roadmap_app.core.progress import Progress
from roadmap_app.export.charts import Chart

TITLE = "Feuille de route volet 3 — pack de comité"

#: Graphiques du pack : fonctions (état figé) → [Chart] fournies par les fonctionnalités qui en ont.
CHART_PROVIDERS: list[Callable[[dict[str, Any]], list[Chart]]] = [pack_charts, echeancier_charts]


def build_pack_data(
    ctx: AppContext, snapshot: str | None = None, *, charts: bool = True
) -> PackData:
    if snapshot:
        info = find_snapshot(ctx, snapshot)
        state = snapshot_state(ctx, info.id)
        pack = PackInfo(TITLE, info.committee, info.taken_on, f"Instantané « {info.name} »")
        prev = previous_snapshot(ctx, info.id)
        after_label = info.name
    else:
        state = current_state(ctx)
        today = ctx.today()
        pack = PackInfo(TITLE, "Comité", today, f"État au {today:%d/%m/%Y}")
        infos = list_snapshots(ctx)
        prev = infos[-1] if infos else None
        after_label = "état actuel"
    diff = None
    if prev is not None:
        diff = diff_states(snapshot_state(ctx, prev.id), state, prev.name, after_label)
    data = PackData(pack, state, diff, None if prev is None else prev.name)
    if charts:
        for provider in CHART_PROVIDERS:
            data.charts.extend(provider(state))
    return data


def export_pack(
    ctx: AppContext,
    destination: str | Path,
    snapshot: str | None = None,
    progress: Progress | None = None,
) -> Path:
    """Écrit le pack (.xlsx ou .pdf selon l'extension) ; rien n'est laissé à moitié écrit."""
    dest = Path(destination)
    suffix = dest.suffix.lower()
    from roadmap_app.core.errors import ValidationError

    if suffix not in (".xlsx", ".pdf"):
        raise ValidationError(
            f"Format de fichier « {dest.suffix or dest.name} » non pris en charge : choisissez .xlsx ou .pdf."
        )
    data = build_pack_data(ctx, snapshot)
    if suffix == ".xlsx":
        from roadmap_app.committees.pack_xlsx import write_pack_xlsx

        return write_pack_xlsx(data, dest, progress)
    from roadmap_app.committees.pack_pdf import write_pack_pdf

    return write_pack_pdf(data, dest, progress)
