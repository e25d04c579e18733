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
from roadmap_app.core.errors import StoreError, UserError

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
    "indicators": "indicators",
    "plan": "plan_io",
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
        "--create",
        action="store_true",
        help="créer la base indiquée par --db si elle n'existe pas (sinon : refus, pour ne pas "
        "écrire dans une base neuve à cause d'un chemin mal tapé)",
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
    """Lance la commande. Dernier recours : une erreur inattendue donne une ligne en français sur
    la sortie d'erreur, le rapport complet dans le journal (``roadmap-app.log``), et le code 1 —
    jamais de trace Python à l'écran."""
    try:
        return _run(argv, prog, gui_by_default)
    except KeyboardInterrupt:
        print("Interrompu : rien n'a été enregistré de la commande en cours.", file=sys.stderr)
        return 130
    except Exception as err:
        return _unexpected(err)


def _run(argv: list[str], prog: str, gui_by_default: bool) -> int:
    bad = next((i for i, a in enumerate(argv, 1) if _not_text(a)), None)
    if bad is not None:
        print(
            f"Erreur : l'argument n° {bad} contient des octets qui ne forment pas du texte valide "
            "(UTF-8) : retapez-le, ou renommez le fichier.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    line = scan(argv)
    if line.version:  # sans construire l'analyseur ni importer les commandes
        print(f"roadmap-app {__version__}")
        return EXIT_OK
    if line.command is None and not line.help and not gui_by_default:
        build_parser(None, prog).print_help()  # roadmap-cli sans commande : l'aide
        return EXIT_OK
    args = parse(argv, prog)
    handler: Callable[..., int] | None = getattr(args, "handler", None)
    try:
        target = check_target(args.db, create=args.create)
    except (UserError, StoreError) as err:
        print(f"Erreur : {err}", file=sys.stderr)
        return EXIT_USAGE
    if handler is None:
        from ui.app import run_gui

        return run_gui(target, args.open_file)
    from roadmap_app.core.bulk import end_startup
    from roadmap_app.core.context import open_context

    end_startup(freeze=False)  # une commande est brève : rien à geler

    needs_context = getattr(args, "needs_context", True)
    if callable(needs_context):
        needs_context = needs_context(args)
    if not needs_context:
        # La restauration ne doit pas ouvrir la base : elle peut être endommagée.
        try:
            from db.store import sqlite_path
            from roadmap_app.core.context import resolve_target

            return handler(sqlite_path(_url(resolve_target(target))), args)
        except (UserError, StoreError) as err:
            print(f"Erreur : {err}", file=sys.stderr)
            return EXIT_USAGE if isinstance(err, UserError) else EXIT_ERROR
    try:
        ctx = open_context(
            target,
            getattr(args, "author", None),
            usage=f"roadmap-app — ligne de commande ({args.command})",
            ask_password=ask_password if sys.stdin.isatty() else None,
        )
    except StoreError as err:
        print(f"Erreur : {err}", file=sys.stderr)
        return EXIT_ERROR
    ctx.origin = "cli"  # journal : une modification faite en ligne de commande est notée « cli »
    try:
        if args.global_roadmap:
            from roadmap_app.plan.roadmap_list import use_roadmap

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


def _not_text(arg: str) -> bool:
    """Argument reçu avec des octets invalides (Python les garde en « surrogates »)."""
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _url(target: object):  # type: ignore[no-untyped-def]
    from db.store import normalize_url

    return normalize_url(target)  # type: ignore[arg-type]


def check_target(db: str | None, *, create: bool) -> str | None:
    """Vérifie la base demandée par ``--db`` (ou ``ROADMAP_APP_DB``) avant de l'ouvrir : adresse
    lisible, moteur pris en charge, pas de mot de passe en clair sur la ligne de commande, et un
    fichier qui existe (sauf ``--create``) — un chemin mal tapé ne crée pas une base neuve."""
    import os

    from roadmap_app.core.context import DB_ENV
    from roadmap_app.core.settings import url_password_refusal

    explicit = db if db else os.environ.get(DB_ENV, "").strip() or None
    if explicit is None:
        return db  # base par défaut (ou préférence enregistrée) : créée au premier lancement
    url = _url(explicit)
    if url.password is not None and db:
        raise UserError(url_password_refusal("--db"))
    from db.store import sqlite_path

    path = sqlite_path(url)
    if path is not None and path.is_dir():
        raise UserError(
            f"« {path} » est un dossier, pas une base : indiquez le fichier de la base "
            f"(par exemple « {path / 'roadmap.sqlite3'} »)."
        )
    if path is not None and not path.exists() and not create:
        raise UserError(
            f"La base « {path} » n'existe pas : vérifiez le chemin (--db), ou ajoutez --create pour "
            "créer une base neuve à cet endroit."
        )
    return db


def ask_password(where: str) -> str | None:
    """Mot de passe du serveur demandé dans le terminal (jamais affiché ni enregistré)."""
    import getpass

    try:
        return getpass.getpass(f"Mot de passe PostgreSQL pour {where} : ") or None
    except (EOFError, KeyboardInterrupt):
        return None


def _unexpected(err: BaseException) -> int:
    """Erreur non prévue : une ligne en français, le rapport complet dans le journal."""
    import logging
    import traceback

    from roadmap_app.core.paths import log_dir

    where = "le journal"
    try:
        directory = log_dir()
        directory.mkdir(parents=True, exist_ok=True)
        log_file = directory / "roadmap-app.log"
        with log_file.open("a", encoding="utf-8") as fh:
            fh.write(f"\n--- roadmap-app {__version__}, ligne de commande : erreur inattendue\n")
            fh.write("".join(traceback.format_exception(type(err), err, err.__traceback__)))
        where = str(log_file)
    except OSError:
        logging.getLogger("roadmap_app").exception("erreur inattendue")
    summary = str(err).strip().splitlines()[0][:200] if str(err).strip() else ""
    print(
        f"Erreur inattendue ({type(err).__name__}{' : ' + summary if summary else ''}). "
        f"La commande a été interrompue ; une écriture en cours a été annulée. Rapport : {where}.",
        file=sys.stderr,
    )
    return EXIT_ERROR
