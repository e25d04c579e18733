"""Saisies qui cassaient une étape suivante : caractères de contrôle, mois hors de la période,
textes-formules en CSV."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from openpyxl import load_workbook

from roadmap_app.cli.main import main
from roadmap_app.core.errors import ValidationError
from roadmap_app.plan.read import load_plan
from tests.conftest import dump_store

CONTROLS = "début\x01\x02\x0b\x0c\x1b[31m\x7ffin\tavec tabulation\r\net retour"


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_control_characters_are_stripped_at_input(capsys, db_path):
    code, _, err = run(capsys, "--db", str(db_path), "actions", "set", "EP-2.2", "--bassin", "Lensois",
                       "--note", CONTROLS)  # fmt: skip
    assert code == 0, err
    code, _, err = run(
        capsys, "--db", str(db_path), "actions", "edit", "EP-2.2", "--commentaires", CONTROLS
    )
    assert code == 0, err
    from roadmap_app.core.context import open_context

    ctx = open_context(db_path)
    plan = load_plan(ctx)
    action = plan.action("EP-2.2")
    ctx.close()
    expected = (
        "débutfin\tavec tabulation\net retour"  # ESC[31m : ESC retiré, « [31m » reste du texte
    )
    assert action.statuses[plan.bassin("Lensois").id].note == expected.replace("fin", "[31mfin")
    assert action.commentaires == expected.replace("fin", "[31mfin")


def test_every_workbook_writer_is_safe_on_its_own(capsys, db_path, tmp_path):
    """Des caractères de contrôle déjà en base (écrits par une version précédente) : bilan, pack
    et classeur partenaire s'écrivent quand même, sans eux."""
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE action_bassin SET note = ?", (CONTROLS,))
        conn.execute("UPDATE action SET commentaires = ?, plan_actions = ?", (CONTROLS, CONTROLS))
    conn.close()
    outputs = {
        "bilan": tmp_path / "bilan.xlsx",
        "pack": tmp_path / "pack.xlsx",
        "classeur": tmp_path / "partenaires.xlsx",
    }
    for args in (
        ["export", "bilan", str(outputs["bilan"])],
        ["export", "xlsx", str(outputs["pack"])],
        ["workshop", "workbook", "export", str(outputs["classeur"]), "--bassin", "Lensois"],
    ):
        code, _, err = run(capsys, "--db", str(db_path), *args)
        assert code == 0 and "Traceback" not in err, (args, err)
    for path in outputs.values():
        texts = [
            str(c.value)
            for ws in load_workbook(path).worksheets
            for row in ws.iter_rows()
            for c in row
            if isinstance(c.value, str)
        ]
        assert any("avec tabulation" in t for t in texts)
        assert not any(ch in t for t in texts for ch in "\x01\x02\x0b\x0c\x1b")


@pytest.mark.parametrize("month", ["9999-12", "1900-01", "12/2099"])
def test_months_far_outside_the_experiment_are_refused_at_import(capsys, db_path, tmp_path, month):
    path = tmp_path / "flux.csv"
    path.write_text(
        f"bassin;mois;indicateur;valeur\nLensois;{month};entrants;12\n", encoding="utf-8"
    )
    before = dump_store(db_path)
    code, _, err = run(capsys, "--db", str(db_path), "flows", "import", str(path))
    assert code == 2 and "hors de la période acceptée" in err and "ligne 2" in err
    assert dump_store(db_path) == before
    code, _, err = run(capsys, "--db", str(db_path), "chart", "entrants", "--bassin", "Lensois",
                       "--out", str(tmp_path / "entrants.png"))  # fmt: skip
    assert code == 0, err


def test_months_and_effective_dates_are_checked_by_the_services(ctx, capsys, db_path):
    from roadmap_app.flows.service import set_month

    with pytest.raises(ValidationError, match="hors de la période acceptée"):
        set_month(ctx, "Lensois", date(9999, 12, 1), {"entrants": 12})
    set_month(ctx, "Lensois", date(2025, 1, 1), {"entrants": 12})  # dans la période : accepté
    code, _, err = run(capsys, "--db", str(db_path), "flows", "target", "entrants", "150", "--from",
                       "9999-01-01", "--bassin", "Lensois")  # fmt: skip
    assert code == 2 and "hors de la période acceptée" in err
    code, _, err = run(capsys, "--db", str(db_path), "flows", "portfolio", "Lensois", "FT", "4",
                       "--from", "1900-01-01")  # fmt: skip
    assert code == 2 and "hors de la période acceptée" in err


def test_csv_output_neutralises_formulas_unless_raw(capsys, db_path):
    formula = '=HYPERLINK("http://exemple.invalid","clic")'
    code, _, err = run(
        capsys, "--db", str(db_path), "actions", "edit", "EP-2.2", "--intitule", formula
    )
    assert code == 0, err
    code, out, _ = run(capsys, "--db", str(db_path), "actions", "list", "--format", "csv")
    line = next(x for x in out.splitlines() if x.startswith("EP-2.2;"))
    assert "'=HYPERLINK" in line and ";=HYPERLINK" not in line
    code, out, _ = run(capsys, "--db", str(db_path), "actions", "list", "--format", "csv", "--raw")
    line = next(x for x in out.splitlines() if x.startswith("EP-2.2;"))
    assert '"=HYPERLINK(""http://exemple.invalid"",""clic"")"' in line
