"""Une modification faite ailleurs (ligne de commande, autre fenêtre, collègue sur la base
partagée) se voit au retour dans la fenêtre, sans redémarrer : la page affichée est relue, sa
sélection et son défilement gardés ; les autres pages le sont quand on les montre.

Avant : ``roadmap-cli indicators value …`` pendant que l'application était ouverte ne se voyait
qu'après l'avoir fermée et rouverte."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QApplication, QWidget

from roadmap_app.core.context import open_context
from roadmap_app.indicators import service as svc


@pytest.fixture
def elsewhere(db_path):
    """Un autre programme sur la même base (sa propre connexion, comme la ligne de commande)."""
    ctx = open_context(db_path, author="Autre poste")
    ctx.origin = "cli"
    yield ctx
    ctx.close()


def _leave_and_come_back(qtbot, window) -> None:
    """L'utilisateur passe à une autre fenêtre (le terminal) puis revient."""
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: not window.isActiveWindow())
    other.close()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QApplication.processEvents()


def _cell(page, code: str, bassin: str, column: int) -> str:
    for r in range(page.model.rowCount()):
        st = page.model.row_at(r).state
        if st.indicator.code == code and st.where == bassin:
            return page.model.index(r, column).data()
    raise AssertionError(f"{code} {bassin} absent")


def _selected(page) -> tuple[str, str] | None:
    rows = page.table.selectionModel().selectedRows()
    if not rows:
        return None
    st = page.model.row_at(rows[0].row()).state
    return st.indicator.code, st.where


LAST = 6  # colonne « Dernière valeur »


def test_a_value_written_from_the_command_line_shows_when_the_window_is_active_again(
    window, qtbot, app_ctx, elsewhere
):
    svc.set_value(app_ctx, "R1", 33, date(2024, 1, 1), bassin="Lensois")
    page = window.show_page("indicators")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    lens = next(r for r in range(page.model.rowCount())
                if (page.model.row_at(r).state.indicator.code, page.model.row_at(r).state.where) == ("R1", "Lensois"))  # fmt: skip
    page.table.selectRow(lens)
    bar = page.table.verticalScrollBar()
    bar.setValue(min(3, bar.maximum()))
    scrolled = bar.value()
    assert _cell(page, "R1", "Lensois", LAST) == "33 % (2024)"

    svc.set_value(elsewhere, "R1", 52, date(2025, 1, 1), bassin="Lensois")  # « indicators value »
    assert _cell(page, "R1", "Lensois", LAST) == "33 % (2024)"  # rien ne bouge tant qu'on est ailleurs
    _leave_and_come_back(qtbot, window)

    assert _cell(page, "R1", "Lensois", LAST) == "52 % (2025)"
    assert _selected(page) == ("R1", "Lensois")
    assert bar.value() == scrolled
    assert "modifiée par un autre programme" in window.statusBar().currentMessage()


def test_the_windows_own_writes_do_not_reload_it_again(window, qtbot, app_ctx, monkeypatch):
    page = window.show_page("indicators")
    calls = []
    monkeypatch.setattr(page, "refresh", lambda: calls.append("refresh"))
    svc.set_value(app_ctx, "R1", 40, date(2024, 1, 1), bassin="Lensois")  # par cette fenêtre
    assert window.reload_if_changed_elsewhere() is False
    assert calls == []


def test_an_outside_write_is_seen_even_if_the_window_wrote_after_it(window, qtbot, app_ctx, elsewhere):
    page = window.show_page("indicators")
    svc.set_value(elsewhere, "R1", 52, date(2025, 1, 1), bassin="Lensois")
    svc.set_value(app_ctx, "R1", 40, date(2024, 1, 1), bassin="Audomarois")  # écrit après, ici
    assert window.reload_if_changed_elsewhere() is True
    assert _cell(page, "R1", "Lensois", LAST) == "52 % (2025)"
    assert window.reload_if_changed_elsewhere() is False  # une fois suffit


def test_other_pages_are_reloaded_when_shown(window, qtbot, app_ctx, elsewhere, monkeypatch):
    window.show_page("dashboard")
    page = window.show_page("indicators")
    dashboard = window.pages["dashboard"]
    calls = []
    monkeypatch.setattr(dashboard, "refresh", lambda: calls.append("dashboard"))
    svc.set_value(elsewhere, "R1", 52, date(2025, 1, 1), bassin="Lensois")
    assert window.reload_if_changed_elsewhere() is True
    assert calls == [] and "dashboard" in window.stale  # pas montrée : relue plus tard
    assert _cell(page, "R1", "Lensois", LAST) == "52 % (2025)"
    window.show_page("dashboard")
    assert calls == ["dashboard"] and "dashboard" not in window.stale
    window.show_page("indicators")
    window.show_page("dashboard")
    assert calls == ["dashboard"]  # une seule fois


def test_a_page_with_unsaved_input_is_not_reloaded_under_the_user(window, qtbot, elsewhere, monkeypatch):
    page = window.show_page("indicators")
    calls = []
    monkeypatch.setattr(page, "refresh", lambda: calls.append("refresh"))
    monkeypatch.setattr(page, "has_unsaved_changes", lambda: True)
    svc.set_value(elsewhere, "R1", 52, date(2025, 1, 1), bassin="Lensois")
    assert window.reload_if_changed_elsewhere() is True
    assert calls == [] and "saisies seront enregistrées" in window.statusBar().currentMessage()
    monkeypatch.setattr(page, "has_unsaved_changes", lambda: False)  # enregistrées
    window.reload_if_changed_elsewhere()  # retour suivant dans la fenêtre
    assert calls == ["refresh"]
