"""Mise en page sur les écrans réels : chaque page à 1366×768 et 1280×720, la revue en séance à
1024×768 (vidéoprojecteur), les boîtes de dialogue principales.

Une fenêtre agrandie sur un écran de 1366×768 n'a pas 768 px de haut : la barre des tâches
(≈ 40 px) et la barre de titre (≈ 30 px) en prennent 70. Les pages sont donc rendues dans la
zone cliente d'une fenêtre agrandie ; la revue en séance, en plein écran, a tout l'écran.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize, Qt

from tests.ui.layout_check import layout_problems
from ui.pages import PAGES

#: écran → zone cliente d'une fenêtre agrandie (barre des tâches et barre de titre déduites)
SCREENS = {"1366x768": QSize(1366, 698), "1280x720": QSize(1280, 650)}
PROJECTOR = QSize(1024, 768)
TITLE_MIN_WIDTH = 220


def _settle(qtbot) -> None:
    qtbot.wait(20)


def _fit(window, qtbot, size: QSize) -> None:
    window.resize(size)
    _settle(qtbot)


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("key", [p.key for p in PAGES])
def test_every_page_fits_the_screen(window, qtbot, key, screen):
    from ui.screenshots import SCENES

    size = SCREENS[screen]
    _fit(window, qtbot, size)
    page = window.show_page(key)
    SCENES.get(key, lambda _p: None)(page)
    _settle(qtbot)
    problems = layout_problems(window, size)
    assert not problems, f"{key} à {screen} :\n" + "\n".join(problems)


@pytest.mark.parametrize("screen", SCREENS)
def test_roadmap_title_column_is_readable_with_every_bassin(window, qtbot, screen):
    size = SCREENS[screen]
    _fit(window, qtbot, size)
    page = window.show_page("roadmap")
    page.filters.clear()
    _settle(qtbot)
    assert page.visible_headers()[4:7] == ["Montreuillois", "Audomarois", "Lensois"]
    tree = page.tree
    assert tree.columnWidth(1) >= TITLE_MIN_WIDTH, f"Intitulé : {tree.columnWidth(1)} px"
    # tout tient sans barre de défilement horizontale
    assert not tree.horizontalScrollBar().isVisible()
    assert tree.header().length() <= tree.viewport().width()


def test_roadmap_title_survives_filter_changes_and_a_bad_saved_header(window, qtbot, app_ctx):
    """Un en-tête enregistré où l'intitulé faisait 20 px ne revient pas tel quel ; un filtre qui
    masque puis remontre des bassins refait les largeurs."""
    from ui.main_window import MainWindow

    size = SCREENS["1366x768"]
    page = window.show_page("roadmap")
    header = page.tree.header()
    header.resizeSection(1, 20)
    for col in range(4, 7):
        header.resizeSection(col, 400)
    window.save_window_state()
    window.close()

    again = MainWindow(app_ctx)
    qtbot.addWidget(again)
    again.resize(size)
    again.show()
    qtbot.waitExposed(again)
    page = again.show_page("roadmap")
    _settle(qtbot)
    assert page.tree.columnWidth(1) >= TITLE_MIN_WIDTH
    bassin = page.filters.bassin
    bassin.setCurrentIndex(bassin.findText("Lensois"))
    _settle(qtbot)
    bassin.setCurrentIndex(0)
    _settle(qtbot)
    assert page.tree.columnWidth(1) >= TITLE_MIN_WIDTH
    assert not page.tree.horizontalScrollBar().isVisible()


@pytest.mark.parametrize("size", [PROJECTOR, QSize(1280, 720), QSize(1920, 1080)],
                         ids=["1024x768", "1280x720", "1920x1080"])  # fmt: skip
def test_review_mode_fits_the_projector(window, qtbot, size):
    from ui.screenshots import _review

    dialog = _review(window)
    assert dialog is not None
    dialog.showNormal()
    dialog.resize(size)
    _settle(qtbot)
    problems = layout_problems(dialog, size)
    dialog.close()
    assert not problems, "\n".join(problems)


def test_flows_grid_shows_ten_months_and_opens_on_the_last_month_with_data(window, qtbot):
    from ui.screenshots import _demo_flows

    size = SCREENS["1366x768"]
    _fit(window, qtbot, size)
    _demo_flows(window.ctx)
    page = window.show_page("flows")
    page.select_bassin(page.bassin.itemData(page.bassin.findText("Lensois")))
    qtbot.wait(50)
    table = page.table
    rows = table.viewport().height() // table.rowHeight(0)
    assert rows >= 10, f"{rows} lignes visibles"
    current = page.model.months[table.currentIndex().row()]
    assert current == max(page.series.months)  # sept. 2024 : le dernier mois saisi
    assert table.viewport().rect().intersects(table.visualRect(table.currentIndex()))


def _snapshot_viewer(window):
    from datetime import date

    page = window.show_page("committees")
    page.take_snapshot("COTECH de juin 2024", "COTECH", date(2024, 6, 12))
    page.table.selectRow(0)
    return page.view_selected()


def _new_snapshot(window):
    from ui.dialogs.snapshot_dialogs import NewSnapshotDialog

    dialog = NewSnapshotDialog(window.ctx.today(), window)
    dialog.show()
    return dialog


def _atelier(window):
    from roadmap_app.plan.read import load_plan
    from ui.dialogs.atelier_dialog import AtelierDialog

    dialog = AtelierDialog(load_plan(window.ctx).bassins, window.ctx.today(), parent=window)
    dialog.show()
    return dialog


def _plan_import(window):
    """Aperçu de l'import du plan (Plan → Importer…) sur un export modifié : une ligne changée."""
    import tempfile
    from pathlib import Path

    from openpyxl import load_workbook

    path = Path(tempfile.mkdtemp()) / "plan.xlsx"
    window.plan_transfer.export_to(path)
    wb = load_workbook(path)
    ws = wb.active
    ws.cell(2, 13).value = "2nd semestre 2025"  # échéance de la première action
    ws.cell(1, 18).value = "Remarque"
    wb.save(path)
    return window.plan_transfer.import_path(path)


def _indicator_page(window, code):
    page = window.show_page("indicators")
    page.select_code(code)
    return page


def _link_indicator(window):
    page = window.show_page("roadmap")
    page.select_code("EP-2.1")
    page.link_indicator()
    from PySide6.QtWidgets import QApplication

    from ui.dialogs.indicator_dialogs import LinkIndicatorDialog

    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, LinkIndicatorDialog) and w.isVisible())


def _indicator_import(window):
    """Aperçu de « Importer des valeurs… » (page Indicateurs) : intitulés longs, six bassins."""
    import tempfile
    from pathlib import Path

    from roadmap_app.indicators import model as m
    from roadmap_app.indicators.io import plan_import, preview_rows
    from ui.dialogs.indicators_import_dialog import IndicatorImportPreviewDialog

    page = window.show_page("indicators")
    names = [n for _i, n in m.bassin_list(page.ctx)][:6]
    lines = ["indicateur;bassin;date;valeur"] + [f"{c};{n};2024;12" for c in ("R1", "R2", "M2") for n in names]
    path = Path(tempfile.mkdtemp()) / "valeurs-indicateurs.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = plan_import(page.ctx, path)
    dialog = IndicatorImportPreviewDialog(result, preview_rows(page.ctx, result), page)
    dialog.show()
    return dialog


#: boîtes atteintes depuis les pages, en plus de celles des captures (nom → ouverture)
MORE_DIALOGS = {
    "indicator_new": lambda w: _indicator_page(w, "R1").new_indicator(),
    "indicator_builtin": lambda w: _indicator_page(w, "R1").edit_indicator(),
    "indicator_steps": lambda w: _indicator_page(w, "M2").edit_steps(),
    "indicator_value": lambda w: _indicator_page(w, "entrants").enter_value(),
    "indicator_link": _link_indicator,
    "indicator_link_action": lambda w: _indicator_page(w, "R1").link_to_action(),
    "snapshot_viewer": _snapshot_viewer,
    "new_snapshot": _new_snapshot,
    "atelier": _atelier,
    "expense": lambda w: w.show_page("finance").add_expense(),
    "payment": lambda w: w.show_page("finance").add_payment(),
    "portfolio": lambda w: w.show_page("flows").change_portfolio(run=False),
    "target": lambda w: w.show_page("flows").new_target(run=False),
    "plan_import": _plan_import,
    "indicator_import": _indicator_import,
}


def _dialogs():
    from ui.screenshots import DIALOG_SCENES

    return {**DIALOG_SCENES, **MORE_DIALOGS}


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("name", sorted(_dialogs()))
def test_dialogs_fit_the_screen(window, qtbot, monkeypatch, name, screen):
    """Les boîtes des captures du guide et les autres boîtes atteintes depuis les pages."""
    size = SCREENS[screen]
    # l'écran hors écran des tests mesure 800 × 800 : les boîtes se règlent sur l'écran simulé
    monkeypatch.setattr("ui.dialogs.base.available_size", lambda _w: size, raising=False)
    _fit(window, qtbot, size)
    dialog = _dialogs()[name](window)
    assert dialog is not None
    _settle(qtbot)
    problems = layout_problems(dialog, size)
    dialog.close()
    assert not problems, f"{name} à {screen} :\n" + "\n".join(problems)


def test_dashboard_lists_show_titles_without_horizontal_scrolling(window, qtbot):
    size = SCREENS["1366x768"]
    _fit(window, qtbot, size)
    page = window.show_page("dashboard")
    _settle(qtbot)
    first = page.overdue.item(0)
    code = first.data(0x0100)  # Qt.UserRole : le code de l'action
    action = page.data.overdue[0][0]
    # le titre avant le code : l'intitulé en première ligne, le code en tête de la seconde
    assert first.text().startswith(f"{action.intitule}\n{code} · ")
    assert action.intitule in first.toolTip()
    for lst in (page.overdue, page.upcoming):
        assert not lst.horizontalScrollBar().isVisible()
        assert lst.horizontalScrollBar().maximum() == 0 or not lst.horizontalScrollBar().isVisible()
    assert page.upcoming.item(0).text() == "Aucune échéance dans les 30 prochains jours."


def test_a_fixed_validation_message_disappears(window, qtbot):
    from ui.screenshots import _new_cible

    dialog = _new_cible(window)
    qtbot.waitExposed(dialog)
    assert dialog.title_text() == ""
    dialog.accept()
    assert dialog.error.isVisible() and "vide" in dialog.error.text()
    qtbot.keyClicks(dialog.title_edit, "Nouvelle cible")
    assert not dialog.error.isVisible()
    dialog.close()


def test_placeholders_are_lighter_than_text(window):
    from PySide6.QtGui import QPalette

    palette = window.palette()
    text = palette.color(QPalette.ColorRole.Text)
    hint = palette.color(QPalette.ColorRole.PlaceholderText)
    assert hint.lightness() - text.lightness() > 100


def test_finance_opens_on_volet_3_and_flows_shows_its_settings_buttons(window, qtbot):
    size = SCREENS["1280x720"]
    _fit(window, qtbot, size)
    assert window.show_page("finance").volet_number == 3
    flows = window.show_page("flows")
    _settle(qtbot)
    for button in (flows.portfolio_button, flows.target_button):  # pas derrière un 7e onglet
        assert button.isVisible()
    tab_bar = flows.tabs.tabBar()  # les sept onglets tiennent : pas de flèches de défilement
    assert tab_bar.width() >= sum(tab_bar.tabRect(i).width() for i in range(tab_bar.count()))


def test_counts_that_mix_units_say_so(window):
    page = window.show_page("committees")
    horizontal = Qt.Orientation.Horizontal
    headers = [
        page.list_model.headerData(c, horizontal) for c in range(page.list_model.columnCount())
    ]
    assert "Actions × bassins en retard" in headers and "Actions × bassins réalisées" in headers


@pytest.mark.parametrize("screen", SCREENS)
def test_workshop_titles_come_first_and_stay_readable(window, qtbot, screen):
    """L'intitulé de l'atelier en première colonne, au moins 200 px (il était réduit à
    « Journée … » par une date et un type pris à leur largeur entière)."""
    _fit(window, qtbot, SCREENS[screen])
    page = window.show_page("workshops")
    _settle(qtbot)
    assert page.model.headerData(0, Qt.Orientation.Horizontal) == "Atelier"
    assert page.table.columnWidth(0) >= 200, f"Atelier : {page.table.columnWidth(0)} px"
    assert not page.table.horizontalScrollBar().isVisible()


@pytest.mark.parametrize("screen", SCREENS)
def test_finance_amounts_are_visible_without_scrolling(window, qtbot, screen):
    """Le plan de financement et la consommation tiennent en largeur : « Montant delta » n'est plus
    caché derrière le défilement horizontal à 1280 px."""
    _fit(window, qtbot, SCREENS[screen])
    page = window.show_page("finance")
    for view in (page.plan_view, page.consumption_view):
        page.tabs.setCurrentWidget(view.parentWidget() if page.tabs.indexOf(view) < 0 else view)
        _settle(qtbot)
        assert view.horizontalHeader().length() <= view.viewport().width() + 1, screen
