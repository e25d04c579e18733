"""``roadmap-app actions add|edit|move|archive`` : modifier le plan depuis la ligne de commande.

Mêmes services que l'interface : chaque commande est une opération journalisée (source « cli ») ;
une erreur donne un message en français, le code de sortie 2, et ne modifie rien.
"""

from __future__ import annotations

import argparse
import sys

from roadmap_app.core.context import AppContext
from roadmap_app.plan.edit_actions import (
    ActionFields,
    archive_action,
    create_action,
    edit_action,
    move_action,
)
from roadmap_app.plan.editing import EditResult

_TEXTS = (
    ("--intitule", "intitulé court de l'action"),
    ("--plan-actions", "texte « Plan d'actions »"),
    ("--actions-preexistantes", "texte « Actions pré-existantes »"),
    ("--indicateurs-tdb", "indicateurs de suivi du TDB national"),
    ("--indicateurs-autres", "autres indicateurs de suivi"),
    ("--echeance", "échéance telle qu'écrite (« 2nd semestre 2025 », « 15/03/2025 »…)"),
    ("--pilotes", "pilotes tels qu'écrits (« CD/FT ») ; organisations lues dans le libellé"),
    ("--commentaires", "commentaires"),
)


def split_list(text: str | None) -> list[str] | None:
    """« Lensois, Audomarois » → ['Lensois', 'Audomarois'] ; ``None`` si l'option est absente."""
    if text is None:
        return None
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def _add_common(p: argparse.ArgumentParser) -> None:
    for flag, help_text in _TEXTS:
        p.add_argument(flag, help=help_text)
    p.add_argument(
        "--organisations",
        metavar="CODES",
        help="organisations pilotes (codes séparés par des virgules : CD,FT,CAF,MSA,ETAT,CR,GIP)",
    )
    p.add_argument(
        "--bassins",
        metavar="NOMS",
        help="bassins où l'action s'applique (noms ou codes séparés par des virgules)",
    )
    _add_author_roadmap(p)


def _add_author_roadmap(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--author", help="nom inscrit au journal (par défaut : préférence ou compte système)"
    )
    p.add_argument(
        "--roadmap", help="feuille de route (code, nom ou année), par défaut la plus récente"
    )


def register(asub: argparse._SubParsersAction) -> None:
    add = asub.add_parser("add", help="ajouter une action dans une cible")
    add.add_argument("--cible", required=True, help="code de la cible (par exemple EP-2)")
    add.add_argument("--code", help="code de l'action (par défaut : le suivant dans la cible)")
    add.add_argument("--before", metavar="CODE", help="placer l'action avant cette action")
    _add_common(add)
    add.set_defaults(handler=cmd_add)

    edit = asub.add_parser("edit", help="modifier les champs d'une action")
    edit.add_argument("code", help="code de l'action")
    edit.add_argument("--new-code", help="nouveau code (unique dans la feuille de route)")
    edit.add_argument("--cible", help="rattacher l'action à cette cible (en dernière position)")
    _add_common(edit)
    edit.set_defaults(handler=cmd_edit)

    move = asub.add_parser("move", help="déplacer une action (autre cible, ou autre rang)")
    move.add_argument("code", help="code de l'action (il ne change pas)")
    move.add_argument("--cible", required=True, help="cible d'arrivée (code)")
    move.add_argument(
        "--before", metavar="CODE", help="placer avant cette action (sinon : à la fin)"
    )
    _add_author_roadmap(move)
    move.set_defaults(handler=cmd_move)

    arch = asub.add_parser(
        "archive", help="archiver une action (rien n'est effacé) ou la restaurer"
    )
    arch.add_argument("code", help="code de l'action")
    arch.add_argument("--restore", action="store_true", help="restaurer une action archivée")
    _add_author_roadmap(arch)
    arch.set_defaults(handler=cmd_archive)


def _fields(args: argparse.Namespace, code: str | None) -> ActionFields:
    return ActionFields(
        code=code,
        intitule=args.intitule,
        actions_preexistantes=args.actions_preexistantes,
        plan_actions=args.plan_actions,
        indicateurs_tdb=args.indicateurs_tdb,
        indicateurs_autres=args.indicateurs_autres,
        echeance_label=args.echeance,
        pilotes_label=args.pilotes,
        organisations=split_list(args.organisations),
        commentaires=args.commentaires,
        bassins=split_list(args.bassins),
    )


def report(result: EditResult, nothing: str) -> int:
    for warning in result.warnings:
        print(f"Attention : {warning}", file=sys.stderr)
    if result.operation_id is None:
        print(nothing)
    else:
        print(f"Enregistré — {result.label}")
    return 0


def cmd_add(ctx: AppContext, args: argparse.Namespace) -> int:
    result = create_action(
        ctx,
        args.cible,
        _fields(args, args.code),
        before=args.before,
        roadmap=args.roadmap,
        author=args.author,
        source="cli",
        record_undo=False,
    )
    return report(result, "Aucune action créée.")


def cmd_edit(ctx: AppContext, args: argparse.Namespace) -> int:
    fields = _fields(args, args.new_code)
    if fields.is_empty() and args.cible is None:
        print(
            "Rien à modifier : indiquez au moins un champ (--intitule, --echeance, --pilotes…).",
            file=sys.stderr,
        )
        return 2
    result = edit_action(
        ctx,
        args.code,
        fields,
        cible=args.cible,
        roadmap=args.roadmap,
        author=args.author,
        source="cli",
        record_undo=False,
    )
    return report(result, f"{args.code} : aucune modification (valeurs identiques).")


def cmd_move(ctx: AppContext, args: argparse.Namespace) -> int:
    result = move_action(
        ctx,
        args.code,
        args.cible,
        before=args.before,
        roadmap=args.roadmap,
        author=args.author,
        source="cli",
        record_undo=False,
    )
    return report(result, f"{args.code} : déjà à cette place.")


def cmd_archive(ctx: AppContext, args: argparse.Namespace) -> int:
    result = archive_action(
        ctx,
        args.code,
        archived=not args.restore,
        roadmap=args.roadmap,
        author=args.author,
        source="cli",
        record_undo=False,
    )
    return report(result, "")
