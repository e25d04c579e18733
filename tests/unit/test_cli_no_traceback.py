"""Jamais de trace Python en ligne de commande : une ligne en français, un code de sortie non nul,
rien de laissé derrière (issue 19)."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from roadmap_app.cli.main import build_parser, main
from tests.conftest import dump_store
from tests.unprivileged import ROOT, run_cli


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_mistyped_db_is_refused_and_creates_nothing(capsys, tmp_path):
    target = tmp_path / "mal-tape" / "roadmap.sqlite3"
    code, _, err = run(capsys, "--db", str(target), "actions", "set", "EP-2.2", "--bassin", "Lensois",
                       "--status", "realise")  # fmt: skip
    assert code == 2 and "n'existe pas" in err and "--create" in err
    assert not target.parent.exists()
    code, _, _ = run(capsys, "--db", str(target), "--create", "actions", "list", "--format", "json")
    assert code == 0 and target.exists()


def test_the_default_store_is_still_created_on_first_start(capsys, _isolated_home):
    code, _, _ = run(capsys, "actions", "list", "--format", "json")
    assert code == 0 and (_isolated_home / "roadmap.sqlite3").exists()


@pytest.mark.parametrize(
    ("db", "expected"),
    [
        ("{folder}", "est un dossier"),
        ("foo://", "non pris en charge"),
        ("mysql://u@serveur/base", "non pris en charge"),
        ("postgresql+psycopg://equipe:secret@serveur/base", "mot de passe"),
    ],
)
def test_unusable_db_arguments_give_one_french_line(capsys, tmp_path, db, expected):
    code, _, err = run(capsys, "--db", db.format(folder=tmp_path), "actions", "list")
    assert code == 2 and expected in err and "Traceback" not in err
    assert err.count("\n") == 1 and "secret" not in err


def test_invalid_utf8_in_arguments_is_an_error_not_a_crash():
    result = subprocess.run(
        [sys.executable, "-m", "roadmap_app", "actions", "list", "--bassin", b"Lens\xffois"],
        capture_output=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr and b"UTF-8" in result.stderr


def _all_parsers(parser, prefix=()):
    import argparse

    yield prefix, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _all_parsers(sub, (*prefix, name))


def test_every_help_text_prints_and_shows_percent_signs_as_written(capsys):
    seen = 0
    for words, _parser in _all_parsers(build_parser()):
        with pytest.raises(SystemExit) as exit_info:
            main([*words, "--help"])
        out, err = capsys.readouterr()
        assert exit_info.value.code == 0, (words, err)
        assert "%%" not in out and "Traceback" not in err
        seen += 1
    assert seen > 30
    with pytest.raises(SystemExit):
        main(["actions", "set", "--help"])
    assert "avancement en % (0 à 100)" in " ".join(capsys.readouterr().out.split())
    with pytest.raises(SystemExit):
        main(["chart", "--help"])
    assert "50 % vers FT" in " ".join(capsys.readouterr().out.split())


def test_an_export_to_an_unwritable_place_is_refused_in_french(capsys, db_path):
    code, _, err = run(capsys, "--db", str(db_path), "export", "xlsx", "/proc/x.xlsx")
    assert code == 2 and "Impossible d'écrire « /proc/x.xlsx »" in err and "Traceback" not in err


def test_backup_to_an_existing_folder_leaves_nothing_behind(capsys, db_path, tmp_path):
    folder = tmp_path / "dossier"
    folder.mkdir()
    code, _, err = run(capsys, "--db", str(db_path), "backup", "--to", str(folder))
    assert code == 1 and "est un dossier" in err
    assert list(folder.iterdir()) == []
    assert not list(tmp_path.glob("*.part"))


def test_flows_list_with_an_unknown_bassin_is_an_error(capsys, db_path):
    code, _, err = run(capsys, "--db", str(db_path), "flows", "list", "--bassin", "Arrageois")
    assert code == 2 and "Bassin « Arrageois » inconnu" in err


def test_a_damaged_store_names_the_restore_command_and_its_backups_can_be_listed(capsys, db_path):
    from roadmap_app.core.backup import backup_now
    from roadmap_app.core.context import open_context

    ctx = open_context(db_path)
    good = backup_now(ctx)
    ctx.close()
    sqlite3.connect(db_path).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    data = bytearray(db_path.read_bytes())
    data[4096 * 3 : 4096 * 6] = b"\xa5" * (4096 * 3)  # pages de tables écrasées
    db_path.write_bytes(bytes(data))
    code, _, err = run(capsys, "--db", str(db_path), "actions", "list")
    assert code == 1 and "roadmap-app restore" in err and "backup --list" in err
    code, out, _ = run(capsys, "--db", str(db_path), "backup", "--list")
    assert code == 0 and str(good) in out


def test_an_unexpected_error_is_one_line_and_a_report_in_the_log(
    capsys, db_path, monkeypatch, _isolated_home
):
    from roadmap_app.cli import actions

    def boom(ctx, args):
        raise RuntimeError("panne imprévue")

    monkeypatch.setattr(actions, "cmd_list", boom)
    code, _, err = run(capsys, "--db", str(db_path), "actions", "list")
    log = _isolated_home / "logs" / "roadmap-app.log"
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err
    assert "Erreur inattendue (RuntimeError : panne imprévue)" in err and str(log) in err
    assert "Traceback" in log.read_text(encoding="utf-8")


def _read_only(*paths: Path) -> None:
    for p in paths:
        mode = stat.S_IMODE(p.stat().st_mode)
        p.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


@pytest.mark.skipif(sys.platform == "win32", reason="droits POSIX")
def test_a_read_only_data_folder_is_reported_as_read_only_not_damaged(db_path, tmp_path):
    folder = tmp_path / "lecture-seule"
    folder.mkdir()
    store = folder / "roadmap.sqlite3"
    store.write_bytes(db_path.read_bytes())
    for p in (folder, folder.parent):  # traversable par un utilisateur ordinaire
        p.chmod(0o755)
    _read_only(store, folder)
    try:
        before = dump_store(store)
        listed = run_cli("--db", str(store), "actions", "list", "--format", "json")
        assert listed.returncode == 0, listed.stderr  # la consultation marche
        written = run_cli("--db", str(store), "actions", "set", "EP-2.2", "--bassin", "Lensois",
                          "--status", "realise")  # fmt: skip
        assert written.returncode == 1 and "lecture seule" in written.stderr
        assert "endommagée" not in written.stderr and "restore" not in written.stderr
        assert "Traceback" not in written.stderr and written.stderr.count("\n") == 1
        assert dump_store(store) == before
    finally:
        folder.chmod(0o755)


@pytest.mark.skipif(sys.platform == "win32", reason="droits POSIX")
def test_a_read_only_store_file_refuses_writes_with_a_message(db_path, tmp_path):
    for p in (db_path.parent, db_path.parent.parent):
        p.chmod(0o755)
    _read_only(db_path)
    written = run_cli("--db", str(db_path), "actions", "set", "EP-2.2", "--bassin", "Lensois",
                      "--note", "essai")  # fmt: skip
    assert written.returncode == 1, written.stderr
    assert "lecture seule" in written.stderr and "Traceback" not in written.stderr
