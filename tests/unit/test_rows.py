"""Lectures en tuples bruts : les dates arrivent en texte (SQLite) ou en objets (PostgreSQL) et
ressortent identiques à ce que rendait la couche de résultats de SQLAlchemy."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from db.models import ActionBassin
from db.rows import as_date, as_utc, raw_rows


def test_dates_read_as_text_or_objects_give_the_same_date() -> None:
    assert as_date("2024-10-15") == as_date(date(2024, 10, 15)) == date(2024, 10, 15)
    assert as_date(datetime(2024, 10, 15, 8, 30)) == date(2024, 10, 15)
    assert as_date("2024-10-15 00:00:00.000000") == date(2024, 10, 15)
    assert as_date(None) is None


def test_timestamps_come_back_aware_in_utc() -> None:
    expected = datetime(2024, 10, 15, 8, 30, 5, 120000, tzinfo=UTC)
    assert as_utc("2024-10-15 08:30:05.120000") == expected  # texte SQLite
    assert as_utc(datetime(2024, 10, 15, 8, 30, 5, 120000)) == expected  # objet naïf PostgreSQL
    assert as_utc(None) is None


def test_raw_rows_match_the_orm_values_of_the_same_query(ctx) -> None:
    columns = [
        ActionBassin.id,
        ActionBassin.status,
        ActionBassin.note_date,
        ActionBassin.updated_at,
    ]
    query = select(*columns).order_by(ActionBassin.id)
    with ctx.store.session() as s:
        processed = [tuple(r) for r in s.execute(query).all()]
        raw = raw_rows(s.connection(), query)
    assert len(raw) == len(processed) > 100
    converted = [(i, st, as_date(d), as_utc(u)) for i, st, d, u in raw]
    assert converted == processed
