"""``roadmap-app roadmaps list|new|archive`` : plusieurs feuilles de route dans la même base."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from roadmap_app.cli.output import add_raw_argument, write_csv, write_json, write_table
from roadmap_app.cli.plan_edit import report
from roadmap_app.core.context import AppContext
from roadmap_app.plan.roadmap_list import list_roadmaps
from roadmap_app.plan.roadmaps import archive_roadmap, carry_over_preview, new_roadmap


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("roadmaps", help="lister les feuilles de route, démarrer la suivante")
    rsub = p.add_subparsers(dest="roadmaps_cmd", metavar="COMMANDE", required=True)

    ls = rsub.add_parser("list", help="les feuilles de route de la base (la plus récente d'abord)")
    ls.add_argument("--all", action="store_true", help="inclure les feuilles de route archivées")
    ls.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help="format de sortie"
    )
    add_raw_argument(ls)
    ls.set_defaults(handler=cmd_list)

    new = rsub.add_parser(
        "new",
        help="démarrer une feuille de route à partir d'une autre (actions non réalisées reprises)",
    )
    new.add_argument("name", help="nom (par exemple « Feuille de route 2025 »)")
    new.add_argument(
        "--from",
        dest="source",
        required=True,
        metavar="NOM",
        help="feuille de route d'origine (code, nom ou année)",
    )
    new.add_argument("--year", type=int, help="année (par défaut : celle d'origine + 1)")
    new.add_argument("--code", help="code court (par défaut : FDR-AAAA)")
    new.add_argument("--description", help="description")
    new.add_argument(
        "--dry-run", action="store_true", help="montrer ce qui serait repris, sans rien créer"
    )
    new.add_argument("--author", help="nom inscrit au journal")
    new.set_defaults(handler=cmd_new)

    arch = rsub.add_parser("archive", help="archiver une feuille de route ou la restaurer")
    arch.add_argument("name", help="feuille de route (code, nom ou année)")
    arch.add_argument("--restore", action="store_true", help="restaurer une feuille archivée")
    arch.add_argument("--author", help="nom inscrit au journal")
    arch.set_defaults(handler=cmd_archive)


def cmd_list(ctx: AppContext, args: argparse.Namespace) -> int:
    rows = list_roadmaps(ctx, include_archived=args.all)
    if args.format == "json":
        data: list[dict[str, Any]] = [
            {
                "code": r.code,
                "name": r.name,
                "year": r.year,
                "parent": r.parent,
                "archived": r.archived,
                "axes": r.axes,
                "cibles": r.cibles,
                "actions": r.actions,
                "default": r.default,
            }
            for r in rows
        ]
        write_json(sys.stdout, data)
        return 0
    headers = [
        "Code",
        "Feuille de route",
        "Année",
        "Reprise de",
        "Axes",
        "Cibles",
        "Actions",
        "État",
    ]
    table = [
        [
            r.code,
            r.name,
            r.year,
            r.parent or "",
            r.axes,
            r.cibles,
            r.actions,
            "archivée" if r.archived else ("par défaut" if r.default else ""),
        ]
        for r in rows
    ]
    if args.format == "csv":
        write_csv(sys.stdout, headers, table, raw=args.raw)
    else:
        write_table(sys.stdout, headers, table, max_widths=[14, 40, 5, 40, 4, 6, 7, 10])
    return 0


def cmd_new(ctx: AppContext, args: argparse.Namespace) -> int:
    if args.dry_run:
        preview = carry_over_preview(ctx, args.source)
        print(f"À partir de « {preview.source} » :")
        print(f"  {len(preview.carried)} action(s) reprise(s) :")
        for code, bassins in preview.carried:
            print(f"    {code}  ({', '.join(bassins)})")
        print(f"  {len(preview.left)} action(s) laissée(s) (réalisées ou abandonnées partout) :")
        if preview.left:
            print("    " + ", ".join(preview.left))
        print("Rien n'a été créé (--dry-run).")
        return 0
    created = new_roadmap(
        ctx,
        args.name,
        source=args.source,
        year=args.year,
        code=args.code,
        description=args.description,
        author=args.author,
        origin="cli",
        record_undo=False,
    )
    report(created.result, "")
    if created.left:
        print(f"Non reprises (réalisées ou abandonnées partout) : {', '.join(created.left)}")
    return 0


def cmd_archive(ctx: AppContext, args: argparse.Namespace) -> int:
    result = archive_roadmap(
        ctx,
        args.name,
        archived=not args.restore,
        author=args.author,
        source="cli",
        record_undo=False,
    )
    return report(result, "")
