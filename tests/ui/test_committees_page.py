"""Page « Comités » : figer, comparer (ancien barré → nouveau), consulter en lecture seule, exporter."""

from __future__ import annotations

from openpyxl import load_workbook
from PySide6.QtCore import QDate, QModelIndex, Qt
from PySide6.QtWidgets import QDialog, QFileDialog

from roadmap_app.plan.status import update_status
from ui.dialogs.snapshot_dialogs import NewSnapshotDialog


def open_page(window):
    return window.show_page("committees")


def fill_and_accept(name, committee, day):
    def fake_exec(dialog):
        dialog.name.setText(name)
        dialog.committee.setCurrentText(committee)
        dialog.date.setDate(day)
        return QDialog.DialogCode.Accepted

    return fake_exec


def test_take_a_snapshot_then_compare_with_the_current_state(window, qtbot, app_ctx, monkeypatch):
    page = open_page(window)
    assert page.summary.text().startswith("Aucun instantané")
    monkeypatch.setattr(
        NewSnapshotDialog, "exec", fill_and_accept("COTECH de juin", "COTECH", QDate(2024, 6, 12))
    )
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert page.list_model.rowCount() == 1
    assert page.list_model.index(0, 0).data() == "COTECH de juin"
    assert page.list_model.index(0, 1).data() == "COTECH"
    assert page.list_model.index(0, 2).data() == "12/06/2024"
    assert page.summary.text() == "Aucun changement."

    update_status(app_ctx, "EP-2.2", "Lensois", status="realise", progress=100, record_undo=False)
    update_status(app_ctx, "AI-3.1", "Audomarois", status="en_cours", record_undo=False)
    page.refresh()
    rows = [
        (
            page.diff_model.index(r, 1).data(),
            page.diff_model.index(r, 2).data(),
            page.diff_model.index(r, 4).data(),
        )
        for r in range(page.diff_model.rowCount())
    ]
    assert ("EP-2.2", "Lensois", "À lancer → Réalisé") in rows
    # le titre avant le code, comme la Feuille de route
    headers = [page.diff_model.headerData(c, Qt.Orientation.Horizontal) for c in range(2)]
    assert headers == ["Intitulé", "Code"]
    assert (
        page.diff_model.index(0, 0).data().startswith(("Orientation prononcée", "Accompagnement"))
    )
    assert ("AI-3.1", "Audomarois", "À lancer → En cours") in rows
    html = page.diff_model.index(0, 4).data(Qt.ItemDataRole.UserRole + 20)
    assert "<s" in html  # l'ancienne valeur est barrée

    page.bassin.setCurrentIndex(page.bassin.findText("Audomarois"))
    codes = {page.diff_model.index(r, 1).data() for r in range(page.diff_model.rowCount())}
    assert codes == {"AI-3.1"}
    page.bassin.setCurrentIndex(0)
    page.axe.setCurrentIndex(page.axe.findData("EP"))
    codes = {page.diff_model.index(r, 1).data() for r in range(page.diff_model.rowCount())}
    assert codes == {"EP-2.2"}


def test_a_duplicate_name_is_refused_with_a_message(window, qtbot, monkeypatch, dialogs):
    page = open_page(window)
    monkeypatch.setattr(
        NewSnapshotDialog, "exec", fill_and_accept("COPIL", "COPIL", QDate(2024, 10, 1))
    )
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert page.list_model.rowCount() == 1
    assert dialogs[-1][0] == "warning" and "déjà" in dialogs[-1][2]


def test_view_a_snapshot_read_only(window, qtbot, app_ctx, monkeypatch):
    page = open_page(window)
    assert page.take_snapshot("Lecture", "COPIL", QDate(2024, 9, 1).toPython())
    update_status(app_ctx, "EP-2.2", "Lensois", status="realise", record_undo=False)
    page.table.selectRow(0)
    viewer = page.view_selected()
    qtbot.addWidget(viewer)
    assert not viewer.detail.editor_box.isEnabled()
    lens = viewer.plan.bassin("Lensois").id
    assert viewer.plan.action("EP-2.2").statuses[lens].status == "a_lancer"  # figé
    viewer.filters.search.setText("stock")
    shown_axes = [
        r for r in range(viewer.model.rowCount()) if not viewer.tree.isRowHidden(r, QModelIndex())
    ]
    assert len(shown_axes) == 1


def test_export_the_pack_off_the_ui_thread(window, qtbot, tmp_path, monkeypatch):
    page = open_page(window)
    page.take_snapshot("COPIL d'octobre", "COPIL", QDate(2024, 10, 15).toPython())
    target = tmp_path / "pack.xlsx"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    page.after.setCurrentIndex(page.after.findText("COPIL d'octobre (15/10/2024)"))
    qtbot.mouseClick(page.export_xlsx, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.last_export is not None, timeout=30_000)
    assert page.last_export == target
    wb = load_workbook(target)
    assert wb.sheetnames[0] == "Synthèse" and "Changements" in wb.sheetnames
    target_pdf = tmp_path / "pack.pdf"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target_pdf), ""))
    )
    qtbot.mouseClick(page.export_pdf, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.last_export == target_pdf, timeout=30_000)
    assert target_pdf.read_bytes().startswith(b"%PDF")


def test_changing_the_bassin_filter_does_not_read_the_states_again(
    window, qtbot, app_ctx, monkeypatch
):
    import ui.pages.committees_page as committees

    page = open_page(window)
    monkeypatch.setattr(
        NewSnapshotDialog, "exec", fill_and_accept("COPIL", "COPIL", QDate(2024, 6, 12))
    )
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    reads: list[object] = []
    original = committees.compare
    monkeypatch.setattr(
        committees,
        "compare",
        lambda ctx, key, *rest: reads.append(key) or original(ctx, key, *rest),
    )
    page.bassin.setCurrentIndex(page.bassin.findText("Lensois"))
    page.axe.setCurrentIndex(page.axe.findData("AI"))
    assert reads == []  # filtrer la comparaison déjà faite ne relit rien
    update_status(app_ctx, "AI-1.1", "Lensois", status="en_cours", record_undo=False)
    page.compare()  # la base a changé : la comparaison est refaite
    assert len(reads) == 1
    codes = {page.diff_model.index(r, 1).data() for r in range(page.diff_model.rowCount())}
    assert codes == {"AI-1.1"}


def test_a_new_snapshot_is_compared_once_with_the_current_state(window, qtbot, monkeypatch):
    """Figer un instantané le compare à l'état actuel, sans comparer d'abord l'ancien choix
    (à 100× : une lecture et une comparaison complètes de plus, au pic de mémoire)."""
    import ui.pages.committees_page as committees

    page = open_page(window)
    assert page.take_snapshot("COPIL de mai", "COPIL", QDate(2024, 5, 2).toPython())
    reads: list[object] = []
    original = committees.compare
    monkeypatch.setattr(
        committees,
        "compare",
        lambda ctx, key, *rest: reads.append(key) or original(ctx, key, *rest),
    )
    assert page.take_snapshot("COPIL de juin", "COPIL", QDate(2024, 6, 3).toPython())
    new_id = page.before.currentData()
    assert page.before.currentText() == "COPIL de juin (03/06/2024)"
    assert reads == [new_id]
    assert page.summary.text() == "Aucun changement."


def test_the_charts_of_a_background_export_are_freed_by_the_interface_thread(
    window, qtbot, app_ctx, tmp_path, monkeypatch
):
    """Le pack dessine ses graphiques dans un fil de travail ; les cycles de chaque figure sont
    ramassés dans le fil de l'interface (un ramassage dans le fil de travail pourrait y détruire
    un objet Qt et faire planter l'application)."""
    import gc
    import threading
    from datetime import date

    from roadmap_app.flows.service import set_month

    for month, entrants in ((7, 160), (8, 181), (9, 150)):
        set_month(app_ctx, "Lensois", date(2024, month, 1), {"entrants": entrants},
                  record_undo=False)  # fmt: skip
    page = open_page(window)
    target = tmp_path / "pack.xlsx"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    threads: list[str] = []

    def record(phase, info):
        if phase == "start":
            threads.append(threading.current_thread().name)

    gc.callbacks.append(record)
    try:
        qtbot.mouseClick(page.export_xlsx, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.last_export == target, timeout=60_000)
    finally:
        gc.callbacks.remove(record)
    assert load_workbook(target)["Graphiques"]._images, "le pack porte ses graphiques"
    assert threads, "les figures ont été ramassées"
    assert set(threads) == {threading.main_thread().name}
    assert gc.get_freeze_count() == 0


def test_indicator_link_changes_read_as_one_sentence_in_the_diff_table():
    """Avant : « — → — (2 nouveaux indicateurs liés à EP-1.1) », le libellé coupé dans « Nature »,
    et « 45 → 52 ((sans cible)) »."""
    from roadmap_app.committees.diff import SnapshotDiff
    from roadmap_app.committees.section_change import SectionChange
    from ui.models.diff_model import diff_rows

    diff = SnapshotDiff("A", "B")
    diff.sections = [
        SectionChange("indicateurs", "lien", "R1 – Taux ; M1a – Entrants", None, None, None,
                      "2 nouveaux indicateurs liés à EP-1.1"),
        SectionChange("indicateurs", "valeur", "PAR15J Lensois", "LEN", 45.0, 52.0, "(sans cible)"),
    ]  # fmt: skip
    link, value = diff_rows(diff, {"LEN": "Lensois"})
    assert (link.kind, link.plain()) == (
        "Indicateurs de suivi",
        "2 nouveaux indicateurs liés à EP-1.1 : R1 – Taux ; M1a – Entrants",
    )
    assert "—" not in link.html()
    assert value.plain() == "45 → 52 (sans cible)"


def test_a_long_change_sentence_keeps_a_normal_row_height(window, qtbot, app_ctx):
    """La hauteur se calculait sur une largeur nulle : « 2 nouveaux indicateurs liés à EP-1.1 :
    … » occupait une ligne de 400 px à 1366×768."""
    from roadmap_app.committees.snapshots import create_snapshot
    from roadmap_app.indicators import service as svc

    create_snapshot(app_ctx, "COTECH")
    svc.link(app_ctx, "EP-1.1", "R1", kind="tdb")
    svc.link(app_ctx, "EP-1.1", "M1a", kind="tdb")
    window.resize(1366, 736)
    page = window.show_page("committees")
    page.refresh()
    qtbot.wait(50)
    rows = [r for r in range(page.diff_model.rowCount())
            if "nouveaux indicateurs liés à EP-1.1" in page.diff_model.rows[r].plain()]  # fmt: skip
    assert rows and page.diff_view.rowHeight(rows[0]) < 80
