"""Chargement du jeu initial (``resources/seed/*.json``) dans une base neuve.

Le lecteur d'échéances est fourni par l'application (règle du domaine) : la couche ``db``
n'importe pas ``roadmap_app``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from sqlmodel import Session

from db.models import (
    Action,
    ActionBassin,
    ActionPilote,
    Atelier,
    Axe,
    Bassin,
    Cible,
    FinancementLine,
    IndicatorDefinition,
    JournalEntry,
    KeyDate,
    Organisation,
    ReferenceFigure,
    Roadmap,
    StoreInfo,
    Volet,
)
from db.seed import SEED_AUTHOR
from db.seed.files import read_seed_file
from db.types import utcnow


class ParsedEcheance(Protocol):
    @property
    def start(self) -> date | None: ...
    @property
    def end(self) -> date | None: ...
    @property
    def precision(self) -> Any: ...
    @property
    def flag(self) -> str | None: ...


EcheanceParser = Callable[[str, int], ParsedEcheance]


@dataclass(frozen=True)
class SeedSummary:
    roadmap_id: int
    bassins: int
    axes: int
    cibles: int
    actions: int


def to_cents(amount: str | None) -> int | None:
    if amount in (None, ""):
        return None
    cents = Decimal(str(amount)) * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"Montant avec plus de deux décimales : {amount}")
    return int(cents)


def status_note(template: str, statut: dict[str, Any] | None) -> str:
    """Note d'un statut énoncé par le document : la citation, puis la lecture quand le statut
    retenu n'est pas celui du mot cité (un « REALISE » qui ne porte que sur une étape)."""
    if not statut:
        return ""
    note = template.format(evidence=statut["evidence"])
    return f"{note}. {statut['reading']}" if statut.get("reading") else note


def load_seed(session: Session, parse_echeance: EcheanceParser, app_version: str) -> SeedSummary:
    """Remplit une base vide ; l'appelant valide la transaction."""
    now = utcnow()
    session.add(
        StoreInfo(
            store_uuid=str(uuid.uuid4()),
            label="Feuille de route volet 3 – Pas-de-Calais",
            created_at=now,
            created_by_version=app_version,
        )
    )
    plan = read_seed_file("feuille_de_route_2024.json")
    territory = read_seed_file("bassins.json")
    convention = read_seed_file("convention.json")

    orgs = {}
    for o in plan["organisations"]:
        org = Organisation(code=o["code"], name=o["name"], description=o["description"])
        session.add(org)
        orgs[o["code"]] = org

    bassins: dict[str, Bassin] = {}
    for pos, b in enumerate(territory["bassins"], 1):
        bassin = Bassin(
            code=b["code"],
            name=b["name"],
            full_name=b["full_name"],
            typology=b["typology"],
            description=b["description"],
            services=b["services"],
            position=pos,
            created_at=now,
        )
        session.add(bassin)
        bassins[b["code"]] = bassin
    session.flush()

    for f in territory["figures"]:
        session.add(
            ReferenceFigure(
                bassin_id=None if f["bassin"] is None else bassins[f["bassin"]].id,
                key=f["key"],
                label=f["label"],
                value=float(f["value"]),
                unit=f["unit"],
                as_of=date.fromisoformat(f["as_of"]),
                source=f["source"],
                note=f.get("note", ""),
            )
        )

    summary = _load_plan(session, plan, bassins, orgs, parse_echeance, now)
    _load_convention(session, convention, bassins, now)
    session.flush()
    from db.seed.flux import seed_flux

    seed_flux(session.connection())
    from db.seed.indicators import seed_fusion, seed_indicators

    seed_indicators(session.connection())
    seed_fusion(session.connection())
    session.add(
        JournalEntry(
            ts=now,
            author=SEED_AUTHOR,
            operation_id=str(uuid.uuid4()),
            operation_label="Création de la base avec la feuille de route 2024 – volet 3",
            entity="roadmap",
            entity_id=summary.roadmap_id,
            entity_label=plan["roadmap"]["name"],
            field="creation",
            old_value=None,
            new_value=json.dumps(
                {"axes": summary.axes, "cibles": summary.cibles, "actions": summary.actions},
                ensure_ascii=False,
            ),
            source="seed",
        )
    )
    session.flush()
    return summary


def _load_plan(
    session: Session,
    plan: dict[str, Any],
    bassins: dict[str, Bassin],
    orgs: dict[str, Organisation],
    parse_echeance: EcheanceParser,
    now: datetime,
) -> SeedSummary:
    meta = plan["roadmap"]
    roadmap = Roadmap(
        code=meta["code"],
        name=meta["name"],
        year=meta["year"],
        description=meta["description"],
        source=meta["source"],
        created_at=now,
    )
    session.add(roadmap)
    session.flush()
    assert roadmap.id is not None
    note_cfg = plan["status_note"]
    note_date = date.fromisoformat(note_cfg["date"])
    n_axes = n_cibles = n_actions = 0
    for apos, ax in enumerate(plan["axes"], 1):
        axe = Axe(
            roadmap_id=roadmap.id,
            code=ax["code"],
            title=ax["title"],
            position=apos,
            source=ax["source"],
        )
        session.add(axe)
        session.flush()
        assert axe.id is not None
        n_axes += 1
        for cpos, c in enumerate(ax["cibles"], 1):
            cible = Cible(
                roadmap_id=roadmap.id,
                axe_id=axe.id,
                code=c["code"],
                title=c["title"],
                position=cpos,
                source=ax["source"],
            )
            session.add(cible)
            session.flush()
            assert cible.id is not None
            n_cibles += 1
            for pos, a in enumerate(c["actions"], 1):
                ech = parse_echeance(a["echeance"], meta["year"])
                action = Action(
                    roadmap_id=roadmap.id,
                    cible_id=cible.id,
                    code=a["code"],
                    position=pos,
                    actions_preexistantes=a["actions_preexistantes"],
                    plan_actions=a["plan_actions"],
                    indicateurs_tdb=a["indicateurs_tdb"],
                    indicateurs_autres=a["indicateurs_autres"],
                    echeance_label=a["echeance"],
                    echeance_date=ech.start,
                    echeance_fin=ech.end,
                    echeance_precision=None if ech.precision is None else str(ech.precision),
                    echeance_flag=a.get("echeance_flag") or ech.flag,
                    pilotes_label=a["pilotes"],
                    commentaires=a["commentaires"],
                    source=a["source"],
                    transcription_note=a["note_transcription"],
                    created_at=now,
                    updated_at=now,
                )
                session.add(action)
                session.flush()
                assert action.id is not None
                n_actions += 1
                for org_code in plan["pilotes"].get(a["pilotes"], []) if a["pilotes"] else []:
                    org_id = orgs[org_code].id
                    assert org_id is not None
                    session.add(ActionPilote(action_id=action.id, organisation_id=org_id))
                statut = a["statut"]
                for bassin in bassins.values():
                    assert bassin.id is not None
                    session.add(
                        ActionBassin(
                            action_id=action.id,
                            bassin_id=bassin.id,
                            status=statut["value"] if statut else "a_lancer",
                            progress=None,
                            note=status_note(note_cfg["text"], statut),
                            note_date=note_date if statut else None,
                            updated_at=now,
                            updated_by=SEED_AUTHOR,
                        )
                    )
    return SeedSummary(roadmap.id, len(bassins), n_axes, n_cibles, n_actions)


def _load_convention(
    session: Session, convention: dict[str, Any], bassins: dict[str, Bassin], now: datetime
) -> None:
    for k in convention["key_dates"]:
        session.add(
            KeyDate(
                key=k["key"],
                label=k["label"],
                date=date.fromisoformat(k["date"]),
                end_date=date.fromisoformat(k["end_date"]) if k.get("end_date") else None,
                description=k.get("description", ""),
                source=k["source"],
            )
        )
    for v in convention["volets"]:
        volet = Volet(
            number=v["number"],
            label=v["label"],
            period_start=date.fromisoformat(v["period_start"]),
            period_end=date.fromisoformat(v["period_end"]),
            plafond_cents=to_cents(v["plafond"]),
            total_document_cents=to_cents(v["total_document"]),
            advance_rate_pct=v["advance_rate_pct"],
            cofinancing_rate_pct=v.get("cofinancing_rate_pct"),
            cofinancing_source=v.get("cofinancing_source", ""),
            source=v["source"],
        )
        session.add(volet)
        session.flush()
        assert volet.id is not None
        for pos, line in enumerate(v["lines"], 1):
            session.add(
                FinancementLine(
                    volet_id=volet.id,
                    position=pos,
                    section=line["section"],
                    nature=line["nature"],
                    objet=line["objet"],
                    precisions=line["precisions"],
                    existant=line["existant"],
                    cible=line["cible"],
                    delta=line["delta"],
                    montant_cents=to_cents(line["montant"]),
                    financement_complementaire=line["financement_complementaire"],
                    note=line.get("note", ""),
                )
            )
    for pos, ind in enumerate(convention["indicators"], 1):
        session.add(
            IndicatorDefinition(
                code=ind["code"],
                label=ind["label"],
                category=ind["category"],
                volet=ind["volet"],
                definition=ind["definition"],
                unit=ind["unit"],
                source=ind["source"],
                position=pos,
            )
        )
    for at in convention["ateliers"]:
        session.add(
            Atelier(
                bassin_id=bassins[at["bassin"]].id,
                date=date.fromisoformat(at["date"]),
                moment=at["moment"],
                title=at["title"],
                kind=at["kind"],
                place=at["place"],
                participants=at["participants"],
                notes=at["notes"],
                source=at["source"],
                created_at=now,
            )
        )
