"""Où les corrections du jeu initial se voient : contradictions et lectures douteuses signalées là
où le chiffre ou la date s'affiche, moyens à confirmer depuis la page Flux BRSA."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from roadmap_app.flows.series import load_portfolios
from roadmap_app.flows.service import set_month


def _lens(app_ctx):
    set_month(app_ctx, "Lensois", date(2024, 9, 1), {"entrants": 150, "suivis_ft": 1100, "suivis_cd": 900},
              record_undo=False)  # fmt: skip


def test_the_delegates_to_confirm_are_flagged_then_confirmed_from_the_flows_page(
    window, app_ctx, qtbot
):
    _lens(app_ctx)
    dashboard = window.show_page("dashboard")
    dashboard.refresh()
    card = next(c for c in dashboard.cards if c.card.bassin.name == "Lensois")
    assert (
        "délégués 69 <span" in card.charge.text() and "ETP à confirmer" in card.charge.text()
    )  # 900 ÷ 13
    assert "l. 725" in card.charge.toolTip()

    flows = window.show_page("flows")
    flows.bassin.setCurrentIndex(flows.bassin.findText("Lensois"))
    text = flows.load_label.text()
    assert "⚠ À confirmer : 13 ETP au 31/12/2023" in text and "l. 725" in text
    assert "sept. 2024 : France Travail 69 · délégués 69 (ETP à confirmer)" in text
    assert "la taille de PF est 60" in text  # à côté du plafond de 70, avec sa ligne
    assert "Confirmer ou corriger…" in text
    chart = flows.charts["charge"]
    flows.show_chart("charge")
    labels = [line.get_label() for line in chart.figure.axes[0].lines]
    assert any("ETP à confirmer" in label for label in labels)

    dialog = flows.change_portfolio(run=False, prefill=("CD", date(2023, 12, 31)))
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Confirmer ou corriger les moyens"
    assert dialog.organisme.currentData() == "CD" and dialog.number.value() == 13
    assert dialog.start.date().toPython() == date(2023, 12, 31)
    assert "l. 725" in dialog.error.text() and dialog.error.isVisibleTo(dialog)
    dialog.number.setValue(9)  # ce que le Département a constaté : le nombre est corrigé
    dialog.save()
    assert not dialog.isVisible()
    text = flows.load_label.text()
    assert "À confirmer" not in text and "délégués 100" in text  # 900 ÷ 9
    lens = flows.bassin.currentData()
    (cd,) = [p for p in load_portfolios(app_ctx) if p.bassin_id == lens and p.organisme == "CD"]
    assert (
        (cd.number, cd.doubt) == (9, "") and "pour confirmer" in cd.source and "l. 469" in cd.source
    )
    dashboard = window.show_page("dashboard")
    dashboard.refresh()
    card = next(c for c in dashboard.cards if c.card.bassin.name == "Lensois")
    assert "ETP à confirmer" not in card.charge.text()


def test_the_finance_page_recalls_the_volet_2_cofinancing_rule(window, qtbot):
    page = window.show_page("finance")
    page.select_volet(2)
    qtbot.waitUntil(lambda: page.vf is not None and page.vf.volet.number == 2)
    text = page.header.flags_label.text()
    assert "co-financement du Département à hauteur de 50 %" in text
    assert "000_dab05ea08fd3d5d5.txt, l. 846" in text and "8\u202f251\u202f784,00\u00a0€" in text
    model = page.plan_model
    row = next(
        r for r in range(model.rowCount()) if model.index(r, 6).data() == "807\u202f000,00\u00a0€"
    )
    assert (
        model.index(row, 2).data()
        == "Action 2: Amplifier la politique d'accès à l'emploi pour tous"
    )
    assert (
        model.index(row, 1).data().startswith("ℹ ")
    )  # la note dit les deux lectures, avec leurs lignes
    tip = model.index(row, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert (
        "004_45402f372af52b9b.txt, l. 9439-9445" in tip
        and "000_dab05ea08fd3d5d5.txt, l. 692" in tip
    )


def test_the_doubtful_deadline_of_ai_3_3_is_flagged_in_the_tree(window):
    page = window.show_page("roadmap")
    model = page.model
    texts = {}

    def walk(parent):
        for row in range(model.rowCount(parent)):
            idx = model.index(row, 0, parent)
            code = idx.data()
            ech = model.index(row, 2, parent)
            texts[code] = (ech.data(), ech.data(Qt.ItemDataRole.ToolTipRole))
            walk(idx)

    walk(page.model.index(-1, -1))
    label, tip = texts["AI-3.3"]
    # en retard (⚠) et douteuse ((?)) : les deux marques précèdent le libellé tel qu'écrit
    assert label.removeprefix("⚠ ").startswith("(?) 1er janvier 2024")
    assert "Date douteuse" in tip and "lecture probable 1er janvier 2025" in tip
    assert texts["GP-1.1"][0].removeprefix("⚠ ").startswith("(?) 1er avril")
    assert "(?)" not in texts["EP-1.1"][0]


def test_the_lens_launch_day_shows_its_time_slot_unambiguously(window):
    page = window.show_page("workshops")
    model = page.model
    dates = [model.index(r, 1).data() for r in range(model.rowCount())]
    assert "05/06/2024\nAM (matin ou après-midi ?)" in dates
    assert all(not d.endswith("(AM)") for d in dates)


def test_the_bassins_list_flags_the_contradicted_delegates(window):
    dialog = window.open_bassins()
    model = dialog.model
    tip = model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert (
        "Délégués du CD (ETP) : 3.5 ETP" in tip
        and "⚠ 3,5 ETP accompagnement rénové équilibré. À confirmer" in tip
    )
    dialog.close()
