"""L'échéancier avec les comités : dates des instantanés, référence tirée d'un instantané, état
figé. Ici (rang des comités) et non dans ``plan.timeline`` : le plan ne lit pas les instantanés
(docs/architecture.md, test_layering)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from roadmap_app.core.context import AppContext
from roadmap_app.plan.read import load_plan
from roadmap_app.plan.timeline import (
    COMMITTEE,
    KeyDate,
    Timeline,
    baselines_from_state,
    build_timeline,
    convention_key_dates,
    store_key_dates,
)


def committee_key_dates(ctx: AppContext, roadmap_name: str | None = None) -> list[KeyDate]:
    """Un comité par instantané (de cette feuille de route si son nom est donné)."""
    from roadmap_app.committees.snapshots import list_snapshots

    return [
        KeyDate(f"snapshot-{i.id}", f"{i.committee} « {i.name} »", i.taken_on, COMMITTEE)
        for i in list_snapshots(ctx)
        if roadmap_name is None or i.roadmap_name == roadmap_name
    ]


def load_timeline(
    ctx: AppContext, roadmap: str | int | None = None, baseline: str | int | None = None
) -> Timeline:
    """L'échéancier de la feuille de route (courante par défaut) ; ``baseline`` : instantané dont
    les échéances servent de référence."""
    plan = load_plan(ctx, roadmap)
    keys = store_key_dates(ctx) + committee_key_dates(ctx, plan.roadmap.name)
    if baseline is None:
        return build_timeline(plan, keys)
    from roadmap_app.committees.snapshots import find_snapshot, snapshot_state

    info = find_snapshot(ctx, baseline)
    return build_timeline(plan, keys, baselines_from_state(snapshot_state(ctx, info.id)), info.name)


def timeline_from_state(state: dict[str, Any], committees: Iterable[KeyDate] = ()) -> Timeline:
    """L'échéancier d'un état figé (instantané ou état courant du pack) : ses échéances, ses
    statuts, ses retards et ses dates clés, tels que figés."""
    from roadmap_app.committees.snapshots import plan_view_from_state

    plan = plan_view_from_state(state)
    rows = [
        (k["key"], k["label"], date.fromisoformat(k["date"]), _day(k.get("end_date")))
        for k in state.get("reference", {}).get("key_dates", [])
    ]
    return build_timeline(plan, convention_key_dates(rows) + list(committees))


def _day(text: str | None) -> date | None:
    return None if not text else date.fromisoformat(text)
