"""Encodage des valeurs de champs pour le journal (JSON texte) et retour au type de la colonne."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime


def encode(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return json.dumps(value.isoformat())
    return json.dumps(value, ensure_ascii=False)


def decode(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def decode_for_column(model: type, field: str, text: str | None) -> Any:
    value = decode(text)
    if value is None:
        return None
    column = model.__table__.columns[field]  # type: ignore[attr-defined]
    if (
        isinstance(column.type, DateTime)
        or getattr(column.type, "impl", None).__class__ is DateTime
    ):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    return value
