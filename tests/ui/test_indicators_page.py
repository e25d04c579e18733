"""Page « Indicateurs » pilotée comme un utilisateur : lignes par bassin, filtres, courbe."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

from roadmap_app.indicators import service as svc


def _setup(ctx):
    svc.link(ctx, "EP-1.1", "M2", kind="tdb")
    svc.link(ctx, "AI-1.1", "M5", kind="tdb")
    svc.set_step(ctx, "M2", "baseline", 45, day=date(2023, 12, 31))
    svc.set_step(ctx, "M2", "target", 35, year=2024)
    svc.set_step(ctx, "M5", "target", 20, year=2024)
    svc.set_values(ctx, [svc.ValueInput("M2", "Lensois", date(2024, m, 1), 40 - m) for m in range(1, 10)]
                   + [svc.ValueInput("M2", "Audomarois", date(2024, 9, 1), 42)]
                   + [svc.ValueInput("M5", "Lensois", date(2024, 9, 1), 25)])  # fmt: skip


def test_every_indicator_per_bassin_with_filters_and_a_chart(window, qtbot, app_ctx):
    _setup(app_ctx)
    page = window.show_page("indicators")
    model = page.model
    shown = [(model.index(r, 1).data(), model.index(r, 2).data(), model.index(r, 7).data()) for r in range(6)]
    assert shown[:3] == [("M2", "Montreuillois", "pas de valeur"), ("M2", "Audomarois", "▼ en-dessous"),
                         ("M2", "Lensois", "● atteint")]  # fmt: skip
    assert model.index(2, 3).data() == "EP-1.1"
    assert model.index(2, 4).data() == "45 (31/12/2023)" and model.index(2, 5).data() == "35 (2024)"
    assert model.index(2, 6).data() == "31 (sept. 2024)"  # une valeur mensuelle : son mois, pas « 01/09 »
    assert page.count.text() == "31 indicateurs"  # 14 nationaux + 17 flux

    page.off_target.setChecked(True)
    assert [(model.index(r, 1).data(), model.index(r, 2).data()) for r in range(model.rowCount())] == [
        ("M2", "Audomarois")]  # fmt: skip
    page.off_target.setChecked(False)
    page.axe.setCurrentIndex(page.axe.findText("AI"))
    assert {model.index(r, 1).data() for r in range(model.rowCount())} == {"M5"}
    page.axe.setCurrentIndex(0)
    page.bassin.setCurrentIndex(page.bassin.findText("Lensois"))
    assert {model.index(r, 2).data() for r in range(model.rowCount())} == {"Lensois"}
    page.source.setCurrentIndex(page.source.findText("Flux mensuels"))
    assert model.rowCount() == 17 and page.count.text() == "17 indicateur(s) sur 31"
    page.source.setCurrentIndex(0)
    page.linked_only.setChecked(True)
    assert {model.index(r, 1).data() for r in range(model.rowCount())} == {"M2", "M5"}

    assert page.chart.figure is None  # pas de courbe (ni matplotlib) avant le premier choix
    page.table.selectRow(0)
    assert page.shown_code == "M2"
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
