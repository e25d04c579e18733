"""``roadmap-app workshop list|export|merge|workbook``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import cast

from roadmap_app.cli.args import iso_date
from roadmap_app.cli.output import write_json, write_table
from roadmap_app.core.context import AppContext
from roadmap_app.workshops.ateliers import list_ateliers
from roadmap_app.workshops.labels import Titles, display_label, load_titles
from roadmap_app.workshops.merge import (
    MINE,
    THEIRS,
    FieldChange3,
    MergePlan,
    Resolution,
    apply_merge,
    definitions_summary,
    flow_parts,
    flow_summary,
    plan_package_merge,
)
from roadmap_app.workshops.package import export_package

EXIT_CONFLICTS = 3


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    p = sub.add_parser(
        "workshop", help="ateliers hors ligne : paquets pour un portable, fusion des changements"
    )
    wsub = p.add_subparsers(dest="workshop_cmd", metavar="COMMANDE", required=True)

    ls = wsub.add_parser("list", help="les ateliers (dont les journées de lancement)")
    ls.add_argument("--format", choices=("table", "json"), default="table")
    ls.set_defaults(handler=cmd_list)

    ex = wsub.add_parser(
        "export", help="écrire le paquet d'un atelier, à ouvrir avec --db sur un autre poste"
    )
    ex.add_argument("out", metavar="FICHIER")
    ex.add_argument("--bassin", required=True)
    ex.add_argument("--date", help="date de l'atelier (AAAA-MM-JJ), par défaut aujourd'hui")
    ex.add_argument("--place", default="", help="lieu de l'atelier")
    # ancienne orthographe, gardée pour les scripts existants (cachée dans l'aide)
    ex.add_argument("--lieu", dest="place", default="", help=argparse.SUPPRESS)
    ex.add_argument("--participants", default="", help="participants")
    ex.set_defaults(handler=cmd_export)

    mg = wsub.add_parser(
        "merge", help="fusionner dans la base les changements faits dans un paquet"
    )
    mg.add_argument("package", metavar="PAQUET")
    mg.add_argument(
        "--dry-run", action="store_true", help="montrer ce qui serait fait, sans rien écrire"
    )
    mg.add_argument(
        "--conflicts", choices=("mine", "theirs"),
        help="trancher tous les conflits : garder la valeur de la base (mine) ou prendre celle du paquet (theirs)",
    )  # fmt: skip
    mg.set_defaults(handler=cmd_merge)

    wb = wsub.add_parser(
        "workbook", help="classeur verrouillé pour les partenaires sans l'application"
    )
    wbsub = wb.add_subparsers(dest="workbook_cmd", metavar="COMMANDE", required=True)
    wbx = wbsub.add_parser("export", help="écrire le classeur d'un bassin")
    wbx.add_argument("out", metavar="FICHIER.xlsx")
    wbx.add_argument("--bassin", required=True)
    wbx.set_defaults(handler=cmd_workbook_export)
    wbi = wbsub.add_parser(
        "import", help="fusionner un classeur rempli (mêmes règles qu'un paquet)"
    )
    wbi.add_argument("workbook", metavar="FICHIER.xlsx")
    wbi.add_argument("--dry-run", action="store_true")
    wbi.add_argument("--conflicts", choices=("mine", "theirs"))
    wbi.set_defaults(handler=cmd_workbook_import)


def cmd_list(ctx: AppContext, args: argparse.Namespace) -> int:
    rows = list_ateliers(ctx)
    if args.format == "json":
        write_json(sys.stdout, [
            {"id": a.id, "bassin": a.bassin, "date": a.date.isoformat(), "moment": a.moment, "titre": a.title,
             "type": a.kind, "lieu": a.place, "participants": a.participants, "notes": a.notes}
            for a in rows
        ])  # fmt: skip
        return 0
    write_table(sys.stdout, ["N°", "Date", "Bassin", "Atelier", "Lieu"],
                [[a.id, f"{a.date:%d/%m/%Y} {a.moment}".strip(), a.bassin, a.title, a.place] for a in rows],
                [4, 20, 14, 60, 30])  # fmt: skip
    return 0


def cmd_export(ctx: AppContext, args: argparse.Namespace) -> int:
    path, atelier = export_package(
        ctx, Path(args.out), args.bassin, day=iso_date(args.date), place=args.place, participants=args.participants,
        progress=lambda step, i, n: None,
    )  # fmt: skip
    print(
        f"Paquet écrit : {path} (atelier n°{atelier.id}, {atelier.bassin}, {atelier.date:%d/%m/%Y})."
    )
    print(f"Sur le portable de l'atelier : roadmap-app --db {path.name}")
    return 0


def print_plan(plan: MergePlan, titles: Titles | None = None) -> None:
    """L'aperçu d'une fusion ; avec ``titles``, les intitulés des actions et indicateurs avant
    leurs codes."""
    titles = titles or Titles()
    print(f"Fusion de « {plan.source_name} » : {len(plan.to_apply)} changement(s) à appliquer, "
          f"{len(plan.conflicts)} conflit(s) dont {len(plan.pending_conflicts)} à trancher.")  # fmt: skip
    if defined := definitions_summary(plan):
        print(f"{defined}.")
    for item in plan.ignored:
        print(f"Ignoré : {item}")
    others = [c for c in plan.to_apply if flow_parts(c) is None]
    flows = [c for c in plan.to_apply if flow_parts(c) is not None]
    if others:
        write_table(sys.stdout, ["Champ", "Ici", "Paquet", "Par", "Le"],
                    [[display_label(c, titles), c.show(c.mine), c.show(c.theirs), c.theirs_by.author,
                      _when(c.theirs_by.ts)] for c in others],
                    [_champ_width(others), 20, 30, 20, 16])  # fmt: skip
    if flows:
        # regroupées par bassin et par mois (l'ordre de l'aperçu), l'indicateur en clair et son code
        print(f"\n{flow_summary(flows)} :")
        rows = []
        for c in flows:
            group, item = cast(tuple[str, str], flow_parts(c))
            title, code = item.rsplit(" [", 1)
            rows.append([group, title, code.rstrip("]"), c.show(c.mine), c.show(c.theirs), c.theirs_by.author,
                         _when(c.theirs_by.ts)])  # fmt: skip
        write_table(sys.stdout, ["Bassin, mois", "Indicateur", "Code", "Ici", "Paquet", "Par", "Le"], rows,
                    [22, 40, 26, 10, 10, 20, 16])  # fmt: skip
    if plan.conflicts:
        print("\nConflits (modifiés des deux côtés) :")
        write_table(sys.stdout, ["Champ", "Ici", "Par", "Paquet", "Par", "Décision"],
                    [[display_label(c, titles), c.show(c.mine), c.mine_by.author if c.mine_by else "", c.show(c.theirs),
                      c.theirs_by.author, _decision(plan, c.key)] for c in plan.conflicts],
                    [_champ_width(plan.conflicts), 20, 18, 20, 18, 14])  # fmt: skip


def _champ_width(changes: list[FieldChange3]) -> int:
    """Largeur de la colonne « Champ » : un lien porte deux intitulés, un flux un long libellé."""
    if any(c.key.startswith("lien|") for c in changes):
        return 100
    return 72 if any(flow_parts(c) or c.key.startswith("ind|") for c in changes) else 60


def _decision(plan: MergePlan, key: str) -> str:
    d = plan.already_decided.get(key)
    return (
        ""
        if d is None
        else {"mine": "garder ici", "theirs": "prendre paquet", "edit": "valeur saisie"}[d.decision]
    )


def _when(ts) -> str:  # type: ignore[no-untyped-def]
    return "" if ts is None else f"{ts.astimezone():%d/%m/%Y %H:%M}"


def _merge(ctx: AppContext, plan: MergePlan, args: argparse.Namespace) -> int:
    print_plan(plan, load_titles(ctx, plan))
    if args.dry_run:
        print("\nSimulation : rien n'a été écrit.")
        return 0
    resolutions = {}
    if plan.pending_conflicts:
        if args.conflicts is None:
            print(
                "\nRien n'a été écrit : tranchez les conflits dans l'application (Ateliers → Fusionner) ou avec "
                "--conflicts mine|theirs.",
                file=sys.stderr,
            )
            return EXIT_CONFLICTS
        decision = MINE if args.conflicts == "mine" else THEIRS
        resolutions = {c.key: Resolution(decision) for c in plan.pending_conflicts}
    result = apply_merge(ctx, plan, resolutions)
    if result.applied == 0 and not resolutions:
        print("\nDéjà fusionné : rien de nouveau.")
    else:
        print(
            f"\nFusion terminée : {result.applied} champ(s) mis à jour, {result.conflicts_resolved} conflit(s) tranché(s)."
        )
    return 0


def cmd_merge(ctx: AppContext, args: argparse.Namespace) -> int:
    return _merge(ctx, plan_package_merge(ctx, Path(args.package)), args)


def cmd_workbook_export(ctx: AppContext, args: argparse.Namespace) -> int:
    from roadmap_app.workshops.workbook import export_workbook

    path = export_workbook(ctx, Path(args.out), args.bassin)
    print(f"Classeur écrit : {path}")
    return 0


def cmd_workbook_import(ctx: AppContext, args: argparse.Namespace) -> int:
    from roadmap_app.workshops.workbook import plan_workbook_merge

    return _merge(ctx, plan_workbook_merge(ctx, Path(args.workbook)), args)
