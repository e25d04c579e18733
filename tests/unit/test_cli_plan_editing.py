"""CLI : actions add|edit|move|archive, bassins list|add|apply|archive, roadmaps list|new|archive.

Une erreur : message en français sur stderr, code de sortie 2, base inchangée."""

from __future__ import annotations

import json

import pytest

from roadmap_app.cli.main import main
from tests.conftest import dump_store


def run(capsys, db_path, *args):
    code = main(["--db", str(db_path), *args])
    out, err = capsys.readouterr()
    return code, out, err


def listed(capsys, db_path, *args):
    code, out, _ = run(capsys, db_path, *args, "--format", "json")
    assert code == 0
    return json.loads(out)


def test_add_edit_move_and_archive_an_action(capsys, db_path):
    code, out, err = run(
        capsys, db_path, "actions", "add", "--cible", "EP-2", "--intitule", "Comités mensuels",
        "--echeance", "2nd semestre 2025", "--pilotes", "CD/CAF", "--bassins", "Lensois,Audomarois",
        "--author", "Script",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out == "Enregistré — Nouvelle action EP-2.3 : Comités mensuels\n"
    rows = [r for r in listed(capsys, db_path, "actions", "list") if r["code"] == "EP-2.3"]
    assert [(r["bassin"], r["pilotes"], r["echeance"]) for r in rows] == [
        ("Audomarois", ["CD", "CAF"], "2025-12-31"), ("Lensois", ["CD", "CAF"], "2025-12-31"),
    ]  # fmt: skip

    code, out, err = run(
        capsys, db_path, "actions", "edit", "EP-2.3", "--echeance", "au plus vite",
        "--commentaires", "Proposé en COPIL",
    )  # fmt: skip
    assert (code, out) == (0, "Enregistré — Action EP-2.3 modifiée : commentaires, échéance\n")
    assert err.startswith("Attention : Échéance non reconnue « au plus vite »")

    code, out, _ = run(
        capsys, db_path, "actions", "move", "EP-2.3", "--cible", "EP-3", "--before", "EP-3.1"
    )
    assert (code, out) == (0, "Enregistré — Action EP-2.3 déplacée vers la cible EP-3\n")
    order = [r["code"] for r in listed(capsys, db_path, "actions", "list", "--bassin", "Lensois")]
    assert order[:5] == ["EP-1.1", "EP-2.1", "EP-2.2", "EP-2.3", "EP-3.1"]  # ordre du plan

    code, out, _ = run(capsys, db_path, "actions", "archive", "EP-2.3")
    assert (code, out) == (0, "Enregistré — Action EP-2.3 archivée\n")
    assert "EP-2.3" not in {r["code"] for r in listed(capsys, db_path, "actions", "list")}
    code, out, _ = run(capsys, db_path, "actions", "archive", "EP-2.3", "--restore")
    assert (code, out) == (0, "Enregistré — Action EP-2.3 restaurée\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["actions", "add", "--cible", "EP-9", "--intitule", "x"], "Cible « EP-9 » inconnue"),
        (["actions", "add", "--cible", "EP-2"], "Intitulé vide"),
        (["actions", "add", "--cible", "EP-2", "--intitule", "x", "--code", "EP-1.1"], "EP-1.1 est déjà pris"),
        (["actions", "add", "--cible", "EP-2", "--intitule", "x", "--bassins", "Calais"], "Bassin « Calais » inconnu"),
        (["actions", "add", "--cible", "EP-2", "--intitule", "x", "--organisations", "CD,ARS"], "« ARS » inconnue"),
        (["actions", "edit", "ZZ-1", "--intitule", "x"], "Action « ZZ-1 » inconnue"),
        (["actions", "edit", "EP-1.1", "--new-code", "EP-2.1"], "EP-2.1 est déjà pris"),
        (["actions", "move", "EP-1.1", "--cible", "EP-2", "--before", "EP-3.1"], "n'est pas dans la cible EP-2"),
        (["actions", "archive", "EP-1.1", "--restore"], "n'est pas archivée"),
        (["bassins", "add", "Lensois"], "existe déjà"),
        (["bassins", "add", "Artois", "--figure", "brsa_stock=beaucoup", "--as-of", "31/12/2024"], "nombre attendu"),
        (["bassins", "add", "Artois", "--figure", "brsa_stock"], "CLÉ=VALEUR attendu"),
        (["bassins", "add", "Artois", "--figure", "brsa_stock=12", "--as-of", "32/12/2024"], "--as-of"),
        (["bassins", "archive", "Calaisis"], "Bassin « Calaisis » inconnu"),
        (["roadmaps", "new", "FdR 2025", "--from", "2019"], "« 2019 » inconnue"),
        (["roadmaps", "new", "Feuille de route 2024 – volet 3", "--from", "2024"], "existe déjà"),
        (["--roadmap", "2030", "actions", "list"], "« 2030 » inconnue"),
    ],
)  # fmt: skip
def test_errors_are_french_exit_2_and_change_nothing(capsys, db_path, args, message):
    before = dump_store(db_path)
    code, out, err = run(capsys, db_path, *args)
    assert (code, out) == (2, "")
    assert err.startswith("Erreur : ") and message in err
    assert dump_store(db_path) == before


def test_edit_without_any_field_says_so(capsys, db_path):
    code, _, err = run(capsys, db_path, "actions", "edit", "EP-1.1")
    assert code == 2 and "Rien à modifier" in err


def test_bassins_list_and_add_with_figures(capsys, db_path):
    rows = listed(capsys, db_path, "bassins", "list")
    assert [(b["code"], b["name"], b["actions"]) for b in rows] == [
        ("MON", "Montreuillois", 35), ("AUD", "Audomarois", 35), ("LEN", "Lensois", 35),
    ]  # fmt: skip
    assert set(rows[0]) == {
        "code",
        "name",
        "full_name",
        "typology",
        "archived",
        "actions",
        "figures",
    }
    assert rows[0]["figures"][0].keys() == {"key", "label", "value", "unit", "as_of", "note"}
    etp = next(f for f in rows[0]["figures"] if f["key"] == "etp_delegues_cd")
    assert etp["note"].startswith("3,5 ETP accompagnement rénové équilibré. À confirmer")
    code, out, _ = run(
        capsys, db_path, "bassins", "add", "Arrageois", "--full-name", "Bassin de l'Arrageois",
        "--figure", "brsa_stock=5 012", "--figure", "part_femmes=57,5", "--as-of", "31/12/2024",
    )  # fmt: skip
    assert code == 0 and out.startswith(
        "Enregistré — Nouveau bassin Arrageois (35 action(s), 2 chiffre(s)"
    )
    arr = listed(capsys, db_path, "bassins", "list")[-1]
    assert (arr["code"], arr["actions"]) == ("ARR", 35)
    assert [(f["key"], f["value"], f["as_of"]) for f in arr["figures"]] == [
        ("brsa_stock", 5012.0, "2024-12-31"), ("part_femmes", 57.5, "2024-12-31"),
    ]  # fmt: skip
    # la liste des actions suit : une ligne par action pour le nouveau bassin
    assert len(listed(capsys, db_path, "actions", "list", "--bassin", "Arrageois")) == 35
    code, out, _ = run(
        capsys, db_path, "bassins", "apply", "Arrageois", "--actions", "EP-1.1,EP-2.1"
    )
    assert code == 0 and "2 action(s) applicable(s) sur 35" in out
    assert len(listed(capsys, db_path, "actions", "list", "--bassin", "Arrageois")) == 2
    code, _, _ = run(capsys, db_path, "bassins", "archive", "Arrageois")
    assert code == 0
    assert [b["name"] for b in listed(capsys, db_path, "bassins", "list")][-1] == "Lensois"
    assert listed(capsys, db_path, "bassins", "list", "--all")[-1]["archived"] is True
    _, table, _ = run(capsys, db_path, "bassins", "list", "--all")
    assert "Arrageois" in table and "archivé" in table


def test_roadmaps_list_new_and_global_choice(capsys, db_path):
    assert listed(capsys, db_path, "roadmaps", "list") == [
        {"code": "FDR-2024-V3", "name": "Feuille de route 2024 – volet 3", "year": 2024, "parent": None,
         "archived": False, "axes": 5, "cibles": 20, "actions": 35, "default": True},
    ]  # fmt: skip
    for code in ("NU-1.1", "AI-1.3"):  # en cours dans le jeu initial : réalisées partout ici
        for bassin in ("Montreuillois", "Audomarois", "Lensois"):
            assert (
                run(
                    capsys,
                    db_path,
                    "actions",
                    "set",
                    code,
                    "--bassin",
                    bassin,
                    "--status",
                    "realise",
                )[0]
                == 0
            )
    before = dump_store(db_path)
    code, out, _ = run(
        capsys, db_path, "roadmaps", "new", "Feuille de route 2025", "--from", "2024", "--dry-run"
    )
    assert code == 0 and "33 action(s) reprise(s)" in out and "NU-1.1, AI-1.3" in out
    assert dump_store(db_path) == before
    code, out, _ = run(
        capsys, db_path, "roadmaps", "new", "Feuille de route 2025", "--from", "FDR-2024-V3"
    )
    assert code == 0 and "(33 action(s) reprise(s))" in out
    assert "Non reprises (réalisées ou abandonnées partout) : NU-1.1, AI-1.3" in out
    names = [(r["name"], r["default"]) for r in listed(capsys, db_path, "roadmaps", "list")]
    assert names == [("Feuille de route 2025", True), ("Feuille de route 2024 – volet 3", False)]
    # par défaut la plus récente ; --roadmap (global ou par commande) choisit
    assert {r["code"] for r in listed(capsys, db_path, "actions", "list")} >= {"EP-2.2"}
    assert len(listed(capsys, db_path, "actions", "list", "--bassin", "Lensois")) == 33
    assert (
        len(listed(capsys, db_path, "--roadmap", "2024", "actions", "list", "--bassin", "Lensois"))
        == 35
    )
    assert (
        len(listed(capsys, db_path, "actions", "list", "--bassin", "Lensois", "--roadmap", "2024"))
        == 35
    )
    code, out, _ = run(
        capsys,
        db_path,
        "--roadmap",
        "2024",
        "actions",
        "add",
        "--cible",
        "GP-1",
        "--intitule",
        "Bilan",
    )
    assert code == 0 and "GP-1.2" in out
    assert (
        len(listed(capsys, db_path, "actions", "list", "--roadmap", "2024", "--bassin", "Lensois"))
        == 36
    )
    code, out, _ = run(capsys, db_path, "roadmaps", "archive", "2025")
    assert code == 0 and listed(capsys, db_path, "roadmaps", "list")[0]["year"] == 2024
