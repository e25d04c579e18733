"""Menu Plan → Importer… / Exporter… : aperçu dans une boîte, Confirmer / Annuler, Ctrl+Z."""

from __future__ import annotations

from openpyxl import load_workbook
from PySide6.QtCore import QPoint, Qt

from roadmap_app.plan.read import load_plan
from tests.conftest import dump_store


def _menu_texts(window):
    bar = window.menuBar()
    plan = next(a.menu() for a in bar.actions() if a.text().replace("&", "") == "Plan")
    return [a.text().replace("&", "") for a in plan.actions() if a.text()]


def _edited_export(window, tmp_path, code="EP-2.2", echeance="2nd semestre 2025"):
    path = tmp_path / "plan.xlsx"
    assert window.plan_transfer.export_to(path)
    wb = load_workbook(path)
    ws = wb.active
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == code:
            row[header.index("Échéance")].value = echeance
    ws.cell(1, len(header) + 1).value = "Remarque"
    wb.save(path)
    return path


def _rows(dialog):
    m = dialog.model
    return [[m.data(m.index(r, c)) for c in range(m.columnCount())] for r in range(m.rowCount())]


def test_the_plan_menu_offers_import_and_export(window):
    texts = _menu_texts(window)
    assert "Importer…" in texts and "Exporter…" in texts


def test_import_preview_then_cancel_writes_nothing_and_confirm_writes_once(
    window, app_ctx, tmp_path, qtbot
):
    path = _edited_export(window, tmp_path)
    before = dump_store(app_ctx.store)
    dialog = window.plan_transfer.import_path(path)
    qtbot.waitExposed(dialog)
    rows = _rows(dialog)
    assert rows == [
        ["EP-2.2", rows[0][1], "modifiée", "échéance", "« 1er juin 2024 »", "« 2nd semestre 2025 »"]
    ]
    assert dialog.ignored.isVisible() and "colonne R « Remarque »" in dialog.ignored.text()
    assert dialog.confirm.isEnabled()
    assert "1 modifiée(s)" in dialog.summary.text()
    cancel = next(b for b in dialog.buttons.buttons() if b.text() == "Annuler")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert dump_store(app_ctx.store) == before

    dialog = window.plan_transfer.import_path(path)
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    # écrit hors du fil de l'interface (ui.tasks) : attendre la fin du travail
    qtbot.waitUntil(lambda: window.plan_transfer.import_task.done, timeout=30_000)
    assert load_plan(app_ctx).action("EP-2.2").echeance.label == "2nd semestre 2025"
    with app_ctx.store.session() as s:
        from sqlmodel import col, select

        from db.models import JournalEntry

        last = s.exec(select(JournalEntry).order_by(col(JournalEntry.id).desc())).first()
        entries = s.exec(
            select(JournalEntry).where(JournalEntry.operation_id == last.operation_id)
        ).all()
    assert {e.source for e in entries} == {"gui"}
    assert "echeance_label" in {e.field for e in entries}
    window.undo_action.trigger()
    assert load_plan(app_ctx).action("EP-2.2").echeance.label == "1er juin 2024"


def test_a_word_annex_creates_a_new_roadmap_from_the_dialog(window, app_ctx, tmp_path, qtbot):
    from docx import Document

    doc = Document()
    t = doc.add_table(rows=4, cols=4)
    for c, text in enumerate(("Cible opérationnelle", "Plan d'actions", "Échéances", "Pilotes")):
        t.cell(0, c).text = text
    t.cell(1, 0).merge(t.cell(1, 3)).text = "Feuille de route Numérique"
    for r, (plan_text, due) in enumerate((("Ouvrir DORA aux référents", "1er mars 2025"),
                                          ("Former les référents", "2nd semestre 2025")), 2):  # fmt: skip
        t.cell(r, 1).text, t.cell(r, 2).text, t.cell(r, 3).text = plan_text, due, "CD/FT"
    t.cell(2, 0).merge(t.cell(3, 0)).text = "Référencer l'offre d'insertion"
    doc.save(tmp_path / "avenant.docx")
    dialog = window.plan_transfer.import_path(tmp_path / "avenant.docx")
    assert dialog.confirm.isEnabled()  # mise à jour de la feuille courante possible
    dialog.into_new.setChecked(True)
    assert not dialog.confirm.isEnabled() and "Donnez un nom" in dialog.error.text()
    qtbot.keyClicks(dialog.new_name, "Avenant 2025")
    dialog.new_name.editingFinished.emit()
    assert (
        "nouvelle feuille de route « Avenant 2025 » : 2 action(s) ajoutée(s)"
        in dialog.summary.text()
    )
    assert [r[0] for r in _rows(dialog) if r[2] == "ajoutée"] == ["NU-1.1", "NU-1.2"]
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: load_plan(app_ctx).roadmap.name == "Avenant 2025")
    plan = load_plan(app_ctx)
    assert [(a.code, a.echeance.label, a.pilotes) for a in plan.actions()] == [
        ("NU-1.1", "1er mars 2025", ("CD", "FT")),
        ("NU-1.2", "2nd semestre 2025", ("CD", "FT")),
    ]


def test_a_refused_file_shows_its_located_error_and_cannot_be_confirmed(window, tmp_path):
    path = _edited_export(window, tmp_path)
    wb = load_workbook(path)
    ws = wb.active
    header = [c.value for c in ws[1]]
    ws.cell(3, header.index("Statut – Lensois") + 1).value = "Bientôt"
    wb.save(path)
    dialog = window.plan_transfer.import_path(path)
    assert dialog.error.isVisible()
    assert (
        "ligne 3, colonne I (Statut – Lensois) : « Bientôt » n'est pas un statut"
        in dialog.error.text()
    )
    assert not dialog.confirm.isEnabled()
    assert dialog.model.rowCount() == 0


def test_long_values_are_elided_in_the_cell_and_whole_in_the_tooltip(window, tmp_path):
    path = _edited_export(window, tmp_path)
    wb = load_workbook(path)
    ws = wb.active
    header = [c.value for c in ws[1]]
    long_text = (
        "Validé en comité local du 12 novembre.\n" + "Suite : " + "relances mensuelles " * 10
    )
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "EP-1.1":
            row[header.index("Commentaires")].value = long_text
    wb.save(path)
    dialog = window.plan_transfer.import_path(path)
    m = dialog.model
    r = next(i for i in range(m.rowCount()) if m.data(m.index(i, 3)) == "commentaires")
    assert m.data(m.index(r, 5)).startswith("« Validé en comité local du 12 novembre. ⏎ Suite : ")
    tip = m.data(m.index(r, 5), Qt.ItemDataRole.ToolTipRole)
    assert tip == f"« {long_text.strip()} »"


def test_the_archive_missing_box_turns_absent_actions_into_archived_ones(
    window, app_ctx, tmp_path, qtbot
):
    path = tmp_path / "plan.xlsx"
    assert window.plan_transfer.export_to(path)
    wb = load_workbook(path)
    ws = wb.active
    for r in range(ws.max_row, 1, -1):
        if str(ws.cell(r, 1).value).startswith("GP-"):
            ws.delete_rows(r)
    wb.save(path)
    dialog = window.plan_transfer.import_path(path)
    assert not dialog.confirm.isEnabled()  # absentes laissées telles quelles : rien à écrire
    assert "4 absente(s) du fichier (laissées telles quelles)" in dialog.summary.text()
    box = dialog.archive_missing  # le clic sur la case (à gauche), pas au milieu de la ligne
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert dialog.archive_missing.isChecked() and dialog.confirm.isEnabled()
    assert "4 absente(s) du fichier (archivées)" in dialog.summary.text()
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    # l'écriture se fait hors du fil de l'interface : attendre la fin du travail (pas seulement
    # l'enregistrement en base) avant d'annuler, sinon l'étape d'annulation n'est pas encore posée
    qtbot.waitUntil(lambda: window.plan_transfer.import_task.done, timeout=30_000)
    assert len(list(load_plan(app_ctx).actions())) == 31
    window.undo_action.trigger()
    assert len(list(load_plan(app_ctx).actions())) == 35
