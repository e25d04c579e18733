"""``roadmap-app actions list|set`` (et ``add|edit|move|archive``, voir ``plan_edit``)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from roadmap_app.cli.output import add_raw_argument, write_csv, write_json, write_table
from roadmap_app.core.context import AppContext
from roadmap_app.core.dates import format_date
from roadmap_app.plan import statuses as status_rules
from roadmap_app.plan.filters import ActionFilter
from roadmap_app.plan.read import load_plan
from roadmap_app.plan.status import UNSET, update_status


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "actions", help="lister, ajouter, modifier, déplacer et archiver les actions"
    )
    asub = p.add_subparsers(dest="actions_cmd", metavar="COMMANDE", required=True)

    ls = asub.add_parser("list", help="une ligne par action et par bassin")
    ls.add_argument("--bassin", help="bassin (nom ou code), par défaut tous")
    ls.add_argument("--status", help="statut (« en_cours », « En cours »…)")
    ls.add_argument("--overdue", action="store_true", help="seulement les actions en retard")
    ls.add_argument(
        "--due-within",
        type=int,
        metavar="JOURS",
        help="seulement les actions non closes dont l'échéance tombe dans les N prochains jours "
        "(la liste du bandeau de rappel du tableau de bord)",
    )
    ls.add_argument("--roadmap", help="feuille de route (code ou nom), par défaut la plus récente")
    ls.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help="format de sortie"
    )
    add_raw_argument(ls)
    ls.set_defaults(handler=cmd_list)

    st = asub.add_parser(
        "set", help="changer le statut, l'avancement ou la note d'une action dans un bassin"
    )
    st.add_argument("code", help="code de l'action (par exemple EP-1.1)")
    st.add_argument("--bassin", required=True, help="bassin (nom ou code)")
    st.add_argument("--status", help="nouveau statut")
    st.add_argument("--progress", help="avancement en % (0 à 100)")
    st.add_argument("--note", help="note datée du jour")
    st.add_argument(
        "--author", help="nom inscrit au journal (par défaut : préférence ou compte système)"
    )
    st.add_argument("--roadmap", help="feuille de route (code ou nom), par défaut la plus récente")
    st.set_defaults(handler=cmd_set)

    from roadmap_app.cli import plan_edit

    plan_edit.register(asub)


def list_rows(ctx: AppContext, args: argparse.Namespace) -> list[dict[str, Any]]:
    plan = load_plan(ctx, args.roadmap)
    bassin_ids = None
    if args.bassin:
        bassin_ids = frozenset({plan.bassin(args.bassin).id})
    statuses = (
        None if not args.status else frozenset({status_rules.parse_status(args.status).value})
    )
    due = getattr(args, "due_within", None)
    if due is not None and due < 0:
        raise ValueError(f"--due-within {due} : un nombre de jours positif ou nul est attendu.")
    flt = ActionFilter(
        bassin_ids=bassin_ids, statuses=statuses, overdue_only=args.overdue, due_within_days=due
    )
    names = {b.id: b.name for b in plan.bassins}
    rows: list[dict[str, Any]] = []
    for action in plan.active_actions():
        for cell in flt.matching_cells(action, plan.today):
            rows.append(
                {
                    "code": action.code,
                    "axe": action.axe_title,
                    "cible": action.cible_title,
                    "action": action.intitule,
                    "bassin": names[cell.bassin_id],
                    "echeance": None
                    if action.echeance.end is None
                    else action.echeance.end.isoformat(),
                    "echeance_label": action.echeance.label,
                    "echeance_precision": None
                    if action.echeance.precision is None
                    else action.echeance.precision.value,
                    "en_retard": cell.overdue,
                    "pilotes": list(action.pilotes),
                    "status": cell.status,
                    "progress": cell.progress,
                }
            )
    return rows


def cmd_list(ctx: AppContext, args: argparse.Namespace) -> int:
    rows = list_rows(ctx, args)
    out = sys.stdout
    if args.format == "json":
        write_json(out, rows)
        return 0
    headers = [
        "Code",
        "Bassin",
        "Statut",
        "Avct",
        "Échéance",
        "Libellé",
        "Retard",
        "Pilotes",
        "Action",
    ]
    table = [
        [
            r["code"],
            r["bassin"],
            status_rules.label(r["status"]),
            "" if r["progress"] is None else f"{r['progress']} %",
            "" if r["echeance"] is None else format_date(_iso(r["echeance"])),
            r["echeance_label"],
            "oui" if r["en_retard"] else "",
            "/".join(r["pilotes"]),
            r["action"],
        ]
        for r in rows
    ]
    if args.format == "csv":
        write_csv(out, headers, table, raw=args.raw)
    else:
        write_table(out, headers, table, max_widths=[8, 14, 12, 6, 10, 20, 6, 14, 60])
    return 0


def _iso(text: str):  # type: ignore[no-untyped-def]
    from datetime import date

    return date.fromisoformat(text)


def cmd_set(ctx: AppContext, args: argparse.Namespace) -> int:
    if args.status is None and args.progress is None and args.note is None:
        print("Rien à modifier : indiquez --status, --progress ou --note.", file=sys.stderr)
        return 2
    result = update_status(
        ctx,
        args.code,
        args.bassin,
        status=args.status,
        progress=UNSET if args.progress is None else args.progress,
        note=args.note,
        roadmap=args.roadmap,
        source="cli",
        author=args.author,
        record_undo=False,
    )
    if result.operation_id is None:
        print(f"{args.code} : aucune modification (valeurs identiques).")
    else:
        print(f"Enregistré — {result.label}")
    return 0
