"""Les flux dans les instantanés : section figée, comparaison de deux états, graphiques du pack."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import partial
from typing import Any

from roadmap_app.committees.section_change import SectionChange
from roadmap_app.core.context import AppContext
from roadmap_app.core.dates import format_month
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


def _values(section: dict[str, Any], other: dict[str, Any]) -> dict[tuple[str, str, str], float]:
    """Valeurs par (bassin, mois, indicateur), sauf les mois identiques dans ``other`` (presque
    tous d'un comité à l'autre : comparés ligne à ligne, en C)."""
    theirs = other.get("values") or {}
    out = {}
    for bassin, months in (section.get("values") or {}).items():
        same = theirs.get(bassin) or {}
        for month, row in months.items():
            if same.get(month) != row:
                for code, value in row.items():
                    out[(bassin, month, code)] = value
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

    o, n = _values(old, new), _values(new, old)
    old_months = {(b, month) for b, months in (old.get("values") or {}).items() for month in months}
    new_months: dict[tuple[str, str], list[str]] = {}
    for key in sorted(set(o) | set(n), key=lambda k: (k[1], k[0], k[2])):
        before, after = o.get(key), n.get(key)
        if before == after:
            continue
        bassin, month, code = key
        if (bassin, month) not in old_months:
            new_months.setdefault((bassin, month), []).append(code)
            continue
        m = date.fromisoformat(f"{month}-01")
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
    for (bassin, month), codes in new_months.items():
        m = date.fromisoformat(f"{month}-01")
        notes = [text for code in ("entrants", "orientes_15j", "suivis_ft", "suivis_cd") if code in codes
                 and (text := against(bassin, m, code))]  # fmt: skip
        entrants = n.get((bassin, month, "entrants"))
        comment = " ; ".join(["nouveau mois (valeur : entrants du mois)", *notes])
        label = f"Flux saisis : {format_month(m)} ({len(codes)} indicateurs)"
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
