"""Analyse de la ligne de commande. Sans commande : l'interface graphique."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from roadmap_app import __version__
from roadmap_app.cli.french_argparse import FrenchArgumentParser
from roadmap_app.errors import StoreError, UserError

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    from roadmap_app.cli import (
        actions,
        backup,
        bassins,
        dbcmd,
        export,
        flows,
        roadmaps,
        snapshot,
        workshop,
    )

    parser = FrenchArgumentParser(
        prog="roadmap-app",
        description="Pilotage de la feuille de route volet 3 (accompagnement rénové des allocataires du RSA).",
        epilog="Sans commande, l'application graphique s'ouvre.",
    )
    parser.add_argument("--version", action="version", version=f"roadmap-app {__version__}")
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
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE")
    actions.register(sub)
    dbcmd.register(sub)
    snapshot.register(sub)
    export.register(sub)
    workshop.register(sub)
    backup.register(sub)
    flows.register(sub)
    bassins.register(sub)
    roadmaps.register(sub)
    gui = sub.add_parser("gui", help="ouvrir l'application graphique (par défaut)")
    gui.set_defaults(handler=None)
    return parser


def main(argv: list[str]) -> int:
    """Lance la commande. Dernier recours : une erreur inattendue donne une ligne en français sur
    la sortie d'erreur, le rapport complet dans le journal (``roadmap-app.log``), et le code 1 —
    jamais de trace Python à l'écran."""
    try:
        return _run(argv)
    except KeyboardInterrupt:
        print("Interrompu : rien n'a été enregistré de la commande en cours.", file=sys.stderr)
        return 130
    except Exception as err:
        return _unexpected(err)


def _run(argv: list[str]) -> int:
    bad = next((i for i, a in enumerate(argv, 1) if _not_text(a)), None)
    if bad is not None:
        print(
            f"Erreur : l'argument n° {bad} contient des octets qui ne forment pas du texte valide "
            "(UTF-8) : retapez-le, ou renommez le fichier.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[..., int] | None = getattr(args, "handler", None)
    try:
        target = check_target(args.db, create=args.create)
    except (UserError, StoreError) as err:
        print(f"Erreur : {err}", file=sys.stderr)
        return EXIT_USAGE
    if handler is None:
        from ui.app import run_gui

        return run_gui(target)
    from roadmap_app.bulk import end_startup
    from roadmap_app.services.context import open_context

    end_startup(freeze=False)  # une commande est brève : rien à geler

    needs_context = getattr(args, "needs_context", True)
    if callable(needs_context):
        needs_context = needs_context(args)
    if not needs_context:
        # La restauration ne doit pas ouvrir la base : elle peut être endommagée.
        try:
            from db.store import sqlite_path
            from roadmap_app.services.context import resolve_target

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

    from roadmap_app.services.context import DB_ENV
    from roadmap_app.settings import url_password_refusal

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

    from roadmap_app.paths import log_dir

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
