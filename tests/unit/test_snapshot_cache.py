"""Instantanés déjà décodés, gardés sur le disque : relus sans décoder leur JSON, jamais à la place
d'un contenu endommagé dans la base."""

from __future__ import annotations

import json
import sqlite3

import pytest

from roadmap_app.committees import snapshot_cache, snapshots
from roadmap_app.committees.snapshots import create_snapshot, snapshot_state
from roadmap_app.core.errors import ValidationError
from roadmap_app.plan.status import update_status


def _files(home):
    return sorted((home / "cache" / "instantanes").glob("*.bin"))


def _no_json(monkeypatch):
    def refuse(*_a, **_k):
        raise AssertionError("JSON décodé malgré le cache")

    monkeypatch.setattr(snapshots.json, "loads", refuse)


def test_a_snapshot_read_once_is_read_again_from_the_cache_identically(
    ctx, _isolated_home, monkeypatch
):
    update_status(
        ctx, "AI-1.1", "Lensois", status="en_cours", note="note « été »", record_undo=False
    )
    info = create_snapshot(ctx, "COPIL")
    first = snapshot_state(ctx, info.id)
    assert len(_files(_isolated_home)) == 1
    written = [c for axe in first["plan"]["axes"] for ci in axe["cibles"] for a in ci["actions"]
               for c in a["statuses"].values()]  # fmt: skip
    assert written and all(type(c).__name__ == "Cell" for c in written)  # rendues après l'écriture
    with monkeypatch.context() as patched:
        _no_json(patched)
        again = snapshot_state(ctx, info.id)
    assert again == first and again is not first
    cells = [c for axe in again["plan"]["axes"] for ci in axe["cibles"] for a in ci["actions"]
             for c in a["statuses"].values()]  # fmt: skip
    assert cells and all(type(c).__name__ == "Cell" for c in cells)
    assert {c["status"] for c in cells} >= {"en_cours"}


def _tamper(ctx, sql, *args):
    conn = sqlite3.connect(ctx.store.path)
    conn.execute("DROP TRIGGER snapshot_immuable")
    conn.execute(sql, args)
    conn.commit()
    conn.close()


@pytest.mark.parametrize("column", ["payload", "payload_sha256"])
def test_a_damaged_snapshot_is_still_refused_after_being_cached(ctx, column):
    import hashlib
    import zlib

    info = create_snapshot(ctx, "COPIL")
    snapshot_state(ctx, info.id)  # en cache
    if column == "payload":  # un autre contenu, sous l'ancienne empreinte
        other = zlib.compress(json.dumps({"format": 2}).encode())
        _tamper(ctx, "UPDATE snapshot SET payload = ?", other)
    else:
        _tamper(ctx, "UPDATE snapshot SET payload_sha256 = ?", hashlib.sha256(b"x").hexdigest())
    with pytest.raises(ValidationError, match="endommagé"):
        snapshot_state(ctx, info.id)


def test_a_damaged_or_foreign_cache_file_is_ignored_and_rewritten(ctx, _isolated_home, monkeypatch):
    info = create_snapshot(ctx, "COPIL")
    expected = snapshot_state(ctx, info.id)
    (path,) = _files(_isolated_home)
    good = path.read_bytes()
    for bad in (good[:-10], good[:-5] + b"\0\0\0\0\0", good.replace(b"RMSNAP1", b"RMSNAP0"), b""):
        path.write_bytes(bad)
        assert snapshot_state(ctx, info.id) == expected
        assert path.read_bytes() == good  # réécrit à la lecture ordinaire
    path.write_bytes(good)
    monkeypatch.setattr(snapshot_cache, "_VERSION", b"autre version")
    assert snapshot_state(ctx, info.id) == expected
    assert path.read_bytes() != good  # réécrit pour cette version


def test_the_cache_keeps_the_most_recently_read_and_never_fails_a_read(
    ctx, _isolated_home, monkeypatch
):
    monkeypatch.setattr(snapshot_cache, "KEEP", 2)
    ids = []
    for i in range(3):
        update_status(ctx, "AI-1.1", "Lensois", progress=10 * (i + 1), record_undo=False)
        ids.append(create_snapshot(ctx, f"Comité {i}").id)
    states = [snapshot_state(ctx, i) for i in ids]
    assert len(_files(_isolated_home)) == 2
    with monkeypatch.context() as patched:
        _no_json(patched)  # les deux derniers lus sont gardés
        assert [snapshot_state(ctx, i) for i in ids[1:]] == states[1:]
    # dossier impossible à créer (un fichier à sa place) : lecture ordinaire, sans erreur
    cache = _isolated_home / "cache"
    for p in _files(_isolated_home):
        p.unlink()
    (cache / "instantanes").rmdir()
    (cache / "instantanes").write_text("pas un dossier")
    assert snapshot_state(ctx, ids[0]) == states[0]
