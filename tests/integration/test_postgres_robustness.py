"""Base partagée : même règle de concurrence que SQLite (champ par champ), compte en lecture
seule, droits insuffisants, mots de passe jamais en clair (issue 19)."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest

from db.errors import StaleDataError, StoreError
from roadmap_app.cli.main import main
from roadmap_app.core.context import open_context
from roadmap_app.plan.read import load_plan
from roadmap_app.plan.status import update_status
from tests.conftest import dump_store


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request, db_path):
    if request.param == "sqlite":
        return str(db_path)
    url = request.getfixturevalue("pg_url")
    open_context(url).close()
    return url


def test_different_fields_of_the_same_action_changed_at_once_all_pass(any_store):
    """Deux personnes : l'une change le statut, l'autre la note de la même action, 25 fois
    chacune, en même temps. SQLite les acceptait toutes ; PostgreSQL en refusait 45 %."""
    refused: list[str] = []
    rounds = 25

    def worker(author: str, field: str) -> None:
        ctx = open_context(any_store, author=author)
        try:
            for i in range(rounds):
                value = {"status": "en_cours" if i % 2 else "realise", "note": f"{author} {i}"}
                try:
                    update_status(
                        ctx, "EP-2.2", "Lensois", record_undo=False, **{field: value[field]}
                    )
                except StaleDataError as err:
                    refused.append(str(err))
        finally:
            ctx.close()

    threads = [
        threading.Thread(target=worker, args=a) for a in (("Alice", "status"), ("Bob", "note"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert refused == []
    ctx = open_context(any_store)
    cell = load_plan(ctx).action("EP-2.2").statuses[load_plan(ctx).bassin("Lensois").id]
    ctx.close()
    assert (cell.status, cell.note) == ("realise", f"Bob {rounds - 1}")  # i = 24 : réalisé


def test_the_field_rule_of_an_open_action_is_the_same_on_both_backends(any_store):
    """Alice a ouvert l'action ; Bob change la note. Alice enregistre un statut : accepté (autre
    champ), la note de Bob reste. Alice enregistre sa propre note : refusé, avec qui, quand et
    quoi."""
    alice = open_context(any_store, author="Alice")
    bob = open_context(any_store, author="Bob")
    try:
        plan = load_plan(alice)
        seen = plan.action("EP-2.2").statuses[plan.bassin("Lensois").id]
        base = {"status": seen.status, "progress": seen.progress, "note": seen.note}
        update_status(bob, "EP-2.2", "Lensois", note="Note de Bob")
        update_status(alice, "EP-2.2", "Lensois", status="realise", progress=seen.progress,
                      note=seen.note, expected_version=seen.version, base=base)  # fmt: skip
        cell = load_plan(alice).action("EP-2.2").statuses[plan.bassin("Lensois").id]
        assert (cell.status, cell.note) == ("realise", "Note de Bob")
        with pytest.raises(StaleDataError) as refusal:
            update_status(alice, "EP-2.2", "Lensois", status=seen.status, note="Note d'Alice",
                          expected_version=seen.version, base=base)  # fmt: skip
        text = str(refusal.value)
        assert "note (par Bob le " in text and "« Note de Bob »" in text
        assert (
            load_plan(alice).action("EP-2.2").statuses[plan.bassin("Lensois").id].note
            == "Note de Bob"
        )
    finally:
        alice.close()
        bob.close()


def test_a_read_only_login_opens_the_store_read_only(pg_server, pg_url, capsys):
    open_context(pg_url).close()
    database = pg_url.rsplit("/", 1)[1]
    pg_server.execute(
        "DO $$ BEGIN CREATE ROLE lecteur LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )
    pg_server.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO lecteur", database)
    url = pg_server.url(database, user="lecteur")
    ctx = open_context(url)
    before = dump_store(ctx.store)
    try:
        reason = getattr(ctx.store, "read_only", None)
        assert reason and "lecteur" in reason
        assert len(list(load_plan(ctx).actions())) == 35  # la consultation marche
        with pytest.raises(StoreError, match="lecture seule"):
            update_status(ctx, "EP-2.2", "Lensois", status="realise")
    finally:
        ctx.close()
    code = main(
        ["--db", url, "actions", "set", "EP-2.2", "--bassin", "Lensois", "--status", "realise"]
    )
    err = capsys.readouterr().err
    assert code == 1 and "lecture seule" in err and "Traceback" not in err
    owner = open_context(pg_url)
    assert dump_store(owner.store) == before
    owner.close()


def test_a_login_with_read_only_transactions_is_also_read_only(pg_server, pg_url):
    open_context(pg_url).close()
    database = pg_url.rsplit("/", 1)[1]
    pg_server.execute(
        "DO $$ BEGIN CREATE ROLE consultation LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )
    pg_server.execute("ALTER ROLE consultation SET default_transaction_read_only = on")
    pg_server.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO consultation", database)
    ctx = open_context(pg_server.url(database, user="consultation"))
    try:
        reason = getattr(ctx.store, "read_only", None)
        assert reason and "lecture seule" in reason
        with pytest.raises(StoreError, match="lecture seule"):
            update_status(ctx, "EP-2.2", "Lensois", status="realise")
    finally:
        ctx.close()


def test_db_copy_without_create_rights_says_so_and_leaves_the_target_as_it_was(
    pg_server, db_path, capsys
):
    database = pg_server.new_database()
    pg_server.execute(
        "DO $$ BEGIN CREATE ROLE sans_droits LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )
    pg_server.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC", database)
    url = pg_server.url(database, user="sans_droits")
    code = main(["--db", str(db_path), "db", "copy", "--to", url])
    err = capsys.readouterr().err
    assert code == 1 and "créer des tables" in err and "Traceback" not in err
    import psycopg

    with psycopg.connect(
        host="127.0.0.1", port=pg_server.port, user="postgres", dbname=database
    ) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchone()
    assert tables == (0,)


def team_database(pg_server) -> str:
    """Base créée et remplie par l'administrateur, utilisable par le rôle « equipe » (mot de passe)."""
    database = pg_server.new_database()
    open_context(pg_server.url(database)).close()
    for sql in ("GRANT ALL ON ALL TABLES IN SCHEMA public TO equipe",
                "GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO equipe"):  # fmt: skip
        pg_server.execute(sql, database)
    return database


@pytest.fixture
def pgpass(tmp_path, monkeypatch):
    path = tmp_path / "pgpass"
    monkeypatch.setenv("PGPASSFILE", str(path))
    return path


def test_a_password_is_never_kept_in_settings_but_in_pgpass(pg_server, pgpass, _isolated_home):
    from roadmap_app.core.settings import saved_store, set_saved_store

    database = team_database(pg_server)
    with_password = pg_server.url(database, user="equipe", password="secret-equipe")
    set_saved_store(with_password)
    settings = (_isolated_home / "settings.json").read_text(encoding="utf-8")
    assert "secret-equipe" not in settings and "equipe@" in settings
    assert "secret-equipe" in pgpass.read_text(encoding="utf-8")
    assert stat.S_IMODE(pgpass.stat().st_mode) == 0o600
    ctx = open_context(saved_store())  # le pilote lit le mot de passe dans PGPASSFILE
    ctx.close()
    # préférences écrites par une version précédente, mot de passe compris : déplacé
    (_isolated_home / "settings.json").write_text(
        json.dumps({"db": with_password}), encoding="utf-8"
    )
    assert saved_store() == pg_server.url(database, user="equipe")
    assert "secret-equipe" not in (_isolated_home / "settings.json").read_text(encoding="utf-8")


def test_a_missing_password_is_asked_for_and_never_written(pg_server, pgpass, capsys, db_path):
    database = team_database(pg_server)
    url = pg_server.url(database, user="equipe")
    asked: list[str] = []

    def ask(where: str) -> str:
        asked.append(where)
        return "secret-equipe"

    ctx = open_context(url, ask_password=ask)
    ctx.close()
    assert len(asked) == 1 and "secret" not in asked[0]
    assert not pgpass.exists()
    with pytest.raises(StoreError, match="mot de passe"):
        open_context(url, ask_password=lambda where: "faux")
    code = main(
        [
            "--db",
            str(db_path),
            "db",
            "copy",
            "--to",
            pg_server.url(database, user="equipe", password="secret-equipe"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "mot de passe" in err and "secret-equipe" not in err
    assert not Path(os.environ["PGPASSFILE"]).exists()
