"""Dialogue de fusion : intitulés avant codes, et valeur d'indicateur saisie pour trancher un
conflit vérifiée dans le dialogue (message en français sous les tableaux, pas de trace d'erreur)."""

from __future__ import annotations

from datetime import date

from roadmap_app.core.context import open_context
from roadmap_app.indicators import service as svc
from roadmap_app.plan.status import update_status
from roadmap_app.workshops.labels import load_titles
from roadmap_app.workshops.merge import EDIT, THEIRS, plan_package_merge
from roadmap_app.workshops.package import export_package
from ui.dialogs.merge_dialog import MergeDialog


def _dialog(qtbot, app_ctx, tmp_path):
    svc.set_value(app_ctx, "R1", 40, date(2024, 1, 1), bassin="Lensois")
    path, _atelier = export_package(app_ctx, tmp_path / "lens.atelier", "Lensois", day=date(2024, 10, 15))
    laptop = open_context(path, author="Animatrice Lens")
    try:
        svc.set_value(laptop, "R1", 48, date(2024, 1, 1), bassin="Lensois", replace=True)
        update_status(laptop, "EP-2.2", "Lensois", status="realise")
    finally:
        laptop.close()
    svc.set_value(app_ctx, "R1", 45, date(2024, 1, 1), bassin="Lensois", replace=True)
    plan = plan_package_merge(app_ctx, path)
    dialog = MergeDialog(plan, None, load_titles(app_ctx, plan))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_titles_come_before_codes_in_both_tables(qtbot, app_ctx, tmp_path):
    dialog = _dialog(qtbot, app_ctx, tmp_path)
    change = dialog.changes.item(0, 0)
    assert change.text().startswith("Orientation prononcée") and change.text().endswith("[EP-2.2] / Lensois – statut")
    conflict = dialog.conflicts.item(0, 0)
    assert conflict.text() == "Taux de retour à l'emploi… [R1] / Lensois – valeur 2024"
    assert conflict.toolTip() == "Taux de retour à l'emploi durable (à 6 mois) [R1] / Lensois – valeur 2024"
    assert dialog.conflicts.columnCount() == 5  # plus de colonne vide à droite
    assert dialog.conflicts.cellWidget(0, 4).placeholderText() == "nombre, ex. 12"


def test_a_wrong_indicator_value_is_refused_in_the_dialog(qtbot, app_ctx, tmp_path):
    dialog = _dialog(qtbot, app_ctx, tmp_path)
    dialog.choose(0, EDIT, "120")
    dialog.buttons.accepted.emit()
    assert dialog.error.text() == "Taux de retour à l'emploi… [R1] / Lensois – valeur 2024 : 120 % dépasse 100 %."
    assert dialog.result() == 0
    dialog.choose(0, EDIT, "52,5")
    dialog.buttons.accepted.emit()
    assert dialog.result() == 1
    [resolution] = dialog.resolutions().values()
    assert (resolution.decision, resolution.value) == (EDIT, 52.5)
    dialog.choose(0, THEIRS)
    assert dialog.resolutions()["ind|R1|LEN|2024-01-01|value"].decision == THEIRS
