"""``roadmap-app plan export|import`` : le plan d'actions dans un classeur, un CSV ou une annexe Word."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from roadmap_app.core.context import AppContext

#: Au-delà, l'aperçu en ligne de commande résume (le détail reste dans l'interface).
MAX_SHOWN = 300


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "plan", help="exporter le plan d'actions (xlsx, csv) ou l'importer (xlsx, csv, docx)"
    )
    psub = p.add_subparsers(dest="plan_cmd", metavar="COMMANDE", required=True)
    exp = psub.add_parser(
        "export",
        help="le plan à plat, une ligne par action (colonnes de Territoires en Transitions)",
    )
    exp.add_argument("file", metavar="FICHIER", help="fichier .xlsx ou .csv à écrire")
    exp.add_argument(
        "--roadmap", metavar="NOM", help="feuille de route (code ou nom), par défaut la courante"
    )
    exp.set_defaults(handler=cmd_export)
    imp = psub.add_parser(
        "import",
        help="créer ou mettre à jour une feuille de route depuis un classeur, un CSV ou le "
        "tableau d'une annexe Word (aperçu, puis tout ou rien)",
    )
    imp.add_argument("file", metavar="FICHIER", help="fichier .xlsx, .csv ou .docx")
    imp.add_argument(
        "--roadmap",
        metavar="NOM",
        help="feuille de route à mettre à jour (code ou nom) ; créée si elle n'existe pas ; "
        "par défaut la courante",
    )
    imp.add_argument(
        "--year", type=int, help="année d'une feuille de route créée (défaut : l'année en cours)"
    )
    imp.add_argument("--dry-run", action="store_true", help="montrer l'aperçu sans rien écrire")
    imp.add_argument(
        "--archive-missing",
        action="store_true",
        help="archiver les actions absentes du fichier (sinon : laissées telles quelles)",
    )
    imp.add_argument("--yes", action="store_true", help="écrire sans demander de confirmation")
    imp.add_argument(
        "--author", help="nom inscrit au journal (par défaut : préférence ou compte système)"
    )
    imp.set_defaults(handler=cmd_import)


def cmd_export(ctx: AppContext, args: argparse.Namespace) -> int:
    from roadmap_app.plan.plan_io import export_plan

    out = export_plan(ctx, Path(args.file), args.roadmap)
    print(f"Plan exporté : {out}")
    return 0


def cmd_import(ctx: AppContext, args: argparse.Namespace) -> int:
    from roadmap_app.plan.plan_io import apply_plan_import, clip, plan_import

    plan = plan_import(
        ctx, Path(args.file), args.roadmap, year=args.year, archive_missing=args.archive_missing
    )
    print(f"Aperçu de « {plan.source} » → « {plan.roadmap_name} » : {plan.summary()}.")
    for item in plan.ignored:
        print(f"Ignoré : {item}")
    for line in plan.structure:
        print(f"  {line}")
    for shown, change in enumerate(plan.changes):
        if shown >= MAX_SHOWN:
            print(f"… et {len(plan.changes) - shown} autre(s).")
            break
        print(f"{change.code} ({change.kind}) : {change.title[:90]}")
        for name, old, new in change.fields:
            print(f"    {name} : {clip(old)} → {clip(new)}")
    if plan.is_noop:
        print("Aucun changement.")
        return 0
    if args.dry_run:
        print("Simulation : rien n'a été écrit.")
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            print(
                "Rien n'a été écrit : confirmez avec --yes (ou relancez dans un terminal).",
                file=sys.stderr,
            )
            return 2
        answer = input("Écrire ces changements ? [o/N] ").strip().lower()
        if answer not in ("o", "oui", "y", "yes"):
            print("Annulé : rien n'a été écrit.")
            return 0
    result = apply_plan_import(ctx, plan, source="cli", author=args.author, record_undo=False)
    print(f"Enregistré — {result.label}")
    return 0
