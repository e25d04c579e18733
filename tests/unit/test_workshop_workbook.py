"""Classeur partenaire : protégé, listes déroulantes, retour par les mêmes règles de fusion."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from roadmap_app.cli.main import main
from roadmap_app.plan.read import load_plan
from roadmap_app.plan.status import update_status
from roadmap_app.workshops.merge import apply_merge
from roadmap_app.workshops.package import PackageError
from roadmap_app.workshops.workbook import export_workbook, plan_workbook_merge
from tests.conftest import dump_store


def cell(ctx, code, bassin):
    plan = load_plan(ctx)
    return plan.action(code).statuses[plan.bassin(bassin).id]


def rows_by_code(ws):
    return {ws.cell(r, 1).value: r for r in range(5, ws.max_row + 1) if ws.cell(r, 1).value}


@pytest.fixture
def workbook(ctx, tmp_path):
    return export_workbook(ctx, tmp_path / "lensois.xlsx", "Lensois")


def test_the_workbook_is_locked_except_status_progress_and_note(workbook):
    wb = load_workbook(workbook)
    ws = wb["Actions"]
    assert ws.protection.sheet
    assert wb["_fusion"].sheet_state == "veryHidden"
    rows = rows_by_code(ws)
    assert len(rows) == 35
    r = rows["EP-2.1"]
    assert ws.cell(r, 7).value == "En cours"
    assert ws.cell(r, 1).protection.locked and ws.cell(r, 4).protection.locked
    assert (
        not ws.cell(r, 7).protection.locked
        and not ws.cell(r, 8).protection.locked
        and not ws.cell(r, 9).protection.locked
    )
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists and "Réalisé" in lists[0].formula1 and "G5" in str(lists[0].sqref)
    assert any(
        dv.type == "whole" and dv.formula2 == "100" for dv in ws.data_validations.dataValidation
    )


def test_round_trip_applies_partner_changes_with_the_merge_rules(ctx, workbook):
    wb = load_workbook(workbook)
    ws = wb["Actions"]
    rows = rows_by_code(ws)
    ws.cell(rows["EP-2.2"], 7).value = "Réalisé"
    ws.cell(rows["EP-2.2"], 8).value = 100
    ws.cell(rows["EP-2.2"], 9).value = "Validé en comité local"
    ws.cell(rows["GP-3.1"], 7).value = "En cours"
    wb.properties.lastModifiedBy = "Mission locale"
    wb.save(workbook)
    update_status(ctx, "GP-3.1", "Lensois", status="reporte")  # changé aussi ici : conflit
    plan = plan_workbook_merge(ctx, workbook)
    assert {c.label for c in plan.to_apply} == {
        "EP-2.2 / Lensois – statut", "EP-2.2 / Lensois – avancement", "EP-2.2 / Lensois – note",
    }  # fmt: skip
    assert [c.label for c in plan.conflicts] == ["GP-3.1 / Lensois – statut"]
    assert plan.to_apply[0].theirs_by.author == "Mission locale (classeur partenaire)"
    from roadmap_app.workshops.merge import MINE, Resolution

    apply_merge(ctx, plan, {plan.conflicts[0].key: Resolution(MINE)})
    assert (cell(ctx, "EP-2.2", "Lensois").status, cell(ctx, "EP-2.2", "Lensois").note) == (
        "realise",
        "Validé en comité local",
    )
    assert cell(ctx, "GP-3.1", "Lensois").status == "reporte"
    assert plan_workbook_merge(ctx, workbook).is_noop()  # une seconde fois : rien


def test_invalid_values_are_refused_with_sheet_row_and_column(ctx, workbook):
    wb = load_workbook(workbook)
    ws = wb["Actions"]
    rows = rows_by_code(ws)
    ws.cell(rows["EP-1.1"], 7).value = "Fini"
    ws.cell(rows["AI-4.1"], 8).value = 140
    ws.cell(rows["NU-1.2"], 8).value = "beaucoup"
    extra = ws.max_row + 1
    ws.cell(extra, 1).value = "ZZ-9.9"
    wb.save(workbook)
    before = dump_store(ctx.store)
    with pytest.raises(PackageError) as err:
        plan_workbook_merge(ctx, workbook)
    text = str(err.value)
    assert (
        f"feuille « Actions », ligne {rows['EP-1.1']}, colonne G (Statut) : « Fini » n'est pas un statut"
        in text
    )
    assert f"ligne {rows['AI-4.1']}, colonne H (Avancement (%)) : « 140 »" in text
    assert f"ligne {rows['NU-1.2']}, colonne H" in text
    assert f"ligne {extra}, colonne A (Code) : code d'action « ZZ-9.9 » inconnu" in text
    assert dump_store(ctx.store) == before


def test_altered_or_foreign_workbooks_are_refused(ctx, workbook, tmp_path):
    wb = load_workbook(workbook)
    wb["_fusion"]["A3"].value = wb["_fusion"]["A3"].value.replace("a_lancer", "realise", 1)
    wb.save(tmp_path / "altere.xlsx")
    with pytest.raises(PackageError, match="altéré"):
        plan_workbook_merge(ctx, tmp_path / "altere.xlsx")
    (tmp_path / "pas-un-classeur.xlsx").write_bytes(b"bonjour")
    with pytest.raises(PackageError, match="pas un classeur Excel"):
        plan_workbook_merge(ctx, tmp_path / "pas-un-classeur.xlsx")


def test_cli_workshop_commands(capsys, db_path, tmp_path):
    package = tmp_path / "lens.atelier.sqlite3"
    assert (
        main(
            [
                "--db",
                str(db_path),
                "workshop",
                "export",
                str(package),
                "--bassin",
                "Lensois",
                "--date",
                "2024-10-15",
                "--lieu",
                "Lens",
            ]
        )
        == 0
    )
    assert "Paquet écrit" in capsys.readouterr().out
    assert (
        main(
            [
                "--db",
                str(package),
                "actions",
                "set",
                "EP-2.2",
                "--bassin",
                "Lensois",
                "--status",
                "realise",
                "--author",
                "Atelier",
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "--db",
                str(db_path),
                "actions",
                "set",
                "EP-2.2",
                "--bassin",
                "Lensois",
                "--status",
                "abandonne",
            ]
        )
        == 0
    )
    capsys.readouterr()
    before = dump_store(db_path)
    assert main(["--db", str(db_path), "workshop", "merge", str(package), "--dry-run"]) == 0
    assert "1 conflit(s)" in capsys.readouterr().out
    assert main(["--db", str(db_path), "workshop", "merge", str(package)]) == 3
    assert "Rien n'a été écrit" in capsys.readouterr().err
    assert dump_store(db_path) == before
    assert (
        main(["--db", str(db_path), "workshop", "merge", str(package), "--conflicts", "theirs"])
        == 0
    )
    assert "Fusion terminée" in capsys.readouterr().out
    assert main(["--db", str(db_path), "workshop", "merge", str(package)]) == 0
    assert "Déjà fusionné" in capsys.readouterr().out
    assert main(["--db", str(db_path), "workshop", "list", "--format", "json"]) == 0
    import json

    ateliers = json.loads(capsys.readouterr().out)
    assert len(ateliers) == 7 and ateliers[0]["lieu"] == "Lens"


@pytest.mark.parametrize(
    "notes", [{"all": 1_000}, {"EP-2.2": 40_000}], ids=["35 notes de 1 000", "une de 40 000"]
)
def test_long_notes_round_trip(ctx, tmp_path, notes):
    """L'état de départ ne tient plus dans une cellule (32 767 caractères) : le classeur se relit
    quand même ; une note plus longue qu'une cellule est raccourcie à l'affichage et reste
    inchangée au retour ; la note changée par le partenaire est reprise."""
    plan = load_plan(ctx)
    codes = [a.code for a in plan.actions()] if "all" in notes else list(notes)
    size = notes.get("all", 0) or next(iter(notes.values()))
    for i, code in enumerate(codes):
        update_status(ctx, code, "Lensois", note=f"{i:03d} " + "é" * (size - 4), record_undo=False)
    path = export_workbook(ctx, tmp_path / "long.xlsx", "Lensois")
    assert not plan_workbook_merge(ctx, path).to_apply  # relu tel quel : rien à appliquer
    wb = load_workbook(path)
    assert all(len(str(c.value or "")) <= 32_767 for row in wb["_fusion"].iter_rows() for c in row)
    ws = wb["Actions"]
    rows = rows_by_code(ws)
    ws.cell(rows["GP-3.1"], 9).value = "Note du partenaire"
    wb.save(path)
    merge = plan_workbook_merge(ctx, path)
    assert [(c.key.split("|")[0].split("@")[0], c.field, c.theirs) for c in merge.to_apply] == [
        ("GP-3.1", "note", "Note du partenaire")
    ]
    apply_merge(ctx, merge)
    assert cell(ctx, "GP-3.1", "Lensois").note == "Note du partenaire"
    assert len(cell(ctx, codes[0], "Lensois").note) == size  # intacte, même au-delà d'une cellule
