"""Page Flux BRSA et tableau de bord, pilotés par leurs widgets (saisie au clavier, import, navigation)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from roadmap_app.flows.catalogue import INDICATORS
from roadmap_app.flows.series import load_series
from roadmap_app.flows.service import set_month

COL = {ind.code: i for i, ind in enumerate(INDICATORS)}


@pytest.fixture
def flows(window, qtbot):
    page = window.show_page("flows")
    window.activateWindow()  # la frappe va au widget qui a le focus, comme pour un utilisateur
    qtbot.waitUntil(window.isActiveWindow)
    page.select_bassin_name = lambda name: page.bassin.setCurrentIndex(page.bassin.findText(name))
    return page


def _row(page, month: date) -> int:
    return page.model.months.index(month)


def _type_in_cell(qtbot, page, month: date, code: str, text: str) -> None:
    table = page.table
    idx = page.model.index(_row(page, month), COL[code])
    table.setCurrentIndex(idx)
    table.setFocus()
    qtbot.keyClick(table, text[0])  # toute touche ouvre l'éditeur (AnyKeyPressed)…
    editor = QApplication.focusWidget()
    assert editor is not table
    qtbot.keyClicks(editor, text[1:])  # … qui reçoit la suite de la frappe
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.table.state() != page.table.State.EditingState)
    qtbot.wait(10)  # la grille et le graphique sont relus juste après


def _bar_heights(page) -> list[float]:
    ax = page.charts["entrants"].figure.axes[0]
    return [p.get_height() for p in ax.patches]


def test_three_months_typed_in_the_grid_are_stored_and_redraw_the_chart(flows, qtbot, app_ctx):
    flows.select_bassin_name("Lensois")
    for month, value in (
        (date(2024, 7, 1), "200"),
        (date(2024, 8, 1), "170"),
        (date(2024, 9, 1), "150"),
    ):
        _type_in_cell(qtbot, flows, month, "entrants", value)

    stored = load_series(app_ctx, "Lensois").series("entrants")
    assert stored == [
        (date(2024, 7, 1), 200.0),
        (date(2024, 8, 1), 170.0),
        (date(2024, 9, 1), 150.0),
    ]
    assert flows.tabs.currentIndex() == 0  # onglet « Entrants par mois et moyenne visée »
    heights = _bar_heights(flows)
    assert [h for h in heights if h] == [200.0, 170.0, 150.0]
    # « 177 ARSA par mois en moyenne » : chaque mois montre son écart à la moyenne ; un mois sous la
    # moyenne n'est pas un échec tant que le cumul tient l'objectif cumulé (août : 370 pour 354)
    aug = flows.model.index(_row(flows, date(2024, 8, 1)), COL["entrants"])
    assert flows.model.data(aug) == "170 (−7)"
    assert flows.model.data(aug, Qt.ItemDataRole.ForegroundRole) is None
    assert (
        "Cumul juil. 2024 – août 2024 : 370 pour 354 visés — objectif cumulé atteint"
        in flows.model.data(aug, Qt.ItemDataRole.ToolTipRole)
    )
    # septembre : le cumul passe sous l'objectif cumulé (520 pour 531) : signe en plus de la couleur
    sept = flows.model.index(_row(flows, date(2024, 9, 1)), COL["entrants"])
    assert flows.model.data(sept) == "150 (−27) ▼"
    assert "520 pour 531 visés — ▼ sous l'objectif cumulé" in flows.model.data(
        sept, Qt.ItemDataRole.ToolTipRole
    )


def test_a_part_above_its_total_is_refused_naming_the_cell_and_nothing_is_stored(
    flows, qtbot, app_ctx, dialogs
):
    flows.select_bassin_name("Audomarois")
    _type_in_cell(qtbot, flows, date(2024, 7, 1), "orientes", "40")
    _type_in_cell(qtbot, flows, date(2024, 7, 1), "orientes_ft", "45")

    assert len(dialogs) == 1
    kind, title, text = dialogs[0]
    assert (kind, title) == ("warning", "Valeur refusée")
    assert "Audomarois" in text and "juil. 2024" in text and "France Travail" in text
    assert "45" in text and "40" in text
    series = load_series(app_ctx, "Audomarois")
    assert series.value(date(2024, 7, 1), "orientes") == 40
    assert series.value(date(2024, 7, 1), "orientes_ft") is None


def test_a_negative_count_or_a_word_is_refused(flows, qtbot, app_ctx, dialogs):
    flows.select_bassin_name("Montreuillois")
    _type_in_cell(qtbot, flows, date(2024, 8, 1), "sortants", "-3")
    _type_in_cell(qtbot, flows, date(2024, 8, 1), "stock", "beaucoup")
    assert [d[1] for d in dialogs] == ["Valeur refusée", "Valeur refusée"]
    assert "négati" in dialogs[0][2]
    assert "beaucoup" in dialogs[1][2] and "n'est pas un nombre" in dialogs[1][2]
    assert load_series(app_ctx, "Montreuillois").months == []


def test_ctrl_z_undoes_a_typed_value(flows, qtbot, app_ctx, window):
    flows.select_bassin_name("Lensois")
    _type_in_cell(qtbot, flows, date(2024, 7, 1), "stock", "5300")
    assert load_series(app_ctx, "Lensois").value(date(2024, 7, 1), "stock") == 5300
    window.undo_action.trigger()
    assert load_series(app_ctx, "Lensois").value(date(2024, 7, 1), "stock") is None
    cell = flows.model.index(_row(flows, date(2024, 7, 1)), COL["stock"])
    assert flows.model.data(cell) == ""


def test_undoing_a_flows_change_reloads_only_the_pages_that_read_flows(
    flows, qtbot, app_ctx, window, monkeypatch
):
    """Annuler une saisie de flux relit la page Flux (et le tableau de bord), pas la Feuille de
    route ni le Financement : l'opération inverse ne touche que le domaine « flux »."""
    roadmap, finance = window.page("roadmap"), window.page("finance")
    dashboard = window.page("dashboard")
    reloaded: list[str] = []
    for key, page in (("roadmap", roadmap), ("finance", finance), ("dashboard", dashboard), ("flows", flows)):  # fmt: skip
        original = page.refresh
        monkeypatch.setattr(page, "refresh", lambda k=key, f=original: (reloaded.append(k), f()))
    flows.select_bassin_name("Lensois")
    _type_in_cell(qtbot, flows, date(2024, 7, 1), "stock", "5300")
    reloaded.clear()
    roadmap_plan = roadmap.plan
    window.undo_action.trigger()
    assert load_series(app_ctx, "Lensois").value(date(2024, 7, 1), "stock") is None
    assert sorted(reloaded) == ["dashboard", "flows"]
    assert roadmap.plan is roadmap_plan  # la Feuille de route n'a rien relu
    assert window.statusBar().currentMessage().startswith("Annulé : Flux Lensois")


def test_import_shows_a_preview_and_writes_only_when_confirmed(flows, app_ctx, tmp_path, qtbot):
    csv = tmp_path / "flux-lensois.csv"
    csv.write_text(
        "bassin;mois;indicateur;valeur\n"
        "Lensois;07/2024;Nouveaux entrants (ARSA);190\n"
        "Lensois;08/2024;entrants;168\n"
        "Lensois;08/2024;Orientés (total);150\n",
        encoding="utf-8",
    )
    seen = []

    def refuse(dialog):
        seen.append(dialog.model.rowCount())
        return False

    flows.confirm_import = refuse
    assert flows.import_path(csv) is False
    assert seen == [3]
    assert load_series(app_ctx, "Lensois").months == []

    previews = []

    def accept(dialog):
        previews.append(
            [dialog.model.data(dialog.model.index(r, 4)) for r in range(dialog.model.rowCount())]
        )
        return True

    flows.confirm_import = accept
    flows.select_bassin_name("Lensois")
    assert flows.import_path(csv) is True
    # l'écriture se fait hors du fil de l'interface (ui.tasks) ; la grille est relue ensuite
    qtbot.waitUntil(lambda: flows.import_task.done, timeout=30_000)
    assert flows.last_import == 3
    assert previews == [["190", "168", "150"]]
    series = load_series(app_ctx, "Lensois")
    assert series.series("entrants") == [(date(2024, 7, 1), 190.0), (date(2024, 8, 1), 168.0)]
    # la grille affichée est relue après l'import
    cell = flows.model.index(_row(flows, date(2024, 8, 1)), COL["orientes"])
    assert flows.model.data(cell) == "150"


def test_a_file_with_a_bad_cell_is_refused_whole_with_its_location(
    flows, app_ctx, tmp_path, dialogs
):
    csv = tmp_path / "flux.csv"
    csv.write_text(
        "bassin;mois;indicateur;valeur\nLensois;07/2024;entrants;190\nLensois;08/2024;entrants;-4\n",
        encoding="utf-8",
    )
    flows.confirm_import = lambda _d: pytest.fail("aucun aperçu pour un fichier refusé")
    assert flows.import_path(csv) is False
    assert dialogs[0][1] == "Import refusé"
    assert "ligne 3" in dialogs[0][2] and "D" in dialogs[0][2]
    assert load_series(app_ctx, "Lensois").months == []


def test_add_next_month_extends_the_grid(flows):
    before = list(flows.model.months)
    flows.add_month.click()
    assert flows.model.rowCount() == len(before) + 1
    last = before[-1]
    assert flows.model.months[-1] == date(last.year + (last.month == 12), last.month % 12 + 1, 1)


def test_every_chart_tab_draws_from_stored_values(flows, app_ctx):
    set_month(app_ctx, "Lensois", date(2024, 7, 1), {"entrants": 180, "orientes": 160, "orientes_ft": 90,
                                                    "orientes_15j": 120, "suivis_ft": 1100, "stock": 5200},
              record_undo=False)  # fmt: skip
    flows.select_bassin_name("Lensois")
    flows.refresh()
    for i, name in enumerate(
        ("entrants", "cumul", "orientations", "quinze-jours", "charge", "stock")
    ):
        flows.tabs.setCurrentIndex(i)
        fig = flows.charts[name].figure
        assert fig is not None and fig.axes, name
        assert "Lensois" in fig.axes[0].get_title("left")
    flows.tabs.setCurrentIndex(flows.tabs.count() - 1)
    text = flows.load_label.text()
    assert "16 portefeuilles" in text or "16" in text
    assert "69" in text  # 1 100 ARSA suivis ÷ 16 portefeuilles ≈ 69 par référent


def test_headers_carry_the_definition_as_tooltip(flows):
    tip = flows.model.headerData(
        COL["orientes_15j"], Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    assert "15 jours" in tip and "notification" in tip


# -- tableau de bord ---------------------------------------------------------------------------------
def test_dashboard_is_the_home_page_and_cards_show_stored_figures(window, app_ctx):
    for month, n in ((date(2024, 7, 1), 40), (date(2024, 8, 1), 30), (date(2024, 9, 1), 35)):
        set_month(app_ctx, "Montreuillois", month, {"entrants": n}, record_undo=False)
    set_month(app_ctx, "Montreuillois", date(2024, 9, 1), {"suivis_ft": 380}, record_undo=False)
    page = window.show_page("dashboard")
    page.refresh()
    card = next(c for c in page.cards if c.card.bassin.name == "Montreuillois")
    text = card.entrants.text()
    assert "105" in text and "108" in text  # 40 + 30 + 35 contre 3 × 36
    assert "sous l'objectif" in text
    assert (
        "76" in card.charge.text() and "au-delà de 70" in card.charge.text()
    )  # 380 ÷ 5 portefeuilles
    lens = next(c for c in page.cards if c.card.bassin.name == "Lensois")
    assert "pas encore de données" in lens.entrants.text()
    assert "177" in lens.entrants.text()


def test_late_link_opens_the_roadmap_filtered_on_that_bassin(window, qtbot, app_ctx):
    from roadmap_app.plan.read import load_plan

    page = window.show_page("dashboard")
    card = next(c for c in page.cards if c.card.bassin.name == "Lensois")
    assert card.late.isVisible()
    qtbot.mouseClick(card.late, Qt.MouseButton.LeftButton)
    roadmap = window.pages["roadmap"]
    assert window.stack.currentWidget() is roadmap
    assert roadmap.filters.overdue.isChecked()
    assert roadmap.filters.bassin.currentText() == "Lensois"
    plan = load_plan(app_ctx)
    lens = next(b for b in plan.bassins if b.name == "Lensois")
    late = sorted(a.code for a in plan.actions() if a.statuses[lens.id].overdue)
    assert sorted(roadmap.visible_action_codes()) == late
    assert f"{len(late)} action" in card.late.text()


def test_an_overdue_item_opens_its_action(window, qtbot):
    page = window.show_page("dashboard")
    item = page.overdue.item(0)
    code = item.data(Qt.ItemDataRole.UserRole)
    page.overdue.itemActivated.emit(item)
    roadmap = window.pages["roadmap"]
    assert window.stack.currentWidget() is roadmap
    assert roadmap.detail.action_row.code == code


def test_new_portfolio_from_a_date_changes_the_load_from_that_month_only(flows, qtbot, app_ctx):
    from PySide6.QtCore import QDate

    set_month(app_ctx, "Lensois", date(2024, 7, 1), {"suivis_ft": 1200}, record_undo=False)
    set_month(app_ctx, "Lensois", date(2024, 9, 1), {"suivis_ft": 1200}, record_undo=False)
    flows.select_bassin_name("Lensois")
    flows.tabs.setCurrentIndex(flows.tabs.count() - 1)
    dialog = flows.change_portfolio(run=False)
    qtbot.addWidget(dialog)
    assert dialog.bassin.currentText() == "Lensois"
    dialog.number.setValue(0)
    dialog.save()  # zéro portefeuille : refusé, la boîte reste ouverte avec le message
    assert dialog.isVisible() and "positif" in dialog.error.text()
    dialog.number.setValue(20)
    dialog.start.setDate(QDate(2024, 8, 1))
    dialog.save()
    assert not dialog.isVisible()
    text = flows.load_label.text()
    assert "sept. 2024 : France Travail 60" in text  # 1 200 ÷ 20
    assert "juil. 2024 : France Travail 75" in text  # 1 200 ÷ 16, moyens d'alors


def test_a_new_target_from_a_date_in_the_dialog(flows, qtbot, app_ctx):
    from PySide6.QtCore import QDate

    from roadmap_app.flows.series import load_targets, target_for

    flows.select_bassin_name("Montreuillois")
    dialog = flows.new_target(run=False)
    qtbot.addWidget(dialog)
    dialog.indicator.setCurrentIndex(dialog.indicator.findData("entrants"))
    assert dialog.kind.findData("monthly_min") == -1  # une moyenne d'entrants n'est pas un plancher
    dialog.kind.setCurrentIndex(dialog.kind.findData("monthly_average"))
    dialog.value.setValue(40)
    dialog.start.setDate(QDate(2025, 1, 1))
    dialog.save()
    assert not dialog.isVisible()
    targets = load_targets(app_ctx)
    mon = flows.bassin.currentData()
    assert target_for(targets, "entrants", mon, date(2024, 12, 1), "monthly_average").value == 36
    assert target_for(targets, "entrants", mon, date(2025, 2, 1), "monthly_average").value == 40


def test_each_figure_of_a_card_opens_its_chart(window, app_ctx):
    set_month(app_ctx, "Lensois", date(2024, 9, 1), {"entrants": 150, "orientes": 140, "orientes_15j": 120,
                                                    "suivis_ft": 1100}, record_undo=False)  # fmt: skip
    page = window.show_page("dashboard")
    page.refresh()
    card = next(c for c in page.cards if c.card.bassin.name == "Lensois")
    assert "href='quinze-jours'" in card.quinze.text()
    card.quinze.linkActivated.emit("quinze-jours")
    flows = window.pages["flows"]
    assert window.stack.currentWidget() is flows
    assert flows.bassin.currentText() == "Lensois"
    # titre court sur l'onglet, titre complet dans son infobulle
    assert flows.tabs.tabToolTip(flows.tabs.currentIndex()).startswith("Orientés en 15 jours")
    assert "Lensois" in flows.charts["quinze-jours"].figure.axes[0].get_title("left")
    page = window.show_page("dashboard")
    card = next(c for c in page.cards if c.card.bassin.name == "Lensois")
    card.charge.linkActivated.emit("charge")
    assert flows.tabs.tabToolTip(flows.tabs.currentIndex()).startswith("Charge par référent")


def test_enter_moves_down_like_a_spreadsheet(flows, qtbot, app_ctx):
    flows.select_bassin_name("Lensois")
    _type_in_cell(qtbot, flows, date(2024, 7, 1), "entrants", "150")
    current = flows.table.currentIndex()
    assert (flows.model.months[current.row()], current.column()) == (
        date(2024, 8, 1),
        COL["entrants"],
    )


def test_a_refused_value_stays_in_its_cell_selected_for_correction(flows, qtbot, app_ctx, dialogs):
    flows.select_bassin_name("Montreuillois")
    _type_in_cell(qtbot, flows, date(2024, 8, 1), "sortants", "-3")
    assert [d[1] for d in dialogs] == ["Valeur refusée"]
    qtbot.waitUntil(lambda: flows.table.state() == flows.table.State.EditingState)
    editor = QApplication.focusWidget()
    assert editor.text() == "-3" and editor.selectedText() == "-3"
    current = flows.table.currentIndex()
    assert (flows.model.months[current.row()], current.column()) == (
        date(2024, 8, 1),
        COL["sortants"],
    )
    qtbot.keyClicks(editor, "3")  # la saisie sélectionnée est remplacée
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: load_series(app_ctx, "Montreuillois").value(date(2024, 8, 1), "sortants") == 3
    )
    assert len(dialogs) == 1


def test_import_preview_lists_the_ignored_columns(flows, app_ctx, tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "flux-partenaire.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "Lensois 2025"
    ws.append(["Mois", "Bénéficiaires en accompagnement intensif", "Commentaire"])
    ws.append(["janv. 2025", 0.45, "provisoire"])
    ws["B2"].number_format = "0%"
    wb.save(path)
    seen = []

    def look(dialog):
        seen.append((dialog.ignored.isVisibleTo(dialog), dialog.ignored.text(),
                     dialog.model.data(dialog.model.index(0, 4))))  # fmt: skip
        return False

    flows.confirm_import = look
    assert flows.import_path(path) is False
    assert seen == [(True, "Ignoré : feuille « Lensois 2025 », colonne C « Commentaire » "
                     "(pas un indicateur)", "45")]  # fmt: skip
