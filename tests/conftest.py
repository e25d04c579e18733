"""Fixtures communes : une base de modèle créée une fois (migrations + jeu initial), copiée par test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

#: Date du jour figée pour les tests : les retards ne dépendent pas du jour où l'on lance la suite.
TEST_TODAY = "2024-10-15"


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ROADMAP_APP_HOME", str(home))
    monkeypatch.setenv("ROADMAP_APP_TODAY", TEST_TODAY)
    monkeypatch.setenv("ROADMAP_APP_AUTHOR", "Testeur")
    return home


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Base créée par le chemin normal (migrations Alembic + jeu initial), une fois pour la session."""
    from roadmap_app.core.context import open_context

    path = tmp_path_factory.mktemp("template") / "modele.sqlite3"
    ctx = open_context(path, author="Testeur")
    ctx.close()
    return path


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "roadmap.sqlite3"
    shutil.copyfile(template_db, dest)
    return dest


@pytest.fixture
def ctx(db_path: Path) -> Iterator[object]:
    from roadmap_app.core.context import open_context

    context = open_context(db_path, author="Testeur")
    yield context
    context.close()


def dump_store(target: Path | object) -> list[str]:
    """Contenu complet d'une base (pour vérifier qu'une opération refusée n'a rien changé).

    ``target`` : chemin d'un fichier SQLite, ou ``Store`` (SQLite ou PostgreSQL : empreintes par table).
    """
    import sqlite3

    path = getattr(target, "path", target)
    if path is None:
        from db.copy import fingerprint

        return [f"{t.name}:{t.rows}:{t.checksum}" for t in fingerprint(target)]  # type: ignore[arg-type]
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()
