"""Page Financement pilotée comme un utilisateur : saisie d'une dépense, consommation, export, annulation."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from roadmap_app.finance import read as fin
from tests.ui.conftest import type_text

ATELIERS = 14_875_000  # « Ateliers collectifs d'activités », volet 3


@pytest.fixture
def page(window, qtbot):
    p = window.show_page("finance")
    p.select_volet(3)
    qtbot.waitUntil(lambda: p.vf is not None and p.vf.volet.number == 3)
    return p


def _line_id(page, cents=ATELIERS):
    return next(ln.id for ln in page.vf.plan_lines if ln.montant_cents == cents)


def _consumption_row(page, line_id):
    model = page.consumption_model
    row = next(i for i, lc in enumerate(model.rows) if lc.line.id == line_id)
    return [model.index(row, c).data() for c in range(model.columnCount())]


def _save(dialog, qtbot):
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def test_the_page_shows_the_seeded_plan_and_the_deadlines(page):
    assert page.header.cards["plafond"][0].text() == "618\u202f750,00\u00a0€"
    assert page.header.cards["plan"][0].text() == "618\u202f750,00\u00a0€"
    assert "371\u202f250,00\u00a0€" in page.header.cards["plafond"][1].text()
    text = page.header.deadline_label.text()
    assert "Bilan intermédiaire" in text and "31/03/2025 — dans 167 jours" in text
    assert "Bilan final" in text and "31/03/2026 — dans 532 jours" in text
    labels = [page.plan_model.index(r, 0).data() for r in range(page.plan_model.rowCount())]
    assert "Total Renforcement des solutions locales" in labels
    assert "Aucune alerte" in page.header.flags_label.text()
    page.select_volet(2)
    assert page.header.cards["plafond"][0].text() == "4\u202f125\u202f892,00\u00a0€"
    labels = {
        page.plan_model.index(r, 0).data(): page.plan_model.index(r, 6).data()
        for r in range(page.plan_model.rowCount())
    }
    assert labels["Total Etoffer l'offre de solutions locales"] == "2\u202f457\u202f000,00\u00a0€"


def test_add_an_expense_see_the_consumption_then_undo(page, window, qtbot):
    line_id = _line_id(page)
    assert _consumption_row(page, line_id)[2] == "0,00\u00a0€"
    page.tabs.setCurrentIndex(1)
    dialog = page.add_expense()
    qtbot.waitExposed(dialog)
    dialog.line.setCurrentIndex(dialog.line.findData(line_id))
    assert dialog.rubrique.currentData() == ("solutions_locales", "solutions_locales")
    type_text(dialog.nature, "Ateliers collectifs – marché n°2024-12")
    dialog.unite.setCurrentText("place")
    type_text(dialog.units, "190")
    type_text(dialog.unit_cost, "790")
    assert "150\u202f100,00\u00a0€" in dialog.hint.text()  # calcul en direct
    type_text(dialog.period, "2nd semestre 2024")
    type_text(dialog.objet, "Structures du PDI")
    _save(dialog, qtbot)
    qtbot.waitUntil(lambda: not dialog.isVisible())

    row = _consumption_row(page, line_id)
    assert row[1:5] == ["148\u202f750,00\u00a0€", "150\u202f100,00\u00a0€", "-1\u202f350,00\u00a0€", "100,9 %"]
    assert "⚠ dépassement" in row[6]
    assert page.header.cards["spent"][0].text() == "150\u202f100,00\u00a0€"
    assert "24,3 % du plafond" in page.header.cards["spent"][1].text()
    assert "dépassement de 1\u202f350,00\u00a0€" in page.header.flags_label.text()
    assert page.expense_model.rowCount() == 1
    assert page.tabs.tabText(1) == "&Dépenses (1)"
    assert window.undo_action.isEnabled()

    window.undo()
    assert page.expense_model.rowCount() == 0
    assert _consumption_row(page, line_id)[2] == "0,00\u00a0€"
    assert page.header.cards["spent"][0].text() == "0,00\u00a0€"
    window.redo()
    assert _consumption_row(page, line_id)[2] == "150\u202f100,00\u00a0€"


def test_a_mismatch_is_shown_and_errors_keep_the_dialog_open(page, qtbot, app_ctx, db_path):
    from tests.conftest import dump_store

    dialog = page.add_expense()
    qtbot.waitExposed(dialog)
    dialog.line.setCurrentIndex(dialog.line.findData(_line_id(page)))
    type_text(dialog.units, "2,5")
    type_text(dialog.unit_cost, "1 000")
    type_text(dialog.montant, "2 600")
    assert "diffère de 100,00\u00a0€" in dialog.hint.text()
    before = dump_store(db_path)
    _save(dialog, qtbot)  # nature manquante
    assert dialog.isVisible() and "Nature de la dépense : obligatoire" in dialog.error.text()
    assert dump_store(db_path) == before
    type_text(dialog.nature, "Animation")
    _save(dialog, qtbot)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    e = page.expense_model.rows[0]
    assert e.montant_cents == 260_000  # gardé tel que saisi
    col = page.expense_model.HEADERS.index("Alertes")
    assert page.expense_model.index(0, col).data() == "⚠ écart nombre × coût"


def test_edit_and_remove_an_expense(page, qtbot, window):
    dialog = page.add_expense()
    dialog.line.setCurrentIndex(dialog.line.findData(_line_id(page)))
    type_text(dialog.nature, "Marché")
    type_text(dialog.montant, "40 000")
    _save(dialog, qtbot)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    page.tabs.setCurrentIndex(1)
    page.expense_view.selectRow(0)
    edit = page.edit_expense()
    assert edit.nature.text() == "Marché" and edit.montant.text() == "40 000,00"
    edit.montant.setText("45 000")
    _save(edit, qtbot)
    qtbot.waitUntil(lambda: not edit.isVisible())
    assert page.expense_model.rows[0].montant_cents == 4_500_000
    page.expense_view.selectRow(0)
    qtbot.mouseClick(page.remove_expense_button, Qt.MouseButton.LeftButton)
    assert page.expense_model.rowCount() == 0
    window.undo()
    assert page.expense_model.rows[0].montant_cents == 4_500_000


def test_record_the_advance(page, qtbot):
    page.tabs.setCurrentIndex(3)
    dialog = page.add_payment()
    assert dialog.kind.currentData() == "avance"
    assert dialog.amount.text() == "371 250,00"  # avance restant à recevoir, proposée
    dialog.date.setText("01/10/2024")
    type_text(dialog.reference, "Titre 2024-518")
    _save(dialog, qtbot)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert page.payment_model.index(0, 0).data() == "Avance (60 %)"
    assert page.payment_model.index(0, 2).data() == "371\u202f250,00\u00a0€"
    assert page.header.cards["received"][0].text() == "371\u202f250,00\u00a0€"
    assert "avance reçue en totalité" in page.payment_summary.text()


def test_edit_a_plan_line(page, qtbot, window):
    row = next(
        i for i, r in enumerate(page.plan_model.rows) if r.line and r.line.montant_cents == ATELIERS
    )
    page.tabs.setCurrentIndex(0)
    page.plan_view.selectRow(row)
    dialog = page.edit_line()
    assert dialog.montant.text() == "148 750,00"
    dialog.montant.setText("150 000")
    _save(dialog, qtbot)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert page.header.cards["plan"][0].text() == "620\u202f000,00\u00a0€"
    assert "dépasse le plafond" in page.header.flags_label.text()
    window.undo()
    assert page.header.cards["plan"][0].text() == "618\u202f750,00\u00a0€"


def test_export_the_bilan_from_the_page(page, qtbot, tmp_path, monkeypatch, app_ctx):
    from openpyxl import load_workbook

    from roadmap_app.finance.edit import ExpenseInput, add_expense

    add_expense(app_ctx, 3, ExpenseInput(line_id=_line_id(page), nature="Marché", montant="10 000"))
    page.refresh()
    out = tmp_path / "bilan-volet-3"
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        staticmethod(lambda *a, **k: (str(out), "Classeur Excel (*.xlsx)")),
    )
    task = page.export_bilan(all_volets=False)
    assert task is not None and not page.export_button.isEnabled()
    qtbot.waitUntil(lambda: task.done, timeout=30_000)
    assert page.export_button.isEnabled()
    result = page.last_export
    assert result.path == tmp_path / "bilan-volet-3.xlsx" and result.volets == (3,)
    assert "Bilan enregistré" in page.window().statusBar().currentMessage()
    wb = load_workbook(result.path)
    assert "Volet 3" in wb.sheetnames and "Volet 2" not in wb.sheetnames
    total = next(
        r
        for r in wb["Volet 3"].iter_rows(values_only=True)
        if r[0] == "TOTAL DEPENSES AU TITRE DU VOLET 3"
    )
    assert total[6] == 10_000


def test_export_errors_are_reported(page, qtbot, tmp_path, monkeypatch, dialogs):
    target = tmp_path / "bilan.docx"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    assert page.export_bilan() is None
    assert dialogs and "Format non reconnu" in dialogs[-1][2]
    assert not target.exists()


def test_the_chart_is_built_only_when_the_consumption_tab_is_shown(page, qtbot):
    page.tabs.setCurrentIndex(0)
    page.refresh()
    assert page._chart_dirty
    page.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: page.chart.canvas is not None)
    fig = page.chart.figure
    labels = [" ".join(t.get_text().split()) for t in fig.axes[0].get_yticklabels()]
    assert any("Ateliers collectifs" in lbl for lbl in labels)
    assert fin.load_volet_finance(page.ctx, 3).plan_total_cents == 61_875_000
