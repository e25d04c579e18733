"""L'échéancier dans le pack de comité : une page du PDF (figure vectorielle, lisible en noir et
blanc), la même figure dans la feuille « Graphiques » du classeur et une feuille « Échéancier »
(une ligne par action). Tiré de l'état du pack : d'un instantané, il montre ce qui était figé.

Contenu : les actions en retard et les échéances des ``MONTHS`` prochains mois.
"""

from __future__ import annotations

from datetime import date, timedelta
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


def pack_actions(state: dict[str, Any], months: int = MONTHS) -> list[dict[str, Any]]:
    """Actions de l'état figé en retard (dans un bassin au moins) ou dont l'échéance tombe dans
    les ``months`` prochains mois sans être close partout, dans l'ordre du plan ; lues sur les
    dictionnaires de l'état (pas d'objets par action : un pack à 100× en a 3 500)."""
    today = date.fromisoformat(state["plan"]["today"])
    horizon = (today + timedelta(days=31 * months)).isoformat()
    found = []
    for axe in state["plan"]["axes"]:
        for cible in axe["cibles"]:
            for a in cible["actions"]:
                end = a["echeance"]["end"]
                if end is None:
                    continue
                cells = a["statuses"].values()
                late = any(c["overdue"] for c in cells)
                due = today.isoformat() <= end <= horizon and any(
                    not status_rules.info(c["status"]).closed for c in cells
                )
                if late or due:
                    found.append({"axe": axe, "cible": cible, "action": a})
    return found


def _only(state: dict[str, Any], chosen: list[dict[str, Any]]) -> dict[str, Any]:
    """Copie légère de l'état réduite aux actions choisies (axes et cibles gardés dans l'ordre)."""
    keep = {id(c["action"]) for c in chosen}
    axes = []
    for axe in state["plan"]["axes"]:
        cibles = []
        for cible in axe["cibles"]:
            actions = [a for a in cible["actions"] if id(a) in keep]
            if actions:
                cibles.append({**cible, "actions": actions})
        if cibles:
            axes.append({**axe, "cibles": cibles})
    return {**state, "plan": {**state["plan"], "axes": axes}}


def _figure(state: dict[str, Any]) -> Figure:
    from roadmap_app.committees.timeline import timeline_from_state
    from roadmap_app.plan.timeline_chart import echeancier_figure

    chosen = pack_actions(state)
    hidden = max(0, len(chosen) - PACK_ROWS)
    timeline = timeline_from_state(_only(state, chosen[:PACK_ROWS]))
    items = [it for g in timeline.groups for it in g.items]
    until = min(timeline.end, timeline.today + timedelta(days=31 * MONTHS + 15))
    title = f"Au {timeline.today:%d/%m/%Y} : {len(chosen)} action(s)"
    if hidden:
        title += f", les {PACK_ROWS} premières ici (toutes dans le classeur, feuille Échéancier)"
    return echeancier_figure(timeline, items, title=title, until=until)


def echeancier_charts(state: dict[str, Any]) -> list[Chart]:
    """Fournisseur de graphiques du pack (``committees.pack.CHART_PROVIDERS``)."""
    return [Chart(TITLE, partial(_figure, state))]


PRECISIONS = {"jour": "jour", "mois": "mois", "trimestre": "trimestre", "semestre": "semestre",
              "annee": "année"}  # fmt: skip


def write_echeancier(book: Book, data: PackData) -> None:
    """Feuille « Échéancier » du classeur : une ligne par action retenue."""
    chosen = pack_actions(data.state)
    bassins = data.bassins
    today = data.today
    widths = [10, 50, 22, 12, 12, 12, 11, 20] + [16] * len(bassins) + [24]
    sh = book.sheet("Échéancier", widths, header_row=4)
    sh.title(
        "Échéancier : actions en retard et échéances des prochains mois",
        f"{data.info.committee} du {data.info.date:%d/%m/%Y} — {data.info.source} — retards au "
        f"{today:%d/%m/%Y} ; échéances jusqu'au {today + timedelta(days=31 * MONTHS):%d/%m/%Y}",
    )
    sh.header(
        ["Code", "Action", "Échéance écrite", "Début", "Fin", "Précision", "En retard",
         "Bassins en retard"] + [b["name"] for b in bassins] + ["Pilotes"],
        filter_rows=len(chosen),
    )  # fmt: skip
    for c in chosen:
        a = c["action"]
        e = a["echeance"]
        statuses = a["statuses"]
        late = [b["name"] for b in bassins if (s := statuses.get(b["code"])) and s["overdue"]]
        cells = []
        for b in bassins:
            cell = statuses.get(b["code"])
            if cell is None:
                cells.append(sh.cell("non concerné", color="667085"))
                continue
            st = status_rules.info(cell["status"])
            cells.append(sh.cell(f"{st.symbol} {st.label}" + (" — en retard" if cell["overdue"] else ""),
                                 fill=st.color.lstrip("#"), color=st.text_color.lstrip("#")))  # fmt: skip
        sh.append(
            [sh.cell(a["code"], bold=True), sh.cell(a["intitule"], wrap=True), sh.cell(e["label"]),
             sh.cell(_d(e["start"]), fmt="DD/MM/YYYY"), sh.cell(_d(e["end"]), fmt="DD/MM/YYYY"),
             sh.cell(PRECISIONS.get(e["precision"] or "", e["precision"] or "")),
             sh.cell("En retard" if late else "", bold=bool(late), color="B42318" if late else None),
             sh.cell(", ".join(late)), *cells, sh.cell(a["pilotes_label"], wrap=True)]
        )  # fmt: skip
    if not chosen:
        sh.note("Aucune action en retard ni aucune échéance dans les prochains mois.")


def _d(text: str | None) -> date | None:
    return None if not text else date.fromisoformat(text)
