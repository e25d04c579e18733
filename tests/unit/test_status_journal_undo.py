"""Modifier un statut : journalisé, annulable, rétablissable, jamais par-dessus une donnée plus récente."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from db.errors import StaleDataError
from db.models import JournalEntry
from roadmap_app.core import ops
from roadmap_app.core.errors import NotFoundError, UndoConflictError, ValidationError
from roadmap_app.core.ops import redo_last, undo_last
from roadmap_app.plan.read import load_plan
from roadmap_app.plan.status import update_status
from tests.conftest import dump_store


def cell(ctx, code, bassin):
    plan = load_plan(ctx)
    return plan.action(code).statuses[plan.bassin(bassin).id]


def entries(ctx):
    with ctx.store.session() as s:
        return s.exec(
            select(JournalEntry).where(JournalEntry.source != "seed").order_by(col(JournalEntry.id))
        ).all()


def test_a_status_change_is_stored_and_journaled_field_by_field(ctx):
    before = cell(ctx, "EP-2.2", "Lensois")
    result = update_status(
        ctx, "EP-2.2", "Lensois", status="en_cours", progress=30, note="Comité d'orientation arrêté"
    )
    after = cell(ctx, "EP-2.2", "Lensois")
    assert (after.status, after.progress, after.note) == (
        "en_cours",
        30,
        "Comité d'orientation arrêté",
    )
    assert after.version == before.version + 1
    assert after.updated_by == "Testeur"
    assert after.note_date.isoformat() == "2024-10-15"
    lines = entries(ctx)
    assert {(e.field, e.old_value, e.new_value) for e in lines} == {
        ("status", '"a_lancer"', '"en_cours"'),
        ("progress", None, "30"),
        ("note", '""', '"Comité d\'orientation arrêté"'),
        ("note_date", None, '"2024-10-15"'),
    }
    assert {e.operation_id for e in lines} == {result.operation_id}
    assert all(e.author == "Testeur" and e.entity == "action_bassin" for e in lines)
    assert lines[0].entity_label == "EP-2.2 / Lensois"
    # les autres bassins ne bougent pas
    assert cell(ctx, "EP-2.2", "Audomarois").status == "a_lancer"


def test_an_identical_value_is_not_a_change(ctx):
    result = update_status(ctx, "EP-2.1", "Lensois", status="En cours")
    assert result.operation_id is None
    assert entries(ctx) == []


def test_undo_restores_the_old_values_and_is_journaled_then_redo(ctx):
    update_status(ctx, "AI-3.1", "Audomarois", status="realise", progress=100)
    assert cell(ctx, "AI-3.1", "Audomarois").status == "realise"
    undo_last(ctx)
    restored = cell(ctx, "AI-3.1", "Audomarois")
    assert (restored.status, restored.progress) == ("a_lancer", None)
    revert = [e for e in entries(ctx) if e.source == "annulation"]
    assert {e.field for e in revert} == {"status", "progress"}
    assert revert[0].reverts_operation_id is not None
    assert ctx.undo.can_redo()
    redo_last(ctx)
    again = cell(ctx, "AI-3.1", "Audomarois")
    assert (again.status, again.progress) == ("realise", 100)
    assert not ctx.undo.can_redo()


def test_undo_refuses_to_overwrite_a_newer_change(ctx):
    update_status(ctx, "NU-1.2", "Lensois", status="en_cours")
    op = ctx.undo.undo_stack[-1].operation_id
    # quelqu'un d'autre (CLI, autre poste) modifie la même cellule ensuite
    update_status(
        ctx,
        "NU-1.2",
        "Lensois",
        status="a_securiser",
        record_undo=False,
        source="cli",
        author="Autre",
    )
    snapshot = dump_store(ctx.store)
    with pytest.raises(UndoConflictError):
        ops.revert(ctx, op)
    assert dump_store(ctx.store) == snapshot
    assert cell(ctx, "NU-1.2", "Lensois").status == "a_securiser"


def test_a_change_based_on_a_stale_version_is_refused(ctx):
    seen = cell(ctx, "GP-3.1", "Montreuillois")
    update_status(ctx, "GP-3.1", "Montreuillois", status="en_cours", author="Collègue")
    with pytest.raises(StaleDataError) as err:
        update_status(
            ctx, "GP-3.1", "Montreuillois", status="abandonne", expected_version=seen.version
        )
    assert "Collègue" in str(err.value)
    assert cell(ctx, "GP-3.1", "Montreuillois").status == "en_cours"


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"code": "XX-1.1", "bassin": "Lensois", "status": "realise"}, NotFoundError, "XX-1.1"),
        (
            {"code": "EP-1.1", "bassin": "Boulonnais", "status": "realise"},
            NotFoundError,
            "Boulonnais",
        ),
        ({"code": "EP-1.1", "bassin": "Lensois", "status": "fini"}, ValueError, "Statut inconnu"),
        (
            {"code": "EP-1.1", "bassin": "Lensois", "progress": -5},
            ValidationError,
            "entre 0 et 100",
        ),
        (
            {"code": "EP-1.1", "bassin": "Lensois", "progress": "beaucoup"},
            ValidationError,
            "entier",
        ),
    ],
)
def test_bad_requests_change_nothing(ctx, kwargs, error, message):
    snapshot = dump_store(ctx.store)
    with pytest.raises(error, match=message):
        update_status(ctx, **kwargs)
    assert dump_store(ctx.store) == snapshot


def test_progress_accepts_usual_forms():
    from roadmap_app.plan.status import validate_progress

    assert [validate_progress(v) for v in (0, "40", " 40 % ", 100.0, "", None)] == [
        0,
        40,
        40,
        100,
        None,
        None,
    ]


def test_several_bassins_saved_together_are_one_operation_undone_together(ctx):
    from roadmap_app.plan.status import CellChange, update_statuses

    result = update_statuses(
        ctx,
        "AI-3.2",
        [
            CellChange("Lensois", status="en_cours", progress=20),
            CellChange("Audomarois", status="realise"),
        ],
    )
    assert len({e.operation_id for e in entries(ctx)}) == 1
    assert "Lensois" in result.label and "Audomarois" in result.label
    undo_last(ctx)
    assert cell(ctx, "AI-3.2", "Lensois").status == "a_lancer"
    assert cell(ctx, "AI-3.2", "Audomarois").status == "a_lancer"


def test_a_failing_cell_rolls_back_the_whole_save(ctx):
    from roadmap_app.plan.status import CellChange, update_statuses

    snapshot = dump_store(ctx.store)
    with pytest.raises(ValidationError):
        update_statuses(
            ctx,
            "AI-5.1",
            [CellChange("Lensois", status="en_cours"), CellChange("Audomarois", progress=500)],
        )
    assert dump_store(ctx.store) == snapshot
