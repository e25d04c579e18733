"""Ateliers hors ligne : paquet emporté sur un portable, et suivi des fusions dans la base principale."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import LargeBinary, Text
from sqlmodel import Field

import db.models.contract  # noqa: F401 — tables visées par les clés étrangères
from db.models.base import Table
from db.types import UtcDateTime


class WorkshopPackage(Table, table=True):
    """Présente (une ligne) seulement dans un paquet d'atelier : d'où et de quel état il vient.

    ``base_state`` est l'état des champs fusionnables au moment de l'export (JSON compressé) ;
    ``checksum`` couvre ces métadonnées et cet état : un paquet altéré est refusé.
    """

    __tablename__ = "workshop_package"

    id: int | None = Field(default=None, primary_key=True)
    package_uuid: str = Field(max_length=36, unique=True)
    source_store_uuid: str = Field(max_length=36)
    source_label: str = Field(default="", max_length=300)
    bassin_code: str = Field(max_length=20)
    atelier_id: int
    created_at: dt.datetime = Field(sa_type=UtcDateTime)
    created_by: str = Field(max_length=100)
    app_version: str = Field(max_length=40)
    schema_revision: str = Field(max_length=40)
    base_journal_id: int
    base_state: bytes = Field(sa_type=LargeBinary)
    checksum: str = Field(max_length=64)


class WorkshopMerge(Table, table=True):
    """Dans la base principale : chaque fusion d'un paquet ou d'un classeur d'atelier."""

    __tablename__ = "workshop_merge"

    id: int | None = Field(default=None, primary_key=True)
    package_uuid: str = Field(max_length=36, index=True)
    kind: str = Field(default="paquet", max_length=20)
    atelier_id: int | None = Field(default=None, foreign_key="atelier.id")
    merged_at: dt.datetime = Field(sa_type=UtcDateTime)
    merged_by: str = Field(max_length=100)
    applied: int = 0
    conflicts: int = 0
    operation_id: str | None = Field(default=None, max_length=36)


class WorkshopResolution(Table, table=True):
    """Décision prise sur un conflit : une nouvelle fusion du même paquet ne la redemande pas."""

    __tablename__ = "workshop_resolution"

    id: int | None = Field(default=None, primary_key=True)
    package_uuid: str = Field(max_length=36, index=True)
    cell_key: str = Field(max_length=120)
    theirs_value: str | None = Field(default=None, sa_type=Text)
    decision: str = Field(max_length=20)
    value: str | None = Field(default=None, sa_type=Text)
    decided_at: dt.datetime = Field(sa_type=UtcDateTime)
    decided_by: str = Field(max_length=100)
