"""Les indicateurs de suivi dans les instantanés : section figée, comparaison, lignes du pack.

Section ``indicateurs`` (absente des instantanés d'avant : la comparaison l'ignore alors, et ils
s'ouvrent comme avant ; le format des cellules, ``STATE_FORMAT``, ne change pas) :

- ``definitions`` : indicateurs liés à une action ou définis pour la feuille de route ;
- ``links`` : ``[action, indicateur, sorte]`` ;
- ``steps`` : références et cibles (``[indicateur, bassin, sorte, valeur, date, année]``) ;
- ``values`` : valeurs mesurées des indicateurs hors flux (celles des flux sont dans la section
  ``flux``) : indicateur → bassin (« » : tout le plan) → ``[[date, valeur], …]`` ;
- ``states`` : état de chaque indicateur lié, par bassin, à la date de l'instantané :
  ``[dernière valeur, sa date, cible, depuis, statut]``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from roadmap_app.committees.section_change import SectionChange, show_value
from roadmap_app.core.context import AppContext
from roadmap_app.indicators import model as m

SECTION = "indicateurs"


def indicators_section(ctx: AppContext, roadmap_id: int) -> dict[str, Any]:
    defs = m.load_definitions(ctx, roadmap_id)
    links = m.load_links(ctx, roadmap_id=roadmap_id)
    linked = {link.indicator_id for link in links}
    kept = [d for d in defs if d.id in linked or d.category == "feuille de route"]
    codes = {d.id: d.code for d in kept}
    bassins = m.bassin_list(ctx)
    bcode = _bassin_codes(ctx)
    points, steps = m.load_series(ctx, kept)
    values: dict[str, dict[str, list[list[Any]]]] = {}
    for (ind, bid), pts in points.items():
        if isinstance(ind, int) and ind in codes and not next(d for d in kept if d.id == ind).is_flow:
            values.setdefault(codes[ind], {})[bcode.get(bid, "") if bid is not None else ""] = [
                [p.day.isoformat(), p.value] for p in pts
            ]
    states: dict[str, dict[str, list[Any]]] = {}
    for st in m.states(ctx, [d for d in kept if d.id in linked], bassins, series=(points, steps)):
        t = st.target
        states.setdefault(st.indicator.code, {})[bcode.get(st.bassin_id, "") if st.bassin_id else ""] = [
            None if st.last is None else st.last.value, None if st.last is None else st.last.day.isoformat(),
            None if t is None else t.value, None if t is None else t.shown_when, st.status,
        ]  # fmt: skip
    return {
        "definitions": [
            {"code": d.code, "label": d.label, "unit": d.unit, "direction": d.direction, "frequency": d.frequency,
             "scope": d.scope, "provenance": d.provenance, "storage": d.storage, "annexe": d.annexe,
             "definition": d.definition}
            for d in kept
        ],
        "links": [[link.action_code, codes[link.indicator_id], link.kind] for link in links if link.indicator_id in codes],
        "steps": [
            [codes[ind], bcode.get(bid, "") if bid is not None else "", st.kind, st.value, st.effective_from.isoformat(),
             st.year]
            for (ind, bid), lst in sorted(steps.items(), key=lambda kv: (str(kv[0][0]), kv[0][1] or 0))
            if isinstance(ind, int) and ind in codes for st in lst
        ],
        "values": values,
        "states": states,
    }


def _bassin_codes(ctx: AppContext) -> dict[int | None, str]:
    from roadmap_app.flows.series import bassins

    return {b.id: b.code for b in bassins(ctx)}


def _names(state: dict[str, Any] | None) -> dict[str, str]:
    if not state:
        return {}
    return {b["code"]: b["name"] for b in state.get("plan", {}).get("bassins", [])}


def _status_text(status: str) -> str:
    return {m.REACHED: "atteinte", m.BELOW: "non atteinte"}.get(status, "")


def indicators_diff(old: dict[str, Any], new: dict[str, Any], new_state: dict[str, Any] | None) -> Iterator[SectionChange]:
    """« R1 Lensois : 45 → 52 (cible 2025 : 60, non atteinte) », « nouvel indicateur lié à EP-2.1 »."""
    names = _names(new_state)
    labels = {d["code"]: d["label"] for d in new.get("definitions", [])}
    labels.update({d["code"]: d["label"] for d in old.get("definitions", []) if d["code"] not in labels})
    units = {d["code"]: d["unit"] for d in new.get("definitions", [])}
    old_links = {(a, i): k for a, i, k in old.get("links", [])}
    new_links = {(a, i): k for a, i, k in new.get("links", [])}
    for action, code in new_links:
        if (action, code) not in old_links:
            yield SectionChange(SECTION, "lien", f"{code} – {labels.get(code, code)}", None, None, None,
                                f"nouvel indicateur lié à {action}")  # fmt: skip
    for (action, code), _kind in old_links.items():
        if (action, code) not in new_links:
            yield SectionChange(SECTION, "lien", f"{code} – {labels.get(code, code)}", None, None, None,
                                f"indicateur retiré de {action}")  # fmt: skip
    old_states, new_states = old.get("states", {}), new.get("states", {})
    for code, per_bassin in new_states.items():
        for bassin, (value, _day, target, when, status) in per_bassin.items():
            prev = old_states.get(code, {}).get(bassin)
            before = None if prev is None else prev[0]
            if value == before:
                continue
            where = names.get(bassin, bassin) or "tout le plan"
            unit = units.get(code, "")
            if target is not None:
                state = _status_text(status)
                shown_target = show_value("", target) + (" %" if unit == "%" else "")
                comment = f"(cible {when} : {shown_target}{', ' + state if state else ''})"
            else:
                comment = "(sans cible)"
            yield SectionChange(SECTION, "valeur", f"{code} {where}", bassin or None, before, value, comment)


def describe(ch: SectionChange) -> str:
    """Phrase d'un changement d'indicateur : « R1 Lensois : 45 → 52 (cible 2025 : 60, non atteinte) »."""
    if ch.old is None and ch.new is None:
        return f"{ch.comment} : {ch.label}"
    return f"{ch.label} : {show_value(ch.key, ch.old)} → {show_value(ch.key, ch.new)} {ch.comment}".strip()


# -- pack : feuille et page « Indicateurs de suivi » ------------------------------------------------------
PACK_HEADERS = ["Action(s)", "Indicateur", "Bassin", "Référence", "Cible", "Dernière valeur", "Statut"]


def pack_rows(state: dict[str, Any]) -> list[list[str]]:
    """Une ligne par indicateur lié et par bassin, lue dans l'état figé (pack reproductible)."""
    section = state.get(SECTION)
    if not section:
        return []
    names = _names(state)
    defs = {d["code"]: d for d in section["definitions"]}
    actions: dict[str, list[str]] = {}
    for action, code, _kind in section["links"]:
        actions.setdefault(code, []).append(action)
    baselines: dict[tuple[str, str], tuple[float, str]] = {}
    for code, bassin, kind, value, day, _year in section["steps"]:
        if kind == "baseline":
            baselines[(code, bassin)] = (value, day)
    rows = []
    for code, per_bassin in section["states"].items():
        d = defs.get(code, {"label": code, "unit": ""})
        unit = " %" if d.get("unit") == "%" else ""
        for bassin, (value, day, target, when, status) in per_bassin.items():
            base = baselines.get((code, bassin)) or baselines.get((code, ""))
            rows.append([
                ", ".join(actions.get(code, [])), f"{code} – {d['label']}", names.get(bassin, bassin) or "Tout le plan",
                "—" if base is None else f"{show_value('', base[0])}{unit} au {_fr_date(base[1])}",
                "—" if target is None else f"{show_value('', target)}{unit} ({when})",
                "—" if value is None else f"{show_value('', value)}{unit} ({_fr_date(day)})",
                status,
            ])  # fmt: skip
    return rows


def _fr_date(iso: str | None) -> str:
    if not iso:
        return ""
    y, mth, d = iso[:10].split("-")
    return f"{d}/{mth}/{y}"
