"""Imports tolérants : ce que les partenaires envoient vraiment (ticket 21).

Classeurs fabriqués ici avec openpyxl : pourcentages au format Excel, colonne ajoutée, onglets
renommés, onglet ambigu, part qui dépasse un total déjà enregistré ; le classeur partenaire
avec une colonne ajoutée et un avancement au format pourcentage. Tout ou rien, comme avant.
"""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from roadmap_app.cli.main import main
from roadmap_app.flows.io import ImportError_, apply_import, plan_import
from roadmap_app.flows.series import load_series
from roadmap_app.flows.service import set_month
from roadmap_app.workshops.package import PackageError
from roadmap_app.workshops.workbook import export_workbook, plan_workbook_merge
from tests.conftest import dump_store

JAN, FEB = date(2025, 1, 1), date(2025, 2, 1)
NBSP = "\u00a0"


def book(path, sheets):
    """``sheets`` : {titre: [lignes]} ; une valeur (valeur, format) reçoit ce format de nombre."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r, row in enumerate(rows, 1):
            for c, value in enumerate(row, 1):
                if isinstance(value, tuple):
                    ws.cell(r, c, value[0]).number_format = value[1]
                else:
                    ws.cell(r, c, value)
    wb.save(path)
    return path


def refused(ctx, path):
    before = dump_store(ctx.store)
    with pytest.raises(ImportError_) as err:
        plan_import(ctx, path)
    assert "rien n'a été écrit" in str(err.value)
    assert dump_store(ctx.store) == before
    return str(err.value)


def test_a_percent_typed_in_excel_is_read_as_shown(ctx, tmp_path):
    path = book(tmp_path / "flux.xlsx", {"Lensois": [
        ["Mois", "Bénéficiaires en accompagnement intensif", "Heures d'activité hebdomadaires moyennes"],
        ["janv. 2025", (0.45, "0%"), 14],
        ["févr. 2025", f"45,5{NBSP}%", (0.155, "0.0%")],
    ]})  # fmt: skip
    plan = plan_import(ctx, path)
    got = {(p.month, p.indicator): p.new for p in plan.items}
    assert got[(JAN, "accompagnement_intensif")] == 45
    assert got[(FEB, "accompagnement_intensif")] == 45.5
    assert got[(JAN, "heures_activite")] == 14
    assert got[(FEB, "heures_activite")] == 15.5  # « 15,5 % » affiché : lu tel qu'affiché
    apply_import(ctx, plan)
    assert load_series(ctx, "Lensois").value(JAN, "accompagnement_intensif") == 45


def test_an_extra_column_is_ignored_and_listed_in_the_preview(ctx, tmp_path, capsys, db_path):
    path = book(tmp_path / "flux.xlsx", {"Lensois": [
        ["Mois", "Nouveaux entrants (ARSA)", "Commentaire"],
        ["janv. 2025", 120, "chiffre provisoire"],
    ]})  # fmt: skip
    plan = plan_import(ctx, path)
    assert [(p.indicator, p.new) for p in plan.items] == [("entrants", 120)]
    assert plan.ignored == ["feuille « Lensois », colonne C « Commentaire » (pas un indicateur)"]
    ctx.close()
    assert main(["--db", str(db_path), "flows", "import", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Ignoré : feuille « Lensois », colonne C « Commentaire »" in out
    assert "Simulation : rien n'a été écrit." in out


def test_renamed_sheets_find_their_bassin_and_renamed_definitions_are_ignored(ctx, tmp_path):
    path = book(tmp_path / "flux.xlsx", {
        "Lensois 2025": [["Mois", "Entrants"], ["janv. 2025", 100]],
        "AUDOMAROIS": [["Mois", "Entrants"], ["janv. 2025", 60]],
        "Bassin_Montreuillois": [["Mois", "Entrants"], ["janv. 2025", 30]],
        "Defs": [["Code", "Indicateur", "Unité", "Définition"], ["entrants", "Nouveaux entrants", "nombre", "…"]],
        "Definitions": [["Code", "Indicateur"], ["x", "y"]],
    })  # fmt: skip
    plan = plan_import(ctx, path)
    assert sorted((p.bassin.name, p.new) for p in plan.items) == [
        ("Audomarois", 60), ("Lensois", 100), ("Montreuillois", 30)
    ]  # fmt: skip
    assert "feuille « Defs » (définitions des indicateurs)" in plan.ignored
    assert "feuille « Definitions » (définitions des indicateurs)" in plan.ignored


def test_an_ambiguous_or_unknown_sheet_name_is_a_located_error(ctx, tmp_path):
    path = book(tmp_path / "flux.xlsx", {
        "Lensois Audomarois": [["Mois", "Entrants"], ["janv. 2025", 100]],
        "Calaisis": [["Mois", "Entrants"], ["janv. 2025", 100]],
    })  # fmt: skip
    message = refused(ctx, path)
    assert ("feuille « Lensois Audomarois » (nom de l'onglet) : le nom de l'onglet "
            "« Lensois Audomarois » désigne plusieurs bassins (Audomarois, Lensois)") in message  # fmt: skip
    assert "feuille « Calaisis » (nom de l'onglet) : bassin « Calaisis » inconnu" in message
    assert "LEN " not in message and "LEN)" not in message


def test_a_part_exceeding_a_stored_total_names_the_cells_and_the_stored_value(ctx, tmp_path):
    set_month(ctx, "Lensois", JAN, {"orientes": 10, "orientes_ft": 4})
    path = book(tmp_path / "flux.xlsx", {"Lensois": [
        ["Mois", "Entrants", "dont orientés vers France Travail"],
        ["janv. 2025", 30, 12],
    ]})  # fmt: skip
    message = refused(ctx, path)
    assert (
        "feuille « Lensois », ligne 2, colonne C : 12 dépasse le total « Orientés (total) » (10)"
        in message
    )
    assert ("Cellules en cause : « dont orientés vers France Travail » en feuille « Lensois », "
            "ligne 2, colonne C ; « Orientés (total) » = 10, valeur déjà enregistrée "
            "(Lensois, janv. 2025).") in message  # fmt: skip
    # le total baissé dans le fichier sous les parts enregistrées : les deux côtés nommés
    path = book(
        tmp_path / "flux2.xlsx", {"Lensois": [["Mois", "Orientés (total)"], ["janv. 2025", 3]]}
    )
    message = refused(ctx, path)
    assert "feuille « Lensois », ligne 2, colonne B : " in message
    assert "« Orientés (total) » en feuille « Lensois », ligne 2, colonne B" in message
    assert "« dont orientés vers France Travail » = 4, valeur déjà enregistrée" in message


# -- classeur partenaire ---------------------------------------------------------------
def _rows(ws):
    return {ws.cell(r, 1).value: r for r in range(5, ws.max_row + 1) if ws.cell(r, 1).value}


def test_partner_workbook_accepts_percent_cells_and_an_extra_column(ctx, tmp_path):
    path = export_workbook(ctx, tmp_path / "lensois.xlsx", "Lensois")
    wb = load_workbook(path)
    ws = wb["Actions"]
    rows = _rows(ws)
    ws.cell(4, 10).value = "Commentaire"
    ws.cell(rows["EP-2.2"], 10).value = "à revoir"
    c = ws.cell(rows["EP-2.2"], 8)
    c.value, c.number_format = 0.45, "0%"
    ws.cell(rows["GP-3.1"], 8).value = f"60{NBSP}%"
    ws.title = "Actions Lensois"
    wb.save(path)
    plan = plan_workbook_merge(ctx, path)
    applied = {c.label: c.theirs for c in plan.to_apply}
    assert any("EP-2.2" in k and v == 45 for k, v in applied.items()), applied
    assert any("GP-3.1" in k and v == 60 for k, v in applied.items()), applied
    assert plan.ignored == ["feuille « Actions Lensois », colonne J « Commentaire »"]


def test_partner_workbook_errors_name_sheet_row_and_column(ctx, tmp_path):
    path = export_workbook(ctx, tmp_path / "lensois.xlsx", "Lensois")
    wb = load_workbook(path)
    ws = wb["Actions"]
    rows = _rows(ws)
    ws.cell(rows["EP-2.2"], 8).value = "45,5 %"
    wb.save(path)
    with pytest.raises(PackageError) as err:
        plan_workbook_merge(ctx, path)
    line = rows["EP-2.2"]
    assert (f"feuille « Actions », ligne {line}, colonne H (Avancement (%)) : « 45,5 % » "
            "n'est pas un entier de 0 à 100") in str(err.value)  # fmt: skip
    ws.cell(4, 7).value = "État"
    wb.save(path)
    with pytest.raises(PackageError) as err:
        plan_workbook_merge(ctx, path)
    assert "feuille « Actions », ligne 4 : colonne(s) « Statut » absente(s)" in str(err.value)
