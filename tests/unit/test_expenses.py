"""Dépenses (modèle de l'annexe 3) : totaux, consommation, alertes, refus, annulation."""

from __future__ import annotations

from datetime import date

import pytest

from db.models import Expense
from roadmap_app.core.errors import NotFoundError, StaleDataError, ValidationError
from roadmap_app.core.journal import history
from roadmap_app.core.ops import redo_last, undo_last
from roadmap_app.finance import read as fin
from roadmap_app.finance.edit import (
    ExpenseInput,
    add_expense,
    remove_expense,
    update_expense,
)
from tests.conftest import dump_store


def _line(ctx, volet, cents):
    vf = fin.load_volet_finance(ctx, volet)
    return next(ln for ln in vf.plan_lines if ln.montant_cents == cents)


@pytest.fixture
def ateliers(ctx):
    """Ligne « Ateliers collectifs d'activités » du volet 3 : 148 750 € prévus."""
    return _line(ctx, 3, 14_875_000)


def test_an_expense_counts_against_its_line_and_its_volet(ctx, ateliers):
    add_expense(
        ctx,
        3,
        ExpenseInput(
            line_id=ateliers.id,
            nature="Ateliers collectifs d'activités – marché 2024-12",
            unite="place",
            units="190",
            unit_cost="500",
            period="2nd semestre 2024",
            objet="Structure du PDI, bassin Lensois",
        ),
    )
    vf = fin.load_volet_finance(ctx, 3)
    (e,) = vf.expenses
    assert e.montant_cents == 9_500_000  # vide : nombre × coût unitaire
    assert (e.units_milli, e.unit_cost_cents) == (190_000, 50_000)
    assert (e.period.start, e.period.end) == (date(2024, 7, 1), date(2024, 12, 31))
    assert (e.group_key, e.subgroup_key) == ("solutions_locales", "solutions_locales")
    lc = vf.line(ateliers.id)
    assert (lc.spent_cents, lc.remaining_cents, str(lc.rate_pct)) == (9_500_000, 5_375_000, "63.87")
    assert vf.spent_cents == vf.eligible_cents == 9_500_000
    assert vf.all_flags() == []
    assert fin.load_volet_finance(ctx, 2).spent_cents == 0

    add_expense(ctx, 3, ExpenseInput(line_id=ateliers.id, nature="Complément", montant="10 000"))
    vf = fin.load_volet_finance(ctx, 3)
    assert vf.line(ateliers.id).spent_cents == 10_500_000
    assert vf.summary.eligible_cents == 10_500_000
    assert str(vf.rate_pct) == "16.97"  # 105 000 / 618 750


def test_over_budget_line_is_flagged(ctx, ateliers):
    add_expense(ctx, 3, ExpenseInput(line_id=ateliers.id, nature="Marché", montant="150 100"))
    vf = fin.load_volet_finance(ctx, 3)
    (flag,) = vf.line(ateliers.id).flags
    assert flag.code == fin.OVER_BUDGET
    assert "dépassement de 1\u202f350,00\u00a0€" in flag.message
    assert vf.line(ateliers.id).remaining_cents == -135_000
    assert flag in vf.all_flags()


def test_units_times_cost_mismatch_is_flagged_not_corrected(ctx, ateliers):
    add_expense(
        ctx,
        3,
        ExpenseInput(
            line_id=ateliers.id, nature="Animation", units="2,5", unit_cost="1 000", montant="2 600"
        ),
    )
    (e,) = fin.load_volet_finance(ctx, 3).expenses
    assert e.montant_cents == 260_000 and e.computed_cents == 250_000
    (flag,) = e.flags
    assert flag.code == fin.MISMATCH
    assert "2\u202f600,00\u00a0€" in flag.message and "2\u202f500,00\u00a0€" in flag.message


def test_an_expense_on_a_line_of_another_volet_is_refused(ctx, db_path):
    volet2_line = _line(ctx, 2, 165_000_000)
    before = dump_store(db_path)
    with pytest.raises(ValidationError, match="pas fongibles entre volets") as err:
        add_expense(ctx, 3, ExpenseInput(line_id=volet2_line.id, nature="Ateliers", montant="5000"))
    assert "appartient au volet 2, pas au volet 3" in str(err.value)
    assert dump_store(db_path) == before
    assert not ctx.undo.can_undo()


def test_an_existing_cross_volet_expense_is_flagged_and_not_retained(ctx):
    """Donnée incohérente venue d'ailleurs (import, base ancienne) : signalée, jamais comptée."""
    volet2_line = _line(ctx, 2, 165_000_000)
    volet3_id = fin.load_volet_finance(ctx, 3).volet.id
    with ctx.store.transaction() as s:
        s.add(
            Expense(
                volet_id=volet3_id,
                line_id=volet2_line.id,
                group_key="solutions_locales",
                nature="Dépense déplacée",
                montant_cents=500_000,
            )
        )
    v3 = fin.load_volet_finance(ctx, 3)
    (e,) = v3.expenses
    assert e.cross_volet and not e.eligible
    assert [f.code for f in e.flags] == [fin.CROSS_VOLET]
    assert e.flags[0].severity == fin.ERREUR
    assert v3.spent_cents == 500_000 and v3.eligible_cents == 0
    assert fin.load_volet_finance(ctx, 2).line(volet2_line.id).spent_cents == 0


def test_pour_info_lines_are_declared_but_not_retained(ctx):
    v3 = fin.load_volet_finance(ctx, 3)
    pe = next(ln for ln in v3.plan_lines if ln.informative)
    add_expense(ctx, 3, ExpenseInput(line_id=pe.id, nature="Rémunération CIP", montant="12 000"))
    v3 = fin.load_volet_finance(ctx, 3)
    (e,) = v3.expenses
    assert e.subgroup_key == "pe"
    assert v3.spent_cents == 1_200_000 and v3.eligible_cents == 0
    assert [f.code for f in e.flags] == [fin.INFORMATIVE_LINE]


def test_spending_on_a_line_without_planned_amount_is_flagged(ctx):
    v3 = fin.load_volet_finance(ctx, 3)
    si = next(ln for ln in v3.plan_lines if ln.section == "Développement SI")
    add_expense(ctx, 3, ExpenseInput(line_id=si.id, nature="Interfaçage", montant="8 000"))
    v3 = fin.load_volet_finance(ctx, 3)
    assert [f.code for f in v3.line(si.id).flags] == [fin.NO_PLANNED_AMOUNT]
    assert v3.eligible_cents == 800_000


def test_invalid_input_names_every_field_and_stores_nothing(ctx, ateliers, db_path):
    before = dump_store(db_path)
    with pytest.raises(ValidationError) as err:
        add_expense(
            ctx,
            3,
            ExpenseInput(
                line_id=ateliers.id,
                nature=" ",
                units="deux",
                unit_cost="1 000,001",
                period="l'an prochain",
            ),
        )
    message = str(err.value)
    for field in ("Nature de la dépense", "Nombre d'unités", "Coût unitaire", "Date ou période"):
        assert field in message
    with pytest.raises(ValidationError, match="Montant : obligatoire"):
        add_expense(ctx, 3, ExpenseInput(line_id=ateliers.id, nature="Sans montant"))
    with pytest.raises(ValidationError, match="absente de la trame du volet 3"):
        add_expense(
            ctx,
            3,
            ExpenseInput(
                line_id=ateliers.id,
                nature="X",
                montant="5",
                group_key="freins",
                subgroup_key="freins",
            ),
        )
    with pytest.raises(NotFoundError):
        add_expense(ctx, 3, ExpenseInput(line_id=99_999, nature="X", montant="5"))
    assert dump_store(db_path) == before


def test_edit_remove_and_undo(ctx, ateliers):
    r = add_expense(ctx, 3, ExpenseInput(line_id=ateliers.id, nature="Marché", montant="40 000"))
    e = fin.load_volet_finance(ctx, 3).expense(r.id)
    update_expense(
        ctx,
        r.id,
        ExpenseInput(line_id=ateliers.id, nature="Marché ateliers", montant="45 000,50"),
        expected_version=e.version,
    )
    e2 = fin.load_volet_finance(ctx, 3).expense(r.id)
    assert (e2.nature, e2.montant_cents, e2.version) == ("Marché ateliers", 4_500_050, 2)
    with pytest.raises(StaleDataError):
        update_expense(
            ctx, r.id, ExpenseInput(line_id=ateliers.id, nature="X", montant="1"),
            expected_version=e.version,
        )  # fmt: skip

    remove_expense(ctx, r.id, expected_version=e2.version)
    assert fin.load_volet_finance(ctx, 3).expenses == []
    assert undo_last(ctx).label.startswith("Retrait : Dépense volet 3")
    assert fin.load_volet_finance(ctx, 3).spent_cents == 4_500_050
    undo_last(ctx)  # la modification
    assert fin.load_volet_finance(ctx, 3).expense(r.id).montant_cents == 4_000_000
    undo_last(ctx)  # l'ajout
    assert fin.load_volet_finance(ctx, 3).expenses == []
    redo_last(ctx)
    assert fin.load_volet_finance(ctx, 3).expense(r.id).montant_cents == 4_000_000
    fields = [j.field for j in history(ctx, "expense", [r.id])]
    assert fields.count("archived") == 5 and "montant_cents" in fields
