"""La convention : volets et plan de financement, indicateurs nationaux, ateliers (les dates clés :
``db.models.key_dates``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Text
from sqlmodel import Field

import db.models.plan
import db.models.territory  # noqa: F401
from db.models.base import Table
from db.types import UtcDateTime


class Volet(Table, table=True):
    """Volet de la convention (1, 2, 3) avec son plafond ; montants en centimes (entiers exacts)."""

    __tablename__ = "volet"

    id: int | None = Field(default=None, primary_key=True)
    number: int = Field(unique=True)
    label: str = Field(max_length=300)
    period_start: dt.date
    period_end: dt.date
    plafond_cents: int | None = Field(default=None, sa_type=BigInteger)
    total_document_cents: int | None = Field(default=None, sa_type=BigInteger)
    advance_rate_pct: int = 60
    source: str = Field(default="", sa_type=Text)
    #: part du Département dans le coût total des actions du volet (co-financement), en %
    cofinancing_rate_pct: int | None = None
    cofinancing_source: str = Field(
        default="", sa_type=Text, sa_column_kwargs={"server_default": ""}
    )


class FinancementLine(Table, table=True):
    """Ligne du plan de financement (annexe 2), telle qu'écrite."""

    __tablename__ = "financement_line"

    id: int | None = Field(default=None, primary_key=True)
    volet_id: int = Field(foreign_key="volet.id", index=True)
    position: int = 0
    section: str = Field(max_length=300)
    nature: str = Field(default="", sa_type=Text)
    objet: str = Field(default="", sa_type=Text)
    precisions: str = Field(default="", sa_type=Text)
    existant: str = Field(default="", max_length=200)
    cible: str = Field(default="", max_length=200)
    delta: str = Field(default="", max_length=200)
    montant_cents: int | None = Field(default=None, sa_type=BigInteger)
    financement_complementaire: str = Field(default="", sa_type=Text)
    note: str = Field(default="", sa_type=Text)
    version: int = 1


class IndicatorDefinition(Table, table=True):
    """Un indicateur de suivi : national (annexe 4 de l'instruction), flux mensuel BRSA ou défini
    pour une feuille de route. Une seule notion : mêmes définitions, cibles, valeurs, liens.

    ``storage`` : ``flux`` (les 17 flux mensuels par bassin : valeurs et cibles dans ``flow_value``
    et ``flow_target``, lues en bloc par la page Flux BRSA) ou ``valeurs`` (``indicator_value`` et
    ``indicator_target``). ``annexe`` : code national correspondant (« M1a / V2-1 »).
    ``direction`` : ``up`` (plus haut, mieux) ou ``down``. ``frequency`` : ``month``, ``quarter``,
    ``year`` ou ``free``. ``scope`` : ``bassin`` (une valeur par bassin) ou ``plan``.
    ``provenance`` : ``tdb`` (TDB national), ``cd``, ``ft`` ou ``autre``. ``roadmap_id`` nul :
    commun à toutes les feuilles de route. ``archived`` : supprimé (l'annulation le rétablit).
    """

    __tablename__ = "indicator_definition"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    label: str = Field(max_length=300)
    category: str = Field(max_length=40)
    volet: int
    definition: str = Field(default="", sa_type=Text)
    unit: str = Field(default="", max_length=20)
    source: str = Field(default="", sa_type=Text)
    position: int = 0
    annexe: str = Field(default="", max_length=40, sa_column_kwargs={"server_default": ""})
    direction: str = Field(default="up", max_length=4, sa_column_kwargs={"server_default": "up"})
    frequency: str = Field(
        default="free", max_length=10, sa_column_kwargs={"server_default": "free"}
    )
    scope: str = Field(default="bassin", max_length=10, sa_column_kwargs={"server_default": "bassin"})
    provenance: str = Field(
        default="autre", max_length=10, sa_column_kwargs={"server_default": "autre"}
    )
    storage: str = Field(
        default="valeurs", max_length=10, sa_column_kwargs={"server_default": "valeurs"}
    )
    roadmap_id: int | None = Field(default=None, foreign_key="roadmap.id")
    archived: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


class Atelier(Table, table=True):
    """Atelier territorial (journée de lancement, revue du plan…)."""

    __tablename__ = "atelier"

    id: int | None = Field(default=None, primary_key=True)
    bassin_id: int | None = Field(default=None, foreign_key="bassin.id", index=True)
    date: dt.date
    moment: str = Field(default="", max_length=40)
    title: str = Field(max_length=300)
    kind: str = Field(default="revue", max_length=40)
    place: str = Field(default="", max_length=300)
    participants: str = Field(default="", sa_type=Text)
    notes: str = Field(default="", sa_type=Text)
    source: str = Field(default="", sa_type=Text)
    created_at: dt.datetime | None = Field(default=None, sa_type=UtcDateTime)
    version: int = 1
