"""Instantanés de comité : figer, lister, comparer champ par champ."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest

from roadmap_app.cli.main import main
from roadmap_app.committees.diff import diff_states
from roadmap_app.committees.snapshots import (
    create_snapshot,
    current_state,
    list_snapshots,
    previous_snapshot,
    snapshot_state,
)
from roadmap_app.core.errors import NotFoundError, ValidationError
from roadmap_app.plan.status import update_status
from tests.conftest import dump_store


def set_echeance(db_path, code, label, end):
    """Simule un report d'échéance décidé en comité (l'édition du plan arrive avec l'issue 8)."""
    conn = sqlite3.connect(db_path)
    conn.execute(
        "UPDATE action SET echeance_label = ?, echeance_fin = ?, version = version + 1 WHERE code = ?",
        (label, end, code),
    )
    conn.commit()
    conn.close()


def test_a_snapshot_freezes_the_plan_and_lists_cheaply(ctx):
    info = create_snapshot(ctx, "COPIL de rentrée", committee="copil", taken_on=date(2024, 9, 20))
    assert (info.name, info.committee, info.taken_on, info.author) == (
        "COPIL de rentrée",
        "COPIL",
        date(2024, 9, 20),
        "Testeur",
    )
    assert info.summary["actions"] == 35
    # EP-2.1, AI-1.3, AI-2.1, AI-4.1, AI-5.1 et NU-1.1 : en cours d'après le document ; aucune réalisée
    assert info.summary["bassins"]["LEN"]["en_cours"] == 6
    assert "realise" not in info.summary["bassins"]["LEN"]
    update_status(ctx, "EP-2.2", "Lensois", status="realise")
    frozen = snapshot_state(ctx, "COPIL de rentrée")
    action = next(
        a
        for axe in frozen["plan"]["axes"]
        for c in axe["cibles"]
        for a in c["actions"]
        if a["code"] == "EP-2.2"
    )
    assert action["statuses"]["LEN"]["status"] == "a_lancer"  # l'instantané n'a pas bougé
    assert [i.name for i in list_snapshots(ctx)] == ["COPIL de rentrée"]


def test_names_are_unique_and_committee_types_checked(ctx):
    create_snapshot(ctx, "COTECH 1", committee="COTECH")
    snapshot = dump_store(ctx.store)
    with pytest.raises(ValidationError, match="déjà"):
        create_snapshot(ctx, "COTECH 1")
    with pytest.raises(ValidationError, match="Type de comité inconnu"):
        create_snapshot(ctx, "Autre nom", committee="Assemblée")
    with pytest.raises(ValidationError, match="vide"):
        create_snapshot(ctx, "   ")
    assert dump_store(ctx.store) == snapshot


def test_a_snapshot_can_never_be_modified_in_the_database(ctx):
    create_snapshot(ctx, "Figé")
    conn = sqlite3.connect(ctx.store.path)
    with pytest.raises(sqlite3.DatabaseError, match="ne peut pas être modifié"):
        conn.execute("UPDATE snapshot SET name = 'Truqué'")
    conn.close()


def test_diff_field_by_field_with_slips_and_new_delays(ctx, db_path):
    create_snapshot(ctx, "COPIL 1", taken_on=date(2024, 6, 1))
    update_status(ctx, "EP-2.2", "Lensois", status="realise", progress=100, note="Fait")
    update_status(ctx, "AI-6.1", "Audomarois", status="en_cours")
    set_echeance(db_path, "NU-1.2", "1er avril 2025", "2025-04-01")  # glisse de 90 jours
    create_snapshot(ctx, "COPIL 2", taken_on=date(2024, 10, 15))
    diff = diff_states(
        snapshot_state(ctx, "COPIL 1"), snapshot_state(ctx, "COPIL 2"), "COPIL 1", "COPIL 2"
    )
    cells = {(c.code, c.bassin, c.field): (c.old, c.new) for c in diff.cells}
    assert cells == {
        ("EP-2.2", "LEN", "status"): ("a_lancer", "realise"),
        ("EP-2.2", "LEN", "progress"): (None, 100),
        ("EP-2.2", "LEN", "note"): ("", "Fait"),
        ("AI-6.1", "AUD", "status"): ("a_lancer", "en_cours"),
    }
    assert [(s.code, s.old_label, s.new_label, s.days) for s in diff.slips] == [
        ("NU-1.2", "1er janvier 2025", "1er avril 2025", 90)
    ]
    assert diff.added == [] and diff.removed == []
    # les deux instantanés sont pris le même jour de test (15/10/2024) : aucun nouveau retard entre eux
    assert diff.newly_overdue == []
    assert diff.filtered(bassins={"AUD"}).cells == [c for c in diff.cells if c.bassin == "AUD"]
    assert diff.filtered(axes={"NU"}).cells == []
    assert len(diff.filtered(axes={"NU"}).slips) == 1


def test_actions_that_became_overdue_since_the_snapshot(ctx, monkeypatch):
    monkeypatch.setenv("ROADMAP_APP_TODAY", "2024-05-01")
    for bassin in ("Montreuillois", "Audomarois", "Lensois"):
        update_status(ctx, "AI-1.3", bassin, status="realise")
    create_snapshot(ctx, "Avant l'échéance")
    monkeypatch.setenv("ROADMAP_APP_TODAY", "2024-06-10")
    diff = diff_states(
        snapshot_state(ctx, "Avant l'échéance"),
        current_state(ctx),
        "Avant l'échéance",
        "état actuel",
    )
    late = {(o.code, o.bassin) for o in diff.newly_overdue}
    # 15-mai-24 et 1er juin 2024 sont passés entre-temps ; AI-1.3 est réalisée : jamais en retard
    assert ("EP-1.1", "LEN") in late and ("EP-2.1", "MON") in late
    assert not any(code == "AI-1.3" for code, _ in late)
    assert len(late) == 3 * (1 + 14)


def test_previous_snapshot_is_the_one_before_by_committee_date(ctx):
    create_snapshot(ctx, "B", taken_on=date(2024, 9, 1))
    create_snapshot(ctx, "A", taken_on=date(2024, 6, 1))
    create_snapshot(ctx, "C", taken_on=date(2024, 12, 1))
    assert previous_snapshot(ctx, "C").name == "B"
    assert previous_snapshot(ctx, "B").name == "A"
    assert previous_snapshot(ctx, "A") is None
    with pytest.raises(NotFoundError, match="introuvable"):
        snapshot_state(ctx, "Z")


def test_cli_create_list_and_diff(capsys, db_path):
    assert (
        main(
            [
                "--db",
                str(db_path),
                "snapshot",
                "create",
                "COTECH juin",
                "--committee",
                "COTECH",
                "--date",
                "2024-06-12",
            ]
        )
        == 0
    )
    assert "35 actions figées" in capsys.readouterr().out
    assert (
        main(
            [
                "--db",
                str(db_path),
                "actions",
                "set",
                "EP-3.1",
                "--bassin",
                "Lensois",
                "--status",
                "en_cours",
            ]
        )
        == 0
    )
    assert (
        main(["--db", str(db_path), "snapshot", "create", "COPIL octobre", "--committee", "COPIL"])
        == 0
    )
    capsys.readouterr()
    assert main(["--db", str(db_path), "snapshot", "list", "--format", "json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert [(s["nom"], s["comite"], s["date"]) for s in listing] == [
        ("COTECH juin", "COTECH", "2024-06-12"),
        ("COPIL octobre", "COPIL", "2024-10-15"),
    ]
    assert (
        main(
            [
                "--db",
                str(db_path),
                "snapshot",
                "diff",
                "COTECH juin",
                "COPIL octobre",
                "--format",
                "json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["changements_par_bassin"] == [
        {
            "code": "EP-3.1",
            "axe": "EP",
            "bassin": "LEN",
            "field": "status",
            "label": "Statut",
            "old": "a_lancer",
            "new": "en_cours",
        }
    ]
    assert (
        main(
            [
                "--db",
                str(db_path),
                "actions",
                "set",
                "EP-3.1",
                "--bassin",
                "Lensois",
                "--status",
                "realise",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["--db", str(db_path), "snapshot", "diff", "COPIL octobre", "--current"]) == 0
    out = capsys.readouterr().out
    assert "En cours → Réalisé" in out and "EP-3.1" in out
    assert (
        main(
            [
                "--db",
                str(db_path),
                "snapshot",
                "diff",
                "COPIL octobre",
                "--current",
                "--bassin",
                "Audomarois",
            ]
        )
        == 0
    )
    assert "Aucun changement" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["snapshot", "diff", "Inconnu", "--current"], "introuvable"),
        (["snapshot", "create", "X", "--date", "27/03/2025"], "AAAA-MM-JJ"),
        (["snapshot", "create", "X", "--committee", "Assemblée"], "Type de comité inconnu"),
        (["snapshot", "diff", "Base"], "soit un second instantané"),
    ],
)
def test_cli_errors_are_french_and_change_nothing(capsys, db_path, args, message):
    assert main(["--db", str(db_path), "snapshot", "create", "Base"]) == 0
    before = dump_store(db_path)
    assert main(["--db", str(db_path), *args]) == 2
    assert message in capsys.readouterr().err
    assert dump_store(db_path) == before


def test_a_snapshot_can_be_read_back_as_a_plan_view(ctx):
    from roadmap_app.committees.snapshots import plan_view_from_state
    from roadmap_app.plan.filters import ActionFilter
    from roadmap_app.plan.read import load_plan

    create_snapshot(ctx, "Lecture seule")
    frozen = plan_view_from_state(snapshot_state(ctx, "Lecture seule"))
    live = load_plan(ctx)
    assert [a.code for a in frozen.actions()] == [a.code for a in live.actions()]
    lens_frozen = frozenset({frozen.bassin("Lensois").id})
    lens_live = frozenset({live.bassin("Lensois").id})
    late = ActionFilter(bassin_ids=lens_frozen, overdue_only=True)
    assert [a.code for a in frozen.actions() if late.matches(a, frozen.today)] == [
        a.code
        for a in live.actions()
        if ActionFilter(bassin_ids=lens_live, overdue_only=True).matches(a, live.today)
    ]
    assert frozen.action("EP-1.1").echeance.end == live.action("EP-1.1").echeance.end


def test_changed_figures_read_as_euros_and_french_numbers():
    from roadmap_app.committees.section_change import show_value

    assert show_value("montant_cents", 61_875_000) == "618\u202f750,00\u00a0€"  # centimes → euros
    assert show_value("entrants", 43.0) == "43"
    assert show_value("accompagnement_intensif", 12.5) == "12,5"
    assert show_value("stock", 5300.0) == "5\u202f300"
    assert show_value("entrants", None) == "—"


def _format_1_encode(state):
    """L'encodage des versions précédentes : cellules en dictionnaires, JSON UTF-8."""
    import hashlib
    import zlib

    from roadmap_app.committees.state_cell import CELL_FIELDS
    from roadmap_app.committees.state_json import iter_json

    old = json.loads("".join(iter_json(state)))
    old["format"] = 1
    for axe in old["plan"]["axes"]:
        for cible in axe["cibles"]:
            for action in cible["actions"]:
                action["statuses"] = {
                    code: dict(zip(CELL_FIELDS, cell, strict=True))
                    for code, cell in action["statuses"].items()
                }
    raw = json.dumps(old, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    return zlib.compress(raw, 1), hashlib.sha256(raw).hexdigest()


def test_a_snapshot_of_the_previous_format_reads_and_compares_unchanged(ctx, monkeypatch):
    from roadmap_app.committees import snapshots

    with monkeypatch.context() as patched:
        patched.setattr(snapshots, "_encode", _format_1_encode)
        create_snapshot(ctx, "COPIL (format 1)")
    frozen = snapshot_state(ctx, "COPIL (format 1)")
    assert frozen["format"] == 1
    cells = [c for axe in frozen["plan"]["axes"] for ci in axe["cibles"] for a in ci["actions"]
             for c in a["statuses"].values()]  # fmt: skip
    assert len(cells) == 35 * 3  # 35 actions, 3 bassins
    assert {c["status"] for c in cells} >= {"a_lancer", "en_cours", "a_securiser"}
    assert all(type(c).__name__ == "Cell" for c in cells), "lu comme le format 2"
    assert diff_states(frozen, current_state(ctx), "format 1", "état actuel").is_empty()


def test_new_snapshots_store_cells_as_short_lists_in_ascii_json(ctx):
    import zlib

    from roadmap_app.committees.snapshots import find_snapshot

    create_snapshot(ctx, "COTECH « été »")
    with ctx.store.connection() as conn:
        payload = conn.exec_driver_sql(
            "SELECT payload FROM snapshot WHERE id = ?", (find_snapshot(ctx, "COTECH « été »").id,)
        ).scalar_one()
    text = zlib.decompress(payload).decode("ascii")  # accents échappés : un octet par caractère
    state = json.loads(text)
    assert state["format"] == 3
    first = state["plan"]["axes"][0]["cibles"][0]["actions"][0]
    assert all(isinstance(c, list) and len(c) == 6 for c in first["statuses"].values())
    assert snapshot_state(ctx, "COTECH « été »")["plan"]["roadmap"] == state["plan"]["roadmap"]


def test_a_snapshot_from_a_newer_format_is_refused_in_french(ctx, monkeypatch):
    from roadmap_app.committees import sections as snapshot_sections

    with monkeypatch.context() as patched:
        patched.setattr(snapshot_sections, "STATE_FORMAT", snapshot_sections.STATE_FORMAT + 1)
        create_snapshot(ctx, "COPIL du futur")
    with pytest.raises(ValidationError, match="version plus récente"):
        snapshot_state(ctx, "COPIL du futur")


def test_a_snapshot_reads_the_same_by_id_or_name_and_an_unknown_id_is_refused(ctx):
    info = create_snapshot(ctx, "COTECH d'hiver")
    assert snapshot_state(ctx, info.id) == snapshot_state(ctx, "COTECH d'hiver")
    with pytest.raises(NotFoundError, match=r"Instantané « 999 » introuvable.*COTECH d'hiver"):
        snapshot_state(ctx, 999)


def test_compare_gives_the_diff_and_keeps_only_names_with_the_gc_paused_throughout(
    ctx, monkeypatch
):
    import gc
    import weakref

    import roadmap_app.committees.snapshots as snapshots

    info = create_snapshot(ctx, "COPIL", committee="COPIL", taken_on=date(2024, 9, 20))
    update_status(ctx, "AI-1.1", "Lensois", status="en_cours", record_undo=False)
    expected = diff_states(snapshot_state(ctx, info.id), current_state(ctx), "COPIL", "état actuel")
    seen: list[bool] = []
    states: list[weakref.ref[object]] = []

    class Tracked(dict):
        pass

    def spy(read):
        def wrapped(*args, **kwargs):
            seen.append(gc.isenabled())
            state = Tracked(read(*args, **kwargs))
            states.append(weakref.ref(state))
            return state

        return wrapped

    monkeypatch.setattr(snapshots, "snapshot_state", spy(snapshot_state))
    monkeypatch.setattr(snapshots, "current_state", spy(current_state))
    found = snapshots.compare(ctx, info.id, None, "COPIL", "état actuel")
    assert found.diff == expected and found.diff.cells
    # le ramasse-miettes ne reprend pas entre les deux lectures ; les deux états sont lâchés
    assert seen == [False, False] and gc.isenabled()
    assert [ref() for ref in states] == [None, None]
    state = current_state(ctx)
    assert (
        found.bassins
        == found.bassins_before
        == [{"code": b["code"], "name": b["name"]} for b in state["plan"]["bassins"]]
    )
    assert found.axes == [{"code": a["code"], "title": a["title"]} for a in state["plan"]["axes"]]
