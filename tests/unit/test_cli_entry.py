"""Ligne de commande : commandes chargées à la demande, ``roadmap-app FICHIER``, ``roadmap-cli``."""

from __future__ import annotations

import argparse
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from roadmap_app.__main__ import cli
from roadmap_app.cli.main import COMMANDS, build_parser, main, parse, scan

ROOT = Path(__file__).resolve().parents[2]


def subcommands(parser: argparse.ArgumentParser) -> set[str]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return set(action.choices)


def test_the_command_table_names_exactly_the_commands_the_modules_declare():
    """COMMANDS (commande → module) ne dérive pas : chaque module déclare les commandes que la
    table lui attribue, ni plus ni moins."""
    assert subcommands(build_parser()) == set(COMMANDS) | {"gui"}
    for command, module in COMMANDS.items():
        declared = subcommands(build_parser([command])) - {"gui"}
        assert command in declared
        assert declared == {c for c, m in COMMANDS.items() if m == module}, command


def test_version_imports_no_command_and_no_database_layer():
    commands = tuple(f"roadmap_app.cli.{m}" for m in set(COMMANDS.values()))
    code = (
        "import sys; from roadmap_app.__main__ import main; main(['--version']); "
        f"print(sorted(m for m in sys.modules if m.startswith({commands!r} + ('sqlalchemy', "
        "'sqlmodel', 'PySide6', 'alembic', 'db.store', 'db.models'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.splitlines()
    assert out[0].startswith("roadmap-app ")
    assert out[-1] == "[]", out[-1]


def test_a_command_imports_only_its_own_module(monkeypatch):
    args = parse(["actions", "list"])
    assert args.command == "actions"
    code = (
        "import sys; from roadmap_app.cli.main import parse; parse(['bassins', 'list']); "
        "print(sorted(m.rsplit('.', 1)[1] for m in sys.modules if m.startswith('roadmap_app.cli.')"
        " and m.count('.') == 2))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    loaded = eval(out)  # liste de noms imprimée par le processus
    assert "bassins" in loaded
    assert not {"actions", "export", "workshop", "flows", "snapshot"} & set(loaded), loaded


def test_scan_skips_the_values_of_global_options():
    line = scan(["--db", "base.sqlite3", "--roadmap", "2024", "actions", "list"])
    assert (line.command, line.index) == ("actions", 4)
    assert scan(["--db=x.sqlite3", "paquet.atelier"]).command == "paquet.atelier"
    assert scan(["--version", "actions"]).version and not scan(["actions", "--version"]).version


def test_a_file_argument_opens_the_application_on_it(tmp_path):
    args = parse(["--roadmap", "2024", str(tmp_path / "lens.atelier")])
    assert args.open_file == str(tmp_path / "lens.atelier")
    assert args.command is None and args.global_roadmap == "2024"
    assert parse(["gui"]).open_file is None


def test_a_mistyped_command_is_still_reported_as_such(capsys):
    with pytest.raises(SystemExit) as exc:
        parse(["actoins", "list"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "choix invalide : 'actoins'" in err and "'actions'" in err


def test_one_file_at_a_time(capsys):
    with pytest.raises(SystemExit):
        parse(["a.sqlite3", "b.sqlite3"])
    assert "« b.sqlite3 » en trop" in capsys.readouterr().err


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit):
        main(["-h"])
    out = capsys.readouterr().out
    assert all(command in out for command in COMMANDS)
    assert "affiche la version et quitte" in out  # plus de « show program's version number »


def test_roadmap_cli_without_a_command_prints_its_help(capsys):
    assert cli([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage : roadmap-cli") and "actions" in out


def test_pip_install_provides_a_console_command_for_the_cli():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["scripts"]["roadmap-cli"] == "roadmap_app.__main__:cli"
    assert project["gui-scripts"]["roadmap-app"] == "roadmap_app.__main__:main"
