"""``roadmap-app export DOCUMENT …`` : les documents produits à partir de la base.

Chaque document est une sous-commande du groupe « export ». Pour en ajouter un (par exemple
les dossiers de comité « export xlsx » / « export pdf ») : écrire une fonction
``register_xxx(documents)`` qui ajoute son analyseur à ``documents`` et fixe ``handler``,
puis l'ajouter à ``EXPORTERS``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from roadmap_app.core.context import AppContext

Registrar = Callable[[argparse._SubParsersAction], None]


def register_bilan(documents: argparse._SubParsersAction) -> None:
    p = documents.add_parser(
        "bilan",
        help="bilan financier (modèle de l'annexe 3) et bilan de mise en œuvre du plan d'actions",
        description=(
            "Produit le bilan de la convention : par volet, l'état des dépenses sur le modèle de "
            "l'annexe 3 et la consommation du plan de financement, les versements de l'État ; "
            "puis l'état d'avancement de chaque action par bassin. Le format suit l'extension "
            "du fichier (.xlsx ou .pdf)."
        ),
    )
    p.add_argument("sortie", metavar="FICHIER", help="fichier à écrire : bilan.xlsx ou bilan.pdf")
    p.add_argument(
        "--volet",
        type=int,
        choices=(1, 2, 3),
        help="un seul volet (par défaut : les trois)",
    )
    p.add_argument(
        "--roadmap",
        metavar="NOM",
        help="feuille de route du bilan de mise en œuvre (code ou nom), par défaut la plus récente",
    )
    p.set_defaults(handler=cmd_bilan)


def register_pack(documents: argparse._SubParsersAction) -> None:
    for kind, help_text in (
        ("xlsx", "pack de comité en classeur"),
        ("pdf", "pack de comité en PDF"),
    ):
        e = documents.add_parser(kind, help=help_text)
        e.add_argument("out", metavar="FICHIER", help=f"fichier .{kind} à écrire")
        e.add_argument("--snapshot", help="instantané à exporter (par défaut : l'état actuel)")
        e.set_defaults(handler=cmd_pack, kind=kind)


def register_ics(documents: argparse._SubParsersAction) -> None:
    p = documents.add_parser(
        "ics",
        help="calendrier des échéances (iCalendar, pour Outlook ou Thunderbird)",
        description=(
            "Écrit un fichier .ics : un événement sur la journée par échéance d'action et par "
            "bassin (une période : son dernier jour), et les dates clés de la convention. "
            "Réimporter le fichier met à jour les événements au lieu de les dupliquer."
        ),
    )
    p.add_argument("sortie", metavar="FICHIER", help="fichier .ics à écrire")
    p.add_argument("--bassin", help="un seul bassin (nom ou code), par défaut tous")
    p.add_argument("--pilote", help="seulement les actions de ce pilote (code : CD, FT…)")
    p.add_argument(
        "--roadmap",
        metavar="NOM",
        help="feuille de route (code ou nom), par défaut la plus récente",
    )
    p.set_defaults(handler=cmd_ics)


#: Documents du groupe « export », dans l'ordre de l'aide.
EXPORTERS: list[Registrar] = [register_pack, register_bilan, register_ics]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export", help="produire un document (pack de comité, bilan…) à partir de la base"
    )
    documents = p.add_subparsers(dest="export_cmd", metavar="DOCUMENT", required=True)
    for registrar in EXPORTERS:
        registrar(documents)


def cmd_bilan(ctx: AppContext, args: argparse.Namespace) -> int:
    from roadmap_app.finance.bilan_export import check_destination, export_bilan

    check_destination(args.sortie)  # erreur de format avant toute lecture

    def progress(done: int, total: int, message: str) -> None:
        if sys.stderr.isatty():
            print(f"\r[{done}/{total}] {message:<40}", end="", file=sys.stderr, flush=True)

    result = export_bilan(
        ctx, args.sortie, volet=args.volet, roadmap=args.roadmap, progress=progress
    )
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(result.message())
    return 0


def cmd_pack(ctx: AppContext, args: argparse.Namespace) -> int:
    from pathlib import Path

    from roadmap_app.committees.pack import export_pack
    from roadmap_app.core.errors import ValidationError

    out = Path(args.out)
    if out.suffix.lower() != f".{args.kind}":
        raise ValidationError(
            f"Le fichier doit avoir l'extension .{args.kind} (reçu : « {out.name} »)."
        )

    def progress(done: int, total: int, message: str) -> None:
        print(f"  {message}", file=sys.stderr)

    path = export_pack(ctx, out, args.snapshot, progress)
    print(f"Pack écrit : {path}")
    return 0


def cmd_ics(ctx: AppContext, args: argparse.Namespace) -> int:
    from roadmap_app.plan.ics import export_ics

    result = export_ics(
        ctx, args.sortie, bassin=args.bassin, pilote=args.pilote, roadmap=args.roadmap
    )
    print(result.message())
    return 0
