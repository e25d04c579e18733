"""Versements de l'État (avance 60 %, solde, trop-perçu) et échéances des bilans."""

from __future__ import annotations

from datetime import date

import pytest

from roadmap_app.core.deadlines import bilan_deadlines, days_text
from roadmap_app.core.errors import ValidationError
from roadmap_app.core.ops import undo_last
from roadmap_app.finance import read as fin
from roadmap_app.finance.edit import (
    ExpenseInput,
    PaymentInput,
    add_expense,
    add_payment,
    remove_payment,
    update_payment,
)
from tests.conftest import dump_store


def _spend(ctx, volet, amount):
    vf = fin.load_volet_finance(ctx, volet)
    line = max(vf.plan_lines, key=lambda ln: ln.montant_cents or 0)
    add_expense(ctx, volet, ExpenseInput(line_id=line.id, nature="Dépense", montant=amount))


def test_the_advance_is_60_percent_of_the_ceiling(ctx):
    expected = [vf.summary.advance_expected_cents for vf in fin.load_finance(ctx)]
    assert expected == [8_100_000, 247_553_520, 37_125_000]  # 81 000 / 2 475 535,20 / 371 250 €


def test_balance_due_on_the_bilan(ctx):
    add_payment(ctx, 3, PaymentInput("avance", "371 250,00\u00a0€", "01/10/2024", "Titre 2024-518"))
    _spend(ctx, 3, "250 000")
    _spend(ctx, 3, "250 000")
    s = fin.load_volet_finance(ctx, 3).summary
    assert (s.advance_received_cents, s.advance_pending_cents) == (37_125_000, 0)
    assert (s.retained_cents, s.received_net_cents, s.balance_cents) == (
        50_000_000,
        37_125_000,
        12_875_000,
    )


def test_expenses_beyond_the_ceiling_are_not_paid(ctx):
    add_payment(ctx, 3, PaymentInput("avance", "371250", "01/10/2024"))
    _spend(ctx, 3, "700 000")
    vf = fin.load_volet_finance(ctx, 3)
    assert vf.summary.retained_cents == 61_875_000
    assert vf.summary.balance_cents == 24_750_000  # 618 750 − 371 250
    over = next(f for f in vf.flags if f.code == fin.OVER_PLAFOND)
    assert "81\u202f250,00\u00a0€" in over.message and "autre volet" in over.message


def test_trop_percu_is_computed_flagged_and_cleared_by_a_repayment(ctx):
    add_payment(ctx, 3, PaymentInput("avance", "371 250", "01/10/2024"))
    _spend(ctx, 3, "300 000")
    vf = fin.load_volet_finance(ctx, 3)
    assert vf.summary.balance_cents == -7_125_000
    assert any(f.code == fin.TROP_PERCU and "71\u202f250,00\u00a0€" in f.message for f in vf.flags)
    add_payment(ctx, 3, PaymentInput("remboursement", "71 250", "14/10/2024"))
    vf = fin.load_volet_finance(ctx, 3)
    assert vf.summary.balance_cents == 0 and vf.summary.received_net_cents == 30_000_000
    assert not any(f.code == fin.TROP_PERCU for f in vf.flags)


def test_payments_are_editable_and_undoable(ctx):
    r = add_payment(ctx, 1, PaymentInput("avance", "80 000", "15/05/2024"))
    (p,) = fin.load_volet_finance(ctx, 1).payments
    assert (p.amount_cents, p.date, p.kind) == (8_000_000, date(2024, 5, 15), "avance")
    update_payment(ctx, r.id, PaymentInput("avance", "81 000", "15/05/2024"), expected_version=1)
    assert fin.load_volet_finance(ctx, 1).summary.advance_received_cents == 8_100_000
    remove_payment(ctx, r.id, expected_version=2)
    assert fin.load_volet_finance(ctx, 1).payments == []
    undo_last(ctx)
    undo_last(ctx)
    assert fin.load_volet_finance(ctx, 1).summary.advance_received_cents == 8_000_000


def test_invalid_payments_are_refused(ctx, db_path):
    before = dump_store(db_path)
    with pytest.raises(ValidationError, match="postérieur à aujourd'hui"):
        add_payment(ctx, 3, PaymentInput("solde", "1 000", "16/10/2024"))
    with pytest.raises(ValidationError) as err:
        add_payment(ctx, 3, PaymentInput("don", "0", ""))
    assert "Nature du versement « don » inconnue" in str(err.value)
    assert "Montant reçu : 0,00\u00a0€" in str(err.value) and "Date : obligatoire" in str(err.value)
    assert dump_store(db_path) == before


def test_bilan_deadlines_with_days_remaining(ctx):
    inter, final = bilan_deadlines(ctx)  # aujourd'hui : 15/10/2024 (tests)
    assert (inter.key, inter.date, inter.days_remaining) == (
        "bilan_intermediaire",
        date(2025, 3, 31),
        167,
    )
    assert (final.key, final.date, final.days_remaining) == ("bilan_final", date(2026, 3, 31), 532)
    assert final.text() == "Bilan final (dont volet 3) à transmettre : 31/03/2026 — dans 532 jours"
    later = bilan_deadlines(ctx, today=date(2025, 4, 2))
    assert later[0].passed and later[0].remaining_text() == "dépassée de 2 jours"
    assert later[1].soon is False and bilan_deadlines(ctx, date(2026, 3, 1))[1].soon


def test_days_text():
    assert [days_text(n) for n in (0, 1, 2, -1)] == [
        "aujourd'hui",
        "demain",
        "dans 2 jours",
        "dépassée depuis hier",
    ]
