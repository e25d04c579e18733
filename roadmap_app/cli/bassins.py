"""``roadmap-app bassins list|add|apply|archive``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from roadmap_app.cli.output import add_raw_argument, write_csv, write_json, write_table
from roadmap_app.cli.plan_edit import report
from roadmap_app.core.context import AppContext
from roadmap_app.core.dates import DateParseError, parse_day
from roadmap_app.core.errors import ValidationError
from roadmap_app.plan.bassins import (
    FigureInput,
    add_bassin,
    archive_bassin,
    list_bassins,
    parse_figure_value,
    set_bassin_actions,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bassins", help="lister, ajouter et archiver les bassins")
    bsub = p.add_subparsers(dest="bassins_cmd", metavar="COMMANDE", required=True)

    ls = bsub.add_parser("list", help="les bassins, leurs actions et leurs chiffres de référence")
    ls.add_argument("--all", action="store_true", help="inclure les bassins archivés")
    ls.add_argument("--roadmap", help="feuille de route pour le compte des actions")
    ls.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help="format de sortie"
    )
    add_raw_argument(ls)
    ls.set_defaults(handler=cmd_list)

    add = bsub.add_parser("add", help="ajouter un bassin (par exemple un autre territoire)")
    add.add_argument("name", help="nom du bassin (par exemple Arrageois)")
    add.add_argument("--code", help="code court (par défaut : les trois premières lettres)")
    add.add_argument("--full-name", default="", help="nom complet (« Bassin de l'Arrageois »)")
    add.add_argument("--typology", default="", help="typologie (rural, urbain…)")
    add.add_argument("--description", default="", help="description du territoire")
    add.add_argument("--services", default="", help="services présents (SLI, agences FT…)")
    add.add_argument(
        "--figure",
        action="append",
        default=[],
        metavar="CLÉ=VALEUR",
        help="chiffre de référence (répétable), par exemple brsa_stock=5 012 ou part_femmes=57,5",
    )
    add.add_argument("--as-of", metavar="JJ/MM/AAAA", help="date de situation des chiffres")
    add.add_argument(
        "--actions",
        default="all",
        help="actions qui s'y appliquent : all (défaut), none, ou codes séparés par des virgules",
    )
    add.add_argument("--author", help="nom inscrit au journal")
    add.add_argument("--roadmap", help="feuille de route dont les actions s'appliquent")
    add.set_defaults(handler=cmd_add)

    apply = bsub.add_parser("apply", help="choisir les actions qui s'appliquent à un bassin")
    apply.add_argument("name", help="bassin (nom ou code)")
    apply.add_argument(
        "--actions", required=True, help="all, none, ou codes séparés par des virgules"
    )
    apply.add_argument("--author", help="nom inscrit au journal")
    apply.add_argument("--roadmap", help="feuille de route concernée")
    apply.set_defaults(handler=cmd_apply)

    arch = bsub.add_parser("archive", help="archiver un bassin (rien n'est effacé) ou le restaurer")
    arch.add_argument("name", help="bassin (nom ou code)")
    arch.add_argument("--restore", action="store_true", help="restaurer un bassin archivé")
    arch.add_argument("--author", help="nom inscrit au journal")
    arch.set_defaults(handler=cmd_archive)


def parse_figures(items: list[str]) -> list[FigureInput]:
    figures = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValidationError(
                f"Chiffre « {item} » mal écrit : CLÉ=VALEUR attendu (par exemple brsa_stock=5012)."
            )
        figures.append(FigureInput(key.strip(), parse_figure_value(value, key.strip())))
    return figures


def cmd_list(ctx: AppContext, args: argparse.Namespace) -> int:
    bassins = list_bassins(ctx, include_archived=args.all, roadmap=args.roadmap)
    if args.format == "json":
        data: list[dict[str, Any]] = [
            {
                "code": b.code,
                "name": b.name,
                "full_name": b.full_name,
                "typology": b.typology,
                "archived": b.archived,
                "actions": b.actions,
                "figures": [
                    {
                        "key": f.key,
                        "label": f.label,
                        "value": f.value,
                        "unit": f.unit,
                        "as_of": f.as_of.isoformat(),
                        "note": f.note,
                    }
                    for f in b.figures
                ],
            }
            for b in bassins
        ]
        write_json(sys.stdout, data)
        return 0
    headers = ["Code", "Bassin", "Typologie", "Actions", "Chiffres", "État"]
    rows = [
        [
            b.code,
            b.name,
            b.typology,
            b.actions,
            len(b.figures),
            "archivé" if b.archived else "actif",
        ]
        for b in bassins
    ]
    if args.format == "csv":
        write_csv(sys.stdout, headers, rows, raw=args.raw)
    else:
        write_table(sys.stdout, headers, rows, max_widths=[6, 18, 40, 7, 8, 8])
    return 0


def cmd_add(ctx: AppContext, args: argparse.Namespace) -> int:
    figures = parse_figures(args.figure)
    as_of = None
    if args.as_of:
        try:
            as_of = parse_day(args.as_of)
        except DateParseError as err:
            raise ValidationError(f"--as-of : {err}") from None
    result = add_bassin(
        ctx,
        args.name,
        code=args.code,
        full_name=args.full_name,
        typology=args.typology,
        description=args.description,
        services=args.services,
        figures=figures,
        as_of=as_of,
        actions=args.actions,
        roadmap=args.roadmap,
        author=args.author,
        source="cli",
        record_undo=False,
    )
    return report(result, "Aucun bassin ajouté.")


def cmd_apply(ctx: AppContext, args: argparse.Namespace) -> int:
    result = set_bassin_actions(
        ctx,
        args.name,
        args.actions,
        roadmap=args.roadmap,
        author=args.author,
        source="cli",
        record_undo=False,
    )
    return report(result, f"{args.name} : aucune modification.")


def cmd_archive(ctx: AppContext, args: argparse.Namespace) -> int:
    result = archive_bassin(
        ctx,
        args.name,
        archived=not args.restore,
        author=args.author,
        source="cli",
        record_undo=False,
    )
    return report(result, "")
