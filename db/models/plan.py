"""Le plan : feuilles de route → axes → cibles opérationnelles → actions, et statut par bassin."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Text, UniqueConstraint
from sqlmodel import Field

import db.models.territory  # noqa: F401 — tables visées par les clés étrangères
from db.models.base import Table
from db.types import UtcDateTime

STATUS_VALUES = ("a_lancer", "en_cours", "realise", "a_securiser", "reporte", "abandonne")
PRECISION_VALUES = ("jour", "mois", "trimestre", "semestre", "annee")


def _text(default: str = "") -> str:
    return Field(default=default, sa_type=Text)


class Roadmap(Table, table=True):
    """Une feuille de route (par exemple « Feuille de route 2024 – volet 3 »)."""

    __tablename__ = "roadmap"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=200, unique=True)
    year: int
    description: str = _text()
    source: str = _text()
    parent_id: int | None = Field(default=None, foreign_key="roadmap.id")
    archived: bool = False
    version: int = 1
    created_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class Organisation(Table, table=True):
    """Organisation pilote (CD, France Travail, CAF, État…)."""

    __tablename__ = "organisation"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True)
    name: str = Field(max_length=200)
    description: str = _text()


class Axe(Table, table=True):
    __tablename__ = "axe"
    __table_args__ = (UniqueConstraint("roadmap_id", "code", name="uq_axe_roadmap_code"),)

    id: int | None = Field(default=None, primary_key=True)
    roadmap_id: int = Field(foreign_key="roadmap.id", index=True)
    code: str = Field(max_length=20)
    title: str = Field(max_length=300)
    position: int = 0
    source: str = _text()
    archived: bool = False
    version: int = 1


class Cible(Table, table=True):
    """Cible opérationnelle."""

    __tablename__ = "cible"
    __table_args__ = (UniqueConstraint("roadmap_id", "code", name="uq_cible_roadmap_code"),)

    id: int | None = Field(default=None, primary_key=True)
    roadmap_id: int = Field(foreign_key="roadmap.id", index=True)
    axe_id: int = Field(foreign_key="axe.id", index=True)
    code: str = Field(max_length=20)
    title: str = _text()
    position: int = 0
    source: str = _text()
    archived: bool = False
    version: int = 1


class Action(Table, table=True):
    """Une ligne d'action de la feuille de route, avec tous les champs du document."""

    __tablename__ = "action"
    __table_args__ = (
        UniqueConstraint("roadmap_id", "code", name="uq_action_roadmap_code"),
        CheckConstraint(
            "echeance_precision IS NULL OR echeance_precision IN ("
            + ", ".join(f"'{v}'" for v in PRECISION_VALUES)
            + ")",
            name="ck_action_echeance_precision",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    roadmap_id: int = Field(foreign_key="roadmap.id", index=True)
    cible_id: int = Field(foreign_key="cible.id", index=True)
    code: str = Field(max_length=20)
    position: int = 0
    intitule: str | None = Field(default=None, max_length=300)
    actions_preexistantes: str = _text()
    plan_actions: str = _text()
    indicateurs_tdb: str = _text()
    indicateurs_autres: str = _text()
    echeance_label: str = Field(default="", max_length=100)
    echeance_date: date | None = None
    echeance_fin: date | None = Field(default=None, index=True)
    echeance_precision: str | None = Field(default=None, max_length=12)
    echeance_flag: str | None = Field(default=None, max_length=200)
    pilotes_label: str = Field(default="", max_length=300)
    commentaires: str = _text()
    source: str = _text()
    transcription_note: str = _text()
    carried_from_id: int | None = Field(default=None, foreign_key="action.id")
    archived: bool = False
    version: int = 1
    created_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    updated_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class ActionPilote(Table, table=True):
    """Lien plusieurs-à-plusieurs action ↔ organisation pilote."""

    __tablename__ = "action_pilote"

    action_id: int = Field(foreign_key="action.id", primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True)


class ActionBassin(Table, table=True):
    """L'action s'applique à ce bassin ; porte le statut, l'avancement et la note datée.

    ``archived`` : l'action ne s'applique plus à ce bassin (« non applicable »). La ligne est
    gardée avec son statut et son historique ; la rendre de nouveau applicable la retrouve telle quelle.
    """

    __tablename__ = "action_bassin"
    __table_args__ = (
        UniqueConstraint("action_id", "bassin_id", name="uq_action_bassin"),
        CheckConstraint(
            "status IN (" + ", ".join(f"'{v}'" for v in STATUS_VALUES) + ")",
            name="ck_action_bassin_status",
        ),
        CheckConstraint(
            "progress IS NULL OR (progress >= 0 AND progress <= 100)",
            name="ck_action_bassin_progress",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True)
    bassin_id: int = Field(foreign_key="bassin.id", index=True)
    status: str = Field(default="a_lancer", max_length=20)
    progress: int | None = None
    note: str = _text()
    note_date: date | None = None
    updated_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    updated_by: str = Field(default="", max_length=100)
    archived: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    version: int = 1
