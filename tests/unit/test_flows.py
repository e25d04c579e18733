"""Flux mensuels : règles de saisie, cibles datées, portefeuilles, import tout ou rien, graphiques."""

from __future__ import annotations

import json
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from roadmap_app.cli.main import main
from roadmap_app.core.errors import ValidationError
from roadmap_app.core.ops import undo_last
from roadmap_app.flows.catalogue import INDICATORS, find_indicator
from roadmap_app.flows.io import ImportError_, apply_import, export_template, plan_import
from roadmap_app.flows.series import (
    load_per_referent,
    load_portfolios,
    load_series,
    load_targets,
    target_for,
)
from roadmap_app.flows.service import add_target, set_month, set_portfolio
from roadmap_app.flows.validation import check_month
from tests.conftest import dump_store

JAN, FEB, MAR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)


def test_the_seed_has_the_targets_and_portfolios_of_the_plan(ctx):
    targets = load_targets(ctx)
    series = load_series(ctx, "Lensois")
    lens = series.bassin.id
    assert target_for(targets, "entrants", lens, JAN, "monthly_average").value == 177
    assert (
        target_for(targets, "entrants", load_series(ctx, "Montreuillois").bassin.id, JAN).value
        == 36
    )
    assert target_for(targets, "entrants", lens, date(2024, 6, 1)) is None  # avant le volet 3
    assert target_for(targets, "orientes_ft", lens, JAN).value == 50
    assert target_for(targets, "orientes_15j", lens, JAN).value == 100
    assert target_for(targets, "charge_referent", lens, JAN, "max").value == 70
    assert target_for(targets, "charge_referent", lens, JAN, "min").value == 50
    assert target_for(targets, "heures_activite", lens, JAN).value == 15
    portfolios = {(p.bassin_id, p.organisme): p.number for p in load_portfolios(ctx)}
    assert portfolios[(lens, "FT")] == 16 and portfolios[(lens, "CD")] == 13
    assert series.months == []  # aucune valeur mensuelle inventée


def test_a_new_target_applies_from_its_date_without_rewriting_history(ctx):
    lens = load_series(ctx, "Lensois").bassin.id
    add_target(
        ctx,
        "entrants",
        190,
        date(2025, 7, 1),
        kind="monthly_min",
        bassin="Lensois",
        label="Avenant 2025",
    )
    targets = load_targets(ctx)
    assert target_for(targets, "entrants", lens, date(2025, 6, 1)).value == 177
    assert target_for(targets, "entrants", lens, date(2025, 7, 1)).value == 190
    assert (
        target_for(
            targets, "entrants", load_series(ctx, "Audomarois").bassin.id, date(2025, 7, 1)
        ).value
        == 63
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"entrants": -3}, "négatif"),
        ({"accompagnement_intensif": 130}, "dépasse 100 %"),
        ({"entrants": 12.5}, "nombre entier"),
        ({"orientes": 100, "orientes_ft": 120}, "dépasse le total"),
        ({"orientes": 100, "orientes_15j": 101}, "dépasse le total"),
        (
            {"orientes": 100, "orientes_ft": 60, "orientes_cd_equilibre": 50},
            "somme des orientations",
        ),
    ],
)
def test_validation_rules_say_which_cell_and_why(values, message):
    errors = check_month("Lensois", JAN, values)
    assert errors and message in str(errors[0])
    assert str(errors[0]).startswith("Lensois, janv. 2025, « ")


def test_typing_three_months_is_journaled_undoable_and_validated_against_stored_values(ctx):
    set_month(ctx, "Lensois", JAN, {"entrants": 170, "orientes": 150, "orientes_ft": 80})
    set_month(ctx, "Lensois", FEB, {"entrants": 185})
    set_month(ctx, "Lensois", MAR, {"entrants": 160})
    s = load_series(ctx, "Lensois")
    assert s.series("entrants") == [(JAN, 170), (FEB, 185), (MAR, 160)]
    snapshot = dump_store(ctx.store)
    with pytest.raises(ValidationError, match="dépasse le total"):
        set_month(ctx, "Lensois", JAN, {"orientes_ft": 151})  # comparé au total déjà enregistré
    assert dump_store(ctx.store) == snapshot
    undo_last(ctx)
    assert load_series(ctx, "Lensois").value(MAR, "entrants") is None


def test_load_per_referent_uses_the_portfolios_in_force(ctx):
    set_month(ctx, "Lensois", JAN, {"suivis_ft": 1120, "suivis_cd": 910})
    s = load_series(ctx, "Lensois")
    p = load_portfolios(ctx)
    assert load_per_referent(s, p, JAN, "FT") == 70  # 1 120 / 16 portefeuilles
    assert load_per_referent(s, p, JAN, "CD") == 70  # 910 / 13 ETP
    assert load_per_referent(s, p, FEB, "FT") is None


def write_long_csv(path, rows):
    path.write_text(
        "bassin;mois;indicateur;valeur\n" + "\n".join(";".join(map(str, r)) for r in rows),
        encoding="utf-8",
    )


def test_import_long_csv_with_tolerant_headers_months_and_numbers(ctx, tmp_path):
    f = tmp_path / "flux.csv"
    f.write_text(
        "Bassin ; MOIS ; Indicateur ; Valeur\n"
        "lensois;janv. 2025;Nouveaux entrants (ARSA);1 170\n"
        "LEN;01/2025;entrants-x;3\n".replace("entrants-x;3", "Orientés (total);150"),
        encoding="utf-8",
    )
    plan = plan_import(ctx, f)
    assert plan.summary() == "2 valeur(s) nouvelle(s), 0 modifiée(s), 0 inchangée(s)"
    assert apply_import(ctx, plan) == 2
    assert load_series(ctx, "Lensois").value(JAN, "entrants") == 1170
    again = plan_import(ctx, f)
    assert again.summary() == "0 valeur(s) nouvelle(s), 0 modifiée(s), 2 inchangée(s)"


def test_the_template_round_trips_and_is_prefilled(ctx, tmp_path):
    set_month(ctx, "Audomarois", JAN, {"entrants": 60, "stock": 3400})
    out = export_template(ctx, tmp_path / "modele.xlsx", until=MAR)
    wb = load_workbook(out)
    assert wb.sheetnames == ["Montreuillois", "Audomarois", "Lensois", "Définitions"]
    ws = wb["Audomarois"]
    header = [c.value for c in ws[3]]
    assert header[0] == "Mois" and header[1] == "Nouveaux entrants (ARSA)"
    assert ws.cell(3, 2).comment is not None  # définition en commentaire
    rows = {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1)}
    assert ws.cell(rows["janv. 2025"], 2).value == 60
    ws.cell(rows["févr. 2025"], 2).value = 65
    wb.save(out)
    plan = plan_import(ctx, out)
    assert [(p.bassin.name, p.month, p.indicator, p.kind) for p in plan.changes] == [
        ("Audomarois", FEB, "entrants", "nouveau")
    ]
    assert plan.count("inchangé") == 2


def bad_workbook(path, header, rows, sheet="Lensois"):
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("header", "rows", "sheet", "message"),
    [
        (
            ["Mois", "Entrants"],
            [["janv. 2025", -4]],
            "Lensois",
            "feuille « Lensois », ligne 2, colonne B : -4 est négatif",
        ),
        (
            ["Mois", "Entrants"],
            [["janv. 2025", "beaucoup"]],
            "Lensois",
            "colonne B : « beaucoup » n'est pas un nombre",
        ),
        (
            ["Mois", "Nombre de chats"],
            [["janv. 2025", 3]],
            "Lensois",
            "aucune valeur à importer (ignoré : feuille « Lensois », colonne B « Nombre de chats »",
        ),
        (
            ["Mois", "Entrants"],
            [["Brumaire an II", 3]],
            "Lensois",
            "ligne 2, colonne A : Mois illisible",
        ),
        (["Mois", "Entrants"], [["janv. 2025", 3]], "Calaisis", "bassin « Calaisis » inconnu"),
        (
            ["Mois", "Entrants"],
            [["janv. 2025", 3], ["01/2025", 4]],
            "Lensois",
            "ligne 3, colonne B : valeur en double",
        ),
        (
            ["Mois", "Orientés (total)", "dont orientés vers France Travail"],
            [["janv. 2025", 10, 12]],
            "Lensois",
            "colonne C : 12 dépasse le total",
        ),
        (
            ["bassin", "mois", "indicateur", "valeur"],
            [["Lensois", "janv. 2025", "chats", 1]],
            "Feuil1",
            "colonne C : indicateur « chats » inconnu",
        ),
        (["Code", "Valeur"], [["x", 1]], "Lensois", "en-tête introuvable"),
    ],
)
def test_each_kind_of_bad_file_is_refused_with_its_place_and_nothing_is_written(
    ctx, tmp_path, header, rows, sheet, message
):
    path = bad_workbook(tmp_path / "flux.xlsx", header, rows, sheet)
    before = dump_store(ctx.store)
    with pytest.raises(ImportError_) as err:
        plan_import(ctx, path)
    assert message in str(err.value), str(err.value)
    assert "rien n'a été écrit" in str(err.value)
    assert dump_store(ctx.store) == before


def test_files_that_are_not_workbooks_or_csv_are_refused(ctx, tmp_path):
    from tests.garbage import write_cases

    sample = export_template(ctx, tmp_path / "vrai.xlsx").read_bytes()
    before = dump_store(ctx.store)
    for _name, path in write_cases(tmp_path / "x", ".xlsx", sample):
        if _name in ("tronque", "zip-tronque", "debut-seulement", "octets-inverses", "vide", "un-octet", "texte",
                     "csv-mal-forme", "octets-aleatoires", "zip-vide", "zip-sans-classeur", "classeur-sans-feuille",
                     "pdf", "sqlite-vide-entete", "enorme"):  # fmt: skip
            with pytest.raises(ImportError_):
                plan_import(ctx, path)
    for _name, path in write_cases(tmp_path / "c", ".csv"):
        with pytest.raises(ImportError_):
            plan_import(ctx, path)
    with pytest.raises(ImportError_, match="format non pris en charge"):
        plan_import(ctx, _rename(tmp_path / "vrai.xlsx", ".ods"))
    assert dump_store(ctx.store) == before


def _rename(path, suffix):
    target = path.with_suffix(suffix)
    target.write_bytes(path.read_bytes())
    return target


def test_indicators_are_found_by_code_label_or_short_name():
    assert find_indicator("ORIENTÉS EN 15 JOURS ET MOINS").code == "orientes_15j"
    assert find_indicator("orientes_ft").code == "orientes_ft"
    assert find_indicator("Stock").code == "stock"
    assert all(ind.definition for ind in INDICATORS)


def test_chart_builders_plot_the_stored_values_and_the_target_in_force(ctx):
    from roadmap_app.flows.chart_data import build_chart

    set_month(ctx, "Lensois", JAN, {"entrants": 170, "orientes": 150, "orientes_ft": 80, "orientes_15j": 120,
                                     "suivis_ft": 1120, "suivis_cd": 900})  # fmt: skip
    set_month(ctx, "Lensois", FEB, {"entrants": 185, "orientes": 160, "orientes_15j": 160})
    add_target(ctx, "entrants", 190, FEB, kind="monthly_min", bassin="Lensois")
    fig = build_chart(ctx, "entrants", "Lensois")
    ax = fig.axes[0]
    assert [round(p.get_height()) for p in ax.patches] == [170, 185]
    targets = ax.collections[0].get_segments()
    assert [seg[0][1] for seg in targets] == [
        177,
        190,
    ]  # la cible change en février, janvier garde 177
    assert ax.get_title(loc="left") == "Lensois — nouveaux entrants par mois et moyenne visée"
    # chaque barre porte son écart à la moyenne visée du mois (un écart, pas un échec)
    assert [t.get_text() for t in ax.texts if t.get_text()] == ["−7", "−5"]
    # repère tiré des chiffres enregistrés : 2 118 entrants en 2023, soit 176,5 par mois
    reference = next(line for line in ax.lines if line.get_linestyle() == ":")
    assert reference.get_ydata()[0] == 2118 / 12
    assert "Moyenne mensuelle 2023" in reference.get_label()
    fig = build_chart(ctx, "quinze-jours", "Lensois")
    line = fig.axes[0].lines[0]
    assert list(line.get_ydata()) == [80.0, 100.0]
    assert any(round(h.get_ydata()[0]) == 100 for h in fig.axes[0].lines[1:])
    fig = build_chart(ctx, "charge", "Lensois")
    ft = fig.axes[0].lines[0].get_ydata()
    assert ft[0] == 70
    fig = build_chart(ctx, "orientations", "Lensois")
    heights = [round(p.get_height(), 1) for p in fig.axes[0].patches[:2]]
    assert heights == [53.3, 0.0]  # 80 / 150 en janvier, rien en février
    fig = build_chart(ctx, "bassins")
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == [
        "Montreuillois",
        "Audomarois",
        "Lensois\njanv. 2025 – févr. 2025",  # la période cumulée sous le nom
    ]
    bars = [round(p.get_height()) for p in fig.axes[0].patches]
    assert bars == [0, 0, 355, 0, 0, 367]  # entrants 170 + 185 ; objectif 177 + 190
    with pytest.raises(ValidationError, match="inconnu"):
        build_chart(ctx, "camembert", "Lensois")


def test_cli_flows_import_list_export_and_chart(capsys, db_path, tmp_path):
    f = tmp_path / "flux.csv"
    write_long_csv(
        f, [["Lensois", "janv. 2025", "entrants", 170], ["Lensois", "févr. 2025", "entrants", 185]]
    )
    before = dump_store(db_path)
    assert main(["--db", str(db_path), "flows", "import", str(f), "--dry-run"]) == 0
    assert "Simulation" in capsys.readouterr().out and dump_store(db_path) == before
    assert main(["--db", str(db_path), "flows", "import", str(f)]) == 0
    capsys.readouterr()
    assert (
        main(["--db", str(db_path), "flows", "list", "--bassin", "Lensois", "--format", "json"])
        == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert [(r["mois"], r["indicateur"], r["valeur"]) for r in rows] == [
        ("2025-01", "entrants", 170),
        ("2025-02", "entrants", 185),
    ]
    assert main(["--db", str(db_path), "flows", "export", str(tmp_path / "m.xlsx")]) == 0
    assert (
        main(
            [
                "--db",
                str(db_path),
                "chart",
                "entrants",
                "--bassin",
                "Lensois",
                "--out",
                str(tmp_path / "c.svg"),
            ]
        )
        == 0
    )
    assert (tmp_path / "c.svg").read_text().startswith("<?xml")
    capsys.readouterr()
    assert main(["--db", str(db_path), "chart", "camembert", "--out", str(tmp_path / "c.png")]) == 2
    assert "inconnu" in capsys.readouterr().err
    write_long_csv(f, [["Lensois", "janv. 2025", "entrants", -1]])
    assert main(["--db", str(db_path), "flows", "import", str(f)]) == 2
    assert "ligne 2, colonne D" in capsys.readouterr().err


def test_portfolios_change_from_a_date_and_the_load_follows(ctx):
    set_month(ctx, "Lensois", date(2025, 1, 1), {"suivis_ft": 1200}, record_undo=False)
    set_month(ctx, "Lensois", date(2025, 3, 1), {"suivis_ft": 1200}, record_undo=False)
    set_portfolio(ctx, "Lensois", "ft", 20, date(2025, 2, 1))  # 4 portefeuilles de plus en février
    series = load_series(ctx, "Lensois")
    portfolios = load_portfolios(ctx)
    assert load_per_referent(series, portfolios, date(2025, 1, 1), "FT") == 75  # 1 200 ÷ 16
    assert load_per_referent(series, portfolios, date(2025, 3, 1), "FT") == 60  # 1 200 ÷ 20


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda ctx: set_portfolio(ctx, "Lensois", "CAF", 3, date(2025, 1, 1)), "Organisme « CAF » inconnu"),
        (lambda ctx: set_portfolio(ctx, "Lensois", "CD", 0, date(2025, 1, 1)), "positif"),
        (lambda ctx: set_portfolio(ctx, "Lensois", "FT", 16, date(2023, 12, 31)), "déjà"),
        (lambda ctx: add_target(ctx, "entrants", -5, date(2025, 1, 1), kind="monthly_min"), "négative"),
        (lambda ctx: add_target(ctx, "orientes_15j", 120, date(2025, 1, 1), kind="share_min"), "0 à 100"),
        (lambda ctx: add_target(ctx, "entrants", 40, date(2025, 1, 1), kind="beaucoup"), "Sorte de cible"),
        (lambda ctx: add_target(ctx, "entrants", 40, date(2024, 7, 1), kind="monthly_min", bassin="Lensois"), "existe déjà"),
    ],
)  # fmt: skip
def test_bad_targets_and_portfolios_are_refused_and_nothing_is_written(ctx, call, message):
    before = dump_store(ctx.store)
    with pytest.raises(ValidationError, match=message):
        call(ctx)
    assert dump_store(ctx.store) == before


def test_cli_targets_and_portfolios(capsys, db_path):
    assert main(["--db", str(db_path), "flows", "target", "entrants", "150", "--from", "2025-01-01",
                 "--bassin", "Lensois", "--label", "Cible 2025"]) == 0  # fmt: skip
    assert main(["--db", str(db_path), "flows", "portfolio", "Audomarois", "CD", "5,5",
                 "--from", "2025-01-01"]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["--db", str(db_path), "flows", "targets", "--format", "json"]) == 0
    targets = json.loads(capsys.readouterr().out)
    assert {"indicateur": "entrants", "bassin": "Lensois", "sorte": "monthly_average", "valeur": 150.0,
            "a_partir_du": "2025-01-01", "libelle": "Cible 2025", "source": "saisie"} in targets  # fmt: skip
    assert main(["--db", str(db_path), "flows", "portfolios", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"bassin": "Audomarois", "organisme": "CD", "unite": "ETP", "nombre": 5.5, "plafond": 70,
            "a_partir_du": "2025-01-01", "a_confirmer": ""} in rows  # fmt: skip
    seeded = next(
        r
        for r in rows
        if (r["bassin"], r["organisme"], r["a_partir_du"]) == ("Audomarois", "CD", "2023-12-31")
    )
    assert seeded["a_confirmer"].startswith(
        "4,5 ETP au 31/12/2023 (000_dab05ea08fd3d5d5.txt, l. 422)"
    )
    assert main(["--db", str(db_path), "flows", "portfolio", "Lensois", "FT", "douze",
                 "--from", "2025-01-01"]) == 2  # fmt: skip
    assert "« douze » n'est pas un nombre" in capsys.readouterr().err
