"""Édition des actions : créer, modifier chaque champ, déplacer, archiver et restaurer.

Chaque appel est une seule opération journalisée et annulable. Le code d'une action ne change
jamais quand elle est déplacée ; une nouvelle action prend le premier numéro libre de sa cible
(EP-2.3 après EP-2.2), numéros des actions archivées compris : un code n'est jamais réutilisé
sans qu'on le demande.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from sqlmodel import Session, col, select

from db.models import Action, ActionBassin, Bassin, Cible, Roadmap
from roadmap_app.core import journal, links, ops
from roadmap_app.core.context import AppContext
from roadmap_app.core.echeance import parse_echeance
from roadmap_app.core.errors import ValidationError
from roadmap_app.core.journal import FIELD_LABELS
from roadmap_app.core.text import clean_text, first_line
from roadmap_app.plan.editing import (
    EditResult,
    Operation,
    apply_positions,
    check_length,
    cible_is_live,
    find_action,
    find_bassin_row,
    find_cible,
    next_code,
    normalize_code,
    now,
    ordered_positions,
    refuse_if_hidden,
    roadmap_of,
)
from roadmap_app.plan.pilotes import organisations_in

TEXT_FIELDS = (
    "actions_preexistantes",
    "plan_actions",
    "indicateurs_tdb",
    "indicateurs_autres",
    "commentaires",
)
INTITULE_MAX, ECHEANCE_MAX, PILOTES_MAX = 300, 100, 300


@dataclass(frozen=True)
class ActionFields:
    """Champs d'une action à écrire ; ``None`` : inchangé (à la création : vide).

    ``organisations`` (codes CD, FT…) : si ``None`` alors que ``pilotes_label`` change, les
    organisations sont lues dans le libellé (« CD/FT » → CD et FT). ``bassins`` : les bassins
    auxquels l'action s'applique (nom, code ou id) ; à la création, par défaut tous.
    """

    code: str | None = None
    intitule: str | None = None
    actions_preexistantes: str | None = None
    plan_actions: str | None = None
    indicateurs_tdb: str | None = None
    indicateurs_autres: str | None = None
    echeance_label: str | None = None
    pilotes_label: str | None = None
    organisations: Sequence[str] | None = None
    commentaires: str | None = None
    bassins: Sequence[str | int] | None = None

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self))


def _text(new: str | None, current: str) -> str:
    """Texte saisi, sans espaces autour ; inchangé si seuls les espaces diffèrent."""
    if new is None:
        return current
    text = clean_text(new).strip()
    return current if text == (current or "").strip() else text


def _title_of(values: dict[str, Any]) -> str:
    return (
        values.get("intitule")
        or first_line(values.get("plan_actions", ""))
        or first_line(values.get("actions_preexistantes", ""))
        or ""
    )


def _field_values(
    s: Session, rm: Roadmap, f: ActionFields, current: Action | None, op: Operation
) -> dict[str, Any]:
    """Valeurs des colonnes journalisées après application de ``f`` (validées)."""
    base: dict[str, Any] = {}
    for name in ("intitule", *TEXT_FIELDS, "echeance_label", "pilotes_label"):
        base[name] = getattr(current, name) if current is not None else ""
    base["intitule"] = current.intitule if current is not None else None
    values = dict(base)
    if f.intitule is not None:
        text = clean_text(f.intitule).strip()
        values["intitule"] = check_length(text, INTITULE_MAX, "Intitulé") or None
    for name in TEXT_FIELDS:
        values[name] = _text(getattr(f, name), base[name] or "")
    if f.pilotes_label is not None:
        values["pilotes_label"] = check_length(
            _text(f.pilotes_label, base["pilotes_label"]), PILOTES_MAX, "Libellé des pilotes"
        )
    if f.echeance_label is not None:
        label = check_length(
            _text(f.echeance_label, base["echeance_label"]), ECHEANCE_MAX, "Libellé d'échéance"
        )
        values["echeance_label"] = label
        if current is None or label != current.echeance_label:
            ech = parse_echeance(label, rm.year)
            values.update(
                echeance_date=ech.start,
                echeance_fin=ech.end,
                echeance_precision=None if ech.precision is None else str(ech.precision),
                echeance_flag=ech.flag,
            )
            if ech.flag:
                op.warnings.append(
                    ech.flag if not ech.readable else f"Échéance « {label} » : {ech.flag}"
                )
    return values


def _check_title(values: dict[str, Any]) -> None:
    if not _title_of(values):
        raise ValidationError(
            "Intitulé vide : donnez un intitulé à l'action (ou un plan d'actions, "
            "dont la première ligne sert d'intitulé)."
        )


def _check_code_free(s: Session, rm: Roadmap, code: str, action_id: int | None) -> None:
    other = s.exec(select(Action).where(Action.roadmap_id == rm.id, Action.code == code)).first()
    if other is not None and other.id != action_id:
        state = " (archivée)" if other.archived else ""
        raise ValidationError(
            f"Le code {code} est déjà pris dans « {rm.name} » par une autre action{state}. "
            "Choisissez un autre code."
        )


def _organisations(s: Session, f: ActionFields, current: list[str] | None) -> list[str] | None:
    if f.organisations is not None:
        return links.resolve_organisations(s, f.organisations)
    if f.pilotes_label is not None:
        return links.resolve_organisations(s, organisations_in(f.pilotes_label))
    return current


def active_bassins(s: Session) -> list[Bassin]:
    return list(
        s.exec(
            select(Bassin)
            .where(col(Bassin.archived).is_(False))
            .order_by(col(Bassin.position), col(Bassin.id))
        ).all()
    )


def _wanted_bassins(s: Session, keys: Sequence[str | int] | None) -> list[Bassin] | None:
    if keys is None:
        return None
    wanted = {find_bassin_row(s, k).id: find_bassin_row(s, k) for k in keys}
    if not wanted:
        raise ValidationError(
            "Une action doit concerner au moins un bassin (sinon elle n'apparaît nulle part)."
        )
    return list(wanted.values())


def set_applicable(op: Operation, action: Action, bassin: Bassin, applicable: bool) -> bool:
    """Rend l'action applicable ou non au bassin ; renvoie vrai si quelque chose a changé.

    Une ligne rendue non applicable est archivée (statut et historique gardés) ; la rendre de
    nouveau applicable la retrouve telle quelle. Une ligne nouvelle part « à lancer ».
    """
    assert action.id is not None and bassin.id is not None
    s = op.s
    cell = s.exec(
        select(ActionBassin).where(
            ActionBassin.action_id == action.id, ActionBassin.bassin_id == bassin.id
        )
    ).first()
    label = f"{action.code} / {bassin.name}"
    if applicable:
        if cell is None:
            cell = ActionBassin(
                action_id=action.id,
                bassin_id=bassin.id,
                status="a_lancer",
                updated_at=now(),
                updated_by=op.author,
            )
            s.add(cell)
            s.flush()
            op.created(cell, "action_bassin", label)
            return True
        if cell.archived:
            op.update(cell, "action_bassin", label, {"archived": False})
            return True
        return False
    if cell is not None and not cell.archived:
        op.update(cell, "action_bassin", label, {"archived": True})
        return True
    return False


def apply_bassins(op: Operation, action: Action, wanted: list[Bassin]) -> bool:
    """Rend l'action applicable exactement aux bassins ``wanted`` (parmi les bassins actifs)."""
    wanted_ids = {b.id for b in wanted}
    changed = False
    for b in active_bassins(op.s):
        changed = set_applicable(op, action, b, b.id in wanted_ids) or changed
    return changed


def _live_siblings(s: Session, cible_id: int) -> list[Action]:
    return list(
        s.exec(
            select(Action)
            .where(Action.cible_id == cible_id, col(Action.archived).is_(False))
            .order_by(col(Action.position), col(Action.id))
        ).all()
    )


def _live_cible(s: Session, rm: Roadmap, key: str | int) -> Cible:
    cible = find_cible(s, rm, key)
    if not cible_is_live(s, cible):
        raise ValidationError(
            f"La cible {cible.code} est archivée (ou son axe) : restaurez-la d'abord."
        )
    return cible


def create_action(
    ctx: AppContext,
    cible: str | int,
    f: ActionFields,
    *,
    before: str | int | None = None,
    roadmap: str | int | None = None,
    author: str | None = None,
    source: str = "gui",
    record_undo: bool = True,
) -> EditResult:
    """Ajoute une action dans la cible (à la fin, ou avant l'action ``before``)."""
    out = ops.Outcome()
    with ops.operation(
        ctx, author=author, source=source, record_undo=record_undo, op_class=Operation, outcome=out
    ) as op:
        s = op.session
        rm = roadmap_of(ctx, s, roadmap)
        target = _live_cible(s, rm, cible)
        assert rm.id is not None and target.id is not None
        values = _field_values(s, rm, f, None, op)
        _check_title(values)
        if f.code:
            code = normalize_code(f.code, "d'action")
        else:
            codes = s.exec(select(Action.code).where(Action.roadmap_id == rm.id)).all()
            code = next_code(codes, f"{target.code}.")
        _check_code_free(s, rm, code, None)
        wanted = _wanted_bassins(s, f.bassins) or active_bassins(s)
        orgs = _organisations(s, f, []) or []
        siblings = _live_siblings(s, target.id)
        anchor = _anchor(s, rm, before, target)
        stamp = now()
        action = Action(
            roadmap_id=rm.id,
            cible_id=target.id,
            code=code,
            position=len(siblings) + 1,
            source=f"Saisie dans roadmap-app par {op.author}",
            created_at=stamp,
            updated_at=stamp,
            **values,
        )
        s.add(action)
        s.flush()
        assert action.id is not None
        op.created(action, "action", code)
        if anchor is not None:
            positions = ordered_positions(siblings, action, anchor)
            apply_positions(op, siblings, positions, "action")
            action.position = positions[action.id]
        links.set_organisation_codes(s, action.id, orgs)
        apply_bassins(op, action, wanted)
        label = f"Nouvelle action {code} : {_title_of(values)[:80]}"
        op.label = label
    return op.finish(out, entity_id=action.id, code=code)


def _anchor(s: Session, rm: Roadmap, before: str | int | None, cible: Cible) -> Action | None:
    if before is None:
        return None
    anchor = find_action(s, rm, before)
    if anchor.cible_id != cible.id or anchor.archived:
        raise ValidationError(
            f"L'action {anchor.code} n'est pas dans la cible {cible.code} : "
            "impossible de placer l'action avant elle."
        )
    return anchor


def edit_action(
    ctx: AppContext,
    action: str | int,
    f: ActionFields,
    *,
    cible: str | int | None = None,
    expected_version: int | None = None,
    roadmap: str | int | None = None,
    author: str | None = None,
    source: str = "gui",
    record_undo: bool = True,
    base: ActionFields | None = None,
) -> EditResult:
    """Modifie les champs donnés (et la cible : l'action va alors à la fin de la nouvelle cible).

    ``base`` : les champs tels que l'utilisateur les a lus (la boîte de dialogue à l'ouverture).
    Seuls ceux qu'il a changés sont écrits ; si l'action a été modifiée depuis
    (``expected_version``), la règle est celle de la fusion des ateliers, champ par champ : un
    champ changé des deux côtés est refusé (qui, quand, comment), les autres passent. Sans
    ``base``, toute modification depuis ``expected_version`` est refusée."""
    out = ops.Outcome()
    with ops.operation(
        ctx, author=author, source=source, record_undo=record_undo, op_class=Operation, outcome=out
    ) as op:
        s = op.session
        rm = roadmap_of(ctx, s, roadmap)
        row = find_action(s, rm, action)
        assert row.id is not None
        refuse_if_hidden(s, row)
        if base is None:
            op.check_version(row, "action", row.code, expected_version)
        else:
            f = _changed_by_user(f, base)
            if expected_version is not None and row.version != expected_version:
                _refuse_same_field_changes(s, row, f, base)
        values = _field_values(s, rm, f, row, op)
        target = s.get(Cible, row.cible_id) if cible is None else _live_cible(s, rm, cible)
        assert target is not None and target.id is not None
        _check_title(values)
        if f.code is not None:
            values["code"] = normalize_code(f.code, "d'action")
            _check_code_free(s, rm, values["code"], row.id)
        if target.id != row.cible_id:
            values["cible_id"] = target.id
            values["position"] = len(_live_siblings(s, target.id)) + 1
        code = values.get("code", row.code)
        current_orgs = links.organisation_codes(s, row.id)
        orgs = _organisations(s, f, current_orgs)
        links_changed = orgs is not None and orgs != current_orgs
        wanted = _wanted_bassins(s, f.bassins)
        changed = op.update(
            row, "action", code, values, extra={"updated_at": now()}, force_version=False
        )
        if links_changed:
            assert orgs is not None
            op.add_change("action", row.id, code, "organisations", current_orgs, orgs)
            links.set_organisation_codes(s, row.id, orgs)
            changed.append("organisations")
        if wanted is not None and apply_bassins(op, row, wanted):
            changed.append("bassins")
        if changed and set(changed) <= {"organisations", "bassins"}:
            op.update(row, "action", code, {}, extra={"updated_at": now()}, force_version=True)
        shown = [
            "bassins concernés" if c == "bassins" else FIELD_LABELS.get(c, c)
            for c in changed
            if not c.startswith("echeance_") or c == "echeance_label"
        ]
        label = f"Action {code} modifiée : {', '.join(shown)}" if changed else code
        op.label = label
    return op.finish(out, entity_id=row.id, code=code)


def _same(name: str, a: Any, b: Any) -> bool:
    """Deux valeurs d'un champ de ``ActionFields`` disent-elles la même chose ?"""

    def norm(v: Any) -> Any:
        if v is None or isinstance(v, str):
            text = clean_text(v or "").strip()
            return text.upper() if name == "code" else text
        return sorted(str(x) for x in v)

    return bool(norm(a) == norm(b))


def _changed_by_user(f: ActionFields, base: ActionFields) -> ActionFields:
    """Les seuls champs que l'utilisateur a changés par rapport à ce qu'il avait lu."""
    return replace(
        f,
        **{
            n.name: None
            for n in fields(f)
            if _same(n.name, getattr(f, n.name), getattr(base, n.name))
        },
    )


def _stored_fields(s: Session, row: Action) -> ActionFields:
    """L'action enregistrée, dans la forme de ``ActionFields`` (comme la boîte de dialogue)."""
    assert row.id is not None
    applicable = s.exec(
        select(ActionBassin.bassin_id).where(
            ActionBassin.action_id == row.id, col(ActionBassin.archived).is_(False)
        )
    ).all()
    return ActionFields(
        code=row.code, intitule=row.intitule or "",
        **{name: getattr(row, name) or "" for name in TEXT_FIELDS},
        echeance_label=row.echeance_label or "", pilotes_label=row.pilotes_label or "",
        organisations=links.organisation_codes(s, row.id), bassins=list(applicable),
    )  # fmt: skip


def _refuse_same_field_changes(
    s: Session, row: Action, f: ActionFields, base: ActionFields
) -> None:
    stored = _stored_fields(s, row)
    clashes = [
        n.name
        for n in fields(f)
        if getattr(f, n.name) is not None
        and not _same(n.name, getattr(stored, n.name), getattr(base, n.name))
        and not _same(n.name, getattr(stored, n.name), getattr(f, n.name))
    ]
    if clashes:
        assert row.id is not None
        raise journal.same_field_conflict(s, "action", row.id, f"L'action {row.code}", clashes)


def move_action(
    ctx: AppContext,
    action: str | int,
    cible: str | int,
    *,
    before: str | int | None = None,
    expected_version: int | None = None,
    roadmap: str | int | None = None,
    author: str | None = None,
    source: str = "gui",
    record_undo: bool = True,
) -> EditResult:
    """Place l'action dans la cible, avant l'action ``before`` (``None`` : à la fin). Le code reste."""
    out = ops.Outcome()
    with ops.operation(
        ctx, author=author, source=source, record_undo=record_undo, op_class=Operation, outcome=out
    ) as op:
        s = op.session
        rm = roadmap_of(ctx, s, roadmap)
        row = find_action(s, rm, action)
        assert row.id is not None
        refuse_if_hidden(s, row)
        op.check_version(row, "action", row.code, expected_version)
        target = _live_cible(s, rm, cible)
        assert target.id is not None
        anchor = _anchor(s, rm, before, target)
        if anchor is not None and anchor.id == row.id:  # avant elle-même : rien ne bouge
            return EditResult(None, f"Action {row.code} : aucun déplacement", row.id, row.code)
        siblings = _live_siblings(s, target.id)
        positions = ordered_positions(siblings, row, anchor)
        moved_cible = target.id != row.cible_id
        op.update(
            row,
            "action",
            row.code,
            {"cible_id": target.id, "position": positions[row.id]},
            extra={"updated_at": now()},
        )
        apply_positions(op, [r for r in siblings if r.id != row.id], positions, "action")
        if moved_cible:
            label = f"Action {row.code} déplacée vers la cible {target.code}"
        else:
            label = f"Action {row.code} déplacée dans la cible {target.code}"
        op.label = label
    return op.finish(out, entity_id=row.id, code=row.code)


def archive_action(
    ctx: AppContext,
    action: str | int,
    *,
    archived: bool = True,
    expected_version: int | None = None,
    roadmap: str | int | None = None,
    author: str | None = None,
    source: str = "gui",
    record_undo: bool = True,
) -> EditResult:
    """Archive l'action (elle quitte les vues de travail, rien n'est effacé) ou la restaure."""
    out = ops.Outcome()
    with ops.operation(
        ctx, author=author, source=source, record_undo=record_undo, op_class=Operation, outcome=out
    ) as op:
        s = op.session
        rm = roadmap_of(ctx, s, roadmap)
        row = find_action(s, rm, action)
        assert row.id is not None
        op.check_version(row, "action", row.code, expected_version)
        if row.archived == archived:
            state = "est déjà archivée" if archived else "n'est pas archivée"
            raise ValidationError(f"L'action {row.code} {state}.")
        cible = s.get(Cible, row.cible_id)
        if not archived and (cible is None or not cible_is_live(s, cible)):
            raise ValidationError(
                f"L'action {row.code} est dans une cible archivée ({cible.code if cible else '?'}) : "
                "restaurez d'abord la cible."
            )
        op.update(row, "action", row.code, {"archived": archived}, extra={"updated_at": now()})
        label = f"Action {row.code} {'archivée' if archived else 'restaurée'}"
        op.label = label
    return op.finish(out, entity_id=row.id, code=row.code)
