"""Fixtures d'intégration : un serveur PostgreSQL jetable pour la session de tests."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.pg_server import PgServer, find_bindir, start_server


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgServer]:
    if find_bindir() is None:
        if os.environ.get("ROADMAP_REQUIRE_POSTGRES") == "1":
            pytest.fail(
                "PostgreSQL est requis (ROADMAP_REQUIRE_POSTGRES=1) mais ses binaires sont absents."
            )
        pytest.skip("PostgreSQL absent : installez le paquet Debian « postgresql »")
    server = start_server(tmp_path_factory.mktemp("postgres"))
    yield server
    server.stop("immediate")


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    """URL d'une base PostgreSQL neuve et vide (une par test)."""
    return pg_server.url(pg_server.new_database())
