"""Un dossier de données comme « C:\\Users\\Hélène D'Arc\\… » : « # », « ? », « % », espaces,
apostrophe, accents. Premier lancement, écriture, sauvegarde, restauration, exports, paquet
d'atelier, copie de base : chaque fichier est écrit et lu exactement là où il est désigné."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook

from roadmap_app.cli.main import main

ODD = "Hélène D'Arc #1 ?%41"


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def note_in(path: Path, code: str = "EP-2.2") -> str:
    conn = sqlite3.connect(path)
    try:
        row = conn.execute(
            "SELECT ab.note FROM action_bassin ab JOIN action a ON a.id = ab.action_id "
            "JOIN bassin b ON b.id = ab.bassin_id WHERE a.code = ? AND b.name = 'Lensois'",
            (code,),
        ).fetchone()
    finally:
        conn.close()
    return row[0]


@pytest.fixture
def home(tmp_path, monkeypatch):
    folder = tmp_path / ODD / "données #2"
    monkeypatch.setenv("ROADMAP_APP_HOME", str(folder))
    return folder


def test_first_start_write_backup_restore_in_an_odd_data_folder(capsys, home, tmp_path):
    run(capsys, "actions", "set", "EP-2.2", "--bassin", "Lensois", "--note", "avant # ? %41")
    store = home / "roadmap.sqlite3"
    assert store.is_file() and note_in(store) == "avant # ? %41"
    assert sorted(p.name for p in tmp_path.iterdir()) == [ODD]  # rien d'écrit ailleurs
    out = run(capsys, "backup")
    backup = Path(out.split("Sauvegarde écrite : ")[1].strip())
    assert backup.parent == home / "sauvegardes" and note_in(backup) == "avant # ? %41"
    other = home / "copie #3 ?%41 d'été.sqlite3"
    run(capsys, "backup", "--to", str(other))
    assert note_in(other) == "avant # ? %41"
    assert str(backup) in run(capsys, "backup", "--list")
    run(capsys, "actions", "set", "EP-2.2", "--bassin", "Lensois", "--note", "après")
    run(capsys, "restore", str(other))
    assert note_in(store) == "avant # ? %41"
    assert list((home / "sauvegardes").glob("roadmap-avant-restauration-*.sqlite3"))


def test_exports_packages_and_copies_to_odd_paths(capsys, home, tmp_path):
    store = home / "roadmap.sqlite3"
    run(capsys, "actions", "set", "EP-2.2", "--bassin", "Lensois", "--note", "note")
    out_dir = tmp_path / ODD / "exports ?#%20"
    pack = out_dir / "pack #1 ?%41.xlsx"
    run(capsys, "export", "xlsx", str(pack))
    assert "Changements" in load_workbook(pack).sheetnames
    entered = out_dir / "saisie #1 ?%41.csv"
    entered.write_text(
        "bassin;mois;indicateur;valeur\nLensois;2025-01;entrants;12\n", encoding="utf-8"
    )
    assert "1 valeur(s) enregistrée(s)" in run(capsys, "flows", "import", str(entered))
    flows = out_dir / "flux ?%41.csv"
    run(capsys, "flows", "export", str(flows))
    assert "1 inchangée(s)" in run(capsys, "flows", "import", str(flows), "--dry-run")
    package = out_dir / "atelier #1 ?%41.atelier.sqlite3"
    run(capsys, "workshop", "export", str(package), "--bassin", "Lensois")
    run(
        capsys,
        "--db",
        str(package),
        "actions",
        "set",
        "AI-4.1",
        "--bassin",
        "Lensois",
        "--note",
        "atelier",
    )
    run(capsys, "workshop", "merge", str(package))
    assert note_in(store, "AI-4.1") == "atelier"
    copy = out_dir / "copie #2 ?%41.sqlite3"
    run(capsys, "db", "copy", "--to", str(copy))
    assert note_in(copy, "AI-4.1") == "atelier"
    run(capsys, "--db", str(copy), "actions", "list", "--format", "json")
