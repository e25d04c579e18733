"""Types de colonnes communs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import types


class UtcDateTime(types.TypeDecorator[datetime]):
    """Horodatage stocké en UTC sans fuseau (portable SQLite/PostgreSQL), rendu « aware » en UTC.

    Une valeur naïve est considérée comme déjà exprimée en UTC.
    """

    impl = types.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is not None:
            value = value.astimezone(UTC)
        return value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)
