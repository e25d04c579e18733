"""Dates clés de la convention : un module à part, le tableau de bord les lit au démarrage."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Text
from sqlmodel import Field

from db.models.base import Table


class KeyDate(Table, table=True):
    """Date clé de la convention (début/fin de volet, échéance de bilan, délibération…)."""

    __tablename__ = "key_date"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=60, unique=True)
    label: str = Field(max_length=300)
    date: dt.date
    end_date: dt.date | None = None
    description: str = Field(default="", sa_type=Text)
    source: str = Field(default="", sa_type=Text)
