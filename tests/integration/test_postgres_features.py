"""Chaque fonctionnalité sur une base PostgreSQL partagée : édition, comités, ateliers, financement,
sauvegarde, interface."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from roadmap_app.core.context import open_context
from roadmap_app.core.ops import undo_last
from roadmap_app.plan.read import load_plan
from roadmap_app.plan.status import update_status


@pytest.fixture
def pg_ctx(pg_url):
    ctx = open_context(pg_url, author="Équipe")
    yield ctx
    ctx.close()


def test_plan_editing_and_undo_on_postgres(pg_ctx):
    from roadmap_app.plan.edit_actions import ActionFields, create_action

    result = create_action(
        pg_ctx,
        "EP-2",
        ActionFields(intitule="Comités d'orientation mensuels", echeance_label="2nd semestre 2025"),
    )
    plan = load_plan(pg_ctx)
    new = next(a for a in plan.actions() if a.intitule == "Comités d'orientation mensuels")
    assert new.code == "EP-2.3" and new.echeance.end == date(2025, 12, 31)
    assert result is not None
    undo_last(pg_ctx)
    assert all(a.code != "EP-2.3" for a in load_plan(pg_ctx).actions())


def test_snapshots_diff_and_committee_pack_on_postgres(pg_ctx, tmp_path):
    from roadmap_app.committees.diff import diff_states
    from roadmap_app.committees.pack import export_pack
    from roadmap_app.committees.snapshots import create_snapshot, current_state, snapshot_state

    create_snapshot(pg_ctx, "COPIL", committee="COPIL", taken_on=date(2024, 9, 1))
    update_status(pg_ctx, "EP-2.2", "Lensois", status="realise")
    diff = diff_states(snapshot_state(pg_ctx, "COPIL"), current_state(pg_ctx), "COPIL", "actuel")
    assert [(c.code, c.bassin, c.new) for c in diff.cells] == [("EP-2.2", "LEN", "realise")]
    out = export_pack(pg_ctx, tmp_path / "pack.xlsx")
    assert "Changements" in load_workbook(out).sheetnames


def test_a_workshop_package_from_a_postgres_store_merges_back(pg_ctx, tmp_path):
    from roadmap_app.workshops.merge import apply_merge, plan_package_merge
    from roadmap_app.workshops.package import export_package

    package, _ = export_package(pg_ctx, tmp_path / "lens.atelier.sqlite3", "Lensois")
    laptop = open_context(package, author="Atelier")  # le paquet est un fichier SQLite autonome
    update_status(laptop, "AI-3.1", "Lensois", status="en_cours", progress=30)
    laptop.close()
    result = apply_merge(pg_ctx, plan_package_merge(pg_ctx, package))
    assert result.applied == 2
    cell = load_plan(pg_ctx).action("AI-3.1").statuses[load_plan(pg_ctx).bassin("Lensois").id]
    assert (cell.status, cell.progress, cell.updated_by) == ("en_cours", 30, "Atelier")


def test_finance_and_bilan_on_postgres(pg_ctx, tmp_path):
    from roadmap_app.finance.bilan_export import export_bilan
    from roadmap_app.finance.edit import ExpenseInput, add_expense
    from roadmap_app.finance.read import load_volet_finance

    before = load_volet_finance(pg_ctx, 3)
    line = next(ln for ln in before.plan_lines if ln.montant_cents == 14_875_000)
    add_expense(
        pg_ctx, 3, ExpenseInput(line_id=line.id, nature="Ateliers collectifs", montant="10 000,00")
    )
    after = load_volet_finance(pg_ctx, 3)
    assert after.spent_cents - before.spent_cents == 1_000_000
    export_bilan(pg_ctx, tmp_path / "bilan.xlsx", volet=3)
    assert (tmp_path / "bilan.xlsx").exists()


def test_a_postgres_store_is_backed_up_into_a_sqlite_file(pg_ctx, tmp_path):
    from roadmap_app.core.backup import backup_now

    copy = backup_now(pg_ctx, tmp_path / "sauvegarde.sqlite3")
    restored = open_context(copy)
    assert len(list(load_plan(restored).actions())) == 35
    restored.close()


def test_the_gui_works_on_postgres(qtbot, pg_ctx):
    from PySide6.QtCore import Qt

    from ui.app import make_application
    from ui.main_window import MainWindow

    make_application()
    w = MainWindow(pg_ctx)
    qtbot.addWidget(w)
    page = w.show_page("roadmap")
    assert len(page.visible_action_codes()) == 35
    page.select_code("EP-2.2")
    editor = page.detail.editor(load_plan(pg_ctx).bassin("Lensois").id)
    editor.status.setCurrentIndex(editor.status.findData("realise"))
    qtbot.mouseClick(page.detail.save_button, Qt.MouseButton.LeftButton)
    assert (
        load_plan(pg_ctx).action("EP-2.2").statuses[load_plan(pg_ctx).bassin("Lensois").id].status
        == "realise"
    )
    w.show_page("committees")
    w.show_page("workshops")
    w.show_page("finance")
    w.close()


def test_the_shared_store_is_chosen_and_tested_in_a_dialog(qtbot, pg_server, pg_url):
    from PySide6.QtCore import Qt

    from roadmap_app.core.context import resolve_target
    from ui.dialogs.store_dialog import StoreDialog, test_connection

    assert "base est vide" in test_connection(pg_url)
    assert "✖" in test_connection(pg_server.url("x", user="equipe", password="faux"))
    dialog = StoreDialog()
    qtbot.addWidget(dialog)
    dialog.shared.setChecked(True)
    dialog.url.setText(pg_url)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert "Connexion réussie" in dialog.feedback.text()
    dialog._accept()
    assert resolve_target(None) == pg_url
    dialog2 = StoreDialog()
    qtbot.addWidget(dialog2)
    dialog2.local.setChecked(True)
    dialog2._accept()
    assert str(resolve_target(None)).endswith("roadmap.sqlite3")


def test_indicator_series_freeze_and_compare_on_postgres(pg_ctx):
    """Séries figées au format 3 par ``string_agg`` (valeurs écrites par PostgreSQL : « 12 », pas
    « 12.0 » comme SQLite), comparées à la dernière valeur lue de la même façon."""
    from roadmap_app.committees.diff import diff_states
    from roadmap_app.committees.indicators_section import SECTION, describe, series_of
    from roadmap_app.committees.snapshots import create_snapshot, current_state, snapshot_state
    from roadmap_app.indicators import service as svc

    svc.add_indicator(pg_ctx, "MENS", label="Entretiens du mois", unit="nombre", frequency="month")
    svc.link(pg_ctx, "EP-1.1", "MENS", kind="tdb")
    for month, value in ((1, 12), (2, 15.5), (3, 9)):
        svc.set_value(pg_ctx, "MENS", value, date(2024, month, 1), bassin="Lensois")
    svc.set_value(pg_ctx, "MENS", 4, date(2024, 1, 1), bassin="Audomarois")
    svc.set_value(pg_ctx, "MENS", 6, date(2024, 3, 1), bassin="Audomarois")
    create_snapshot(pg_ctx, "COPIL", taken_on=date(2024, 4, 1))
    values = snapshot_state(pg_ctx, "COPIL")[SECTION]["values"]["MENS"]
    assert values == {"LEN": ["2024-03-01", "12;15.5;9"], "AUD": ["2024-01-01;2024-03-01", "4;6"]}
    assert series_of(values["LEN"]) == [("2024-01-01", 12.0), ("2024-02-01", 15.5), ("2024-03-01", 9.0)]
    assert current_state(pg_ctx)[SECTION]["values"]["MENS"] == {"LEN": ["2024-03-01", "9"], "AUD": ["2024-03-01", "6"]}
    diff = diff_states(snapshot_state(pg_ctx, "COPIL"), current_state(pg_ctx), "COPIL", "actuel")
    assert [s for s in diff.sections if s.section == SECTION] == []
    svc.set_value(pg_ctx, "MENS", 16, date(2024, 4, 1), bassin="Lensois")
    diff = diff_states(snapshot_state(pg_ctx, "COPIL"), current_state(pg_ctx), "COPIL", "actuel")
    assert [describe(s) for s in diff.sections if s.section == SECTION] == [
        "MENS Lensois : 9 → 16 (mars 2024 → avr. 2024 ; sans cible)"]  # fmt: skip
