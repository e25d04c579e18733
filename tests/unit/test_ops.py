"""L'exécuteur des opérations (``core.ops``) : une transaction, un journal, un « Annuler »,
et ce qui a changé."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import col, func, select

from db.models import Action, ActionBassin, FlowValue, JournalEntry
from roadmap_app.core import ops
from roadmap_app.core.errors import ValidationError
from roadmap_app.core.journal import FieldChange
from roadmap_app.flows.service import set_month
from roadmap_app.plan.status import update_status
from tests.conftest import dump_store


def _journal_count(ctx, operation_id: str | None = None) -> int:
    with ctx.store.session() as s:
        q = select(func.count()).select_from(JournalEntry)
        if operation_id is not None:
            q = q.where(JournalEntry.operation_id == operation_id)
        return int(s.exec(q).one())


def _cell(s, code: str, bassin_id: int) -> ActionBassin:
    action = s.exec(select(Action).where(Action.code == code)).first()
    return s.exec(
        select(ActionBassin).where(
            ActionBassin.action_id == action.id, ActionBassin.bassin_id == bassin_id
        )
    ).one()


def test_an_error_inside_the_operation_leaves_nothing(ctx):
    before = dump_store(ctx.store)

    def write(op: ops.Op) -> None:
        cell = op.session.exec(select(ActionBassin).order_by(col(ActionBassin.id))).first()
        cell.note = "écrit puis défait"
        op.session.add(cell)
        op.session.flush()
        op.change("action_bassin", cell.id, "cellule", "note", "", "écrit puis défait")
        raise ValidationError("Refusé après écriture.")

    with pytest.raises(ValidationError, match="Refusé après écriture"):
        ops.run_op(ctx, "Essai", write)
    assert dump_store(ctx.store) == before
    assert not ctx.undo.can_undo()


def test_validation_runs_before_the_transaction(ctx):
    calls: list[str] = []

    def refuse() -> None:
        raise ValidationError("Saisie invalide.")

    with pytest.raises(ValidationError):
        ops.run_op(ctx, "Essai", lambda op: calls.append("écrit"), validate=refuse)
    assert calls == []


def test_one_journal_operation_and_one_undo_step(ctx):
    journal_before = _journal_count(ctx)
    seen: list[int] = []
    ctx.undo.listeners.append(lambda: seen.append(len(ctx.undo.undo_stack)))

    def write(op: ops.Op) -> str:
        cell = _cell(op.session, "EP-2.2", 3)
        op.change("action_bassin", cell.id, "EP-2.2 / Lensois", "note", cell.note, "deux champs")
        op.change("action_bassin", cell.id, "EP-2.2 / Lensois", "progress", cell.progress, 10)
        cell.note, cell.progress = "deux champs", 10
        op.session.add(cell)
        op.label = "Deux champs d'une cellule"
        return "valeur du service"

    changes = ops.run_op(ctx, "Essai", write)
    assert changes.value == "valeur du service"
    assert changes.label == "Deux champs d'une cellule"
    assert changes.operation_id is not None
    assert _journal_count(ctx) == journal_before + 2
    assert _journal_count(ctx, changes.operation_id) == 2
    assert [e.operation_id for e in ctx.undo.undo_stack] == [changes.operation_id]
    assert seen == [1]  # la pile n'a été notifiée qu'une fois


def test_nothing_changed_means_no_journal_and_no_undo(ctx):
    journal_before = _journal_count(ctx)
    changes = ops.run_op(ctx, "Rien", lambda op: None)
    assert changes.operation_id is None and not changes.changed
    assert _journal_count(ctx) == journal_before
    assert not ctx.undo.can_undo()


def test_op_changes_name_the_domains_and_the_actions(ctx):
    status = update_status(ctx, "EP-2.2", "Lensois", status="en_cours").changes
    with ctx.store.session() as s:
        action_id = s.exec(select(Action.id).where(Action.code == "EP-2.2")).one()
    assert status is not None
    assert status.domains == {ops.STATUSES}
    assert status.action_ids == {action_id}
    assert status.touches(ops.STATUSES, ops.FLOWS) and not status.touches(ops.FLOWS)

    set_month(ctx, "Lensois", date(2024, 7, 1), {"stock": 5300})
    undone = ops.undo_last(ctx)
    assert undone.domains == {ops.FLOWS} and undone.action_ids == frozenset()
    assert undone.label.startswith("Flux Lensois")
    with ctx.store.session() as s:
        assert s.exec(select(FlowValue).where(FlowValue.value == 5300)).first() is None

    undone = ops.undo_last(ctx)
    assert undone.domains == {ops.STATUSES} and undone.action_ids == {action_id}
    redone = ops.redo_last(ctx)
    assert redone.domains == {ops.STATUSES}


def test_entries_with_their_own_provenance_share_the_operation(ctx):
    def write(op: ops.Op) -> None:
        cell = _cell(op.session, "EP-2.2", 3)
        op.record_as(
            [FieldChange("action_bassin", cell.id, "EP-2.2 / Lensois", "note", "", "x")],
            author="Atelier Lensois",
            label="Fusion : note",
        )
        op.touch(ops.WORKSHOPS)

    changes = ops.run_op(ctx, "Fusion", write, record_undo=False)
    assert changes.domains == {ops.WORKSHOPS, ops.STATUSES}
    assert not ctx.undo.can_undo()
    with ctx.store.session() as s:
        entry = s.exec(
            select(JournalEntry).where(JournalEntry.operation_id == changes.operation_id)
        ).one()
    assert (entry.author, entry.operation_label) == ("Atelier Lensois", "Fusion : note")


def test_all_entries_of_an_operation_are_written_in_order_with_their_provenance(ctx):
    """Les entrées partent en une insertion groupée : l'ordre (changements de l'opération, puis
    ceux de chaque ``record_as`` dans l'ordre), les auteurs, heures et libellés restent ceux
    donnés ; l'annulation rend toutes les valeurs."""
    from datetime import UTC, datetime

    stamps = [datetime(2026, 11, 2, 9, m, tzinfo=UTC) for m in range(2)]
    before: dict[str, object] = {}

    def write(op: ops.Op) -> None:
        cell = _cell(op.session, "EP-2.2", 3)
        before.update(status=cell.status, note=cell.note, progress=cell.progress)
        cell.status, cell.note, cell.progress = "realise", "vu en séance", 40
        cell.version += 1
        op.session.add(cell)  # en attente dans la session : écrite avant les entrées du journal
        op.change("action_bassin", cell.id, "EP-2.2 / Lensois", "status", before["status"], "realise")
        for (who, field, new), ts in zip((("A", "note", "vu en séance"), ("B", "progress", 40)), stamps, strict=True):
            op.record_as([FieldChange("action_bassin", cell.id, "EP-2.2 / Lensois", field, before[field], new)],
                         author=who, label=f"Fusion {who}", ts=ts)  # fmt: skip

    changes = ops.run_op(ctx, "Fusion", write)
    with ctx.store.session() as s:
        entries = s.exec(
            select(JournalEntry)
            .where(JournalEntry.operation_id == changes.operation_id)
            .order_by(col(JournalEntry.id))
        ).all()
    assert [(e.author, e.field, e.new_value) for e in entries] == [
        (ctx.author, "status", '"realise"'), ("A", "note", '"vu en séance"'), ("B", "progress", "40"),
    ]  # fmt: skip
    assert [e.ts for e in entries[1:]] == stamps
    assert [e.operation_label for e in entries] == ["Fusion", "Fusion A", "Fusion B"]
    ops.undo_last(ctx)
    with ctx.store.session() as s:
        back = _cell(s, "EP-2.2", 3)
        assert {"status": back.status, "note": back.note, "progress": back.progress} == before
