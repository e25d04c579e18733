"""Prise d'un instantané : texte JSON écrit par morceaux, résumé compté en C. Chaque fois,
exactement ce que donnaient la façon simple (``json.dumps`` d'un seul tenant, boucle par cellule)."""

from __future__ import annotations

import hashlib
import json
import zlib
from typing import Any

import pytest

from roadmap_app.committees import state_json
from roadmap_app.committees.snapshots import summarize
from roadmap_app.committees.state_cell import Cell


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=True, sort_keys=True, separators=(",", ":"))


def cell(status: str, overdue: bool = False, note: str = "") -> Cell:
    return Cell((status, 40, note, "2024-10-01", overdue, "M. D."))


TRICKY: dict[str, Any] = {
    "format": 2,
    "zèbre": {"é": "accentué — ’ « » ✓ \U0001f600", '"guillemet"': "\\ \n \t \x00"},
    "plan": {
        "today": "2026-11-15",
        "axes": [
            {
                "title": "Axe « un »",
                "code": "A",
                "cibles": [
                    {
                        "code": "C1",
                        "actions": [
                            {
                                "statuses": {"LEN": cell("en_cours"), "AUD": cell("realise")},
                                "pilotes": ["CD", "FT"],
                                "echeance": {"end": None, "flag": True},
                            }
                        ],
                    },
                    {"code": "C2", "actions": []},
                ],
            },
            {"code": "B", "cibles": [], "title": ""},
        ],
        "bassins": [{"code": "LEN", "name": "Lensois"}],
    },
    "indicateurs": {
        "values": {"R1": {"": "2024-01-01=1.5;2024-02-01=2", "LEN": "2024-02-01=3"}, "M2": {}},
        "links": [["EP-1.1", "R1", "suivi"], ["EP-1.2", "M2", "suivi"]],
        "steps": [],
        "definitions": [{"code": "R1", "unit": "%", "definition": None}],
    },
    "flux": {
        "values": {
            "LEN": {"2024-01": {"entrants": 12.0, "orientes": 0.1 + 0.2, "x": -0.0}, "2024-02": {}}
        },
        "targets": [1e-7, 1e300, -5, True, False, None],
    },
    "nombres": {"1": 1, "10": 2, "2": 3},
    "clés entières": {3: "trois", 1: "un", 2: {"x": [1]}},
    "vide": {},
    "liste vide": [],
    "tuple": ("a", ("b", {"c": 1})),
    "profond": {"a": {"b": {"c": {"d": {"e": {"f": {"g": [{"h": {"i": 1}}]}}}}}}},
}


@pytest.mark.parametrize("depth", [0, 1, 2, 3, 5, 9])
def test_the_json_pieces_join_into_json_dumps_byte_for_byte(depth):
    pieces = list(state_json.iter_json(TRICKY, depth))
    assert "".join(pieces) == dumps(TRICKY)
    if depth >= 3:
        assert len(pieces) > 20  # vraiment par morceaux
    assert all(p.isascii() for p in pieces)


def test_scalars_and_flat_containers_are_written_whole():
    for value in (
        "é",
        1.5,
        None,
        [1, 2],
        {"a": 1},
        [["x", "y"]],
        Cell(("a", 1, "", None, False, "")),
    ):
        assert list(state_json.iter_json(value)) == [dumps(value)]


def test_the_payload_is_the_whole_text_compressed_in_one_stream(monkeypatch):
    text = dumps(TRICKY).encode("ascii")
    packer = zlib.compressobj(1)
    whole = packer.compress(text) + packer.flush()
    for chunk in (1, 7, 1 << 18):
        monkeypatch.setattr(state_json, "CHUNK", chunk)
        payload, digest = state_json.encode_state(TRICKY)
        assert payload == whole
        assert digest == hashlib.sha256(text).hexdigest()
        assert zlib.decompress(payload) == text


def test_an_unwritable_value_fails_as_json_would():
    with pytest.raises(TypeError, match="not JSON serializable"):
        state_json.encode_state({"a": [{"b": object()}], "c": {"d": {"e": 1}}})


def naive_summary(state: dict[str, Any]) -> dict[str, Any]:
    """Le résumé tel qu'il s'est toujours écrit : une boucle sur les cellules."""
    per_bassin: dict[str, dict[str, int]] = {b["code"]: {} for b in state["plan"]["bassins"]}
    n = 0
    for axe in state["plan"]["axes"]:
        for cible in axe["cibles"]:
            for action in cible["actions"]:
                n += 1
                for code, c in action["statuses"].items():
                    counts = per_bassin.setdefault(code, {})
                    counts[c["status"]] = counts.get(c["status"], 0) + 1
                    if c["overdue"]:
                        counts["en_retard"] = counts.get("en_retard", 0) + 1
    return {"actions": n, "bassins": per_bassin}


def test_the_summary_counts_and_orders_keys_as_the_cell_by_cell_loop():
    as_dict = dict(zip(("status", "progress", "note", "note_date", "overdue", "updated_by"),
                       cell("a_lancer", True), strict=True))  # fmt: skip
    actions = [
        {"statuses": {"LEN": cell("en_cours"), "AUD": cell("a_lancer", True)}},
        {"statuses": {}},
        {
            "statuses": {
                "AUD": cell("en_cours", True),
                "XXX": cell("realise"),
                "LEN": cell("en_cours", True),
            }
        },
        {"statuses": {"LEN": as_dict, "AUD": cell("reporte")}},  # cellule du format 1
        {"statuses": {"ZZZ": cell("abandonne", True), "AUD": cell("en_cours")}},
    ]
    state = {"plan": {"bassins": [{"code": "AUD"}, {"code": "LEN"}, {"code": "CAL"}],
                      "axes": [{"cibles": [{"actions": actions[:2]}, {"actions": []}]},
                               {"cibles": [{"actions": actions[2:]}]}]}}  # fmt: skip
    got = summarize(state)
    assert json.dumps(got) == json.dumps(naive_summary(state))  # ordre des clés compris
    assert got["bassins"]["LEN"] == {"en_cours": 2, "en_retard": 2, "a_lancer": 1}
    assert list(got["bassins"]) == ["AUD", "LEN", "CAL", "XXX", "ZZZ"]
    assert got["actions"] == 5
