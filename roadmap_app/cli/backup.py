"""``roadmap-app backup`` et ``roadmap-app restore FICHIER``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from db.backup import list_backups
from roadmap_app.cli.output import write_table
from roadmap_app.core.backup import backup_now, restore_file
from roadmap_app.core.context import AppContext
from roadmap_app.core.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    b = sub.add_parser(
        "backup", help="sauvegarder la base maintenant (copie cohérente, même ouverte ailleurs)"
    )
    b.add_argument(
        "--to",
        metavar="FICHIER",
        help="fichier de sauvegarde (par défaut : dossier « sauvegardes »)",
    )
    b.add_argument("--list", action="store_true", help="lister les sauvegardes existantes")
    # --list n'ouvre pas la base : elle marche aussi sur une base endommagée (que restaurer ?)
    b.set_defaults(handler=cmd_backup, needs_context=lambda args: not args.list)
    r = sub.add_parser(
        "restore",
        help="remplacer la base par une sauvegarde (vérifiée ; la base actuelle est gardée à côté)",
    )
    r.add_argument("source", metavar="FICHIER")
    r.set_defaults(handler=cmd_restore, needs_context=False)


def cmd_backup(ctx: AppContext | Path | None, args: argparse.Namespace) -> int:
    if args.list:
        if not isinstance(ctx, Path):
            raise UserError(
                "Les sauvegardes en fichier concernent une base SQLite ; une base PostgreSQL se "
                "sauvegarde avec « roadmap-app backup » (copie vers un fichier SQLite)."
            )
        rows = list_backups(ctx)
        write_table(sys.stdout, ["Date", "Type", "Taille", "Fichier"],
                    [[f"{b.created:%d/%m/%Y %H:%M}", b.kind, f"{b.size // 1024} Kio", str(b.path)] for b in rows])  # fmt: skip
        return 0
    assert isinstance(ctx, AppContext)
    path = backup_now(ctx, Path(args.to) if args.to else None)
    print(f"Sauvegarde écrite : {path}")
    return 0


def cmd_restore(store_path: Path | None, args: argparse.Namespace) -> int:
    if store_path is None:
        raise UserError(
            "La restauration d'un fichier concerne une base SQLite. Pour une base PostgreSQL, recréez une "
            "base vide et utilisez « roadmap-app --db FICHIER db copy --to URL »."
        )
    kept = restore_file(store_path, Path(args.source), damaged=_damaged(store_path))
    print(f"Base restaurée depuis « {args.source} ».")
    if kept is not None:
        print(f"L'ancienne base est conservée : {kept}")
    return 0


def _damaged(store_path: Path) -> bool:
    from db.backup import check_store_file
    from db.errors import StoreError

    if not store_path.exists():
        return False
    try:
        check_store_file(store_path)
    except StoreError:
        return True
    return False
