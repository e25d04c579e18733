"""``roadmap-app snapshot create|list|diff``."""

from __future__ import annotations

import argparse
import sys

from roadmap_app.cli.args import iso_date
from roadmap_app.cli.output import write_json, write_table
from roadmap_app.committees.diff import SnapshotDiff
from roadmap_app.committees.section_change import show_value
from roadmap_app.committees.snapshots import (
    COMMITTEES,
    compare,
    create_snapshot,
    find_snapshot,
    list_snapshots,
)
from roadmap_app.core.context import AppContext
from roadmap_app.core.errors import ValidationError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    p = sub.add_parser("snapshot", help="instantanés de comité : figer, lister, comparer")
    ssub = p.add_subparsers(dest="snapshot_cmd", metavar="COMMANDE", required=True)

    cr = ssub.add_parser("create", help="figer l'état complet sous un nom")
    cr.add_argument("name", metavar="NOM")
    cr.add_argument("--committee", help=f"type de comité : {', '.join(COMMITTEES)}")
    cr.add_argument("--date", help="date du comité (AAAA-MM-JJ), par défaut aujourd'hui")
    cr.add_argument("--roadmap", help="feuille de route, par défaut la plus récente")
    cr.set_defaults(handler=cmd_create)

    ls = ssub.add_parser("list", help="les instantanés, du plus ancien au plus récent")
    ls.add_argument("--format", choices=("table", "json"), default="table")
    ls.set_defaults(handler=cmd_list)

    df = ssub.add_parser(
        "diff", help="ce qui a changé entre deux instantanés, ou depuis un instantané"
    )
    df.add_argument("a", metavar="A", help="instantané de départ")
    df.add_argument("b", metavar="B", nargs="?", help="instantané d'arrivée")
    df.add_argument("--current", action="store_true", help="comparer A à l'état actuel")
    df.add_argument(
        "--bassin", action="append", help="restreindre à un bassin (code ou nom), répétable"
    )
    df.add_argument(
        "--axe", action="append", help="restreindre à un axe (code : EP, AI, NU, ME, GP), répétable"
    )
    df.add_argument("--format", choices=("table", "json"), default="table")
    df.set_defaults(handler=cmd_diff)


def cmd_create(ctx: AppContext, args: argparse.Namespace) -> int:
    info = create_snapshot(
        ctx, args.name, committee=args.committee, taken_on=iso_date(args.date), roadmap=args.roadmap
    )
    print(
        f"Instantané « {info.name} » ({info.committee}, {info.taken_on:%d/%m/%Y}) : {info.summary['actions']} actions figées."
    )
    return 0


def cmd_list(ctx: AppContext, args: argparse.Namespace) -> int:
    infos = list_snapshots(ctx)
    if args.format == "json":
        write_json(
            sys.stdout,
            [
                {
                    "nom": i.name,
                    "comite": i.committee,
                    "date": i.taken_on.isoformat(),
                    "cree_le": i.created_at.isoformat(),
                    "auteur": i.author,
                    "feuille_de_route": i.roadmap_name,
                    "resume": i.summary,
                }
                for i in infos
            ],
        )
        return 0
    write_table(
        sys.stdout,
        ["Nom", "Comité", "Date", "Auteur", "Actions"],
        [
            [i.name, i.committee, f"{i.taken_on:%d/%m/%Y}", i.author, i.summary.get("actions", "")]
            for i in infos
        ],
    )
    return 0


def cmd_diff(ctx: AppContext, args: argparse.Namespace) -> int:
    if args.current == (args.b is not None):
        raise ValidationError("Indiquez soit un second instantané B, soit --current.")
    a = find_snapshot(ctx, args.a)
    b = None if args.current else find_snapshot(ctx, args.b)
    found = compare(
        ctx, a.id, None if b is None else b.id, a.name, "état actuel" if b is None else b.name
    )
    diff = found.diff
    bassins = _bassin_codes(args.bassin, found.bassins_before, found.bassins)
    axes = {x.strip().upper() for x in args.axe} if args.axe else None
    diff = diff.filtered(bassins, axes)
    if args.format == "json":
        write_json(sys.stdout, diff.to_json())
    else:
        print_diff(diff, {b["code"]: b["name"] for b in (*found.bassins_before, *found.bassins)})
    return 0


def _bassin_codes(values: list[str] | None, *bassins: list[dict[str, str]]) -> set[str] | None:
    if not values:
        return None
    from roadmap_app.core.text import fold

    known = {b["code"]: b["name"] for found in bassins for b in found}
    codes = set()
    for v in values:
        match = [c for c, n in known.items() if fold(v) in (fold(c), fold(n))]
        if not match:
            raise ValidationError(f"Bassin « {v} » inconnu. Bassins : {', '.join(known.values())}.")
        codes.update(match)
    return codes


def print_diff(diff: SnapshotDiff, names: dict[str, str] | None = None) -> None:
    """Tableau lisible ; les bassins par leur nom (« Lensois »), jamais par leur code."""
    out = sys.stdout

    def bassin(code: str | None) -> str:
        return "" if code is None else (names or {}).get(code, code)

    out.write(f"Changements de « {diff.before} » à « {diff.after} »\n")
    if diff.is_empty():
        out.write("Aucun changement.\n")
        return
    if diff.added:
        out.write("\nActions ajoutées\n")
        write_table(
            out,
            ["Code", "Axe", "Intitulé"],
            [[a.code, a.axe, a.intitule] for a in diff.added],
            [10, 4, 80],
        )
    if diff.removed:
        out.write("\nActions retirées\n")
        write_table(
            out,
            ["Code", "Axe", "Intitulé"],
            [[a.code, a.axe, a.intitule] for a in diff.removed],
            [10, 4, 80],
        )
    if diff.cells:
        out.write("\nStatuts, avancements et notes par bassin\n")
        write_table(
            out, ["Code", "Bassin", "Champ", "Changement"],
            [[c.code, bassin(c.bassin), c.label, c.describe()] for c in diff.cells], [10, 14, 11, 90],
        )  # fmt: skip
    if diff.slips:
        out.write("\nGlissements d'échéance\n")
        write_table(
            out, ["Code", "Avant", "Après", "Jours"],
            [[s.code, s.old_label, s.new_label, "" if s.days is None else f"{s.days:+d}"] for s in diff.slips],
        )  # fmt: skip
    if diff.newly_overdue:
        out.write("\nDevenues en retard\n")
        write_table(
            out,
            ["Code", "Bassin", "Échéance"],
            [[o.code, bassin(o.bassin), o.echeance] for o in diff.newly_overdue],
        )
    other = [f for f in diff.fields if f.field != "echeance"]
    if other:
        out.write("\nAutres champs modifiés\n")
        write_table(out, ["Code", "Champ"], [[f.code, f.label] for f in other])
    if diff.sections:
        out.write("\nAutres changements\n")
        write_table(
            out, ["Section", "Libellé", "Bassin", "Avant", "Après", "Commentaire"],
            [[s.section, s.label, bassin(s.bassin), show_value(s.key, s.old), show_value(s.key, s.new), s.comment]
             for s in diff.sections], [12, 48, 14, 12, 12, 44],
        )  # fmt: skip
