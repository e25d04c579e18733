"""Indicateurs de suivi : une seule notion (nationaux, flux, définis), cibles, valeurs, liens,
validation, journal et annulation, migration d'une base existante."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from roadmap_app.core.errors import UserError, ValidationError
from roadmap_app.core.ops import undo_last
from roadmap_app.flows.catalogue import INDICATORS
from roadmap_app.flows.series import load_series as load_flow_series
from roadmap_app.flows.series import load_targets as load_flow_targets
from roadmap_app.indicators import model as m
from roadmap_app.indicators import service as svc
from tests.conftest import dump_store

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "stores" / "schema_0001.sqlite3"


def test_the_17_flows_are_indicator_definitions_like_the_national_ones(ctx):
    defs = m.load_definitions(ctx)
    flows = [d for d in defs if d.is_flow]
    assert [(d.code, d.label, d.unit, d.definition, d.annexe) for d in flows] == [
        (i.code, i.label, i.unit, i.definition, i.annexe) for i in INDICATORS
    ]
    assert all(d.frequency == "month" and d.per_bassin for d in flows)
    r1 = m.find_definition(defs, "r1")
    assert (r1.provenance, r1.unit, r1.storage) == ("tdb", "%", "valeurs")
    assert m.find_definition(defs, "M2").direction == "down"


def test_the_seeded_plan_has_its_indicator_column_empty_ready_to_link(ctx):
    assert m.load_links(ctx) == []
    with ctx.store.session() as s:
        texts = s.exec(  # type: ignore[call-overload]
            __import__("sqlalchemy").text("SELECT indicateurs_tdb, indicateurs_autres FROM action")
        ).all()
    assert texts and all(t == ("", "") for t in texts)


def _rsa_indicator(ctx):
    return svc.add_indicator(ctx, "EP-RDV", label="Part des ARSA reçus en 15 jours", unit="%",
                             direction="up", definition="Premier rendez-vous en 15 jours au plus.",
                             frequency="month")  # fmt: skip


def test_define_link_baseline_target_values_and_status_per_bassin(ctx):
    d = _rsa_indicator(ctx)
    assert (d.category, d.storage, d.scope, d.unit) == ("feuille de route", "valeurs", "bassin", "%")
    svc.link(ctx, "EP-1.1", "EP-RDV", kind="autre")
    svc.link(ctx, "EP-1.1", "R1", kind="tdb")
    svc.set_step(ctx, "EP-RDV", "baseline", 40, day=date(2023, 12, 31), bassin="Lensois")
    svc.set_step(ctx, "EP-RDV", "target", 60, year=2025)
    svc.set_step(ctx, "EP-RDV", "target", 50, year=2024)
    svc.set_value(ctx, "EP-RDV", 45, date(2024, 3, 10), bassin="Lensois")
    svc.set_value(ctx, "EP-RDV", 52, date(2024, 9, 1), bassin="Lensois")
    svc.set_value(ctx, "EP-RDV", 30, date(2024, 9, 1), bassin="Audomarois")
    linked = m.action_indicators(ctx, _action_id(ctx, "EP-1.1"))
    assert [(li.indicator.code, li.kind) for li in linked] == [("EP-RDV", "autre"), ("R1", "tdb")]
    by_bassin = {st.bassin_name: st for st in linked[0].states}
    lens = by_bassin["Lensois"]
    assert lens.last == m.Point(date(2024, 9, 1), 52.0, "Testeur")
    assert (lens.baseline.value, lens.target.value, lens.target.year, lens.status) == (40, 50, 2024, m.REACHED)
    assert by_bassin["Audomarois"].status == m.BELOW
    assert by_bassin["Montreuillois"].status == m.NO_VALUE
    assert {st.status for st in linked[1].states} == {m.NO_VALUE}
    assert [p.value for p in lens.points] == [45, 52]  # mois : 1er du mois
    assert lens.points[0].day == date(2024, 3, 1)


def _action_id(ctx, code):
    from roadmap_app.plan.read import load_plan

    return load_plan(ctx).action(code).id


def test_every_write_is_journaled_and_undone(ctx, db_path):
    before = m.load_definitions(ctx)
    _rsa_indicator(ctx)
    svc.link(ctx, "EP-1.1", "EP-RDV")
    svc.set_step(ctx, "EP-RDV", "baseline", 40, year=2023)
    svc.set_step(ctx, "EP-RDV", "target", 60, year=2025)
    svc.set_value(ctx, "EP-RDV", 45, date(2024, 3, 1), bassin="Lensois")
    for _ in range(5):
        undo_last(ctx)
    assert m.load_definitions(ctx) == before
    assert m.load_links(ctx) == []
    d = m.find_definition(m.load_definitions(ctx, archived=True), "EP-RDV")
    assert m.load_series(ctx, [d]) == ({}, {})
    # refaire après annulation : même code, même lien, même date
    _rsa_indicator(ctx)
    svc.link(ctx, "EP-1.1", "EP-RDV")
    svc.set_value(ctx, "EP-RDV", 45, date(2024, 3, 1), bassin="Lensois")
    assert len(m.load_links(ctx)) == 1


def test_a_flow_indicator_reads_and_writes_the_flows_storage(ctx):
    svc.link(ctx, "EP-1.1", "entrants", kind="autre")
    svc.set_value(ctx, "entrants", 41, date(2024, 8, 20), bassin="Lensois")
    assert load_flow_series(ctx, "Lensois").value(date(2024, 8, 1), "entrants") == 41
    svc.set_step(ctx, "orientes_15j", "target", 20, year=2026, bassin="Lensois")
    assert any(t.indicator == "orientes_15j" and t.value == 20 for t in load_flow_targets(ctx))
    undo_last(ctx)
    assert not any(t.indicator == "orientes_15j" and t.value == 20 for t in load_flow_targets(ctx))
    st = {s.bassin_name: s for s in m.action_indicators(ctx, _action_id(ctx, "EP-1.1"))[0].states}
    # cible d'entrants du jeu initial : 177 par mois en moyenne depuis juillet 2024
    assert (st["Lensois"].last.value, st["Lensois"].target.value, st["Lensois"].status) == (41, 177, m.BELOW)
    undo_last(ctx)
    assert load_flow_series(ctx, "Lensois").value(date(2024, 8, 1), "entrants") is None


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: svc.set_value(c, "R1", 120, date(2024, 1, 1), bassin="Lensois"), "120 % dépasse 100 %"),
        (lambda c: svc.set_value(c, "M1a", -3, date(2024, 1, 1), bassin="Lensois"), "-3 est négatif"),
        (lambda c: svc.set_value(c, "M1a", 3, date(2045, 1, 1), bassin="Lensois"), "hors de la période acceptée"),
        (lambda c: svc.set_value(c, "R9", 3, date(2024, 1, 1)), "Indicateur « R9 » inconnu"),
        (lambda c: svc.link(c, "ZZ-9.9", "R1"), "Action « ZZ-9.9 » inconnue"),
        (lambda c: svc.link(c, "EP-1.1", "R9"), "Indicateur « R9 » inconnu"),
        (lambda c: svc.link(c, "EP-1.1", "R1", kind="national"), "Sorte de lien « national » inconnu"),
        (lambda c: svc.add_indicator(c, "X1", label="X", unit="kg", direction="up"), "Unité « kg » inconnu"),
        (lambda c: svc.add_indicator(c, "R1", label="X", unit="%", direction="up"), "« R1 » existe déjà"),
        (lambda c: svc.set_value(c, "M1a", 3, date(2024, 1, 1), bassin="Atlantide"), "Bassin « Atlantide » inconnu"),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_written(ctx, db_path, call, message):
    before = dump_store(db_path)
    with pytest.raises(UserError, match=message):
        call(ctx)
    assert dump_store(db_path) == before


def test_duplicate_value_and_target_before_baseline_are_refused(ctx, db_path):
    svc.set_value(ctx, "R1", 30, date(2024, 3, 1), bassin="Lensois")
    svc.set_step(ctx, "R1", "baseline", 25, day=date(2023, 12, 31), bassin="Lensois")
    before = dump_store(db_path)
    with pytest.raises(ValidationError, match=r"R1, Lensois, 2024 : une valeur est déjà saisie \(30 %"):
        svc.set_value(ctx, "R1", 31, date(2024, 3, 15), bassin="Lensois")  # annuel : même année
    with pytest.raises(ValidationError, match="valeur en double"):
        svc.set_values(ctx, [svc.ValueInput("M1a", "Lensois", date(2024, 2, 1), 3, "ligne 2"),
                             svc.ValueInput("M1a", "Lensois", date(2024, 2, 9), 4, "ligne 3")])  # fmt: skip
    with pytest.raises(ValidationError, match="la cible commence avant la situation de référence"):
        svc.set_step(ctx, "R1", "target", 40, day=date(2023, 6, 1), bassin="Lensois")
    assert dump_store(db_path) == before
    svc.set_value(ctx, "R1", 31, date(2024, 3, 15), bassin="Lensois", replace=True)


def test_an_existing_store_gets_the_indicators_and_keeps_its_flows(tmp_path):
    from roadmap_app.core.context import open_context

    path = tmp_path / "ancienne.sqlite3"
    shutil.copyfile(FIXTURE, path)
    ctx = open_context(path, author="Testeur")
    try:
        assert ctx.prepared.migrated_from == "0001"
        assert len([d for d in m.load_definitions(ctx) if d.is_flow]) == 17
        assert len(load_flow_targets(ctx)) > 0
    finally:
        ctx.close()


def test_upgrade_from_0013_keeps_every_flow_value_and_target(db_path):
    from alembic import command

    from db.migrate import _alembic_config
    from db.store import Store
    from roadmap_app.core.context import open_context

    store = Store(db_path)
    with store.engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0013")
    store.dispose()
    con = sqlite3.connect(db_path)
    con.execute("INSERT INTO flow_value (bassin_id, month, indicator, value, updated_by, version) "
                "SELECT id, '2024-04-01', 'entrants', 37, 'Avant', 1 FROM bassin")  # fmt: skip
    con.commit()
    flows_before = con.execute("SELECT * FROM flow_value ORDER BY id").fetchall()
    targets_before = con.execute("SELECT * FROM flow_target ORDER BY id").fetchall()
    con.close()
    ctx = open_context(db_path, author="Testeur")
    try:
        assert ctx.prepared.migrated_from == "0013"
        con = sqlite3.connect(db_path)
        assert con.execute("SELECT * FROM flow_value ORDER BY id").fetchall() == flows_before
        assert con.execute("SELECT * FROM flow_target ORDER BY id").fetchall() == targets_before
        con.close()
        assert load_flow_series(ctx, "Lensois").value(date(2024, 4, 1), "entrants") == 37
        assert len([d for d in m.load_definitions(ctx) if d.is_flow]) == 17
    finally:
        ctx.close()
