"""Page « Indicateurs » pilotée comme un utilisateur : lignes par bassin, filtres, courbe."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QStyle

from roadmap_app.indicators import service as svc


def _setup(ctx):
    svc.link(ctx, "EP-1.1", "M2", kind="tdb")
    svc.link(ctx, "AI-1.1", "M3", kind="tdb")
    svc.set_step(ctx, "M2", "baseline", 45, day=date(2023, 12, 31))
    svc.set_step(ctx, "M2", "target", 35, year=2024)
    svc.set_step(ctx, "M3", "target", 20, year=2024)
    svc.set_values(ctx, [svc.ValueInput("delai_premier_entretien", "Lensois", date(2024, m, 1), 40 - m) for m in range(1, 10)]
                   + [svc.ValueInput("delai_premier_entretien", "Audomarois", date(2024, 9, 1), 42)]
                   + [svc.ValueInput("M3", "Lensois", date(2024, 9, 1), 25)])  # fmt: skip


def test_every_indicator_per_bassin_with_filters_and_a_chart(window, qtbot, app_ctx):
    _setup(app_ctx)
    page = window.show_page("indicators")
    model = page.model
    F = "delai_premier_entretien"  # M2, fondu dans son flux
    rows = [r for r in range(model.rowCount()) if model.index(r, 1).data() == F]
    shown = [(model.index(r, 2).data(), model.index(r, 7).data()) for r in rows]
    assert shown == [("Montreuillois", "pas de valeur"), ("Audomarois", "▼ en-dessous"), ("Lensois", "● atteint")]
    lens = rows[2]
    assert model.index(lens, 3).data() == "EP-1.1"
    assert model.index(lens, 4).data() == "45 (31/12/2023)" and model.index(lens, 5).data() == "35 (2024)"
    assert model.index(lens, 6).data() == "31 (sept. 2024)"  # une valeur mensuelle : son mois, pas « 01/09 »
    assert page.count.text() == "24 indicateurs"  # 7 nationaux (7 autres fondus dans leur flux) + 17 flux

    page.off_target.setChecked(True)
    assert [(model.index(r, 1).data(), model.index(r, 2).data()) for r in range(model.rowCount())] == [
        ("delai_premier_entretien", "Audomarois")]  # fmt: skip
    page.off_target.setChecked(False)
    page.axe.setCurrentIndex(page.axe.findText("AI"))
    assert {model.index(r, 1).data() for r in range(model.rowCount())} == {"M3"}
    page.axe.setCurrentIndex(0)
    page.bassin.setCurrentIndex(page.bassin.findText("Lensois"))
    assert {model.index(r, 2).data() for r in range(model.rowCount())} == {"Lensois"}
    page.source.setCurrentIndex(page.source.findText("Flux mensuels"))
    assert model.rowCount() == 17 and page.count.text() == "17 indicateur(s) sur 24"
    page.source.setCurrentIndex(0)
    page.linked_only.setChecked(True)
    assert {model.index(r, 1).data() for r in range(model.rowCount())} == {"delai_premier_entretien", "M3"}

    assert page.chart.figure is None  # pas de courbe (ni matplotlib) avant le premier choix
    page.table.selectRow(next(r for r in range(model.rowCount()) if model.index(r, 1).data() == F))
    assert page.shown_code == "delai_premier_entretien"
    qtbot.waitUntil(lambda: page.chart.figure is not None)  # tracé au tour de boucle suivant
    ax = page.chart.figure.axes[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert "Lensois" in labels and "Cible (à partir de sa date)" in labels and "Référence au 31/12/2023" in labels


def test_the_page_is_in_the_view_menu_and_loads_nothing_heavy_before_use():
    code = ("import sys, ui.pages.indicators_page, roadmap_app.indicators.model; "
            "print(sorted(m for m in ('matplotlib', 'openpyxl') if m in sys.modules))")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_view_menu_opens_the_page(window, qtbot):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Affichage")
    action = next(a for a in menu.actions() if a.text() == "Indicateurs")
    action.trigger()
    assert window.stack.currentWidget() is window.pages["indicators"]


@pytest.mark.parametrize("size", [QSize(1366, 698), QSize(1280, 650)], ids=["1366x768", "1280x720"])
def test_values_targets_and_statuses_are_readable_on_a_laptop_screen(window, qtbot, app_ctx, size):
    """À 1366 × 768, Référence, Cible et Code étaient coupés « … » et l'intitulé prenait toute la
    place : chaque colonne de valeurs est au moins aussi large que son contenu et son titre,
    l'intitulé (en tête, avant le code) prend le reste, et un texte abrégé a son infobulle."""
    _setup(app_ctx)
    svc.link(app_ctx, "EP-1.1", "M3", kind="tdb")
    svc.link(app_ctx, "EP-2.1", "M3", kind="tdb")
    svc.link(app_ctx, "EP-3.1", "M3", kind="tdb")
    svc.set_step(app_ctx, "M3", "baseline", 18, day=date(2023, 12, 31), bassin="Lensois")
    window.resize(size)
    page = window.show_page("indicators")
    qtbot.wait(20)
    table, model = page.table, page.model
    header = table.horizontalHeader()
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in (0, 1)] == ["Indicateur", "Code"]
    fm = table.fontMetrics()
    margin = 2 * (table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1)
    for col in (2, 4, 5, 6, 7):  # bassin, référence, cible, dernière valeur, statut
        title = model.headerData(col, Qt.Orientation.Horizontal)
        width = table.columnWidth(col)
        assert width >= table.sizeHintForColumn(col), f"{title} : {width} px"
        assert width >= header.sectionSizeFromContents(col).width(), f"{title} : titre coupé ({width} px)"
        widest = max(fm.horizontalAdvance(str(model.index(r, col).data())) for r in range(model.rowCount()))
        assert widest + margin <= width, f"{title} : {widest + margin} px de texte pour {width} px"
    # le code : entier pour les indicateurs nationaux et ceux de la feuille de route (« PAR15J ») ;
    # le nom interne d'un flux (« orientes_cd_remobilisation ») peut s'abréger, son infobulle le donne
    codes = [model.index(r, 1).data() for r in range(model.rowCount()) if not model.row_at(r).state.indicator.is_flow]
    assert max(fm.horizontalAdvance(c) for c in codes) + margin <= table.columnWidth(1)
    assert table.columnWidth(1) >= header.sectionSizeFromContents(1).width()
    assert table.columnWidth(0) >= 200, f"Indicateur : {table.columnWidth(0)} px"
    assert not table.horizontalScrollBar().isVisible()
    m5 = next(r for r in range(model.rowCount()) if model.index(r, 1).data() == "M3")
    assert model.index(m5, 3).data(Qt.ItemDataRole.ToolTipRole) == "Actions mesurées : EP-1.1, EP-2.1, EP-3.1, AI-1.1"
    assert model.index(m5, 5).data(Qt.ItemDataRole.ToolTipRole) == model.index(m5, 5).data()


def _targets_drawn(page):
    ax = page.chart.figure.axes[0]
    return [list(line.get_ydata()) for line in ax.get_lines() if line.get_label() == "Cible (à partir de sa date)"]


def _row_of(page, code, bassin):
    model = page.model
    return next(r for r in range(model.rowCount())
                if model.index(r, 1).data() == code and model.index(r, 2).data() == bassin)  # fmt: skip


def _tool_buttons(page):
    return [page.edit_action, page.steps_action, page.value_action, page.link_action]


def test_a_hidden_row_takes_its_chart_and_buttons_with_it(window, qtbot, app_ctx):
    """Audit, point 6 : la ligne choisie cachée par « Hors cible seulement » ou par le filtre
    Bassin, le graphique montrait encore l'indicateur et Définition, Référence et cibles, Saisir
    une valeur, Lier à une action restaient actifs sans rien faire. La ligne encore visible reste
    choisie ; cachée, le graphique s'efface et les boutons se grisent."""
    _setup(app_ctx)
    page = window.show_page("indicators")
    page.table.selectRow(_row_of(page, "delai_premier_entretien", "Audomarois"))  # en-dessous : reste avec le filtre
    qtbot.waitUntil(lambda: page.shown_code == "delai_premier_entretien" and page.chart.figure is not None)
    page.off_target.setChecked(True)
    assert page.current().code == "delai_premier_entretien" and page.current_bassin() is not None
    assert page.chart.figure is not None and all(a.isEnabled() for a in _tool_buttons(page))
    page.off_target.setChecked(False)
    assert page.current().code == "delai_premier_entretien"

    page.table.selectRow(_row_of(page, "delai_premier_entretien", "Lensois"))  # atteint : caché par le filtre
    page.off_target.setChecked(True)
    assert page.current() is None
    assert page.chart.figure is None and page.chart.canvas is None and page.chart.empty.isVisibleTo(page)
    assert page.shown_code is None
    assert not any(a.isEnabled() for a in _tool_buttons(page)) and not page.archive_action.isEnabled()

    page.off_target.setChecked(False)
    page.table.selectRow(_row_of(page, "delai_premier_entretien", "Lensois"))
    qtbot.waitUntil(lambda: page.chart.figure is not None)
    page.bassin.setCurrentIndex(page.bassin.findText("Audomarois"))
    assert page.current() is None and page.chart.figure is None
    assert not any(a.isEnabled() for a in _tool_buttons(page))


def test_undo_redraws_the_chart_or_clears_it(window, qtbot, app_ctx):
    """Audit, point 6 : après Ctrl+Z d'une cible, la marche annulée restait dessinée ; après
    Ctrl+Z d'un indicateur créé, sa courbe restait affichée alors qu'il n'existait plus."""
    _setup(app_ctx)
    page = window.show_page("indicators")
    page.table.selectRow(_row_of(page, "M3", "Lensois"))
    qtbot.waitUntil(lambda: page.shown_code == "M3" and page.chart.figure is not None)
    svc.set_step(app_ctx, "M3", "target", 40, year=2027)
    page.refresh()  # (comme après la boîte Référence et cibles)
    qtbot.waitUntil(lambda: page.chart.figure is not None and any(40.0 in ys for ys in _targets_drawn(page)))
    assert page.current().code == "M3"
    window.undo()
    qtbot.waitUntil(lambda: page.chart.figure is not None and not any(40.0 in ys for ys in _targets_drawn(page)))
    assert page.current().code == "M3" and page.current_bassin() is not None
    assert all(a.isEnabled() for a in _tool_buttons(page))

    svc.add_indicator(app_ctx, "PAR15J", label="Part des ARSA reçus en 15 jours", unit="nombre",
                      direction="up", frequency="month")  # fmt: skip
    page.refresh()
    assert page.select_code("PAR15J")
    qtbot.waitUntil(lambda: page.shown_code == "PAR15J" and page.chart.figure is not None)
    window.undo()
    assert page.current() is None and page.shown_code is None
    assert page.chart.figure is None and page.chart.empty.isVisibleTo(page)
    assert not any(a.isEnabled() for a in _tool_buttons(page))


def test_the_first_click_shows_a_wait_text_and_cursor_before_the_chart(window, qtbot, app_ctx, monkeypatch):
    """Audit, point 8 : le premier graphique (chargement de matplotlib) prenait 2 à 3 s sans que
    l'écran change ; le premier clic semblait ignoré. La ligne est choisie tout de suite, le
    texte « Tracé de la courbe… » est peint et le curseur d'attente posé AVANT le tracé, puis
    retirés une fois la courbe dessinée."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    _setup(app_ctx)
    page = window.show_page("indicators")
    qtbot.wait(20)
    paints = []

    class Spy(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                paints.append(page.chart.empty.text())
            return False

    spy = Spy(page)
    page.chart.empty.installEventFilter(spy)
    seen_at_draw = []
    real = page.show_chart

    def show_chart(d):
        cursor = QApplication.overrideCursor()
        seen_at_draw.append((list(paints), cursor is not None and cursor.shape() == Qt.CursorShape.WaitCursor))
        real(d)

    monkeypatch.setattr(page, "show_chart", show_chart)
    page.table.selectRow(_row_of(page, "delai_premier_entretien", "Lensois"))
    assert page.current().code == "delai_premier_entretien"  # la ligne est choisie sans attendre la courbe
    assert page.chart.empty.isVisibleTo(page) and page.chart.empty.text() == "Tracé de la courbe…"
    cursor = QApplication.overrideCursor()
    assert cursor is not None and cursor.shape() == Qt.CursorShape.WaitCursor
    qtbot.waitUntil(lambda: page.chart.figure is not None)
    assert len(seen_at_draw) == 1
    painted, waiting = seen_at_draw[0]
    assert "Tracé de la courbe…" in painted and waiting  # peint avant le tracé, curseur posé
    assert QApplication.overrideCursor() is None
    assert not page.chart.empty.isVisibleTo(page) and page.shown_code == "delai_premier_entretien"
    page.table.clearSelection()
    page.off_target.setChecked(True)  # la ligne cachée : le texte de départ revient
    assert page.chart.empty.text().startswith("Choisissez un indicateur")
    # un choix annulé avant le tracé ne laisse ni curseur d'attente ni tracé en retard
    page.off_target.setChecked(False)
    page.table.selectRow(_row_of(page, "delai_premier_entretien", "Lensois"))
    page.bassin.setCurrentIndex(page.bassin.findText("Audomarois"))
    qtbot.wait(50)
    assert QApplication.overrideCursor() is None and page.chart.figure is None and len(seen_at_draw) == 1


def test_leaving_the_page_before_the_chart_leaves_no_wait_cursor(window, qtbot, app_ctx):
    """Page quittée (ou fenêtre fermée) entre le clic et le tracé : le curseur d'attente restait
    posé pour toute l'application. Il est retiré ; la courbe est tracée au retour sur la page."""
    from PySide6.QtWidgets import QApplication

    _setup(app_ctx)
    page = window.show_page("indicators")
    page.table.selectRow(_row_of(page, "delai_premier_entretien", "Lensois"))
    assert QApplication.overrideCursor() is not None
    window.show_page("roadmap")
    assert QApplication.overrideCursor() is None
    qtbot.wait(20)
    assert page.chart.figure is None
    window.show_page("indicators")
    qtbot.waitUntil(lambda: page.chart.figure is not None and page.shown_code == "delai_premier_entretien")
    assert QApplication.overrideCursor() is None
    page.table.selectRow(_row_of(page, "delai_premier_entretien", "Audomarois"))
    window.close()
    assert QApplication.overrideCursor() is None


def test_each_bassin_keeps_its_colour_in_every_chart_and_in_the_panel(window, qtbot, app_ctx):
    """Audit, point 10 : la couleur suivait le rang de la série parmi celles qui ont des valeurs
    (Lensois vert pour R1, orange pour M2 sans Montreuillois, bleu filtré seul), et le panneau
    avait sa propre palette ; sa petite courbe ne prenait même pas la couleur du carré de son
    bassin. Chaque bassin a maintenant sa couleur, la même partout."""
    from matplotlib.colors import to_hex

    from roadmap_app.flows.charts import SERIES_COLORS
    from roadmap_app.indicators.model import bassin_list

    _setup(app_ctx)
    rank = {name: i for i, (_bid, name) in enumerate(bassin_list(app_ctx))}
    page = window.show_page("indicators")

    def colours(code, bassin_filter="Tous les bassins"):
        page.bassin.setCurrentIndex(page.bassin.findText(bassin_filter))
        page.table.clearSelection()
        page.table.selectRow(_row_of(page, code, "Lensois"))
        qtbot.waitUntil(lambda: page.chart.figure is not None and page.shown_key == (code, page.bassin.currentData()))
        ax = page.chart.figure.axes[0]
        return {line.get_label(): to_hex(line.get_color()) for line in ax.get_lines() if line.get_label() in rank}

    def colour_of(name):
        return SERIES_COLORS[rank[name]]

    lens, aud = colour_of("Lensois").lower(), colour_of("Audomarois").lower()
    assert colours("delai_premier_entretien") == {"Audomarois": aud, "Lensois": lens}
    assert colours("M3") == {"Lensois": lens}  # seul bassin avec une valeur : pas la première couleur
    assert colours("delai_premier_entretien", "Lensois") == {"Lensois": lens}  # filtré seul : sa couleur aussi
    roadmap = window.show_page("roadmap")
    assert roadmap.select_code("EP-1.1")  # M2 lié : valeurs pour Audomarois et Lensois
    card = roadmap.detail.indicators.cards[0]
    drawn = [(name, SERIES_COLORS[r]) for name, _pts, r in card.chart.series]
    assert drawn == [("Audomarois", colour_of("Audomarois")), ("Lensois", colour_of("Lensois"))]
    swatches = {text.split(" : ")[0][2:]: colour for text, colour, _b, _i in card.lines if text.startswith("■")}
    assert swatches["Audomarois"] == colour_of("Audomarois") and swatches["Lensois"] == colour_of("Lensois")
