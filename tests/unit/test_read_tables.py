"""Les tables légères des lectures du démarrage (``db.read_tables``) suivent le schéma."""

from __future__ import annotations

import pytest
from sqlalchemy import Boolean, Date, DateTime, Float
from sqlalchemy.types import NullType
from sqlmodel import SQLModel

from db.models import load_all
from db.read_tables import ALL
from db.types import UtcDateTime

#: Types qui changent ce qu'une lecture rend ou ce qu'une comparaison écrit : booléens
#: (« archived IS 0 » sous SQLite, « IS false » sous PostgreSQL), dates et horodatages (texte ISO
#: sous SQLite sans le type), nombres à virgule. Une colonne légère de ces types doit être typée.
CONVERTING = (Boolean, Date, DateTime, Float, UtcDateTime)


@pytest.mark.parametrize("light", ALL, ids=lambda t: t.name)
def test_every_light_column_exists_in_the_schema_and_is_typed_alike(light: object) -> None:
    load_all()
    schema = SQLModel.metadata.tables[light.name]  # type: ignore[attr-defined]
    for column in light.c:  # type: ignore[attr-defined]
        assert column.name in schema.c, f"{light.name}.{column.name} absente du schéma"
        real = schema.c[column.name].type
        if not isinstance(column.type, NullType) or isinstance(real, CONVERTING):
            assert type(column.type) is type(real), f"{light.name}.{column.name} : {real!r}"
