"""``roadmap-app actions list|set`` : contrat JSON stable, erreurs en français, rien d'écrit sur erreur."""

from __future__ import annotations

import json

import pytest

from roadmap_app.cli.main import main
from tests.conftest import dump_store

JSON_KEYS = {
    "code", "axe", "cible", "action", "bassin", "echeance", "echeance_label", "echeance_precision",
    "en_retard", "pilotes", "status", "progress",
}  # fmt: skip


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_json_is_one_object_per_action_and_bassin(capsys, db_path):
    code, out, _ = run(capsys, "--db", str(db_path), "actions", "list", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 35 * 3
    assert all(set(r) == JSON_KEYS for r in rows)
    first = rows[0]
    assert first == {
        "code": "EP-1.1",
        "axe": "Entrée en parcours",
        "cible": "Inscrire 100% des ARSA à France Travail",
        "action": "Inscription de 100% des nouveaux BRSA dont un trend de 50% d'orientation vers FT.",
        "bassin": "Montreuillois",
        "echeance": "2024-05-15",
        "echeance_label": "15-mai-24",
        "echeance_precision": "jour",
        "en_retard": True,
        "pilotes": ["CD"],
        "status": "a_securiser",
        "progress": None,
    }
    semestre = next(r for r in rows if r["code"] == "NU-2.2")
    assert (semestre["echeance"], semestre["echeance_precision"]) == ("2024-12-31", "semestre")


def test_list_filters_by_bassin_status_and_overdue(capsys, db_path):
    _, out, _ = run(
        capsys, "--db", str(db_path), "actions", "list", "--bassin", "Lensois", "--status", "En cours",
        "--overdue", "--format", "json",
    )  # fmt: skip
    rows = json.loads(out)
    assert [(r["code"], r["bassin"]) for r in rows] == [
        ("EP-2.1", "Lensois"),
        ("AI-1.3", "Lensois"),  # « REALISE » ne portait que sur les journées d'acculturation
        ("AI-2.1", "Lensois"),
        ("AI-4.1", "Lensois"),  # « en cours de réflexion au CD »
        ("AI-5.1", "Lensois"),  # « Travail en cours sur DORA »
    ]


def test_list_table_and_csv(capsys, db_path):
    code, out, _ = run(capsys, "--db", str(db_path), "actions", "list", "--bassin", "AUD")
    assert code == 0 and "Code" in out and "EP-1.1" in out and "35 ligne(s)" in out
    _, out, _ = run(
        capsys, "--db", str(db_path), "actions", "list", "--format", "csv", "--bassin", "Lensois"
    )
    lines = out.strip().splitlines()
    assert lines[0].startswith("Code;Bassin;Statut") and len(lines) == 36


def test_set_changes_the_store_and_the_journal_author(capsys, db_path):
    code, out, _ = run(
        capsys, "--db", str(db_path), "actions", "set", "EP-3.2", "--bassin", "Lensois", "--status", "realise",
        "--progress", "100", "--note", "Contrat d'engagement déployé", "--author", "Chef de projet",
    )  # fmt: skip
    assert code == 0 and "EP-3.2 / Lensois" in out
    _, out, _ = run(
        capsys, "--db", str(db_path), "actions", "list", "--bassin", "Lensois", "--format", "json"
    )
    row = next(r for r in json.loads(out) if r["code"] == "EP-3.2")
    assert (row["status"], row["progress"], row["en_retard"]) == ("realise", 100, False)
    import sqlite3

    authors = (
        sqlite3.connect(db_path)
        .execute("SELECT DISTINCT author, source FROM journal_entry WHERE source='cli'")
        .fetchall()
    )
    assert authors == [("Chef de projet", "cli")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["actions", "set", "ZZ-1.1", "--bassin", "Lensois", "--status", "realise"],
            "Action « ZZ-1.1 » inconnue",
        ),
        (
            ["actions", "set", "EP-1.1", "--bassin", "Calaisis", "--status", "realise"],
            "Bassin « Calaisis » inconnu",
        ),
        (
            ["actions", "set", "EP-1.1", "--bassin", "Lensois", "--status", "terminé"],
            "Statut inconnu",
        ),
        (
            ["actions", "set", "EP-1.1", "--bassin", "Lensois", "--progress", "120"],
            "entre 0 et 100",
        ),
        (["actions", "set", "EP-1.1", "--bassin", "Lensois"], "Rien à modifier"),
        (["actions", "list", "--bassin", "Nulle-part"], "Bassin « Nulle-part » inconnu"),
    ],
)
def test_bad_arguments_exit_non_zero_in_french_and_change_nothing(capsys, db_path, args, message):
    before = dump_store(db_path)
    code, _, err = run(capsys, "--db", str(db_path), *args)
    assert code == 2
    assert message in err
    assert dump_store(db_path) == before


def test_usage_errors_are_in_french(capsys, db_path):
    with pytest.raises(SystemExit) as exc:
        main(["--db", str(db_path), "actions", "set", "EP-1.1"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "erreur" in err and "arguments obligatoires manquants" in err


def test_version(capsys):
    assert main(["--version"]) == 0  # sans construire l'analyseur (tests/unit/test_cli_entry.py)
    assert capsys.readouterr().out.startswith("roadmap-app 0.")


def test_default_store_is_created_and_seeded_in_the_user_data_dir(capsys, _isolated_home):
    code, out, _ = run(capsys, "actions", "list", "--format", "json")
    assert code == 0 and len(json.loads(out)) == 105
    assert (_isolated_home / "roadmap.sqlite3").exists()


def test_the_store_can_be_chosen_by_environment_variable_or_saved_setting(
    capsys, db_path, monkeypatch, tmp_path
):
    from roadmap_app.core.context import resolve_target
    from roadmap_app.core.settings import set_saved_store

    assert str(resolve_target(None)).endswith("roadmap.sqlite3")
    set_saved_store(str(db_path))
    assert resolve_target(None) == str(db_path)
    monkeypatch.setenv("ROADMAP_APP_DB", str(tmp_path / "env.sqlite3"))
    assert resolve_target(None) == str(tmp_path / "env.sqlite3")
    assert resolve_target("explicite.sqlite3") == "explicite.sqlite3"
    set_saved_store(None)
