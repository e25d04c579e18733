"""Liens d'une action vers ses organisations pilotes (table ``action_pilote``).

Ces liens n'ont pas de colonne propre : le journal les enregistre comme un champ « virtuel »
``organisations`` de l'action (liste des codes), que l'annulation sait remettre en place.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from db.models import ActionPilote, Organisation
from roadmap_app.core.errors import ValidationError
from roadmap_app.core.text import fold

#: (entité, champ) journalisés qui ne sont pas des colonnes de la table de l'entité.
VIRTUAL_FIELDS: frozenset[tuple[str, str]] = frozenset({("action", "organisations")})


def organisation_codes(session: Session, action_id: int) -> list[str]:
    """Codes des organisations pilotes de l'action, dans l'ordre des organisations."""
    rows = session.exec(
        select(Organisation.code)
        .join(ActionPilote, col(ActionPilote.organisation_id) == col(Organisation.id))
        .where(ActionPilote.action_id == action_id)
        .order_by(col(Organisation.id))
    ).all()
    return list(rows)


def resolve_organisations(session: Session, codes: Iterable[str]) -> list[str]:
    """Codes normalisés (ordre des organisations) ; un code inconnu est refusé avec la liste connue."""
    known = session.exec(select(Organisation).order_by(col(Organisation.id))).all()
    by_key = {fold(o.code): o for o in known}
    wanted: set[str] = set()
    for raw in codes:
        code = raw.strip()
        if not code:
            continue
        org = by_key.get(fold(code))
        if org is None:
            names = ", ".join(o.code for o in known)
            raise ValidationError(
                f"Organisation pilote « {code} » inconnue. Organisations : {names}."
            )
        wanted.add(org.code)
    return [o.code for o in known if o.code in wanted]


def set_organisation_codes(session: Session, action_id: int, codes: Iterable[str]) -> None:
    """Remplace les liens de l'action par les organisations données (codes connus)."""
    wanted = set(codes)
    orgs = {o.code: o for o in session.exec(select(Organisation)).all()}
    current = {
        link.organisation_id: link
        for link in session.exec(select(ActionPilote).where(ActionPilote.action_id == action_id))
    }
    wanted_ids: set[int] = {oid for c in wanted if (oid := orgs[c].id) is not None}
    for org_id, link in current.items():
        if org_id not in wanted_ids:
            session.delete(link)
    for org_id in wanted_ids:
        if org_id not in current:
            session.add(ActionPilote(action_id=action_id, organisation_id=org_id))
    session.flush()


def read_virtual(session: Session, entity: str, entity_id: int, field: str) -> list[str]:
    assert (entity, field) in VIRTUAL_FIELDS
    return organisation_codes(session, entity_id)


def write_virtual(session: Session, entity: str, entity_id: int, field: str, value: object) -> None:
    assert (entity, field) in VIRTUAL_FIELDS
    codes = [str(c) for c in value] if isinstance(value, list | tuple) else []
    set_organisation_codes(session, entity_id, codes)
