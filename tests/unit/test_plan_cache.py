"""La lecture du plan est partagée entre les pages tant que la base ne change pas, jamais au-delà."""

from __future__ import annotations

import sqlite3

from roadmap_app.plan.read import load_plan
from roadmap_app.plan.status import update_status


def test_an_unchanged_store_gives_the_same_reading(ctx):
    first = load_plan(ctx)
    assert load_plan(ctx) is first
    assert load_plan(ctx, include_archived=True) is not first  # autre vue, autre lecture


def test_a_change_made_here_is_seen_at_once(ctx):
    before = load_plan(ctx)
    lens = before.bassin("Lensois").id
    update_status(ctx, "EP-2.2", "Lensois", status="realise", record_undo=False)
    after = load_plan(ctx)
    assert after is not before
    assert after.action("EP-2.2").statuses[lens].status == "realise"


def test_a_change_made_by_another_program_is_seen(ctx, db_path):
    before = load_plan(ctx)
    lens = before.bassin("Lensois").id
    conn = sqlite3.connect(db_path)  # une autre application écrit dans la même base
    conn.execute(
        "UPDATE action_bassin SET status = 'abandonne', version = version + 1 "
        "WHERE bassin_id = ? AND action_id = (SELECT id FROM action WHERE code = 'EP-3.1')",
        (lens,),
    )
    conn.commit()
    conn.close()
    assert load_plan(ctx).action("EP-3.1").statuses[lens].status == "abandonne"


def test_a_failed_write_also_drops_the_reading(ctx):
    before = load_plan(ctx)
    try:
        with ctx.store.transaction():
            raise RuntimeError("interrompu")
    except RuntimeError:
        pass
    assert load_plan(ctx) is not before


def test_two_threads_reading_while_the_store_changes_never_fail(ctx):
    """Un export en arrière-plan lit le plan pendant que l'interface le relit et l'enregistre."""
    import threading

    errors: list[BaseException] = []

    def reader() -> None:
        try:
            for _ in range(30):
                assert len(list(load_plan(ctx).actions())) == 35
        except BaseException as err:  # on veut tout voir
            errors.append(err)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for i in range(10):
        update_status(ctx, "EP-2.2", "Lensois", progress=i * 10, record_undo=False)
    for t in threads:
        t.join()
    assert errors == []
    assert (
        load_plan(ctx).action("EP-2.2").statuses[load_plan(ctx).bassin("Lensois").id].progress == 90
    )
