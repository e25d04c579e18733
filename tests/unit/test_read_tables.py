"""Les tables légères des lectures du démarrage (``db.read_tables``) suivent le schéma."""

from __future__ import annotations

import pytest
from sqlalchemy import Boolean
from sqlalchemy.types import NullType
from sqlmodel import SQLModel

from db.models import load_all
from db.read_tables import ALL


@pytest.mark.parametrize("light", ALL, ids=lambda t: t.name)
def test_every_light_column_exists_in_the_schema_and_is_typed_alike(light: object) -> None:
    load_all()
    schema = SQLModel.metadata.tables[light.name]  # type: ignore[attr-defined]
    for column in light.c:  # type: ignore[attr-defined]
        assert column.name in schema.c, f"{light.name}.{column.name} absente du schéma"
        real = schema.c[column.name].type
        # booléens toujours typés : « archived IS 0 » sous SQLite, « IS false » sous PostgreSQL
        if not isinstance(column.type, NullType) or isinstance(real, Boolean):
            assert type(column.type) is type(real), f"{light.name}.{column.name} : {real!r}"
