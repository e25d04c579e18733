"""``Store.changed_elsewhere`` sur SQLite (``PRAGMA data_version``) et PostgreSQL (dernier
identifiant du journal et des instantanés) : les écritures d'un autre programme comptent, celles
de ce programme non, même quand elles suivent une écriture d'ailleurs."""

from __future__ import annotations

import pytest

from roadmap_app.committees.snapshots import create_snapshot
from roadmap_app.core.context import open_context
from roadmap_app.plan.status import update_status


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, db_path):
    if request.param == "sqlite":
        return db_path
    server = request.getfixturevalue("pg_server")
    url = server.url(server.new_database())
    open_context(url, author="Création").close()  # la base est créée et remplie une fois
    return url


def test_only_the_writes_of_other_programs_count(target):
    here = open_context(target, author="Fenêtre")
    there = open_context(target, author="Ligne de commande")
    try:
        store = here.store
        assert store.changed_elsewhere() is False  # le repère est posé
        update_status(here, "EP-2.2", "Lensois", status="en_cours")
        assert store.changed_elsewhere() is False  # sa propre écriture
        update_status(there, "EP-2.2", "Lensois", status="realise", progress=100)
        assert store.changed_elsewhere() is True
        assert store.changed_elsewhere() is False  # déjà vue
        update_status(there, "AI-4.1", "Audomarois", status="en_cours", progress=55)
        update_status(here, "NU-3.2", "Montreuillois", status="en_cours", progress=35)  # écrit après
        assert store.changed_elsewhere() is True
        create_snapshot(there, "Comité de décembre")  # figé sans entrée au journal
        assert store.changed_elsewhere() is True
    finally:
        there.close()
        here.close()


def test_disposing_the_store_lets_the_file_be_replaced(db_path):
    """La connexion qui regarde se ferme avec les autres : une restauration (« personne d'autre
    n'a la base ouverte ») reste possible depuis la fenêtre."""
    from db.lock import _sqlite_alone

    ctx = open_context(db_path, author="Fenêtre")
    try:
        ctx.store.changed_elsewhere()
        assert not _sqlite_alone(db_path)  # une connexion regarde
        ctx.store.dispose()
        assert _sqlite_alone(db_path)
        assert ctx.store.changed_elsewhere() is False  # rouverte au besoin, nouveau repère
    finally:
        ctx.close()
