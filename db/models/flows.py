"""Flux mensuels BRSA par bassin (agrégats, aucune donnée personnelle), cibles datées, portefeuilles."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field

import db.models.territory  # noqa: F401 — tables visées par les clés étrangères
from db.models.base import Table
from db.types import UtcDateTime


class FlowValue(Table, table=True):
    """Valeur d'un indicateur pour un bassin et un mois (premier jour du mois). ``None`` : non saisie."""

    __tablename__ = "flow_value"
    __table_args__ = (UniqueConstraint("bassin_id", "month", "indicator", name="uq_flow_value"),)

    id: int | None = Field(default=None, primary_key=True)
    bassin_id: int = Field(foreign_key="bassin.id", index=True)
    month: dt.date = Field(index=True)
    indicator: str = Field(max_length=40)
    value: float | None = None
    updated_at: dt.datetime | None = Field(default=None, sa_type=UtcDateTime)
    updated_by: str = Field(default="", max_length=100)
    version: int = 1


class FlowTarget(Table, table=True):
    """Cible d'un indicateur, en vigueur à partir d'une date (une nouvelle cible ne réécrit pas l'histoire).

    ``kind`` : ``monthly_average`` (N par mois en moyenne, jugé sur le cumul ; ``monthly_min``, nom
    d'avant la révision 0013, se lit de même), ``share_min`` (au moins N % du total parent),
    ``share_target`` (tendance), ``max`` (au plus N, par exemple 70 ARSA par référent), ``min``.
    ``bassin_id`` nul : tous les bassins.
    """

    __tablename__ = "flow_target"

    id: int | None = Field(default=None, primary_key=True)
    indicator: str = Field(max_length=40, index=True)
    bassin_id: int | None = Field(default=None, foreign_key="bassin.id")
    kind: str = Field(max_length=20)
    value: float | None = None  # nul : cible retirée (annulation de sa création)
    effective_from: dt.date
    label: str = Field(default="", max_length=300)
    source: str = Field(default="", sa_type=Text)
    version: int = 1


class Portfolio(Table, table=True):
    """Moyens d'accompagnement d'un bassin (portefeuilles France Travail, ETP de délégués du Département).

    ``source`` commençant par « À confirmer : » : moyens que les documents contredisent
    (``flows.series.TO_CONFIRM``), signalés jusqu'à ce qu'un utilisateur les confirme.
    """

    __tablename__ = "portfolio"

    id: int | None = Field(default=None, primary_key=True)
    bassin_id: int = Field(foreign_key="bassin.id", index=True)
    organisme: str = Field(max_length=10)  # "FT" ou "CD"
    unit: str = Field(max_length=20)  # "portefeuilles" ou "ETP"
    number: float
    capacity_per_referent: int = 70
    effective_from: dt.date
    source: str = Field(default="", sa_type=Text)
    version: int = 1
