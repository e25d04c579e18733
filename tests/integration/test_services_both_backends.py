"""Les tests des services (statuts, journal, annulation, filtres, lectures en tuples bruts) rejoués
sur SQLite et PostgreSQL.

Les fonctions de test sont celles de tests/unit ; seule la fixture ``ctx`` change : elle est
paramétrée par moteur de base.
"""

from __future__ import annotations

import pytest

from tests.unit.test_filters import *  # noqa: F403
from tests.unit.test_rows import *  # noqa: F403
from tests.unit.test_status_journal_undo import *  # noqa: F403


@pytest.fixture(params=["sqlite", "postgresql"])
def ctx(request, db_path):
    from roadmap_app.core.context import open_context

    if request.param == "sqlite":
        target = db_path
    else:
        server = request.getfixturevalue("pg_server")
        target = server.url(server.new_database())
    context = open_context(target, author="Testeur")
    yield context
    context.close()
