"""Lectures en bloc : le ramasse-miettes est suspendu le temps du bloc, puis toujours repris."""

from __future__ import annotations

import gc
import threading

import pytest

from roadmap_app.core.bulk import paused, paused_gc


@pytest.fixture(autouse=True)
def _gc_enabled() -> None:
    assert gc.isenabled()
    yield
    gc.enable()


def test_gc_is_paused_inside_and_resumed_after() -> None:
    with paused_gc():
        assert not gc.isenabled() and paused()
    assert gc.isenabled() and not paused()


def test_nested_blocks_resume_only_at_the_outermost() -> None:
    with paused_gc():
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled(), "le bloc interne ne doit pas reprendre le ramasse-miettes"
    assert gc.isenabled()


def test_resumed_even_when_the_block_fails() -> None:
    @paused_gc()
    def failing() -> None:
        assert not gc.isenabled()
        raise ValueError("lecture impossible")

    with pytest.raises(ValueError):
        failing()
    assert gc.isenabled()


def test_a_collector_disabled_by_someone_else_stays_disabled() -> None:
    gc.disable()
    with paused_gc():
        pass
    assert not gc.isenabled()


def test_blocks_from_two_threads_resume_when_both_are_done() -> None:
    inside, release = threading.Event(), threading.Event()

    def export_in_background() -> None:
        with paused_gc():
            inside.set()
            release.wait(5)

    worker = threading.Thread(target=export_in_background)
    worker.start()
    inside.wait(5)
    with paused_gc():
        pass
    assert not gc.isenabled(), "l'export en arrière-plan est encore dans son bloc"
    release.set()
    worker.join(5)
    assert gc.isenabled()


def test_plan_read_runs_with_the_collector_paused(ctx, monkeypatch) -> None:
    from roadmap_app.plan import read as plan_service

    seen = []
    real = plan_service.echeance_of

    def spy(*args):
        seen.append(gc.isenabled())
        return real(*args)

    monkeypatch.setattr(plan_service, "echeance_of", spy)
    plan_service.load_plan(ctx)
    assert seen and not any(seen)
    assert gc.isenabled()


def test_a_sweep_in_a_worker_thread_asks_the_interface_thread_and_never_collects_there(
    monkeypatch,
) -> None:
    from roadmap_app.core import bulk

    asked: list[str] = []
    collected_in: list[str] = []
    monkeypatch.setattr(
        bulk, "collect_in_ui_thread", lambda: asked.append(threading.current_thread().name)
    )

    def record(phase: str, info: dict) -> None:
        if phase == "start":
            collected_in.append(threading.current_thread().name)

    def render_charts_in_background() -> None:
        with bulk.scratch_garbage() as sweep:
            for _ in range(3):
                cycle: list[object] = []
                cycle.append(cycle)  # un déchet cyclique, comme une figure
                del cycle
                sweep()

    gc.callbacks.append(record)
    try:
        worker = threading.Thread(target=render_charts_in_background, name="export")
        worker.start()
        worker.join(5)
    finally:
        gc.callbacks.remove(record)
    assert asked == ["export"] * 3
    assert "export" not in collected_in
    assert gc.get_freeze_count() == 0, "les objets gelés le temps de la boucle sont dégelés"


def test_a_sweep_in_the_interface_thread_frees_the_cycles_at_once() -> None:
    import weakref

    from roadmap_app.core.bulk import scratch_garbage

    class Figure:
        pass

    with scratch_garbage() as sweep:
        fig = Figure()
        fig.self = fig  # type: ignore[attr-defined]
        alive = weakref.ref(fig)
        del fig
        sweep()
        assert alive() is None


def test_startup_pause_ends_once_and_only_if_it_began() -> None:
    from roadmap_app.core.bulk import begin_startup, end_startup

    end_startup()  # sans début : rien
    assert gc.isenabled() and gc.get_freeze_count() == 0
    begin_startup()
    begin_startup()  # une seule pause
    assert not gc.isenabled()
    end_startup(freeze=False)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    end_startup()
    assert gc.isenabled()


def test_the_entry_point_always_resumes_the_collector(capsys, db_path) -> None:
    from roadmap_app.__main__ import main

    with pytest.raises(SystemExit):  # erreur d'arguments, avant toute commande
        main(["commande-inconnue"])
    assert gc.isenabled()
    assert main(["--db", str(db_path), "snapshot", "list"]) == 0
    assert gc.isenabled() and gc.get_freeze_count() == 0  # une commande ne gèle rien
