"""La même application sur un serveur PostgreSQL partagé."""

from __future__ import annotations

import pytest

from db.errors import StaleDataError
from roadmap_app.core.context import open_context
from roadmap_app.core.errors import StoreError
from roadmap_app.core.ops import undo_last
from roadmap_app.plan.read import load_plan
from roadmap_app.plan.status import update_status


def test_a_new_postgres_store_is_created_seeded_and_usable(pg_url):
    ctx = open_context(pg_url, author="Équipe")
    try:
        assert ctx.prepared.created
        plan = load_plan(ctx)
        assert len(list(plan.actions())) == 35
        update_status(ctx, "EP-2.2", "Lensois", status="realise", progress=100, note="Fait")
        cell = load_plan(ctx).action("EP-2.2").statuses[plan.bassin("Lensois").id]
        assert (cell.status, cell.progress, cell.updated_by) == ("realise", 100, "Équipe")
        undo_last(ctx)
        assert (
            load_plan(ctx).action("EP-2.2").statuses[plan.bassin("Lensois").id].status == "a_lancer"
        )
    finally:
        ctx.close()
    again = open_context(pg_url)
    try:
        assert not again.prepared.created and again.prepared.migrated_from is None
    finally:
        again.close()


def test_two_users_on_the_same_action_the_second_save_is_a_conflict(pg_url):
    alice = open_context(pg_url, author="Alice")
    bob = open_context(pg_url, author="Bob")
    try:
        lens = load_plan(alice).bassin("Lensois").id
        seen_by_alice = load_plan(alice).action("AI-3.1").statuses[lens].version
        seen_by_bob = load_plan(bob).action("AI-3.1").statuses[lens].version
        update_status(bob, "AI-3.1", "Lensois", status="en_cours", expected_version=seen_by_bob)
        with pytest.raises(StaleDataError, match="Bob"):
            update_status(
                alice, "AI-3.1", "Lensois", status="abandonne", expected_version=seen_by_alice
            )
        assert load_plan(alice).action("AI-3.1").statuses[lens].status == "en_cours"
    finally:
        alice.close()
        bob.close()


def test_wrong_password_gives_a_french_message(pg_server):
    name = pg_server.new_database()
    with pytest.raises(StoreError, match=r"(?i)mot de passe|authentification"):
        open_context(pg_server.url(name, user="equipe", password="faux"))


def test_server_down_gives_a_french_message(pg_server):
    url = pg_server.url("inexistante").replace(f":{pg_server.port}/", ":1/")
    with pytest.raises(StoreError, match=r"(?i)serveur"):
        open_context(url)


def test_network_cut_mid_session_writes_nothing_and_the_app_reconnects(tmp_path):
    from db.connection_errors import StoreUnavailableError
    from tests.pg_server import find_bindir, start_server

    if find_bindir() is None:
        pytest.skip("PostgreSQL absent")
    server = start_server(tmp_path / "pg")
    try:
        url = server.url(server.new_database())
        ctx = open_context(url, author="Équipe")
        lens = load_plan(ctx).bassin("Lensois").id
        server.stop("immediate")  # coupure brutale pendant la session
        with pytest.raises(StoreUnavailableError, match="Impossible de joindre le serveur"):
            update_status(ctx, "EP-3.1", "Lensois", status="realise")
        with pytest.raises(StoreUnavailableError):
            load_plan(ctx)
        server.start()  # le serveur revient : l'application se reconnecte d'elle-même
        assert load_plan(ctx).action("EP-3.1").statuses[lens].status == "a_lancer"  # rien d'écrit
        update_status(ctx, "EP-3.1", "Lensois", status="realise")
        assert load_plan(ctx).action("EP-3.1").statuses[lens].status == "realise"
        ctx.close()
    finally:
        server.stop("immediate")
