"""``roadmap-app indicators …`` : liste (clés stables), définition, liens, référence, cibles,
valeurs, import tout ou rien et modèle pré-rempli ; erreurs en français, rien d'écrit sur erreur."""

from __future__ import annotations

import json

import pytest

from roadmap_app.cli.main import main
from tests.conftest import dump_store

KEYS = ["code", "label", "unit", "direction", "bassin", "baseline", "baseline_date", "target", "target_from",
        "last_value", "last_date", "status", "actions"]  # fmt: skip


def run(capsys, db, *args):
    code = main(["--db", str(db), "indicators", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_recorded_baseline_or_target_says_where_when_and_its_unit(capsys, db_path):
    """Avant : « Cible enregistrée : R1 = 60. », sans bassin, période ni unité, quand une
    valeur disait « Valeur enregistrée : R1 (Lensois, 2025) = 52 %. »."""
    assert run(capsys, db_path, "target", "R1", "60", "--year", "2025", "--bassin", "Lensois")[1] == (
        "Cible enregistrée : R1 (Lensois, 2025) = 60 %.\n")
    assert run(capsys, db_path, "baseline", "R1", "38", "--date", "2023-12-31")[1] == (
        "Situation de référence enregistrée : R1 (tous les bassins, 31/12/2023) = 38 %.\n")
    assert run(capsys, db_path, "target", "M1a", "120", "--date", "2025-07-01", "--bassin", "Audomarois")[1] == (
        "Cible enregistrée : M1a (Audomarois, juil. 2025) = 120.\n")
    # la même étape : refusée sans --replace (avant : « fixez une nouvelle cible à une autre date »,
    # et une référence était écrasée sans un mot), corrigée avec
    for step, value, when in (("target", "65", ("--year", "2025")), ("baseline", "40", ("--date", "2023-12-31"))):
        args = (step, "R1", value, *when, *(("--bassin", "Lensois") if step == "target" else ()))
        code, _out, err = run(capsys, db_path, *args)
        assert code == 2 and "--replace" in err, err
        assert run(capsys, db_path, *args, "--replace")[0] == 0


def test_a_target_after_the_end_of_the_volet_is_recorded_with_a_warning(capsys, db_path):
    """Avant : « cible 2027 » enregistrée sans un mot, alors que le volet 3 finit le 31/12/2025
    (date clé de la convention). Une prolongation reste possible : la cible est écrite, la ligne
    d'avertissement le dit (sur la sortie d'erreur, la sortie ordinaire ne change pas)."""
    code, out, err = run(capsys, db_path, "target", "R1", "60", "--year", "2027")
    assert code == 0 and out == "Cible enregistrée : R1 (tous les bassins, 2027) = 60 %.\n"
    assert err == ("Attention : La cible 2027 de R1 commence après la fin du volet 3 (31/12/2025) : vérifiez "
                   "l'année ; une cible au-delà suppose une prolongation de la convention.\n")  # fmt: skip
    code, _out, err = run(capsys, db_path, "target", "R1", "62", "--date", "2026-03-01", "--bassin", "Lensois")
    assert code == 0 and "La cible à partir du 01/03/2026 de R1 commence après la fin du volet 3" in err
    # dans le volet, et une référence (même tardive) : rien à dire
    assert run(capsys, db_path, "target", "R1", "55", "--year", "2025")[2] == ""
    assert run(capsys, db_path, "baseline", "M1a", "100", "--date", "2026-12-31")[2] == ""


def test_add_link_baseline_target_value_then_list_as_json_csv_and_table(capsys, db_path):
    assert run(capsys, db_path, "add", "EP-RDV", "--label", "Part reçue en 15 jours", "--unit", "%",
               "--direction", "up", "--definition", "Premier RDV en 15 jours.")[0] == 0  # fmt: skip
    assert run(capsys, db_path, "link", "EP-2.1", "EP-RDV")[0] == 0
    assert run(capsys, db_path, "link", "EP-2.1", "R1", "--kind", "tdb")[0] == 0
    assert run(capsys, db_path, "baseline", "EP-RDV", "45", "--date", "31/12/2023", "--bassin", "Lensois")[0] == 0
    assert run(capsys, db_path, "target", "EP-RDV", "60", "--year", "2025")[0] == 0
    assert run(capsys, db_path, "value", "EP-RDV", "52", "--date", "2025-03", "--bassin", "Lensois")[0] == 0
    code, out, _ = run(capsys, db_path, "list", "--action", "EP-2.1", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and all(list(r) == KEYS for r in rows)
    lens = next(r for r in rows if r["code"] == "EP-RDV" and r["bassin"] == "Lensois")
    assert lens == {
        "code": "EP-RDV", "label": "Part reçue en 15 jours", "unit": "%", "direction": "up", "bassin": "Lensois",
        "baseline": 45.0, "baseline_date": "2023-12-31", "target": 60.0, "target_from": "2025-01-01",
        "last_value": 52.0, "last_date": "2025-03-03" if False else lens["last_date"], "status": "en-dessous",
        "actions": "EP-2.1",
    }  # fmt: skip
    assert lens["last_date"] == "2025-03-01"
    assert {r["code"] for r in rows} == {"EP-RDV", "R1"}
    code, out, _ = run(capsys, db_path, "list", "--off-target", "--bassin", "Lensois", "--format", "csv")
    assert out.splitlines()[0] == ";".join(KEYS) and len(out.splitlines()) == 2
    code, out, _ = run(capsys, db_path, "list", "--action", "EP-2.1")
    assert code == 0 and "EP-RDV" in out and "en-dessous" in out
    assert run(capsys, db_path, "unlink", "EP-2.1", "R1")[0] == 0
    code, out, _ = run(capsys, db_path, "list", "--action", "EP-2.1", "--format", "json")
    assert {r["code"] for r in json.loads(out)} == {"EP-RDV"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["value", "R1", "120", "--year", "2024", "--bassin", "Lensois"], "120 % dépasse 100 %"),
        (["value", "M1a", "-4", "--date", "2024-02-01", "--bassin", "Lensois"], "-4 est négatif"),
        (["value", "M1a", "4", "--date", "1999-02-01", "--bassin", "Lensois"], "hors de la période acceptée"),
        (["value", "M1a", "quatre", "--date", "2024-02-01"], "« quatre » : ce n'est pas un nombre"),
        (["link", "EP-9.9", "R1"], "Action « EP-9.9 » inconnue"),
        (["link", "EP-1.1", "Z42"], "Indicateur « Z42 » inconnu"),
        (["unlink", "EP-1.1", "R1"], "n'est pas liée à l'indicateur R1"),
        (["add", "X", "--label", "X", "--unit", "litres", "--direction", "up"], "Unité « litres » inconnu"),
        (["list", "--action", "EP-9.9"], "Action « EP-9.9 » inconnue"),
    ],
)
def test_bad_input_is_one_french_line_and_writes_nothing(capsys, db_path, args, message):
    before = dump_store(db_path)
    code, _out, err = run(capsys, db_path, *args)
    assert code != 0 and message in err and "Traceback" not in err
    assert dump_store(db_path) == before


def test_target_before_baseline_and_duplicate_value_are_refused(capsys, db_path):
    run(capsys, db_path, "baseline", "R1", "30", "--date", "2023-12-31")
    code, _, err = run(capsys, db_path, "target", "R1", "40", "--date", "2023-06-01")
    assert code == 2 and "la cible commence avant la situation de référence" in err
    run(capsys, db_path, "value", "M6", "70", "--year", "2024", "--bassin", "Lensois")
    code, _, err = run(capsys, db_path, "value", "M6", "75", "--date", "2024-06-30", "--bassin", "Lensois")
    assert code == 2 and "une valeur est déjà saisie (70 %" in err
    code, _, err = run(capsys, db_path, "value", "M6", "75", "--date", "2024-06-30", "--bassin", "Lensois", "--replace")
    assert code == 0


def test_import_is_all_or_nothing_with_located_errors(capsys, db_path, tmp_path):
    good = tmp_path / "valeurs.csv"
    good.write_text("indicateur;bassin;date;valeur\nM1a;Lensois;2024-09;120\nR1;Audomarois;2024;41,5\n"
                    "M6;Tout le plan;2024;;\n", encoding="utf-8")  # fmt: skip
    code, out, _ = run(capsys, db_path, "import", str(good), "--dry-run")
    assert code == 0 and "2 nouvelles valeurs, 0 correction" in out and "rien n'a été écrit" in out
    bad = tmp_path / "mauvais.csv"
    bad.write_text("indicateur;bassin;date;valeur\nM1a;Lensois;2024-09;12\nR1;Lensois;2024;140\n"
                   "R9;Lensois;2024;3\nM1a;Lensois;2024-09-15;13\nM1a;Narnia;2024-09;1\nM2;Lensois;13/13/2024;4\n",
                   encoding="utf-8")  # fmt: skip
    before = dump_store(db_path)
    code, _, err = run(capsys, db_path, "import", str(bad))
    assert code == 2 and dump_store(db_path) == before
    for expected in ("ligne 3 : R1, Lensois, 2024 : 140 % dépasse 100 %", "ligne 4, colonne A (indicateur) : Indicateur « R9 » inconnu",
                     "ligne 5 : M1a, Lensois, sept. 2024 : valeur en double", "ligne 6, colonne B (bassin) : Bassin « Narnia » inconnu",
                     "ligne 7, colonne C (date) : Date illisible"):  # fmt: skip
        assert expected in err, err
    assert run(capsys, db_path, "import", str(good))[0] == 0
    code, out, _ = run(capsys, db_path, "import", str(good))
    assert code == 0 and "0 nouvelle valeur, 0 correction, 2 valeurs déjà enregistrées" in out


def test_import_lists_its_corrections_before_after_and_writes_them(capsys, db_path, tmp_path):
    """Une valeur différente d'une valeur déjà saisie corrige celle-ci (avant : fichier refusé,
    « une valeur est déjà saisie … corrigez-la ») ; ``--dry-run`` dit laquelle, avant → après."""
    run(capsys, db_path, "value", "R1", "52", "--year", "2025", "--bassin", "Lensois")
    run(capsys, db_path, "value", "M1a", "1234567", "--date", "2024-09", "--bassin", "Lensois")
    src = tmp_path / "valeurs.csv"
    src.write_text("indicateur;bassin;date;valeur\nR1;Lensois;2025;55\nM1a;Audomarois;2024-09;4\n"
                   "M1a;Lensois;2024-09;1234568\n", encoding="utf-8")  # fmt: skip
    before = dump_store(db_path)
    code, out, _ = run(capsys, db_path, "import", str(src), "--dry-run")
    assert code == 0 and out.splitlines() == [
        "Aperçu de « valeurs.csv » : 1 nouvelle valeur, 2 corrections.",
        "Corrections (avant → après) :",
        "- R1 Lensois 2025 : 52 → 55",
        "- M1a Lensois sept. 2024 : 1234567 → 1234568",
        "Simulation : rien n'a été écrit.",
    ]
    assert dump_store(db_path) == before
    code, out, _ = run(capsys, db_path, "import", str(src))
    assert code == 0 and out.splitlines()[-1] == "Import terminé : 3 valeur(s) enregistrée(s)."
    code, out, _ = run(capsys, db_path, "list", "--format", "json")
    last = {(r["code"], r["bassin"]): r["last_value"] for r in json.loads(out)}
    assert (last[("R1", "Lensois")], last[("M1a", "Lensois")], last[("M1a", "Audomarois")]) == (55.0, 1234568.0, 4.0)
    # la saisie d'une valeur isolée, elle, refuse toujours d'écraser sans --replace
    code, _, err = run(capsys, db_path, "value", "R1", "56", "--year", "2025", "--bassin", "Lensois")
    assert code == 2 and "une valeur est déjà saisie (55 %" in err


def test_the_template_is_prefilled_and_imports_back_unchanged(capsys, db_path, tmp_path):
    from openpyxl import load_workbook

    run(capsys, db_path, "link", "EP-1.1", "M1a", "--kind", "tdb")
    run(capsys, db_path, "value", "M1a", "14", "--date", "2024-08-01", "--bassin", "Lensois")
    out_file = tmp_path / "modele.xlsx"
    assert run(capsys, db_path, "template", str(out_file))[0] == 0
    wb = load_workbook(out_file)
    rows = [list(r) for r in wb["Valeurs"].iter_rows(values_only=True)]
    assert rows[0] == ["indicateur", "bassin", "date", "valeur"]
    assert [rows[2][0], rows[2][1], rows[2][3]] == ["M1a", "Lensois", 14] or any(
        r[0] == "M1a" and r[1] == "Lensois" and r[3] == 14 for r in rows)
    assert "Définitions" in wb.sheetnames
    ws = wb["Valeurs"]
    ws.append(["M1a", "Audomarois", "2024-08-01", 9])
    wb.save(out_file)
    code, out, _ = run(capsys, db_path, "import", str(out_file))
    assert code == 0 and "1 nouvelle valeur, 0 correction, 1 valeur déjà enregistrée" in out


def test_edit_and_archive_a_defined_indicator(capsys, db_path):
    run(capsys, db_path, "add", "EP-RDV", "--label", "Reçus en 15 jours", "--unit", "nombre", "--direction", "up")
    run(capsys, db_path, "value", "EP-RDV", "140", "--date", "2024-03-01", "--bassin", "Lensois")
    code, out, _ = run(capsys, db_path, "edit", "EP-RDV", "--label", "Part reçue en 15 jours", "--source", "cd",
                       "--direction", "down")  # fmt: skip
    assert code == 0 and out.strip() == "Indicateur modifié : EP-RDV – Part reçue en 15 jours (nombre)."
    code, out, _ = run(capsys, db_path, "list", "--format", "json")
    row = next(r for r in json.loads(out) if r["code"] == "EP-RDV")
    assert (row["label"], row["direction"]) == ("Part reçue en 15 jours", "down")
    code, out, _ = run(capsys, db_path, "edit", "EP-RDV", "--direction", "down")
    assert code == 0 and "inchangé" in out
    code, out, _ = run(capsys, db_path, "archive", "EP-RDV")
    assert code == 0 and out.startswith("Indicateur archivé : EP-RDV")
    code, out, _ = run(capsys, db_path, "list", "--format", "json")
    assert "EP-RDV" not in {r["code"] for r in json.loads(out)}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["edit", "EP-RDV"], "Rien à modifier : donnez au moins une option"),
        (["edit", "EP-RDV", "--unit", "%"], "EP-RDV ne peut pas passer en « % » : valeur du 01/03/2024 (Lensois)"),
        (["edit", "EP-RDV", "--scope", "plan"], "ne peut pas changer de portée"),
        (["edit", "EP-RDV", "--label", " "], "le libellé est obligatoire"),
        (["edit", "entrants", "--label", "Entrées"], "entrants est un flux mensuel BRSA"),
        (["edit", "R1", "--definition", "autre"], "R1 est un indicateur national (annexe 4)"),
        (["archive", "R1"], "il ne s'archive pas"),
        (["archive", "ZZ9"], "Indicateur « ZZ9 » inconnu"),
    ],
)
def test_bad_edit_or_archive_is_one_french_line_and_writes_nothing(capsys, db_path, args, message):
    run(capsys, db_path, "add", "EP-RDV", "--label", "Reçus en 15 jours", "--unit", "nombre", "--direction", "up")
    run(capsys, db_path, "value", "EP-RDV", "140", "--date", "2024-03-01", "--bassin", "Lensois")
    before = dump_store(db_path)
    code, _out, err = run(capsys, db_path, *args)
    assert code == 2 and message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert dump_store(db_path) == before


def test_snapshot_diff_shows_which_action_got_the_new_indicators(capsys, db_path):
    """La colonne « Commentaire » coupait « 2 nouveaux indicateurs liés à… » avant le code de
    l'action ; les valeurs s'écrivaient « 45.0 »."""
    assert main(["--db", str(db_path), "snapshot", "create", "COTECH"]) == 0
    run(capsys, db_path, "link", "EP-1.1", "R1", "--kind", "tdb")
    run(capsys, db_path, "link", "EP-1.1", "M1a", "--kind", "tdb")
    run(capsys, db_path, "value", "M6", "45", "--date", "2024-01-01", "--bassin", "Lensois")
    capsys.readouterr()
    code = main(["--db", str(db_path), "snapshot", "diff", "COTECH", "--current"])
    out = capsys.readouterr().out
    assert code == 0
    assert "2 nouveaux indicateurs liés à EP-1.1" in out
    assert "45.0" not in out


def test_link_without_kind_keeps_the_existing_column_and_follows_the_source(capsys, db_path):
    """``link`` sans ``--kind`` valait « Autres » : relancé sur un lien TDB national, il le
    basculait en silence ; et R1 (source TDB national) allait dans « Autres », alors que
    l'application propose TDB national."""
    code, out, _ = run(capsys, db_path, "link", "EP-2.1", "R1")
    assert code == 0 and "(TDB national)" in out
    code, out, err = run(capsys, db_path, "link", "EP-2.1", "R1")
    assert code == 2 and "déjà liée" in err
    assert run(capsys, db_path, "link", "EP-2.1", "R1", "--kind", "autre")[0] == 0
    code, out, err = run(capsys, db_path, "link", "EP-2.1", "R1")
    assert code == 2 and "déjà liée" in err  # la colonne choisie reste
    code, out, _ = run(capsys, db_path, "link", "EP-2.2", "M2")  # fondu dans son flux : reste TDB national
    assert code == 0 and "(delai_premier_entretien) (TDB national)" in out
    code, out, _ = run(capsys, db_path, "link", "EP-2.2", "entrants")  # porte V2-1
    assert code == 0 and "(TDB national)" in out
    code, out, _ = run(capsys, db_path, "link", "EP-2.2", "stock")
    assert code == 0 and "(Autres)" in out


def test_the_table_header_lines_up_with_its_columns(capsys, db_path):
    """En-têtes plus longs que la largeur maximale de leur colonne (« direction », « baseline_date ») :
    l'en-tête débordait et décalait toutes les colonnes suivantes."""
    run(capsys, db_path, "link", "EP-2.1", "R1")
    run(capsys, db_path, "value", "R1", "52", "--year", "2025", "--bassin", "Lensois")
    code, out, _ = run(capsys, db_path, "list", "--action", "EP-2.1", "--bassin", "Lensois")
    header, rule, row = out.splitlines()[:3]
    assert code == 0
    starts = [i for i in range(len(rule)) if rule[i] == "─" and (i == 0 or rule[i - 1] == " ")]
    assert len(starts) == len(KEYS)
    for key, at in zip(KEYS, starts, strict=True):
        assert header[at:].startswith(key), (key, header)
    assert row[starts[KEYS.index("bassin")]:].startswith("Lensois")
    assert row[starts[KEYS.index("status")]:].startswith("sans cible")


@pytest.mark.parametrize("args, message", [
    (["value", "R1", "140", "--year", "2025", "--bassin", "Lensois"],
     "Valeur refusée, rien n'a été enregistré : R1, Lensois, 2025 : 140 % dépasse 100 %"),
    (["value", "M1", "-3", "--date", "2025-04-01", "--bassin", "Lensois"],
     "Valeur refusée, rien n'a été enregistré : M1, Lensois, avr. 2025 : -3 est négatif"),
    (["value", "R1", "40", "--date", "2045-04-01", "--bassin", "Lensois"],
     "Valeur refusée, rien n'a été enregistré : R1, Lensois : date 01/01/2045 hors de la période acceptée"),
    (["target", "R1", "40", "--date", "2045-04-01", "--bassin", "Audomarois"],
     "R1, Audomarois : date 01/04/2045 hors de la période acceptée"),
])  # fmt: skip
def test_a_refused_single_value_is_said_in_one_line_with_what_and_where(capsys, db_path, args, message):
    """Une seule saisie refusée : un message d'une ligne (il en faisait deux, « Valeurs refusées… »
    puis « - … »), et la date hors période nomme aussi le bassin (« Indicateur R1 : Date … »)."""
    before = dump_store(db_path)
    code, _out, err = run(capsys, db_path, *args)
    assert code == 2 and message in err, err
    assert len(err.strip().splitlines()) == 1, err
    assert dump_store(db_path) == before
