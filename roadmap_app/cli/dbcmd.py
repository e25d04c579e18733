"""``roadmap-app db copy|info`` : déplacer une base entière entre SQLite et PostgreSQL."""

from __future__ import annotations

import argparse
import sys

from db.copy import copy_store, fingerprint
from db.schema import HEAD
from db.store import Store
from roadmap_app.cli.output import write_json, write_table
from roadmap_app.core.context import AppContext
from roadmap_app.core.errors import UserError
from roadmap_app.core.settings import url_password_refusal


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    p = sub.add_parser("db", help="informations sur la base, copie vers une autre base")
    dsub = p.add_subparsers(dest="db_cmd", metavar="COMMANDE", required=True)
    cp = dsub.add_parser(
        "copy",
        help="copier toute la base (journal et instantanés compris) vers une base vide",
        description="Copie la base ouverte (--db, sinon la base par défaut) vers URL : fichier SQLite ou "
        "postgresql+psycopg://utilisateur@serveur/base (mot de passe dans ~/.pgpass, PGPASSFILE ou "
        "PGSERVICE, jamais dans l'adresse). La destination doit être vide ; la copie est vérifiée "
        "table par table (nombre de lignes et empreinte) avant d'être validée ; si elle échoue, la "
        "destination reste telle qu'elle était.",
    )
    cp.add_argument("--to", required=True, metavar="CHEMIN|URL", help="base de destination (vide)")
    cp.set_defaults(handler=cmd_copy)
    info = dsub.add_parser(
        "info", help="type de base, version de schéma et nombre de lignes par table"
    )
    info.add_argument("--format", choices=("table", "json"), default="table")
    info.set_defaults(handler=cmd_info)


def cmd_copy(ctx: AppContext, args: argparse.Namespace) -> int:
    target = Store(args.to)
    if target.url.password is not None:
        target.dispose()
        raise UserError(url_password_refusal("--to"))
    try:

        def progress(done: int, total: int, message: str) -> None:
            print(f"  [{done}/{total}] {message}", file=sys.stderr)

        report = copy_store(ctx.store, target, progress)
    finally:
        target.dispose()
    print(
        f"Copie terminée et vérifiée : {report.total_rows} lignes dans {len(report.tables)} tables "
        f"vers {report.target}."
    )
    return 0


def cmd_info(ctx: AppContext, args: argparse.Namespace) -> int:
    tables = fingerprint(ctx.store)
    if args.format == "json":
        write_json(
            sys.stdout,
            {
                "base": ctx.store.display_name,
                "moteur": ctx.store.backend,
                "schema": HEAD,
                "tables": {t.name: {"lignes": t.rows, "empreinte": t.checksum} for t in tables},
            },
        )
        return 0
    print(f"Base : {ctx.store.display_name} ({ctx.store.backend}), schéma {HEAD}")
    write_table(
        sys.stdout,
        ["Table", "Lignes", "Empreinte"],
        [[t.name, t.rows, t.checksum[:16]] for t in tables],
    )
    return 0
