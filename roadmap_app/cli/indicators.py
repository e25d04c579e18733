"""``roadmap-app indicators list|add|edit|archive|link|unlink|baseline|target|value|import|template``."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from roadmap_app.cli.output import add_raw_argument, write_csv, write_json, write_table
from roadmap_app.core.context import AppContext
from roadmap_app.core.dates import DateParseError
from roadmap_app.core.errors import ValidationError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    p = sub.add_parser("indicators", help="indicateurs de suivi : définitions, liens aux actions, cibles, valeurs")
    isub = p.add_subparsers(dest="indicators_cmd", metavar="COMMANDE", required=True)

    ls = isub.add_parser("list", help="chaque indicateur, par bassin : référence, cible, dernière valeur, statut")
    ls.add_argument("--action", help="seulement les indicateurs liés à cette action (code)")
    ls.add_argument("--bassin", help="un bassin (nom ou code)")
    ls.add_argument("--off-target", action="store_true", help="seulement ceux en dessous de leur cible")
    ls.add_argument("--roadmap", help="feuille de route (code ou nom), par défaut la plus récente")
    ls.add_argument("--format", choices=("table", "csv", "json"), default="table", help="format de sortie")
    add_raw_argument(ls)
    ls.set_defaults(handler=cmd_list)

    add = isub.add_parser("add", help="définir un indicateur pour la feuille de route")
    add.add_argument("code", metavar="CODE")
    add.add_argument("--label", required=True, help="libellé")
    add.add_argument("--unit", required=True, help="nombre, %%, jours, heures ou €")
    add.add_argument("--direction", required=True, choices=("up", "down"), help="up : plus haut, mieux ; down : plus bas")
    add.add_argument("--definition", default="", help="définition (mode de calcul, source)")
    add.add_argument("--scope", choices=("bassin", "plan"), default="bassin", help="par bassin (défaut) ou tout le plan")
    add.add_argument("--frequency", choices=("month", "quarter", "year", "free"), default="free",
                     help="fréquence des valeurs (défaut : dates libres)")  # fmt: skip
    add.add_argument("--source", choices=("tdb", "cd", "ft", "autre"), default="autre",
                     help="source : TDB national, CD, FT ou autre")  # fmt: skip
    add.add_argument("--roadmap", help="feuille de route (code ou nom), par défaut la plus récente")
    add.set_defaults(handler=cmd_add)

    ed = isub.add_parser("edit", help="modifier la définition d'un indicateur de la feuille de route (pas son code)")
    ed.add_argument("code", metavar="CODE")
    ed.add_argument("--label", help="libellé")
    ed.add_argument("--definition", help="définition (mode de calcul, source)")
    ed.add_argument("--unit", help="nombre, %%, jours, heures ou €")
    ed.add_argument("--direction", choices=("up", "down"), help="up : plus haut, mieux ; down : plus bas")
    ed.add_argument("--frequency", choices=("month", "quarter", "year", "free"), help="fréquence des valeurs")
    ed.add_argument("--scope", choices=("bassin", "plan"), help="par bassin ou tout le plan")
    ed.add_argument("--source", choices=("tdb", "cd", "ft", "autre"), help="source : TDB national, CD, FT ou autre")
    ed.set_defaults(handler=cmd_edit)
    ar = isub.add_parser("archive", help="archiver un indicateur de la feuille de route (valeurs et liens gardés)")
    ar.add_argument("code", metavar="CODE")
    ar.set_defaults(handler=cmd_archive)

    for name, helptext, fn in (("link", "lier une action à un indicateur", cmd_link),
                               ("unlink", "retirer le lien d'une action à un indicateur", cmd_unlink)):  # fmt: skip
        lk = isub.add_parser(name, help=helptext)
        lk.add_argument("action", metavar="ACTION", help="code de l'action (EP-2.1)")
        lk.add_argument("indicator", metavar="INDICATEUR", help="code de l'indicateur (R1, M1a, entrants…)")
        if name == "link":
            lk.add_argument("--kind", choices=("tdb", "autre"),
                            help="colonne de la feuille de route : TDB national (tdb) ou Autres (autre) ; par "
                                 "défaut, celle du lien existant, sinon tdb pour un indicateur de source TDB "
                                 "national (comme dans l'application)")  # fmt: skip
        lk.add_argument("--roadmap", help="feuille de route (code ou nom), par défaut la plus récente")
        lk.set_defaults(handler=fn)

    for name, helptext in (("baseline", "situation de référence (valeur et date, ex. au 31/12/2023)"),
                           ("target", "cible à partir d'une année (cible 2025) ou d'une date"),
                           ("value", "valeur mesurée à une date (ou pour une période)")):  # fmt: skip
        sp = isub.add_parser(name, help=helptext)
        sp.add_argument("indicator", metavar="INDICATEUR")
        sp.add_argument("value", metavar="VALEUR", help="nombre (« 12,5 » accepté)")
        when = sp.add_mutually_exclusive_group(required=True)
        when.add_argument("--date", metavar="AAAA-MM-JJ|JJ/MM/AAAA|AAAA-MM")
        when.add_argument("--year", type=int, metavar="AAAA")
        sp.add_argument("--bassin", help="bassin (nom ou code) ; sans bassin : tous les bassins ou tout le plan")
        what = {"value": "une valeur déjà saisie", "target": "une cible déjà fixée",
                "baseline": "une situation de référence déjà fixée"}[name]  # fmt: skip
        sp.add_argument("--replace", action="store_true", help=f"corriger {what} à cette date")
        sp.set_defaults(handler=cmd_step, step=name)

    imp = isub.add_parser("import", help="importer des valeurs (indicateur ; bassin ; date ; valeur), tout ou rien ; "
                          "une valeur différente d'une valeur déjà saisie la corrige")
    imp.add_argument("file", metavar="FICHIER", help=".xlsx ou .csv")
    imp.add_argument("--dry-run", action="store_true", help="vérifier sans rien écrire")
    imp.set_defaults(handler=cmd_import)
    tp = isub.add_parser("template", help="écrire le modèle de saisie pré-rempli (.xlsx ou .csv)")
    tp.add_argument("file", metavar="FICHIER")
    tp.add_argument("--roadmap", help="feuille de route (code ou nom), par défaut la plus récente")
    tp.set_defaults(handler=cmd_template)


def _roadmap_id(ctx: AppContext, key: str | None) -> int | None:
    if key is None:
        return None
    from roadmap_app.plan.read import roadmap_ref

    with ctx.store.session() as s:
        return roadmap_ref(s, key).id


def _plan_id(ctx: AppContext, key: str | None) -> int:
    """La feuille de route nommée, sinon celle du contexte, sinon la plus récente (comme le service)."""
    from roadmap_app.plan.read import roadmap_ref

    if key is None and ctx.roadmap_id is not None:
        return ctx.roadmap_id
    with ctx.store.session() as s:
        return roadmap_ref(s, key).id


def _shown(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:g}".replace(".", ",")
    return str(v)


def cmd_list(ctx: AppContext, args: argparse.Namespace) -> int:
    from roadmap_app.indicators import model as m

    bassin_id = None
    if args.bassin:
        from roadmap_app.flows.series import bassins
        from roadmap_app.plan.read import find_bassin

        bassin_id = find_bassin(bassins(ctx), args.bassin).id
    ov = m.overview(ctx, _roadmap_id(ctx, args.roadmap), action=args.action, bassin_id=bassin_id)
    rows = m.list_rows(ov)
    if args.off_target:
        rows = [r for r in rows if r["status"] == m.BELOW]
    if args.format == "json":
        write_json(sys.stdout, rows)
        return 0
    keys = list(m.LIST_KEYS)
    table = [[_shown(r[k]) for k in keys] for r in rows]
    if args.format == "csv":
        write_csv(sys.stdout, keys, table, raw=args.raw)
    else:
        write_table(sys.stdout, keys, table, [14, 40, 7, 5, 14, 8, 10, 8, 10, 10, 10, 13, 30])
    return 0


def cmd_add(ctx: AppContext, args: argparse.Namespace) -> int:
    from roadmap_app.indicators import service as svc

    d = svc.add_indicator(ctx, args.code, label=args.label, unit=args.unit, direction=args.direction,
                          definition=args.definition, scope=args.scope, frequency=args.frequency,
                          provenance=args.source, roadmap=args.roadmap)  # fmt: skip
    print(f"Indicateur ajouté : {d.code} – {d.label} ({d.unit}).")
    return 0


def cmd_edit(ctx: AppContext, args: argparse.Namespace) -> int:
    from roadmap_app.indicators import model as m
    from roadmap_app.indicators import service as svc

    fields = dict(label=args.label, definition=args.definition, unit=args.unit, direction=args.direction,
                  frequency=args.frequency, scope=args.scope, provenance=args.source)  # fmt: skip
    if all(v is None for v in fields.values()):
        raise ValidationError("Rien à modifier : donnez au moins une option (--label, --unit, --direction…).")
    before = m.find_definition(m.load_definitions(ctx), args.code)
    d = svc.update_indicator(ctx, args.code, **fields)
    if d == before:
        print(f"Indicateur {d.code} inchangé : la définition était déjà celle-là.")
    else:
        print(f"Indicateur modifié : {d.code} – {d.label} ({d.unit}).")
    return 0


def cmd_archive(ctx: AppContext, args: argparse.Namespace) -> int:
    from roadmap_app.indicators import service as svc

    svc.archive_indicator(ctx, args.code)
    print(f"Indicateur archivé : {args.code} (ses valeurs, cibles et liens sont gardés).")
    return 0


def cmd_link(ctx: AppContext, args: argparse.Namespace) -> int:
    from roadmap_app.indicators import model as m
    from roadmap_app.indicators import service as svc

    kind = args.kind
    if kind is None:  # sans --kind : un lien existant garde sa colonne ; un nouveau suit la source
        d = m.find_definition(m.load_definitions(ctx), args.indicator)
        current = {a: k for a, i, k in m.link_triples(ctx, _plan_id(ctx, args.roadmap)) if i == d.id}
        kind = current.get(args.action.upper()) or d.link_kind
    svc.link(ctx, args.action, args.indicator, kind=kind, roadmap=args.roadmap)
    d = m.find_definition(m.load_definitions(ctx), args.indicator)
    print(f"Action {args.action.upper()} liée à l'indicateur {d.title} ({m.LINK_KINDS[kind]}).")
    return 0


def cmd_unlink(ctx: AppContext, args: argparse.Namespace) -> int:
    from roadmap_app.indicators import service as svc

    svc.unlink(ctx, args.action, args.indicator, roadmap=args.roadmap)
    print(f"Lien retiré : {args.action.upper()} ↔ {args.indicator}.")
    return 0


def _date(text: str) -> date:
    from roadmap_app.core.dates import parse_day, parse_month

    try:
        return parse_day(text)
    except DateParseError:
        try:
            return parse_month(text)
        except DateParseError:
            raise ValidationError(f"Date « {text} » illisible (attendu : AAAA-MM-JJ, JJ/MM/AAAA ou AAAA-MM).") from None


def cmd_step(ctx: AppContext, args: argparse.Namespace) -> int:
    from roadmap_app.flows.io import read_number
    from roadmap_app.indicators import service as svc

    value = read_number(args.value)
    if value is None:
        raise ValidationError(f"Valeur « {args.value} » : ce n'est pas un nombre.")
    day = None if args.date is None else _date(args.date)
    if args.step == "value":
        if day is None:
            day = date(args.year, 1, 1)
        svc.set_value(ctx, args.indicator, value, day, bassin=args.bassin, replace=args.replace)
        # ce qui a été écrit : la période retenue selon la fréquence (une valeur annuelle datée du
        # 30/09/2024 est celle de 2024), le bassin et l'unité
        from roadmap_app.indicators import model as m

        d = m.find_definition(m.load_definitions(ctx), args.indicator)
        where = ", ".join(x for x in (args.bassin or "", m.value_period(d, svc.normalize_day(d, day))) if x)
        print(f"Valeur enregistrée : {d.code} ({where}) = {m.format_value(d, value)}.")
    else:
        kind = "baseline" if args.step == "baseline" else "target"
        svc.set_step(ctx, args.indicator, kind, value, day=day, year=args.year, bassin=args.bassin,
                     replace=args.replace)  # fmt: skip
        # comme pour une valeur : bassin, période (« cible 2025 », « au 31/12/2023 ») et unité
        from roadmap_app.indicators import model as m

        d = m.find_definition(m.load_definitions(ctx), args.indicator)
        if day is None:
            day = date(args.year, 12, 31) if kind == "baseline" else date(args.year, 1, 1)
        where = args.bassin or ("tous les bassins" if d.per_bassin else "tout le plan")
        when = m.Step(kind, None, value, day, args.year).when(d)
        what = "Situation de référence" if kind == "baseline" else "Cible"
        print(f"{what} enregistrée : {d.code} ({where}, {when}) = {m.format_value(d, value)}.")
        late = svc.target_after_volet(ctx, d, day, args.year) if kind == "target" else None
        if late:
            print(f"Attention : {late}", file=sys.stderr)
    return 0


def cmd_import(ctx: AppContext, args: argparse.Namespace) -> int:
    from roadmap_app.indicators.io import apply_import, corrections, plan_import

    result = plan_import(ctx, Path(args.file))
    print(f"Aperçu de « {result.source} » : {result.summary()}.")
    fixed = corrections(ctx, result)
    if fixed:
        print("Corrections (avant → après) :")
        for line in fixed[:200]:
            print(f"- {line}")
        if len(fixed) > 200:
            print(f"… et {len(fixed) - 200} autres corrections.")
    if args.dry_run:
        print("Simulation : rien n'a été écrit.")
        return 0
    n = apply_import(ctx, result)
    print(f"Import terminé : {n} valeur(s) enregistrée(s).")
    return 0


def cmd_template(ctx: AppContext, args: argparse.Namespace) -> int:
    from roadmap_app.indicators.io import export_template

    print(f"Fichier écrit : {export_template(ctx, Path(args.file), _roadmap_id(ctx, args.roadmap))}")
    return 0
