"""Dialogue de fusion : les valeurs de flux d'un paquet d'atelier, groupées par bassin et par mois,
et leurs conflits tranchés comme les autres (valeur saisie vérifiée comme sur la page Flux BRSA)."""

from __future__ import annotations

from datetime import date

from roadmap_app.core.context import open_context
from roadmap_app.flows.series import load_series
from roadmap_app.flows.service import set_month
from roadmap_app.plan.status import update_status
from roadmap_app.workshops.merge import EDIT, THEIRS, apply_merge, plan_package_merge
from roadmap_app.workshops.package import export_package
from ui.dialogs.merge_dialog import MergeDialog

SEPT, OCT = date(2024, 9, 1), date(2024, 10, 1)


def _package(app_ctx, tmp_path):
    set_month(app_ctx, "Lensois", SEPT, {"entrants": 40, "orientes": 30}, record_undo=False)
    package, _ = export_package(app_ctx, tmp_path / "lens.atelier.sqlite3", "Lensois")
    laptop = open_context(package, author="Animatrice Lens")
    update_status(laptop, "EP-2.2", "Lensois", status="realise")
    set_month(laptop, "Lensois", SEPT, {"entrants": 50, "orientes": 32})
    set_month(laptop, "Lensois", OCT, {"entrants": 41})
    laptop.close()
    set_month(app_ctx, "Lensois", SEPT, {"entrants": 45}, record_undo=False)
    return package


def test_flow_changes_are_grouped_and_a_flow_conflict_is_resolved_in_the_dialog(qtbot, app_ctx, tmp_path):
    dialog = MergeDialog(plan_package_merge(app_ctx, _package(app_ctx, tmp_path)))
    qtbot.addWidget(dialog)
    table = dialog.changes
    rows = [" | ".join(table.item(r, c).text() if table.item(r, c) else "" for c in range(3))
            for r in range(table.rowCount())]  # fmt: skip
    assert rows == [
        "EP-2.2 / Lensois – statut | À lancer | Réalisé",
        "Flux mensuels – Lensois, sept. 2024 |  | ",
        "    Orientés (total) [orientes] | 30 | 32",
        "Flux mensuels – Lensois, oct. 2024 |  | ",
        "    Nouveaux entrants (ARSA) [entrants] | — | 41",
    ]
    assert table.columnSpan(1, 0) == 5
    assert table.item(2, 0).toolTip() == "Orientés (total) [orientes] – Lensois, sept. 2024"
    assert "<br>Dont 2 valeur(s) de flux mensuels (Lensois, sept. 2024 à oct. 2024)." in dialog.summary.text()
    assert dialog.conflicts.rowCount() == 1
    assert dialog.conflicts.item(0, 0).text() == "Nouveaux entrants (ARSA) [entrants] – Lensois, sept. 2024"
    assert dialog.conflicts.item(0, 1).text().startswith("45 (Testeur")
    assert dialog.conflicts.item(0, 2).text().startswith("50 (Animatrice Lens")

    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.choose(0, EDIT, "douze")
    dialog._accept()
    assert dialog.error.text() == "Nouveaux entrants (ARSA) [entrants] – Lensois, sept. 2024 : « douze » n'est pas un nombre."
    assert dialog.result() != dialog.DialogCode.Accepted
    dialog.choose(0, EDIT, "-3")
    dialog._accept()
    assert "négatif" in dialog.error.text()
    dialog.choose(0, THEIRS)
    assert ok.isEnabled()
    dialog._accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    result = apply_merge(app_ctx, dialog.plan, dialog.resolutions())
    assert result.applied == 4
    sept = load_series(app_ctx, "Lensois").month_values(SEPT)
    assert (sept["entrants"], sept["orientes"]) == (50, 32)


def test_a_hand_typed_flow_value_resolves_the_conflict(qtbot, app_ctx, tmp_path):
    dialog = MergeDialog(plan_package_merge(app_ctx, _package(app_ctx, tmp_path)))
    qtbot.addWidget(dialog)
    dialog.choose(0, EDIT, "47")
    assert dialog.conflicts.cellWidget(0, 4).placeholderText() == "nombre, ex. 12"
    apply_merge(app_ctx, dialog.plan, dialog.resolutions())
    assert load_series(app_ctx, "Lensois").month_values(SEPT)["entrants"] == 47
