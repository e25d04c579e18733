"""Page Échéancier : lignes, barres et jalons aux dates du plan, référence d'un instantané,
filtres de la Feuille de route, clic qui ouvre l'action."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from roadmap_app.plan.timeline import NO_DATE

UNDATED = {"AI-6.2", "ME-2.1", "ME-3.2", "GP-2.1", "GP-3.1", "GP-4.1"}


def open_page(window, qtbot):
    action = next(
        a for a in window.findChildren(type(window.undo_action)) if a.text() == "Échéancier"
    )
    assert action.shortcut().toString() == "Ctrl+7"
    action.trigger()
    page = window.current_page()
    assert page.objectName() == "page_echeancier"
    qtbot.waitExposed(page.view)
    return page


def painted(page, code: str):
    view = page.view
    assert view.ensure_visible(code)
    view.viewport().repaint()
    return view.painted[code]


def test_rows_grouped_by_axe_and_cible_with_a_sans_date_group(window, qtbot) -> None:
    page = open_page(window, qtbot)
    rows = page.view.rows
    assert len(page.visible_action_codes()) == 35
    assert [r.kind for r in rows[:3]] == ["axe", "cible", "action"]
    assert rows[0].text.startswith("EP – ") and rows[2].item.action.code == "EP-1.1"
    i = next(i for i, r in enumerate(rows) if r.kind == "nodate")
    assert rows[i].text.startswith(NO_DATE)
    assert {r.item.action.code for r in rows[i + 1 :]} == UNDATED
    assert "35 actions" in page.filters.count.text()


def test_bars_and_milestones_are_drawn_at_their_dates(window, qtbot) -> None:
    page = open_page(window, qtbot)
    view = page.view
    milestone = painted(page, "EP-1.1")  # 15-mai-24 : un jalon d'un jour
    day_middle = (view.x_for(date(2024, 5, 15)) + view.x_for(date(2024, 5, 16))) / 2
    assert milestone.bar.center().x() == pytest.approx(day_middle)
    assert milestone.bar.width() == milestone.bar.height()  # un losange, pas une barre
    semester = painted(page, "ME-2.2")  # 2nd semestre 2024
    assert semester.bar.left() == pytest.approx(view.x_for(date(2024, 7, 1)))
    assert semester.bar.right() == pytest.approx(view.x_for(date(2025, 1, 1)))
    assert semester.shadow is None  # pas de référence choisie
    # zoom : même dates, autre échelle
    width = semester.bar.width()
    page.zoom.setCurrentIndex(page.zoom.findData("month"))
    semester = painted(page, "ME-2.2")
    assert semester.bar.width() == pytest.approx(width * 3.2 / 1.05, rel=0.01)
    assert semester.bar.left() == pytest.approx(view.x_for(date(2024, 7, 1)))
    page.zoom.setCurrentIndex(page.zoom.findData("year"))
    assert view.total_width() < view.chart_width() + 1  # tout le plan tient dans la vue


def test_baseline_snapshot_draws_a_shadow_and_the_slip_in_the_tooltip(
    window, qtbot, app_ctx
) -> None:
    from roadmap_app.committees.snapshots import create_snapshot
    from roadmap_app.plan.edit_actions import ActionFields, edit_action

    create_snapshot(app_ctx, "COPIL de septembre", committee="COPIL", taken_on=date(2024, 9, 20))
    edit_action(app_ctx, "EP-1.1", ActionFields(echeance_label="2nd semestre 2024"))
    page = open_page(window, qtbot)
    page.refresh()
    i = page.reference.findData("COPIL de septembre")
    assert i > 0
    page.reference.setCurrentIndex(i)
    page.reference.activated.emit(i)
    view = page.view
    moved = painted(page, "EP-1.1")
    assert moved.bar.left() == pytest.approx(view.x_for(date(2024, 7, 1)))
    assert moved.shadow.left() == pytest.approx(view.x_for(date(2024, 5, 15)))
    assert moved.shadow.right() == pytest.approx(view.x_for(date(2024, 5, 15)) + 2)
    assert moved.shadow.top() > moved.bar.bottom()  # barre fine sous celle d'aujourd'hui
    y = view.row_y(view.row_index("EP-1.1")) + 10
    tip = view.tooltip_at(QPointF(400, y))
    assert "« 15-mai-24 »" in tip and "« 2nd semestre 2024 »" in tip
    assert f"+{(date(2024, 12, 31) - date(2024, 5, 15)).days} jours" in tip
    assert "Montreuillois : " in tip
    # le comité est une ligne verticale
    assert any(k.date == date(2024, 9, 20) for k in view.timeline.lines())


def test_same_filters_as_the_feuille_de_route(window, qtbot) -> None:
    page = open_page(window, qtbot)
    roadmap = window.page("roadmap")
    for state in ({"overdue": True}, {"text": "entreprises"}, {"axe": roadmap.plan.axes[1].id}):
        page.filters.restore(state)
        roadmap.filters.restore(state)
        assert page.visible_action_codes()
        assert sorted(page.visible_action_codes()) == sorted(roadmap.visible_action_codes())
    bassin = roadmap.plan.bassins[1]
    page.filters.restore({"bassin": bassin.id})
    assert [b.id for b in page.view.bassins] == [bassin.id]
    page.filters.clear()
    assert len(page.view.bassins) == len(roadmap.plan.bassins)


def test_clicking_a_row_opens_the_action_on_the_feuille_de_route(window, qtbot) -> None:
    page = open_page(window, qtbot)
    view = page.view
    assert view.ensure_visible("NU-2.2")
    y = int(view.row_y(view.row_index("NU-2.2")) + 12)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(120, y))
    roadmap = window.current_page()
    assert roadmap.objectName() == "page_roadmap"
    assert roadmap.detail.action_row.code == "NU-2.2"


def test_the_timeline_starts_at_the_plan_and_ends_after_the_bilans(window, qtbot) -> None:
    page = open_page(window, qtbot)
    tl = page.view.timeline
    assert tl.start == date(2024, 1, 1) and tl.end == date(2026, 3, 31)
    kinds = {k.kind for k in tl.lines()}
    assert {"today", "volet3", "bilan"} <= kinds
    assert page.view.x_for(tl.today) == pytest.approx(
        page.view.x_for(tl.start) + (tl.today - tl.start).days * page.view.ppd
    )
    assert page.view.date_at(page.view.x_for(date(2025, 2, 3)) + 0.5) == date(2025, 2, 3)
    assert date(2025, 2, 3) + timedelta(days=1) == date(2025, 2, 4)


def test_file_menu_exports_the_calendar_of_the_bassin_shown(
    window, qtbot, tmp_path, dialogs
) -> None:
    from icalendar import Calendar

    action = window.calendar_action
    assert action.text() == "Exporter le &calendrier…"
    assert action in window.menuBar().actions()[0].menu().actions()
    page = open_page(window, qtbot)
    lens = next(b for b in page.view.bassins if b.name == "Lensois")
    page.filters.restore({"bassin": lens.id})
    result = window.export_calendar(tmp_path / "agenda")  # extension ajoutée
    assert result is not None and result.path == tmp_path / "agenda.ics"
    cal = Calendar.from_ical((tmp_path / "agenda.ics").read_bytes())
    summaries = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    assert "Fin du volet 3" in summaries
    actions = [s for s in summaries if s.startswith(("EP-", "AI-", "NU-", "ME-", "GP-"))]
    assert len(actions) == 29 and all(s.endswith("(Lensois)") for s in actions)
    assert "Calendrier écrit" in window.statusBar().currentMessage()
    # dossier introuvable : un message en français, aucun fichier
    assert window.export_calendar("/proc/nulle-part/agenda.ics") is None
    assert dialogs[-1][0] == "warning" and "Impossible d'écrire" in dialogs[-1][2]


def test_keyboard_moves_between_actions_and_enter_opens(window, qtbot) -> None:
    page = open_page(window, qtbot)
    view = page.view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Down)  # première action (les en-têtes sont sautés)
    assert view.rows[view.current_row].item.action.code == "EP-1.1"
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.rows[view.current_row].item.action.code == "EP-2.1"
    qtbot.keyClick(view, Qt.Key.Key_Plus)  # zoom avant : la liste suit
    assert view.zoom == "month" and page.zoom.currentData() == "month"
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert window.current_page().objectName() == "page_roadmap"
    assert window.current_page().detail.action_row.code == "EP-2.1"


def test_opens_on_the_oldest_late_action_not_on_an_empty_today(window, qtbot) -> None:
    """Au premier affichage, la plus ancienne action en retard (EP-1.1, 15-mai-24) est visible
    près du bord gauche : placer aujourd'hui (déc. 2026) à gauche laissait la vue vide."""
    from ui.widgets.timeline_view import LABEL_W

    page = open_page(window, qtbot)
    view = page.view
    view.viewport().repaint()
    x = view.x_for(date(2024, 5, 15))
    assert LABEL_W <= x <= LABEL_W + 0.2 * view.chart_width()
