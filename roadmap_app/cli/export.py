"""``roadmap-app export xlsx|pdf`` : le pack de comité."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from roadmap_app.errors import ValidationError
from roadmap_app.services.committee_pack import export_pack
from roadmap_app.services.context import AppContext


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    p = sub.add_parser("export", help="exporter le pack de comité (classeur ou PDF)")
    esub = p.add_subparsers(dest="export_cmd", metavar="COMMANDE", required=True)
    for kind, help_text in (
        ("xlsx", "classeur du pack de comité"),
        ("pdf", "rapport PDF du pack de comité"),
    ):
        e = esub.add_parser(kind, help=help_text)
        e.add_argument("out", metavar="FICHIER", help=f"fichier .{kind} à écrire")
        e.add_argument("--snapshot", help="instantané à exporter (par défaut : l'état actuel)")
        e.set_defaults(handler=cmd_export, kind=kind)


def cmd_export(ctx: AppContext, args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() != f".{args.kind}":
        raise ValidationError(
            f"Le fichier doit avoir l'extension .{args.kind} (reçu : « {out.name} »)."
        )

    def progress(step: str, i: int, n: int) -> None:
        print(f"  {step}…", file=sys.stderr)

    path = export_pack(ctx, out, args.snapshot, progress)
    print(f"Pack écrit : {path}")
    return 0
