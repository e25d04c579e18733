"""Échéancier : modèle de lecture (périodes et jalons, « Sans date », retards, dates clés,
référence tirée d'un instantané, rappels)."""

from __future__ import annotations

from datetime import date

from roadmap_app.committees.timeline import load_timeline, timeline_from_state
from roadmap_app.plan.filters import ActionFilter
from roadmap_app.plan.read import load_plan
from roadmap_app.plan.reminders import due_within, late_since
from roadmap_app.plan.timeline import BILAN, COMMITTEE, TODAY, VOLET3

#: actions du plan d'origine sans échéance écrite
UNDATED = {"AI-6.2", "ME-2.1", "ME-3.2", "GP-2.1", "GP-3.1", "GP-4.1"}


def test_a_day_is_a_milestone_and_a_semester_a_period(ctx) -> None:
    tl = load_timeline(ctx)
    day = tl.item("EP-1.1")  # « 15-mai-24 »
    assert day.milestone and day.start == day.end == date(2024, 5, 15)
    assert day.echeance.label == "15-mai-24" and day.precision_label == "jour"
    semester = tl.item("ME-2.2")  # « 2nd semestre 2024 »
    assert not semester.milestone
    assert (semester.start, semester.end) == (date(2024, 7, 1), date(2024, 12, 31))
    assert semester.precision_label == "semestre"
    year = tl.item("AI-6.1")  # « Année 2024 »
    assert (year.start, year.end, year.precision_label) == (
        date(2024, 1, 1),
        date(2024, 12, 31),
        "année",
    )


def test_actions_without_a_readable_date_are_listed_never_dropped(ctx) -> None:
    tl = load_timeline(ctx)
    plan = load_plan(ctx)
    assert {it.action.code for it in tl.undated} == UNDATED
    assert sum(1 for _ in tl.items()) == sum(1 for _ in plan.active_actions()) == 35
    rows = tl.rows()
    header = next(i for i, r in enumerate(rows) if r.kind == "nodate")
    assert rows[header].text.startswith("Sans date")
    assert {r.item.action.code for r in rows[header + 1 :] if r.item} == UNDATED
    # groupes : axe puis cible, dans l'ordre du plan
    assert rows[0].kind == "axe" and rows[0].text.startswith("EP")
    assert rows[1].kind == "cible" and rows[1].text.startswith("EP-1")
    assert rows[2].item is not None and rows[2].item.action.code == "EP-1.1"


def test_unreadable_echeance_goes_to_sans_date(ctx) -> None:
    from roadmap_app.plan.edit_actions import ActionFields, edit_action

    edit_action(ctx, "EP-1.1", ActionFields(echeance_label="quand ce sera prêt"))
    tl = load_timeline(ctx)
    assert "EP-1.1" in {it.action.code for it in tl.undated}
    assert tl.item("EP-1.1").echeance.label == "quand ce sera prêt"


def test_late_flags_and_status_per_bassin(ctx) -> None:
    tl = load_timeline(ctx)  # aujourd'hui : 15/10/2024 (tests)
    plan = load_plan(ctx)
    item = tl.item("EP-2.1")  # 1er juin 2024, dépassée
    for b in plan.bassins:
        cell = item.action.statuses[b.id]
        assert item.status(b.id) == cell.status
        assert cell.overdue == (cell.status not in ("realise", "abandonne"))
    assert not tl.item("NU-1.1").late()  # 1er janvier 2025 : à venir


def test_key_dates_today_volet3_bilans_committees(ctx) -> None:
    from roadmap_app.committees.snapshots import create_snapshot

    create_snapshot(ctx, "COPIL de septembre", committee="COPIL", taken_on=date(2024, 9, 20))
    tl = load_timeline(ctx)
    kinds = {(k.kind, k.date) for k in tl.key_dates}
    assert (TODAY, date(2024, 10, 15)) in kinds
    assert (VOLET3, date(2025, 12, 31)) in kinds
    assert (BILAN, date(2025, 3, 31)) in kinds and (BILAN, date(2026, 3, 31)) in kinds
    assert (COMMITTEE, date(2024, 9, 20)) in kinds
    # l'axe du temps va du début du plan à la fin du volet 3 et des bilans
    assert tl.start == date(2024, 1, 1)
    assert tl.end == date(2026, 3, 31)


def test_baseline_from_a_snapshot_gives_the_old_echeance_and_the_slip(ctx) -> None:
    from roadmap_app.committees.snapshots import create_snapshot
    from roadmap_app.plan.edit_actions import ActionFields, edit_action

    create_snapshot(ctx, "COPIL 1", committee="COPIL", taken_on=date(2024, 9, 20))
    edit_action(ctx, "EP-1.1", ActionFields(echeance_label="2nd semestre 2024"))
    tl = load_timeline(ctx, baseline="COPIL 1")
    assert tl.baseline_name == "COPIL 1"
    moved = tl.item("EP-1.1")
    assert moved.baseline is not None
    assert moved.baseline.label == "15-mai-24"
    assert moved.baseline.start == moved.baseline.end == date(2024, 5, 15)
    assert moved.slip_days == (date(2024, 12, 31) - date(2024, 5, 15)).days
    still = tl.item("EP-2.1")
    assert still.slip_days == 0
    assert tl.item("AI-6.2").slip_days is None  # sans date hier comme aujourd'hui


def test_filters_are_those_of_the_feuille_de_route(ctx) -> None:
    tl = load_timeline(ctx)
    plan = load_plan(ctx)
    for flt in (ActionFilter(overdue_only=True), ActionFilter(text="numérique"),
                ActionFilter(axe_ids=frozenset({plan.axes[2].id}))):  # fmt: skip
        expected = {a.code for a in plan.active_actions() if flt.matches(a, plan.today)}
        shown = {r.item.action.code for r in tl.rows(flt) if r.item}
        assert shown == expected and shown


def test_timeline_from_a_frozen_state(ctx) -> None:
    from roadmap_app.committees.snapshots import create_snapshot, snapshot_state

    create_snapshot(ctx, "COPIL 1", committee="COPIL", taken_on=date(2024, 9, 20))
    tl = timeline_from_state(snapshot_state(ctx, "COPIL 1"))
    assert tl.item("ME-2.2").end == date(2024, 12, 31)
    assert {it.action.code for it in tl.undated} == UNDATED
    assert any(k.kind == BILAN for k in tl.key_dates)


def test_due_within_and_late_since_last_opening(ctx, monkeypatch) -> None:
    monkeypatch.setenv("ROADMAP_APP_TODAY", "2024-12-10")
    plan = load_plan(ctx)
    due = due_within(plan, 30)  # fin du 2nd semestre 2024 : 31/12/2024
    codes = {r.action.code for r in due}
    assert {"ME-2.2", "ME-2.3", "ME-3.1", "NU-2.2", "AI-6.1", "ME-1.1"} <= codes
    assert all(0 <= r.days <= 30 for r in due)
    # même liste que le filtre « Échéance dans 30 jours »
    flt = ActionFilter(due_within_days=30)
    assert codes == {a.code for a in plan.active_actions() if flt.matches(a, plan.today)}
    monkeypatch.setenv("ROADMAP_APP_TODAY", "2025-01-05")
    plan = load_plan(ctx)
    late = late_since(plan, date(2024, 12, 20))
    assert {"ME-2.2", "NU-1.1"} <= {r.action.code for r in late}
    assert "EP-2.1" not in {r.action.code for r in late}  # déjà en retard le 20/12
    assert late_since(plan, None) == []
