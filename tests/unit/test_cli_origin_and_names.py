"""Ligne de commande : chaque modification est inscrite au journal avec la source « cli » (jamais
« gui ») ; les messages nomment les bassins (« Lensois »), jamais par leur code (« LEN »)."""

from __future__ import annotations

import re
import sqlite3

import pytest

from roadmap_app.cli.main import main

CODES = re.compile(r"\b(LEN|AUD|MON)\b")


def run(capsys, db_path, *args):
    code = main(["--db", str(db_path), *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out + err


def journal_sources(db_path) -> list[tuple[str, str, str]]:
    con = sqlite3.connect(db_path)
    try:
        return con.execute(
            "SELECT source, entity, field FROM journal_entry WHERE source NOT IN ('seed') ORDER BY id"
        ).fetchall()
    finally:
        con.close()


def test_every_change_made_from_the_cli_is_journaled_as_cli(capsys, db_path, tmp_path):
    csv = tmp_path / "flux.csv"
    csv.write_text(
        "bassin;mois;indicateur;valeur\nLensois;2024-07;entrants;170\n", encoding="utf-8"
    )
    commands = [
        (
            "actions",
            "set",
            "EP-2.2",
            "--bassin",
            "Lensois",
            "--status",
            "realise",
            "--progress",
            "100",
        ),
        (
            "actions",
            "add",
            "--cible",
            "EP-2",
            "--intitule",
            "Comités mensuels",
            "--bassins",
            "Lensois",
        ),
        ("actions", "edit", "EP-2.3", "--echeance", "1er mars 2025"),
        ("actions", "move", "EP-2.3", "--cible", "EP-3"),
        ("actions", "archive", "EP-2.3"),
        ("bassins", "add", "Arrageois", "--figure", "brsa_stock=5 012", "--as-of", "31/12/2024"),
        ("bassins", "apply", "Arrageois", "--actions", "EP-1.1"),
        ("bassins", "archive", "Arrageois"),
        ("flows", "import", str(csv)),
        ("flows", "target", "entrants", "150", "--from", "2025-01-01", "--bassin", "Lensois"),
        ("flows", "portfolio", "Lensois", "FT", "17", "--from", "2025-01-01"),
        (
            "flows",
            "portfolio",
            "Lensois",
            "CD",
            "12",
            "--from",
            "2023-12-31",
        ),  # confirme en corrigeant
        ("workshop", "export", str(tmp_path / "lens.atelier.sqlite3"), "--bassin", "Lensois"),
        ("roadmaps", "new", "Feuille de route 2025", "--from", "2024"),
    ]
    for command in commands:
        before = len(journal_sources(db_path))
        run(capsys, db_path, *command)
        written = journal_sources(db_path)[before:]
        assert written, command
        assert {source for source, _e, _f in written} == {"cli"}, (command, written)
    entities = {entity for _s, entity, _f in journal_sources(db_path)}
    assert {
        "action_bassin",
        "action",
        "bassin",
        "flow_value",
        "flow_target",
        "portfolio",
        "atelier",
    } <= entities


def test_the_cli_names_bassins_never_by_their_code(capsys, db_path):
    run(capsys, db_path, "snapshot", "create", "COPIL", "--date", "2024-10-01")
    run(capsys, db_path, "actions", "set", "EP-2.2", "--bassin", "LEN", "--status", "realise")
    run(
        capsys,
        db_path,
        "flows",
        "target",
        "entrants",
        "150",
        "--from",
        "2025-01-01",
        "--bassin",
        "LEN",
    )
    run(capsys, db_path, "flows", "portfolio", "AUD", "FT", "7", "--from", "2025-01-01")
    outputs = {
        "snapshot diff": run(capsys, db_path, "snapshot", "diff", "COPIL", "--current"),
        "actions list": run(capsys, db_path, "actions", "list", "--bassin", "LEN"),
        "flows targets": run(capsys, db_path, "flows", "targets"),
        "flows portfolios": run(capsys, db_path, "flows", "portfolios"),
        "workshop list": run(capsys, db_path, "workshop", "list"),
    }
    assert "Lensois" in outputs["snapshot diff"] and "Audomarois" in outputs["snapshot diff"]
    for name, text in outputs.items():
        assert not CODES.search(text), (name, CODES.findall(text))


def test_an_altered_package_is_reported_with_the_bassin_name(ctx, tmp_path):
    from roadmap_app.workshops.merge import PackageError, plan_package_merge
    from roadmap_app.workshops.package import export_package

    path, _atelier = export_package(ctx, tmp_path / "aud.atelier.sqlite3", "Audomarois")
    con = sqlite3.connect(path)
    con.execute(
        "UPDATE action_bassin SET status = 'realise' WHERE id = (SELECT ab.id FROM action_bassin ab "
        "JOIN action a ON a.id = ab.action_id JOIN bassin b ON b.id = ab.bassin_id "
        "WHERE a.code = 'EP-2.2' AND b.code = 'AUD')"
    )
    con.commit()
    con.close()
    with pytest.raises(PackageError) as err:
        plan_package_merge(ctx, path)
    assert "EP-2.2 / Audomarois" in str(err.value) and not CODES.search(str(err.value))


def test_old_french_flag_spellings_stay_as_hidden_aliases(capsys):
    """Règle de nommage (docs/architecture.md) : --place remplace --lieu ; l'ancienne
    orthographe marche encore pour les scripts, sans apparaître dans l'aide."""
    from roadmap_app.cli.main import parse

    common = ["workshop", "export", "p.atelier", "--bassin", "Lensois"]
    assert parse([*common, "--place", "Lens"]).place == "Lens"
    assert parse([*common, "--lieu", "Lens"]).place == "Lens"
    with pytest.raises(SystemExit):
        parse(["workshop", "export", "--help"])
    shown = capsys.readouterr().out
    assert "--place" in shown and "--lieu" not in shown
