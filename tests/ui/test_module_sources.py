"""Les sources des modules, que shiboken6 (PySide6) lit en entier à chaque import et que
``linecache`` garde (≈ 40 Mo à 100× après la page Flux et le pack), ne restent pas en mémoire."""

from __future__ import annotations

import importlib
import linecache

from ui.tasks import TaskRunner


def _import_fresh(tmp_path, monkeypatch, name: str) -> str:
    path = tmp_path / f"{name}.py"
    path.write_text("VALEUR = 1\n" * 200, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.import_module(name)
    linecache.getlines(str(path))  # comme shiboken6 à l'import (inspect.getsource)
    assert str(path) in linecache.cache
    return str(path)


def test_opening_a_page_forgets_the_sources_read_at_import(window, tmp_path, monkeypatch):
    path = _import_fresh(tmp_path, monkeypatch, "module_importe_par_une_page")
    window.show_page("committees")
    assert path not in linecache.cache


def test_a_background_task_forgets_the_sources_before_and_after_its_work(
    window, qtbot, tmp_path, monkeypatch
):
    before = _import_fresh(tmp_path, monkeypatch, "module_importe_avant_le_travail")
    seen: list[bool] = []
    results: list[object] = []

    def work(_progress):
        seen.append(before in linecache.cache)
        return _import_fresh(tmp_path, monkeypatch, "module_importe_par_le_travail")

    runner = TaskRunner()
    runner.run(window, "Travail", work, results.append, results.append)
    qtbot.waitUntil(lambda: bool(results) and not runner.busy(), timeout=10_000)
    assert seen == [False]  # oubliées avant le travail : il réutilise leur place
    assert isinstance(results[0], str) and results[0] not in linecache.cache


def test_sources_are_kept_while_a_task_may_be_importing(window, qtbot, tmp_path, monkeypatch):
    """Vider ``linecache`` pendant qu'un fil de travail importe pourrait y lever une KeyError :
    changer de page pendant un travail attend la fin du travail pour oublier les sources."""
    import threading

    path = _import_fresh(tmp_path, monkeypatch, "module_importe_pendant_un_travail")
    release = threading.Event()
    results: list[object] = []
    runner = TaskRunner()
    runner.run(window, "Travail", lambda _p: release.wait(10), results.append, results.append)
    try:
        linecache.getlines(path)  # relu pendant le travail
        window.show_page("committees")
        kept = path in linecache.cache
    finally:
        release.set()
    assert kept
    qtbot.waitUntil(lambda: bool(results) and not runner.busy(), timeout=10_000)
    assert path not in linecache.cache
