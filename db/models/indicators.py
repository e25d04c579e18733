"""Indicateurs de suivi : situation de référence et cibles, valeurs mesurées, liens aux actions.

Les définitions sont dans ``indicator_definition`` (``db.models.contract``). Les flux mensuels BRSA
(``storage = "flux"``) gardent leurs valeurs et cibles dans ``flow_value`` / ``flow_target`` ; la
situation de référence de tout indicateur, et les cibles et valeurs des autres, sont ici.

Aucune ligne n'est supprimée : ``value`` nul (valeur, cible) ou ``active`` faux (lien) veut dire
« absent » ; l'annulation (journal) remet l'ancienne valeur.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field

import db.models.contract
import db.models.plan
import db.models.territory  # noqa: F401
from db.models.base import Table
from db.types import UtcDateTime


class IndicatorTarget(Table, table=True):
    """Situation de référence (``kind = "baseline"``) ou cible (``"target"``) d'un indicateur, en
    vigueur à partir de ``effective_from`` (cible d'une année : 1er janvier, ``year`` renseigné).
    ``bassin_id`` nul : tous les bassins (ou indicateur de tout le plan)."""

    __tablename__ = "indicator_target"

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator_definition.id", index=True)
    bassin_id: int | None = Field(default=None, foreign_key="bassin.id")
    kind: str = Field(max_length=10)
    value: float | None = None
    effective_from: dt.date
    year: int | None = None
    label: str = Field(default="", max_length=300)
    updated_at: dt.datetime | None = Field(default=None, sa_type=UtcDateTime)
    updated_by: str = Field(default="", max_length=100)
    version: int = 1


class IndicatorValue(Table, table=True):
    """Valeur mesurée d'un indicateur à une date (ou au début d'une période), pour un bassin
    (``bassin_id`` nul : tout le plan). ``value`` nul : retirée."""

    __tablename__ = "indicator_value"
    # dernière valeur de chaque indicateur et bassin (colonne et page « Indicateurs ») : lue sur
    # l'index seul (valeur comprise), sans aller chercher les lignes
    __table_args__ = (Index("ix_indicator_value_key", "indicator_id", "bassin_id", "day", "value"),)

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator_definition.id")
    bassin_id: int | None = Field(default=None, foreign_key="bassin.id")
    day: dt.date
    value: float | None = None
    updated_at: dt.datetime | None = Field(default=None, sa_type=UtcDateTime)
    updated_by: str = Field(default="", max_length=100)
    version: int = 1


class ActionIndicator(Table, table=True):
    """L'action est mesurée par l'indicateur ; ``kind`` : ``tdb`` (TDB national) ou ``autre``,
    les deux colonnes de l'annexe 1 bis. ``active`` faux : lien retiré."""

    __tablename__ = "action_indicator"
    __table_args__ = (UniqueConstraint("action_id", "indicator_id", name="uq_action_indicator"),)

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True)
    indicator_id: int = Field(foreign_key="indicator_definition.id", index=True)
    kind: str = Field(default="autre", max_length=10)
    active: bool = True
    version: int = 1
