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
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[..., int] | None = getattr(args, "handler", None)
    if handler is None:
        from ui.app import run_gui

        return run_gui(args.db)
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
    ctx.origin = "cli"  # journal : une modification faite en ligne de commande est notée « cli »
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
