"""Analyse de la ligne de commande. Sans commande : l'interface graphique."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from roadmap_app import __version__
from roadmap_app.cli.french_argparse import FrenchArgumentParser
from roadmap_app.errors import StoreError, UserError

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


#: Commande → module qui la déclare (``register(sub)``). Un module n'est importé que si l'une de
#: ses commandes est demandée : ``--version`` et les commandes simples ne chargent pas les autres.
#: ``roadmap-app -h`` (sans commande) les charge toutes pour lister leur aide.
COMMANDS: dict[str, str] = {
    "actions": "actions",
    "db": "dbcmd",
    "snapshot": "snapshot",
    "export": "export",
    "workshop": "workshop",
    "backup": "backup",
    "restore": "backup",
    "flows": "flows",
    "chart": "flows",
    "bassins": "bassins",
    "roadmaps": "roadmaps",
}
#: Options globales suivies d'une valeur (``--db CHEMIN``) : leur valeur n'est pas la commande.
VALUE_OPTIONS = ("--db", "--roadmap")
HELP_OPTIONS = ("-h", "--help")


def build_parser(
    commands: Iterable[str] | None = None, prog: str = "roadmap-app"
) -> argparse.ArgumentParser:
    """L'analyseur, avec les sous-commandes de ``commands`` (toutes par défaut)."""
    import importlib

    parser = FrenchArgumentParser(
        prog=prog,
        description="Pilotage de la feuille de route volet 3 (accompagnement rénové des allocataires du RSA).",
        epilog="Sans commande, l'application graphique s'ouvre ; « roadmap-app FICHIER » l'ouvre sur "
        "une base (.sqlite3) ou sur la fusion d'un paquet d'atelier.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"roadmap-app {__version__}",
        help="affiche la version et quitte",
    )
    parser.add_argument(
        "--db",
        metavar="CHEMIN|URL",
        help="base à utiliser : fichier SQLite ou URL SQLAlchemy (par défaut : la base du dossier utilisateur)",
    )
    parser.add_argument(
        "--roadmap",
        dest="global_roadmap",
        metavar="NOM",
        help="feuille de route sur laquelle travailler (code, nom ou année ; par défaut la plus récente)",
    )
    parser.set_defaults(open_file=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE")
    wanted = list(COMMANDS) if commands is None else [c for c in commands if c in COMMANDS]
    for module in dict.fromkeys(COMMANDS[c] for c in wanted):  # dans l'ordre, sans doublon
        importlib.import_module(f"roadmap_app.cli.{module}").register(sub)
    gui = sub.add_parser("gui", help="ouvrir l'application graphique (par défaut)")
    gui.set_defaults(handler=None)
    return parser


@dataclass(frozen=True)
class CommandLine:
    """Ce que la ligne de commande demande, vu sans importer les sous-commandes."""

    command: str | None  # premier mot qui n'est pas une option, ou None
    index: int  # sa position dans argv
    version: bool  # --version avant toute commande
    help: bool  # -h / --help avant toute commande


def scan(argv: list[str]) -> CommandLine:
    skip = False
    for i, token in enumerate(argv):
        if skip:
            skip = False
            continue
        if token == "--":
            rest = i + 1
            return _found(argv, argv[rest] if rest < len(argv) else None, rest)
        if token.startswith("-"):
            skip = token in VALUE_OPTIONS
            continue
        return _found(argv, token, i)
    return _found(argv, None, len(argv))


def _found(argv: list[str], command: str | None, index: int) -> CommandLine:
    before = argv[:index]
    return CommandLine(
        command, index, "--version" in before, any(h in before for h in HELP_OPTIONS)
    )


def looks_like_file(token: str) -> bool:
    """``roadmap-app FICHIER`` : un chemin existant, ou un nom avec un dossier ou une extension
    (sinon c'est une commande mal tapée, signalée comme telle)."""
    path = Path(token)
    return path.exists() or bool(path.suffix) or "/" in token or os.sep in token


def parse(argv: list[str], prog: str = "roadmap-app") -> argparse.Namespace:
    """Analyse ``argv`` en n'important que le module de la commande demandée."""
    line = scan(argv)
    if line.help:  # l'aide générale liste toutes les commandes
        return build_parser(None, prog).parse_args(argv)
    if line.command is None or line.command == "gui":
        return build_parser([], prog).parse_args(argv)
    if line.command in COMMANDS:
        return build_parser([line.command], prog).parse_args(argv)
    if looks_like_file(line.command):
        rest = argv[: line.index] + argv[line.index + 1 :]
        parser = build_parser([], prog)
        extra = scan(rest).command
        if extra is not None:
            parser.error(f"un seul fichier à ouvrir (« {line.command} ») : « {extra} » en trop")
        args = parser.parse_args(rest)
        args.open_file = line.command
        return args
    return build_parser(None, prog).parse_args(argv)  # « choix invalide », avec la liste


def main(argv: list[str], prog: str = "roadmap-app", gui_by_default: bool = True) -> int:
    line = scan(argv)
    if line.version:  # sans construire l'analyseur ni importer les commandes
        print(f"roadmap-app {__version__}")
        return EXIT_OK
    if line.command is None and not line.help and not gui_by_default:
        build_parser(None, prog).print_help()  # roadmap-cli sans commande : l'aide
        return EXIT_OK
    args = parse(argv, prog)
    handler: Callable[..., int] | None = getattr(args, "handler", None)
    if handler is None:
        from ui.app import run_gui

        return run_gui(args.db, args.open_file)
    from roadmap_app.bulk import end_startup
    from roadmap_app.services.context import open_context, resolve_target

    end_startup(freeze=False)  # une commande est brève : rien à geler

    if getattr(args, "needs_context", True) is False:
        # La restauration ne doit pas ouvrir la base : elle peut être endommagée.
        from db.store import Store

        target = Store(resolve_target(args.db))
        path = target.path
        target.dispose()
        try:
            return handler(path, args)
        except (UserError, StoreError) as err:
            print(f"Erreur : {err}", file=sys.stderr)
            return EXIT_USAGE if isinstance(err, UserError) else EXIT_ERROR
    try:
        ctx = open_context(args.db, getattr(args, "author", None))
    except StoreError as err:
        print(f"Erreur : {err}", file=sys.stderr)
        return EXIT_ERROR
    try:
        if args.global_roadmap:
            from roadmap_app.services.roadmap_list import use_roadmap

            use_roadmap(ctx, args.global_roadmap)
        return handler(ctx, args)
    except BrokenPipeError:  # sortie coupée (« | head ») : pas une erreur
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except UserError as err:
        print(f"Erreur : {err}", file=sys.stderr)
        return EXIT_USAGE
    except StoreError as err:
        print(f"Erreur : {err}", file=sys.stderr)
        return EXIT_ERROR
    except ValueError as err:
        print(f"Erreur : {err}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        ctx.close()
