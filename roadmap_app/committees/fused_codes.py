"""Instantanés figés avant la fusion des indicateurs nationaux dans leur flux (migration 0016).

Sept indicateurs nationaux de l'annexe 4 mesurent exactement un flux mensuel BRSA
(``indicators.model.FUSED_INTO_FLOW`` : M2 → ``delai_premier_entretien``…). Un instantané figé
avant la fusion peut les porter sous leur code national, dans la section ``indicateurs``
(définition, liens, référence et cibles, série de valeurs) à côté de la série du flux (section
``flux``). ``canonical_state`` lui applique, à la lecture, la règle de la migration, pour qu'il se
compare à l'état actuel (ou à un instantané plus récent) sans changement fictif :

- liens : le code national devient celui du flux ; une action liée aux deux garde un lien, de
  sorte « TDB national » si l'un l'était ;
- valeurs : chaque valeur nationale devient la valeur du flux de ce bassin et de ce mois ; là où
  le flux en avait déjà une, c'est celle du flux qui reste ;
- cibles : une cible nationale devient une cible du flux « au moins » (sens « plus haut, mieux »)
  ou « au plus », même bassin et même date ; la référence reste une référence ;
- définition : celle du flux (catalogue des flux), à la place de la nationale ;
- état figé du flux lié : recalculé sur la série réunie (``indicators.model.compute_state``).

Une fonction à part, appliquée après le décodage de l'instantané (``snapshots.snapshot_state``) :
la comparaison et le pack ne connaissent que les codes d'aujourd'hui. Sans code national fondu,
l'état est rendu tel quel (une seule lecture des définitions) : l'appliquer deux fois ne change
rien.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from roadmap_app.indicators import model as m

SECTION = "indicateurs"


def fused_codes(section: dict[str, Any]) -> dict[str, str]:
    """Code national figé → code du flux, pour les indicateurs fondus que la section porte."""
    out = {}
    for d in section.get("definitions") or ():
        code = d.get("code", "")
        flow = m.canonical_code(code)
        if flow != code and d.get("storage") != "flux":
            out[code] = flow
    return out


def canonical_state(state: dict[str, Any]) -> dict[str, Any]:
    """L'état figé, ses indicateurs nationaux fondus réécrits en leur flux (voir le module) ;
    modifié sur place et rendu."""
    section = state.get(SECTION)
    if not isinstance(section, dict):
        return state
    fused = fused_codes(section)
    if not fused:
        return state
    defs = {d["code"]: d for d in section.get("definitions") or ()}
    direction = {code: defs[code].get("direction", "up") for code in fused}
    section["links"], linked = _links(section.get("links") or [], fused)
    section["definitions"] = _definitions(section.get("definitions") or [], fused)
    # sans section « flux » (aucun instantané figé avec des indicateurs n'en manque) : aucune
    # n'est ajoutée, la comparaison des flux reste ignorée comme pour un instantané d'avant eux
    flux = state["flux"] if isinstance(state.get("flux"), dict) else {}
    # un flux qui n'était pas figé lui-même (seul son national était lié) : ses cibles, figées
    # dans la section « flux », deviennent les siennes, comme l'état d'aujourd'hui les lit
    unfrozen = set(fused.values()) - set(defs)
    steps = list(section.get("steps") or [])
    steps += [[t["indicator"], t["bassin"] or "", t["kind"], t["value"], t["effective_from"], None]
              for t in flux.get("targets") or () if t.get("indicator") in unfrozen and t.get("value") is not None]  # fmt: skip
    section["steps"] = _steps(steps, fused, direction, flux)
    values = section.get("values") or {}
    merged = flux.setdefault("values", {})
    for code, flow in fused.items():
        for bassin, joined in (values.pop(code, None) or {}).items():
            if not bassin or not joined:
                continue  # un flux n'a de valeur que par bassin
            months = merged.setdefault(bassin, {})
            for day, value in _by_month(joined).items():
                months.setdefault(day, {}).setdefault(flow, value)  # le flux l'emporte
    _refresh_states(state, section, linked, flux)
    return state


def _links(links: list[list[Any]], fused: dict[str, str]) -> tuple[list[list[Any]], set[str]]:
    """Liens au code du flux ; deux liens d'une action au même flux n'en font qu'un (« TDB
    national » si l'un l'était), à la place du premier. Rend aussi les flux ainsi liés."""
    out: list[list[Any]] = []
    seen: dict[tuple[str, str], list[Any]] = {}
    flows = set(fused.values())
    for link in links:
        action, code, kind = link
        if code not in fused and code not in flows:
            out.append(link)  # presque tous (17 500 liens à 100×) : gardés tels quels
            continue
        code = fused.get(code, code)
        found = seen.get((action, code))
        if found is None:
            seen[(action, code)] = link = [action, code, kind]
            out.append(link)
        elif kind == "tdb":
            found[2] = "tdb"
    return out, {code for _a, code in seen}


def _definitions(definitions: list[dict[str, Any]], fused: dict[str, str]) -> list[dict[str, Any]]:
    """La définition du flux à la place de la nationale (à la place de la première, si le flux
    n'était pas figé lui-même). Ce que l'instantané ne dit pas du flux (source) n'y est pas : la
    comparaison ne compare que les champs présents des deux côtés."""
    from roadmap_app.flows.catalogue import BY_CODE

    present = {d["code"] for d in definitions}
    out = []
    for d in definitions:
        flow = fused.get(d["code"])
        if flow is None:
            out.append(d)
        elif flow not in present:
            present.add(flow)
            ref = BY_CODE.get(flow)
            out.append({
                "code": flow, "label": ref.label if ref else flow, "unit": d.get("unit", ""),
                "direction": d.get("direction", "up"), "frequency": "month", "scope": "bassin",
                "storage": "flux", "annexe": ref.annexe if ref else "",
                "definition": ref.definition if ref else d.get("definition", ""),
            })  # fmt: skip
    return out


def _steps(steps: list[list[Any]], fused: dict[str, str], direction: dict[str, str],
           flux: dict[str, Any]) -> list[list[Any]]:  # fmt: skip
    """Références et cibles au code du flux : une cible nationale devient une cible du flux
    « min » ou « max » selon le sens (sans année : une cible de flux vaut à partir de sa date),
    aussi ajoutée aux cibles figées de la section ``flux`` ; à même bassin, sorte et date, celle
    du flux l'emporte."""
    kept = {(code, bassin, kind, day) for code, bassin, kind, _v, day, _y in steps if code not in fused}
    flow_targets = flux.setdefault("targets", [])
    known = {(t["indicator"], t["bassin"] or "", t["kind"], t["effective_from"]) for t in flow_targets}
    out = []
    for code, bassin, kind, value, day, year in steps:
        flow = fused.get(code)
        if flow is not None:
            if kind == "target":
                kind, year = ("min" if direction.get(code, "up") == "up" else "max"), None
                if (flow, bassin, kind, day) not in known:
                    known.add((flow, bassin, kind, day))
                    flow_targets.append({"indicator": flow, "bassin": bassin or None, "kind": kind, "value": value,
                                         "effective_from": day, "label": "", "source": ""})  # fmt: skip
            if (flow, bassin, kind, day) in kept:
                continue
            kept.add((flow, bassin, kind, day))
            code = flow
        out.append([code, bassin, kind, value, day, year])
    return out


def _by_month(joined: str) -> dict[str, float]:
    """« 2025-03-01=12;2025-04-01=14 » → {« 2025-03 » : 12.0, …} ; deux valeurs d'un même mois :
    la première (la migration reprend la première, puis garde le flux ainsi rempli)."""
    out: dict[str, float] = {}
    for part in joined.split(";"):
        day, _sep, value = part.partition("=")
        if day and value:
            out.setdefault(day[:7], float(value))
    return out


def _refresh_states(state: dict[str, Any], section: dict[str, Any], linked: set[str], flux: dict[str, Any]) -> None:
    """État figé (dernière valeur, cible, statut par bassin) des flux liés qui reçoivent un
    indicateur fondu (``linked``), recalculé comme l'état actuel le calcule (``compute_state``)."""
    from roadmap_app.flows.catalogue import BY_CODE

    wanted = sorted(linked)
    if not wanted:
        return
    plan = state.get("plan") or {}
    bassins = [b["code"] for b in plan.get("bassins") or ()]
    ids = {code: i for i, code in enumerate(bassins, 1)}
    values = flux.get("values") or {}
    defs = {d["code"]: d for d in section["definitions"]}
    today = date.fromisoformat(plan["today"]) if plan.get("today") else date.today()
    points: dict[m.Key, list[m.Point]] = {}
    steps: dict[m.Key, list[m.Step]] = {}
    parents = {BY_CODE[c].parent for c in wanted if c in BY_CODE and BY_CODE[c].parent}
    for bassin, months in values.items():
        bid = ids.get(bassin)
        if bid is None:
            continue
        for month in sorted(months):
            row = months[month]
            day = date.fromisoformat(f"{month}-01")
            for code in (*wanted, *parents):
                if row.get(code) is not None:
                    key: m.Key = (code if code in wanted else f"total:{code}", bid)
                    points.setdefault(key, []).append(m.Point(day, float(row[code])))
    for code, bassin, kind, value, day, year in sorted(section.get("steps") or [], key=lambda st: st[4]):
        if code in wanted and value is not None:
            bid = ids.get(bassin) if bassin else None
            if bassin and bid is None:
                continue
            steps.setdefault((code, bid), []).append(m.Step(kind, bid, float(value), date.fromisoformat(day[:10]),
                                                            year))  # fmt: skip
    frozen = section.setdefault("states", {})
    for code in wanted:
        d = defs.get(code, {})
        ind = m.IndicatorDef(0, code, d.get("label", code), "", d.get("unit", ""), d.get("direction", "up"),
                             "month", "bassin", "", "flux", "", "flux", None, 1)  # fmt: skip
        # les séries sont rangées par code : un identifiant fictif par indicateur n'est pas utile
        keyed_points: dict[m.Key, list[m.Point]] = {(0, bid): pts for (c, bid), pts in points.items() if c == code}
        keyed_points.update({k: v for k, v in points.items() if str(k[0]).startswith("total:")})
        keyed_steps: dict[m.Key, list[m.Step]] = {(0, bid): lst for (c, bid), lst in steps.items() if c == code}
        per_bassin = {}
        for bassin, bid in ids.items():
            st = m.compute_state(ind, bid, bassin, keyed_points, keyed_steps, today)
            t = st.target
            per_bassin[bassin] = [
                None if st.last is None else st.last.value, None if st.last is None else st.last.day.isoformat(),
                None if t is None else t.value, None if t is None else t.when(ind), st.status,
            ]  # fmt: skip
        frozen[code] = per_bassin
