"""Exécution financière de la convention : dépenses (modèle de l'annexe 3) et versements de l'État.

Montants en centimes (entiers exacts) ; le nombre d'unités en millièmes (entier exact, trois
décimales : « 2,5 ETP » → 2500). Une ligne retirée est archivée (jamais supprimée) : le journal
et l'annulation restent possibles.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Text
from sqlmodel import Field

import db.models.contract  # noqa: F401 — tables visées par les clés étrangères
from db.models.base import Table
from db.types import UtcDateTime


class Expense(Table, table=True):
    """Dépense réalisée, imputée à une ligne du plan de financement d'un volet.

    ``group_key`` / ``subgroup_key`` : rubrique de la trame de bilan financier (annexe 3) ;
    ``montant_cents`` est le montant retenu : s'il diffère de nombre × coût unitaire, l'écart
    est signalé, jamais corrigé en silence.
    """

    __tablename__ = "expense"

    id: int | None = Field(default=None, primary_key=True)
    volet_id: int = Field(foreign_key="volet.id", index=True)
    line_id: int = Field(foreign_key="financement_line.id", index=True)
    group_key: str = Field(max_length=40)
    subgroup_key: str = Field(default="", max_length=40)
    nature: str = Field(sa_type=Text)
    unite: str = Field(default="", max_length=60)
    units_milli: int | None = Field(default=None, sa_type=BigInteger)
    unit_cost_cents: int | None = Field(default=None, sa_type=BigInteger)
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    period_label: str = Field(default="", max_length=120)
    objet: str = Field(default="", sa_type=Text)
    montant_cents: int = Field(sa_type=BigInteger)
    note: str = Field(default="", sa_type=Text)
    archived: bool = False
    created_at: dt.datetime | None = Field(default=None, sa_type=UtcDateTime)
    created_by: str = Field(default="", max_length=100)
    updated_at: dt.datetime | None = Field(default=None, sa_type=UtcDateTime)
    updated_by: str = Field(default="", max_length=100)
    version: int = 1


class StatePayment(Table, table=True):
    """Versement de l'État reçu (avance, solde) ou trop-perçu remboursé, pour un volet."""

    __tablename__ = "state_payment"

    id: int | None = Field(default=None, primary_key=True)
    volet_id: int = Field(foreign_key="volet.id", index=True)
    kind: str = Field(max_length=30)
    amount_cents: int = Field(sa_type=BigInteger)
    date: dt.date
    reference: str = Field(default="", max_length=200)
    note: str = Field(default="", sa_type=Text)
    archived: bool = False
    created_at: dt.datetime | None = Field(default=None, sa_type=UtcDateTime)
    created_by: str = Field(default="", max_length=100)
    updated_at: dt.datetime | None = Field(default=None, sa_type=UtcDateTime)
    updated_by: str = Field(default="", max_length=100)
    version: int = 1
