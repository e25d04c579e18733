"""Les flux dans les instantanés : section figée, comparaison de deux états, graphiques du pack."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import partial
from typing import Any

from roadmap_app.committees.section_change import SectionChange
from roadmap_app.core.context import AppContext
from roadmap_app.core.dates import format_month
from roadmap_app.core.formatting import plural
from roadmap_app.export.charts import Chart
from roadmap_app.flows import data as flows_data
from roadmap_app.flows.assessment import assess
from roadmap_app.flows.catalogue import BY_CODE
from roadmap_app.flows.series import BassinSeries, bassins, load_portfolios, load_targets


def flux_section(ctx: AppContext, _roadmap_id: int) -> dict[str, Any]:
    """Séries mensuelles, cibles datées et portefeuilles (les flux ne dépendent pas de la feuille de route)."""
    data = flows_data.FlowsData(ctx.today(), {}, load_targets(ctx), load_portfolios(ctx))
    data.series = {
        b.id: BassinSeries(b) for b in bassins(ctx)
    }  # bassins seuls : valeurs lues à part
    return flows_data.to_state(data, flows_data.state_values(ctx))


def _changed_months(
    old: dict[str, Any], new: dict[str, Any]
) -> list[tuple[str, str, dict[str, float] | None, dict[str, float] | None]]:
    """(mois, bassin, ligne d'avant, ligne d'après) des mois qui diffèrent, par mois puis bassin ;
    les mois identiques (presque tous d'un comité à l'autre) sont comparés ligne à ligne, en C."""
    ours, theirs = old.get("values") or {}, new.get("values") or {}
    out = []
    for bassin in ours.keys() | theirs.keys():
        before, after = ours.get(bassin) or {}, theirs.get(bassin) or {}
        for month in before.keys() | after.keys():
            b, a = before.get(month), after.get(month)
            if b != a:
                out.append((month, bassin, b, a))
    out.sort(key=lambda row: (row[0], row[1]))
    return out


def _target_key(t: dict[str, Any]) -> tuple[Any, ...]:
    return (t["indicator"], t["bassin"], t["kind"], t["effective_from"])


def flux_diff(
    old: dict[str, Any], new: dict[str, Any], new_state: dict[str, Any] | None
) -> Iterator[SectionChange]:
    """Mois nouvellement saisis (une ligne par bassin et mois), valeurs corrigées ou effacées ;
    cibles et portefeuilles nouveaux ou modifiés. Le commentaire situe la valeur face à la cible
    en vigueur ce mois-là."""
    read: list[Any] = []  # état relu à la première valeur à situer (souvent aucune)

    def against(bassin: str, m: date, code: str) -> str:
        if new_state is None:
            return ""
        if not read:
            data = flows_data.from_state(new_state)
            read.extend((data, {s.bassin.code: s for s in data.series.values()}))
        data, series = read
        found = series.get(bassin)
        a = None if found is None else assess(data, found, m, code)
        return "" if a is None else a.text

    new_months: list[tuple[str, str, list[str], float | None]] = []
    for month, bassin, old_row, new_row in _changed_months(old, new):
        before_row, after_row = old_row or {}, new_row or {}
        codes = [c for c in sorted(before_row.keys() | after_row.keys())
                 if before_row.get(c) != after_row.get(c)]  # fmt: skip
        if old_row is None and after_row.get("entrants") is not None:
            # mois nouvellement saisi, entrants compris : une ligne pour le mois (ses entrants)
            new_months.append((bassin, month, codes, after_row.get("entrants")))
            continue
        # sinon chaque chiffre a sa ligne (un délai saisi seul ne se dit pas « — → — »)
        m = date.fromisoformat(f"{month}-01")
        for code in codes:
            before, after = before_row.get(code), after_row.get(code)
            label = f"{BY_CODE[code].label if code in BY_CODE else code} — {format_month(m)}"
            comment = (
                "valeur effacée"
                if after is None
                else ("nouvelle valeur" if before is None else "valeur corrigée")
            )
            position = against(bassin, m, code) if after is not None else ""
            yield SectionChange(
                "flux",
                code,
                label,
                bassin,
                before,
                after,
                f"{comment} ; {position}" if position else comment,
            )
    for bassin, month, codes, entrants in new_months:
        m = date.fromisoformat(f"{month}-01")
        notes = [text for code in ("entrants", "orientes_15j", "suivis_ft", "suivis_cd") if code in codes
                 and (text := against(bassin, m, code))]  # fmt: skip
        comment = " ; ".join(["nouveau mois, chiffre des entrants du mois", *notes])
        label = f"Flux saisis : {format_month(m)} ({plural(len(codes), 'indicateur', 'indicateurs')})"
        yield SectionChange("flux", "mois", label, bassin, None, entrants, comment)
    ot = {_target_key(t): t for t in old.get("targets") or []}
    for key, t in ((_target_key(t), t) for t in new.get("targets") or []):
        prev = ot.get(key)
        if prev is None or prev["value"] != t["value"]:
            yield SectionChange("flux", "cible", t["label"] or t["indicator"], t["bassin"],
                                None if prev is None else prev["value"], t["value"],
                                f"cible en vigueur à partir du {date.fromisoformat(t['effective_from']):%d/%m/%Y}")  # fmt: skip
    op = {
        (p["bassin"], p["organisme"], p["effective_from"]): p for p in old.get("portfolios") or []
    }
    for p in new.get("portfolios") or []:
        prev = op.get((p["bassin"], p["organisme"], p["effective_from"]))
        if prev is None or (prev["number"], prev["capacity"]) != (p["number"], p["capacity"]):
            who = "France Travail" if p["organisme"] == "FT" else "délégués du Département"
            yield SectionChange("flux", "portefeuille", f"Moyens {who} ({p['unit']})", p["bassin"],
                                None if prev is None else prev["number"], p["number"],
                                f"à partir du {date.fromisoformat(p['effective_from']):%d/%m/%Y}")  # fmt: skip


def pack_charts(state: dict[str, Any]) -> list[Chart]:
    """Graphiques du pack tirés de l'état figé : entrants et charge par bassin, bassins côte à côte.
    Rien n'est dessiné ici : chaque export trace chaque graphique au moment de l'écrire."""
    from roadmap_app.flows.chart_data import chart_for

    data = flows_data.from_state(state)
    if not data.has_values:
        return []
    out = []
    for s in data.series.values():
        if not s.months:
            continue
        for name, title in (
            ("entrants", "entrants par mois et moyenne visée"),
            ("charge", "charge par référent"),
        ):
            out.append(Chart(f"{s.bassin.name} — {title}",
                             partial(chart_for, data, name, s.bassin.id)))  # fmt: skip
    out.append(Chart("Les bassins côte à côte", partial(chart_for, data, "bassins")))
    return out
