"""Reconnaître un fichier donné à l'application sans rien y écrire (db.probe, services.documents)."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from roadmap_app.core.context import open_context
from roadmap_app.core.documents import (
    UnopenableFileError,
    default_store_missing,
    inspect_file,
    package_belongs_here,
)
from roadmap_app.workshops.package import PACKAGE_SUFFIX, export_package


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Fichiers du dossier avec taille et date : rien ne doit être créé ni modifié."""
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir()}


def test_a_store_is_recognised_without_leaving_a_journal_beside_it(db_path):
    before = snapshot(db_path.parent)
    document = inspect_file(db_path)
    assert not document.is_package and document.kind_label == "base"
    assert document.probe.store_uuid
    assert snapshot(db_path.parent) == before


def test_a_package_is_recognised_with_its_origin(ctx, tmp_path):
    package, _ = export_package(ctx, tmp_path / f"lens{PACKAGE_SUFFIX}", "Lensois")
    assert package.name.endswith(".atelier")
    document = inspect_file(package)
    assert document.is_package and document.probe.package_bassin == "LEN"
    assert package_belongs_here(ctx, document)
    other = open_context(tmp_path / "autre.sqlite3")
    try:
        assert not package_belongs_here(other, document)
    finally:
        other.close()


def test_a_package_with_the_old_extension_is_still_a_package(ctx, tmp_path):
    package, _ = export_package(ctx, tmp_path / "ancien.atelier.sqlite3", "Lensois")
    assert inspect_file(package).is_package


def write_foreign_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE places (url TEXT)")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("name", "make", "expected"),
    [
        ("notes.txt", lambda p: p.write_text("pas une base\n"), "ni une base roadmap-app"),
        ("vide.sqlite3", lambda p: p.write_bytes(b""), "vide (0 octet)"),
        ("firefox.sqlite3", write_foreign_sqlite, "base SQLite, mais ni une base roadmap-app"),
        (
            "abimee.sqlite3",
            lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000),
            "endommagé",
        ),
    ],
)
def test_a_foreign_or_damaged_file_is_refused_in_one_line_naming_it(tmp_path, name, make, expected):
    target = tmp_path / name
    make(target)
    before = snapshot(tmp_path)
    with pytest.raises(UnopenableFileError) as err:
        inspect_file(target)
    message = str(err.value)
    assert f"« {name} »" in message and expected in message, message
    assert "\n" not in message
    assert snapshot(tmp_path) == before  # ni modifié, ni -wal, ni -shm à côté


def test_a_missing_file_or_a_folder_is_refused(tmp_path):
    with pytest.raises(UnopenableFileError, match="Fichier introuvable"):
        inspect_file(tmp_path / "absent.sqlite3")
    with pytest.raises(UnopenableFileError, match="n'est pas un fichier"):
        inspect_file(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_store_from_a_newer_version_is_refused_unchanged(db_path):
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(UnopenableFileError, match="version plus récente"):
        inspect_file(db_path)
    assert db_path.read_bytes() == before


def test_a_store_open_elsewhere_is_read_through_its_journal(db_path):
    ctx = open_context(db_path)  # mode WAL : -wal et -shm existent pendant l'ouverture
    try:
        with ctx.store.connection() as conn:
            conn.exec_driver_sql("SELECT 1")
        assert inspect_file(db_path).probe.store_uuid
    finally:
        ctx.close()


def test_default_store_missing_follows_the_usual_resolution(tmp_path, monkeypatch):
    monkeypatch.setenv("ROADMAP_APP_HOME", str(tmp_path))
    monkeypatch.delenv("ROADMAP_APP_DB", raising=False)
    assert default_store_missing(None)
    (tmp_path / "roadmap.sqlite3").write_bytes(b"")
    assert not default_store_missing(None)
    assert not default_store_missing("postgresql+psycopg://u@h/db")
    assert default_store_missing(str(tmp_path / "ailleurs.sqlite3"))


def test_paths_with_odd_characters_are_read(db_path, tmp_path):
    odd = tmp_path / "dossier #1 ? été" / "base 100% (copie).sqlite3"
    odd.parent.mkdir()
    shutil.copyfile(db_path, odd)
    assert not inspect_file(odd).is_package
    assert sorted(os.listdir(odd.parent)) == [odd.name]
