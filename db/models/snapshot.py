"""Instantanés de comité : l'état complet du plan figé à une date, jamais modifié ensuite."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import LargeBinary, Text
from sqlmodel import Field

import db.models.plan  # noqa: F401 — tables visées par les clés étrangères
from db.models.base import Table
from db.types import UtcDateTime


class Snapshot(Table, table=True):
    """Le contenu est un JSON compressé (``payload``) ; ``summary`` permet de lister sans le lire.

    Une fois écrit, un instantané ne change plus : un déclencheur de la base refuse toute mise à jour.
    """

    __tablename__ = "snapshot"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    committee: str = Field(default="", max_length=40)
    taken_on: dt.date
    created_at: dt.datetime = Field(sa_type=UtcDateTime)
    author: str = Field(max_length=100)
    roadmap_id: int = Field(foreign_key="roadmap.id", index=True)
    roadmap_name: str = Field(max_length=200)
    app_version: str = Field(max_length=40)
    schema_revision: str = Field(max_length=40)
    payload: bytes = Field(sa_type=LargeBinary)
    payload_sha256: str = Field(max_length=64)
    summary: str = Field(default="{}", sa_type=Text)
