"""``roadmap-app flows import|export|list`` et ``roadmap-app chart NOM``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from roadmap_app.cli.output import add_raw_argument, write_csv, write_json, write_table
from roadmap_app.core.context import AppContext
from roadmap_app.core.errors import ValidationError

CHART_HELP = (
    "entrants (entrants par mois et moyenne visée), cumul (cumul et objectif annuel), orientations (répartition, "
    "50 % vers FT), quinze-jours (orientés en 15 jours, cible 100 %), charge (charge par référent, "
    "plafond 70), stock (stock de BRSA), bassins (les bassins côte à côte), echeancier "
    "(les échéances des actions sur une ligne de temps ; --snapshot : référence d'un comité)"
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
    add_raw_argument(ls)
    ls.set_defaults(handler=cmd_list)
    tl = fsub.add_parser("targets", help="les cibles et leur date d'effet")
    tl.add_argument("--format", choices=("table", "json"), default="table")
    tl.set_defaults(handler=cmd_targets)
    ta = fsub.add_parser(
        "target", help="nouvelle cible à partir d'une date (les mois antérieurs gardent l'ancienne)"
    )
    ta.add_argument(
        "indicator",
        metavar="INDICATEUR",
        help="code de l'indicateur (entrants, orientes_15j…) ou charge_referent",
    )
    ta.add_argument("value", metavar="VALEUR")
    ta.add_argument("--from", dest="effective_from", required=True, metavar="AAAA-MM-JJ")
    ta.add_argument("--kind", default="monthly_average",
                    help="monthly_average (défaut : moyenne par mois, jugée sur le cumul), share_min, share_target, "
                         "max ou min")  # fmt: skip
    ta.add_argument("--bassin", help="un bassin (par défaut : tous)")
    ta.add_argument("--label", default="")
    ta.set_defaults(handler=cmd_target)
    pl = fsub.add_parser(
        "portfolios", help="portefeuilles France Travail et ETP de délégués, par bassin"
    )
    pl.add_argument("--format", choices=("table", "json"), default="table")
    pl.set_defaults(handler=cmd_portfolios)
    ps = fsub.add_parser("portfolio", help="moyens d'un bassin à partir d'une date")
    ps.add_argument("bassin", metavar="BASSIN")
    ps.add_argument("organisme", metavar="FT|CD")
    ps.add_argument(
        "number", metavar="NOMBRE", help="portefeuilles (FT) ou ETP (CD), par exemple 4,5"
    )
    ps.add_argument("--from", dest="effective_from", required=True, metavar="AAAA-MM-JJ")
    ps.add_argument("--capacity", type=int, default=70, help="plafond d'ARSA par référent (70)")
    ps.set_defaults(handler=cmd_portfolio)

    ch = sub.add_parser(
        "chart",
        help="écrire un graphique (PNG, SVG ou PDF)",
        description=f"Graphiques : {CHART_HELP}.",
    )
    ch.add_argument("name", metavar="NOM", help=CHART_HELP)
    ch.add_argument("--bassin")
    ch.add_argument(
        "--snapshot",
        metavar="NOM",
        help="echeancier : instantané de comité dont les échéances sont tracées en barre fine",
    )
    ch.add_argument("--out", required=True, metavar="FICHIER.png|.svg|.pdf")
    ch.set_defaults(handler=cmd_chart)


def cmd_import(ctx: AppContext, args: argparse.Namespace) -> int:
    from roadmap_app.flows.io import apply_import, plan_import

    plan = plan_import(ctx, Path(args.file))
    print(f"Aperçu de « {plan.source} » : {plan.summary()}.")
    for item in plan.ignored:
        print(f"Ignoré : {item}")
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
    from roadmap_app.flows.series import list_rows

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
        write_csv(sys.stdout, headers, table, raw=args.raw)
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
    if args.name.strip().lower() in ("echeancier", "échéancier"):
        fig = echeancier_chart(ctx, args.bassin, args.snapshot)
    else:
        fig = build_chart(ctx, args.name, args.bassin)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from roadmap_app.core.files import atomic_output

    FigureCanvasAgg(fig)
    with atomic_output(out) as tmp:
        fig.savefig(tmp, format=out.suffix.lower().lstrip("."), dpi=120)
    print(f"Graphique écrit : {out}")
    return 0


def echeancier_chart(ctx: AppContext, bassin: str | None, snapshot: str | None) -> Any:
    from roadmap_app.committees.timeline import load_timeline
    from roadmap_app.plan.timeline_chart import echeancier_figure

    timeline = load_timeline(ctx, baseline=snapshot)
    assert timeline.plan is not None
    bassins = None if bassin is None else [timeline.plan.bassin(bassin)]
    title = f"Échéancier — {timeline.roadmap.name}"
    if bassins:
        title += f" — {bassins[0].name}"
    if snapshot:
        title += f" (barre fine : échéances au comité « {timeline.baseline_name} »)"
    return echeancier_figure(timeline, bassins=bassins, title=title)


def _number(text: str, what: str) -> float:
    from roadmap_app.flows.io import read_number

    value = read_number(text)
    if value is None:
        raise ValidationError(f"{what} « {text} » n'est pas un nombre.")
    return value


def cmd_targets(ctx: AppContext, args: argparse.Namespace) -> int:
    from roadmap_app.flows.series import bassins, load_targets

    names = {b.id: b.name for b in bassins(ctx)}
    rows = [
        {
            "indicateur": t.indicator,
            "bassin": None if t.bassin_id is None else names.get(t.bassin_id),
            "sorte": t.kind,
            "valeur": t.value,
            "a_partir_du": t.effective_from.isoformat(),
            "libelle": t.label,
            "source": t.source,
        }
        for t in load_targets(ctx)
    ]
    if args.format == "json":
        write_json(sys.stdout, rows)
        return 0
    write_table(sys.stdout, ["Indicateur", "Bassin", "Sorte", "Valeur", "À partir du", "Libellé"],
                [[r["indicateur"], r["bassin"] or "tous", r["sorte"], f"{r['valeur']:g}", r["a_partir_du"], r["libelle"]]
                 for r in rows], [22, 14, 12, 8, 11, 60])  # fmt: skip
    return 0


def cmd_target(ctx: AppContext, args: argparse.Namespace) -> int:
    from roadmap_app.cli.args import iso_date
    from roadmap_app.flows.service import add_target

    start = iso_date(args.effective_from)
    assert start is not None
    t = add_target(ctx, args.indicator, _number(args.value, "Valeur"), start, kind=args.kind,
                   bassin=args.bassin, label=args.label)  # fmt: skip
    print(
        f"Cible enregistrée : {t.indicator} ({t.kind}) = {t.value:g} à partir du {t.effective_from:%d/%m/%Y}."
    )
    return 0


def cmd_portfolios(ctx: AppContext, args: argparse.Namespace) -> int:
    from roadmap_app.flows.series import bassins, load_portfolios

    names = {b.id: b.name for b in bassins(ctx)}
    rows = [
        {
            "bassin": names.get(p.bassin_id, "?"),
            "organisme": p.organisme,
            "unite": p.unit,
            "nombre": p.number,
            "plafond": p.capacity,
            "a_partir_du": p.effective_from.isoformat(),
            "a_confirmer": p.doubt,
        }
        for p in load_portfolios(ctx)
    ]
    if args.format == "json":
        write_json(sys.stdout, rows)
        return 0
    write_table(sys.stdout, ["Bassin", "Organisme", "Unité", "Nombre", "Plafond", "À partir du", "À confirmer"],
                [[r["bassin"], r["organisme"], r["unite"], f"{r['nombre']:g}".replace(".", ","), str(r["plafond"]),
                  r["a_partir_du"], r["a_confirmer"] or "—"] for r in rows], [14, 9, 13, 8, 8, 11, 60])  # fmt: skip
    if any(r["a_confirmer"] for r in rows):
        print(
            "Moyens à confirmer : les documents se contredisent ; « flows portfolio BASSIN CD NOMBRE --from "
            "2023-12-31 » les confirme ou les corrige.",
            file=sys.stderr,
        )
    return 0


def cmd_portfolio(ctx: AppContext, args: argparse.Namespace) -> int:
    from roadmap_app.cli.args import iso_date
    from roadmap_app.flows.service import set_portfolio

    start = iso_date(args.effective_from)
    assert start is not None
    p = set_portfolio(ctx, args.bassin, args.organisme, _number(args.number, "Nombre"), start,
                      capacity=args.capacity)  # fmt: skip
    confirmed = " (moyens à confirmer : confirmés)" if "pour confirmer" in p.source else ""
    print(
        f"Moyens enregistrés : {p.number:g} {p.unit} ({p.organisme}) à partir du {p.effective_from:%d/%m/%Y}"
        f"{confirmed}."
    )
    return 0
