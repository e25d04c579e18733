"""``roadmap-app flows import|export|list`` et ``roadmap-app chart NOM``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from roadmap_app.cli.output import write_csv, write_json, write_table
from roadmap_app.errors import ValidationError
from roadmap_app.services.context import AppContext

CHART_HELP = (
    "entrants (entrants par mois et cible), cumul (cumul et objectif annuel), orientations (répartition, "
    "50 %% vers FT), quinze-jours (orientés en 15 jours, cible 100 %%), charge (charge par référent, "
    "plafond 70), stock (stock de BRSA), bassins (les bassins côte à côte)"
)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    p = sub.add_parser(
        "flows", help="flux mensuels BRSA par bassin : import, export du modèle, liste"
    )
    fsub = p.add_subparsers(dest="flows_cmd", metavar="COMMANDE", required=True)
    imp = fsub.add_parser(
        "import", help="importer un classeur ou un CSV (tout ou rien, avec aperçu)"
    )
    imp.add_argument("file", metavar="FICHIER")
    imp.add_argument("--dry-run", action="store_true", help="montrer l'aperçu sans rien écrire")
    imp.set_defaults(handler=cmd_import)
    exp = fsub.add_parser(
        "export", help="écrire le modèle de saisie pré-rempli (.xlsx) ou les valeurs (.csv)"
    )
    exp.add_argument("file", metavar="FICHIER")
    exp.set_defaults(handler=cmd_export)
    ls = fsub.add_parser(
        "list", help="les valeurs saisies, une ligne par bassin, mois et indicateur"
    )
    ls.add_argument("--bassin")
    ls.add_argument("--format", choices=("table", "csv", "json"), default="table")
    ls.set_defaults(handler=cmd_list)

    ch = sub.add_parser(
        "chart",
        help="écrire un graphique (PNG, SVG ou PDF)",
        description=f"Graphiques : {CHART_HELP}.",
    )
    ch.add_argument("name", metavar="NOM", help=CHART_HELP)
    ch.add_argument("--bassin")
    ch.add_argument("--out", required=True, metavar="FICHIER.png|.svg|.pdf")
    ch.set_defaults(handler=cmd_chart)


def cmd_import(ctx: AppContext, args: argparse.Namespace) -> int:
    from roadmap_app.flows.io import apply_import, plan_import

    plan = plan_import(ctx, Path(args.file))
    print(f"Aperçu de « {plan.source} » : {plan.summary()}.")
    changes = plan.changes
    if changes:
        write_table(sys.stdout, ["Bassin", "Mois", "Indicateur", "Avant", "Après"],
                    [[p.bassin.name, p.month.isoformat()[:7], p.indicator, "" if p.old is None else f"{p.old:g}", f"{p.new:g}"]
                     for p in changes[:200]])  # fmt: skip
    if args.dry_run:
        print("Simulation : rien n'a été écrit.")
        return 0
    n = apply_import(ctx, plan, source="cli")
    print(f"Import terminé : {n} valeur(s) enregistrée(s).")
    return 0


def cmd_export(ctx: AppContext, args: argparse.Namespace) -> int:
    from roadmap_app.flows.io import export_template

    out = Path(args.file)
    if out.suffix.lower() not in (".xlsx", ".csv"):
        raise ValidationError(
            f"Format « {out.suffix or out.name} » non pris en charge : .xlsx (modèle) ou .csv (format long)."
        )
    print(f"Fichier écrit : {export_template(ctx, out)}")
    return 0


def cmd_list(ctx: AppContext, args: argparse.Namespace) -> int:
    from roadmap_app.flows.service import list_rows

    rows = list_rows(ctx, args.bassin)
    if args.format == "json":
        write_json(sys.stdout, rows)
        return 0
    headers = ["Bassin", "Mois", "Indicateur", "Libellé", "Valeur"]
    table = [
        [
            r["bassin"],
            r["mois"],
            r["indicateur"],
            r["libelle"],
            f"{r['valeur']:g}".replace(".", ","),
        ]
        for r in rows
    ]
    if args.format == "csv":
        write_csv(sys.stdout, headers, table)
    else:
        write_table(sys.stdout, headers, table, [14, 8, 28, 60, 10])
    return 0


def cmd_chart(ctx: AppContext, args: argparse.Namespace) -> int:
    from roadmap_app.flows.chart_data import build_chart

    out = Path(args.out)
    if out.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise ValidationError(
            f"Format « {out.suffix or out.name} » non pris en charge : .png, .svg ou .pdf."
        )
    fig = build_chart(ctx, args.name, args.bassin)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from roadmap_app.reporting.files import atomic_output

    FigureCanvasAgg(fig)
    with atomic_output(out) as tmp:
        fig.savefig(tmp, format=out.suffix.lower().lstrip("."), dpi=120)
    print(f"Graphique écrit : {out}")
    return 0
