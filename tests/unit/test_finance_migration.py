"""Une base publiée avant le suivi financier (schéma 0001) se migre et accueille des dépenses."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from roadmap_app.core.context import open_context
from roadmap_app.core.ops import undo_last
from roadmap_app.finance import read as fin
from roadmap_app.finance.edit import ExpenseInput, add_expense

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "stores" / "schema_0001.sqlite3"


def test_a_0001_store_gets_the_finance_tables(tmp_path):
    path = tmp_path / "ancienne.sqlite3"
    shutil.copyfile(FIXTURE, path)
    ctx = open_context(path, author="Testeur")
    try:
        assert ctx.prepared.migrated_from == "0001"
        v3 = fin.load_volet_finance(ctx, 3)
        assert v3.plan_total_cents == 61_875_000 and v3.expenses == []
        line = next(ln for ln in v3.plan_lines if ln.montant_cents == 22_000_000)
        add_expense(ctx, 3, ExpenseInput(line_id=line.id, nature="Modules", montant="20 000"))
        assert fin.load_volet_finance(ctx, 3).eligible_cents == 2_000_000
        undo_last(ctx)
        assert fin.load_volet_finance(ctx, 3).expenses == []
    finally:
        ctx.close()


def test_the_finance_page_modules_do_not_load_matplotlib_or_openpyxl_at_import():
    code = (
        "import sys, ui.main_window, ui.pages.finance_page, roadmap_app.finance.read, "
        "roadmap_app.finance.bilan; "
        "print(sorted(m for m in ('matplotlib', 'openpyxl') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
