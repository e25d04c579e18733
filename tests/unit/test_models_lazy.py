"""Tables chargées à la demande : chaque module se suffit (ses clés étrangères sont résolues),
et ``load_all`` enregistre tout ce que les migrations connaissent."""

from __future__ import annotations

import subprocess
import sys

import pytest

MODULES = ["contract", "finance", "flows", "journal", "key_dates", "meta", "plan", "snapshot", "territory",
           "workshop"]  # fmt: skip

CHECK = """
import sys
from sqlmodel import SQLModel
from sqlalchemy.orm import configure_mappers
import db.models.{module}
configure_mappers()
for table in SQLModel.metadata.tables.values():
    for fk in table.foreign_keys:
        fk.column  # lève NoReferencedTableError si la table visée n'est pas chargée
print(sorted(SQLModel.metadata.tables))
"""


@pytest.mark.parametrize("module", MODULES)
def test_each_table_module_loads_alone_with_its_foreign_key_targets(module: str) -> None:
    out = subprocess.run(
        [sys.executable, "-c", CHECK.format(module=module)], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr


def test_load_all_registers_every_table_of_the_schema(ctx) -> None:
    from sqlalchemy import inspect
    from sqlmodel import SQLModel

    import db.models

    db.models.load_all()
    with ctx.store.connection() as conn:
        stored = set(inspect(conn).get_table_names()) - {"alembic_version"}
    assert stored == set(SQLModel.metadata.tables)


def test_a_name_that_is_not_a_table_is_an_attribute_error() -> None:
    import db.models

    with pytest.raises(AttributeError):
        db.models.NotATable  # noqa: B018


def test_journaled_models_resolve_to_their_classes() -> None:
    from db.models import JOURNALED_MODELS, Action

    assert JOURNALED_MODELS["action"] is Action
    assert "flow_value" in JOURNALED_MODELS and len(list(JOURNALED_MODELS)) == len(JOURNALED_MODELS)
