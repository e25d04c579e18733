"""Séries des indicateurs dans les instantanés : format 3 (``[jours, valeurs]``, écrit directement
en JSON) et format 2 (« jour=valeur;… »), qui se lit, se compare et s'exporte exactement comme
avant."""

from __future__ import annotations

import hashlib
import json
import zlib
from datetime import date
from typing import Any

import pytest

from roadmap_app.committees import snapshots
from roadmap_app.committees.diff import diff_states
from roadmap_app.committees.indicators_section import (
    SECTION,
    _frozen_values,
    _json_safe,
    describe,
    frozen_states,
    pack_rows,
    series_of,
)
from roadmap_app.committees.snapshots import create_snapshot, current_state, snapshot_state
from roadmap_app.committees.state_json import Encoded, iter_json
from roadmap_app.indicators import service as svc
from roadmap_app.indicators.model import raw_rows


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=True, sort_keys=True, separators=(",", ":"))


#: La lecture des séries par les versions précédentes (format 2), telle quelle
FORMAT_2_SERIES_SQL = ("SELECT indicator_id, bassin_id, group_concat(day || '=' || value, ';') FROM indicator_value "
                       "WHERE value IS NOT NULL GROUP BY indicator_id, bassin_id")  # fmt: skip


def _format_2_encoder(ctx):
    """L'encodage des versions précédentes : même état, mais chaque série en un texte
    « jour=valeur;… » lu par leur requête, format 2."""

    def encode(state: dict[str, Any]) -> tuple[bytes, str]:
        old = json.loads("".join(iter_json(state)))
        new_values = old[SECTION]["values"]
        with ctx.store.session() as s:
            codes = dict(raw_rows(s, "SELECT id, code FROM indicator_definition"))
            bassins = dict(raw_rows(s, "SELECT id, code FROM bassin WHERE NOT archived"))
            values: dict[str, dict[str, str]] = {}
            for ind, bid, joined in raw_rows(s, FORMAT_2_SERIES_SQL):
                if codes[ind] in new_values:
                    values.setdefault(codes[ind], {})[bassins.get(bid, "")] = joined
        assert {c: sorted(v) for c, v in values.items()} == {c: sorted(v) for c, v in new_values.items()}
        old[SECTION]["values"] = values
        old["format"] = 2
        raw = dumps(old).encode("ascii")
        return zlib.compress(raw, 1), hashlib.sha256(raw).hexdigest()

    return encode


def _indicators(ctx):
    """Une série mensuelle (mois consécutifs), une à trous, une annuelle, une de tout le plan."""
    svc.add_indicator(ctx, "MENS", label="Entretiens du mois", unit="nombre", frequency="month")
    svc.add_indicator(ctx, "PLAN", label="Part des contrats signés", unit="%", frequency="quarter", scope="plan")
    svc.link(ctx, "EP-1.1", "MENS", kind="tdb")
    svc.link(ctx, "EP-1.1", "R1", kind="tdb")
    svc.link(ctx, "EP-2.1", "PLAN")
    for month, value in enumerate((12, 15.5, 9, 11, 14, 13.25), start=1):
        svc.set_value(ctx, "MENS", value, date(2024, month, 1), bassin="Lensois")
    svc.set_value(ctx, "MENS", 4, date(2024, 1, 1), bassin="Audomarois")
    svc.set_value(ctx, "MENS", 6, date(2024, 3, 1), bassin="Audomarois")  # février manque
    svc.set_value(ctx, "R1", 45, date(2023, 1, 1), bassin="Lensois")
    svc.set_value(ctx, "R1", 52.3, date(2024, 1, 1), bassin="Lensois")
    svc.set_value(ctx, "PLAN", 1 / 3, date(2024, 1, 1))
    svc.set_value(ctx, "PLAN", 40, date(2024, 4, 1))
    svc.set_step(ctx, "MENS", "target", 14, year=2024)
    svc.set_step(ctx, "R1", "target", 60, year=2025)


def _later(ctx):
    """Après le comité : nouvelles valeurs, une correction, une première valeur, une cible."""
    svc.set_value(ctx, "MENS", 16, date(2024, 7, 1), bassin="Lensois")
    svc.set_value(ctx, "MENS", 7, date(2024, 3, 1), bassin="Audomarois", replace=True)
    svc.set_value(ctx, "MENS", 3, date(2024, 2, 1), bassin="Montreuillois")
    svc.set_value(ctx, "R1", 58, date(2025, 1, 1), bassin="Lensois")
    svc.set_value(ctx, "PLAN", 2 / 3, date(2024, 7, 1))
    svc.set_step(ctx, "MENS", "target", 15, year=2025)


def test_new_snapshots_freeze_each_series_as_days_and_values(ctx):
    _indicators(ctx)
    create_snapshot(ctx, "COPIL", taken_on=date(2024, 9, 1))
    values = snapshot_state(ctx, "COPIL")[SECTION]["values"]
    assert snapshot_state(ctx, "COPIL")["format"] == 3
    # mois consécutifs : le jour de la dernière valeur seul ; sinon un jour par valeur
    assert values["MENS"]["LEN"] == ["2024-06-01", "12.0;15.5;9.0;11.0;14.0;13.25"]
    assert values["MENS"]["AUD"] == ["2024-01-01;2024-03-01", "4.0;6.0"]
    assert values["R1"]["LEN"] == ["2023-01-01;2024-01-01", "45.0;52.3"]
    assert values["PLAN"][""] == ["2024-01-01;2024-04-01", "0.333333333333333;40.0"]  # écrite par SQLite
    assert series_of(values["MENS"]["LEN"])[:2] == [("2024-01-01", 12.0), ("2024-02-01", 15.5)]
    assert series_of(values["MENS"]["LEN"])[-1] == ("2024-06-01", 13.25)
    assert series_of(values["MENS"]["AUD"]) == [("2024-01-01", 4.0), ("2024-03-01", 6.0)]


def test_a_format_2_snapshot_opens_compares_and_exports_exactly_like_the_same_in_format_3(ctx, monkeypatch):
    _indicators(ctx)
    create_snapshot(ctx, "COPIL (format 3)", taken_on=date(2024, 9, 1))
    with monkeypatch.context() as patched:
        patched.setattr(snapshots, "_encode", _format_2_encoder(ctx))
        create_snapshot(ctx, "COPIL (format 2)", taken_on=date(2024, 9, 1))
    old, new = snapshot_state(ctx, "COPIL (format 2)"), snapshot_state(ctx, "COPIL (format 3)")
    assert old["format"] == 2 and old[SECTION]["values"]["MENS"]["LEN"].startswith("2024-01-01=12.0;2024-02-01=15.5;")
    assert {k: v for k, v in old.items() if k != "format"} != {k: v for k, v in new.items() if k != "format"}
    for code, per in new[SECTION]["values"].items():
        for bassin, series in per.items():
            assert series_of(old[SECTION]["values"][code][bassin]) == series_of(series), (code, bassin)
    assert frozen_states(old) == frozen_states(new)
    assert pack_rows(old) == pack_rows(new)
    # l'un contre l'autre : rien n'a changé
    for a, b in ((old, new), (new, old)):
        assert [s for s in diff_states(a, b, "avant", "après").sections if s.section == SECTION] == []
    # contre l'état actuel, puis contre un instantané pris plus tard : les mêmes changements
    _later(ctx)
    live = current_state(ctx)
    create_snapshot(ctx, "COTECH", taken_on=date(2024, 10, 1))
    for after in (live, snapshot_state(ctx, "COTECH")):
        changes = diff_states(old, after, "COPIL", "après").sections
        assert changes == diff_states(new, after, "COPIL", "après").sections
        texts = [describe(s) for s in changes if s.section == SECTION]
        assert sorted(texts) == sorted([
            "MENS Montreuillois : — → 3 (févr. 2024 ; cible 2024 : 14, non atteinte)",
            "MENS Audomarois : 6 → 7 (mars 2024, corrigée ; cible 2024 : 14, non atteinte)",
            "MENS Lensois : 13,2 → 16 (juin 2024 → juil. 2024 ; cible 2024 : 14, atteinte)",
            "PLAN tout le plan : 40 → 0,7 (T2 2024 → T3 2024 ; sans cible)",
            "R1 Lensois : 52,3 → 58 (2024 → 2025 ; cible 2025 : 60 %, non atteinte)",
            "MENS tous les bassins : — → 15 (nouvelle cible 2025)",
        ])  # dans l'ordre des séries de l'état d'après (clés triées d'un instantané)
    assert pack_rows(old) == pack_rows(new)


def test_the_values_text_is_json_dumps_of_the_series_and_escapes_what_it_must():
    """Le texte écrit directement est celui que donnerait ``json.dumps`` des séries : clés triées,
    la dernière série d'une même clé l'emporte (bassin archivé classé « tout le plan », comme
    avant), et un texte inattendu dans la base (guillemet, accent) est échappé."""
    plain = {1: "B", 2: "A", 3: "É"}
    where = {10: "LEN", 11: "AUD", None: ""}
    rows = [
        (1, None, "2024-01-01;2024-02-01", "1.0;2.0"),
        (1, 10, "2024-01-31;2024-02-29", "1.0;2.0"),  # après le 28 : un jour par valeur
        (1, 11, "2024-11-01;2024-12-01;2025-01-01", "1.0;2.5;3.0"),  # d'une année à l'autre
        (1, 99, "2023-05-01", "7.0"),  # bassin archivé : « tout le plan », lu après
        (2, 10, "2024-01-15", "4.0"),
        (2, 11, "2024-01-15;2024-02-15", "5.0;6.0"),  # le 15 de chaque mois
        (4, 10, "2024-01-01", "9.0"),  # indicateur non figé
        (3, 10, None, None),
    ]
    expected = {
        "A": {"AUD": ["2024-02-15", "5.0;6.0"], "LEN": ["2024-01-15", "4.0"]},
        "B": {"": ["2023-05-01", "7.0"], "AUD": ["2025-01-01", "1.0;2.5;3.0"],
              "LEN": ["2024-01-31;2024-02-29", "1.0;2.0"]},
    }  # fmt: skip
    assert _frozen_values(rows, plain, where).text == dumps(expected)
    odd = [*rows, (3, 10, "2024-01-01;2024-02-01", '1.0;"2,5 é"'), (3, 11, "2024-01-01 00:00:00", "1.0")]
    expected["É"] = {"LEN": ["2024-02-01", '1.0;"2,5 é"'], "AUD": ["2024-01-01 00:00:00", "1.0"]}
    text = _frozen_values(odd, plain, where).text
    assert text == dumps(expected) and text.isascii()
    assert _json_safe("2024-01-01;1.0e+20;-Inf") and not _json_safe('1"') and not _json_safe("\\") \
        and not _json_safe("é") and not _json_safe("\n")  # fmt: skip


def test_a_written_piece_is_copied_as_is_but_json_dumps_refuses_it():
    series = Encoded('{"R1":{"LEN":["2024-06-01","1.0;2.0"]}}')
    state = {"format": 3, "indicateurs": {"values": series, "links": [["EP-1.1", "R1", "tdb"]]}, "x": [{"y": series}]}
    decoded = {"format": 3, "indicateurs": {"values": series.value(), "links": [["EP-1.1", "R1", "tdb"]]},
               "x": [{"y": series.value()}]}  # fmt: skip
    for depth in (3, 5):
        assert "".join(iter_json(state, depth)) == dumps(decoded)
    with pytest.raises(TypeError):  # trop profond pour être ouvert (``MAX_DEPTH``)
        "".join(iter_json(state, 2))
    with pytest.raises(TypeError):
        json.dumps(state)


def test_series_of_reads_the_three_forms():
    assert series_of("2024-01-01=1.5;2024-04-01=2") == [("2024-01-01", 1.5), ("2024-04-01", 2.0)]
    assert series_of(["2024-01-01;2024-04-01", "1.5;2"]) == [("2024-01-01", 1.5), ("2024-04-01", 2.0)]
    assert series_of(["2025-02-01", "1;2;3"]) == [("2024-12-01", 1.0), ("2025-01-01", 2.0), ("2025-02-01", 3.0)]
    assert series_of(["2025-02-10", "7"]) == [("2025-02-10", 7.0)]


def test_compared_to_a_snapshot_without_indicators_the_current_state_reads_only_their_links(ctx, monkeypatch):
    """La comparaison avec un instantané figé avant les indicateurs n'en dit qu'une ligne, tirée
    des liens : l'état actuel ne lit qu'eux (ni valeurs, ni cibles, ni définitions), et la
    comparaison est la même qu'avec l'état actuel complet."""
    from roadmap_app.committees import sections
    from roadmap_app.committees.snapshots import compare, find_snapshot

    with monkeypatch.context() as patch:
        patch.delitem(sections.SECTIONS, SECTION)
        create_snapshot(ctx, "Ancien", taken_on=date(2024, 6, 1))
    _indicators(ctx)
    old = snapshot_state(ctx, "Ancien")
    brief = current_state(ctx, compared_to=old)
    assert brief[SECTION] == {"links": current_state(ctx)[SECTION]["links"]}
    assert brief["plan"] == current_state(ctx)["plan"]
    expected = diff_states(old, current_state(ctx), "Ancien", "état actuel")
    got = compare(ctx, find_snapshot(ctx, "Ancien").id, None, "Ancien", "état actuel").diff
    assert got == expected
    assert [describe(s) for s in got.sections if s.section == SECTION] == [
        "Indicateurs de suivi absents de l'instantané de départ, figé avant leur suivi : 3 lien(s) entre "
        "3 indicateur(s) et 2 action(s), sans comparaison possible"]  # fmt: skip
    # un instantané qui les a : l'état actuel complet
    create_snapshot(ctx, "Récent", taken_on=date(2024, 9, 1))
    assert current_state(ctx, compared_to=snapshot_state(ctx, "Récent")) == current_state(ctx)
