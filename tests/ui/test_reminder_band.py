"""Bandeau de rappel du tableau de bord : échéances des N prochains jours, actions passées en
retard depuis la dernière ouverture ; un lien ouvre l'action ; masqué jusqu'au prochain
changement ; jamais pendant une revue en séance."""

from __future__ import annotations

import pytest


@pytest.fixture
def make_window(qtbot, app_ctx):
    from PySide6.QtCore import Qt

    from ui.app import make_application
    from ui.main_window import MainWindow

    make_application()
    made = []

    def make():
        w = MainWindow(app_ctx)
        qtbot.addWidget(w)
        w.setWindowState(w.windowState() & ~Qt.WindowState.WindowMaximized)
        w.resize(1366, 768)
        w.show()
        qtbot.waitExposed(w)
        made.append(w)
        return w

    yield make
    for w in made:
        w.close()


def band_codes(page) -> set[str]:
    return {r.action.code for r in page.band.due} | {r.action.code for r in page.band.late}


def test_no_band_when_nothing_is_due(make_window) -> None:
    page = make_window().show_page("dashboard")  # 15/10/2024 : prochaine échéance au 31/12
    assert page.band.isHidden()


def test_due_within_the_preference_and_the_cli_list(make_window, monkeypatch) -> None:
    from roadmap_app.plan.filters import ActionFilter
    from roadmap_app.plan.read import load_plan

    monkeypatch.setenv("ROADMAP_APP_TODAY", "2024-12-10")
    window = make_window()
    page = window.show_page("dashboard")
    assert page.band.isVisible()
    plan = load_plan(window.ctx)
    expected = {a.code for a in plan.active_actions()
                if ActionFilter(due_within_days=30).matches(a, plan.today)}  # fmt: skip
    assert {r.action.code for r in page.band.due} == expected and "ME-2.2" in expected
    assert "30 prochains jours" in page.band.text.text()
    # préférence : 10 jours → rien avant le 20/12
    dialog = window.open_preferences()
    dialog.days.setValue(10)
    dialog.accept()
    assert page.band.due == [] and page.band.isHidden()


def test_late_since_last_opening_and_link_opens_the_action(make_window, monkeypatch) -> None:
    monkeypatch.setenv("ROADMAP_APP_TODAY", "2024-12-20")
    first = make_window()  # première ouverture : retient le 20/12/2024
    assert first.show_page("dashboard").band.late == []
    first.close()
    monkeypatch.setenv("ROADMAP_APP_TODAY", "2025-01-05")
    window = make_window()
    page = window.show_page("dashboard")
    late = {r.action.code for r in page.band.late}
    assert {"ME-2.2", "NU-1.1", "EP-4.1"} <= late
    assert "EP-2.1" not in late  # déjà en retard le 20/12
    assert "depuis votre dernière ouverture" in page.band.text.text()
    page.band.text.linkActivated.emit("NU-1.1")
    roadmap = window.current_page()
    assert roadmap.objectName() == "page_roadmap"
    assert roadmap.detail.action_row.code == "NU-1.1"


def test_dismissed_until_the_next_change(make_window, monkeypatch) -> None:
    from roadmap_app.plan.status import update_status

    monkeypatch.setenv("ROADMAP_APP_TODAY", "2024-12-10")
    window = make_window()
    page = window.show_page("dashboard")
    assert page.band.isVisible()
    page.band.hide_button.click()
    assert page.band.isHidden()
    page.refresh()
    assert page.band.isHidden()  # même liste : reste masqué
    # la liste change (une action close sort du rappel) : le bandeau revient
    for b in ("Montreuillois", "Audomarois", "Lensois"):
        update_status(window.ctx, "ME-2.2", b, status="realise", record_undo=False)
    page.refresh()
    assert "ME-2.2" not in band_codes(page)
    assert page.band.isVisible()


def test_never_shown_during_a_review(make_window, monkeypatch) -> None:
    from datetime import date

    from roadmap_app.workshops.ateliers import create_atelier

    monkeypatch.setenv("ROADMAP_APP_TODAY", "2024-12-10")
    window = make_window()
    create_atelier(window.ctx, "Lensois", date(2024, 12, 10), place="Lens")
    workshops = window.show_page("workshops")
    workshops.refresh()
    workshops.table.selectRow(0)
    dialog = workshops.review()
    assert dialog is not None and dialog.isVisible()
    page = window.page("dashboard")
    page.refresh()
    assert page.band.isHidden()
    dialog.close()
    window.show_page("dashboard")
    assert page.band.isVisible()
